"""Benchmark: scale (issue 17) -- one report against the hand-typed chain, start-up, the batch on S3 + Dask.

Measures, in one run and on this machine, each against a baseline measured in the same run:

1. ``startup``: ``cx --help`` (median of N whole processes after a warm-up) against ``python -c pass``;
   ``bytecode`` (not in the default set): a report kernel's imports and one executive report with the
   packages' bytecode and without it;
2. ``single``: one executive report (HTML + PDF) of a demo client, ``cx report <client> -a executive``,
   against the chain typed by hand on the same client and notebook: ``papermill`` CLI, then
   ``jupyter nbconvert --to html --no-input``, then the ``weasyprint`` CLI. The client is validated
   once before (both read the same store) and its kept section results are removed before each
   run, so both compute every analysis; the chain runs first, then ``cx report``, alternating when
   ``--repeat`` > 1. Peak RSS is the largest single process of each (``RUSAGE_CHILDREN``);
3. ``batch``: the same clients (executive, HTML + PDF) three ways: the local pool of warm workers
   on the local folder (the baseline); the local pool with the project on an S3-compatible server
   (moto's, on 127.0.0.1); a Dask LocalCluster of the same number of worker processes, started in
   the run, with the project on the same server. Every run computes its section results afresh.
4. ``validate``: peak memory of ``cx validate`` (in batches) on clients whose interactions CSV is
   each of ``--csv-mb`` MB, against the whole-file validation of the previous version (up to
   ``--whole-max-mb``) and ``pandas.read_csv`` of the same file alone;
5. ``large`` (not in the default set: minutes): a ``--large-customers`` demo client from raw files
   to both audiences' HTML + PDF (``cx validate`` then ``cx report``), time and peak tree memory;
6. ``budget`` (not in the default set: about 10 minutes a round): a ``--budget-customers`` demo client
   (650,000: ten million touchpoints) from raw files to both audiences' HTML + PDF, two ways
   alternating: ``cx report`` as it chooses on this machine (the baseline) and ``cx report --memory
   <--budget>``; time and peak tree memory of each, and the plan each manifest kept.

Usage: ``python bench/bench_scale.py [--only startup,single,batch] [--clients 6] [--customers 300]
[--single-customers 3000] [--repeat 1] [--csv-mb 150,1000] [--whole-max-mb 200]``. Writes docs/benchmarks/scale.md (the sections measured).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "docs" / "benchmarks" / "scale.md"
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
BIN = Path(sys.executable).parent


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="startup,single,batch,validate")
    ap.add_argument("--clients", type=int, default=6, help="batch: clients (the issue's target is 20)")
    ap.add_argument("--customers", type=int, default=300, help="batch: customers per client")
    ap.add_argument("--single-customers", type=int, default=3000, help="single: customers (3000 = cx demo's default)")
    ap.add_argument("--repeat", type=int, default=1, help="single, bytecode: runs of each side; large: runs (median); batch: rounds of every way (median)")
    ap.add_argument("--startup-runs", type=int, default=7)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--large-baseline", default=None,
                    help="large: also run this commit's cxlib (git rev), alternating with this one, as the baseline")
    ap.add_argument("--large-customers", type=int, default=65000, help="large: customers (issue 17: 65,000)")
    ap.add_argument("--budget-customers", type=int, default=650000, help="budget: customers (650,000: ten million touchpoints)")
    ap.add_argument("--budget", default="4GB", help="budget: the --memory given to cx report (issue 17: 4 GB)")
    ap.add_argument("--budget-project", default=None, help="budget: a project already holding the generated client "
                                                          "(data/acme-telecom), used instead of generating it")
    ap.add_argument("--csv-mb", default="150,1000", help="validate: sizes of the interactions CSV (MB, comma-separated)")
    ap.add_argument("--whole-max-mb", type=int, default=200,
                    help="validate: largest CSV also validated whole (the previous path needs ~11x the file)")
    return ap.parse_args()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min)"


def timed(cmd: list[str], **kw) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest child process so far) for one subprocess."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# -- 1. start-up --------------------------------------------------------------------------------------
def bench_startup(runs: int) -> dict:
    out = {}
    for name, cmd in (("cx --help", [str(BIN / "cx"), "--help"]), ("python -c pass", [sys.executable, "-c", "pass"])):
        subprocess.run(cmd, capture_output=True, check=False)  # warm-up: file cache
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            times.append(time.perf_counter() - t)
        out[name] = (statistics.median(times), max(times))
    out["load"] = load()
    return out


# -- 1b. bytecode: what each process pays when the packages are not compiled -----------------------------
KERNEL_IMPORTS = "import pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, nbformat, duckdb"


def bench_bytecode(base: Path, client: str, repeat: int) -> dict:
    """The same commands with the venv's bytecode (``make env`` compiles it) and without it (Python made to
    look for bytecode in an empty folder and not write any: what an install by uv without
    ``--compile-bytecode`` costs where bytecode is not written back)."""
    empty = Path(tempfile.mkdtemp(prefix="cx-no-bytecode-"))
    subprocess.run([str(BIN / "cx"), "validate", client, "--root", str(base)], check=True, capture_output=True)
    out: dict = {"imports": {}, "report": {}}
    for mode in ("source", "compiled"):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
        env.update({"PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        if mode == "source":
            env["PYTHONPYCACHEPREFIX"] = str(empty)
        imports, reports = [], []
        for i in range(repeat):
            imports.append(timed([sys.executable, "-c", KERNEL_IMPORTS], env=env)[0])
            shutil.rmtree(base / "build" / client / "results", ignore_errors=True)
            reports.append(timed([str(BIN / "cx"), "report", client, "-a", "executive", "--root", str(base),
                                  "--out", str(base / f"bytecode-{mode}-{i}")], cwd=base, env=env)[0])
        out["imports"][mode], out["report"][mode] = statistics.median(imports), statistics.median(reports)
    shutil.rmtree(empty, ignore_errors=True)
    out["load"] = load()
    return out


# -- 2. one executive report against the chain typed by hand -------------------------------------------
def bench_single(base: Path, client: str, repeat: int) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    subprocess.run([str(BIN / "cx"), "validate", client, "--root", str(base)], check=True, capture_output=True,
                   env=env)
    results_dir = base / "build" / client / "results"
    chain, cx = [], []
    for i in range(repeat):
        shutil.rmtree(results_dir, ignore_errors=True)
        work = base / f"chain-{i}"
        work.mkdir()
        stem = work / f"{client}-executive"
        t = time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), f"{stem}.ipynb", "-p", "client", client,
                        "-p", "audience", "executive", "-p", "root", str(base), "--no-progress-bar",
                        "--log-level", "ERROR"], check=True, cwd=base, capture_output=True, env=env)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", f"{stem}.ipynb"],
                       check=True, cwd=base, capture_output=True, env=env)
        subprocess.run([str(BIN / "weasyprint"), f"{stem}.html", f"{stem}.pdf"], check=True, cwd=base,
                       capture_output=True, env=env)
        chain.append(time.perf_counter() - t)
        shutil.rmtree(results_dir, ignore_errors=True)
        seconds, _ = timed([str(BIN / "cx"), "report", client, "-a", "executive", "--root", str(base),
                            "--out", str(base / f"cx-{i}")], cwd=base, env=env)
        cx.append(seconds)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"chain": chain, "cx": cx, "peak_mb": peak, "load": load(),
            "pdf": (base / "cx-0" / client / f"{client}-executive.pdf").exists()}


# -- 3. the batch: local pool on disk, local pool on S3, Dask LocalCluster on S3 ------------------------
def upload(fs, bucket: str, base: Path) -> str:
    for path in sorted((base / "data").rglob("*")):
        if path.is_file():
            fs.pipe_file(f"{bucket}/project/{path.relative_to(base).as_posix()}", path.read_bytes())
    return f"s3://{bucket}/project"


def bench_batch(base: Path, n_clients: int, n_customers: int, workers: int, repeat: int = 1) -> dict:
    from bench_report import make_clients
    from moto.server import ThreadedMotoServer
    import s3fs

    from cxlib.report.batch import run_batch

    for var, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench"),
                       ("AWS_DEFAULT_REGION", "us-east-1")):
        os.environ.setdefault(var, value)
    os.environ["CX_STAGE_DIR"] = str(base / "stage")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    t = time.perf_counter()
    clients = make_clients(base, n_clients, n_customers)
    generated = time.perf_counter() - t
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    fs = s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
    fs.mkdir("bench")
    url = upload(fs, "bench", base)
    common = dict(audiences=("executive",), formats=("html", "pdf"), progress=False, workers=workers,
                  results="fresh")
    runs = {}
    s3 = dict(storage=url, storage_options={"endpoint_url": endpoint})
    ways = [("local pool, local folder (baseline)", lambda: dict(root=base, out_dir=str(base / "out"))),
            ("local pool, project on S3", lambda: s3),
            (f"Dask LocalCluster ({workers} workers, started in the run), project on S3",
             lambda: dict(**s3, scheduler=f"local:{workers}")),
            (f"Dask LocalCluster ({workers} workers, already running, kernels warm), project on S3",
             lambda: dict(**s3, scheduler=cluster.scheduler_address))]
    cluster = None
    try:
        for round_no in range(max(1, repeat)):  # every way once per round: the ways alternate on the same machine
            for name, kw in ways:
                if "already running" in name and cluster is None:
                    from distributed import LocalCluster

                    t = time.perf_counter()  # started and its kernels warmed before timing (once, for every round)
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=40)
                    from distributed import Client

                    from cxlib.report.cluster import warm_workers
                    from cxlib.report.execute import ExecutionSettings

                    with Client(cluster, set_as_default=False) as client:
                        warm_workers(client, ExecutionSettings())
                    runs["cluster start (not counted)"] = time.perf_counter() - t
                if "S3" in name:
                    shutil.rmtree(base / "stage", ignore_errors=True)  # every S3 run stages from nothing
                result = run_batch(**kw(), **common)
                run = {"seconds": result.seconds, "ok": result.ok, "failed": result.failed,
                       "warm": sum(r.warm for r in result.results), "load": load(),
                       "client_s": sum(r.seconds for r in result.results)}
                runs.setdefault(name, {"rounds": []})["rounds"].append(run)
                print(f"round {round_no + 1}, {name}: {result.seconds:.1f} s, ok={result.ok}", flush=True)
        for name, r in runs.items():  # each way's median round, with every round's seconds
            if isinstance(r, dict):
                rounds = r["rounds"]
                r.update(sorted(rounds, key=lambda x: x["seconds"])[len(rounds) // 2])
                r["every"] = [x["seconds"] for x in rounds]
                r["ok"] = all(x["ok"] for x in rounds)
        fs.invalidate_cache()
        temps = [k for k in fs.find("bench/project/reports") if ".cx-tmp-" in k]
    finally:
        if cluster is not None:
            cluster.close()
        server.stop()
    return {"clients": clients, "customers": n_customers, "generated_s": generated, "runs": runs,
            "temps_left": len(temps)}


# -- 4. validation memory on a large interactions CSV -------------------------------------------------------
PEAK = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "rc = subprocess.run(sys.argv[1:], capture_output=True).returncode; "
        "print(rc, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")


def peak_of(cmd: list[str]) -> tuple[int, float, float]:
    """(exit status, seconds, peak RSS in MB of the largest process) of a command, measured in a fresh parent."""
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], capture_output=True, text=True, check=True).stdout
    rc, seconds, mb = out.split()
    return int(rc), float(seconds), float(mb)


WHOLE = ("import sys; from cxlib.ingest import store; from cxlib.ingest.validate import validate_client; "
         "from cxlib.workspace import Workspace; ws = Workspace(sys.argv[1], sys.argv[2]); "
         "r = validate_client(ws.config, stream_bytes=1 << 50); "
         "store.write_store(ws.store_path, r, fingerprint=ws.input_fingerprint()); sys.exit(0 if r.ok else 1)")


def bench_validate(base: Path, sizes_mb: list[int], whole_max_mb: int) -> list[dict]:
    """Demo clients whose interactions are one CSV of about each size (the demo's rows, copied with new ids).

    Each size: ``cx validate`` (in batches, the shipped path), the whole-file validation of the same
    client and store (the previous version's path, up to ``whole_max_mb``: it needs ~11× the file in
    memory) and ``pandas.read_csv`` of the file alone.
    """
    import pandas as pd
    import yaml

    from cxlib.demo import generate_client

    client = "acme-telecom"
    out = []
    for target_mb in sizes_mb:
        project = base / f"{target_mb}mb"
        folder = generate_client(client, project, n_customers=3000, seed=7)
        rows = pd.read_parquet(folder / "interactions.parquet")
        (folder / "interactions.parquet").unlink()
        path = folder / "interactions.csv"
        copy = 0
        print(f"validate: writing a {target_mb} MB interactions CSV", flush=True)
        while not path.exists() or path.stat().st_size < target_mb * 1e6:
            part = rows.copy()
            part["interaction_id"] = part["interaction_id"] + f"-{copy}"
            part["case_id"] = part["case_id"].where(part["case_id"].isna(), part["case_id"] + f"-{copy}")
            part.to_csv(path, mode="a", header=copy == 0, index=False)
            copy += 1
        cfg_path = folder / "client.yaml"
        cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
        cfg["tables"]["interactions"] = {"path": "interactions.csv"}
        cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
        found = {"mb": path.stat().st_size / 1e6, "rows": len(rows) * copy}
        print(f"validate: {target_mb} MB, pandas.read_csv floor", flush=True)
        found["floor"] = peak_of([sys.executable, "-c", f"import pandas as pd; pd.read_csv({str(path)!r}, dtype=str)"])
        print(f"validate: {target_mb} MB, cx validate (batches)", flush=True)
        found["validate"] = peak_of([str(BIN / "cx"), "validate", client, "--root", str(project)])
        recon_batched = _reconciliation(project, client)
        if target_mb <= whole_max_mb:
            print(f"validate: {target_mb} MB, whole-file validation", flush=True)
            found["whole"] = peak_of([sys.executable, "-c", WHOLE, client, str(project)])
            found["same_reconciliation"] = recon_batched == _reconciliation(project, client)
        found["load"] = load()
        out.append(found)
        shutil.rmtree(project, ignore_errors=True)
    return out


def _reconciliation(project: Path, client: str) -> list:
    from cxlib.ingest import store
    from cxlib.workspace import Workspace

    ws = Workspace(client, project)
    recon = store.read_table(ws.store_path, "reconciliation")
    quarantine = store.read_table(ws.store_path, "quarantine")
    return [recon.to_dict("records"), quarantine.to_dict("records")]


# -- 5. a large client from raw files to both audiences --------------------------------------------------
def tree_peak(cmd: list[str], **kw) -> tuple[float, float]:
    """(seconds, peak of the summed RSS in MB of the command's whole process tree, sampled every 0.2 s)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    top, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        total = 0
        try:
            for p in [top, *top.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak = max(peak, total / 2**20)
        time.sleep(0.2)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} exited {proc.returncode}")
    return time.perf_counter() - start, peak


def bench_large(base: Path, customers: int, repeat: int = 1, baseline: str | None = None) -> dict:
    from cxlib.demo import generate_client

    client = "acme-telecom"
    t = time.perf_counter()
    generate_client(client, base, n_customers=customers, seed=7)
    generated = time.perf_counter() - t
    import pandas as pd

    folder = base / "data" / client
    n_interactions = len(pd.read_parquet(folder / "interactions.parquet", columns=["interaction_id"]))
    n_responses = len(pd.read_csv(folder / "responses.csv", usecols=["response_id"]))
    sides = {"current": ([str(BIN / "cx")], None)}
    if baseline:  # the same commands from another commit of cxlib (a worktree, compiled like this one)
        tree = base / "baseline-tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), baseline], check=True,
                       capture_output=True)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "cxlib")], check=True)
        sides["baseline"] = ([sys.executable, "-m", "cxlib"], {**os.environ, "PYTHONPATH": str(tree)})
    runs: dict[str, list] = {name: [] for name in sides}
    try:
        for _ in range(max(1, repeat)):  # each run from raw files: store, results and reports removed first
            for name, (cx, env) in sides.items():  # alternating, so both sides see the same machine
                shutil.rmtree(base / "build" / client, ignore_errors=True)
                shutil.rmtree(base / "reports" / client, ignore_errors=True)
                validate = tree_peak([*cx, "validate", client, "--root", str(base)], env=env)
                report = tree_peak([*cx, "report", client, "--root", str(base)], env=env)
                runs[name].append((validate, report))
    finally:
        if baseline:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base / "baseline-tree")],
                           capture_output=True)
    out = {"customers": customers, "interactions": n_interactions, "responses": n_responses,
           "generated_s": generated, "load": load(), "baseline_rev": baseline}
    for name, got in runs.items():
        middle = sorted(got, key=lambda r: r[0][0] + r[1][0])[len(got) // 2]  # the median run by total time
        prefix = "" if name == "current" else "baseline_"
        out.update({prefix + "validate": middle[0], prefix + "report": middle[1],
                    prefix + "totals": [v[0] + r[0] for v, r in got], prefix + "peaks": [max(v[1], r[1]) for v, r in got]})
    return out


def bench_budget(base: Path, customers: int, budget: str, repeat: int = 1, project: str | None = None) -> dict:
    """Raw files to both reports, as ``cx report`` chooses (baseline) and within ``--memory budget``, alternating."""
    import json

    import pandas as pd

    from cxlib.demo import generate_client

    client = "acme-telecom"
    generated = None
    if project:
        base = Path(project)
    else:
        t = time.perf_counter()
        generate_client(client, base, n_customers=customers, seed=7)
        generated = time.perf_counter() - t
    folder = base / "data" / client
    n_interactions = len(pd.read_parquet(folder / "interactions.parquet", columns=["interaction_id"]))
    ways = {"as cx report chooses (baseline)": [], f"--memory {budget}": ["--memory", budget]}
    runs: dict[str, list] = {name: [] for name in ways}
    cx = str(BIN / "cx")
    for round_ in range(max(1, repeat)):
        for name, extra in ways.items():  # alternating, so both see the same machine
            print(f"budget: round {round_ + 1}, {name}", flush=True)
            shutil.rmtree(base / "build" / client, ignore_errors=True)
            shutil.rmtree(base / "reports" / client, ignore_errors=True)
            validate = tree_peak([cx, "validate", client, "--root", str(base)])
            report = tree_peak([cx, "report", client, "--root", str(base), *extra])
            manifest = json.loads((base / "reports" / client / "manifest.json").read_text(encoding="utf-8"))
            runs[name].append({"validate": validate, "report": report, "load": load(),
                               "plan": manifest["settings"]["audience_plan"],
                               "audiences": manifest["run"]["timings"].get("audiences", {})})
    return {"customers": customers, "interactions": n_interactions, "generated_s": generated, "budget": budget,
            "runs": runs}


# -- the page --------------------------------------------------------------------------------------------
def write_page(found: dict, args) -> None:
    lines = ["# Scale (issue 17)", "",
             f"`python bench/bench_scale.py` (sections may come from separate runs; the last: `--only {args.only}`) on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}. A shared machine: load averages are given per measurement; "
             "ratios are against a baseline measured in the same run.", ""]
    if "startup" in found:
        s = found["startup"]
        lines += ["## `cx --help`", "", "| command | median s | worst s |", "|---|---|---|"]
        lines += [f"| `{k}` | {v[0]:.3f} | {v[1]:.3f} |" for k, v in s.items() if k != "load"]
        lines += ["", f"{args.startup_runs} whole processes each after a warm-up; load average {s['load']}. "
                      "Target: ≤ 0.5 s.", ""]
    if "single" in found:
        s = found["single"]
        med_chain, med_cx = statistics.median(s["chain"]), statistics.median(s["cx"])
        lines += ["## One executive report (HTML + PDF) against the chain typed by hand", "",
                  f"Client `{s['client']}` of {args.single_customers:,} customers (cx demo's default size), the "
                  f"project's report notebook, {args.repeat} run(s) of each side, alternating, section results "
                  "removed before each run (both compute every analysis on the same validated store).", "",
                  "| way | seconds (each run) | median s |", "|---|---|---|",
                  f"| papermill CLI → `jupyter nbconvert --to html --no-input` → weasyprint CLI | "
                  f"{', '.join(f'{x:.1f}' for x in s['chain'])} | {med_chain:.1f} |",
                  f"| `cx report {s['client']} -a executive` | {', '.join(f'{x:.1f}' for x in s['cx'])} | "
                  f"{med_cx:.1f} |", "",
                  f"**Ratio: {med_chain / med_cx:.2f}×** (target ≥ 4×). Largest single process over the run: "
                  f"{s['peak_mb']:.0f} MB. Load average at the end: {s['load']}.", ""]
    if "batch" in found:
        b = found["batch"]
        base_s = b["runs"]["local pool, local folder (baseline)"]["seconds"]
        lines += ["## The batch: local pool against a Dask LocalCluster, project on an S3-compatible server", "",
                  f"{len(b['clients'])} demo clients of {b['customers']:,} customers"
                  f"{' (the issue' + chr(39) + 's 20)' if len(b['clients']) == 20 else ' (the issue asks for 20)'}, "
                  f"executive HTML + PDF, {args.workers} worker "
                  "processes each way, section results computed afresh in every run; S3 is moto's server on "
                  "127.0.0.1 (in the benchmark process), each S3 run stages the inputs from nothing.", "",
                  f"{args.repeat} round(s), every way once per round, alternating; the median round is shown (of an even number, the slower of the middle two).", "",
                  "| way | seconds (median) | every round s | × baseline | sum of client seconds | all ok | "
                  "clients on a reused kernel | load after |", "|---|---|---|---|---|---|---|---|"]
        for name, r in b["runs"].items():
            if not isinstance(r, dict):
                continue
            every = ", ".join(f"{x:.1f}" for x in r.get("every", [r["seconds"]]))
            lines.append(f"| {name} | {r['seconds']:.1f} | {every} | {r['seconds'] / base_s:.2f} | {r['client_s']:.1f} | "
                         f"{r['ok']} | {r['warm']} | {r['load']} |")
        start = b["runs"].get("cluster start (not counted)")
        lines += ["", f"Starting the already-running cluster and warming its kernels (`cxlib.report.cluster.warm_workers`) took {start:.1f} s before its run (not counted). "
                      if start else ""]
        lines += ["", f"Temporary keys left on the server after the runs: {b['temps_left']}. Generating the "
                      f"clients took {b['generated_s']:.0f} s (not counted).", "",
                  "The Dask ways hand the scheduler no more clients than the cluster has worker threads, the next "
                  "one as each finishes (`cxlib/report/batch.py`): given all at once, the scheduler queued them on "
                  "busy workers and its work stealing moved them by durations it had no estimate of, so that one "
                  "worker idled for 6 s of a 30 s batch while the other ran three clients in a row. The workers' "
                  "statistical profiler, which takes the GIL every 10 ms, is stopped (`cluster.NoProfiler`). "
                  "The cluster started in the run also pays for starting it: two worker processes that each import "
                  "the report stack, where the local pool's forkserver imports it once for both.", ""]
    if "large" in found:
        g = found["large"]
        total = g["validate"][0] + g["report"][0]
        lines += ["## A large client from raw files to both audiences' HTML + PDF", "",
                  f"`cx demo`-generated acme-telecom of {g['customers']:,} customers ({g['interactions']:,} "
                  f"interactions, {g['responses']:,} responses; generating took {g['generated_s']:.0f} s, not "
                  "counted), then `cx validate` and `cx report` (executive + analyst, HTML + PDF). Peak = the "
                  "summed RSS of each command's process tree (kernels included), sampled every 0.2 s.", "",
                  "| step | seconds | peak MB |", "|---|---|---|",
                  f"| `cx validate` | {g['validate'][0]:.1f} | {g['validate'][1]:.0f} |",
                  f"| `cx report` (both audiences, HTML + PDF) | {g['report'][0]:.1f} | {g['report'][1]:.0f} |",
                  f"| **raw files to reports** | **{total:.1f}** | {max(g['validate'][1], g['report'][1]):.0f} |",
                  "", (f"The median of {len(g['totals'])} runs, each from raw files (store, results and reports "
                       f"removed first); every run's total: {', '.join(f'{x:.1f}' for x in g['totals'])} s, peaks "
                       f"{', '.join(f'{x:.0f}' for x in g['peaks'])} MB. " if len(g.get('totals', ())) > 1 else "")
                  + f"Load average at the end: {g['load']}. Target (issue 17, 65,000 customers): ≤ 40 s, ≤ 2 GB.", ""]
        if g.get("baseline_rev"):
            b_total = g["baseline_validate"][0] + g["baseline_report"][0]
            lines += [f"Baseline in the same run, alternating with the current version: cxlib at `{g['baseline_rev']}` "
                      "(a worktree, compiled the same way), the same client and commands.", "",
                      "| version | `cx validate` s | `cx report` s | raw files to reports s | every run s | peak MB |",
                      "|---|---|---|---|---|---|",
                      f"| baseline `{g['baseline_rev']}` | {g['baseline_validate'][0]:.1f} | {g['baseline_report'][0]:.1f} | "
                      f"{b_total:.1f} | {', '.join(f'{x:.1f}' for x in g['baseline_totals'])} | "
                      f"{max(g['baseline_peaks']):.0f} |",
                      f"| current | {g['validate'][0]:.1f} | {g['report'][0]:.1f} | {total:.1f} | "
                      f"{', '.join(f'{x:.1f}' for x in g['totals'])} | {max(g['peaks']):.0f} |", "",
                      f"**Ratio: {b_total / total:.2f}×** faster than the baseline (medians).", ""]
    if "budget" in found:
        g = found["budget"]
        gen = f"generating took {g['generated_s']:.0f} s, not counted" if g["generated_s"] else "generated before the run"
        lines += [f"## Ten million touchpoints in 5 minutes and {g['budget']}", "",
                  f"`cx demo`-generated acme-telecom of {g['customers']:,} customers ({g['interactions']:,} interactions; "
                  f"{gen}), from raw files (store, results and reports removed first) to both audiences' HTML + PDF: "
                  f"`cx validate`, then `cx report` as it chooses on this machine (the baseline), or `cx report "
                  f"--memory {g['budget']}`, alternating. Peak = the summed RSS of each command's process tree "
                  "(kernels included), sampled every 0.2 s. Target (issue 17): ≤ 5 minutes and ≤ 4 GB.", "",
                  "| way | round | plan | `cx validate` s | `cx report` s | raw files to reports s | peak MB | "
                  "executive / analyst notebook s | load after |", "|---|---|---|---|---|---|---|---|---|"]
        for name, got in g["runs"].items():
            for i, r in enumerate(got, 1):
                plan = "side by side" if r["plan"]["side_by_side"] else "one after the other"
                aud = r["audiences"]
                lines.append(f"| {name} | {i} | {plan} | {r['validate'][0]:.1f} | {r['report'][0]:.1f} | "
                             f"**{r['validate'][0] + r['report'][0]:.1f}** | {max(r['validate'][1], r['report'][1]):,.0f} | "
                             f"{aud.get('executive', 0):.0f} / {aud.get('analyst', 0):.0f} | {r['load']} |")
        first = next(iter(g["runs"].values()))[0]["plan"]
        lines += ["", f"The estimate each plan was chosen by: {first['kernel_mb']:,} MB a kernel, {first['needed_mb']:,} MB "
                  f"side by side, {first['available_mb']:,} MB available.", ""]
    if "bytecode" in found:
        b = found["bytecode"]
        lines += ["## Bytecode: what every process pays without it", "",
                  "The same commands on the same client (acme-telecom, 3,000 customers) with the packages' bytecode "
                  "(`make env` installs with `uv pip install --compile-bytecode` and compiles cxlib) and without it "
                  "(Python pointed at an empty bytecode folder, writing none: what uv's default install costs where "
                  "bytecode is not written back, e.g. with `PYTHONDONTWRITEBYTECODE` or a read-only install). "
                  f"Median of {args.repeat} run(s) each.", "",
                  "| command | without bytecode s | with bytecode s | ratio |", "|---|---|---|---|",
                  f"| `python -c \"{KERNEL_IMPORTS}\"` (a report kernel's imports) | {b['imports']['source']:.1f} | "
                  f"{b['imports']['compiled']:.1f} | {b['imports']['source'] / b['imports']['compiled']:.2f}× |",
                  f"| `cx report acme-telecom -a executive` (HTML + PDF, results computed) | {b['report']['source']:.1f} "
                  f"| {b['report']['compiled']:.1f} | {b['report']['source'] / b['report']['compiled']:.2f}× |", "",
                  f"Load average at the end: {b['load']}.", ""]
    if "validate" in found:
        lines += ["## Validation memory on a large interactions CSV", "",
                  "acme-telecom (3,000 customers) with its interactions as one CSV (the demo's rows copied with new "
                  "ids), the other tables as generated. Peak RSS of the largest process, measured from a fresh "
                  "parent. `cx validate` reads the CSV in batches (`cxlib/ingest/streaming.py`); the whole-file "
                  "validation is the previous version's path, run on the same client in the same run.", "",
                  "| CSV | rows | command | exit | seconds | peak MB | peak / file size |",
                  "|---|---|---|---|---|---|---|"]
        for v in found["validate"]:
            runs = [("`cx validate` (batches: read, check, quarantine, store)", v["validate"])]
            if "whole" in v:
                runs.append(("whole-file validation + store (previous version)", v["whole"]))
            runs.append(("floor: `pandas.read_csv(path, dtype=str)` alone", v["floor"]))
            for what, (rc, sec, mb) in runs:
                lines.append(f"| {v['mb']:.0f} MB | {v['rows']:,} | {what} | {rc} | {sec:.1f} | {mb:.0f} | "
                             f"{mb / v['mb']:.2f}× |")
        same = [v["same_reconciliation"] for v in found["validate"] if "same_reconciliation" in v]
        lines += ["", ("Reconciliation and quarantine of the two paths: identical." if same and all(same) else
                       "Reconciliation and quarantine of the two paths: **differ**." if same else
                       "Reconciliation of the two paths not compared (no size validated whole)."),
                  f"Load average at the end: {found['validate'][-1]['load']}. Target (issue 17): a 1 GB CSV with "
                  "peak ≤ 1.5 GB, reconciliation unchanged.", ""]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # keep the sections of the page that this run did not measure (each run may measure only some)
    old = OUT.read_text(encoding="utf-8").split("\n## ") if OUT.exists() else []
    new_heads = {line[3:] for line in lines if line.startswith("## ")}
    kept = ["## " + block.rstrip() + "\n" for block in old[1:] if block.splitlines()[0] not in new_heads]
    lines += kept
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(OUT.read_text())


def main() -> int:
    args = parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    found: dict = {}
    if "startup" in only:
        found["startup"] = bench_startup(args.startup_runs)
    with tempfile.TemporaryDirectory(prefix="cx-bench-scale-") as tmp:
        base = Path(tmp)
        if "single" in only:
            from cxlib.demo import generate_client

            client = "acme-telecom"
            generate_client(client, base / "single", n_customers=args.single_customers, seed=7)
            found["single"] = {"client": client, **bench_single(base / "single", client, args.repeat)}
        if "bytecode" in only:
            from cxlib.demo import generate_client

            generate_client("acme-telecom", base / "bytecode", n_customers=args.single_customers, seed=7)
            found["bytecode"] = bench_bytecode(base / "bytecode", "acme-telecom", args.repeat)
        if "batch" in only:
            (base / "batch").mkdir()
            found["batch"] = bench_batch(base / "batch", args.clients, args.customers, args.workers, args.repeat)
        if "validate" in only:
            found["validate"] = bench_validate(base / "validate", [int(x) for x in args.csv_mb.split(",")],
                                               args.whole_max_mb)
        if "large" in only:
            found["large"] = bench_large(base / "large", args.large_customers, args.repeat, args.large_baseline)
        if "budget" in only:
            found["budget"] = bench_budget(base / "budget", args.budget_customers, args.budget, args.repeat,
                                           args.budget_project)
    write_page(found, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
