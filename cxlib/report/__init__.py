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
``context``               the tables the report notebook starts from
``audiences``             the one list of audiences (executive, analyst) and what each is shown
``sections``              the report sections as units: a registry, one module per section
========================  =====================================================================

Names are imported lazily so that a notebook kernel importing :mod:`cxlib.report.context`
does not load papermill, nbconvert or WeasyPrint.
"""

from __future__ import annotations

import importlib

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

_WHERE = {
    "CellTimeout": "exceptions", "KernelDied": "exceptions", "KernelStartError": "exceptions",
    "NotebookFailed": "exceptions", "NotebookIncomplete": "exceptions", "ParameterError": "exceptions",
    "UnsafeReport": "exceptions", "ExecutionSettings": "execute", "Kernel": "execute",
    "execute_notebook": "execute", "validate_parameters": "params", "AUDIENCES": "pipeline",
    "FORMATS": "pipeline", "ClientResult": "pipeline", "ReportJob": "pipeline", "render_client": "pipeline",
    "run_batch": "batch",
}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"cxlib.report.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'cxlib.report' has no attribute {name!r}")
