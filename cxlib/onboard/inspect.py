"""Inspecting client files: format, encoding, delimiter, title rows, columns and what their values look like.

Every file is read with the reader the registry picks for it (:mod:`cxlib.ingest.readers`), never
changed; very large text files are profiled on their first 32 MiB.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
>>> _ = p.write_text("id,score\\n1,9\\n2,10\\n", encoding="utf-8")
>>> inspect_file(p).columns[["column", "kind", "low", "high"]].to_dict("records")[1]
{'column': 'score', 'kind': 'int', 'low': '9', 'high': '10'}
"""

from __future__ import annotations

import csv
import io as _io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.errors import ConfigError, DataError
from cxlib.ingest import parsing, readers
from cxlib.ingest.readers.encoding import detect_encoding
from cxlib.ingest.readers.text import sniff_delimiter

__all__ = ["FileInspection", "inspect_file", "inspect_folder", "describe_values", "profile", "detect_long",
           "SKIP_NAMES"]

#: Files in a client's folder that are the workbench's own, never data.
SKIP_NAMES = {"client.yaml", "codebook.yaml", "planted.yaml", "planted_codes.csv", "hand_coded.csv"}
_SAMPLE_BYTES = 32 * 1024 * 1024  # text files above this are inspected on their first 32 MiB
_MAX_TITLE_ROWS = 10


@dataclass(frozen=True)
class FileInspection:
    """What one client file looks like.

    Attributes
    ----------
    path : Path
    format : str or None
        A format of :func:`cxlib.ingest.readers.formats` (``csv``, ``qualtrics``, ``excel`` ...);
        None when unreadable.
    encoding, delimiter : str or None
        Text files only.
    sheet : str or int
        Excel sheet read.
    skip_rows : int
        Title rows above the header.
    n_rows : int
        Data rows (of the sample, for very large text files; see ``notes``).
    columns : DataFrame
        One row per column: ``column`` (raw name), ``question`` (survey question text or ""),
        ``kind`` (id, int, float, bool, date, datetime, labelled, category, text, empty),
        ``n`` (non-empty cells), ``n_missing``, ``n_distinct``, ``low``, ``high`` (as text, for
        numbers and dates), ``examples`` (up to 3 distinct values, text).
    notes : tuple of str
        How the file was read.
    error : str or None
        Why the file could not be read (then ``format`` is None).
    """

    path: Path
    format: str | None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    skip_rows: int = 0
    n_rows: int = 0
    columns: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: tuple[str, ...] = ()
    error: str | None = None
    sample: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    #: a long file (one row per respondent and question): its ``{id, question, answer}`` columns
    pivot: dict | None = None

    @property
    def questions(self) -> dict[str, str]:
        """Raw column -> question text, for survey exports that have them."""
        if self.columns.empty:
            return {}
        return {c: q for c, q in zip(self.columns["column"], self.columns["question"]) if q}


def _decoded_head(path: Path, encoding: str, size: int = 256 * 1024) -> str:
    with path.open("rb") as f:
        raw = f.read(size)
    text = raw.decode(encoding, errors="ignore")  # a sample only: a cut multi-byte character at the end is fine
    return text.lstrip("\ufeff")


def _csv_layout(text: str) -> tuple[int, str]:
    """(title rows above the header, delimiter) of a text file's head."""
    lines = _io.StringIO(text, newline="").readlines()
    if len(lines) > 2:
        lines = lines[:-1] if not lines[-1].endswith(("\n", "\r")) else lines
    for k in range(0, min(_MAX_TITLE_ROWS + 1, max(len(lines) - 1, 1))):
        if not lines[k].strip():
            continue
        rest = "".join(lines[k:])
        delim = sniff_delimiter(rest)
        header = next(csv.reader(_io.StringIO(rest, newline=""), delimiter=delim), [])
        named = sum(bool(c.strip()) for c in header)
        if len(header) >= 2 and named >= max(2, 0.6 * len(header)):
            return k, delim
    return 0, sniff_delimiter(text)


