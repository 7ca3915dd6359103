"""One client's reports, end to end: validate -> execute -> render -> publish -> manifest.

:func:`render_client` is the unit of work of ``cx report`` and of every batch worker (local
process pool or Dask). It never raises for a client's own failure: it returns a
:class:`ClientResult` with ``status="failed"`` and the error, keeps the executed notebook of
the failing audience as ``<client>-<audience>.failed.ipynb`` and publishes nothing for that
client (all audiences are rendered in memory first; files are written only when every one
succeeded, each atomically, and the client's manifest last).

Examples
--------
>>> job = ReportJob(client="acme-telecom", root="/path/to/project")      # doctest: +SKIP
>>> render_client(job).status                                            # doctest: +SKIP
'ok'
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from cxlib.errors import CxError
from cxlib.report.audiences import AUDIENCES, AudienceName, other_audiences
from cxlib.report.execute import ExecutionSettings, Kernel, execute_notebook
from cxlib.report.files import atomic_write_bytes, remove_stale_temps, sha256_bytes
from cxlib.report.manifest import write_client_manifest
from cxlib.report.normalize import normalize_notebook, notebook_bytes
from cxlib.report.progress import RunProgress

__all__ = ["AUDIENCES", "FORMATS", "Audience", "ReportJob", "ClientResult", "render_client", "default_notebook",
           "shutdown_worker_kernels", "worker_kernel"]

#: An audience name (the registry is :mod:`cxlib.report.audiences`; ``AUDIENCES`` is re-exported from there).
Audience = AudienceName
FORMATS: tuple[str, ...] = ("html", "pdf")


def default_notebook(root: str | os.PathLike | None = None) -> Path:
    """``<root>/notebooks/report.ipynb`` if the project has one, else the one beside this package."""
    if root is not None and (Path(root) / "notebooks" / "report.ipynb").exists():
        return (Path(root) / "notebooks" / "report.ipynb").resolve()
    return (Path(__file__).resolve().parents[2] / "notebooks" / "report.ipynb")


@dataclass(frozen=True)
class ReportJob:
    """Everything a worker needs to render one client's reports (picklable, primitives only).

    Parameters
    ----------
    client : str
        Client folder under ``<root>/data``.
    root : str
        Project folder.
    audiences : tuple of {"executive", "analyst"}
    formats : tuple of {"html", "pdf"}
    notebook : str, optional
        Report notebook (default: :func:`default_notebook`).
    out_dir : str, optional
        Where ``<client>/`` goes (default ``<root>/reports``).
    pdf_engine : {"weasyprint", "chromium"}
    settings : ExecutionSettings
        Timeouts, kernel start attempts, kernel reuse limits.
    warm_kernel : bool
        Reuse this worker's kernel across notebooks and clients (reset between them).
    parameters : tuple of (name, value)
        Extra notebook parameters (checked against the notebook's parameters cell).
    results : {"on", "fresh", "off"}
        Section results shared between the audiences and kept for later runs on the same inputs
        (:mod:`cxlib.report.results`): ``on`` (default) computes each section once and reuses
        it, ``fresh`` computes everything again (and keeps the new results), ``off`` keeps nothing.
    parallel_audiences : bool or None
        Run the audiences' notebooks at once, each on its own kernel (``cx report``: one client
        on every core); False: one after the other (a batch keeps one kernel per worker); None:
        at once when the estimate of their memory fits in what is available
        (:func:`cxlib.report.capacity.audience_plan`), else one after the other.
    memory_mb : float, optional
        The most memory this client's run may use, MB (``cx report --memory 4GB``): with
        ``parallel_audiences=None``, side by side only when the estimate fits in it too.
    storage : str, optional
        The project's URL on shared storage (``s3://bucket/project``): inputs are read from and
        reports published to it (:func:`cxlib.report.cluster.render_remote`); ``root`` is unused.
    storage_options : tuple of (name, value)
        fsspec options for ``storage`` (``endpoint_url`` …; credentials come from the workers' environment).
    cores : int
        Cores this client's run may use (``cx report``: the machine's; a local batch: the machine's shared
        among its workers, one each when there are more clients than cores; a Dask worker: 1).
        Side by side each kernel gets its share; one after the other the kernel gets them all, for the
        analyses that share their work with helper processes (sentiment,
        :attr:`cxlib.report.context.ReportData.processes`).
    """

    client: str
    root: str
    audiences: tuple[str, ...] = AUDIENCES
    formats: tuple[str, ...] = FORMATS
    notebook: str | None = None
    out_dir: str | None = None
    pdf_engine: str = "weasyprint"
    settings: ExecutionSettings = field(default_factory=ExecutionSettings)
    warm_kernel: bool = False
    parameters: tuple[tuple[str, Any], ...] = ()
    results: str = "on"
    parallel_audiences: bool | None = False
    memory_mb: float | None = None
    storage: str | None = None
    storage_options: tuple[tuple[str, Any], ...] = ()
    cores: int = 1

    @property
    def notebook_path(self) -> Path:
        return Path(self.notebook) if self.notebook else default_notebook(self.root)

    @property
    def client_dir(self) -> Path:
        return Path(self.out_dir or Path(self.root) / "reports") / self.client


@dataclass(frozen=True)
class ClientResult:
    """What happened to one client.

    Attributes
    ----------
    client, status : str
        ``status`` is ``"ok"`` or ``"failed"``.
    seconds : float
        Wall time for the client.
    outputs : dict
        Published file name -> sha256 (empty when failed).
    error_type, error : str or None
        Exception class and message when failed.
    kept : tuple of str
        Executed notebooks kept for debugging (failed runs).
    warm : bool
        At least one notebook ran on a reused kernel.
    kernel_start_attempts : int
        Kernel start tries over the client's notebooks.
    timings : dict
        Seconds per step: validate, execute, html, pdf, publish.
    """

    client: str
    status: str
    seconds: float
    outputs: dict = field(default_factory=dict)
    error_type: str | None = None
    error: str | None = None
    kept: tuple[str, ...] = ()
    warm: bool = False
    kernel_start_attempts: int = 0
    timings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- warm kernels: one per worker thread, reset between notebooks, replaced after any failure ----------
_LOCAL = threading.local()
_ALL_KERNELS: list[Kernel] = []
_ALL_LOCK = threading.Lock()


def worker_kernel(settings: ExecutionSettings) -> Kernel:
    """This thread's warm kernel (a new one when the settings changed)."""
    kernel = getattr(_LOCAL, "kernel", None)
    if kernel is not None and kernel.settings != settings:
        kernel.shutdown()
        kernel = None
    if kernel is None:
        kernel = Kernel(settings)
        _LOCAL.kernel = kernel
        with _ALL_LOCK:
            _ALL_KERNELS.append(kernel)
    return kernel


