"""The journey curve: touchpoint ratings by lifecycle stage, and whether the experience decays after the sale."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["JourneyCurveResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class JourneyCurveResult(SectionResult):
    """Mean rating by stage (``curve``), the post-sale ``decay`` tests, the ``sale_stage`` and the id -> label map."""

    curve: pd.DataFrame | None = None
    decay: pd.DataFrame | None = None
    sale_stage: str = ""
    labels: dict = field(default_factory=dict)


def _decay_finding(decay: pd.DataFrame | None, *, sale_stage: str, labels: dict) -> Finding:
    from cxlib.present import narrative

    numbers: tuple[Cited, ...] = ()
    if decay is not None:
        rows = decay[~decay["suppressed"].fillna(False).astype(bool)] if "suppressed" in decay else decay
        if len(rows):
            r = rows.iloc[0]
            numbers = (Cited("Rating after the sale against the sale stage", float(r["estimate"]),
                             unit="points on 1-5", n=int(r["n"]), n_unit="rated interactions",
                             ci=(float(r["ci_low"]), float(r["ci_high"]))),)
    return Finding("decay", narrative.decay_sentence(decay, sale_stage=sale_stage, labels=labels), numbers=numbers,
                   evidence=decay,
                   condition="'worse' or 'improves' only when the 95 % interval excludes zero "
                             "(customer-clustered standard errors)")


def compute(data) -> JourneyCurveResult:
    """Stage curve and post-sale decay tests of the period's rated interactions."""
    from cxlib.analysis.journey import lifecycle

    cfg = data.config
    tried = Attempts()
    curve = tried(lifecycle.stage_curve, data.interactions, data.responses, stages=cfg.stages, min_n=cfg.min_n,
                  what="Journey curve")
    decay = tried(lifecycle.decay_test, data.interactions, data.responses, stages=cfg.stages,
                  sale_stage=cfg.sale_stage, min_n=cfg.min_n, what="Post-sale decay test")
    decay_table = decay.table if decay is not None else None
    labels = dict(data.labels)
    return JourneyCurveResult(curve=curve, decay=decay_table, sale_stage=cfg.sale_stage, labels=labels,
                              findings=(_decay_finding(decay_table, sale_stage=cfg.sale_stage, labels=labels),),
                              notes=tried.notes)


def show(result: JourneyCurveResult, audience: str) -> None:
    """The decay finding and the stage chart; for analysts the curve and the tests."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings))
    if result.curve is not None:
        charts.show(charts.stage_chart(
            tables.with_labels(result.curve, result.labels, column="stage"), x="stage_label",
            highlight=result.labels[result.sale_stage], title="Mean touchpoint rating by lifecycle stage (95 % interval)"))
    if detailed(audience):
        display(tables.table(result.curve, columns={"stage": "Stage", "n": "Ratings", "n_customers": "Customers",
                                                    "mean": "Mean (1-5)", "sd": "SD"},
                             formats={"mean": "2", "sd": "2"}, ci={"mean": ("ci_low", "ci_high")},
                             caption="Touchpoint ratings by lifecycle stage"))
        display(tables.table(result.decay, columns={"test": "Test", "estimate": "Estimate", "se": "SE", "p_value": "p",
                                                    "n": "Ratings", "n_customers": "Customers"},
                             formats={"estimate": "3", "se": "3", "p_value": "p"}, ci={"estimate": ("ci_low", "ci_high")},
                             caption="Post-sale decay tests (customer-clustered standard errors)"))


SECTION = Section(
    id="journey_curve", title="The journey curve", audiences=("executive", "analyst"),
    needs={"interactions": ("stage",)},
    unlock="Lifecycle stage per interaction in an interaction log (one row per contact: interaction_id, customer_id, "
           "occurred_at, stage, channel, touchpoint), and the customer id in the survey export.",
    compute=compute, show=show, order=20,
)
