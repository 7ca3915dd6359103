"""Reading client files: CSV, Excel, Parquet, SPSS ``.sav`` and Qualtrics CSV exports.

Readers return a :class:`RawTable`: the data as read (text formats keep every
cell as text), the row number a person sees when opening the file, and the
rows removed at read time with their reason. Turning cells into canonical
types is :mod:`cxlib.parsing`'s job; mapping survey scales is
:mod:`cxlib.scales`'s.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("id;region\\n007;NA\\n", encoding="utf-8")
>>> t = read_table(p)
>>> t.frame["id"].tolist(), t.frame["region"].tolist(), t.row_numbers.tolist()
(['007'], ['NA'], [2])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.errors import DataError

__all__ = [
    "RawTable",
    "read_table",
    "detect_encoding",
    "detect_format",
    "sniff_delimiter",
    "QUALTRICS_STATUS",
    "QUALTRICS_EXCLUDED_STATUS",
]

Format = Literal["csv", "excel", "parquet", "spss", "qualtrics"]


@dataclass(frozen=True)
class RawTable:
    """A table as read from a client file, before any type conversion.

    Attributes
    ----------
    frame : DataFrame
        The data as read, RangeIndex 0..n-1. Text formats (CSV, Qualtrics) keep
        every cell as text (dtype ``string``); only truly empty cells are
        missing (``<NA>``): the customer text ``"NA"`` stays ``"NA"``.
    source : Path
        The file read.
    row_numbers : ndarray of int64
        For each frame row, the row number a person sees when opening the file:
        CSV the physical line where the record starts (header = line 1, title
        rows counted); Excel the sheet row; Parquet/SPSS the 1-based record number.
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
    """

    frame: pd.DataFrame
    source: Path
    row_numbers: np.ndarray
    excluded: pd.DataFrame = field(default_factory=lambda: _no_exclusions())
    encoding: str | None = None
    value_labels: dict[str, dict] = field(default_factory=dict)
    missing_codes: dict[str, list] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def n_read(self) -> int:
        """Data rows found in the file: rows kept plus rows excluded."""
        return len(self.frame) + len(self.excluded)


def _no_exclusions() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series([], dtype="int64"), "reason": pd.Series([], dtype="string")})


#: Qualtrics ``Status`` (Response Type) codes as written in numeric exports.
QUALTRICS_STATUS: dict[int, str] = {}
#: Status labels whose responses are not real respondents; excluded at read time.
QUALTRICS_EXCLUDED_STATUS: frozenset[str] = frozenset()


def read_table(
    path,
    *,
    format: Format | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
    skip_rows: int = 0,
    max_bytes: int = 2 * 1024**3,
) -> RawTable:
    """Read one client file into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
        The file.
    format : {"csv", "excel", "parquet", "spss", "qualtrics"}, optional
        Default: from the extension (:func:`detect_format`); a CSV whose third
        line is a Qualtrics ``{"ImportId": ...}`` row is read as Qualtrics.
    encoding : str, optional
        Text encoding; detected when absent (:func:`detect_encoding`). Decoding
        is strict: a byte that does not decode raises :class:`DataError`
        naming the byte offset and line, never a replacement character.
    delimiter : str, optional
        CSV delimiter; sniffed among ``, ; tab |`` when absent.
    sheet : str or int
        Excel sheet name or 0-based position.
    skip_rows : int
        Title rows above the header (CSV lines or Excel sheet rows).
    max_bytes : int
        Larger files are refused with advice to convert them to Parquet
        (Parquet files are not limited).

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        Missing, empty, header-only, too large, undecodable or ragged files.
    """
    raise NotImplementedError


def detect_format(path) -> str:
    """The reader for ``path``: "csv", "excel", "parquet", "spss" or "qualtrics".

    By extension (``.csv .tsv .txt`` / ``.xlsx .xlsm`` / ``.parquet .pq`` /
    ``.sav .zsav``); a CSV whose third line is a Qualtrics ImportId row is
    "qualtrics". Raises :class:`DataError` for other extensions (e.g. ``.xls``).
    """
    raise NotImplementedError


def detect_encoding(path) -> str:
    """The text encoding of ``path``: "utf-8", "utf-8-sig", "utf-16", "utf-32" or "cp1252".

    A byte-order mark decides first. Otherwise the file must decode as strict
    UTF-8; if it does not, cp1252 is chosen only when the whole file decodes as
    cp1252 and charset-normalizer's best guess is a Western single-byte
    encoding. Anything else raises :class:`DataError` naming the file, the
    first undecodable byte offset and its line.
    """
    raise NotImplementedError


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``,`` ``;`` tab ``|`` that splits ``sample`` into the
    most columns consistently across its first lines (``,`` for one column)."""
    raise NotImplementedError
