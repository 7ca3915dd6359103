"""Qualtrics CSV exports: three header rows (ids, question text, ImportId JSON), survey statuses.

Detected by the ImportId row, by a question-text row under Qualtrics' own column ids, or by
four or more of those ids (a re-saved one-header copy). The question texts are kept
(:attr:`RawTable.questions`); previews, tests, spam and synthetic responses are excluded at
read time with their status, never silently.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
>>> _ = p.write_text('ResponseId,Status,Q1\\nResponse ID,Response Type,How likely...?\\n'
...                  '"{""ImportId"":""_recordId""}","{""ImportId"":""status""}","{""ImportId"":""QID1""}"\\n'
...                  'R_1,0,9\\nR_2,1,3\\n', encoding="utf-8")
>>> t = READER.read(p, ReadOptions())
>>> t.frame["ResponseId"].tolist(), t.excluded["reason"].tolist(), t.questions["Q1"]
(['R_1'], ["Qualtrics Status '1' (Survey Preview)"], 'How likely...?')
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.ingest.readers.base import RawTable, ReadOptions, exclusions, no_exclusions
from cxlib.ingest.readers.registry import Reader
from cxlib.ingest.readers.text import head_records, read_delimited

__all__ = ["READER", "QUALTRICS_STATUS", "QUALTRICS_EXCLUDED_STATUS", "QUALTRICS_IDS", "is_import_row",
           "looks_qualtrics"]

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
#: Column ids Qualtrics writes in every export.
QUALTRICS_IDS = frozenset({
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "ResponseID", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
    "DistributionChannel", "UserLanguage",
})
_TEXT_ROW = {"StartDate": "start date", "EndDate": "end date", "Status": "response type",
             "RecordedDate": "recorded date", "ResponseId": "response id", "Finished": "finished"}
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')


def is_import_row(cells) -> bool:
    """True when most non-empty cells are Qualtrics ``{"ImportId": ...}`` JSON.

    >>> is_import_row(['{"ImportId":"QID1"}', '{"ImportId":"QID2"}', ''])
    True
    """
    vals = [str(c) for c in cells if c is not None and c is not pd.NA
            and not (isinstance(c, float) and np.isnan(c)) and str(c) != ""]
    hits = sum(bool(_IMPORT_ID.match(v)) for v in vals)
    return hits > 0 and hits * 2 >= len(vals)


def _is_text_row(header: list[str], row: list) -> bool:
    cells = dict(zip(header, row))
    hits = [str(cells[c]).strip().lower() == label for c, label in _TEXT_ROW.items()
            if c in cells and cells[c] not in (None, "") and cells[c] is not pd.NA]
    return bool(hits) and all(hits)


_LEGACY_ID = re.compile(r"^V\d+$")


def _is_legacy(header: list, row: list) -> bool:
    """The legacy Qualtrics export: ``V1, V2 …`` over ``ResponseID, ResponseSet …``."""
    ids = sum(bool(_LEGACY_ID.match(str(h).strip())) for h in header)
    names = {str(c).strip() for c in row}
    return ids >= 3 and "ResponseID" in names and bool(names & {"ResponseSet", "StartDate", "Status"})


def looks_qualtrics(path: Path) -> bool:
    """A Qualtrics export: ImportId third row, a question-text row, four Qualtrics column ids, or the legacy
    ``V1, V2 …`` layout."""
    records = head_records(path, 3)
    if not records:
        return False
    if len(records) >= 2 and _is_legacy(records[0], records[1]):
        return True
    if len(records) >= 3 and is_import_row(records[2]):
        return True
    if len(records) >= 2 and _is_text_row(records[0], records[1]):
        return True
    return len(QUALTRICS_IDS.intersection(records[0])) >= 4


def _rows(frame: pd.DataFrame, i: int) -> list:
    return [None if pd.isna(v) else v for v in frame.iloc[i].tolist()]


def _transform(questions: dict):
    def apply(frame: pd.DataFrame, rows: np.ndarray, notes: list):
        header = [str(c) for c in frame.columns]
        if len(frame) and _is_legacy(header, _rows(frame, 0)):
            labels = ["" if v is None else str(v).strip() for v in _rows(frame, 0)]
            names = [lab if _LEGACY_ID.match(h) and lab else h for h, lab in zip(header, labels)]
            questions.update({n: lab for n, h, lab in zip(names, header, labels) if lab and lab != n})
            frame, rows = frame.iloc[1:].set_axis(names, axis=1), rows[1:]
            notes.append("Qualtrics legacy export (V1, V2 … over the field names): the field-name row used as "
                         "the header, question texts kept.")
        elif len(frame) >= 2 and is_import_row(_rows(frame, 1)):
            tz = re.search(r'"timeZone"\s*:\s*"([^"]+)"', " ".join(str(v) for v in _rows(frame, 1) if v))
            questions.update(_questions(header, _rows(frame, 0)))
            frame, rows = frame.iloc[2:], rows[2:]
            notes.append("Qualtrics export: question-text and ImportId header rows dropped.")
            if tz:
                notes.append(f"Qualtrics dates are in time zone {tz.group(1)!r} (ImportId row).")
        elif len(frame) and _is_text_row(header, _rows(frame, 0)):
            questions.update(_questions(header, _rows(frame, 0)))
            frame, rows = frame.iloc[1:], rows[1:]
            notes.append("Qualtrics export re-saved with two header rows (no ImportId row): question-text row dropped.")
        else:
            notes.append("Qualtrics export re-saved with one header row (no question-text or ImportId rows); "
                         "the time zone of its dates is unknown.")
        frame = frame.reset_index(drop=True)
        if "Status" not in frame.columns:
            return frame, rows, no_exclusions()
        status = frame["Status"].astype("string").str.strip()
        label = status.map(lambda s: QUALTRICS_STATUS.get(int(s), s) if isinstance(s, str) and s.isdigit() else s)
        drop = label.isin(QUALTRICS_EXCLUDED_STATUS).fillna(False).to_numpy(dtype=bool)
        if not drop.any():
            return frame, rows, no_exclusions()
        reasons = [f"Qualtrics Status {s!r}" + (f" ({lab})" if s != lab else "")
                   for s, lab in zip(status[drop], label[drop])]
        counts = pd.Series(label[drop]).value_counts()
        notes.append("Excluded Qualtrics responses that are not real respondents: "
                     + ", ".join(f"{n} {lab}" for lab, n in counts.items()) + ".")
        return frame.loc[~drop].reset_index(drop=True), rows[~drop], exclusions(rows[drop].tolist(), reasons)
    return apply


def _questions(header: list[str], texts: list) -> dict[str, str]:
    return {h: str(q).strip() for h, q in zip(header, texts) if q is not None and str(q).strip()
            and str(q).strip() != h}


def _read(path: Path, options: ReadOptions) -> RawTable:
    from dataclasses import replace

    questions: dict[str, str] = {}
    raw = read_delimited(path, options, transform=_transform(questions))
    return replace(raw, questions=questions)


READER = Reader(
    name="qualtrics",
    read=_read,
    refines="csv",
    sniff=looks_qualtrics,
    priority=10,
    text=True,
    description="Qualtrics CSV export (ImportId and question-text header rows; previews, tests and spam excluded)",
)
