"""Benchmark: load + validate a client workspace into its store (issue 2).

Measures, in one run and on this machine:
- the baseline: reading the same files with plain pandas (no checks), and
- ``cx validate`` (read + coerce + every check + quarantine + reconciliation + DuckDB store),
for the default-size demo client and for a client with ~1M interactions. Each measurement runs in a
fresh process so peak memory (max RSS) is that step's own.

Usage: ``python bench/bench_load.py [--quick]`` (quick: ~250k interactions instead of ~1M).
Writes docs/benchmarks/load.md.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks" / "load.md"

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
root, client, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
start = time.perf_counter()
if mode == "baseline":
    import pandas as pd
    from cxlib.workspace import load_config
    cfg = load_config(root / "data" / client / "client.yaml")
    rows = 0
    for src in cfg.sources.values():
        for p in src.paths:
            if p.suffix == ".parquet":
                rows += len(pd.read_parquet(p))
            elif p.suffix == ".xlsx":
                rows += len(pd.read_excel(p, dtype=str, skiprows=src.skip_rows))
            else:
                rows += len(pd.read_csv(p, dtype=str, skiprows=src.skip_rows, encoding=src.encoding or "utf-8"))
else:
    from cxlib.workspace import Workspace
    ws = Workspace(client, root)
    ws.refresh(force=True)
    rows = int(ws.reconciliation["rows_read"].sum())
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(root: Path, client: str, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(root), client, mode], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    quick = "--quick" in sys.argv
    from cxlib.demo import generate_client

    big_customers = 17_000 if quick else 70_000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for label, n in (("default demo client", 3000), ("large client", big_customers)):
            start = time.perf_counter()
            generate_client("acme-telecom", root, n_customers=n, seed=7)
            gen = time.perf_counter() - start
            import pandas as pd

            n_inter = len(pd.read_parquet(next((root / "data" / "acme-telecom").glob("interactions*.parquet"))))
            base = _run(root, "acme-telecom", "baseline")
            full = _run(root, "acme-telecom", "validate")
            rows.append((label, n, n_inter, gen, base, full))
            print(f"{label}: {n_inter:,} interactions; plain read {base['seconds']:.2f} s, validate+store "
                  f"{full['seconds']:.2f} s ({full['seconds'] / base['seconds']:.1f}x), peak {full['max_rss_mb']:.0f} MB",
                  flush=True)
    lines = [
        "# Load and validate (issue 2)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"`python bench/bench_load.py{' --quick' if quick else ''}`. Each step in a fresh process.",
        "",
        "| client | customers | interactions | rows read (all tables) | plain pandas read (baseline) | validate + store | ratio | peak RSS validate | peak RSS baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, n, n_inter, gen, base, full in rows:
        lines.append(f"| {label} | {n:,} | {n_inter:,} | {full['rows']:,} | {base['seconds']:.2f} s | "
                     f"{full['seconds']:.2f} s | {full['seconds'] / base['seconds']:.1f}× | {full['max_rss_mb']:.0f} MB | "
                     f"{base['max_rss_mb']:.0f} MB |")
    lines += ["", "Validate + store = read, coerce every cell, range/allowed/key/reference checks, quality flags, "
              "quarantine, reconciliation, and writing the DuckDB store atomically."]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
