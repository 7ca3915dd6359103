"""The journey curve: touchpoint ratings by lifecycle stage, and whether the experience decays after the sale."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxlib.present.findings import Finding
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
    from cxlib.present.claims.journey import decay as decay_claim

    row = None
    if decay is not None:
        rows = decay[~decay["suppressed"].fillna(False).astype(bool)] if "suppressed" in decay else decay
        row = rows.iloc[0].to_dict() if len(rows) else None
    return decay_claim(row, stage=labels.get(sale_stage, sale_stage.replace("_", " ").capitalize()))


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

    display(narrative.findings_html(result.findings, audience=audience))
    curve = tables.with_labels(result.curve, result.labels, column="stage") if result.curve is not None else None
    if curve is not None:
        charts.show(charts.stage_chart(
            curve, x="stage_label", highlight=result.labels.get(result.sale_stage, result.sale_stage),
            title="Mean touchpoint rating by lifecycle stage (95 % interval)"))
    if detailed(audience):
        display(tables.table(curve, columns={"stage_label": "Stage", "n": "Ratings", "n_customers": "Customers",
                                                    "mean": "Mean (1-5)", "sd": "SD"},
                             formats={"mean": "2", "sd": "2"}, ci={"mean": ("ci_low", "ci_high")},
                             caption="Touchpoint ratings by lifecycle stage"))
        decay = result.decay.assign(test_label=result.decay["test"].map(
            {"later stages − sale stage": "Later stages against the sale stage",
             "trend per stage after sale": "Change per stage after the sale"}).fillna(result.decay["test"])) \
            if result.decay is not None else None
        display(tables.table(decay, columns={"test_label": "Test", "estimate": "Estimate", "se": "SE", "p_value": "p",
                                                    "n": "Ratings", "n_customers": "Customers"},
                             formats={"estimate": "3", "se": "3", "p_value": "p"}, ci={"estimate": ("ci_low", "ci_high")},
                             caption="Post-sale decay tests (customer-clustered standard errors)"))


SECTION = Section(
    id="journey_curve", title="The journey curve", audiences=("executive", "analyst"),
    needs={"interactions": ("stage",)},
    unlock="An interaction log with the lifecycle stage of each contact, and the customer behind each survey answer.",
    compute=compute, show=show, order=20,
)
