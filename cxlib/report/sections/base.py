"""What a report section is: its declaration, its result, and the data it needs.

A section module defines ``compute(data, **uses) -> result`` (pure: no display, no global
state, seeded through ``data.seed``) and ``show(result, audience)`` (displays the result with
:mod:`cxlib.present`), and declares them in a module-level ``SECTION = Section(...)``. The
registry (:mod:`cxlib.report.sections.registry`) finds every such module, orders them, checks
each section's data before computing it, and writes every "not available" note.

Imports of the analysis and presentation stacks stay inside ``compute`` and ``show``: reading
the registry (``cx init``, the coverage table) must not load statsmodels or matplotlib.

Examples
--------
>>> needs_text({"responses": ("nps", "rating_*"), "self_assessment": ()})
'responses (nps, rating_*) + self_assessment'
>>> import pandas as pd
>>> lacking({"responses": pd.DataFrame({"nps": [9, None]}), "interactions": None},
...         {"responses": ("nps",), "interactions": ("stage",)})
{'interactions': ('stage',)}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pandas as pd

from cxlib.present.findings import Finding
from cxlib.report.audiences import AUDIENCES
from cxlib.schema import RATING_PREFIX

__all__ = [
    "SECTION_MIME",
    "SECTION_TAG",
    "TABLE_NAMES",
    "Needs",
    "Part",
    "Note",
    "Section",
    "SectionResult",
    "Attempts",
    "needs_text",
    "has_column",
    "lacking",
    "has_data",
    "unavailable_text",
    "thin_data_text",
    "plain_needs",
    "outcome_answers",
]

#: MIME type of the invisible output a section cell leaves when the section is left out of the report:
#: the renderer then drops the prose tagged ``section:<id>`` with it (``{"section": id, "shown": false}``).
SECTION_MIME = "application/vnd.cxlib.section+json"
#: Notebook cell tag prefix tying prose to a section: ``section:delivery_gap``.
SECTION_TAG = "section:"

#: How the report names each table a client may not have sent (plain words: reports show them).
TABLE_NAMES: dict[str, str] = {
    "customers": "customer list",
    "interactions": "interaction log",
    "responses": "survey export",
    "self_assessment": "self-assessment of its touchpoints",
    "mentions": "social posts or reviews",
    "benchmark": "answers about competitors",
}
#: How the report names the columns a section needs (anything else: underscores read as spaces).
COLUMN_WORDS: dict[str, str] = {
    "nps": "likelihood to recommend (0-10)", "rating_*": "touchpoint ratings", "csat": "satisfaction (CSAT)",
    "ces": "effort (CES)", "comment": "comments", "interaction_id": "the contact each answer rates",
    "occurred_at": "contact dates", "touchpoint": "touchpoints", "stage": "lifecycle stages", "channel": "channels",
    "asked_known_info": "an asked-again flag", "case_id": "case numbers", "updates_sent": "updates sent",
    "churned": "who left", "annual_value": "annual value", "segment": "segments", "self_rating": "self-ratings",
    "text": "post texts", "csat|ces": "satisfaction or effort",
}

#: Table -> the columns a section (or part) needs in it, each with at least one value.
#: ``rating_*`` stands for any touchpoint-rating column; ``csat|ces`` for either column;
#: a key ``responses|mentions`` is met by either table (survey answers or posts and reviews).
Needs = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Part:
    """An optional piece of a section: shown when its data is there, explained (analysts) when not.

    Attributes
    ----------
    name : str
        How the report names it ("Journey index").
    needs : Needs
        The data it needs, beyond the section's own.
    unlock : str
        What the client would provide to get it, in plain words.
    """

    name: str
    needs: Needs
    unlock: str


@dataclass(frozen=True)
class Note:
    """A caveat a section shows before its content (escaped where shown).

    ``audiences`` limits who sees it: a note on a part only analysts are shown stays out of the
    executive report.
    """

    text: str
    audiences: tuple[str, ...] = AUDIENCES


@dataclass(frozen=True, kw_only=True, eq=False)
class SectionResult:
    """What every section's ``compute`` returns (sections subclass it with their numbers and tables).

    Frozen and picklable: computed once per run and shown for each audience. Each subclass adds
    its tables and values as fields.

    Attributes
    ----------
    findings : tuple of Finding
        The claims the section makes, with their evidence.
    notes : tuple of Note
        Analyses that had too little data to report, in the order they ran.
    """

    findings: tuple[Finding, ...] = ()
    notes: tuple[Note, ...] = ()

    def finding(self, kind: str) -> Finding | None:
        """The first finding of ``kind`` (None when the section made no such claim)."""
        return next((f for f in self.findings if f.kind == kind), None)


@dataclass(frozen=True)
class Section:
    """A report section: what it is called, who reads it, what it needs, how it is computed and shown.

    Attributes
    ----------
    id : str
        Stable key (``show("delivery_gap")``; the notebook tags its prose ``section:<id>``).
    title : str
        The heading as the report shows it.
    audiences : tuple of str
        Who gets it (:mod:`cxlib.report.audiences`).
    needs : Needs
        The data without which it cannot say anything.
    unlock : str
        What to provide when ``needs`` is not met, in plain words.
    compute : callable
        ``compute(data, **uses) -> SectionResult``.
    show : callable
        ``show(result, audience) -> None``.
    order : int
        Position in the report (sections are listed by it).
    uses : tuple of str
        Sections whose results ``compute`` takes as keyword arguments (None when unavailable).
    parts : tuple of Part
        Optional pieces with needs of their own.
    """

    id: str
    title: str
    audiences: tuple[str, ...]
    needs: Needs
    unlock: str
    compute: Callable[..., SectionResult] = field(repr=False)
    show: Callable[[Any, str], None] = field(repr=False)
    order: int = 0
    uses: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()

    def for_audience(self, audience: str) -> bool:
        return audience in self.audiences

    @property
    def all_needs(self) -> dict[str, tuple[str, ...]]:
        """Everything the section and its parts use, table by table (``csat|ces`` covers csat and ces)."""
        merged: dict[str, list[str]] = {}
        for spec in (self.needs, *(p.needs for p in self.parts)):
            for table, columns in spec.items():
                listed = merged.setdefault(table, [])
                named = {a for c in listed for a in c.split("|")}
                listed += [c for c in columns if c not in named]
        return {t: tuple(c) for t, c in merged.items()}


def needs_text(needs: Needs) -> str:
    """``{"responses": ("nps",)}`` -> ``'responses (nps)'``: how the coverage table lists needs (``a|b``: "a or b")."""
    return " + ".join(f"{t.replace('|', ' or ')} ({', '.join(x.replace('|', ' or ') for x in c)})" if c
                      else t.replace("|", " or ") for t, c in needs.items())


def plain_needs(needs: Needs) -> str:
    """What a section needs, in a reader's words.

    >>> plain_needs({"responses": ("nps", "rating_*"), "self_assessment": ()})
    'survey export (likelihood to recommend (0-10), touchpoint ratings) + self-assessment of its touchpoints'
    """
    def words(c: str) -> str:
        return COLUMN_WORDS.get(c) or " or ".join(COLUMN_WORDS.get(x, x.replace("_", " ")) for x in c.split("|"))

    def table(t: str) -> str:
        return " or ".join(TABLE_NAMES.get(x, x.replace("_", " ")) for x in t.split("|"))

    return " + ".join(f"{table(t)} ({', '.join(words(c) for c in cols)})" if cols else table(t)
                      for t, cols in needs.items())


def outcome_answers(data: Any) -> tuple[str, pd.DataFrame | None]:
    """The outcome the report measures (``data.outcome``, default NPS) and the answers that carry it.

    The relationship survey when it answers the outcome, otherwise every survey answer that does;
    None when no answer carries it.
    """
    outcome = getattr(data, "outcome", None) or "nps"
    for frame in (getattr(data, "relationship", None), getattr(data, "responses", None)):
        if has_column(frame, outcome):
            return outcome, frame
    return outcome, None


def has_column(frame: pd.DataFrame | None, column: str) -> bool:
    """The table has the column with at least one value (``rating_*``: any rating column; ``a|b``: either).

    >>> has_column(pd.DataFrame({"ces": [None, 5]}), "csat|ces"), has_column(None, "nps")
    (True, False)
    """
    if frame is None:
        return False
    if "|" in column:
        return any(has_column(frame, c) for c in column.split("|"))
    if column == "rating_*":
        return any(frame[c].notna().any() for c in frame.columns if str(c).startswith(RATING_PREFIX))
    return column in frame.columns and bool(frame[column].notna().any())


def lacking(tables: Mapping[str, pd.DataFrame | None], needs: Needs) -> dict[str, tuple[str, ...]]:
    """The needs that ``tables`` do not meet: table -> missing columns (all needed columns when the table is absent)."""
    out: dict[str, tuple[str, ...]] = {}
    for table, columns in needs.items():
        if "|" in table:  # either table will do
            if all(lacking(tables, {t: columns}) for t in table.split("|")):
                out[table] = tuple(columns)
            continue
        frame = tables.get(table)
        if frame is None:
            out[table] = tuple(columns)
            continue
        missing = tuple(c for c in columns if not has_column(frame, c))
        if missing:
            out[table] = missing
    return out


def _tables(data: Any) -> Mapping[str, pd.DataFrame | None]:
    if isinstance(data, Mapping):
        return data
    return {name: getattr(data, name, None) for name in TABLE_NAMES}


def has_data(data: Any, needs: Needs) -> bool:
    """Whether the report data (or a table mapping) meets ``needs``; sections test their parts with it."""
    return not lacking(_tables(data), needs)


def unavailable_text(what: str, missing: Mapping[str, tuple[str, ...]], tables: Mapping[str, Any], unlock: str) -> str:
    """The one sentence an analyst reads in place of a section (or part) the data cannot support.

    >>> unavailable_text("The journey curve", {"interactions": ("stage",)}, {"interactions": None},
    ...                  "An interaction log with a lifecycle stage per contact.")
    "The journey curve: not available, because this client's data has no interaction log. To unlock it: an interaction log with a lifecycle stage per contact."
    """
    def name(t: str) -> str:
        return " or ".join(TABLE_NAMES.get(x, x) for x in t.split("|"))

    def gone(t: str) -> bool:
        return all(tables.get(x) is None for x in t.split("|"))

    absent = [name(t) for t in missing if gone(t)]
    empty = [f"{', '.join(COLUMN_WORDS.get(c, c.replace('|', ' or ').replace('_', ' ')) for c in cols)} "
             f"in the {name(t)}" for t, cols in missing.items() if not gone(t)]
    reasons = []
    if absent:
        reasons.append("has no " + " and no ".join(absent))
    if empty:
        reasons.append("has no values for " + "; ".join(empty))
    how = unlock[:1].lower() + unlock[1:] if unlock else ""
    return (f"{what}: not available, because this client's data " + " and ".join(reasons) + "."
            + (f" To unlock it: {how}" if how else ""))


def thin_data_text(what: str, error: Exception | None = None) -> str:
    """The note shown (to analysts) in place of an analysis that had too little data.

    The analysis' own message is for the log, not the report: it may name columns, parameters or
    files (``error`` is accepted and not shown).

    >>> thin_data_text("Key drivers", ValueError("pass drivers=..."))
    'Key drivers: not enough data in this period to report it.'
    """
    return f"{what}: not enough data in this period to report it."


class Attempts:
    """Run a section's analyses; an analysis with too little data becomes a note, not a failure.

    Only :class:`cxlib.errors.DataError` (too few responses, no churners, a single group …) is
    caught; any other exception is a defect and fails the report as it should. Local to one
    ``compute`` call.

    Examples
    --------
    >>> from cxlib.errors import DataError
    >>> def thin(): raise DataError("only 3 responses")
    >>> tried = Attempts()
    >>> tried(thin, what="Key drivers") is None, tried.notes[0].text, tried.notes[0].audiences
    (True, 'Key drivers: not enough data in this period to report it.', ('analyst',))
    """

    def __init__(self) -> None:
        self._notes: list[Note] = []

    def __call__(self, func: Callable[..., Any], *args: Any, what: str,
                 audiences: tuple[str, ...] = ("analyst",), **kwargs: Any) -> Any:
        from cxlib.errors import DataError

        try:
            return func(*args, **kwargs)
        except DataError as exc:
            import logging

            logging.getLogger("cxlib.report").info("%s: %s", what, exc)
            self._notes.append(Note(thin_data_text(what, exc), audiences))
            return None

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(self._notes)
