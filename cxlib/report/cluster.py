"""The batch past one machine: warm kernels on Dask workers, a project on shared storage.

- :class:`WarmKernels` is a Dask worker plugin: when a worker starts (or is restarted after a
  crash) it imports what a report needs (papermill, nbconvert, WeasyPrint, pandas: the same
  preload as the local pool's forkserver) and starts the worker's Jupyter kernel, in the thread
  that runs the worker's tasks, so the first client it gets is already warm. The kernel is reset
  before every notebook and replaced after any failure, after ``max_reuse`` notebooks or above
  its memory limit, exactly as in the local pool (:mod:`cxlib.report.execute`); the plugin's
  teardown kills it with the worker.
- :class:`NoProfiler` stops each worker's statistical profiler, which takes the GIL every 10 ms.
- :func:`render_remote` is the unit of work when the project is at a URL
  (:class:`cxlib.report.storage.Storage`): copy the client's inputs to a local staging folder
  (only what changed), render there with :func:`cxlib.report.pipeline.render_client` (the same
  validation, execution, rendering and checks as ``cx report``), then publish the reports and the
  client's manifest to storage, every file through a temporary key and the manifest last.

A worker killed while it renders a client publishes nothing of it; the scheduler gives the client
to another worker, which renders and publishes it whole (``tests/report/test_cluster.py``).

Examples
--------
>>> job = ReportJob(client="acme-telecom", root="", storage="s3://bucket/project")   # doctest: +SKIP
>>> render_remote(job).ok                                                            # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

from cxlib.report.execute import ExecutionSettings
from cxlib.report.pipeline import ClientResult, ReportJob, render_client, shutdown_worker_kernels, worker_kernel

__all__ = ["PLUGIN_NAME", "WarmKernels", "NoProfiler", "warm_this_thread", "warm_workers", "render_remote", "stage_folder"]

#: Name the plugin is registered under (registering it again replaces it, it does not stack).
PLUGIN_NAME = "cx-warm-kernels"


def warm_this_thread(settings: ExecutionSettings) -> int | None:
    """Import the report stack and start this thread's warm kernel; returns the kernel's pid."""
    import cxlib.report._warm  # noqa: F401 - papermill, nbconvert, WeasyPrint, pandas, templates

    kernel = worker_kernel(settings)
    if not kernel.alive:
        kernel.start()
        kernel.prepare()
    return kernel.pid


try:  # distributed is a dependency, but keep this module importable (and documented) without it
    from distributed import WorkerPlugin as _Plugin
except ImportError:  # pragma: no cover
    _Plugin = object  # type: ignore[misc,assignment]


class WarmKernels(_Plugin):  # type: ignore[misc,valid-type]
    """Dask worker plugin: a warm report kernel per worker, ready before the first task.

    Parameters
    ----------
    settings : ExecutionSettings
        The batch's execution settings (the kernel is started with them; a job with other
        settings replaces it).
    """

    idempotent = True
    name = PLUGIN_NAME

    def __init__(self, settings: ExecutionSettings | None = None) -> None:
        self.settings = settings or ExecutionSettings()

    def setup(self, worker) -> None:
        # the kernel must live in the thread that runs the tasks (kernels are per thread); with one
        # thread per worker that is the default executor's only thread, and the warm-up runs first
        executor = worker.executors.get("default")
        if executor is not None:
            executor.submit(warm_this_thread, self.settings)

    def teardown(self, worker) -> None:
        shutdown_worker_kernels()


class NoProfiler(_Plugin):  # type: ignore[misc,valid-type]
    """Dask worker plugin: stop the worker's statistical profiler (``distributed.worker.profile``).

    Every 10 ms the profiler takes the GIL to sample the task thread's stack, and a report is Python
    through and through (pandas, nbconvert, WeasyPrint). On a 20-client batch the clients' seconds
    summed 5 % above the local pool's with it, 2.5 % without it (one round each, within the
    machine's noise of about 5 %: ``docs/benchmarks/scale.md``). Only the dashboard's profile page
    uses what it gathers. Stopping its two periodic callbacks works on
    a cluster someone else started, whatever its configuration.
    """

    idempotent = True
    name = "cx-no-profiler"

    def setup(self, worker) -> None:
        for name in ("profile", "profile-cycle"):
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()


def warm_workers(client, settings: ExecutionSettings | None = None) -> dict[str, int | None]:
    """Register :class:`WarmKernels` on a running cluster and wait until every worker's kernel is warm.

    For a cluster kept running between batches: call once after it starts, and every batch finds
    warm kernels (the plugin is idempotent: ``run_batch`` registering it again changes nothing).

    Parameters
    ----------
    client : distributed.Client
    settings : ExecutionSettings, optional
        Must equal the batch's settings (a job with other settings starts a new kernel).

    Returns
    -------
    dict
        Worker address -> pid of its warm kernel.
    """
    settings = settings or ExecutionSettings()
    client.register_plugin(WarmKernels(settings), name=PLUGIN_NAME)
    workers = list(client.scheduler_info()["workers"])
    # one task per worker, pinned: it runs in the worker's task thread after the plugin's warm-up
    futures = {w: client.submit(warm_this_thread, settings, workers=[w], allow_other_workers=False, pure=False)
               for w in workers}
    return {w: f.result() for w, f in futures.items()}


def stage_folder(storage_url: str, client: str) -> Path:
    """Where this machine keeps a client's inputs, validated store and cached results between runs."""
    digest = hashlib.sha256(storage_url.encode("utf-8")).hexdigest()[:12]
    base = Path(os.environ.get("CX_STAGE_DIR") or Path(tempfile.gettempdir()) / f"cx-stage-{os.getuid()}")
    return base / digest / client


def render_remote(job: ReportJob) -> ClientResult:
    """Stage a client's inputs from ``job.storage``, render them, publish to storage (manifest last).

    Never raises for the client's own failures: like :func:`render_client` it returns a failed
    :class:`ClientResult`; a failed client's manifest (and its kept notebook) is published and
    its previous complete reports are left in place.
    """
    import fcntl

    from cxlib.report.storage import Storage

    store = Storage(job.storage, dict(job.storage_options))
    stage = stage_folder(store.url, job.client)
    stage.mkdir(parents=True, exist_ok=True)
    with open(stage / ".cx-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run of a client at a time on this machine
        try:
            store.stage_client(job.client, stage)
        except Exception as exc:  # noqa: BLE001 - a missing client or an unreachable store fails that client
            return ClientResult(client=job.client, status="failed", seconds=0.0, error_type=type(exc).__name__,
                                error=f"{exc} (reading {store.url})")
        notebook = job.notebook
        if notebook is None and (stage / "notebooks" / "report.ipynb").exists():
            notebook = str(stage / "notebooks" / "report.ipynb")
        out = stage / "out"
        local = replace(job, root=str(stage), out_dir=str(out), notebook=notebook, storage=None, storage_options=())
        result = render_client(local)
        folder = out / job.client
        names = list(result.outputs) if result.ok else list(result.kept)
        files = {name: (folder / name).read_bytes() for name in names}
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["storage"] = {"url": store.url, "options": sorted(store.options), "staged_at": str(stage)}
        stale = [f"{job.client}-{a}.failed.ipynb" for a in job.audiences] if result.ok else []
        try:
            store.publish(job.client, files, remove=stale,
                          manifest=(json.dumps(manifest, indent=2, default=str) + "\n").encode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - rendered but not published: the client failed
            return replace(result, status="failed", outputs={}, error_type=type(exc).__name__,
                           error=f"publishing to {store.url} failed: {exc}")
        return result
