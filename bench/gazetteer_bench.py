"""Gazetteer benchmarks: build time, cold open + first lookup, lookups/s, peak RSS, size.

Usage: .venv/bin/python bench/gazetteer_bench.py [--runs 5] [--build-runs 3]
Prints one line per figure: the median over the runs, and every run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A fresh interpreter: import geomap, open the index, look one name up.
COLD = r"""
import resource, sys, time, json
t0 = time.perf_counter()
from geomap.gazetteer import Gazetteer
gaz = Gazetteer(sys.argv[1], auto_build=False)
first = gaz.candidates("Rafah")
t1 = time.perf_counter()
names = json.loads(sys.argv[2])
for name in names:                      # cold: every name once, cache empty
    gaz.candidates(name)
t2 = time.perf_counter()
for _ in range(10):                     # warm: the same names again
    for name in names:
        gaz.candidates(name)
t3 = time.perf_counter()
print(json.dumps({
    "open_first_lookup_s": t1 - t0,
    "cold_lookups_per_s": len(names) / (t2 - t1),
    "warm_lookups_per_s": 10 * len(names) / (t3 - t2),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "first": first[0].name,
}))
"""

NAMES = [
    "Rafah",
    "Gaza",
    "Khan Younis",
    "Red Sea",
    "Bab el-Mandeb",
    "Yemen",
    "Hodeidah",
    "Sanaa",
    "Strait of Hormuz",
    "Gulf of Aden",
    "Cape of Good Hope",
    "Suez Canal",
    "West Bank",
    "Sinai",
    "Donbas",
    "Kharkiv",
    "Kyiv",
    "Moscow",
    "Washington",
    "London",
    "Paris",
    "Beirut",
    "Tehran",
    "Damascus",
    "Aleppo",
    "Euphrates",
    "Nile",
    "Khartoum",
    "El Fasher",
    "Mogadishu",
    "Tripoli",
    "Georgia",
    "Jordan",
    "Springfield",
    "Portland",
    "Lebanon",
    "Israel",
    "Egypt",
    "Iran",
    "Iraq",
]


def median_line(label: str, values: list[float], unit: str, fmt: str = "{:.3f}") -> str:
    runs = ", ".join(fmt.format(v) for v in values)
    return f"{label:<32} median {fmt.format(statistics.median(values))} {unit}   (runs: {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs (default 5)")
    parser.add_argument("--build-runs", type=int, default=3, help="full builds (default 3; 0 skips)")
    args = parser.parse_args()

    from gazetteer.build import build_index
    from geomap.gazetteer import Gazetteer

    index = Gazetteer().path  # built if needed
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.build_runs):
            t0 = time.perf_counter()
            build_index(Path(tmp) / f"b{i}.sqlite", progress=False)
            builds.append(time.perf_counter() - t0)

    names = NAMES * 25  # 1,000 lookups of 40 distinct names
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(index), json.dumps(names)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out))

    print(f"index: {index}  size {index.stat().st_size / 1e6:.1f} MB")
    if builds:
        print(median_line("build", builds, "s", "{:.1f}"))
    print(median_line("open + first lookup (fresh proc)", [r["open_first_lookup_s"] for r in runs], "s"))
    print(median_line("lookups/s, cold names", [r["cold_lookups_per_s"] for r in runs], "/s", "{:,.0f}"))
    print(median_line("lookups/s, warm names", [r["warm_lookups_per_s"] for r in runs], "/s", "{:,.0f}"))
    print(median_line("peak RSS after lookups", [r["peak_rss_mb"] for r in runs], "MB", "{:.1f}"))


if __name__ == "__main__":
    main()
