"""One client end to end, and many clients in parallel: isolation, atomic publishing, manifests.

Uses the small ``client_report.ipynb`` fixture notebook on hand-made tiny workspaces, so that
each run takes a kernel start and not a full analysis (the real report notebook has its own
end-to-end test in test_report_e2e.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
import typer
from typer.testing import CliRunner

from cxlib.report.batch import run_batch
from cxlib.report.execute import ExecutionSettings
from cxlib.report.files import atomic_write_bytes, sha256_file
from cxlib.report.manifest import read_manifest
from cxlib.report.pipeline import ReportJob, render_client
from tests.conftest import write_workspace

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
NOTEBOOK = str(FIXTURES / "client_report.ipynb")
SETTINGS = ExecutionSettings(cell_timeout=60, start_timeout=60)


def _pool_job(x: str):
    if x == "die":
        os._exit(3)  # the worker process dies mid-job
    if x == "raise":
        raise ValueError("boom")
    return x * 2


def test_pool_runs_each_job_once_and_a_dying_worker_fails_only_its_job():
    from cxlib.report.workers import WorkerPool

    jobs = ["a", "die", "b", "raise", "c", "d"]
    # fork: this test is about the pool's bookkeeping, not about warm imports
    with WorkerPool(2, func=_pool_job, on_death=lambda job, msg: ("died", job, msg), start_method="fork") as pool:
        events = list(pool.run(jobs))
    done = {e.index: e.result for e in events if e.kind == "done"}
    assert sorted(done) == list(range(len(jobs)))
    assert [e.index for e in events if e.kind == "start"].count(1) == 1  # never re-run
    assert done[0] == "aa" and done[2] == "bb" and done[4] == "cc" and done[5] == "dd"
    assert done[1][:2] == ("died", "die") and "exit code 3" in done[1][2]
    assert isinstance(done[3], ValueError)


def kernels_alive() -> list[psutil.Process]:
    out = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if "ipykernel" in " ".join(proc.cmdline()) and proc.status() != psutil.STATUS_ZOMBIE:
                out.append(proc)
        except psutil.NoSuchProcess:
            pass
    return out


def no_kernels_left(timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not kernels_alive():
            return True
        time.sleep(0.2)
    return False


def runs(root: Path) -> list[str]:
    path = root / "runs.log"
    return path.read_text().split() if path.exists() else []


@pytest.fixture
def project(tmp_path) -> Path:
    for name in ("alpha", "beta", "bad"):
        write_workspace(tmp_path, name, config={"display_name": f"{name.title()} <Co>"})
    return tmp_path


def job(root: Path, client: str, **kw) -> ReportJob:
    return ReportJob(client=client, root=str(root), notebook=NOTEBOOK, settings=SETTINGS, **kw)


def test_one_client_publishes_reports_notebooks_and_a_manifest(project):
    result = render_client(job(project, "alpha"))
    assert result.ok, result.error
    out = project / "reports" / "alpha"
    names = {f"alpha-{a}.{e}" for a in ("executive", "analyst") for e in ("html", "pdf", "ipynb")}
    assert names <= {p.name for p in out.iterdir()}
    manifest = read_manifest(out / "manifest.json")
    assert manifest["status"] == "ok" and manifest["error"] is None
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest
    assert set(manifest["inputs"]) == {"client.yaml", "customers.csv", "interactions.csv", "responses.csv"}
    assert manifest["inputs"]["client.yaml"] == sha256_file(project / "data" / "alpha" / "client.yaml")
    assert manifest["parameters"]["analyst"] == {"client": "alpha", "audience": "analyst", "root": str(project.resolve())}
    assert {"pandas", "papermill", "weasyprint", "python", "cxlib"} <= set(manifest["packages"])
    assert manifest["notebook"]["sha256"] == sha256_file(NOTEBOOK)
    # audience decides what runs: the analyst-only section is absent from the executive report
    assert "Reconciliation" in (out / "alpha-analyst.html").read_text()
    assert "Reconciliation" not in (out / "alpha-executive.html").read_text()
    assert "Alpha &lt;Co&gt;" in (out / "alpha-executive.html").read_text()
    assert not list(out.glob(".cx-tmp-*"))
    assert no_kernels_left()


def test_a_failing_client_publishes_nothing_new_and_keeps_its_notebook(project):
    from cxlib.report.execute import Kernel

    kernel = Kernel(SETTINGS)  # one kernel for the three runs (replaced after the failure)
    quick = {"audiences": ("executive",), "formats": ("html",)}
    assert render_client(job(project, "bad", **quick), kernel=kernel).ok  # a previous, complete report
    out = project / "reports" / "bad"
    before = {p.name: sha256_file(p) for p in out.glob("bad-*.*")}
    result = render_client(job(project, "bad", parameters=(("fail_client", "bad"),), **quick), kernel=kernel)
    assert not result.ok and result.error_type == "NotebookFailed" and "planted data failure" in result.error
    assert result.kept == ("bad-executive.failed.ipynb",)
    kept = json.loads((out / "bad-executive.failed.ipynb").read_text())
    assert any(o.get("ename") == "ValueError" for c in kept["cells"] for o in c.get("outputs", []))
    # nothing new published: the previous complete files are untouched, the manifest says failed
    assert {p.name: sha256_file(p) for p in out.glob("bad-*.*") if ".failed." not in p.name} == before
    manifest = read_manifest(out / "manifest.json")
    assert manifest["status"] == "failed" and manifest["outputs"] == {}
    assert manifest["error"]["type"] == "NotebookFailed" and manifest["error"]["kept_notebooks"] == list(result.kept)
    # the next good run publishes and removes the stale failed notebook
    assert render_client(job(project, "bad", **quick), kernel=kernel).ok
    assert not (out / "bad-executive.failed.ipynb").exists()
    kernel.shutdown()


def test_a_data_error_fails_the_client_without_starting_a_kernel(project):
    (project / "data" / "bad" / "client.yaml").write_text("stages: [a, b]\nsale_stage: zzz\n")
    result = render_client(job(project, "bad"))
    assert not result.ok and result.error_type == "ConfigError" and result.kernel_start_attempts == 0
    assert runs(project) == []


def test_same_inputs_give_byte_identical_reports(project):
    first = render_client(job(project, "alpha", audiences=("executive",)))
    second = render_client(job(project, "alpha", audiences=("executive",)))
    assert first.ok and second.ok
    assert first.outputs == second.outputs  # html, pdf and executed notebook: same sha256


def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    atomic_write_bytes(target, b"previous complete report")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # killed between writing the temp file and renaming it

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new half")
    assert target.read_bytes() == b"previous complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # the temp file is gone too


@pytest.mark.slow
def test_killing_the_process_mid_render_leaves_nothing_or_the_previous_report(project):
    assert render_client(job(project, "alpha", audiences=("executive",))).ok
    out = project / "reports" / "alpha"
    before = {p.name: sha256_file(p) for p in out.iterdir()}
    code = (f"from cxlib.report.pipeline import ReportJob, render_client\n"
            f"from cxlib.report.execute import ExecutionSettings\n"
            f"render_client(ReportJob(client='alpha', root={str(project)!r}, notebook={NOTEBOOK!r}, "
            f"audiences=('executive',), parameters=(('sleep_client', 'alpha'), ('sleep_seconds', 60)), "
            f"settings=ExecutionSettings(cell_timeout=120)))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    deadline = time.monotonic() + 60
    while runs(project).count("alpha,executive") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # wait until the second run's notebook is executing
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    after = {p.name: sha256_file(p) for p in out.iterdir() if not p.name.startswith(".cx-tmp-")}
    assert after == before
    assert no_kernels_left(15)  # the orphaned kernel notices its parent died and exits


def test_batch_isolates_a_failing_client_runs_each_once_and_writes_the_manifest_last(project):
    result = run_batch(root=project, notebook=NOTEBOOK, settings=SETTINGS, workers=2, formats=("html", "pdf"),
                       parameters=(("fail_client", "bad"),), progress=False)
    status = {r.client: r.status for r in result.results}
    assert status == {"alpha": "ok", "bad": "failed", "beta": "ok"}
    assert result.failed == ["bad"] and not result.ok
    log = runs(project)
    assert sorted(log) == sorted(["alpha,executive", "alpha,analyst", "beta,executive", "beta,analyst",
                                  "bad,executive"])  # each exactly once; a failure is not retried
    for client in ("alpha", "beta"):
        assert (project / "reports" / client / f"{client}-analyst.pdf").exists()
    assert not list((project / "reports" / "bad").glob("*.html"))
    batch = json.loads((project / "reports" / "batch-manifest.json").read_text())
    assert batch["failed"] == ["bad"] and {c["client"] for c in batch["clients"]} == {"alpha", "beta", "bad"}
    newest_client_manifest = max((project / "reports" / c / "manifest.json").stat().st_mtime
                                 for c in ("alpha", "beta", "bad"))
    assert (project / "reports" / "batch-manifest.json").stat().st_mtime >= newest_client_manifest
    assert result.table.set_index("client").loc["bad", "error"].startswith("NotebookFailed")
    assert no_kernels_left()


@pytest.mark.slow
def test_batch_warm_workers_give_the_same_reports_as_cold(project):
    warm = run_batch(["alpha", "beta"], root=project, notebook=NOTEBOOK, settings=SETTINGS, workers=1,
                     warm_kernels=True, audiences=("executive",), progress=False, out_dir=str(project / "warm"))
    cold = run_batch(["alpha", "beta"], root=project, notebook=NOTEBOOK, settings=SETTINGS, workers=1,
                     warm_kernels=False, audiences=("executive",), progress=False, out_dir=str(project / "cold"))
    assert warm.ok and cold.ok
    assert [r.warm for r in warm.results].count(True) >= 1 and not any(r.warm for r in cold.results)
    assert [r.outputs for r in warm.results] == [r.outputs for r in cold.results]


@pytest.mark.slow
def test_a_client_over_its_time_limit_is_killed_and_the_others_finish(project):
    start = time.monotonic()
    result = run_batch(["alpha", "beta"], root=project, notebook=NOTEBOOK, settings=SETTINGS, workers=2,
                       audiences=("executive",), formats=("html",), client_timeout=20, progress=False,
                       parameters=(("sleep_client", "alpha"), ("sleep_seconds", 600)))
    status = {r.client: (r.status, r.error_type) for r in result.results}
    assert status == {"alpha": ("failed", "ClientTimeout"), "beta": ("ok", None)}
    assert time.monotonic() - start < 120
    assert no_kernels_left(15)


def test_cli_batch_prints_a_summary_and_exits_non_zero_when_a_client_failed(project):
    from cxlib.cli.report import register

    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["batch", "alpha", "bad", "--root", str(project), "--notebook", NOTEBOOK,
                                      "--audience", "executive", "--format", "html", "--no-progress",
                                      "--param", "fail_client=bad", "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "alpha" in result.output and "NotebookFailed" in result.output
    bad = CliRunner().invoke(app, ["batch", "alpah", "--root", str(project), "--no-progress"])
    assert bad.exit_code == 2 and "Unknown client" in bad.output
    unknown = CliRunner().invoke(app, ["report", "alpha", "--root", str(project), "--notebook", NOTEBOOK,
                                       "--param", "fial_client=bad"])
    assert unknown.exit_code == 2 and "fial_client" in unknown.output  # a command error, before any kernel


@pytest.mark.slow
def test_batch_on_a_local_dask_cluster(project):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        result = run_batch(root=project, notebook=NOTEBOOK, settings=SETTINGS, scheduler=cluster.scheduler_address,
                           audiences=("executive",), parameters=(("fail_client", "bad"),), progress=False)
    assert result.mode == "dask"
    assert {r.client: r.status for r in result.results} == {"alpha": "ok", "beta": "ok", "bad": "failed"}
    assert sorted(runs(project)) == ["alpha,executive", "bad,executive", "beta,executive"]
    assert (project / "reports" / "alpha" / "alpha-executive.pdf").exists()


_FLIGHT_LOCK, _FLIGHT = threading.Lock(), {"now": 0, "most": 0}


def _counted_render(job):
    """A stand-in for a client's render that counts how many run at once (in-process Dask workers)."""
    from cxlib.report.pipeline import ClientResult

    with _FLIGHT_LOCK:
        _FLIGHT["now"] += 1
        _FLIGHT["most"] = max(_FLIGHT["most"], _FLIGHT["now"])
    time.sleep(0.2)
    with _FLIGHT_LOCK:
        _FLIGHT["now"] -= 1
    return ClientResult(client=job.client, status="ok", seconds=0.2)


