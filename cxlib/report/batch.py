"""Render every client's reports in parallel: local warm workers or an existing Dask cluster.

- Local (default): :class:`cxlib.report.workers.WorkerPool`, one warm process per core, each
  keeping one kernel warm across clients (reset between notebooks; replaced after a failure),
  a wall-clock limit per client that kills the worker and its kernel, and a fresh worker after
  a crash; one client's failure stops nothing else.
- Dask (``scheduler="tcp://…"``, or ``"local"`` / ``"local:4"`` for a :class:`distributed.LocalCluster`
  of that many worker processes): one task per client; a worker plugin keeps one warm kernel per
  worker (:class:`cxlib.report.cluster.WarmKernels`), the same :func:`render_client` unit of work; a
  worker that dies mid-client has its client rerun on another worker by the scheduler.
- Shared storage (``storage="s3://bucket/project"``, any fsspec URL): inputs are read from and
  reports published to the URL (:func:`cxlib.report.cluster.render_remote`: temporary keys, then
  the final ones, the client's manifest last; the batch manifest after every client). Works with
  the local pool too.

Largest clients go first (longest-job-first keeps the cores busy at the end). A rich progress
display shows each client's state; :func:`summary_table` prints the end result; the batch
manifest is written after every client has finished.

Examples
--------
>>> result = run_batch(root=".", audiences=("executive",))      # doctest: +SKIP
>>> result.failed                                              # doctest: +SKIP
[]
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from cxlib.errors import ConfigError
from cxlib.report.capacity import usable_cores
from cxlib.report.execute import ExecutionSettings
from cxlib.report.manifest import BATCH_MANIFEST_NAME, batch_manifest_text, write_batch_manifest
from cxlib.report.pipeline import AUDIENCES, FORMATS, ClientResult, ReportJob, render_client
from cxlib.report.storage import REPORTS

__all__ = ["BatchResult", "run_batch", "make_jobs", "summary_table", "client_size"]


@dataclass(frozen=True)
class BatchResult:
    """The outcome of a batch.

    Attributes
    ----------
    results : list of ClientResult
        One per client, in the order the clients were given.
    seconds : float
        Wall time of the batch.
    manifest : Path
        ``<out_dir>/batch-manifest.json``.
    mode : str
        ``"local"`` or ``"dask"``.
    workers : int
        Worker processes (local) or the workers asked for (a local Dask cluster).
    memory : dict or None
        The memory budget's plan (:func:`memory_plan`); None without ``--memory``.
    """

    results: list[ClientResult]
    seconds: float
    manifest: Path | str
    mode: str = "local"
    workers: int = 1
    memory: dict | None = None

    def describe_memory(self) -> str:
        """One line on what the memory budget allowed (empty without one)."""
        m = self.memory
        if not m:
            return ""
        line = (f"memory: {m['workers']} of {m['wanted']} worker(s) within the {m['budget_mb'] / 1024:.1f} GB budget, "
                f"about {m['worker_mb'] / 1024:.1f} GB each for the largest client ({m['largest_client']}, "
                f"{m['largest_rows']:,} rows; estimate)")
        if m["over_budget"]:
            line += "; one worker is above the budget too: this is the least memory a batch can use"
        return line

    @property
    def failed(self) -> list[str]:
        return [r.client for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def table(self) -> pd.DataFrame:
        """One row per client: client, status, seconds, warm, kernel_start_attempts, files, error."""
        return pd.DataFrame([{
            "client": r.client, "status": r.status, "seconds": round(r.seconds, 2), "warm": r.warm,
            "kernel_start_attempts": r.kernel_start_attempts, "files": len(r.outputs),
            "error": (f"{r.error_type}: {r.error}" if r.error else ""),
        } for r in self.results])


def client_size(root: str | os.PathLike, client: str) -> int:
    """Bytes of a client's input files (used to start the largest clients first)."""
    folder = Path(root) / "data" / client
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def memory_plan(jobs: Sequence[ReportJob], root: str | os.PathLike, budget_mb: float, wanted: int) -> dict:
    """The local pool's workers within a memory budget, each estimated for the largest client.

    A client's rows are its store's (:func:`cxlib.report.capacity.store_rows`) once validated, else
    counted from its input files' bytes (:func:`cxlib.report.capacity.rows_from_bytes`, an upper
    bound). Kept in the batch manifest (``settings.memory``).
    """
    from cxlib.report.capacity import rows_from_bytes, store_rows, workers_within
    from cxlib.workspace import Workspace

    rows = {}
    for job in jobs:
        path = Workspace(job.client, root).store_path
        try:
            rows[job.client] = store_rows(path) if path.exists() else rows_from_bytes(client_size(root, job.client))
        except Exception:  # noqa: BLE001 - a store that cannot be read is counted from its files
            rows[job.client] = rows_from_bytes(client_size(root, job.client))
    largest = max(rows, key=rows.get)
    workers, per_worker = workers_within(budget_mb, rows[largest], wanted)
    return {"budget_mb": round(budget_mb), "wanted": int(wanted), "workers": workers, "worker_mb": round(per_worker),
            "largest_client": largest, "largest_rows": int(rows[largest]), "over_budget": per_worker > budget_mb}


