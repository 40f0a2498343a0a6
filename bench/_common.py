"""What every benchmark script shares: fresh child processes and median lines."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; its last stdout line is a JSON object of figures."""
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"benchmark process failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_line(label: str, values: list[float], unit: str, fmt: str = "{:.3f}") -> str:
    """``label  median X unit   (runs: a, b, c)``: the median, and every run beside it."""
    runs = ", ".join(fmt.format(v) for v in values)
    return f"{label:<40} median {fmt.format(statistics.median(values))} {unit}   (runs: {runs})"
