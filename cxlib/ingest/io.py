"""Reading client files: CSV, Excel, Parquet, SPSS ``.sav`` and Qualtrics CSV exports.

Readers return a :class:`RawTable`: the data as read (text formats keep every
cell as text), the row number a person sees when opening the file, and the
rows removed at read time with their reason. Turning cells into canonical
types is :mod:`cxlib.ingest.parsing`'s job; mapping survey scales is
:mod:`cxlib.ingest.scales`'s.

Libraries do the reading: pyarrow's CSV reader (strict field counts, quoted
newlines), openpyxl (sheet rows, the 1904 date system), pandas/pyarrow for
Parquet, pyreadstat for SPSS, charset-normalizer's mess detector to vet a
cp1252 guess. This module adds what they leave to the caller: strict
decoding with byte offsets, physical line numbers, and loud errors.

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

import codecs
import csv
import datetime as _dt
import io as _io
import re
import unicodedata
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

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
    ".xlsx": "excel", ".xlsm": "excel",
    ".parquet": "parquet", ".pq": "parquet",
    ".sav": "spss", ".zsav": "spss",
}
_CHUNK = 16 * 1024 * 1024
_SAMPLE = 256 * 1024
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class RawTable:
    """A table as read from a client file, before any type conversion.

    Attributes
    ----------
    frame : DataFrame
        The data as read, RangeIndex 0..n-1. Text formats (CSV, Qualtrics) keep
        every cell as text (dtype ``string``); only truly empty cells are
        missing (``<NA>``): the customer text ``"NA"`` stays ``"NA"``. Excel,
        Parquet and SPSS keep the file's types (numbers, datetimes, text).
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
    return _exclusions([], [])


def _exclusions(rows, reasons) -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series(rows, dtype="int64"), "reason": pd.Series(reasons, dtype="string")})


# --------------------------------------------------------------------------- Qualtrics facts
#: Qualtrics ``Status`` (Response Type) codes as written in numeric exports
#: (the value labels of Qualtrics' own SPSS exports).
QUALTRICS_STATUS: dict[int, str] = {
    0: "IP Address", 1: "Survey Preview", 2: "Survey Test", 4: "Imported", 8: "Spam",
    9: "Survey Preview Spam", 12: "Imported Spam", 16: "Offline", 17: "Offline Survey Preview",
    32: "EX", 40: "EX Spam", 48: "EX Offline", 256: "Synthetic",
}
#: Status labels of responses that are not real respondents; excluded at read time.
QUALTRICS_EXCLUDED_STATUS: frozenset[str] = frozenset({
    "Survey Preview", "Survey Test", "Spam", "Survey Preview Spam", "Imported Spam",
    "Offline Survey Preview", "EX Spam", "Synthetic",
})
_QUALTRICS_IDS = frozenset({
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
})
_QUALTRICS_TEXT_ROW = {"StartDate": "start date", "EndDate": "end date", "Status": "response type",
                       "RecordedDate": "recorded date", "ResponseId": "response id", "Finished": "finished"}
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')


