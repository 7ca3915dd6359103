"""Consistency across departments and the hand-offs between them.

Channels that feel like different companies have a twin: departments. Each department's contacts
are set against all the other departments' -- rating, asked again for known information, silent
waits (:func:`cxlib.analysis.journey.departments.department_consistency`: Welch or Newcombe, Holm
over every comparison) -- and each hand-off between two departments within a case against all
the other hand-offs (:func:`~cxlib.analysis.journey.departments.handoff_pair_outcomes`): does the
receiving department ask again for what the company already knew, is the case resolved. The
channel view is the section before this one (``consistency``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["DepartmentsResult", "HANDOFFS", "department_label", "compute", "show", "SECTION"]

HANDOFFS = Part("Hand-offs between departments", {"interactions": ("case_id",)},
                "A case id on the interaction log, so that contacts about one case can be followed across departments.")


def department_label(value) -> str:
    """``customer_care`` -> ``Customer care`` (department ids as people read them)."""
    return str(value).replace("_", " ").strip().capitalize() if pd.notna(value) else "–"


@dataclass(frozen=True, kw_only=True, eq=False)
class DepartmentsResult(SectionResult):
    """``departments``: each department against the others, per measure (with ``label``); ``handoffs``: each
    from → to pair against the other hand-offs (with ``from_label``/``to_label``)."""

    departments: pd.DataFrame | None = None
    handoffs: pd.DataFrame | None = None


def compute(data) -> DepartmentsResult:
    """Departments against each other, and the hand-offs between them."""
    from cxlib.analysis.journey import departments
    from cxlib.present import journey_findings as said

    tried = Attempts()
    min_n = data.config.min_n
    table = tried(departments.department_consistency, data.interactions, data.responses, min_n=min_n,
                  what="Consistency across departments")
    if table is not None:
        table = table.assign(label=table["department"].map(department_label))
    pairs = None
    if has_data(data, HANDOFFS.needs):
        pairs = tried(departments.handoff_pair_outcomes, data.interactions, data.responses, min_n=min_n,
                      what="Hand-offs between departments")
        if pairs is not None:
            pairs = pairs.assign(from_label=pairs["from_department"].map(department_label),
                                 to_label=pairs["to_department"].map(department_label))
    findings = [f for f in (
        said.handoff_problem(pairs) if pairs is not None else None,
        said.department_worst(table, measure="asked again"),
        said.department_worst(table, measure="rating"),
        said.department_worst(table, measure="silent wait"),
    ) if f is not None]
    return DepartmentsResult(departments=table, handoffs=pairs, findings=tuple(findings), notes=tried.notes)


_MEASURES = {"rating": ("Rating of contacts (1-5)", "2", "2"), "asked again": ("Asked again", "frac0", "frac1"),
             "silent wait": ("Silent waits", "frac0", "frac1")}


def show(result: DepartmentsResult, audience: str) -> None:
    """The findings, one table per measure, and the hand-off table."""
    from IPython.display import display

    from cxlib.present import narrative, tables

    display(narrative.findings_html(result.findings))
    t = result.departments
    if t is not None:
        for measure, (caption, fmt, diff) in _MEASURES.items():
            rows = t[t["measure"] == measure]
            if not len(rows):
                continue
            display(tables.table(rows, columns={"label": "Department", "n": "n", "value": "This department",
                                                "value_other": "All others", "difference": "Difference",
                                                "p_adjusted": "p (Holm)"},
                                 formats={"value": fmt, "value_other": fmt, "difference": "signed2" if fmt == "2"
                                          else "frac1", "p_adjusted": "p"},
                                 ci={"difference": ("ci_low", "ci_high")}, caption=f"{caption} by department"))
    if result.handoffs is not None:
        display(tables.table(result.handoffs, columns={"from_label": "From", "to_label": "To", "n": "Hand-offs",
                                                       "asked_again": "Asked again", "asked_other": "After others",
                                                       "asked_difference": "Difference", "asked_p_adjusted": "p (Holm)",
                                                       "resolved": "Resolved", "rating": "Rating"},
                             formats={"asked_again": "frac0", "asked_other": "frac0", "asked_difference": "frac0",
                                      "asked_p_adjusted": "p", "resolved": "frac0", "rating": "2"},
                             ci={"asked_again": ("asked_ci_low", "asked_ci_high"),
                                 "asked_difference": ("asked_diff_ci_low", "asked_diff_ci_high")},
                             caption="Hand-offs between departments",
                             note="A hand-off: consecutive contacts about one case handled by different departments. "
                                  "Asked again: the receiving contact asked for information the company held.",
                             max_rows=8))


SECTION = Section(
    id="departments", title="Consistency across departments and hand-offs", audiences=("analyst",),
    needs={"interactions": ("department",)},
    unlock="The department that handled each contact in the interaction log (and a case id to follow hand-offs).",
    compute=compute, show=show, order=81, parts=(HANDOFFS,),
)
