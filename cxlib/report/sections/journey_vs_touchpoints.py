"""Does the journey view predict better than single touchpoints? Held-out AUC of the journey index against each
single-touchpoint measure, with DeLong's test against the best single touchpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["JourneyVsTouchpointsResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class JourneyVsTouchpointsResult(SectionResult):
    """``measures``: one row per measure (AUC on held-out customers); ``difference``: the journey index against the others."""

    measures: pd.DataFrame | None = None
    difference: pd.DataFrame | None = None


def compute(data, *, headline=None) -> JourneyVsTouchpointsResult:
    """Compare the journey index (from ``headline``) with single-touchpoint measures on held-out customers (seeded split)."""
    from cxlib.analysis.journey import value as journey_value

    index = headline.index if headline is not None else None
    if index is None:
        return JourneyVsTouchpointsResult()
    tried = Attempts()
    measures = index.merge(journey_value.touchpoint_measures(data.interactions, data.responses), on="customer_id",
                           how="left")
    comparison = tried(journey_value.compare_predictive, measures, data.customers, outcome="churn", seed=data.seed,
                       what="Journey against single touchpoints")
    if comparison is None:
        return JourneyVsTouchpointsResult(notes=tried.notes)
    return JourneyVsTouchpointsResult(measures=comparison.table, difference=comparison.difference, notes=tried.notes)


def show(result: JourneyVsTouchpointsResult, audience: str) -> None:
    """The two comparison tables."""
    from IPython.display import display

    from cxlib.present import tables

    display(tables.table(result.measures, columns={"measure": "Measure", "kind": "Kind", "test_metric": "AUC",
                                                   "coverage": "Coverage", "n_test": "Test customers"},
                         formats={"test_metric": "3", "coverage": "frac0"}, ci={"test_metric": ("ci_low", "ci_high")},
                         caption="Predicting churn on held-out customers", max_rows=12, suppressed=None))
    display(tables.table(result.difference, columns={"comparison": "Comparison", "difference": "AUC difference",
                                                     "p_value": "p", "test": "Test"},
                         formats={"difference": "3", "p_value": "p"}, ci={"difference": ("ci_low", "ci_high")},
                         caption="Journey index against single touchpoints", suppressed=None))


SECTION = Section(
    id="journey_vs_touchpoints", title="Does the journey view predict better than single touchpoints?",
    audiences=("analyst",), needs={"interactions": (), "customers": ("churned",)},
    unlock="An interaction log and a CRM extract with a churn flag per customer.",
    compute=compute, show=show, order=100, uses=("headline",),
)