# --------------------------------------------------------------------------- public API
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
        Default: from the extension (:func:`detect_format`); a CSV that looks
        like a Qualtrics export (ImportId row, or Qualtrics column ids) is read
        as Qualtrics.
    encoding : str, optional
        Text encoding; detected when absent (:func:`detect_encoding`). Decoding
        is strict: a byte that does not decode raises :class:`DataError`
        naming the byte offset and line, never a replacement character.
    delimiter : str, optional
        CSV delimiter; sniffed among ``, ; tab |`` when absent (:func:`sniff_delimiter`).
    sheet : str or int
        Excel sheet name or 0-based position.
    skip_rows : int
        Title rows above the header (CSV lines or Excel sheet rows).
    max_bytes : int
        Larger files are refused with advice to convert them to Parquet
        (Parquet files are not limited: they are read column by column).

    Returns
    -------
    RawTable
        ``frame``, ``row_numbers``, ``excluded`` (columns ``row``, ``reason``),
        ``encoding``, ``value_labels``, ``missing_codes``, ``notes``.

    Raises
    ------
    DataError
        Missing, empty, header-only, too large, undecodable or ragged files;
        duplicate or missing column names.

    Notes
    -----
    Rows that hold no value at all are not data: they are listed in
    ``excluded`` with reason "empty row", except trailing ones after the last
    data row. Qualtrics responses whose ``Status`` is in
    :data:`QUALTRICS_EXCLUDED_STATUS` (previews, tests, spam, synthetic) are
    listed in ``excluded`` with their status.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found. Check the `path:` of this table in client.yaml.")
    if not path.is_file():
        raise DataError(f"{path}: is not a file. Point the table's `path:` in client.yaml at a file.")
    fmt = format or detect_format(path)
    if fmt not in ("csv", "excel", "parquet", "spss", "qualtrics"):
        raise DataError(f"{path.name}: unknown format {fmt!r}; expected csv, excel, parquet, spss or qualtrics.")
    size = path.stat().st_size
    if fmt != "parquet" and size > max_bytes:
        raise DataError(
            f"{path.name} is {size / 1024**3:.1f} GiB, above the {max_bytes / 1024**3:.1f} GiB limit for "
            f"{fmt} files. Convert it to Parquet (e.g. `duckdb -c \"COPY (SELECT * FROM '{path.name}') TO "
            f"'{path.stem}.parquet'\"`) and point client.yaml at the .parquet file."
        )
    if size == 0:
        raise DataError(f"{path.name} is empty (0 bytes). Expected a header row and at least one data row.")
    if fmt in ("csv", "qualtrics"):
        return _read_text(path, qualtrics=(fmt == "qualtrics") if format else None,
                          encoding=encoding, delimiter=delimiter, skip_rows=skip_rows)
    if fmt == "excel":
        return _read_excel(path, sheet=sheet, skip_rows=skip_rows)
    if fmt == "parquet":
        return _read_parquet(path)
    return _read_spss(path)


def detect_format(path) -> str:
    """The reader for ``path``: "csv", "excel", "parquet", "spss" or "qualtrics".

    By extension (``.csv .tsv .txt .tab`` / ``.xlsx .xlsm`` / ``.parquet .pq`` /
    ``.sav .zsav``); a CSV whose third record is a Qualtrics ``{"ImportId": ...}``
    row is "qualtrics". Raises :class:`DataError` for other extensions (e.g. ``.xls``).

    Examples
    --------
    >>> detect_format("survey.XLSX")
    'excel'
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".xls":
        raise DataError(f"{path.name}: old binary Excel (.xls) is not supported. "
                        "Open it in Excel and save as .xlsx (or export CSV/Parquet).")
    fmt = _EXTENSIONS.get(ext)
    if fmt is None:
        raise DataError(f"{path.name}: cannot tell the format from the extension {ext!r}. Use one of "
                        f"{', '.join(sorted(_EXTENSIONS))}, or set `format:` for this table in client.yaml.")
    if fmt == "csv" and path.is_file() and path.stat().st_size > 0:
        try:
            records = _head_records(path, 3)
        except (DataError, csv.Error, UnicodeError):
            return fmt
        if len(records) >= 3 and _is_import_row(records[2]):
            return "qualtrics"
    return fmt


def detect_encoding(path) -> str:
    """The text encoding of ``path``: "utf-8", "utf-8-sig", "utf-16", "utf-32" or "cp1252".

    A byte-order mark decides first. Otherwise the whole file must decode as
    strict UTF-8. If it does not, cp1252 (Windows "ANSI" in Western Europe and
    the Americas, what Excel writes as "CSV") is chosen only when it is
    unambiguous: every byte decodes, charset-normalizer's mess detector finds
    the decoded text clean, and no symbol such as ``³`` or ``¿`` sits inside a
    word (the trace of Central-European or Cyrillic text read with the wrong
    code page). Anything else raises :class:`DataError` naming the file, the
    first byte that is not UTF-8 (offset and line) and how to fix it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = p.write_bytes("id,comment\\n1,café\\n".encode("cp1252"))
    >>> detect_encoding(p)
    'cp1252'
    """
    return _detect_encoding(Path(path))[0]


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``,`` ``;`` tab ``|`` that splits ``sample`` into the
    most columns consistently across its first records (``,`` for one column).

    Each candidate parses the sample with :mod:`csv` (so quoted delimiters do
    not count); a candidate qualifies when the first 50 complete records all
    have the same number of fields, more than one. Among those, most fields wins;
    ties go to the order above.

    Examples
    --------
    >>> sniff_delimiter('a;b;c\\n1;"x;y";3\\n')
    ';'
    >>> sniff_delimiter("a,b\\n1,2\\n")
    ','
    """
    lines = sample.splitlines(keepends=True)
    if len(lines) > 2 and not lines[-1].endswith(("\n", "\r")):
        sample = "".join(lines[:-1])  # the last line may be cut mid-record
    best, best_n = ",", 1
    for d in _DELIMITERS:
        try:
            counts = [len(r) for _, r in zip(range(50), csv.reader(_io.StringIO(sample, newline=""), delimiter=d)) if r]
        except csv.Error:
            continue
        if counts and len(set(counts)) == 1 and counts[0] > best_n:
            best, best_n = d, counts[0]
    return best


