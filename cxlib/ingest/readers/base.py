"""What every reader returns, and the structural checks all tabular readers share.

A reader turns one client file into a :class:`RawTable`: the data as read, the row
number a person sees when opening the file, and the rows removed at read time with
their reason (never silently). Turning cells into canonical types is
:mod:`cxlib.ingest.parsing`'s job; mapping survey scales is :mod:`cxlib.ingest.scales`'s.

Examples
--------
>>> t = RawTable(frame=pd.DataFrame({"id": ["1"]}), source=Path("x.csv"), row_numbers=np.array([2]))
>>> t.n_read, t.excluded.columns.tolist()
(1, ['row', 'reason'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.errors import DataError

__all__ = [
    "CannotStream",
    "nameless_columns",
    "RawTable",
    "ReadOptions",
    "no_exclusions",
    "exclusions",
    "drop_empty_rows",
    "check_header",
    "drop_unnamed_columns",
    "header_only_error",
    "is_row_index",
]


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file (client.yaml ``tables.<name>``: ``encoding``, ``delimiter``, ``sheet``, ``skip_rows``).

    Each reader uses the options that apply to its format and ignores the others.
    """

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    skip_rows: int = 0


@dataclass(frozen=True)
class RawTable:
    """A table as read from a client file, before any type conversion.

    Attributes
    ----------
    frame : DataFrame
        The data as read, RangeIndex 0..n-1. Text formats (CSV, Qualtrics) keep
        every cell as text (dtype ``string``); only truly empty cells are
        missing (``<NA>``): the customer text ``"NA"`` stays ``"NA"``. Excel,
        Parquet, SPSS and JSON lines keep the file's types (numbers, datetimes, text).
    source : Path
        The file read.
    row_numbers : ndarray of int64
        For each frame row, the row number a person sees when opening the file:
        CSV and JSON lines the physical line where the record starts (header = line 1,
        title rows counted); Excel the sheet row; Parquet/SPSS the 1-based record number.
    excluded : DataFrame
        Rows removed at read time, never silently: columns ``row`` (int, as in
        ``row_numbers``) and ``reason`` (str). Empty (with those columns) if none.
    encoding : str or None
        Text encoding used (text formats only).
    value_labels : dict
        SPSS value labels per column, ``{column: {code: label}}`` ({} otherwise).
    missing_codes : dict
        SPSS user-missing codes per column, ``{column: [code, ...]}``; a range
        ``lo THRU hi`` is listed as the tuple ``(lo, hi)`` ({} otherwise).
    notes : tuple of str
        Human-readable notes about how the file was read.
    questions : dict
        Column -> the question text a survey export gives for it (second header row of
        Qualtrics and SurveyMonkey exports); {} otherwise.
    """

    frame: pd.DataFrame
    source: Path
    row_numbers: np.ndarray
    excluded: pd.DataFrame = field(default_factory=lambda: no_exclusions())
    encoding: str | None = None
    value_labels: dict[str, dict] = field(default_factory=dict)
    missing_codes: dict[str, list] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    questions: dict[str, str] = field(default_factory=dict)

    @property
    def n_read(self) -> int:
        """Data rows found in the file: rows kept plus rows excluded."""
        return len(self.frame) + len(self.excluded)


def no_exclusions() -> pd.DataFrame:
    """An empty exclusions frame (columns ``row``, ``reason``)."""
    return exclusions([], [])


def exclusions(rows, reasons) -> pd.DataFrame:
    """Rows removed at read time: ``row`` (int64) and ``reason`` (string).

    >>> exclusions([3], ["empty row"]).to_dict("list")
    {'row': [3], 'reason': ['empty row']}
    """
    return pd.DataFrame({"row": pd.Series(rows, dtype="int64"), "reason": pd.Series(reasons, dtype="string")})


def header_only_error(path: Path, header: list, where: str) -> DataError:
    """The error for a file with a header and no data rows."""
    return DataError(f"{path.name} has a header ({len(header)} columns, {where}) but no data rows. "
                     "Expected at least one row below the header; check that the export is complete.")


