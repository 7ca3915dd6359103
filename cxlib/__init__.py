"""CX Workbench helper library: load and validate client data, analyse the cumulative
customer experience, code customers' comments, and render client-ready reports.

Layers, from input to output (see ``docs/architecture.md``): ``ingest`` → ``workspace`` →
``analysis`` and ``text`` → ``report.sections`` → ``present`` → ``report`` (rendering, batch);
``interactive``, ``onboard``, ``demo`` and ``cli`` sit beside them.
"""

from cxlib import _compat
from cxlib.errors import CodebookError, ConfigError, CxError, DataError, ReportError, ScaleError

__version__ = "0.2.0"

__all__ = ["CxError", "ConfigError", "DataError", "ScaleError", "CodebookError", "ReportError", "__version__"]

_compat.install()
