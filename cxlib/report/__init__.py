"""Client-ready reports: a parameterised notebook executed by papermill, rendered to inert,
self-contained HTML and PDF, for one client (``cx report``) or all of them (``cx batch``).

Modules, one concern each:

========================  =====================================================================
``params``                check parameters against the notebook's ``parameters`` cell
``execute``               run a notebook on a kernel we own: timeouts, sentinel, warm reuse
``normalize``             strip timestamps and run-dependent ids (same inputs, same file)
``sanitize``              allow-list sanitiser and the final "is it inert?" check
``render``                executed notebook -> branded HTML page with a table of contents
``pdf``                   HTML -> PDF (WeasyPrint, data: URIs only; or headless chromium)
``files``                 atomic writes and hashes
``manifest``              per-client and batch manifests
``pipeline``              one client end to end (the unit of work)
``workers`` / ``batch``   the warm local process pool, Dask, progress and summary
``explore``               the widgets behind notebooks/explore.ipynb
========================  =====================================================================
"""

from cxlib.report.exceptions import (
    CellTimeout,
    KernelDied,
    KernelStartError,
    NotebookFailed,
    NotebookIncomplete,
    ParameterError,
    UnsafeReport,
)
from cxlib.report.execute import ExecutionSettings, Kernel, execute_notebook
from cxlib.report.params import validate_parameters
from cxlib.report.pipeline import AUDIENCES, FORMATS, ClientResult, ReportJob, render_client

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "CellTimeout",
    "ClientResult",
    "ExecutionSettings",
    "Kernel",
    "KernelDied",
    "KernelStartError",
    "NotebookFailed",
    "NotebookIncomplete",
    "ParameterError",
    "ReportJob",
    "UnsafeReport",
    "execute_notebook",
    "render_client",
    "run_batch",
    "validate_parameters",
]


def run_batch(*args, **kwargs):
    """See :func:`cxlib.report.batch.run_batch` (imported lazily: it pulls in pandas)."""
    from cxlib.report.batch import run_batch as _run_batch

    return _run_batch(*args, **kwargs)
