"""Run every benchmark in bench/ at the sizes recorded in docs/benchmarks/ (each script rewrites its page).

Usage: ``python bench/run_all.py [--quick]`` (quick: smaller sizes, for a smoke run; its pages are not the
recorded ones, so do not commit them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    full = "--quick" not in sys.argv
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
