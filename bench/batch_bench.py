"""Batch benchmarks: `geomap batch` throughput on 1 and 2 workers, and peak RSS while streaming.

Usage: .venv/bin/python bench/batch_bench.py [--runs 3] [--articles 500] [--chars 2000]
       [--small 48] [--lines 100000] [--mem-lines 5000] [--skip-throughput] [--skip-memory]

Prints one line per figure: the median over the runs, and every run.

Throughput: ``.venv/bin/geomap batch INPUT --out DIR --workers N`` as a subprocess, a fresh
DIR each run, wall time of the whole command (interpreter start, spaCy and gazetteer load,
LocalCluster start for N > 1, parsing, combined outputs). The ``--articles`` texts are the
``text`` fields of ../shared/eval/*.jsonl, read at run time, cut at sentence ends, and
written as JSONL to a temp dir only. A ``--small`` article run of the same command gives
the fixed cost, which is subtracted for the "excluding start-up" figures. The CPU time
(user + system) of each 500-article command, worker processes included, gives the
efficiency the work allows on 2 cores, CPU(1) / CPU(2): a figure that shared, noisy machines
disturb far less than wall time.

Memory: ``--lines`` short generated articles (seeded) in one JSONL file. The input stage
(``iter_inputs`` over every line) runs in a fresh process; ``geomap batch --workers 1`` runs
in-process in a small wrapper over the first ``--mem-lines`` lines (or all of them, with
``--mem-lines 0``). Both report VmHWM from /proc/self/status.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import median_line, run_child
from parse_bench import load_texts

ROOT = Path(__file__).resolve().parent.parent
GEOMAP = ROOT / ".venv" / "bin" / "geomap"

# The input stage alone: every line read and turned into an Article, nothing kept.
STREAM = r"""
import json, sys, time
from geomap.batch.inputs import Item, iter_inputs
def hwm():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
before = hwm()
t0 = time.perf_counter()
items = failures = 0
for x in iter_inputs(sys.argv[1]):
    if isinstance(x, Item): items += 1
    else: failures += 1
t1 = time.perf_counter()
print(json.dumps({"items": items, "failures": failures, "seconds": t1 - t0,
                  "hwm_before_mb": before, "peak_rss_mb": hwm()}))