def _excel_layout(path: Path) -> tuple[str | int, int, list[str]]:
    """(sheet, title rows above the header, other non-empty sheets) of a workbook."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a broken workbook: let io.read_table say so
        raise DataError(f"{path.name}: cannot be opened as an .xlsx workbook ({type(e).__name__}: {e}).") from None
    try:
        found: list[tuple[str, list[list]]] = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = []
            for _, cells in zip(range(40), ws.iter_rows(values_only=True)):
                rows.append([c for c in cells])
            if any(any(c not in (None, "") for c in r) for r in rows):
                found.append((ws.title, rows))
    finally:
        wb.close()
    if not found:
        return 0, 0, []
    sheet, rows = found[0]
    filled = [[i for i, c in enumerate(r) if c not in (None, "")] for r in rows]
    skip = 0
    for k, cols in enumerate(filled[: _MAX_TITLE_ROWS + 1]):
        if not cols:
            continue
        below = [max(c) + 1 for c in filled[k + 1: k + 21] if c]
        width = max(below) if below else max(cols) + 1
        texts = sum(isinstance(rows[k][i], str) for i in cols)
        if len(cols) >= max(2, 0.6 * width) and texts >= 0.6 * len(cols):
            skip = k
            break
    # io.read_table skips `skip` rows then takes the first non-empty row as the header: blank rows
    # between a title and the header need no counting, so report the rows above the header's own row
    return sheet, skip, [name for name, _ in found[1:]]


_INT_TEXT = re.compile(r"[+-]?\d+(?:\.0+)?")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?")
_LABELLED_TEXT = re.compile(r"^\s*\d+\s*[-\u2013=:.)]\s*\D")
_DATE_LIKE = re.compile(r"(?i)\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                        r"[a-z]*\b")
_CLOCK = re.compile(r"\d:\d")
_WORDS = re.compile(r"\s\S+\s\S+\s")


def _share(values: list[str], pattern: re.Pattern, how: str = "fullmatch") -> float:
    test = getattr(pattern, how)
    return sum(bool(test(v)) for v in values) / len(values) if values else 0.0


def describe_values(present: pd.Series) -> tuple[str, str, str, list[str]]:
    """(kind, low, high, distinct texts) of a raw column's non-empty cells; low/high as text for numbers and dates."""
    s = present
    if len(s) == 0:
        return "empty", "", "", []
    if s.dtype != object and not isinstance(s.dtype, pd.StringDtype):
        uniq = [str(v) for v in pd.unique(s)[:5000]]
        if pd.api.types.is_bool_dtype(s.dtype):
            return "bool", "", "", uniq
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            kind = "date" if (s.dt.normalize() == s).all() else "datetime"
            return kind, str(s.min())[:19], str(s.max())[:19], [v[:10] if kind == "date" else v for v in uniq]
        if pd.api.types.is_numeric_dtype(s.dtype):
            values = s.astype("float64")
            kind = "int" if np.all(values == np.round(values)) else "float"
            return kind, f"{values.min():g}", f"{values.max():g}", uniq
    # text cells: judge the distinct values (plain Python on a few thousand values is cheap)
    uniq = [str(v).strip() for v in pd.unique(s.astype("string").str.strip())[:5000]]
    # "NA", "n/a", "-" are no answer in a number, yes/no or date column (never in a text one)
    data = [v for v in uniq if v.lower() not in parsing.NA_TOKENS] or uniq
    lowered = {v.lower() for v in data}
    if lowered <= (parsing.TRUE_TOKENS | parsing.FALSE_TOKENS) and not lowered <= {"0", "1", "0.0", "1.0"}:
        return "bool", "", "", uniq
    # a score column with a few stray answers ("10 - extremely likely") is still a number column: judged by
    # cells, not by distinct values (on a 0-10 scale one odd answer is 1 of 12 distinct values); the odd
    # cells are quarantined with their reason when the file is validated
    counts = s.astype("string").str.strip().value_counts()
    counts = counts[~counts.index.str.lower().isin(parsing.NA_TOKENS)]
    by_cells = float(counts[counts.index.str.fullmatch(_INT_TEXT.pattern)].sum() / counts.sum()) if counts.sum() else 0
    if _share(data, _INT_TEXT) >= 0.98 or (by_cells >= 0.98 and len(data) <= 100):
        num = [float(v) for v in data if _INT_TEXT.fullmatch(v)]
        return "int", f"{min(num):g}", f"{max(num):g}", uniq
    if _share(data, _NUMBER_TEXT) >= 0.98:
        c = parsing.coerce(pd.Series(data, dtype="string"), "float")
        if c.errors.isna().mean() >= 0.98:
            num = c.values.dropna()
            kind = "int" if np.all(num == np.round(num)) else "float"
            return kind, f"{num.min():g}", f"{num.max():g}", uniq
    if _share(uniq, _LABELLED_TEXT, "match") >= 0.6:
        return "labelled", "", "", uniq
    if _share(uniq, _DATE_LIKE, "search") >= 0.9:
        dt = parsing.coerce(pd.Series(uniq, dtype="string"), "datetime")
        if dt.errors.isna().mean() >= 0.9 or dt.errors.fillna("").str.contains("ambiguous|day-first").mean() > 0.3:
            values = dt.values.dropna()
            low, high = (str(values.min())[:19], str(values.max())[:19]) if len(values) else ("", "")
            if len(values) and (values.dt.normalize() == values).all() and not any(_CLOCK.search(v) for v in uniq):
                return "date", low, high, uniq
            return "datetime", low, high, uniq
    if sum(map(len, uniq)) / len(uniq) > 30 or _share(uniq, _WORDS, "search") > 0.5:
        return "text", "", "", uniq
    if len(uniq) <= max(30, 0.05 * len(s)):
        return "category", "", "", uniq
    return "id", "", "", uniq


