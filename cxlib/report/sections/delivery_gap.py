"""The delivery gap: what the company believes it delivers, touchpoint by touchpoint, against its customers' 5/5 share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Section, SectionResult

if TYPE_CHECKING:
    from cxlib.analysis.gap import GapHeadline

__all__ = ["DeliveryGapResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class DeliveryGapResult(SectionResult):
    """The gap per touchpoint (``table``, with ``touchpoint_label``) and the ``headline`` pair (from the headline section)."""

    table: pd.DataFrame | None = None
    headline: "GapHeadline | None" = None


def _finding(headline) -> Finding:
    from cxlib.present import narrative

    numbers: tuple[Cited, ...] = ()
    if headline is not None:
        numbers = (Cited("Company expects 5/5", float(headline.company_pct), unit="% of customers"),
                   Cited("Customers give 5/5", float(headline.customer_pct), unit="% of ratings",
                         n=int(headline.n_ratings), n_unit="ratings",
                         ci=(float(headline.ci_low), float(headline.ci_high))))
    return Finding("gap", narrative.gap_sentence(headline), numbers=numbers,
                   condition="touchpoints rated by fewer customers than the client's minimum are left out")


def compute(data, *, headline=None) -> DeliveryGapResult:
    """The gap at every self-assessed touchpoint; ``headline`` is the headline section's result."""
    from cxlib.analysis import gap
    from cxlib.present.tables import with_labels

    tried = Attempts()
    result = tried(gap.delivery_gap, data.responses, data.self_assessment, min_n=data.config.min_n, what="Delivery gap")
    table = with_labels(result, data.labels, column="touchpoint") if result is not None else None
    pair = headline.gap if headline is not None else None
    return DeliveryGapResult(table=table, headline=pair, findings=(_finding(pair),), notes=tried.notes)


def show(result: DeliveryGapResult, audience: str) -> None:
    """The headline finding and the gap chart; for analysts the table with its tests."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings))
    if result.table is not None:
        charts.show(charts.gap_chart(result.table.sort_values("gap", ascending=False), y="touchpoint_label",
                                     title="Expected vs actual share of 5/5 ratings"))
    if detailed(audience):
        display(tables.table(
            result.table, columns={"touchpoint_label": "Touchpoint", "self_rating": "Self-rating",
                                   "company_pct": "Company expects 5/5", "n": "n", "customer_pct": "Customers give 5/5",
                                   "gap": "Gap (points)", "p_adjusted": "p (Holm)", "verdict": "Verdict"},
            formats={"self_rating": "0", "company_pct": "pct0", "customer_pct": "pct1", "gap": "1", "p_adjusted": "p"},
            ci={"customer_pct": ("ci_low", "ci_high"), "gap": ("gap_ci_low", "gap_ci_high")},
            caption="Delivery gap by touchpoint (relationship survey)",
            note="Customers' share: Wilson interval; test against the company's expectation, Holm-adjusted."))


SECTION = Section(
    id="delivery_gap", title="The delivery gap", audiences=("executive", "analyst"),
    needs={"self_assessment": ("self_rating",), "responses": ("rating_*",)},
    unlock="The company's self-assessment per touchpoint (self_assessment: touchpoint, self_rating) and touchpoint "
           "ratings in the survey.",
    compute=compute, show=show, order=30, uses=("headline",),
)
