"""The delivery gap: what the company believes it delivers, touchpoint by touchpoint, against its customers' 5/5 share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

if TYPE_CHECKING:
    from cxlib.analysis.gap import GapHeadline

__all__ = ["DeliveryGapResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class DeliveryGapResult(SectionResult):
    """The gap per touchpoint (``table``, with ``touchpoint_label``) and the ``headline`` pair."""

    table: pd.DataFrame | None = None
    headline: "GapHeadline | None" = None


def compute(data) -> DeliveryGapResult:
    """The gap at every self-assessed touchpoint and the headline pair (the touchpoints the company rates best)."""
    from cxlib.analysis import gap
    from cxlib.present.claims.gap import gap_headline
    from cxlib.present.tables import with_labels

    cfg = data.config
    tried = Attempts()
    result = tried(gap.delivery_gap, data.responses, data.self_assessment, min_n=cfg.min_n, what="Delivery gap")
    table = with_labels(result, data.labels, column="touchpoint") if result is not None else None
    pair = tried(gap.gap_headline, data.responses, data.self_assessment, min_n=cfg.min_n, company=cfg.display_name,
                 what="Delivery gap")
    finding = gap_headline(pair, company=cfg.display_name, labels=dict(data.labels))
    return DeliveryGapResult(table=table, headline=pair, findings=(finding,), notes=tried.notes)


def show(result: DeliveryGapResult, audience: str) -> None:
    """The headline finding and the gap chart; for analysts the table with its tests."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings, audience=audience))
    if result.table is not None:
        shown = result.table[~result.table["suppressed"].astype("boolean").fillna(False).to_numpy(bool)]
        charts.show(charts.gap_chart(shown.sort_values("gap", ascending=False), y="touchpoint_label",
                                     title="Share of 5/5 ratings: what the company expects and what customers give "
                                           "(95 % interval)"))
    if detailed(audience):
        verdicts = {"company over-rates": "company expects more", "company under-rates": "company expects less",
                    "in line": "in line"}
        table = result.table.assign(verdict_label=result.table["verdict"].map(verdicts).fillna(result.table["verdict"])) \
            if result.table is not None else None
        display(tables.table(
            table, columns={"touchpoint_label": "Touchpoint", "self_rating": "Self-rating",
                            "company_pct": "Company expects 5/5", "n": "n", "customer_pct": "Customers give 5/5",
                            "gap": "Gap (points)", "p_adjusted": "p (Holm)", "verdict_label": "Verdict"},
            formats={"self_rating": "0", "company_pct": "pct0", "customer_pct": "pct1", "gap": "1", "p_adjusted": "p"},
            ci={"customer_pct": ("ci_low", "ci_high"), "gap": ("gap_ci_low", "gap_ci_high")},
            caption="Delivery gap by touchpoint (relationship survey)",
            note="Customers' share: Wilson interval; test against the company's expectation, Holm-adjusted."))


SECTION = Section(
    id="delivery_gap", title="The delivery gap", audiences=("executive", "analyst"),
    needs={"self_assessment": ("self_rating",), "responses": ("rating_*",)},
    unlock="The company's own rating of each touchpoint (a self-assessment) and touchpoint ratings in the survey.",
    compute=compute, show=show, order=30,
)
