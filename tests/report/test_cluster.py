"""The batch past one machine: a Dask LocalCluster (2 worker processes) and a project on S3.

The workers reach the project only through moto's S3-compatible server (fixtures in
``test_storage.py``); each stages its clients' inputs into its own folder, renders with a warm
kernel (:class:`cxlib.report.cluster.WarmKernels`) and publishes through temporary keys, the
manifest last. A worker killed mid-client must leave nothing of that client published; the
scheduler gives the client to the other worker, which publishes it whole.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest

from cxlib.report.batch import run_batch
from cxlib.report.execute import ExecutionSettings
from tests.conftest import write_workspace
from tests.report.test_storage import NOTEBOOK, bucket, s3_endpoint, sha256, temporary_keys, upload_project  # noqa: F401

SETTINGS = ExecutionSettings(cell_timeout=120, start_timeout=60)


def sleeping_notebook(path: Path) -> str:
    """The fixture notebook, whose ``sleep_client`` sleeps only on its first run (a marker file says so).

    The marker holds the pids of the kernel's parent (the Dask worker) and of the kernel.
    """
    nb = json.loads(Path(NOTEBOOK).read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "".join(nb["cells"][0]["source"]) + '\nsleep_marker = ""'
    nb["cells"][3]["source"] = (
        "import os\n"
        "if client == fail_client:\n"
        "    raise ValueError(f'planted data failure for {client}')\n"
        "if client == sleep_client and not Path(sleep_marker).exists():\n"
        "    Path(sleep_marker).write_text(f'{os.getppid()} {os.getpid()}')\n"
        "    time.sleep(sleep_seconds)\n")
    path.write_text(json.dumps(nb), encoding="utf-8")
    return str(path)


def published(fs, prefix: str) -> list[str]:
    fs.invalidate_cache()
    try:
        return sorted(k.rsplit("/", 1)[1] for k in fs.find(prefix))
    except FileNotFoundError:
        return []


@pytest.mark.slow
def test_a_worker_killed_mid_client_has_its_client_rerun_and_nothing_half_published(bucket, s3_endpoint,
                                                                                     tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    monkeypatch.setenv("CX_STAGE_DIR", str(tmp_path / "stage"))  # inherited by the worker processes
    fs, name = bucket
    clients = ("alpha", "beta", "gamma", "delta")
    for client in clients:
        write_workspace(tmp_path / "src", client)
    url = upload_project(fs, name, tmp_path / "src")
    marker = tmp_path / "alpha-slept"
    notebook = sleeping_notebook(tmp_path / "sleepy.ipynb")
    outcome: dict = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster, set_as_default=False) as watcher:
        from cxlib.report.cluster import warm_workers

        worker_pids = set(watcher.run(os.getpid).values())
        warm = warm_workers(watcher, SETTINGS)  # what a cluster kept running between batches does once
        assert len(warm) == 2 and all(warm.values())

        def batch():
            outcome["result"] = run_batch(
                storage=url, storage_options={"endpoint_url": s3_endpoint}, scheduler=cluster.scheduler_address,
                notebook=notebook, settings=SETTINGS, audiences=("executive",), formats=("html",), progress=False,
                parameters=(("sleep_client", "alpha"), ("sleep_seconds", 600), ("sleep_marker", str(marker))))

        thread = threading.Thread(target=batch)
        thread.start()
        deadline = time.monotonic() + 180
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), "alpha never started"
        worker_pid, kernel_pid = map(int, marker.read_text().split())
        assert worker_pid in worker_pids and kernel_pid in warm.values()  # the worker's own, already warm kernel
        assert published(fs, f"{name}/project/reports/alpha") == []
        os.kill(worker_pid, signal.SIGKILL)  # mid-client: alpha's notebook is executing
        thread.join(300)
        assert not thread.is_alive()

    result = outcome["result"]
    assert result.mode == "dask" and result.ok, result.table.to_string()
    for client in clients:
        folder = f"{name}/project/reports/{client}"
        assert published(fs, folder) == [f"{client}-executive.html", f"{client}-executive.ipynb", "manifest.json"]
        manifest = json.loads(fs.cat_file(f"{folder}/manifest.json"))
        assert manifest["status"] == "ok"
        for key, digest in manifest["outputs"].items():
            assert sha256(fs.cat_file(f"{folder}/{key}")) == digest
    batch_manifest = json.loads(fs.cat_file(f"{name}/project/reports/batch-manifest.json"))
    assert batch_manifest["failed"] == [] and len(batch_manifest["clients"]) == len(clients)
    assert temporary_keys(fs, f"{name}/project") == []
    # the killed worker's kernel notices its parent is gone and exits (no orphan left running)
    end = time.monotonic() + 20
    while psutil.pid_exists(kernel_pid) and psutil.Process(kernel_pid).status() != psutil.STATUS_ZOMBIE \
            and time.monotonic() < end:
        time.sleep(0.5)
    assert not psutil.pid_exists(kernel_pid) or psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE


@pytest.mark.slow
def test_demo_clients_on_dask_and_s3_give_the_same_reports_as_the_local_pool(bucket, s3_endpoint, tmp_path,
                                                                              monkeypatch):
    """Two small demo clients through the real report notebook: Dask + S3 against the local pool + disk."""
    from cxlib.demo import generate_demo

    monkeypatch.setenv("CX_STAGE_DIR", str(tmp_path / "stage"))
    fs, name = bucket
    clients = ["acme-telecom", "bluebird-retail"]
    generate_demo(tmp_path / "local", n_customers=400, seed=3, clients=clients)
    url = upload_project(fs, name, tmp_path / "local")
    common = dict(audiences=("executive",), formats=("html",), progress=False, workers=2)
    remote = run_batch(storage=url, storage_options={"endpoint_url": s3_endpoint}, scheduler="local:2", **common)
    assert remote.ok, remote.table.to_string()
    local = run_batch(root=tmp_path / "local", **common)
    assert local.ok, local.table.to_string()
    for r_remote, r_local in zip(remote.results, local.results):
        assert r_remote.client == r_local.client
        folder = f"{name}/project/reports/{r_remote.client}"
        html = fs.cat_file(f"{folder}/{r_remote.client}-executive.html")
        assert sha256(html) == r_remote.outputs[f"{r_remote.client}-executive.html"]
        assert set(r_remote.outputs) == set(r_local.outputs)
        assert html.count(b"<section") == (tmp_path / "local" / "reports" / r_local.client /
                                           f"{r_local.client}-executive.html").read_bytes().count(b"<section")
    assert temporary_keys(fs, f"{name}/project") == []
