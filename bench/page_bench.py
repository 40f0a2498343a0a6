"""How long the store page takes to open in Chromium on a 100,000-incident store.

Usage: .venv/bin/python bench/page_bench.py [--store PATH] [--runs 5]

- The store is ``bench/serve_bench.py``'s synthetic one (built there when missing).
- The server is the real command, ``geomap serve --db STORE --port 0``; the browser is Debian's
  Chromium driven by Playwright, a fresh context (no cache) per run, 1,200 × 760 pixels.
- A run is timed from navigation until the map shows its incidents or groups, the status line
  says how many, and the summary's table has rows. Reported: each run and the median.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_bench import build_store  # noqa: E402

SHOWN = (
    "() => /incidents/.test(document.getElementById('status').textContent)"
    " && document.querySelectorAll('.gm-group, .leaflet-marker-icon').length > 0"
    " && document.querySelectorAll('#by-place tbody tr').length > 0"
)


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("/tmp/geomap-serve-bench.db"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    build_store(args.store, 100_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap.cli", "serve", "--db", str(args.store), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    match = re.search(r"(http://[\d.]+:\d+/)", proc.stdout.readline())
    if match is None:
        proc.kill()
        raise SystemExit("the server did not start")
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for run in range(args.runs):
                context = browser.new_context(viewport={"width": 1200, "height": 760})
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(match.group(1), wait_until="commit")
                page.wait_for_function(SHOWN, timeout=60_000)
                times.append(time.perf_counter() - t0)
                print(f"run {run + 1}: {times[-1]:.2f} s ({page.inner_text('#status')})")
                context.close()
            browser.close()
    finally:
        proc.terminate()
    print(f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
