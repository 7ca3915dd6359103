"""SurveyMonkey CSV exports: two header rows, the question above and the answer option below.

A SurveyMonkey export ("All responses data", expanded) writes each question once in the first
header row, over as many columns as it has answer options, and the options in the second row
("Response", "Open-Ended Response", or the option's text for multiple choice and matrix
questions). This reader merges the two rows into one name per column: the question alone where
the second row says ``Response``, else ``question - option``; the question texts are kept
(:attr:`RawTable.questions`).

Detected by ``Respondent ID`` and ``Collector ID`` in the first row, or by a second row of
``Response`` / ``Open-Ended Response`` cells under a first row with gaps.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "sm.csv"
>>> _ = p.write_text("Respondent ID,Collector ID,How likely are you to recommend us?,Which apps do you use?,\\n"
...                  ",,Response,iOS,Android\\n111,5,9,iOS,Android\\n112,5,3,,Android\\n", encoding="utf-8")
>>> t = READER.read(p, ReadOptions())
>>> t.frame.columns.tolist()
['Respondent ID', 'Collector ID', 'How likely are you to recommend us?', 'Which apps do you use? - iOS', 'Which apps do you use? - Android']
>>> t.row_numbers.tolist()
[3, 4]
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib.ingest.readers.base import RawTable, ReadOptions, no_exclusions
from cxlib.ingest.readers.registry import Reader
from cxlib.ingest.readers.text import head_records, read_delimited

__all__ = ["READER", "looks_surveymonkey", "merge_headers", "collapse_single_choice"]

_PLAIN = {"response", "open-ended response", "open ended response", "responses"}


def looks_surveymonkey(path: Path) -> bool:
    """A SurveyMonkey export: its id columns, or a second header row of "Response" under a gapped first row."""
    records = head_records(path, 2)
    if len(records) < 2 or not records[0] or not records[1]:
        return False
    first, second = [c.strip() for c in records[0]], [c.strip().lower() for c in records[1]]
    if {"Respondent ID", "Collector ID"} <= set(first) and (not second[0] or second[0] == "respondent id"):
        return True
    second = (second + [""] * len(first))[: len(first)]
    plain = sum(c in _PLAIN for c in second)
    gaps = [i for i, c in enumerate(first) if not c]
    filled = sum(bool(second[i]) for i in gaps)
    # options under the questions: the gaps of the first row are filled in the second, or "Response" throughout
    return not second[0] and plain >= 1 and (filled >= max(2, 0.5 * len(gaps)) if gaps else plain >= 3)


def merge_headers(first: list[str], second: list[str]) -> tuple[list[str], dict[str, str]]:
    """(one name per column, column -> question text) from the two header rows.

    >>> merge_headers(["Q", "", "Age"], ["Option a", "Option b", "Response"])[0]
    ['Q - Option a', 'Q - Option b', 'Age']
    """
    names: list[str] = []
    questions: dict[str, str] = {}
    current = ""
    for i, (top, sub) in enumerate(zip(first, list(second) + [""] * (len(first) - len(second)))):
        top, sub = str(top or "").strip(), str(sub or "").strip()
        if top:
            current = top
        question = top or current
        if not sub or sub.lower() in _PLAIN:
            name = question or f"column_{i + 1}"
        elif not question:
            name = sub
        else:
            name = f"{question} - {sub}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
        if question:
            questions[name] = question
    return names, questions


def _transform(questions: dict):
    def apply(frame: pd.DataFrame, rows: np.ndarray, notes: list):
        if len(frame) == 0:
            return frame, rows, no_exclusions()
        first = [str(c) for c in frame.columns]
        second = ["" if pd.isna(v) else str(v) for v in frame.iloc[0].tolist()]
        names, found = merge_headers([c if not c.startswith("column_") else "" for c in first], second)
        questions.update(found)
        notes[:] = [n for n in notes if not n.startswith("column(s) without a name kept")]  # they are named now
        out = frame.iloc[1:].reset_index(drop=True)
        out.columns = names
        notes.append("SurveyMonkey export: the answer-option row under the questions merged into the column names.")
        out, collapsed = collapse_single_choice(out, found)
        if collapsed:
            notes.append(f"{collapsed} single-choice question(s) spread over one column per option read as one "
                         "column each (the option chosen).")
        return out, rows[1:], no_exclusions()
    return apply


def collapse_single_choice(frame: pd.DataFrame, questions: dict[str, str]) -> tuple[pd.DataFrame, int]:
    """One column per single-choice question spread over one column per option (SurveyMonkey's "expanded" export).

    The columns ``Q - A lot``, ``Q - Some``, ``Q - Not at all`` of one question become one column ``Q``
    holding the option chosen, when no respondent has more than one of them filled and each filled
    cell holds its option's text. Several filled per row is a multiple choice: left as it is.

    >>> f = pd.DataFrame({"Q - Yes": ["Yes", None, None], "Q - No": [None, "No", None]}, dtype="string")
    >>> collapse_single_choice(f, {"Q - Yes": "Q", "Q - No": "Q"})[0]["Q"].tolist()
    ['Yes', 'No', <NA>]
    """
    groups: dict[str, list[str]] = {}
    for name in frame.columns:
        q = questions.get(name)
        if q and name.startswith(f"{q} - "):
            groups.setdefault(q, []).append(name)
    out = frame
    done = 0
    for q, cols in groups.items():
        if len(cols) < 2 or q in out.columns:
            continue
        block = out[cols].astype("string")
        filled = block.notna() & (block.apply(lambda c: c.str.strip()) != "")
        if (filled.sum(axis=1) > 1).any():
            continue
        options = [c[len(q) + 3:].strip().lower() for c in cols]
        matches = all((block[c][filled[c]].str.strip().str.lower() == opt).all() for c, opt in zip(cols, options))
        if not matches:
            continue
        chosen = block.where(filled).bfill(axis=1).iloc[:, 0]
        at = list(out.columns).index(cols[0])
        out = out.drop(columns=cols)
        out.insert(at, q, chosen.astype("string"))
        questions[q] = q
        done += 1
    return out, done


def _read(path: Path, options: ReadOptions) -> RawTable:
    questions: dict[str, str] = {}
    raw = read_delimited(path, options, transform=_transform(questions))
    return replace(raw, questions=questions)


READER = Reader(
    name="surveymonkey",
    read=_read,
    refines="csv",
    sniff=looks_surveymonkey,
    priority=5,
    text=True,
    description="SurveyMonkey CSV export (question row and answer-option row merged into one header)",
)
