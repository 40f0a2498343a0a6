"""Load test of ``geomap serve``: ``GET /api/incidents`` with random bbox filters on a
100,000-incident store.

Usage: .venv/bin/python bench/serve_bench.py [--store PATH] [--box 0.5] [--requests 1000] [--clients 2]
       [--runs 3] [--as-page] [--world]

- The store is ``bench/store_bench.py``'s synthetic one (5 incidents per article at 2,000 random
  places in a 20° × 12° box, over a year); it is built once at ``--store`` and reused (building
  takes about two minutes).
- The server is the real command, ``geomap serve --db STORE --port 0``, pinned to one core; the
  client runs on the other core: ``--clients`` threads, each with its own keep-alive connection,
  each asking for random ``--box``° × ``--box``° boxes (the default page limit, 5,000, applies).
- ``--as-page`` asks as the store page does: with ``cell`` (60 pixels of a 1,000-pixel-wide map
  showing the box) and the page's ``cluster_over``, so a box of more incidents is answered as clusters;
  ``--world`` asks for the whole world (-180,-85,180,85) instead of random boxes.
- Reported per run: requests/s, median and p99 latency (as the client measures it, so it
  includes the client's own reading of the answer), mean incidents per answer; then the
  medians of the runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from store_bench import EAST, NORTH, SOUTH, WEST, synthetic_articles  # noqa: E402

from geomap.serve.pages import CLUSTER_OVER  # noqa: E402
from geomap.store.store import Store  # noqa: E402


def build_store(path: Path, incidents: int) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    print(f"building a {incidents:,}-report store at {path} (once)", file=sys.stderr)
    t0 = time.perf_counter()
    with Store(tmp) as store:
        store.add_many(synthetic_articles(incidents, random.Random(12)))
        store._backend.checkpoint()
    tmp.rename(path)
    print(f"built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def start_server(store: Path, core: int) -> tuple[subprocess.Popen[str], str, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap.cli", "serve", "--db", str(store), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://([\d.]+):(\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return proc, match.group(1), int(match.group(2))


def client(
    host: str, port: int, args: argparse.Namespace, count: int, seed: int, out: list[tuple[float, int]]
) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    box = args.box
    for _ in range(count):
        if args.world:
            path, width = "/api/incidents?bbox=-180,-85,180,85", 360.0
        else:
            w, s = rng.uniform(WEST, EAST - box), rng.uniform(SOUTH, NORTH - box)
            path, width = f"/api/incidents?bbox={w:.4f},{s:.4f},{w + box:.4f},{s + box:.4f}", box
        if args.as_page:
            path += f"&cell={60 * width / 1000:.4g}&cluster_over={CLUSTER_OVER}"
        t0 = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - t0
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status} {body[:200]!r}")
        out.append((elapsed, body.count(b'"type":"Feature"')))
    conn.close()


def run(host: str, port: int, args: argparse.Namespace, seed: int) -> tuple[float, float, float, float]:
    results: list[list[tuple[float, int]]] = [[] for _ in range(args.clients)]
    per_client = args.requests // args.clients
    threads = [
        threading.Thread(target=client, args=(host, port, args, per_client, seed * 100 + i, results[i]))
        for i in range(args.clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    samples = [s for r in results for s in r]
    times = sorted(t for t, _ in samples)
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    return len(samples) / wall, statistics.median(times), p99, statistics.mean(n for _, n in samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("/tmp/geomap-serve-bench.db"))
    ap.add_argument("--incidents", type=int, default=100_000, help="reports in a store built anew")
    ap.add_argument("--box", type=float, default=0.5, help="side of the random boxes, degrees")
    ap.add_argument("--requests", type=int, default=1000, help="per run")
    ap.add_argument("--clients", type=int, default=2, help="concurrent connections")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--as-page", action="store_true", help="ask with cell and cluster_over, as the page does")
    ap.add_argument("--world", action="store_true", help="ask for the whole world, not random boxes")
    args = ap.parse_args()
    build_store(args.store, args.incidents)
    with Store(args.store, create=False) as store:
        stats = store.stats()
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = cores[0], cores[-1]
    os.sched_setaffinity(0, {client_core})
    proc, host, port = start_server(args.store, server_core)
    try:
        warm = argparse.Namespace(**{**vars(args), "requests": 200})
        run(host, port, warm, seed=0)  # the page cache and the first-request costs
        figures = []
        for i in range(args.runs):
            rps, median, p99, size = run(host, port, args, seed=i + 1)
            figures.append((rps, median, p99, size))
            print(
                f"run {i + 1}: {rps:,.0f} requests/s, median {median * 1000:.1f} ms, "
                f"p99 {p99 * 1000:.1f} ms, {size:,.0f} incidents per answer"
            )
    finally:
        proc.terminate()
        proc.wait(10)
    load = os.getloadavg()[0]
    print(
        json.dumps(
            {
                "incidents": stats["incidents"],
                "box_degrees": args.box,
                "clients": args.clients,
                "requests_per_run": args.requests,
                "requests_per_s_median": round(statistics.median(f[0] for f in figures), 1),
                "p99_ms_median": round(statistics.median(f[2] for f in figures) * 1000, 1),
                "median_ms_median": round(statistics.median(f[1] for f in figures) * 1000, 1),
                "incidents_per_answer": round(statistics.mean(f[3] for f in figures), 1),
                "load_average_1min_at_end": round(load, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
