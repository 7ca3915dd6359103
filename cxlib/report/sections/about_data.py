"""What the report rests on: the data reconciliation, the quarantine, what the data supports, and the basis note.

Two sections: ``about_data`` (analysts: every input row accounted for, and which sections the
client's data supports) and ``basis`` (everyone: the one-line note of what the numbers are based on).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Section, SectionResult
from cxlib.report.sections.registry import coverage

__all__ = ["AboutDataResult", "BasisResult", "compute", "show", "compute_basis", "show_basis", "SECTIONS"]


@dataclass(frozen=True, kw_only=True, eq=False)
class AboutDataResult(SectionResult):
    """``reconciliation`` (rows read, used, quarantined per file), the ``quarantine`` summary by reason, and
    ``coverage`` (:func:`cxlib.report.sections.registry.coverage`)."""

    reconciliation: pd.DataFrame
    quarantine: pd.DataFrame
    coverage: pd.DataFrame


def compute(data) -> AboutDataResult:
    """The workspace's reconciliation and quarantine, and what its data supports."""
    from cxlib.present.tables import quarantine_summary
    from cxlib.schema import TABLE_ORDER

    ws = data.ws
    return AboutDataResult(reconciliation=ws.reconciliation, quarantine=quarantine_summary(ws.quarantine),
                           coverage=coverage(ws.config, tables={name: ws.table(name) for name in TABLE_ORDER}))


def show(result: AboutDataResult, audience: str) -> None:
    """The reconciliation, the quarantine and the coverage tables."""
    from IPython.display import display

    from cxlib.present import tables

    display(tables.table(result.reconciliation, columns={"table": "Table", "file": "File", "rows_read": "Read",
                                                         "rows_used": "Used", "rows_quarantined": "Quarantined",
                                                         "rows_flagged": "Flagged", "status": "Status"},
                         formats={"rows_read": "int", "rows_used": "int", "rows_quarantined": "int",
                                  "rows_flagged": "int"},
                         caption="Reconciliation", suppressed=None))
    display(tables.table(result.quarantine, columns={"table": "Table", "reason_code": "Reason", "column": "Column",
                                                     "rows": "Rows", "first_row": "First row", "example": "Example"},
                         formats={"rows": "int", "first_row": "int"}, caption="Quarantined rows by reason",
                         suppressed=None, max_rows=25))
    display(tables.table(result.coverage, columns={"section": "Section", "needs": "Needs", "status": "Status",
                                                   "what_to_provide": "To unlock it"},
                         caption="What the data supports", suppressed=None))


@dataclass(frozen=True, kw_only=True, eq=False)
class BasisResult(SectionResult):
    """``text``: what the report's numbers are based on (responses, customers, interactions, period, minimums)."""

    text: str


def compute_basis(data) -> BasisResult:
    """Count what the report rests on."""
    cfg = data.config
    survey = (f"{len(data.relationship):,} relationship-survey and {len(data.transactional):,} transactional-survey "
              "responses") if data.relationship is not None else ""
    posts = f"{len(data.mentions):,} posts, reviews or complaints" if data.mentions is not None else ""
    text = ("Based on " + " and ".join(x for x in (survey, posts) if x)
            + (f" from {len(data.customers):,} customers" if data.customers is not None else "")
            + (f" and {len(data.interactions):,} recorded interactions" if data.interactions is not None else "")
            + (f", {data.period}." if data.period else ".")
            + f" Scores of groups smaller than {cfg.min_n} respondents are not shown; quotes only from themes with at "
              f"least {cfg.min_n_quotes} comments.")
    return BasisResult(text=text)


def show_basis(result: BasisResult, audience: str) -> None:
    """The basis note."""
    from IPython.display import display

    from cxlib.present import narrative

    display(narrative.note_html(result.text))


SECTIONS = (
    Section(id="about_data", title="About the data", audiences=("analyst",), needs={}, unlock="",
            compute=compute, show=show, order=300),
    Section(id="basis", title="What the numbers are based on", audiences=("executive", "analyst"), needs={},
            unlock="", compute=compute_basis, show=show_basis, order=310),
)
