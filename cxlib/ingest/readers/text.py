"""Delimited text files (CSV, TSV, semicolon or pipe separated): every cell kept as text.

pyarrow's CSV reader does the reading (strict field counts, quoted newlines); this module
adds what it leaves to the caller: strict decoding (:mod:`.encoding`), physical line numbers
for every record, the delimiter sniffed among ``, ; tab |``, and bad physical lines.

A line whose number of fields differs from the header's (a truncated last line, a stray
delimiter) is set aside with its line number and the rest of the file is kept, as long as
such lines are rare; when many lines disagree with the header, the delimiter or the header
is wrong and the file is refused with the first offending line.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("id;region\\n007;NA\\n", encoding="utf-8")
>>> t = READER.read(p, ReadOptions())
>>> t.frame["id"].tolist(), t.frame["region"].tolist(), t.row_numbers.tolist()
(['007'], ['NA'], [2])
"""

from __future__ import annotations

import csv
import io as _io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.ingest.readers.base import (CannotStream, RawTable, ReadOptions, check_header, drop_empty_rows,
                                       drop_unnamed_columns, exclusions, header_only_error, nameless_columns,
                                       no_exclusions)
from cxlib.ingest.readers.encoding import check_encoding, detect_with_note, head_text
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER", "read_delimited", "read_delimited_batches", "BATCH_BYTES", "damaged_cells", "damaged_note",
           "sniff_delimiter", "head_records", "DELIMITERS", "MAX_BAD_LINE_SHARE"]

#: Delimiters tried by :func:`sniff_delimiter`, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
#: Lines with the wrong number of fields are set aside when at most this share of the records
#: (and at most :data:`_MAX_BAD_LINES` lines) have it; more means a wrong delimiter or header.
MAX_BAD_LINE_SHARE = 0.10
_MAX_BAD_LINES = 1000

#: ``transform(frame, row_numbers, notes) -> (frame, row_numbers, excluded)`` applied after reading.
Transform = Callable[[pd.DataFrame, np.ndarray, list], tuple[pd.DataFrame, np.ndarray, pd.DataFrame]]


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
    for d in DELIMITERS:
        try:
            counts = [len(r) for _, r in zip(range(50), csv.reader(_io.StringIO(sample, newline=""), delimiter=d)) if r]
        except csv.Error:
            continue
        if counts and len(set(counts)) == 1 and counts[0] > best_n:
            best, best_n = d, counts[0]
    if best_n == 1:
        # a few ragged records (a cut line, a stray delimiter) must not hide the delimiter: take the one
        # whose most common field count is largest and shared by nine records in ten
        for d in DELIMITERS:
            try:
                counts = [len(r) for _, r in zip(range(50), csv.reader(_io.StringIO(sample, newline=""), delimiter=d))
                          if r]
            except csv.Error:
                continue
            if len(counts) >= 5:
                mode = max(set(counts), key=counts.count)
                if mode > best_n and counts.count(mode) >= 0.9 * len(counts):
                    best, best_n = d, mode
    return best


def head_records(path: Path, n: int, *, encoding: str | None = None, delimiter: str | None = None) -> list[list[str]]:
    """The first ``n`` records of a text file (a sample: undecodable bytes replaced)."""
    text = head_text(path, encoding)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text))
    try:
        return [r for _, r in zip(range(n), reader)]
    except csv.Error:
        return []


@dataclass(frozen=True)
class _Layout:
    """How a delimited file is laid out: found once, used by the whole-file and the batch reader."""

    encoding: str
    delimiter: str
    skip_rows: int
    header: list
    header_line: int
    sample_bytes: int

    def arrow_options(self, ragged: list, block_size: int) -> dict:
        """pyarrow CSV options: every header column as text, only truly empty cells missing, bad lines to ``ragged``."""
        import pyarrow as pa
        import pyarrow.csv as pcsv

        enc = self.encoding.replace("_", "-").lower()
        return dict(
            read_options=pcsv.ReadOptions(encoding="utf8" if enc in ("utf-8", "utf8", "utf-8-sig") else self.encoding,
                                          skip_rows=self.skip_rows, column_names=None, block_size=block_size),
            parse_options=pcsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                            invalid_row_handler=lambda row: ragged.append(row) or "skip"),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.string() for h in self.header}, null_values=[""],
                                                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )


