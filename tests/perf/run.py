#!/usr/bin/env python
"""`make bench`: run every benchmark script in this folder and print their figures.

Each bench_*.py is a standalone script that sets itself up (a throwaway database, data, and a
gunicorn server where it measures HTTP) and prints what it measured. Nothing here asserts a
time: machines are shared and noisy; the figures are for reading and for the issue notes.
Run one alone with `.venv/bin/python tests/perf/bench_<name>.py`, or pass names:
`make bench BENCH="import votes"`.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, env=os.environ, check=False
        )
        print(
            f"--- {script.stem}: exit {result.returncode}, {time.perf_counter() - started:.1f} s wall"
        )
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or os.environ.get("BENCH", "").split()))
