"""The questions ``cx init`` asks a person about a proposal: one per flagged item, with sample values.

Each :class:`Flag` of a :class:`Proposal` becomes a :class:`Question`: what was proposed, the
other plausible answers, and a few values of the column it is about, so that the person can
decide without opening the file. :func:`read_answer` turns what was typed into the value
written in client.yaml.

Examples
--------
>>> from cxlib.onboard.proposal import Flag
>>> q = question_for(Flag("outcome", ("outcome",), "several outcomes: nps? confirm", "nps", ("nps", "csat")), None)
>>> q.proposed, q.options, read_answer(q, ""), read_answer(q, "2")
('nps', ('nps', 'csat'), 'nps', 'csat')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["Question", "questions", "question_for", "read_answer", "LEAVE_OUT"]

#: What a person types to leave a column unmapped.
LEAVE_OUT = ("none", "skip", "-")


@dataclass(frozen=True)
class Question:
    """One thing ``cx init`` asks: ``id`` (the flag's), the ``text``, the ``proposed`` answer, ``options``,
    ``samples`` (values of the column concerned, as shown in the file) and whether the answer may be
    "leave it out" (``optional``)."""

    id: str
    text: str
    proposed: Any
    options: tuple = ()
    samples: tuple[str, ...] = ()
    optional: bool = False


def _column_of(proposal, key: tuple) -> tuple[object | None, str | None]:
    """(inspection, raw column) a flag's key is about, when it is about one column."""
    if proposal is None or len(key) < 4 or key[0] != "tables":
        return None, None
    table = key[1]
    files = [f for f in proposal.files if proposal.assignments.get(f.path.name) == table]
    if not files:
        return None, None
    raw = key[3]
    if key[2] in ("scales", "missing_codes"):
        columns = proposal.config.get("tables", {}).get(table, {}).get("columns", {})
        raw = next((r for r, c in columns.items() if c == key[3]), key[3])
    return files[0], raw


def _samples(insp, raw) -> tuple[str, ...]:
    if insp is None or raw is None or raw not in insp.sample:
        return ()
    values = insp.sample[raw].dropna().astype("string").str.strip()
    counts = values[values != ""].value_counts()
    return tuple(f"{v[:50]} ({n})" for v, n in counts.head(8).items())


def question_for(flag, proposal) -> Question:
    """The question for one flag (``proposal`` gives the sample values; None: no samples)."""
    insp, raw = _column_of(proposal, flag.key)
    optional = len(flag.key) >= 4 and flag.key[2] == "columns"
    return Question(flag.id, flag.message, flag.proposed, tuple(flag.options), _samples(insp, raw), optional)


def questions(proposal) -> list[Question]:
    """One question per pending flag of ``proposal``, in the proposal's order."""
    return [question_for(f, proposal) for f in proposal.flags]


def read_answer(question: Question, text: str) -> Any:
    """The value for what a person typed: empty keeps the proposal, a number picks an option, "none" leaves a
    column out, anything else is read as YAML (``[a, b]`` is a list).

    >>> q = Question("tables.r.columns.Q7", "Q7 is nps?", "nps", optional=True)
    >>> read_answer(q, "none") is None, read_answer(q, "csat"), read_answer(q, "[a, b]")
    (True, 'csat', ['a', 'b'])
    """
    text = text.strip()
    if not text:
        return question.proposed
    if question.optional and text.lower() in LEAVE_OUT:
        return None
    if text.isdigit() and question.options and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1]
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(question.proposed, str) and not isinstance(value, str) and value is not None \
            and not isinstance(value, (list, dict)):
        return text  # "1-10", "2025" stay text where text was proposed
    return value
