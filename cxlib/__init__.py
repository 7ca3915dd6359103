"""CX Workbench helper library: load and validate client data, analyse the cumulative
customer experience, code customers' comments, and render client-ready reports."""

from cxlib.errors import CodebookError, ConfigError, CxError, DataError, ReportError, ScaleError

__version__ = "0.1.0"

__all__ = ["CxError", "ConfigError", "DataError", "ScaleError", "CodebookError", "ReportError", "__version__"]