def shutdown_worker_kernels() -> None:
    """Kill every kernel this process kept warm (called when a worker stops)."""
    with _ALL_LOCK:
        kernels, _ALL_KERNELS[:] = list(_ALL_KERNELS), []
    for kernel in kernels:
        kernel.shutdown()
    _LOCAL.kernel = None


import atexit  # noqa: E402

atexit.register(shutdown_worker_kernels)


def _meta(ws, audience: str):
    from cxlib.report.render import ReportMeta

    cfg = ws.config
    period = ""
    if cfg.period_start is not None and cfg.period_end is not None:
        period = f"{cfg.period_start:%d %b %Y} to {cfg.period_end:%d %b %Y}"
    return ReportMeta(client=ws.name, display_name=cfg.display_name, audience=audience, period=period,
                      brand=dict(cfg.brand))


def _warm_renderers(engine: str) -> None:
    """Import nbconvert's exporter, the page template and WeasyPrint (seconds in a fresh process)."""
    from cxlib.report.render import warm_up

    warm_up()
    if engine == "weasyprint":
        import weasyprint  # noqa: F401


def _start_warm_up(engine: str) -> threading.Thread:
    # On its own core while the kernel imports and computes: a fresh `cx report` does not wait for
    # these imports after the notebook has run. Imports only: no kernel, no file, nothing to clean.
    thread = threading.Thread(target=_warm_renderers, args=(engine,), name="cx-warm-renderers", daemon=True)
    thread.start()
    return thread


def _results_used(nb) -> tuple[str | None, list[str]]:
    """The results key and the sections whose shared results the executed notebook showed."""
    from cxlib.report.sections.base import SECTION_MIME

    key, used = None, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            record = out.get("data", {}).get(SECTION_MIME, {})
            results = record.get("results") if isinstance(record, dict) else None
            if not results:
                continue
            if record.get("section") == "results":
                key = results.get("key")
            elif record.get("section"):
                used.append(str(record["section"]))
    return key, used


