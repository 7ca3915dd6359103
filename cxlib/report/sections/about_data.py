"""What the report rests on: the data reconciliation, the quarantine, what the data supports, and the basis note.

Two sections: ``about_data`` (analysts: every input row accounted for, and, listed once, the
sections and parts this client's data supports and what would unlock the rest) and ``basis``
(everyone: what the numbers are based on, with the counts reconciled: the period's rows against
the rows on file, and why they differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import TABLE_NAMES, Section, SectionResult, plain_needs
from cxlib.report.sections.registry import coverage

__all__ = ["AboutDataResult", "BasisResult", "REASONS", "compute", "show", "compute_basis", "show_basis", "SECTIONS"]

#: Quarantine and flag reasons in words (anything else: underscores read as spaces).
REASONS = {
    "bad_value": "a value out of range", "not_allowed": "a value that is not one of those allowed",
    "unknown_reference": "refers to a row the other files do not have", "speeder": "answered too fast (speeder)",
    "duplicate_respondent": "the same respondent twice", "straightliner": "the same answer to every question",
    "missing_value": "a required value is missing", "bad_date": "a date that cannot be read",
    "duplicate_key": "an id used twice", "unreadable": "a line that cannot be read",
}


@dataclass(frozen=True, kw_only=True, eq=False)
class AboutDataResult(SectionResult):
    """``reconciliation`` (rows read, used, quarantined per file), the ``quarantine`` summary by reason,
    ``coverage`` (:func:`cxlib.report.sections.registry.coverage`) and ``unavailable`` (one sentence per
    section or part the data cannot support, with what would unlock it)."""

    reconciliation: pd.DataFrame
    quarantine: pd.DataFrame
    coverage: pd.DataFrame
    unavailable: tuple[str, ...] = ()


def compute(data) -> AboutDataResult:
    """The workspace's reconciliation and quarantine, and what its data supports."""
    from cxlib.present.formatting import label
    from cxlib.present.tables import quarantine_summary
    from cxlib.report.sections.run import ReportRun
    from cxlib.schema import TABLE_ORDER

    ws = data.ws
    recon = ws.reconciliation.assign(table_label=ws.reconciliation["table"].map(TABLE_NAMES).fillna(
        ws.reconciliation["table"].map(label)).map(lambda t: t[:1].upper() + t[1:]))
    quarantine = quarantine_summary(ws.quarantine)
    quarantine = quarantine.assign(
        table_label=quarantine["table"].map(TABLE_NAMES).fillna(quarantine["table"].map(label)).map(
            lambda t: t[:1].upper() + t[1:] if isinstance(t, str) else t),
        reason_label=quarantine["reason_code"].map(REASONS).fillna(quarantine["reason_code"].map(label)),
        column_label=quarantine["column"].map(label))
    cov = coverage(ws.config, tables={name: ws.one_value_per_column(name) for name in TABLE_ORDER})
    needs = {s.title: plain_needs(s.all_needs) for s in _sections()}
    cov = cov.assign(needs_plain=cov["section"].map(needs))
    # what the data supports, from the registry alone: no cache (it would record itself in this section)
    unavailable = tuple(ReportRun(data, theme=False, cache="off").unavailable())
    return AboutDataResult(reconciliation=recon, quarantine=quarantine, coverage=cov, unavailable=unavailable)


def _sections():
    from cxlib.report.sections.registry import sections

    return sections()


def show(result: AboutDataResult, audience: str) -> None:
    """The reconciliation, the quarantine, what the data supports and what would unlock the rest."""
    from IPython.display import display

    from cxlib.present import narrative, tables

    display(tables.table(result.reconciliation, columns={"table_label": "Data", "file": "File", "rows_read": "Read",
                                                         "rows_used": "Used", "rows_quarantined": "Quarantined",
                                                         "rows_flagged": "Flagged"},
                         formats={"rows_read": "int", "rows_used": "int", "rows_quarantined": "int",
                                  "rows_flagged": "int"},
                         caption="Reconciliation: every row read is used or quarantined", suppressed=None,
                         note="Flagged rows are used but marked (for example a straight-liner kept by the client's "
                              "settings)."))
    display(tables.table(result.quarantine, columns={"table_label": "Data", "reason_label": "Reason",
                                                     "column_label": "Field", "rows": "Rows", "first_row": "First row"},
                         formats={"rows": "int", "first_row": "int"}, caption="Rows set aside, by reason",
                         suppressed=None, max_rows=25))
    display(tables.table(result.coverage, columns={"section": "Section", "needs_plain": "Needs", "status": "Status"},
                         caption="What the data supports", suppressed=None))
    if result.unavailable:
        display(narrative.paragraph_html("What would unlock the rest:"))
        display(narrative.findings_html(list(result.unavailable), audience=audience))


@dataclass(frozen=True, kw_only=True, eq=False)
class BasisResult(SectionResult):
    """``text``: what the report's numbers are based on, with the counts reconciled."""

    text: str


def _of(period_rows: int, on_file: int, what: str) -> str:
    from cxlib.present.formatting import count

    if on_file and on_file != period_rows:
        return f"{count(period_rows)} {what} (of {count(on_file)} on file; the others fall outside the period)"
    return f"{count(period_rows)} {what}"


def compute_basis(data) -> BasisResult:
    """Count what the report rests on, and reconcile the counts with the rows on file."""
    from cxlib.present.formatting import count

    cfg = data.config
    ws = data.ws
    on_file = {r["table"]: int(r["rows_used"]) for _, r in ws.reconciliation.iterrows()} \
        if getattr(ws, "reconciliation", None) is not None else {}
    parts = []
    if data.relationship is not None and len(data.relationship):
        parts.append(f"{count(len(data.relationship))} relationship-survey answers")
    if data.transactional is not None and len(data.transactional):
        parts.append(f"{count(len(data.transactional))} answers given right after a contact")
    if data.responses is not None and on_file.get("responses", len(data.responses)) != len(data.responses):
        parts[-1:] = [parts[-1] + f" (of {count(on_file['responses'])} answers on file; the others fall outside the "
                                  "period)"] if parts else []
    if data.interactions is not None:
        parts.append(_of(len(data.interactions), on_file.get("interactions", 0), "recorded contacts"))
    if data.mentions is not None:
        parts.append(_of(len(data.mentions), on_file.get("mentions", 0), "posts, reviews or complaints"))
    text = "Based on " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else
                          (parts[0] if parts else "no survey answers"))
    if data.customers is not None:
        active = data.interactions["customer_id"].nunique() if data.interactions is not None else len(data.customers)
        text += f", from {count(len(data.customers))} customers on file"
        if data.interactions is not None and active != len(data.customers):
            text += f" ({count(active)} of them had contacts in the period: the journey and churn figures count these)"
    text += f", {data.period}." if data.period else "."
    text += (f" Scores of groups smaller than {cfg.min_n} respondents are not shown; quotes only from themes with at "
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