def profile(frame: pd.DataFrame, questions: dict[str, str]) -> pd.DataFrame:
    """One row per column of ``frame`` describing its values (see :class:`FileInspection` ``columns``)."""
    rows = []
    for name in frame.columns:
        col = frame[name]
        present = col.dropna()
        if isinstance(present.dtype, pd.StringDtype) or present.dtype == object:
            present = present[present.astype("string").str.strip() != ""]
        kind, low, high, distinct = describe_values(present)
        rows.append({
            "column": str(name),
            "question": questions.get(str(name), ""),
            "kind": kind,
            "n": int(len(present)),
            "n_missing": int(len(col) - len(present)),
            "n_distinct": int(len(distinct)),
            "low": low,
            "high": high,
            "examples": ", ".join(repr(v)[:40] for v in distinct[:3]),
        })
    return pd.DataFrame(rows, columns=["column", "question", "kind", "n", "n_missing", "n_distinct", "low", "high",
                                       "examples"]).astype({"n": "int64", "n_missing": "int64", "n_distinct": "int64"})


def inspect_file(path: str | os.PathLike) -> FileInspection:
    """Inspect one client file: format, encoding, delimiter, title rows, columns and their values.

    Parameters
    ----------
    path : path
        The file. It is only read.

    Returns
    -------
    FileInspection
        ``format`` None and ``error`` set when the file cannot be read (the reason says why).

    Notes
    -----
    Title rows: the header is the first row (of the first 11) that has at least two
    named cells making up 60% of the row's width (the width the following rows use),
    mostly text. Delimiter: :func:`cxlib.ingest.readers.text.sniff_delimiter` on the lines from the header
    down. Encoding: :func:`cxlib.ingest.readers.encoding.detect_encoding` (strict; cp1252 only when unambiguous).
    Text files above 32 MiB are profiled on their first 32 MiB.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "contacts.csv"
    >>> _ = p.write_bytes("Export of June\\nid;Département\\n1;Sérvice\\n".encode("cp1252"))
    >>> f = inspect_file(p)
    >>> f.format, f.encoding, f.delimiter, f.skip_rows, list(f.columns["column"])
    ('csv', 'cp1252', ';', 1, ['id', 'Département'])
    """
    path = Path(path)
    try:
        fmt = readers.detect_format(path)
        reader = readers.get(fmt)
    except DataError as e:
        return FileInspection(path=path, format=None, error=str(e))
    encoding = delimiter = None
    skip, sheet, notes = 0, 0, []
    read_path = path
    tmp_dir = None
    try:
        delimited = fmt == "csv" or reader.refines == "csv"
        if reader.text:
            encoding = detect_encoding(path)
        if delimited:
            skip, delimiter = _csv_layout(_decoded_head(path, encoding))
            if reader.refines == "csv":  # a survey tool's own header rows are not title rows
                skip, delimiter = 0, sniff_delimiter(_decoded_head(path, encoding))
        if reader.text:
            if path.stat().st_size > _SAMPLE_BYTES:
                tmp_dir = tempfile.mkdtemp(prefix="cx-init-")
                read_path = Path(tmp_dir) / path.name
                with path.open("rb") as src, read_path.open("wb") as dst:
                    head = src.read(_SAMPLE_BYTES)
                    dst.write(head[: head.rfind(b"\n") + 1])
                notes.append(f"Large file: inspected its first {_SAMPLE_BYTES // 2**20} MiB only.")
        elif fmt == "excel":
            sheet, skip, others = _excel_layout(path)
            if others:
                notes.append(f"Workbook has other sheets with data: {', '.join(others)} (not inspected).")
        raw = readers.read_table(read_path, format=fmt, encoding=encoding,
                                 delimiter=delimiter, sheet=sheet, skip_rows=skip)
    except DataError as e:
        return FileInspection(path=path, format=None, encoding=encoding, delimiter=delimiter, skip_rows=skip,
                              error=str(e).replace(str(read_path), str(path)))
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    questions = raw.questions
    notes = [*raw.notes, *notes]
    if skip:
        notes.insert(0, f"{skip} title row(s) above the header.")
    frame = raw.frame
    pivot = detect_long(frame)
    if pivot is not None:
        from cxlib.ingest.columns import pivot_long

        wide = pivot_long(raw, pivot)
        frame = wide.frame
        notes.append(wide.notes[-1])
    return FileInspection(path=path, format=fmt, encoding=encoding, delimiter=delimiter, sheet=sheet, pivot=pivot,
                          skip_rows=skip, n_rows=len(frame), columns=profile(frame, questions),
                          notes=tuple(n.replace(str(read_path), str(path)) for n in notes), sample=frame)


