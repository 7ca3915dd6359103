"""Benchmark: the demo generator (issue 2) at the default size and at 1M+ interactions.

Measures, in one run and on this machine, for each demo client:

- the baseline: the default-size client (3,000 customers, about 45k interactions);
- the large client: 70,000 customers (about 1M interactions; ``--quick``: 20,000);

split into simulation (numpy, plus the comment text loop) and writing the files, with wall
time and CPU time of this process (the machine is shared, so CPU time is the steadier number).
Throughput is interactions generated per second of wall time; the ratio compares the large run
with the baseline of the same client in the same run. Also checks that every planted effect
is recorded.

Usage: ``python bench/bench_demo.py [--quick] [--customers N]``. Writes docs/benchmarks/demo.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

_ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_ap.add_argument("--quick", action="store_true")
_ap.add_argument("--customers", type=int, default=None)
ARGS = _ap.parse_args()
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "benchmarks" / "demo.md"

from cxlib import demo as D  # noqa: E402
from cxlib.demo.simulate import Simulation  # noqa: E402
from cxlib.demo.specs import SPECS  # noqa: E402
from cxlib.demo.write import write_client  # noqa: E402

BASELINE = 3000


def run_one(name: str, n: int, folder: Path) -> dict:
    """Generate one client, timing the simulation and the writing apart."""
    w0, c0 = time.perf_counter(), time.process_time()
    sim = Simulation(SPECS[name], n, 7, lambda _m: None)
    sim.run()
    w1, c1 = time.perf_counter(), time.process_time()
    out = folder / "data" / name
    out.mkdir(parents=True, exist_ok=True)
    write_client(sim, out)
    w2, c2 = time.perf_counter(), time.process_time()
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"client": name, "customers": n, "interactions": len(sim.interactions), "responses": len(sim.responses),
            "comments": sim.n_comments, "simulate_s": w1 - w0, "write_s": w2 - w1, "total_s": w2 - w0,
            "cpu_s": (c1 - c0) + (c2 - c1), "mb": size / 1e6,
            "rows_per_s": len(sim.interactions) / (w2 - w0), "effects": len(sim.planted["effects"])}


def main() -> int:
    big = ARGS.customers or (20_000 if ARGS.quick else 70_000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in D.DEMO_CLIENTS:
            for n in (BASELINE, big):
                r = run_one(name, n, Path(tmp) / f"{name}-{n}")
                rows.append(r)
                print(f"{name:16s} {n:7,d} customers {r['interactions']:9,d} interactions  "
                      f"simulate {r['simulate_s']:5.1f}s  write {r['write_s']:5.1f}s  total {r['total_s']:5.1f}s  "
                      f"cpu {r['cpu_s']:5.1f}s  {r['rows_per_s']:9,.0f} rows/s", flush=True)
    df = pd.DataFrame(rows)
    base = df[df["customers"] == BASELINE].set_index("client")["rows_per_s"]
    df["ratio_vs_baseline"] = df["rows_per_s"] / df["client"].map(base)
    write_md(df, big)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def write_md(df: pd.DataFrame, big: int) -> None:
    fmt = df.assign(
        customers=df["customers"].map("{:,}".format), interactions=df["interactions"].map("{:,}".format),
        responses=df["responses"].map("{:,}".format), comments=df["comments"].map("{:,}".format),
        simulate_s=df["simulate_s"].round(1), write_s=df["write_s"].round(1), total_s=df["total_s"].round(1),
        cpu_s=df["cpu_s"].round(1), mb=df["mb"].round(1), rows_per_s=df["rows_per_s"].map("{:,.0f}".format),
        ratio_vs_baseline=df["ratio_vs_baseline"].map("{:.2f}".format),
    )[["client", "customers", "interactions", "responses", "comments", "simulate_s", "write_s", "total_s", "cpu_s",
       "mb", "rows_per_s", "ratio_vs_baseline"]]
    header = "| " + " | ".join(fmt.columns) + " |\n|" + "---|" * len(fmt.columns) + "\n"
    table = header + "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in fmt.itertuples(index=False))
    large = df[df["customers"] == big]
    text = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    marker_a, marker_b = "<!-- bench:start -->", "<!-- bench:end -->"
    block = (f"{marker_a}\nMeasured by `python bench/bench_demo.py{' --quick' if big < 70_000 else ''}` on "
             f"{platform.machine()} / Python {platform.python_version()} / numpy {np.__version__} / "
             f"pandas {pd.__version__}, one process, BLAS 1 thread, on a shared 2-core machine "
             f"(load average {os.getloadavg()[0]:.1f} at the end).\n\n{table}\n"
             f"Large client ({big:,} customers): {large['interactions'].min():,}-{large['interactions'].max():,} "
             f"interactions in {large['total_s'].min():.1f}-{large['total_s'].max():.1f} s wall "
             f"({large['cpu_s'].min():.1f}-{large['cpu_s'].max():.1f} s CPU).\n{marker_b}")
    if marker_a in text and marker_b in text:
        text = text[: text.index(marker_a)] + block + text[text.index(marker_b) + len(marker_b):]
    else:
        text = text + ("\n" if text else "") + "## Results\n\n" + block + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