def _results_mode(mode: str) -> str:
    from cxlib.report.results import cache_mode

    return cache_mode(mode)


def _run_audience(job: ReportJob, audience: str, kernel: Kernel | None, notebook_env: dict,
                  progress: RunProgress | None = None) -> dict[str, Any]:
    """Execute one audience's notebook; never raises (the outcome says what happened)."""
    from cxlib.report.results import JOURNAL_ENV

    fd, journal = tempfile.mkstemp(prefix="cx-results-", suffix=".log")
    os.close(fd)
    if progress is not None:
        progress.journal(audience, journal)
    params = {"client": job.client, "audience": audience, "root": str(Path(job.root).resolve()),
              **dict(job.parameters)}
    t = time.perf_counter()
    outcome: dict[str, Any] = {"audience": audience, "params": params}
    try:
        outcome["run"] = execute_notebook(job.notebook_path, params, settings=job.settings, kernel=kernel,
                                          drop_tags=other_audiences(audience),
                                          environment={**notebook_env, JOURNAL_ENV: journal},
                                          on_cell=progress.cell_hook(audience) if progress is not None else None)
    except CxError as exc:
        outcome["error"] = exc
    except Exception as exc:  # noqa: BLE001 - reported as the client's failure by the caller
        outcome["error"] = exc
    finally:
        outcome["seconds"] = time.perf_counter() - t
        try:
            outcome["computed"] = Path(journal).read_text(encoding="utf-8").split()
        except OSError:
            outcome["computed"] = []
        if progress is not None:
            progress.finished(audience, outcome["computed"])
        Path(journal).unlink(missing_ok=True)
    return outcome


def _audience_plan(job: ReportJob, ws):
    """Side by side or one after the other (:mod:`cxlib.report.capacity`); the store is counted only when it decides."""
    from cxlib.report.capacity import AudiencePlan, audience_plan, available_mb, store_rows

    if len(job.audiences) < 2:
        return AudiencePlan(False, "one audience")
    if _results_mode(job.results) == "off":  # nothing shared: each kernel would compute every section
        return AudiencePlan(False, "results off")
    if job.parallel_audiences is not None:
        return AudiencePlan(bool(job.parallel_audiences), "asked")
    return audience_plan(rows=store_rows(ws.store_path), audiences=len(job.audiences), available_mb=available_mb(),
                         budget_mb=job.memory_mb)


def _run_audiences(job: ReportJob, kernel: Kernel | None, notebook_env: dict, side_by_side: bool,
                   progress: RunProgress | None = None):
    """Each audience's outcome, in audience order, as soon as it is known.

    With ``side_by_side`` every audience runs at once on its own kernel (the sections they share
    are computed by whichever kernel reaches them first; the other waits for its result,
    :class:`cxlib.report.results.ResultsCache`); otherwise one after the other on ``kernel``.
    """
    audiences = list(job.audiences)
    if len(audiences) < 2:
        yield _run_audience(job, audiences[0], kernel, notebook_env, progress)
        return
    if not side_by_side:
        yield from _run_in_turn(job, audiences, kernel, notebook_env, progress)
        return
    from concurrent.futures import ThreadPoolExecutor

    extra = [Kernel(job.settings) for _ in audiences[1:]]
    kernels = [kernel, *extra]
    try:
        with ThreadPoolExecutor(max_workers=len(audiences), thread_name_prefix="cx-audience") as pool:
            futures = [pool.submit(_run_audience, job, a, k, notebook_env, progress)
                       for a, k in zip(audiences, kernels)]
            try:
                for future in futures:  # in audience order: the first is rendered while the others still run
                    yield future.result()
            except GeneratorExit:  # an audience failed: stop the others now rather than wait for them
                for k in extra:
                    k.shutdown()
                raise
    finally:
        for k in extra:
            k.shutdown()