def _layout(path: Path, options: ReadOptions, notes: list[str]) -> _Layout:
    """Encoding (strictly checked), delimiter (sniffed), header and the line it ends on."""
    encoding, delimiter, skip_rows = options.encoding, options.delimiter, options.skip_rows
    if encoding is None:
        encoding, note = detect_with_note(path)
        if note:
            notes.append(note)
    else:
        check_encoding(path, encoding)
    sample = head_text(path, encoding)
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
    check_header(path, header, f"line {header_line}")
    return _Layout(encoding, delimiter, skip_rows, header, header_line, len(sample.encode()))


def _line_offsets(table) -> tuple[np.ndarray, int]:
    """(line of each record relative to the first, lines the records take in all): quoted newlines count."""
    import pyarrow.compute as pc

    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for col in table.columns:
        breaks += pc.fill_null(pc.count_substring_regex(col, r"\r\n|\r|\n"), 0).to_numpy(zero_copy_only=False)
    ends = np.cumsum(1 + breaks)
    return np.concatenate([[0], ends])[: table.num_rows].astype(np.int64), int(ends[-1]) if len(ends) else 0


def damaged_cells(frame: pd.DataFrame) -> int:
    """Cells that already hold the replacement character U+FFFD."""
    return int(sum(frame[c].str.contains("\ufffd", regex=False).sum() for c in frame.columns
                   if pd.api.types.is_string_dtype(frame[c].dtype)))


def damaged_note(n: int) -> str:
    return (f"{n} cell(s) already contain the replacement character U+FFFD: the text was damaged "
            "before this file was written (e.g. a wrong encoding in an earlier export).")


#: Bytes of text per batch of :func:`read_delimited_batches` (about 300,000 rows of a touchpoint log).
BATCH_BYTES = 32 * 1024 * 1024