def make_jobs(clients: Sequence[str] | None = None, *, root: str | os.PathLike | None = None,
              audiences: Sequence[str] = AUDIENCES, formats: Sequence[str] = FORMATS, notebook: str | None = None,
              out_dir: str | None = None, pdf_engine: str = "weasyprint", settings: ExecutionSettings | None = None,
              warm_kernel: bool = True, parameters: Iterable[tuple[str, Any]] = (),
              results: str = "on") -> list[ReportJob]:
    """One :class:`ReportJob` per client (every ``data/*/client.yaml`` when ``clients`` is empty).

    Raises
    ------
    ConfigError
        An unknown client name, an unknown audience or format, or no clients at all.
    """
    from cxlib.workspace import list_clients, project_root

    base = project_root(root)
    names = _checked_names(clients, list_clients(base), audiences, formats, where=f"under {base / 'data'}",
                           empty_hint=" Run `cx demo` first.")
    return [ReportJob(client=c, root=str(base), audiences=tuple(audiences), formats=tuple(formats),
                      notebook=notebook, out_dir=out_dir, pdf_engine=pdf_engine,
                      settings=settings or ExecutionSettings(), warm_kernel=warm_kernel,
                      parameters=tuple(parameters), results=results) for c in names]


def _checked_names(clients: Sequence[str] | None, known: list[str], audiences: Sequence[str], formats: Sequence[str],
                   *, where: str, empty_hint: str = "") -> list[str]:
    """The clients to render (all ``known`` when none is named), each known; audiences and formats known."""
    names = list(dict.fromkeys(clients)) if clients else known
    unknown = [c for c in names if c not in known]
    if unknown:
        raise ConfigError(f"Unknown client(s) {', '.join(unknown)} {where}; clients there: {', '.join(known) or 'none'}.")
    if not names:
        raise ConfigError(f"No clients {where} (no */client.yaml).{empty_hint}")
    bad = [a for a in audiences if a not in AUDIENCES] + [f for f in formats if f not in FORMATS]
    if bad:
        raise ConfigError(f"Unknown audience/format {', '.join(bad)}; audiences: {', '.join(AUDIENCES)}, "
                          f"formats: {', '.join(FORMATS)}.")
    return names


def _failed(job: ReportJob, message: str, kind: str) -> ClientResult:
    return ClientResult(client=job.client, status="failed", seconds=0.0, error_type=kind, error=message)


def _on_timeout(job: ReportJob, message: str) -> ClientResult:
    return _failed(job, message, "ClientTimeout")


def _on_death(job: ReportJob, message: str) -> ClientResult:
    return _failed(job, message, "WorkerDied")


