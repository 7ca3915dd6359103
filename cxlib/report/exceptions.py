"""The report machinery's exceptions (all are :class:`cxlib.errors.ReportError`).

Which ones may be retried matters: only :class:`KernelStartError` is ever retried (a
kernel that did not come up says nothing about the client's data); a notebook that ran
and failed is a data or code error and is never retried.
"""

from __future__ import annotations

from cxlib.errors import ReportError

__all__ = [
    "ParameterError",
    "KernelStartError",
    "NotebookFailed",
    "CellTimeout",
    "KernelDied",
    "NotebookIncomplete",
    "UnsafeReport",
]


class ParameterError(ReportError):
    """A notebook parameter is unknown, misspelled, badly named or not a primitive value, or the
    notebook has no ``parameters`` cell."""


class KernelStartError(ReportError):
    """The Jupyter kernel did not start (retried a bounded number of times)."""


class NotebookFailed(ReportError):
    """A cell raised: the client's report is not published; the executed notebook is kept."""

    def __init__(self, message: str, *, cell_index: int | None = None, ename: str | None = None,
                 evalue: str | None = None):
        super().__init__(message)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue


class CellTimeout(NotebookFailed):
    """A cell ran longer than the per-cell timeout; its kernel was killed."""


class KernelDied(NotebookFailed):
    """The kernel died while a cell was running (killed, out of memory, ``os._exit``)."""


class NotebookIncomplete(ReportError):
    """The notebook stopped early without an error (e.g. ``sys.exit(0)``): its final sentinel
    cell did not run, so it is not published."""


class UnsafeReport(ReportError):
    """The rendered file still holds something live (script, event handler, outside request)."""