def test_a_dask_batch_never_has_more_clients_in_flight_than_worker_threads(monkeypatch):
    """Queued tasks get stolen by estimated durations that know nothing of a report: one worker idled
    while the other ran three clients in a row. The next client is submitted only when one is done; and the
    workers' statistical profiler is stopped."""
    import distributed

    import cxlib.report.batch as batch

    in_flight_at_submit, submitted = [], []
    real_submit = distributed.Client.submit

    def counting_submit(self, *args, **kwargs):
        in_flight_at_submit.append(sum(not f.done() for f in submitted))
        future = real_submit(self, *args, **kwargs)
        submitted.append(future)
        return future

    monkeypatch.setattr(batch, "_unit", lambda jobs: _counted_render)
    monkeypatch.setattr(distributed.Client, "submit", counting_submit)
    jobs = [ReportJob(client=f"c{i}", root=".") for i in range(6)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert all("profile" in w.periodic_callbacks for w in cluster.workers.values())
        got = batch._run_dask(jobs, cluster.scheduler_address, batch._Display([j.client for j in jobs], enabled=False),
                              workers=2, warm=False, settings=SETTINGS)
        # the statistical profiler takes the GIL every 10 ms: 5 % of a report's time (cluster.NoProfiler)
        assert not any({"profile", "profile-cycle"} & set(w.periodic_callbacks) for w in cluster.workers.values())
    assert sorted(r.client for r in got.values()) == [j.client for j in jobs]
    assert len(in_flight_at_submit) == 6 and max(in_flight_at_submit) <= 1  # 2 threads: at most one other running
    assert _FLIGHT["most"] == 2  # and both threads were used