def _run_in_turn(job: ReportJob, audiences: list[str], kernel: Kernel | None, notebook_env: dict,
                 progress: RunProgress | None = None):
    """The audiences one after the other on ``kernel``, in a thread: the caller renders an audience's HTML and
    PDF while the next one runs (one kernel at a time, so no more memory than running them in the caller).

    After an audience fails none is started. Closing the generator (the caller stopped reading) starts none
    either and waits for the one running, so that ``kernel`` is free again when this returns.
    """
    import queue

    ready: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for audience in audiences:
                if stop.is_set():
                    break
                outcome = _run_audience(job, audience, kernel, notebook_env, progress)
                ready.put(outcome)
                if "error" in outcome:
                    break
        finally:
            ready.put(None)

    thread = threading.Thread(target=work, name="cx-audiences", daemon=True)
    thread.start()
    try:
        while (outcome := ready.get()) is not None:
            yield outcome
    finally:
        stop.set()
        thread.join()


def render_client(job: ReportJob, *, kernel: Kernel | None = None,
                  progress: Callable[[str], None] | None = None) -> ClientResult:
    """Validate, execute, render and publish one client's reports.

    Parameters
    ----------
    job : ReportJob
    kernel : Kernel, optional
        A kernel to use for every notebook of this client (reset between them). Default: the
        worker's warm kernel when ``job.warm_kernel``, else a fresh kernel per notebook.
    progress : callable, optional
        Told, about once a second and at each step, one line of what the run is doing
        (:class:`cxlib.report.progress.RunProgress`): ``cx report``'s live display.

    Returns
    -------
    ClientResult
        Never raises for the client's own failures (data, notebook, kernel, rendering).
    """
    with RunProgress(job.client, job.audiences, progress) as tracker:
        return _render_client(job, kernel, tracker if progress is not None else None)


