"""Execute a parameterised notebook with papermill, and know whether it really finished.

What this adds to ``papermill.execute_notebook``:

- parameters are checked first (:mod:`cxlib.report.params`): unknown names, bad names,
  non-primitive values and a missing ``parameters`` cell are errors, not warnings;
- cells tagged for the other audience are dropped before execution (``drop_tags``);
- a final *sentinel* cell is appended; a notebook is complete only when the sentinel ran and
  emitted its token, so ``sys.exit(0)`` half-way (which papermill treats as success) is caught;
- a per-cell timeout and a dead kernel end the run with :class:`CellTimeout` /
  :class:`KernelDied`, and the kernel (with its process group) is killed, so nothing is left behind;
- the kernel is ours (:class:`Kernel`): it starts with bounded retries (start failures only),
  can be kept warm for the next notebook after a reset, and is discarded after any failure;
- every kernel runs the same prelude first (seeds, matplotlib defaults, working folder), so a
  warm kernel starts each notebook from the same state as a cold one.

Examples
--------
>>> settings = ExecutionSettings(cell_timeout=60)                      # doctest: +SKIP
>>> run = execute_notebook("notebooks/report.ipynb", {"client": "acme-telecom"}, settings=settings)  # doctest: +SKIP
>>> run.notebook.cells[-1].metadata.tags                                # doctest: +SKIP
['cx-sentinel']
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

# nbformat imports jsonschema, whose optional IRI format checker (rfc3987_syntax) compiles a grammar
# when imported: about 1.3 s in every process that reads or writes a notebook. nbformat's schemas
# use no "format" keyword, so that checker never runs; it is not loaded in this process.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import nbformat  # noqa: E402

from cxlib.errors import ReportError  # noqa: E402
from cxlib.report.exceptions import CellTimeout, KernelDied, KernelStartError, NotebookFailed, NotebookIncomplete  # noqa: E402,E501
from cxlib.report.leftovers import new_kernel_dir  # noqa: E402
from cxlib.report.params import check_injected_cell, validate_parameters  # noqa: E402
from cxlib.report.prelude import NOTEBOOK_ENV, PRELUDE  # noqa: E402

__all__ = [
    "SENTINEL_TAG",
    "SENTINEL_MIME",
    "NOTEBOOK_ENV",
    "ExecutionSettings",
    "ExecutionResult",
    "Kernel",
    "execute_notebook",
    "prepare_notebook",
    "check_complete",
]

log = logging.getLogger(__name__)

SENTINEL_TAG = "cx-sentinel"
SENTINEL_MIME = "application/vnd.cxlib.sentinel+json"

#: Environment of every report kernel: reproducible hashing and one BLAS thread per kernel
#: (reports run in parallel at process level; threaded BLAS would also change float sums).
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
    # Arrow's buffers from the C library's malloc, like numpy's, not from Arrow's own mimalloc pool: memory
    # one of them frees can then hold the other's next arrays. With ten million touchpoints the journey
    # map's section peaked at 3.25 GB against 3.55 GB, the loaded tables took 1.65 GB against 1.84
    # (docs/benchmarks/scale.md)
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}


@dataclass(frozen=True)
class ExecutionSettings:
    """How notebooks are executed.

    Parameters
    ----------
    kernel_name : str
        Jupyter kernel to run (``python3`` runs this interpreter).
    cell_timeout : float
        Seconds one cell may run before the kernel is killed and the run fails.
    start_timeout : float
        Seconds a kernel may take to start and answer.
    start_attempts : int
        Tries to start a kernel (kernel start failures only; failed notebooks are never retried).
    max_reuse : int
        Notebooks one warm kernel may run before it is replaced.
    max_kernel_rss_mb : float
        A warm kernel using more memory than this is replaced rather than reused.
    env : mapping
        Extra environment variables for the kernel.
    """

    kernel_name: str = "python3"
    cell_timeout: float = 600.0
    start_timeout: float = 60.0
    start_attempts: int = 3
    max_reuse: int = 16
    max_kernel_rss_mb: float = 3000.0
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExecutionResult:
    """A notebook that ran to its sentinel.

    Attributes
    ----------
    notebook : NotebookNode
        The executed notebook (not yet normalised; see :mod:`cxlib.report.normalize`).
    seconds : float
        Wall time of the execution (kernel start included when cold).
    warm : bool
        The kernel had already run an earlier notebook.
    start_attempts : int
        Kernel start tries this run needed (0 when a warm kernel was reused).
    """

    notebook: nbformat.NotebookNode
    seconds: float
    warm: bool
    start_attempts: int


class Kernel:
    """A Jupyter kernel owned by one worker, reusable for several notebooks.

    Parameters
    ----------
    settings : ExecutionSettings
    workdir : path, optional
        Working folder of the kernel (a fresh temporary folder by default).

    Notes
    -----
    The kernel talks over IPC sockets in ``workdir`` (no TCP ports to collide when many start at
    once) and runs in its own process group; :meth:`shutdown` kills the group.
    """

    def __init__(self, settings: ExecutionSettings | None = None, *, workdir: str | os.PathLike | None = None):
        self.settings = settings or ExecutionSettings()
        self._own_workdir = workdir is None
        # one folder per kernel for its connection file, sockets and log; a killed run's folder is
        # removed by the next kernel started (cxlib.report.leftovers)
        self.workdir = Path(workdir) if workdir is not None else new_kernel_dir()
        self.km = None
        self.runs = 0
        self.start_attempts = 0
        self.broken = False

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> int:
        """Start the kernel, retrying start failures up to ``settings.start_attempts`` times.

        Returns
        -------
        int
            The number of attempts it took.

        Raises
        ------
        KernelStartError
            When every attempt failed.
        ReportError
            When the kernel name is unknown (not retried: it will not fix itself).
        """
        from jupyter_client.kernelspec import NoSuchKernel

        last: BaseException | None = None
        attempts = max(1, int(self.settings.start_attempts))
        for attempt in range(1, attempts + 1):
            self.start_attempts = attempt
            try:
                self._start_once()
                self.runs = 0
                self.broken = False
                return attempt
            except NoSuchKernel:
                self._kill()
                raise ReportError(
                    f"No Jupyter kernel named {self.settings.kernel_name!r}. "
                    "Install one (`python -m ipykernel install --sys-prefix`) or pass --kernel."
                ) from None
            except Exception as exc:  # noqa: BLE001 - any start failure is retryable
                last = exc
                log.warning("kernel start attempt %d/%d failed: %s", attempt, attempts, exc)
                self._kill()
                time.sleep(min(0.2 * attempt, 1.0))
        raise KernelStartError(
            f"Kernel {self.settings.kernel_name!r} did not start after {attempts} attempts: "
            f"{type(last).__name__}: {last}"
        )

    def _start_once(self) -> None:
        # nbclient needs an *async* kernel manager: with a blocking client its cell timeout never fires
        from jupyter_client import AsyncKernelManager

        # short socket names: an IPC path must stay under ~100 bytes (the folder is this kernel's own)
        stem = f"k{self.start_attempts}"
        km = AsyncKernelManager(kernel_name=self.settings.kernel_name, transport="ipc",
                                ip=str(self.workdir / stem), connection_file=str(self.workdir / f"{stem}.json"))
        self.km = km
        # JPY_PARENT_PID: ipykernel exits by itself when this process dies (no orphan kernels).
        env = {**os.environ, **KERNEL_ENV, "JPY_PARENT_PID": str(os.getpid()), **dict(self.settings.env)}
        self._log = open(self.workdir / "kernel.log", "ab")  # noqa: SIM115 - lives as long as the kernel
        # No history database: kernels run unattended, and a warm kernel whose counter is reset would
        # otherwise print "Session/line number was not unique in database" into the next report.
        _sync(km.start_kernel)(cwd=str(self.workdir), env=env, stdout=self._log, stderr=self._log,
                               extra_arguments=["--HistoryManager.enabled=False"])
        _sync(self._ping)()

    async def _ping(self, code: str | None = None) -> dict | None:
        kc = self.km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=self.settings.start_timeout)
            if code is None:
                return None
            return await kc.execute_interactive(code, store_history=False, timeout=self.settings.start_timeout,
                                                output_hook=lambda msg: None)
        finally:
            kc.stop_channels()

    @property
    def alive(self) -> bool:
        return self.km is not None and not self.broken and bool(_sync(_is_alive)(self.km))

    @property
    def pid(self) -> int | None:
        try:
            return self.km.provisioner.process.pid  # type: ignore[union-attr]
        except AttributeError:
            return None

    def rss_mb(self) -> float:
        """Resident memory of the kernel process, in MB (0 when unknown)."""
        try:
            import psutil

            return psutil.Process(self.pid).memory_info().rss / 2**20
        except Exception:  # noqa: BLE001
            return 0.0

    def reusable(self) -> bool:
        """May this kernel run another notebook? (alive, not failed, under its reuse and memory limits)"""
        return (
            self.alive
            and self.runs < self.settings.max_reuse
            and self.rss_mb() < self.settings.max_kernel_rss_mb
        )

    def prepare(self, environment: Mapping[str, str] | None = None) -> None:
        """Run the prelude (a reset, for a warm kernel). Raises KernelStartError if it fails.

        ``environment`` sets the :data:`NOTEBOOK_ENV` variables for this notebook (the others
        named there are removed).
        """
        env = dict(environment or {})
        unknown = sorted(set(env) - set(NOTEBOOK_ENV))
        if unknown:
            raise ReportError(f"Notebook environment {unknown} is not one of {', '.join(NOTEBOOK_ENV)}.")
        env = {name: (None if env.get(name) is None else str(env[name])) for name in NOTEBOOK_ENV}
        code = PRELUDE.replace("__CX_WORKDIR__", repr(str(self.workdir))).replace("__CX_NOTEBOOK_ENV__", repr(env))
        try:
            reply = _sync(self._ping)(code)
        except Exception as exc:  # noqa: BLE001
            self.broken = True
            raise KernelStartError(f"The kernel did not accept its reset/prelude: {exc}") from None
        if reply["content"].get("status") != "ok":
            self.broken = True
            content = reply["content"]
            raise KernelStartError(f"The kernel prelude failed: {content.get('ename')}: {content.get('evalue')}")

    def _kill(self) -> None:
        km, self.km = self.km, None
        if km is not None:
            try:
                _sync(_shutdown)(km)
            except Exception:  # noqa: BLE001 - already dead is fine
                pass
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def shutdown(self) -> None:
        """Kill the kernel (and its process group) and remove its working folder if we made it."""
        self._kill()
        self.broken = True
        if self._own_workdir:
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Kernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


def _sync(fn):
    from jupyter_core.utils import run_sync

    return run_sync(fn)


async def _is_alive(km) -> bool:
    return await km.is_alive()


async def _shutdown(km) -> None:
    from jupyter_core.utils import ensure_async

    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    finally:
        await ensure_async(km.cleanup_resources())


def _token(parameters: Mapping[str, Any], source: str) -> str:
    # deterministic: the same notebook with the same parameters gets the same token
    blob = json.dumps({"p": dict(parameters), "s": source}, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def prepare_notebook(source: nbformat.NotebookNode | str | os.PathLike, parameters: Mapping[str, Any], *,
                     drop_tags: Iterable[str] = (), kernel_name: str = "python3") -> tuple[nbformat.NotebookNode, str]:
    """Validate parameters, drop cells for other audiences, inject parameters, append the sentinel.

    Returns
    -------
    (NotebookNode, str)
        The notebook ready to execute and the sentinel token it must emit.
    """
    from papermill.execute import prepare_notebook_metadata, remove_error_markers
    from papermill.parameterize import parameterize_notebook

    if isinstance(source, nbformat.NotebookNode):
        nb, src_name = copy.deepcopy(source), "<notebook>"
    else:
        nb, src_name = nbformat.read(Path(source), as_version=4), str(source)
    params = validate_parameters(source if src_name != "<notebook>" else nb, parameters)
    drop = set(drop_tags)
    nb.cells = [c for c in nb.cells if not drop.intersection(c.get("metadata", {}).get("tags", []))]
    nb.metadata.setdefault("papermill", {"default_parameters": {}, "parameters": {}, "environment_variables": {}})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, params, kernel_name=kernel_name, language="python")
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
            check_injected_cell(cell.source, params)
    token = _token(params, src_name)
    sentinel = nbformat.v4.new_code_cell(
        "# Added by cxlib.report.execute: the report is complete only if this cell runs.\n"
        "from IPython.display import display as _cx_display\n"
        f"_cx_display({{{SENTINEL_MIME!r}: {{'token': {token!r}}}}}, raw=True)\n"
        "del _cx_display",
        metadata={"tags": [SENTINEL_TAG]},
    )
    sentinel["id"] = SENTINEL_TAG
    nb.cells.append(sentinel)
    nb = prepare_notebook_metadata(nb, src_name, "", False)
    nb = remove_error_markers(nb)
    return nb, token


def check_complete(nb: nbformat.NotebookNode, token: str) -> None:
    """Raise unless every cell ran without error up to and including the sentinel.

    Raises
    ------
    NotebookFailed
        A cell has an error output (the first one is named).
    NotebookIncomplete
        The sentinel did not run or did not emit ``token`` (``sys.exit(0)``, a kernel that stopped).
    """
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") == "SystemExit":
                    raise NotebookIncomplete(
                        f"Cell {index} called sys.exit({out.get('evalue', '')}): the notebook stopped early "
                        "and its report is not published. Remove the exit, or raise an error to fail on purpose."
                    )
                raise NotebookFailed(
                    f"Cell {index} raised {out.get('ename')}: {out.get('evalue')}",
                    cell_index=index, ename=out.get("ename"), evalue=out.get("evalue"),
                )
    last = nb.cells[-1] if nb.cells else None
    ok = (
        last is not None
        and SENTINEL_TAG in last.metadata.get("tags", [])
        and any(out.get("data", {}).get(SENTINEL_MIME, {}).get("token") == token for out in last.get("outputs", []))
    )
    if not ok:
        ran = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("execution_count"))
        total = sum(1 for c in nb.cells if c.cell_type == "code")
        raise NotebookIncomplete(
            f"The notebook stopped before its end ({ran} of {total} code cells ran, final sentinel missing); "
            "it is not published."
        )


def execute_notebook(source: nbformat.NotebookNode | str | os.PathLike, parameters: Mapping[str, Any], *,
                     settings: ExecutionSettings | None = None, kernel: Kernel | None = None,
                     drop_tags: Iterable[str] = (), environment: Mapping[str, str] | None = None,
                     on_cell: Callable[[int, nbformat.NotebookNode], None] | None = None) -> ExecutionResult:
    """Execute a notebook to its end or raise.

    Parameters
    ----------
    source : NotebookNode or path
        The notebook (with a ``parameters`` cell).
    parameters : mapping
        Values for the declared parameters (checked, see :func:`cxlib.report.params.validate_parameters`).
    settings : ExecutionSettings, optional
    kernel : Kernel, optional
        A kernel to reuse (warm). It is reset first; after a failure it is shut down and left
        ``broken`` for the caller to replace. Without one, a fresh kernel is started and shut down.
    drop_tags : iterable of str
        Cells with any of these tags are removed before execution (e.g. ``{"analyst"}`` for the
        executive report).
    environment : mapping, optional
        Values of the :data:`NOTEBOOK_ENV` variables for this notebook (set by the prelude, warm or cold).
    on_cell : callable, optional
        ``on_cell(cell_index, notebook)`` as each cell starts (the live progress of ``cx report``);
        an exception it raises is ignored.

    Returns
    -------
    ExecutionResult

    Raises
    ------
    ParameterError, KernelStartError, NotebookFailed, CellTimeout, KernelDied, NotebookIncomplete
        Each failure carries the partly executed notebook as ``exc.notebook`` (when there is one).
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import raise_for_execution_errors

    settings = settings or (kernel.settings if kernel is not None else ExecutionSettings())
    nb, token = prepare_notebook(source, parameters, drop_tags=drop_tags, kernel_name=settings.kernel_name)

    own = kernel is None
    kern = Kernel(settings) if own else kernel
    started = time.perf_counter()
    warm = False
    attempts = 0
    try:
        if kern.reusable():
            try:
                kern.prepare(environment)
                warm = True
            except KernelStartError:
                kern._kill()
        if not warm:
            attempts = kern.start()
            kern.prepare(environment)
        kern.runs += 1
        try:
            nb = _Engine.execute_notebook(
                nb, settings.kernel_name, output_path=None, progress_bar=False, log_output=False,
                km=kern.km, execution_timeout=settings.cell_timeout, start_timeout=settings.start_timeout,
                autosave_cell_every=10**9, cx_on_cell=on_cell,
            )
            raise_for_execution_errors(nb, None)
            check_complete(nb, token)
        except CellTimeoutError as exc:
            kern.broken = True
            idx = getattr(exc, "cx_cell_index", None)
            raise _attach(CellTimeout(
                f"Cell {idx} ran longer than the {settings.cell_timeout:g} s cell timeout; its kernel was killed. "
                "Raise the timeout (--cell-timeout) if the data are large, or fix the loop.",
                cell_index=idx), nb) from None
        except DeadKernelError as exc:
            kern.broken = True
            idx = getattr(exc, "cx_cell_index", None)
            raise _attach(KernelDied(f"The kernel died while cell {idx} was running ({exc}): "
                                     "killed, out of memory, or os._exit().", cell_index=idx), nb) from None
        except PapermillExecutionError as exc:
            kern.broken = True
            raise _attach(NotebookFailed(f"Cell {exc.cell_index} raised {exc.ename}: {exc.evalue}",
                                         cell_index=exc.cell_index, ename=exc.ename, evalue=exc.evalue), nb) from None
        except (NotebookFailed, NotebookIncomplete) as exc:
            kern.broken = True
            raise _attach(exc, nb) from None
    except BaseException as exc:
        # a failed run never leaves its kernel for the next notebook
        kern.shutdown() if own else kern._kill()
        kern.broken = True
        try:
            exc.start_attempts = attempts or kern.start_attempts  # type: ignore[attr-defined]
        except AttributeError:
            pass
        raise
    if own:
        kern.shutdown()
    return ExecutionResult(notebook=nb, seconds=time.perf_counter() - started, warm=warm, start_attempts=attempts)