class _Display:
    """Rich progress: one line per client and an overall bar (silent when disabled)."""

    def __init__(self, clients: list[str], console=None, enabled: bool = True) -> None:
        self.enabled = enabled
        if not enabled:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24),
                                 MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=False)
        self.total = self.progress.add_task("[bold]all clients", total=len(clients))
        self.tasks = {c: self.progress.add_task(f"{c}: [dim]queued", total=1) for c in clients}

    def __enter__(self):
        if self.enabled:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.__exit__(*exc)

    def start(self, client: str, where: str = "") -> None:
        if self.enabled:
            self.progress.update(self.tasks[client], description=f"{client}: running{where}")

    def done(self, result: ClientResult) -> None:
        if not self.enabled:
            return
        from rich.markup import escape

        mark = "[green]✓ ok" if result.ok else f"[red]✗ {escape(str(result.error_type))}"
        self.progress.update(self.tasks[result.client], completed=1,
                             description=f"{result.client}: {mark}[/] ({result.seconds:.1f} s)")
        self.progress.advance(self.total)


def _unit(jobs: list[ReportJob]):
    if any(j.storage for j in jobs):
        from cxlib.report.cluster import render_remote

        return render_remote
    return render_client


def _run_local(jobs: list[ReportJob], workers: int, client_timeout: float | None, display: _Display,
               start_method: str | None) -> dict[int, ClientResult]:
    from cxlib.report.workers import WorkerPool

    results: dict[int, ClientResult] = {}
    with WorkerPool(workers, func=_unit(jobs), job_timeout=client_timeout, on_timeout=_on_timeout,
                    on_death=_on_death, start_method=start_method) as pool:
        for event in pool.run(jobs):
            job = jobs[event.index]
            if event.kind == "start":
                display.start(job.client, f" (worker {event.worker})")
                continue
            result = event.result
            if not isinstance(result, ClientResult):
                result = _failed(job, f"{type(result).__name__}: {result}", "WorkerError")
            results[event.index] = result
            display.done(result)
    return results


def _cluster(scheduler: str, workers: int):
    """``"local"`` / ``"local:N"``: a LocalCluster of N single-threaded worker processes (ours to close)."""
    if scheduler == "local" or scheduler.startswith("local:"):
        from distributed import LocalCluster

        n = int(scheduler.split(":", 1)[1]) if ":" in scheduler else workers
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                            silence_logs=40)
    return None


def _task_slots(client) -> int:
    """Worker threads the cluster has now (at least one: a scheduler without workers holds the tasks)."""
    return max(1, sum(client.nthreads().values()))


def _run_dask(jobs: list[ReportJob], scheduler: str, display: _Display, *, workers: int, warm: bool,
              settings: ExecutionSettings) -> dict[int, ClientResult]:
    """One task per client, never more in flight than the cluster has worker threads.

    Handing the scheduler every client at once lets it queue tasks on busy workers and its work
    stealing then moves them by estimated durations that know nothing of a report's seconds: in a
    timeline of 6 clients on 2 workers (``docs/benchmarks/scale.md``) one worker idled for 6 s of a
    30 s batch while the other ran three clients in a row. Submitting the next client only when one finishes (the largest first, as
    ``jobs`` is ordered) gives every free worker the next client at once, on any scheduler.
    """
    from distributed import Client, as_completed

    from cxlib.report.cluster import PLUGIN_NAME, NoProfiler, WarmKernels

    results: dict[int, ClientResult] = {}
    cluster = _cluster(scheduler, workers)
    try:
        with Client(cluster if cluster is not None else scheduler, timeout="30s", set_as_default=False) as client:
            client.register_plugin(NoProfiler(), name=NoProfiler.name)
            if warm:
                client.register_plugin(WarmKernels(settings), name=PLUGIN_NAME)
            func = _unit(jobs)
            batch_id = uuid.uuid4().hex[:8]
            futures: dict[Any, int] = {}
            waiting = iter(enumerate(jobs))
            running = as_completed(loop=client.loop)

            def submit_next() -> bool:
                item = next(waiting, None)
                if item is None:
                    return False
                index, job = item
                # a task whose worker dies is rerun elsewhere by the scheduler (allowed-failures);
                # a client's own failure is a ClientResult, never an exception, so never retried
                future = client.submit(func, job, key=f"cx-report-{job.client}-{batch_id}", pure=False, retries=0)
                futures[future] = index
                running.add(future)
                display.start(job.client, " (dask)")
                return True

            for _ in range(_task_slots(client)):
                if not submit_next():
                    break
            for future in running:
                index = futures.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost too often fails that client only
                    result = _failed(jobs[index], f"{type(exc).__name__}: {exc}", "DaskTaskError")
                results[index] = result
                display.done(result)
                while len(futures) < _task_slots(client) and submit_next():  # workers may have come or gone
                    pass
    finally:
        if cluster is not None:
            cluster.close()
    return results


