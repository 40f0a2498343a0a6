"""Gazetteer benchmarks: build time, cold open + first lookup, lookups/s, peak RSS, size.

Usage: .venv/bin/python bench/gazetteer_bench.py [--runs 5] [--build-runs 3]
Prints one line per figure: the median over the runs, and every run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import median_line, run_child

# A fresh interpreter: import geomap, open the index, look one name up.
COLD = r"""
import sys, time, json
t0 = time.perf_counter()
from geomap.resolution.gazetteer import Gazetteer
gaz = Gazetteer(sys.argv[1], auto_build=False)
first = gaz.candidates("Rafah")
t1 = time.perf_counter()
names = json.loads(sys.argv[2])
for name in names:                      # cold: each distinct name once, nothing cached
    gaz.candidates(name)
t2 = time.perf_counter()
for _ in range(10):                     # warm: the same names again, from the cache
    for name in names:
        gaz.candidates(name)
t3 = time.perf_counter()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({
    "open_first_lookup_s": t1 - t0,
    "cold_lookups_per_s": len(names) / (t2 - t1),
    "warm_lookups_per_s": 10 * len(names) / (t3 - t2),
    "peak_rss_mb": int(hwm.split()[1]) / 1024,
    "first": first[0].name,
}))
"""

BUILD = r"""
import json, sys
from pathlib import Path
from gazetteer.build import build_index
build_index(Path(sys.argv[1]), progress=False)
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"peak_rss_mb": int(hwm.split()[1]) / 1024}))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs (default 5)")
    parser.add_argument("--build-runs", type=int, default=3, help="full builds (default 3; 0 skips)")
    args = parser.parse_args()

    from geomap.resolution.gazetteer import Gazetteer

    index = Gazetteer().path  # built if needed
    builds, build_rss = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.build_runs):
            t0 = time.perf_counter()
            out = run_child(BUILD, str(Path(tmp) / f"b{i}.sqlite"))
            builds.append(time.perf_counter() - t0)
            build_rss.append(out["peak_rss_mb"])

    # 40 news names plus ~2,000 distinct keys spread over the whole names table.
    with Gazetteer(index) as gaz:
        spread = [k for (k,) in gaz._query("SELECT key FROM names")][::350]
    names = list(dict.fromkeys(NAMES + spread))
    runs = []
    for _ in range(args.runs):
        runs.append(run_child(COLD, str(index), json.dumps(names)))

    print(f"index: {index}  size {index.stat().st_size / 1e6:.1f} MB")
    if builds:
        print(median_line("build (fresh process)", builds, "s", "{:.1f}"))
        print(median_line("peak RSS of the build", build_rss, "MB", "{:.0f}"))
    print(median_line("open + first lookup (fresh proc)", [r["open_first_lookup_s"] for r in runs], "s"))
    print(median_line("lookups/s, cold names", [r["cold_lookups_per_s"] for r in runs], "/s", "{:,.0f}"))
    print(median_line("lookups/s, warm names", [r["warm_lookups_per_s"] for r in runs], "/s", "{:,.0f}"))
    print(median_line("peak RSS after lookups", [r["peak_rss_mb"] for r in runs], "MB", "{:.1f}"))


if __name__ == "__main__":
    main()