_LONG_QUESTION = {"question", "questiontext", "questionlabel", "questionname", "questionid", "item", "itemname",
                  "variable", "attribute", "metric", "field", "measure", "kpi", "dimension"}
_LONG_ANSWER = {"answer", "answertext", "response", "responsetext", "value", "score", "result", "rating", "reply"}
_LONG_ID = {"respondentid", "respondent", "responseid", "id", "respid", "participantid", "participant",
            "submissionid", "surveyid", "caseid", "recordid", "customerid", "userid", "uuid", "uniqueid"}


def detect_long(frame: pd.DataFrame) -> dict | None:
    """The ``{id, question, answer}`` columns of a long file (one row per respondent and question), or None.

    Long: a column named like a question (Question, Item, Variable…), one like an answer (Answer,
    Response, Value…), and an id column whose values repeat, each id with several questions.

    >>> detect_long(pd.DataFrame({"RespondentID": ["a", "a", "b", "b"], "Question": ["NPS", "Why", "NPS", "Why"],
    ...                           "Answer": ["9", "good", "3", "bad"]}))
    {'id': 'RespondentID', 'question': 'Question', 'answer': 'Answer'}
    """
    from cxlib.onboard.vocabulary import norm_name

    names = {norm_name(c): c for c in frame.columns}
    question = next((names[n] for n in names if n in _LONG_QUESTION), None)
    answer = next((names[n] for n in names if n in _LONG_ANSWER and names[n] != question), None)
    ident = next((names[n] for n in names if n in _LONG_ID and names[n] not in (question, answer)), None)
    if question is None or answer is None or ident is None or len(frame) < 2:
        return None
    ids = frame[ident].dropna()
    per_id = frame.groupby(ident)[question].nunique()
    if ids.nunique() == len(ids) or per_id.median() < 2:
        return None
    return {"id": str(ident), "question": str(question), "answer": str(answer)}


def inspect_folder(folder: str | os.PathLike) -> list[FileInspection]:
    """Inspect every data file directly in ``folder`` (sorted by name; hidden and tool files skipped).

    Examples
    --------
    >>> [f.path.name for f in inspect_folder("incoming/acme")]   # doctest: +SKIP
    ['contacts.csv', 'customers.xlsx', 'survey.csv']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder. Give `cx init <client> --from <folder>` the folder that "
                          "holds the client's exported files.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and p.suffix.lower() in readers.data_extensions() and p.name not in SKIP_NAMES)
    if not files:
        raise ConfigError(f"{folder} holds no data files (looked for "
                          f"{', '.join(sorted(readers.data_extensions()))}). Put the client's exports there.")
    return [inspect_file(p) for p in files]

