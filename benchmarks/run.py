"""Run every benchmark: `python -m benchmarks.run [--quick]` (CI uses --quick: smaller sizes)."""

from __future__ import annotations

import argparse
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="reduced sizes (CI)")
    args = parser.parse_args()
    steps = [
        ["benchmarks.ingest", "--articles", "100" if args.quick else "1000"],
        ["benchmarks.answer", "--repeat", "5" if args.quick else "30"],
        ["benchmarks.ui_load", "--sessions", "16", "--turns", "5"],
        ["benchmarks.growth", "--server", "--sizes", *(["1000", "10000"] if args.quick else ["1000", "10000", "100000"])],
    ]
    failed = 0
    for step in steps:
        print(f"\n$ python -m {' '.join(step)}", flush=True)
        failed |= subprocess.call([sys.executable, "-m", *step])
    return failed


if __name__ == "__main__":
    sys.exit(main())