def _render_client(job: ReportJob, kernel: Kernel | None, progress: RunProgress | None) -> ClientResult:
    """:func:`render_client`, telling ``progress`` (when given) what it does."""
    from cxlib.report.context import PROCESSES_ENV, SHARED_ENV
    from cxlib.report.results import RESULTS_ENV
    from cxlib.workspace import open_client

    start = time.perf_counter()
    warming = _start_warm_up(job.pdf_engine)
    out = job.client_dir
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out)
    timings = {"validate": 0.0, "execute": 0.0, "html": 0.0, "pdf": 0.0, "publish": 0.0}
    params_by_audience: dict[str, dict] = {}
    warm_any, attempts = False, 0
    settings_info = {**asdict(job.settings), "pdf_engine": job.pdf_engine, "warm_kernel": job.warm_kernel,
                     "parallel_audiences": job.parallel_audiences}
    settings_info["env"] = dict(job.settings.env)
    data_dir = Path(job.root) / "data" / job.client
    results_info: dict[str, Any] = {"mode": job.results, "key": None, "computed": {}, "loaded": {}}

    def failed(exc: BaseException, kept: tuple[str, ...] = ()) -> ClientResult:
        error = {"type": type(exc).__name__, "message": str(exc), "kept_notebooks": list(kept),
                 "cell_index": getattr(exc, "cell_index", None)}
        if not isinstance(exc, CxError):
            error["traceback"] = traceback.format_exception(exc)[-6:]
        seconds = time.perf_counter() - start
        try:
            write_client_manifest(out, client=job.client, status="failed", parameters=params_by_audience,
                                  notebook=job.notebook_path, data_dir=data_dir, outputs={}, error=error,
                                  run={"seconds": round(seconds, 3), "warm_kernel": warm_any,
                                       "kernel_start_attempts": attempts, "timings": timings,
                                       "results": results_info},
                                  settings=settings_info)
        except OSError:
            pass
        return ClientResult(client=job.client, status="failed", seconds=seconds, error_type=type(exc).__name__,
                            error=str(exc), kept=kept, warm=warm_any, kernel_start_attempts=attempts,
                            timings=timings)

    if kernel is None and job.warm_kernel:
        kernel = worker_kernel(job.settings)
    outcomes = None
    try:
        t = time.perf_counter()
        ws = open_client(job.client, root=job.root)
        timings["validate"] = time.perf_counter() - t
        unknown = [a for a in job.audiences if a not in AUDIENCES]
        if unknown:
            raise CxError(f"Unknown audience {unknown[0]!r}; use one of {', '.join(AUDIENCES)}.")
        mode = _results_mode(job.results)
        if mode == "fresh":  # compute everything again, once, and keep the new results
            import shutil

            shutil.rmtree(Path(ws.build_dir) / "results", ignore_errors=True)
        notebook_env = {RESULTS_ENV: "off" if mode == "off" else "on"}
        rendered: dict[str, bytes] = {}
        t_exec = time.perf_counter()
        plan = _audience_plan(job, ws)
        kernels_at_once = len(job.audiences) if plan.side_by_side else 1
        notebook_env[PROCESSES_ENV] = str(max(1, int(job.cores) // kernels_at_once))
        if len(job.audiences) > 1:
            # the comments' coding and sentiment: computed by the first kernel (or notebook) that needs them, loaded
            # by the other; one after the other too, where the kernel's reset between notebooks would lose them
            notebook_env[SHARED_ENV] = "1"
        settings_info["parallel_audiences"] = plan.side_by_side
        settings_info["audience_plan"] = plan.as_dict()
        outcomes = _run_audiences(job, kernel, notebook_env, plan.side_by_side, progress)
        for outcome in outcomes:
            # wall time of the notebooks so far: each audience is rendered while the next one runs
            timings["execute"] = time.perf_counter() - t_exec
            audience = outcome["audience"]
            stem = f"{job.client}-{audience}"
            params_by_audience[audience] = outcome["params"]
            exc = outcome.get("error")
            if exc is not None:
                attempts += getattr(exc, "start_attempts", 0)
                if not isinstance(exc, CxError):
                    outcomes.close()
                    raise exc
                kept: tuple[str, ...] = ()
                nb = getattr(exc, "notebook", None)
                if nb is not None:
                    name = f"{stem}.failed.ipynb"
                    atomic_write_bytes(out / name, notebook_bytes(normalize_notebook(nb)))
                    kept = (name,)
                outcomes.close()
                return failed(exc, kept)
            run = outcome["run"]
            timings.setdefault("audiences", {})[audience] = round(outcome["seconds"], 3)
            warm_any = warm_any or run.warm
            attempts += run.start_attempts
            key, used = _results_used(run.notebook)
            if key is not None:
                results_info["key"] = key
                # every section this kernel computed (those it showed and those they build on), then what it
                # showed that another kernel (or an earlier run) computed
                computed = list(dict.fromkeys(outcome["computed"]))
                results_info["computed"][audience] = computed
                results_info["loaded"][audience] = [s for s in used if s not in computed]
            nb = normalize_notebook(run.notebook)
            rendered[f"{stem}.ipynb"] = notebook_bytes(nb)
            t = time.perf_counter()
            if progress is not None:
                progress.step(f"{audience} HTML")
            warming.join()
            from cxlib.report.pdf import html_to_pdf_bytes
            from cxlib.report.render import render_html

            page = render_html(nb, _meta(ws, audience))
            timings["html"] += time.perf_counter() - t
            if "html" in job.formats:
                rendered[f"{stem}.html"] = page.encode("utf-8")
            if "pdf" in job.formats:
                t = time.perf_counter()
                if progress is not None:
                    progress.step(f"{audience} PDF")
                rendered[f"{stem}.pdf"] = html_to_pdf_bytes(page, engine=job.pdf_engine)  # type: ignore[arg-type]
                timings["pdf"] += time.perf_counter() - t
            if progress is not None:
                progress.step("")
        t = time.perf_counter()
        if progress is not None:
            progress.step("writing the files")
        outputs = {}
        for name, data in rendered.items():
            atomic_write_bytes(out / name, data)
            outputs[name] = sha256_bytes(data)
        for audience in job.audiences:
            stale = out / f"{job.client}-{audience}.failed.ipynb"
            if stale.exists():
                stale.unlink()
        seconds = time.perf_counter() - start
        timings["publish"] = time.perf_counter() - t
        write_client_manifest(out, client=job.client, status="ok", parameters=params_by_audience,
                              notebook=job.notebook_path, data_dir=data_dir, outputs=outputs,
                              run={"seconds": round(seconds, 3), "warm_kernel": warm_any,
                                   "kernel_start_attempts": attempts,
                                   "timings": {k: v if isinstance(v, dict) else round(v, 3)
                                               for k, v in timings.items()},
                                   "results": results_info},
                              settings=settings_info)
        return ClientResult(client=job.client, status="ok", seconds=time.perf_counter() - start, outputs=outputs,
                            warm=warm_any, kernel_start_attempts=attempts, timings=timings)
    except Exception as exc:  # noqa: BLE001 - one client's failure must not stop the others
        if outcomes is not None:  # the kernel is free again (an audience still running is waited for)
            outcomes.close()
        return failed(exc)