# --------------------------------------------------------------------------- encodings
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Non-ASCII punctuation that legitimately sits between letters (l’équipe).
_WORD_PUNCT = set("’‘´`–—-·")


def _detect_encoding(path: Path) -> tuple[str, str | None]:
    with path.open("rb") as f:
        head = f.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, None
    bad = _first_decode_error(path, "utf-8")
    if bad is None:
        return "utf-8", None
    offset, line = bad
    if _first_decode_error(path, "cp1252") is None:
        problem = _cp1252_doubt(path)
        if problem is None:
            return "cp1252", (
                f"{path.name} is not UTF-8 (first non-UTF-8 byte at offset {offset}, line {line}); "
                "decoded as cp1252 (Windows Western). Check accented characters, or save the file as "
                "UTF-8, or set `encoding:` in client.yaml."
            )
    else:
        problem = "some bytes are not cp1252 either"
    guess = _cn_guess(path)
    raise DataError(
        f"{path.name} is not UTF-8: byte offset {offset} (line {line}) does not decode, and the encoding "
        f"cannot be told for sure ({problem}{'; charset-normalizer suggests ' + guess if guess else ''}). "
        "Save the file as UTF-8, or set `encoding:` for this table in client.yaml."
    )


def _first_decode_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte that does not decode strictly, or None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    lines = 0
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            final = not chunk
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as e:
                # e.start counts from the decoder's buffered bytes; at most a few bytes back
                pending = len(e.object) - len(chunk)
                pos = max(0, e.start - pending)
                bad = offset + pos
                line = lines + chunk[:pos].count(b"\n") + 1
                return bad, line
            if final:
                return None
            offset += len(chunk)
            lines += chunk.count(b"\n")


def _cp1252_doubt(path: Path) -> str | None:
    """Why a cp1252 reading looks wrong, or None when it looks like Western text."""
    from charset_normalizer.md import mess_ratio

    inside_word = re.compile(r"[^\W\d_]([^\x00-\x7f])[^\W\d_]")
    sample: list[str] = []
    size = 0
    with path.open("r", encoding="cp1252", newline="") as f:
        for line in f:
            if line.isascii():
                continue
            for m in inside_word.finditer(line):
                ch = m.group(1)
                if ch not in _WORD_PUNCT and not unicodedata.category(ch).startswith("L"):
                    word = re.search(r"[^\s,;|\"]*" + re.escape(ch) + r"[^\s,;|\"]*",
                                     line[max(0, m.start() - 20):m.end() + 20])
                    return f"read as cp1252 it gives {word.group(0)!r}, a symbol inside a word"
            if size < 1_000_000:
                sample.append(line)
                size += len(line)
    if sample and mess_ratio("".join(sample), 0.2) >= 0.2:
        return "read as cp1252 the text looks garbled"
    return None


def _cn_guess(path: Path) -> str | None:
    from charset_normalizer import from_bytes

    with path.open("rb") as f:
        best = from_bytes(f.read(1_000_000)).best()
    return best.encoding if best else None


def _check_encoding(path: Path, encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"{path.name}: unknown encoding {encoding!r} in client.yaml. "
                        "Use e.g. utf-8, utf-8-sig, utf-16, cp1252.") from None
    bad = _first_decode_error(path, encoding)
    if bad is not None:
        raise DataError(f"{path.name} does not decode as {encoding}: byte offset {bad[0]} (line {bad[1]}). "
                        "Fix the `encoding:` of this table in client.yaml (or remove it to detect), "
                        "or save the file as UTF-8.")


def _head_text(path: Path, encoding: str | None, size: int = _SAMPLE) -> str:
    with path.open("rb") as f:
        raw = f.read(size)
    enc = encoding or next((n for b, n in _BOMS if raw.startswith(b)), "utf-8")
    text = codecs.getincrementaldecoder(enc)(errors="replace" if encoding is None else "strict").decode(raw)
    return text.lstrip("\ufeff")


def _head_records(path: Path, n: int) -> list[list[str]]:
    text = _head_text(path, None)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return [r for _, r in zip(range(n), reader)]