"""

# `geomap batch` run in this process through the CLI's own main(), then VmHWM at the end.
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
BATCH_RSS = r"""
import json, sys, time
from geomap.cli.main import main
t0 = time.perf_counter()
rc = main(["batch", sys.argv[1], "--out", sys.argv[2], "--workers", "1"])
t1 = time.perf_counter()
hwm = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
print(json.dumps({"rc": rc, "seconds": t1 - t0, "peak_rss_mb": hwm}))
"""

PLACES = [
    "Rafah", "Kharkiv", "Mogadishu", "Aleppo", "Khartoum", "Goma", "Sanaa", "Mosul", "Kabul",
    "Port-au-Prince", "Bamako", "Gaza", "Odesa", "Tripoli", "Idlib", "Juba", "Maiduguri",
    "Kherson", "Hodeidah", "Benghazi", "Niamey", "Ouagadougou", "Lviv", "Beirut", "Homs",
]  # fmt: skip
EVENTS = [
    ("shelling hit a market in", "killing {n} people"),
    ("a car bomb exploded near a checkpoint in", "wounding {n} civilians"),
    ("floods swept through the outskirts of", "leaving {n} families without shelter"),
    ("protesters gathered outside the governor's office in", "and police detained {n} of them"),
    ("an air strike destroyed a school in", "where {n} children had been sheltering"),
    ("gunmen attacked a convoy on the road to", "and {n} aid workers are missing"),
]
SOURCES = ["officials said", "witnesses told reporters", "the ministry said", "a local doctor said"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def short_articles(count: int, seed: int = 5):
    """``count`` one- or two-sentence made-up news items of about 150 characters, each naming a place."""
    rng = random.Random(seed)
    for i in range(count):
        what, result = rng.choice(EVENTS)
        place = rng.choice(PLACES)
        text = (
            f"On {rng.choice(DAYS)}, {what} {place}, {result.format(n=rng.randint(2, 40))}, "
            f"{rng.choice(SOURCES)}."
        )
        if rng.random() < 0.5:
            text += f" Residents of {rng.choice(PLACES)} fled."
        yield {"id": f"short-{i}", "text": text}


def write_jsonl(path: Path, records) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def children_cpu() -> float:
    """User + system CPU seconds of every finished child so far (Dask workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_batch_cli(source: Path, out: Path, workers: int, cpu: list[float] | None = None) -> float:
    """Wall time of ``geomap batch`` as a subprocess, into a fresh ``out``; fails unless exit 0.

    Its CPU time (user + system of the command and its worker processes) goes into ``cpu``.
    """
    if out.exists():
        shutil.rmtree(out)
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(GEOMAP), "batch", str(source), "--out", str(out), "--workers", str(workers)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if cpu is not None:
        cpu.append(children_cpu() - cpu0)
    if proc.returncode != 0:
        raise SystemExit(f"geomap batch --workers {workers} exited {proc.returncode}:\n{proc.stderr}")
    written = len(list((out / "articles").glob("*.json")))
    expected = sum(1 for _ in source.open(encoding="utf-8"))
    if written != expected:
        raise SystemExit(f"geomap batch wrote {written} articles, expected {expected}")
    shutil.rmtree(out)
    return seconds


def throughput(args: argparse.Namespace, tmp: Path) -> None:
    texts = load_texts(args.articles, args.chars)
    big = tmp / "articles.jsonl"
    small = tmp / "small.jsonl"
    write_jsonl(big, ({"id": f"a{i}", "text": t} for i, t in enumerate(texts)))
    write_jsonl(small, ({"id": f"a{i}", "text": t} for i, t in enumerate(texts[: args.small])))
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles, {chars:,} characters ({chars / len(texts):,.0f} on average)")

    walls: dict[int, list[float]] = {1: [], 2: []}
    fixed: dict[int, list[float]] = {1: [], 2: []}
    cpus: dict[int, list[float]] = {1: [], 2: []}
    for run in range(args.runs):
        order = (1, 2) if run % 2 == 0 else (2, 1)  # alternate which goes first
        for workers in order:
            fixed[workers].append(run_batch_cli(small, tmp / "out", workers))
            walls[workers].append(run_batch_cli(big, tmp / "out", workers, cpus[workers]))
        print(f"  run {run + 1}: " + ", ".join(f"w{w} {walls[w][-1]:.1f} s" for w in (1, 2)), flush=True)

    n, k = len(texts), args.small
    rate = {w: [n / s for s in walls[w]] for w in walls}
    # Excluding start-up: the extra articles over the extra time, paired within each run.
    marginal = {w: [(n - k) / (b - s) for b, s in zip(walls[w], fixed[w], strict=True)] for w in walls}
    eff = [r2 / (2 * r1) for r1, r2 in zip(rate[1], rate[2], strict=True)]
    eff_marg = [r2 / (2 * r1) for r1, r2 in zip(marginal[1], marginal[2], strict=True)]
    for w in (1, 2):
        print(median_line(f"batch --workers {w}, wall, {n} articles", walls[w], "s", "{:.2f}"))
        print(median_line(f"batch --workers {w}, articles/s", rate[w], "articles/s", "{:.2f}"))
        print(median_line(f"batch --workers {w}, wall, {k} articles", fixed[w], "s", "{:.2f}"))
        print(median_line(f"batch -w {w}, articles/s excl. start-up", marginal[w], "articles/s", "{:.2f}"))
    for w in (1, 2):
        print(median_line(f"batch --workers {w}, CPU (user+sys), {n} articles", cpus[w], "s", "{:.2f}"))
    # The best efficiency the CPU work allows: both cores busy all the time with 2 workers.
    bound = [c1 / c2 for c1, c2 in zip(cpus[1], cpus[2], strict=True)]
    print(median_line("efficiency bound CPU(1) / CPU(2)", bound, "", "{:.3f}"))
    print(median_line("efficiency r(2) / (2 r(1)), whole cmd", eff, "", "{:.3f}"))
    print(median_line("efficiency, excluding start-up", eff_marg, "", "{:.3f}"))
    med = {w: (statistics.median(rate[w]), statistics.median(marginal[w])) for w in (1, 2)}
    print(
        f"  (medians of per-run ratios; ratio of the medians: {med[2][0] / (2 * med[1][0]):.3f}, "
        f"excl. start-up {med[2][1] / (2 * med[1][1]):.3f})"
    )


def memory(args: argparse.Namespace, tmp: Path) -> None:
    big = tmp / "short.jsonl"
    n = write_jsonl(big, short_articles(args.lines))
    size = big.stat().st_size
    print(f"{n:,} short articles, {size / 1e6:.1f} MB, {size / n:.0f} bytes a line")
    sub_lines = args.mem_lines if 0 < args.mem_lines < n else n
    sub = big
    if sub_lines < n:
        sub = tmp / "short-head.jsonl"
        with big.open(encoding="utf-8") as f, sub.open("w", encoding="utf-8") as g:
            for _, line in zip(range(sub_lines), f, strict=False):
                g.write(line)

    streams, batches, seconds = [], [], []
    for run in range(args.runs):
        s = run_child(STREAM, str(big))
        if s["items"] != n:
            raise SystemExit(f"iter_inputs gave {s['items']} items, expected {n}")
        streams.append(s)
        out = tmp / "mem-out"
        if out.exists():
            shutil.rmtree(out)
        b = run_child(BATCH_RSS, str(sub), str(out))
        if b["rc"] != 0:
            raise SystemExit(f"geomap batch exited {b['rc']} on the memory input")
        shutil.rmtree(out)
        batches.append(b["peak_rss_mb"])
        seconds.append(b["seconds"])
        print(f"  run {run + 1}: stream {s['peak_rss_mb']:.1f} MB, batch {b['peak_rss_mb']:.1f} MB")
    peak = [s["peak_rss_mb"] for s in streams]
    print(median_line(f"iter_inputs over {n} lines, peak RSS", peak, "MB", "{:.1f}"))
    before = [s["hwm_before_mb"] for s in streams]
    print(median_line("  same process before iterating", before, "MB", "{:.1f}"))
    took = [s["seconds"] for s in streams]
    print(median_line(f"  iter_inputs over {n} lines, time", took, "s", "{:.2f}"))
    print(median_line(f"batch --workers 1, {sub_lines} lines, peak RSS", batches, "MB", "{:.1f}"))
    print(median_line(f"batch --workers 1, {sub_lines} lines, time", seconds, "s", "{:.1f}"))
    projected = statistics.median(seconds) * n / sub_lines / 60
    print(f"  projected full batch of {n} lines at that rate: {projected:.0f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each kind (default 3)")
    parser.add_argument("--articles", type=int, default=500, help="articles for throughput (default 500)")
    parser.add_argument("--chars", type=int, default=2000, help="characters per article (default 2000)")
    parser.add_argument("--small", type=int, default=48, help="articles of the start-up run (default 48)")
    parser.add_argument("--lines", type=int, default=100_000, help="memory JSONL lines (default 100000)")
    parser.add_argument(
        "--mem-lines", type=int, default=5000, help="lines the memory batch run parses, 0: all (default 5000)"
    )
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if args.runs < 1 or not 0 < args.small < args.articles or args.lines < 1:
        parser.error("--runs must be positive and 0 < --small < --articles")

    from geomap.resolution.gazetteer import Gazetteer

    Gazetteer().close()  # build a missing index before any timing
    with tempfile.TemporaryDirectory(prefix="geomap-batch-bench-") as tmp:
        if not args.skip_throughput:
            throughput(args, Path(tmp))
        if not args.skip_memory:
            memory(args, Path(tmp))


if __name__ == "__main__":
    main()