def read_delimited_batches(path: Path, options: ReadOptions, *, batch_bytes: int = BATCH_BYTES) -> Iterator[RawTable]:
    """Read a delimited text file as a sequence of :class:`RawTable` batches, in bounded memory.

    Each batch is what :func:`read_delimited` would give for those records: text cells, the physical
    line of every record, interior empty rows excluded ("empty row"; trailing ones after the last data
    row are layout). Notes about the file come with the first batch; the count of damaged cells
    (U+FFFD) with the last.

    Raises
    ------
    CannotStream
        The file needs the whole-file reader: a line with the wrong number of fields (the whole file
        decides whether such lines are rare), or a column without a name / a saved row index (the whole
        column decides what it is).
    DataError
        As :func:`read_delimited`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,v\\n" + "".join(f"{i},x\\n" for i in range(5)), encoding="utf-8")
    >>> batches = [b.row_numbers.tolist() for b in read_delimited_batches(p, ReadOptions(), batch_bytes=12)]
    >>> sum(batches, []), len(batches) > 1
    ([2, 3, 4, 5, 6], True)
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    notes: list[str] = []
    layout = _layout(path, options, notes)
    if nameless_columns(layout.header):
        raise CannotStream("a column without a name, or a first column named like a saved row index")
    ragged: list = []
    try:
        stream = pcsv.open_csv(path, **layout.arrow_options(ragged, max(batch_bytes, 4 * layout.sample_bytes)
                                                             if batch_bytes >= 1 << 20 else batch_bytes))
    except (pa.ArrowInvalid, UnicodeError) as e:
        if "Empty CSV file" in str(e):
            raise header_only_error(path, layout.header, f"line {layout.header_line}") from None
        raise DataError(f"{path.name}: cannot be read as {layout.delimiter!r}-delimited text ({e}). "
                        "Check `delimiter:` and `encoding:` in client.yaml.") from None
    line = layout.header_line + 1  # where the next record starts
    pending_empty: list[np.ndarray] = []  # empty records after the last data row seen so far
    damaged = 0
    held: RawTable | None = None
    first = True
    try:
        for batch in stream:
            if ragged:
                raise CannotStream("a line with the wrong number of fields")
            if batch.num_rows == 0:
                continue
            offsets, lines = _line_offsets(batch)
            starts = line + offsets
            line += lines
            frame = batch.to_pandas(types_mapper=lambda t: pd.StringDtype() if t in (pa.string(), pa.large_string())
                                    else None)
            frame.columns = layout.header
            empty = frame.isna().all(axis=1).to_numpy() if frame.shape[1] else np.ones(len(frame), bool)
            excluded_rows = []
            if (~empty).any():
                last = int(np.flatnonzero(~empty).max())
                excluded_rows = [*pending_empty, starts[:last + 1][empty[:last + 1]]]
                pending_empty = [starts[last + 1:]]
            else:
                pending_empty.append(starts)
                continue
            rows = np.concatenate(excluded_rows) if excluded_rows else np.array([], dtype=np.int64)
            keep = ~empty
            keep[last + 1:] = False
            frame = frame.loc[keep].reset_index(drop=True)
            damaged += damaged_cells(frame)
            if held is not None:
                yield held
            held = RawTable(frame=frame, source=path, row_numbers=starts[keep].astype(np.int64),
                            excluded=exclusions(rows.tolist(), ["empty row"] * len(rows)), encoding=layout.encoding,
                            notes=tuple(notes) if first else ())
            first = False
    except (pa.ArrowInvalid, UnicodeError) as e:
        raise DataError(f"{path.name}: cannot be read as {layout.delimiter!r}-delimited text ({e}). "
                        "Check `delimiter:` and `encoding:` in client.yaml.") from None
    if ragged:
        raise CannotStream("a line with the wrong number of fields")
    if held is None:
        raise header_only_error(path, layout.header, f"line {layout.header_line}")
    if damaged:
        held = replace(held, notes=(*held.notes, damaged_note(damaged)))
    yield held


def read_delimited(path: Path, options: ReadOptions, *, transform: Transform | None = None) -> RawTable:
    """Read a delimited text file into a :class:`RawTable` of text cells.

    Parameters
    ----------
    path : Path
    options : ReadOptions
        ``encoding`` (detected when None), ``delimiter`` (sniffed when None), ``skip_rows``.
    transform : callable, optional
        Applied to (frame, row numbers, notes) before the header-only check; survey-export
        readers use it to drop their extra header rows and excluded responses.

    Returns
    -------
    RawTable
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    notes: list[str] = []
    layout = _layout(path, options, notes)
    encoding, delimiter, skip_rows = layout.encoding, layout.delimiter, layout.skip_rows
    header, header_line = layout.header, layout.header_line
    ragged: list = []
    try:
        table = pcsv.read_csv(path, **layout.arrow_options(ragged, max(1 << 20, 4 * layout.sample_bytes)))
    except (pa.ArrowInvalid, UnicodeError) as e:
        if "Empty CSV file" in str(e):
            raise header_only_error(path, header, f"line {header_line}") from None
        raise DataError(f"{path.name}: cannot be read as {delimiter!r}-delimited text ({e}). "
                        "Check `delimiter:` and `encoding:` in client.yaml.") from None

    bad_lines = no_exclusions()
    if ragged:
        starts, bad_lines = _bad_lines(path, encoding, delimiter, skip_rows, header, header_line, table.num_rows)
        notes.append(f"{len(bad_lines)} line(s) with the wrong number of fields set aside "
                     f"(line {', '.join(map(str, bad_lines['row'].head(5)))}{' …' if len(bad_lines) > 5 else ''}); "
                     "the rest of the file is used.")
    else:
        starts = header_line + 1 + _line_offsets(table)[0]
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype() if t in (pa.string(), pa.large_string()) else None)
    frame.columns = header
    frame, starts, excluded = drop_empty_rows(frame, starts)
    frame = drop_unnamed_columns(path, frame, notes)
    if transform is not None:
        frame, starts, more = transform(frame.reset_index(drop=True), starts, notes)
        excluded = pd.concat([excluded, more], ignore_index=True)
    if len(bad_lines):
        excluded = pd.concat([excluded, bad_lines], ignore_index=True)
    excluded = excluded.sort_values("row", ignore_index=True) if len(excluded) else excluded
    if len(frame) == 0 and len(excluded) == 0:
        raise header_only_error(path, header, f"line {header_line}")
    damaged = damaged_cells(frame)
    if damaged:
        notes.append(damaged_note(damaged))
    return RawTable(frame=frame.reset_index(drop=True), source=path, row_numbers=np.asarray(starts, dtype=np.int64),
                    excluded=excluded[["row", "reason"]].reset_index(drop=True), encoding=encoding,
                    notes=tuple(notes))


