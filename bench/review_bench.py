"""Review calls on a large store: what an analyst's clicks cost, through the real HTTP app.

Usage: .venv/bin/python bench/review_bench.py [--store PATH] [--calls 200]

- The store is a copy of ``bench/serve_bench.py``'s synthetic one (about 91,000 incidents; built
  there when missing), so the bench store itself is never changed.
- The app is ``geomap.serve.app.create_app`` driven by Starlette's test client in this process
  (no network, no second core): each figure is the server's own cost of a call, JSON included.
- Per call kind, ``--calls`` calls on random incidents: ``GET /api/incidents/{id}`` (the feature
  with its sources and corrections), ``PATCH`` of the toll, ``POST …/dismiss`` and ``POST …/merge``
  into another incident. Reported: median and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_bench import build_store  # noqa: E402

from geomap.store.store import Store  # noqa: E402


def timed(call, count: int) -> tuple[float, float]:
    times = []
    for i in range(count):
        t0 = time.perf_counter()
        response = call(i)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code}: {response.text[:200]}")
    times.sort()
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(0.99 * len(times)))] * 1000


def main() -> None:
    from starlette.testclient import TestClient

    from geomap.serve.app import create_app

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("/tmp/geomap-serve-bench.db"))
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    build_store(args.store, 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "review.db"
        shutil.copy(args.store, copy)
        with Store(copy) as store:
            ids = [f["properties"]["id"] for f in store.features()]
            rng = random.Random(1)
            picked = rng.sample(ids, 4 * args.calls + 1)
            app = create_app(store, parser=None)  # type: ignore[arg-type]  # no parse is asked for
            with TestClient(app, base_url="http://127.0.0.1:8765") as client:
                json_headers = {"content-type": "application/json", "origin": "http://127.0.0.1:8765"}
                calls = {
                    "GET /api/incidents/{id}": lambda i: client.get(f"/api/incidents/{picked[i]}"),
                    "PATCH /api/incidents/{id} (toll)": lambda i: client.patch(
                        f"/api/incidents/{picked[args.calls + i]}",
                        json={"fatalities": 3},
                        headers=json_headers,
                    ),
                    "POST …/dismiss": lambda i: client.post(
                        f"/api/incidents/{picked[2 * args.calls + i]}/dismiss",
                        json={"reason": "a duplicate"},
                        headers=json_headers,
                    ),
                    "POST …/merge": lambda i: client.post(
                        f"/api/incidents/{picked[3 * args.calls + i]}/merge",
                        json={"into": picked[-1]},
                        headers=json_headers,
                    ),
                }
                print(f"{len(ids):,} incidents; {args.calls} calls each")
                for name, call in calls.items():
                    median, p99 = timed(call, args.calls)
                    print(f"{name}: median {median:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