def run_batch(clients: Sequence[str] | None = None, *, root: str | os.PathLike | None = None,
              audiences: Sequence[str] = AUDIENCES, formats: Sequence[str] = FORMATS, workers: int | None = None,
              scheduler: str | None = None, settings: ExecutionSettings | None = None, warm_kernels: bool = True,
              pdf_engine: str = "weasyprint", notebook: str | None = None, out_dir: str | None = None,
              client_timeout: float | None = None, parameters: Iterable[tuple[str, Any]] = (),
              progress: bool = True, console=None, start_method: str | None = None,
              results: str = "on", storage: str | None = None,
              storage_options: Mapping[str, Any] | None = None, memory_mb: float | None = None) -> BatchResult:
    """Render the reports of many clients in parallel, each client isolated from the others.

    Parameters
    ----------
    clients : sequence of str, optional
        Client names; default every ``data/*/client.yaml``.
    root : path, optional
        Project folder.
    audiences, formats : sequences
        Reports to make per client.
    workers : int, optional
        Local worker processes (default: usable cores). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``), or ``"local"`` / ``"local:N"`` for a
        local Dask cluster of ``workers`` (or N) processes started and closed here.
    settings : ExecutionSettings, optional
        Cell timeout, kernel start attempts, kernel reuse limits.
    warm_kernels : bool
        Workers (local or Dask) keep a kernel warm across clients (reset between notebooks).
    pdf_engine : {"weasyprint", "chromium"}
    notebook, out_dir : str, optional
        Report notebook and output folder (default ``<root>/reports``).
    client_timeout : float, optional
        Local only: wall-clock limit per client; over it the worker and its kernel are killed.
        Default: ``(cell_timeout + start_timeout) * notebooks + 300`` s.
    parameters : iterable of (name, value)
        Extra notebook parameters for every client.
    progress : bool
        Show the rich progress display.
    results : {"on", "fresh", "off"}
        Section results shared by a client's audiences and kept for reruns (:class:`ReportJob`).
    storage : str, optional
        The project's URL on shared storage (``s3://bucket/project``, ``file:///srv/project``):
        clients are read from ``<url>/data`` and reports published to ``<url>/reports``; ``root``
        and ``out_dir`` are then unused.
    storage_options : mapping, optional
        fsspec options for ``storage`` (``{"endpoint_url": "http://127.0.0.1:9000"}`` …).
    memory_mb : float, optional
        Local pool only: the most memory the batch may use, MB (``cx batch --memory 8GB``): no more
        workers than fit in it, each estimated for the largest client (:func:`memory_plan`).

    Returns
    -------
    BatchResult
    """
    started = time.perf_counter()
    if memory_mb is not None and (scheduler or storage):
        raise ConfigError("--memory sizes the local pool; a Dask cluster's workers have their own memory limit "
                          "(dask worker --memory-limit), and the project on shared storage cannot be counted here.")
    settings = settings or ExecutionSettings()
    store = None
    if storage:
        from cxlib.report.storage import Storage

        store = Storage(storage, storage_options)
        jobs = _storage_jobs(store, clients, audiences=audiences, formats=formats, notebook=notebook,
                             pdf_engine=pdf_engine, settings=settings, warm_kernel=warm_kernels,
                             parameters=parameters, results=results)
        sizes = {j.client: store.client_size(j.client) for j in jobs}
    else:
        from cxlib.workspace import project_root

        base = project_root(root)
        jobs = make_jobs(clients, root=base, audiences=audiences, formats=formats, notebook=notebook,
                         out_dir=out_dir, pdf_engine=pdf_engine, settings=settings, warm_kernel=warm_kernels,
                         parameters=parameters, results=results)
        sizes = {j.client: client_size(base, j.client) for j in jobs}
    order = sorted(range(len(jobs)), key=lambda i: -sizes[jobs[i].client])
    ordered = [jobs[i] for i in order]
    cores = usable_cores()
    n_workers = max(1, min(int(workers or cores), len(jobs)))
    memory = memory_plan(ordered, base, memory_mb, n_workers) if memory_mb is not None else None
    if memory is not None:
        n_workers = memory["workers"]
    if client_timeout is None:
        client_timeout = (settings.cell_timeout + settings.start_timeout) * max(1, len(audiences)) + 300
    display = _Display([j.client for j in jobs], console=console, enabled=progress)
    with display:
        if scheduler:
            got = _run_dask(ordered, scheduler, display, workers=n_workers, warm=warm_kernels, settings=settings)
        else:
            share = max(1, cores // n_workers)  # fewer clients than cores: the others go to their analyses
            got = _run_local([replace(j, cores=share) for j in ordered], n_workers, client_timeout, display,
                             start_method)
    by_client = {ordered[i].client: r for i, r in got.items()}
    outcomes = [by_client.get(j.client) or _failed(j, "never ran", "NotRun") for j in jobs]
    seconds = time.perf_counter() - started
    rows = [{"client": r.client, "status": r.status, "seconds": round(r.seconds, 3), "warm_kernel": r.warm,
             "kernel_start_attempts": r.kernel_start_attempts, "outputs": r.outputs,
             "error": None if r.ok else {"type": r.error_type, "message": r.error, "kept": list(r.kept)}}
            for r in outcomes]
    info = {"mode": "dask" if scheduler else "local", "results": results, "scheduler": scheduler,
            "workers": n_workers if not scheduler or scheduler.startswith("local") else None,
            "audiences": list(audiences), "formats": list(formats), "cell_timeout": settings.cell_timeout,
            "start_attempts": settings.start_attempts, "client_timeout": None if scheduler else client_timeout,
            "warm_kernels": warm_kernels, "pdf_engine": pdf_engine,
            "storage": None if store is None else {"url": store.url, "options": sorted(store.options)},
            "memory": memory}
    if store is not None:  # after every client: the batch manifest is the last thing written
        store.write_last(BATCH_MANIFEST_NAME, batch_manifest_text(rows, settings=info, seconds=seconds).encode("utf-8"))
        manifest: Path | str = f"{store.url.rstrip('/')}/{REPORTS}/{BATCH_MANIFEST_NAME}"
    else:
        out = Path(out_dir or base / "reports")
        out.mkdir(parents=True, exist_ok=True)
        manifest = write_batch_manifest(out, rows, settings=info, seconds=seconds)
    return BatchResult(results=outcomes, seconds=seconds, manifest=manifest, mode="dask" if scheduler else "local",
                       workers=n_workers, memory=memory)


def _storage_jobs(store, clients: Sequence[str] | None, **kw) -> list[ReportJob]:
    names = _checked_names(clients, store.list_clients(), kw["audiences"], kw["formats"], where=f"at {store.url}/data")
    options = tuple(sorted(store.options.items()))
    return [ReportJob(client=c, root="", audiences=tuple(kw["audiences"]), formats=tuple(kw["formats"]),
                      notebook=kw["notebook"], pdf_engine=kw["pdf_engine"], settings=kw["settings"],
                      warm_kernel=kw["warm_kernel"], parameters=tuple(kw["parameters"]), results=kw["results"],
                      storage=store.url, storage_options=options) for c in names]


def summary_table(result: BatchResult):
    """A rich Table summarising a batch: one row per client, failures with their error."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Batch: {len(result.results) - len(result.failed)} ok, {len(result.failed)} failed, "
                        f"{result.seconds:.1f} s ({result.mode}, {result.workers} worker(s))", title_justify="left")
    for col, justify in (("client", "left"), ("status", "left"), ("seconds", "right"), ("kernel", "left"),
                         ("files", "right"), ("error", "left")):
        table.add_column(col, justify=justify, overflow="fold")
    for r in result.results:
        kernel = ("warm" if r.warm else "cold") + (f", {r.kernel_start_attempts} starts" if r.kernel_start_attempts > 1 else "")
        table.add_row(r.client, "[green]ok[/]" if r.ok else "[bold red]failed[/]", f"{r.seconds:.1f}", kernel,
                      str(len(r.outputs)), "" if r.ok else escape(f"{r.error_type}: {r.error}"))
    return table