def _bad_lines(path, encoding, delimiter, skip_rows, header, header_line, n_kept):
    """(start line of every kept record, exclusions of the records with the wrong number of fields)."""
    starts: list[int] = []
    bad: list[tuple[int, int]] = []
    with path.open("r", encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        for _ in range(skip_rows + 1):
            next(reader)
        start = reader.line_num + 1
        try:
            for rec in reader:
                if rec and len(rec) != len(header):
                    bad.append((start, len(rec)))
                else:
                    starts.append(start)
                start = reader.line_num + 1
        except csv.Error:
            pass
    total = len(starts) + len(bad)
    # one short record at the very end: the export was cut off, whatever the file's size
    last_cut = len(bad) == 1 and bad[0][1] < len(header) and (not starts or starts[-1] < bad[0][0])
    too_many = len(bad) > _MAX_BAD_LINES or len(bad) > MAX_BAD_LINE_SHARE * total
    if not bad or len(starts) != n_kept or (too_many and not last_cut):
        raise _ragged_error(path, delimiter, header, header_line, bad)
    reasons = [f"line {line} has {n} field(s) but the header (line {header_line}) has {len(header)}"
               + (" (the line is cut short)" if n < len(header) else " (a stray delimiter?)") for line, n in bad]
    out = exclusions([b[0] for b in bad], reasons)
    return np.asarray(starts, dtype=np.int64), out


def _ragged_error(path, delimiter, header, header_line, bad) -> DataError:
    line, n = bad[0] if bad else (header_line + 1, -1)
    more = f" Other lines like this: {', '.join(str(b[0]) for b in bad[1:6])}." if len(bad) > 1 else ""
    hint = "Quote text fields that contain the delimiter, or fix the missing/extra delimiter."
    if n > len(header) and line <= header_line + 5:
        hint = ("If the first line(s) are a title above the real header, set `skip_rows:` for this table "
                "in client.yaml; otherwise " + hint[0].lower() + hint[1:])
    return DataError(f"{path.name} line {line} has {n} fields but the header (line {header_line}) has {len(header)} "
                     f"(delimiter {delimiter!r}).{more} {hint}")


def _read(path: Path, options: ReadOptions) -> RawTable:
    return read_delimited(path, options)


def _read_batches(path: Path, options: ReadOptions, batch_bytes: int) -> Iterator[RawTable]:
    return read_delimited_batches(path, options, batch_bytes=batch_bytes)


READER = Reader(
    name="csv",
    read=_read,
    read_batches=_read_batches,
    extensions=(".csv", ".tsv", ".txt", ".tab"),
    text=True,
    description="delimited text (comma, semicolon, tab or pipe); every cell kept as text",
)