# --------------------------------------------------------------------------- CSV
def _read_text(path: Path, *, qualtrics: bool | None, encoding: str | None, delimiter: str | None,
               skip_rows: int) -> RawTable:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    notes: list[str] = []
    if encoding is None:
        encoding, note = _detect_encoding(path)
        if note:
            notes.append(note)
    else:
        _check_encoding(path, encoding)
    sample = _head_text(path, encoding)
    if not sample.strip():
        raise DataError(f"{path.name} holds no text. Expected a header row and at least one data row.")
    if delimiter is None:
        lines = _io.StringIO(sample, newline="").readlines()
        delimiter = sniff_delimiter("".join(lines[skip_rows:]))
    reader = csv.reader(_io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for _ in range(skip_rows):
            next(reader)
        header = next(reader)
    except StopIteration:
        raise DataError(f"{path.name}: no header row after skipping {skip_rows} title row(s). "
                        "Check `skip_rows:` in client.yaml.") from None
    header_line = reader.line_num  # physical line where the header ends
    _check_header(path, header, f"line {header_line}")

    ragged: list = []
    pa_encoding = "utf8" if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig") else encoding
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding=pa_encoding, skip_rows=skip_rows, column_names=None,
                                          block_size=max(1 << 20, 4 * len(sample.encode()))),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=lambda row: ragged.append(row) or "skip"),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in header}, null_values=[""],
                                                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, UnicodeError) as e:
        if "Empty CSV file" in str(e):
            raise _header_only(path, header, header_line) from None
        raise DataError(f"{path.name}: cannot be read as {delimiter!r}-delimited text ({e}). "
                        "Check `delimiter:` and `encoding:` in client.yaml.") from None
    if ragged:
        _raise_ragged(path, encoding, delimiter, skip_rows, header, header_line)

    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for col in table.columns:
        breaks += pc.fill_null(pc.count_substring_regex(col, r"\r\n|\r|\n"), 0).to_numpy(zero_copy_only=False)
    starts = header_line + 1 + np.concatenate([[0], np.cumsum(1 + breaks)])[: table.num_rows].astype(np.int64)
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype() if t in (pa.string(), pa.large_string()) else None)
    frame.columns = header
    frame, starts, excluded = _drop_empty_rows(frame, starts)
    frame = _drop_unnamed_empty(path, frame, notes, starts)

    if qualtrics is None:
        qualtrics = _looks_qualtrics(frame)
    if qualtrics:
        frame, starts, q_excluded = _qualtrics(path, frame, starts, notes)
        excluded = pd.concat([excluded, q_excluded], ignore_index=True).sort_values("row", ignore_index=True)
    if len(frame) == 0 and len(excluded) == 0:
        raise _header_only(path, header, header_line)
    damaged = int(sum(frame[c].str.contains("\ufffd", regex=False).sum() for c in frame.columns))
    if damaged:
        notes.append(f"{damaged} cell(s) already contain the replacement character U+FFFD: the text was damaged "
                     "before this file was written (e.g. a wrong encoding in an earlier export).")
    return RawTable(frame=frame.reset_index(drop=True), source=path, row_numbers=starts, excluded=excluded,
                    encoding=encoding, notes=tuple(notes))


def _header_only(path: Path, header: list, header_line: int) -> DataError:
    return DataError(f"{path.name} has a header ({len(header)} columns, line {header_line}) but no data rows. "
                     "Expected at least one row below the header; check that the export is complete.")


def _check_header(path: Path, header: list, where: str) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        if name != "" and name in seen:
            raise DataError(f"{path.name} {where}: column name {name!r} appears twice (columns {seen[name]} and {i}). "
                            "Rename one of them in the file, or check `skip_rows:` in client.yaml.")
        seen[name] = i
    if not any(str(h).strip() for h in header):
        raise DataError(f"{path.name} {where}: the header row is empty. If there are title rows above the "
                        "header, set `skip_rows:` for this table in client.yaml.")


