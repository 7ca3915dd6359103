"""Run every benchmark in bench/ (quick mode by default) and rebuild docs/benchmarks.md's index.

Usage: ``python bench/run_all.py [--full]``
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    full = "--full" in sys.argv
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        cmd = [sys.executable, str(script)] + ([] if full else ["--quick"])
        if subprocess.run(cmd, cwd=HERE.parent).returncode != 0:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
