"""Spreadsheet-safe exports: CSV/XLSX without formula injection, and the code-by-comment matrix.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by spreadsheet programs (OWASP "CSV Injection"); such cells are written with a leading
``'``. Numbers are left alone.

Examples
--------
>>> safe_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> safe_cell("-5"), safe_cell(-5)
("'-5", -5)
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from cxlib.errors import DataError
from cxlib.text.coding import theme_indicator

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_frame", "to_csv_safe", "to_xlsx_safe", "code_matrix",
           "export_code_matrix"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) made spreadsheet-safe; lists/tuples joined by "; "."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(lambda v: safe_cell("; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v),
                             na_action="ignore").astype(object)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    if out.index.name is not None or not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(safe_cell)
    return out


def to_csv_safe(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write ``frame`` as UTF-8 CSV (with BOM, so Excel reads accents) after :func:`safe_frame`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_frame(frame).to_csv(path, index=index, encoding="utf-8-sig")
    return path


def to_xlsx_safe(frame: pd.DataFrame, path: str | os.PathLike, *, sheet: str = "data", index: bool = False) -> Path:
    """Write ``frame`` as XLSX after :func:`safe_frame`; xlsxwriter is told never to make formulas or URLs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opts = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": opts}) as xw:
        safe_frame(frame).to_excel(xw, sheet_name=sheet[:31], index=index)
    return path


def code_matrix(coded: pd.DataFrame, *, themes=None, level="theme") -> pd.DataFrame:
    """Code-by-comment matrix: one row per comment (``comment_ref``), one 0/1 column per theme, ``uncoded``.

    Every comment of ``coded`` appears; ``uncoded`` is 1 when the comment has no theme.
    """
    mat = theme_indicator(coded, themes=themes, level=level)
    mat["uncoded"] = (mat.sum(axis=1) == 0).astype("int8")
    return mat.reset_index()


def export_code_matrix(coded: pd.DataFrame, path: str | os.PathLike, *, themes=None, level="theme") -> Path:
    """Write :func:`code_matrix` to ``path`` (``.csv`` or ``.xlsx``), formula-safe."""
    path = Path(path)
    mat = code_matrix(coded, themes=themes, level=level)
    if path.suffix.lower() == ".csv":
        return to_csv_safe(mat, path)
    if path.suffix.lower() == ".xlsx":
        return to_xlsx_safe(mat, path, sheet="codes")
    raise DataError(f"{path}: export format {path.suffix!r} not supported; use .csv or .xlsx.")