def check_header(path: Path, header: list, where: str) -> None:
    """Refuse duplicate column names and an empty header row, naming the fix."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        if name != "" and name in seen:
            raise DataError(f"{path.name} {where}: column name {name!r} appears twice (columns {seen[name]} and {i}). "
                            "Rename one of them in the file, or check `skip_rows:` in client.yaml.")
        seen[name] = i
    if not any(str(h).strip() for h in header):
        raise DataError(f"{path.name} {where}: the header row is empty. If there are title rows above the "
                        "header, set `skip_rows:` for this table in client.yaml.")


def drop_empty_rows(frame: pd.DataFrame, rows: np.ndarray):
    """(frame, rows, exclusions) without the rows that hold no value at all.

    Interior empty rows are listed as excluded ("empty row"); trailing ones after the
    last data row are layout, not data.
    """
    empty = frame.isna().all(axis=1).to_numpy() if frame.shape[1] else np.ones(len(frame), bool)
    if not empty.any():
        return frame, rows, no_exclusions()
    last = np.flatnonzero(~empty).max() if (~empty).any() else -1
    interior = empty.copy()
    interior[last + 1:] = False
    keep = ~empty
    return (frame.loc[keep].reset_index(drop=True), rows[keep],
            exclusions(rows[interior].tolist(), ["empty row"] * int(interior.sum())))


_INDEX_NAMES = re.compile(r"^(?:unnamed(?::?\s*\d+)?|index|level_0|\.{0,3}\d*)$", re.I)


class CannotStream(Exception):
    """A file that must be read whole (a batch reader found what only the whole file can decide); says why."""


def nameless_columns(header: list) -> list[int]:
    """Positions of the columns :func:`drop_unnamed_columns` decides on from their values: without a name,
    or a first column named like a saved row index.

    >>> nameless_columns(["id", "", "x"]), nameless_columns(["Unnamed: 0", "id"]), nameless_columns(["id"])
    ([1], [0], [])
    """
    return [i for i, name in enumerate(header)
            if not str(name).strip() or (i == 0 and _INDEX_NAMES.match(str(name).strip()))]


def is_row_index(values: pd.Series) -> bool:
    """True when ``values`` count rows: whole numbers 0..n-1 or 1..n, in order (a saved DataFrame index).

    >>> is_row_index(pd.Series(["0", "1", "2"])), is_row_index(pd.Series(["7", "3"]))
    (True, False)
    """
    v = pd.to_numeric(pd.Series(values).astype("string"), errors="coerce")
    if len(v) == 0 or v.isna().any():
        return False
    step = np.diff(v.to_numpy(dtype=float))
    return bool(v.iloc[0] in (0, 1) and (len(step) == 0 or (step >= 1).all()) and (v == np.round(v)).all())


def drop_unnamed_columns(path: Path, frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Drop columns without a name that are empty (trailing delimiters) or a saved row index.

    A nameless column with other values is kept under the name ``column_<position>`` (with a
    note): refusing the whole file for it helps nobody. A column named like pandas' saved
    index (``Unnamed: 0``, ``index``) whose values count the rows is dropped too.
    """
    drop: list[int] = []
    renamed: dict[int, str] = {}
    empty = index = 0
    for i, name in enumerate(frame.columns):
        label = str(name).strip()
        if label and not (i == 0 and _INDEX_NAMES.match(label)):
            continue
        col = frame.iloc[:, i]
        if not label and col.isna().all():
            drop.append(i)
            empty += 1
        elif i == 0 and is_row_index(col.dropna()) and col.notna().all():
            drop.append(i)
            index += 1
        elif not label:
            renamed[i] = f"column_{i + 1}"
    if empty:
        notes.append(f"{empty} empty column(s) without a name dropped (trailing delimiters).")
    if index:
        notes.append(f"first column `{str(frame.columns[0]).strip() or '(no name)'}` is a row index saved with the "
                     "data (0, 1, 2 ...): ignored.")
    if renamed:
        notes.append(f"column(s) without a name kept as {', '.join(renamed.values())}.")
    if not drop and not renamed:
        return frame
    names = list(frame.columns)
    for i, new in renamed.items():
        names[i] = new
    out = frame.copy()
    out.columns = names
    return out.iloc[:, [i for i in range(frame.shape[1]) if i not in drop]]
