"""Does the journey view predict better than single touchpoints? Held-out AUC of the journey index against each
single-touchpoint measure, with DeLong's test against the best single touchpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["JourneyVsTouchpointsResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class JourneyVsTouchpointsResult(SectionResult):
    """``index``: the journey index per customer and its ``index_summary``; ``measures``: one row per measure (AUC on
    held-out customers); ``difference``: the journey index against the others."""

    index: pd.DataFrame | None = None
    index_summary: pd.DataFrame | None = None
    measures: pd.DataFrame | None = None
    difference: pd.DataFrame | None = None


def compute(data) -> JourneyVsTouchpointsResult:
    """The journey index, compared with single-touchpoint measures on held-out customers (seeded split)."""
    from cxlib.analysis import journey
    from cxlib.analysis.journey import value as journey_value

    tried = Attempts()
    index = tried(journey.journey_index, data.interactions, data.responses, what="Journey index")
    if index is None:
        return JourneyVsTouchpointsResult(notes=tried.notes)
    summary = tried(journey.summarise_index, index, min_n=data.config.min_n, what="Journey index")
    measures = index.merge(journey_value.touchpoint_measures(data.interactions, data.responses), on="customer_id",
                           how="left")
    comparison = tried(journey_value.compare_predictive, measures, data.customers, outcome="churn", seed=data.seed,
                       what="Journey against single touchpoints")
    if comparison is None:
        return JourneyVsTouchpointsResult(index=index, index_summary=summary, notes=tried.notes)
    return JourneyVsTouchpointsResult(index=index, index_summary=summary, measures=comparison.table,
                                      difference=comparison.difference, notes=tried.notes)


def show(result: JourneyVsTouchpointsResult, audience: str) -> None:
    """The two comparison tables."""
    from IPython.display import display

    from cxlib.present import narrative, tables
    from cxlib.present.formatting import label

    display(narrative.note_html(
        "The journey index combines each customer's touchpoint ratings and operational signals (effort, resolution, "
        "first-contact resolution, asked again, silent waits, waiting time) into 0-100. It is not the headline of "
        "this report: a number out of 100 cannot be read against NPS. Its use is here, predicting churn."))
    display(tables.table(result.index_summary, columns={"n": "Customers", "mean": "Mean (0-100)", "sd": "SD"},
                         formats={"mean": "1", "sd": "1"}, ci={"mean": ("ci_low", "ci_high")},
                         caption="Journey index of the period", suppressed=None))
    measures = result.measures.assign(measure_label=result.measures["measure"].map(label),
                                      kind_label=result.measures["kind"].map(label)) \
        if result.measures is not None else None
    display(tables.table(measures, columns={"measure_label": "Measure", "kind_label": "Kind", "test_metric": "AUC",
                                            "coverage": "Coverage", "n_test": "Test customers"},
                         formats={"test_metric": "3", "coverage": "frac0"}, ci={"test_metric": ("ci_low", "ci_high")},
                         caption="Predicting churn on held-out customers", max_rows=12, suppressed=None))
    difference = result.difference.assign(comparison=result.difference["comparison"].astype("string").str.replace(
        r"[a-z]+(?:_[a-z0-9]+)+", lambda m: label(m.group(0)).lower(), regex=True)) \
        if result.difference is not None else None
    display(tables.table(difference, columns={"comparison": "Comparison", "difference": "AUC difference",
                                                     "p_value": "p", "test": "Test"},
                         formats={"difference": "3", "p_value": "p"}, ci={"difference": ("ci_low", "ci_high")},
                         caption="Journey index against single touchpoints", suppressed=None))


SECTION = Section(
    id="journey_vs_touchpoints", title="Does the journey view predict better than single touchpoints?",
    audiences=("analyst",), needs={"interactions": (), "customers": ("churned",)},
    unlock="An interaction log and a customer list saying who left.",
    compute=compute, show=show, order=85,
)
