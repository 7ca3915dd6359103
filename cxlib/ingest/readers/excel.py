"""Excel workbooks (``.xlsx``, ``.xlsm``) read with openpyxl: sheet rows, cell types, the 1904 date system.

Examples
--------
>>> import tempfile, pathlib, openpyxl
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
>>> wb = openpyxl.Workbook(); wb.active.append(["id", "nps"]); wb.active.append(["a", 9]); wb.save(p)
>>> t = READER.read(p, ReadOptions())
>>> t.frame["nps"].tolist(), t.row_numbers.tolist()
([9], [2])
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.ingest.readers.base import RawTable, ReadOptions, check_header, drop_empty_rows, drop_unnamed_columns
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER", "read_excel"]


def read_excel(path: Path, options: ReadOptions) -> RawTable:
    """Read one sheet (``options.sheet``: name or 0-based position) below ``options.skip_rows`` title rows."""
    import openpyxl

    sheet, skip_rows = options.sheet, options.skip_rows
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken zip/xml
        raise DataError(f"{path.name}: cannot be opened as an .xlsx workbook ({type(e).__name__}: {e}).") from None
    try:
        try:
            ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
        except (KeyError, IndexError):
            raise DataError(f"{path.name}: no sheet {sheet!r}; the workbook has {wb.sheetnames}. "
                            "Set `sheet:` for this table in client.yaml.") from None
        ws.reset_dimensions()
        rows_iter = enumerate(ws.iter_rows(values_only=True), start=1)
        header, header_row = None, 0
        for number, cells in rows_iter:
            if number <= skip_rows:
                continue
            if any(_value(c) is not None for c in cells):
                header, header_row = list(cells), number
                break
        if header is None:
            raise DataError(f"{path.name} sheet {ws.title!r} has no header row"
                            f"{f' below the {skip_rows} skipped row(s)' if skip_rows else ''}. "
                            "Expected a header row and at least one data row.")
        names = ["" if c is None else str(c).strip() for c in header]
        check_header(path, names, f"sheet {ws.title!r} row {header_row}")
        width = len(names)
        data: list[tuple] = []
        numbers: list[int] = []
        for number, cells in rows_iter:
            values = [_value(c) for c in cells]
            extra = [v for v in values[width:] if v is not None]
            if extra:
                from openpyxl.utils import get_column_letter
                col = width + next(i for i, v in enumerate(values[width:]) if v is not None) + 1
                raise DataError(f"{path.name} sheet {ws.title!r} row {number}, column {get_column_letter(col)}: "
                                f"value {extra[0]!r} is outside the header's {width} columns. Give the column a "
                                "header name, or check `skip_rows:` in client.yaml.")
            values = (values + [None] * width)[:width]
            data.append(tuple(values))
            numbers.append(number)
        notes = [f"Excel workbook, sheet {ws.title!r}, header on row {header_row}."]
        if wb.epoch.year == 1904:
            notes.append("Workbook uses the 1904 date system; dates converted accordingly.")
    finally:
        wb.close()
    columns = {i: _column([r[i] for r in data]) for i in range(width)}
    frame = pd.DataFrame({i: columns[i] for i in range(width)})
    frame.columns = names
    rows = np.asarray(numbers, dtype=np.int64)
    frame, rows, excluded = drop_empty_rows(frame, rows)
    frame = drop_unnamed_columns(path, frame, notes)
    if len(frame) == 0 and len(excluded) == 0:
        raise DataError(f"{path.name} sheet {ws.title!r} has a header (row {header_row}) but no data rows. "
                        "Expected at least one row below the header.")
    return RawTable(frame=frame.reset_index(drop=True), source=path, row_numbers=rows, excluded=excluded,
                    notes=tuple(notes))


def _value(v):
    if isinstance(v, str) and v == "":
        return None
    return v


def _column(values: list) -> pd.Series:
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if kinds <= {str}:
        return pd.Series(values, dtype="string")
    if kinds <= {bool}:
        return pd.Series(values, dtype="boolean")
    if kinds <= {int}:
        return pd.Series(values, dtype="Int64")
    if kinds <= {int, float}:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kinds <= {_dt.datetime, _dt.date}:
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    return pd.Series(values, dtype=object)


READER = Reader(name="excel", read=read_excel, extensions=(".xlsx", ".xlsm"),
                description="Excel workbook, one sheet (cell types kept; 1904 date system handled)")
