"""The workbench's exceptions: one small hierarchy, messages written for people.

Every message says what was wrong, where (file, row, column), what was expected
and how to fix it.
"""

from __future__ import annotations

__all__ = ["CxError", "ConfigError", "DataError", "ScaleError", "CodebookError", "ReportError"]


class CxError(Exception):
    """Base class of every error the workbench raises on purpose."""


class ConfigError(CxError):
    """client.yaml (or another setting) is missing, malformed or inconsistent."""


class DataError(CxError):
    """An input file cannot be read or a table is unusable."""


class ScaleError(DataError):
    """A survey scale cannot be recognised or is ambiguous."""


class CodebookError(ConfigError):
    """codebook.yaml is malformed (unknown parent, invalid pattern, duplicate id)."""


class ReportError(CxError):
    """A report could not be executed or rendered."""
