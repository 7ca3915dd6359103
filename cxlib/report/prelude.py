"""What runs in a report kernel before every notebook, warm or cold: the same starting state either way.

:class:`cxlib.report.execute.Kernel` runs :data:`PRELUDE` (with ``__CX_WORKDIR__`` and
``__CX_NOTEBOOK_ENV__`` filled in) before each notebook, so that a warm kernel reused across
notebooks and clients gives exactly what a fresh one gives (``tests/report/test_execute.py``).
"""

from __future__ import annotations

__all__ = ["PRELUDE", "NOTEBOOK_ENV"]

# `%reset -f` empties the user namespace of a warm kernel; the rest resets module-level state
# that survives it (matplotlib rcParams, pandas options, random generators, working folder) and
# hands the memory the last notebook freed back to the system.
PRELUDE = """\
%reset -f
import os as _cx_os, sys as _cx_sys, random as _cx_random, warnings as _cx_warnings
_cx_os.chdir(__CX_WORKDIR__)
_cx_warnings.resetwarnings()
_cx_warnings.simplefilter("ignore", DeprecationWarning)
_cx_random.seed(0)
import numpy as _cx_np  # seeded here so that warm and cold kernels draw the same numbers
_cx_np.random.seed(0)
if "matplotlib.pyplot" in _cx_sys.modules:
    _cx_sys.modules["matplotlib.pyplot"].close("all")
if "matplotlib" in _cx_sys.modules:
    _cx_sys.modules["matplotlib"].rcdefaults()
if "pandas" in _cx_sys.modules:
    with _cx_warnings.catch_warnings():
        _cx_warnings.simplefilter("ignore")
        _cx_sys.modules["pandas"].reset_option("all")
_cx_fig = {"figure_formats": {"png"}, "print_figure_kwargs": {"bbox_inches": "tight", "metadata": {"Software": None}}}
for _cx_key, _cx_value in _cx_fig.items():
    setattr(get_ipython().config.InlineBackend, _cx_key, _cx_value)
    if "matplotlib_inline.config" in _cx_sys.modules:
        setattr(_cx_sys.modules["matplotlib_inline.config"].InlineBackend.instance(), _cx_key, _cx_value)
for _cx_key, _cx_value in __CX_NOTEBOOK_ENV__.items():
    if _cx_value is None:
        _cx_os.environ.pop(_cx_key, None)
    else:
        _cx_os.environ[_cx_key] = _cx_value
import gc as _cx_gc
_cx_gc.collect()
# what the last notebook freed goes back to the system instead of staying with the allocators: a process
# that had freed three sections of a ten-million-touchpoint client still held 1.0 GB (Arrow's pool 0.4, malloc 0.6)
if "pyarrow" in _cx_sys.modules:
    _cx_sys.modules["pyarrow"].default_memory_pool().release_unused()
try:
    __import__("ctypes").CDLL(None).malloc_trim(0)
except (OSError, AttributeError):  # not glibc
    pass
get_ipython().execution_count = 1
del _cx_np, _cx_os, _cx_sys, _cx_random, _cx_warnings, _cx_fig, _cx_key, _cx_value, _cx_gc
"""

#: Environment variables the prelude sets (or removes) before every notebook, warm or cold, so a
#: warm kernel never carries one job's setting into the next (``CX_RESULTS_CACHE``: shared results;
#: ``CX_PROCESSES``: processes the kernel's analyses may use, :attr:`cxlib.report.context.ReportData.processes`;
#: ``CX_SHARED_TABLES``: the audiences share the comments' coding, :data:`cxlib.report.context.SHARED_ENV`).
NOTEBOOK_ENV = ("CX_RESULTS_CACHE", "CX_RESULTS_JOURNAL", "CX_PROCESSES", "CX_SHARED_TABLES")