def _raise_ragged(path, encoding, delimiter, skip_rows, header, header_line) -> None:
    bad: list[tuple[int, int]] = []
    with path.open("r", encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        for _ in range(skip_rows + 1):
            next(reader)
        start = reader.line_num + 1
        for rec in reader:
            if rec and len(rec) != len(header):
                bad.append((start, len(rec)))
                if len(bad) > 5:
                    break
            start = reader.line_num + 1
    line, n = bad[0] if bad else (header_line + 1, -1)
    more = f" Other lines like this: {', '.join(str(b[0]) for b in bad[1:])}." if len(bad) > 1 else ""
    hint = ("Quote text fields that contain the delimiter, or fix the missing/extra delimiter.")
    if n > len(header) and line <= header_line + 5:
        hint = ("If the first line(s) are a title above the real header, set `skip_rows:` for this table "
                "in client.yaml; otherwise " + hint[0].lower() + hint[1:])
    raise DataError(f"{path.name} line {line} has {n} fields but the header (line {header_line}) has {len(header)} "
                    f"(delimiter {delimiter!r}).{more} {hint}")


def _drop_empty_rows(frame: pd.DataFrame, rows: np.ndarray):
    empty = frame.isna().all(axis=1).to_numpy() if frame.shape[1] else np.ones(len(frame), bool)
    if not empty.any():
        return frame, rows, _no_exclusions()
    last = np.flatnonzero(~empty).max() if (~empty).any() else -1
    interior = empty.copy()
    interior[last + 1:] = False  # trailing empty rows are layout, not data
    keep = ~empty
    return (frame.loc[keep].reset_index(drop=True), rows[keep],
            _exclusions(rows[interior].tolist(), ["empty row"] * int(interior.sum())))


def _drop_unnamed_empty(path: Path, frame: pd.DataFrame, notes: list[str], rows: np.ndarray) -> pd.DataFrame:
    unnamed = [i for i, c in enumerate(frame.columns) if str(c).strip() == ""]
    if not unnamed:
        return frame
    for i in unnamed:
        col = frame.iloc[:, i]
        if col.notna().any():
            first = int(np.flatnonzero(col.notna().to_numpy())[0])
            raise DataError(f"{path.name}: column {i + 1} has no name in the header but has values "
                            f"(e.g. row {rows[first]}: {col.iloc[first]!r}). Give it a name in the file, or set "
                            "`skip_rows:` in client.yaml if the header is below title rows.")
    notes.append(f"{len(unnamed)} empty column(s) without a name dropped (trailing delimiters).")
    return frame.iloc[:, [i for i in range(frame.shape[1]) if i not in unnamed]]


# --------------------------------------------------------------------------- Qualtrics
def _is_import_row(cells) -> bool:
    vals = [str(c) for c in cells if c is not None and not (isinstance(c, float) and np.isnan(c)) and str(c) != ""]
    vals = [v for v in vals if v is not pd.NA]
    hits = sum(bool(_IMPORT_ID.match(v)) for v in vals)
    return hits > 0 and hits * 2 >= len(vals)


def _row_cells(frame: pd.DataFrame, i: int) -> list:
    return [None if pd.isna(v) else v for v in frame.iloc[i].tolist()]


def _looks_qualtrics(frame: pd.DataFrame) -> bool:
    if len(frame) >= 2 and _is_import_row(_row_cells(frame, 1)):
        return True
    return len(_QUALTRICS_IDS.intersection(map(str, frame.columns))) >= 4


def _is_question_text_row(frame: pd.DataFrame) -> bool:
    if len(frame) == 0:
        return False
    row = frame.iloc[0]
    hits = [str(row[c]).strip().lower() == label for c, label in _QUALTRICS_TEXT_ROW.items()
            if c in frame.columns and not pd.isna(row[c])]
    return bool(hits) and all(hits)


def _qualtrics(path: Path, frame: pd.DataFrame, rows: np.ndarray, notes: list[str]):
    if len(frame) >= 2 and _is_import_row(_row_cells(frame, 1)):
        tz = re.search(r'"timeZone"\s*:\s*"([^"]+)"', " ".join(str(v) for v in _row_cells(frame, 1) if v))
        frame, rows = frame.iloc[2:], rows[2:]
        notes.append("Qualtrics export: question-text and ImportId header rows dropped.")
        if tz:
            notes.append(f"Qualtrics dates are in time zone {tz.group(1)!r} (ImportId row).")
    elif _is_question_text_row(frame):
        frame, rows = frame.iloc[1:], rows[1:]
        notes.append("Qualtrics export re-saved with two header rows (no ImportId row): question-text row dropped.")
    else:
        notes.append("Qualtrics export re-saved with one header row (no question-text or ImportId rows); "
                     "the time zone of its dates is unknown.")
    frame = frame.reset_index(drop=True)
    if "Status" not in frame.columns:
        return frame, rows, _no_exclusions()
    status = frame["Status"].astype("string").str.strip()
    label = status.map(lambda s: QUALTRICS_STATUS.get(int(s), s) if isinstance(s, str) and s.isdigit() else s)
    drop = label.isin(QUALTRICS_EXCLUDED_STATUS).fillna(False).to_numpy(dtype=bool)
    if not drop.any():
        return frame, rows, _no_exclusions()
    reasons = [f"Qualtrics Status {s!r}" + (f" ({lab})" if s != lab else "")
               for s, lab in zip(status[drop], label[drop])]
    counts = pd.Series(label[drop]).value_counts()
    notes.append("Excluded Qualtrics responses that are not real respondents: "
                 + ", ".join(f"{n} {lab}" for lab, n in counts.items()) + ".")
    return frame.loc[~drop].reset_index(drop=True), rows[~drop], _exclusions(rows[drop].tolist(), reasons)


# --------------------------------------------------------------------------- Excel
def _read_excel(path: Path, *, sheet: str | int, skip_rows: int) -> RawTable:
    import openpyxl

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
            if any(_excel_value(c) is not None for c in cells):
                header, header_row = list(cells), number
                break
        if header is None:
            raise DataError(f"{path.name} sheet {ws.title!r} has no header row"
                            f"{f' below the {skip_rows} skipped row(s)' if skip_rows else ''}. "
                            "Expected a header row and at least one data row.")
        names = ["" if c is None else str(c).strip() for c in header]
        _check_header(path, names, f"sheet {ws.title!r} row {header_row}")
        width = len(names)
        data: list[tuple] = []
        numbers: list[int] = []
        for number, cells in rows_iter:
            values = [_excel_value(c) for c in cells]
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
    columns = {i: _excel_column([r[i] for r in data]) for i in range(width)}
    frame = pd.DataFrame({i: columns[i] for i in range(width)})
    frame.columns = names
    rows = np.asarray(numbers, dtype=np.int64)
    frame, rows, excluded = _drop_empty_rows(frame, rows)
    frame = _drop_unnamed_empty(path, frame, notes, rows)
    if len(frame) == 0 and len(excluded) == 0:
        raise DataError(f"{path.name} sheet {ws.title!r} has a header (row {header_row}) but no data rows. "
                        "Expected at least one row below the header.")
    return RawTable(frame=frame.reset_index(drop=True), source=path, row_numbers=rows, excluded=excluded,
                    notes=tuple(notes))


def _excel_value(v):
    if isinstance(v, str) and v == "":
        return None
    return v


def _excel_column(values: list) -> pd.Series:
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


# --------------------------------------------------------------------------- Parquet, SPSS
def _read_parquet(path: Path) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataError(f"{path.name}: cannot be read as Parquet ({type(e).__name__}: {e}).") from None
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
        frame = frame.reset_index(drop=all(n is None for n in frame.index.names))
    frame = _text_columns(frame)
    if len(frame) == 0:
        raise DataError(f"{path.name} has columns but no rows. Expected at least one row.")
    return RawTable(frame=frame, source=path, row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
                    notes=(f"Parquet file, {len(frame)} rows.",))


def _text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as ``string`` with ``<NA>``; empty text is missing."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_string_dtype(col.dtype) and not isinstance(col.dtype, pd.CategoricalDtype):
            if col.dtype == object and not col.dropna().map(lambda v: isinstance(v, str)).all():
                out[name] = col
                continue
            s = col.astype("string")
            out[name] = s.mask(s == "")
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _read_spss(path: Path) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(path, user_missing=True, dates_as_pandas_datetime=True)
    except Exception as e:  # pyreadstat.ReadstatError and friends
        raise DataError(f"{path.name}: cannot be read as an SPSS .sav file ({type(e).__name__}: {e}).") from None
    frame = _text_columns(frame.reset_index(drop=True))
    if len(frame) == 0:
        raise DataError(f"{path.name} has variables but no cases. Expected at least one case.")
    missing: dict[str, list] = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        codes = []
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            codes.append(lo if lo == hi else (lo, hi))
        missing[col] = codes
    labels = {k: dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    notes = [f"SPSS file, {len(frame)} cases."]
    if missing:
        notes.append("User-missing codes (never scores): "
                     + "; ".join(f"{c}: {', '.join(map(str, v))}" for c, v in missing.items()) + ".")
    return RawTable(frame=frame, source=path, row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
                    encoding=getattr(meta, "file_encoding", None), value_labels=labels, missing_codes=missing,
                    notes=tuple(notes))