def _attach(exc: BaseException, nb: nbformat.NotebookNode) -> BaseException:
    exc.notebook = nb  # type: ignore[attr-defined]
    return exc


def _engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine

    class _Client(PapermillNotebookClient):
        cx_cell_index: int | None = None
        cx_on_cell = None

        def execute_cell(self, cell, cell_index, *args, **kwargs):
            self.cx_cell_index = cell_index
            if self.cx_on_cell is not None:
                try:
                    self.cx_on_cell(cell_index, self.nb)
                except Exception:  # noqa: BLE001 - a progress display never stops a notebook
                    pass
            return super().execute_cell(cell, cell_index, *args, **kwargs)

    class Engine(NBClientEngine):
        """papermill's nbclient engine on a kernel we own; closes its client channels afterwards."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, km=None, execution_timeout=None,
                                     start_timeout=60, cx_on_cell=None, **kwargs):
            client = _Client(
                nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=log, record_timing=False, shutdown_kernel="immediate",
                interrupt_on_timeout=False, raise_on_iopub_timeout=True,
            )
            client.cx_on_cell = cx_on_cell
            try:
                return client.execute()
            except BaseException as exc:
                exc.cx_cell_index = client.cx_cell_index  # type: ignore[attr-defined]
                raise
            finally:
                if client.kc is not None:
                    try:
                        client.kc.stop_channels()
                    except Exception:  # noqa: BLE001
                        pass

    return Engine


class _LazyEngine:
    _cls = None

    def __getattr__(self, name):
        if _LazyEngine._cls is None:
            _LazyEngine._cls = _engine()
        return getattr(_LazyEngine._cls, name)


_Engine = _LazyEngine()
