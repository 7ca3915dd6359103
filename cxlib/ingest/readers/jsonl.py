"""JSON lines (``.jsonl``, ``.ndjson``): one JSON object per line, as social-listening and review APIs export.

Nested objects become dotted columns (``{"user": {"followers": 5}}`` -> ``user.followers``);
lists are kept as JSON text. A line that is not a JSON object (a cut-off last line, a
stray log message) is set aside with its line number and the rest is kept; a file where
most lines are broken is refused. Columns keep the JSON types: text, whole numbers,
numbers, true/false.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "posts.jsonl"
>>> _ = p.write_text('{"id": 1, "text": "great", "user": {"followers": 5}}\\n'
...                  '{"id": 2, "text": "slow"\\n'
...                  '{"id": 3, "text": "ok", "user": {"followers": 7}}\\n', encoding="utf-8")
>>> t = READER.read(p, ReadOptions())
>>> t.frame.columns.tolist(), t.frame["id"].tolist(), t.row_numbers.tolist()
(['id', 'text', 'user.followers'], [1, 3], [1, 3])
>>> t.excluded["reason"].iloc[0][:32]
'line 2 is not valid JSON (Expect'
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.ingest.readers.base import RawTable, ReadOptions, exclusions
from cxlib.ingest.readers.encoding import check_encoding, detect_with_note
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER", "read_jsonl", "MAX_BAD_SHARE"]

#: More than this share of broken lines means the file is not JSON lines at all.
MAX_BAD_SHARE = 0.10


def _flatten(record: dict, prefix: str = "", out: dict | None = None) -> dict:
    out = {} if out is None else out
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten(value, name + ".", out)
        elif isinstance(value, (list, dict)):
            out[name] = json.dumps(value, ensure_ascii=False) if value else None
        else:
            out[name] = value
    return out


def _column(values: list) -> pd.Series:
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if kinds <= {str}:
        s = pd.Series(values, dtype="string")
        return s.mask(s.str.strip() == "")
    if kinds <= {bool}:
        return pd.Series(values, dtype="boolean")
    if kinds <= {int}:
        return pd.Series(values, dtype="Int64")
    if kinds <= {int, float}:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    # mixed kinds (a number in one line, text in another): text, as a CSV would give it
    return pd.Series([None if v is None else v if isinstance(v, str) else json.dumps(v) for v in values],
                     dtype="string")


def read_jsonl(path: Path, options: ReadOptions) -> RawTable:
    """Read a JSON-lines file; see the module docstring."""
    notes: list[str] = []
    encoding = options.encoding
    if encoding is None:
        encoding, note = detect_with_note(path)
        if note:
            notes.append(note)
    else:
        check_encoding(path, encoding)
    records: list[dict] = []
    lines: list[int] = []
    bad_rows: list[int] = []
    reasons: list[str] = []
    blank: list[int] = []
    with path.open("r", encoding=encoding, newline=None) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                blank.append(number)
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                bad_rows.append(number)
                reasons.append(f"line {number} is not valid JSON ({e.msg} at character {e.colno})")
                continue
            if not isinstance(value, dict):
                bad_rows.append(number)
                reasons.append(f"line {number} is a JSON {type(value).__name__}, not an object with named fields")
                continue
            records.append(_flatten(value))
            lines.append(number)
    last = max(lines + bad_rows, default=0)
    interior_blank = [b for b in blank if b < last]  # blank lines at the end are layout
    total = len(records) + len(bad_rows)
    if total == 0:
        raise DataError(f"{path.name} holds no JSON records. Expected one JSON object per line.")
    if not records or len(bad_rows) > MAX_BAD_SHARE * total and len(bad_rows) > 1:
        first = reasons[0] if reasons else "no line parses"
        raise DataError(f"{path.name}: {len(bad_rows)} of {total} lines are not JSON objects ({first}). "
                        "Expected JSON lines: one object per line. A JSON array file must be converted "
                        "(e.g. `jq -c '.[]' file.json > file.jsonl`).")
    names: list[str] = list(dict.fromkeys(k for r in records for k in r))
    frame = pd.DataFrame({n: _column([r.get(n) for r in records]) for n in names})
    excluded = exclusions(bad_rows + interior_blank, reasons + ["empty row"] * len(interior_blank))
    if len(bad_rows):
        notes.append(f"{len(bad_rows)} line(s) that are not JSON objects set aside (line "
                     f"{', '.join(map(str, bad_rows[:5]))}{' …' if len(bad_rows) > 5 else ''}); the rest is used.")
    notes.append(f"JSON lines, {len(records)} records, {len(names)} fields.")
    return RawTable(frame=frame, source=path, row_numbers=np.asarray(lines, dtype=np.int64),
                    excluded=excluded.sort_values("row", ignore_index=True), encoding=encoding, notes=tuple(notes))


READER = Reader(name="jsonl", read=read_jsonl, extensions=(".jsonl", ".ndjson"), text=True,
                description="JSON lines: one object per line (nested fields dotted; a broken line set aside)")
