"""Headline: relationship NPS with its interval and quarterly trend, the cumulative journey index,
and the headline cards (with the delivery gap and churn).

Its result also carries what later sections build on: every customer's journey index (churn,
journey against single touchpoints), the delivery-gap headline (the delivery gap section) and the
churn link (churn and value at risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

if TYPE_CHECKING:
    from cxlib.analysis.churn import ChurnLink
    from cxlib.analysis.gap import GapHeadline

__all__ = ["HeadlineResult", "JOURNEY_INDEX", "compute", "show", "SECTION"]

#: The journey index needs the interaction log; without it the headline is NPS alone.
JOURNEY_INDEX = Part(
    "Journey index", {"interactions": ("occurred_at", "touchpoint")},
    "An interaction log (one row per contact: interaction_id, customer_id, occurred_at, stage, channel, "
    "touchpoint) and the customer id in the survey export.")


@dataclass(frozen=True, kw_only=True, eq=False)
class HeadlineResult(SectionResult):
    """Relationship NPS (``nps``, one row), its quarterly ``trend``, the per-customer journey ``index``
    and its ``index_summary``, the delivery-gap headline ``gap`` and the ``churn`` link (each None
    when the data does not allow it)."""

    nps: pd.DataFrame
    trend: pd.DataFrame | None = None
    index: pd.DataFrame | None = None
    index_summary: pd.DataFrame | None = None
    gap: "GapHeadline | None" = None
    churn: "ChurnLink | None" = None


def _row(frame: pd.DataFrame | None) -> dict[str, Any]:
    return frame.iloc[0].to_dict() if frame is not None and len(frame) else {}


def _ci(row: dict[str, Any], low: str = "ci_low", high: str = "ci_high") -> tuple[float, float] | None:
    return (float(row[low]), float(row[high])) if low in row and high in row else None


def _findings(nps: pd.DataFrame, trend, summary, churn, *, index_available: bool) -> tuple[Finding, ...]:
    from cxlib.present import narrative

    r = _row(nps)
    out = [Finding(
        "nps_level", narrative.nps_sentence(nps),
        numbers=(Cited("Relationship NPS", float(r.get("nps", float("nan"))), unit="NPS points", n=int(r.get("n", 0)),
                       ci=_ci(r)),),
        evidence=nps, condition="a score is given only when at least the client's minimum number answered")]
    shown = pd.DataFrame() if trend is None else trend[~trend["suppressed"].fillna(False).astype(bool)
                                                       & trend["nps"].notna()]
    out.append(Finding(
        "nps_trend", narrative.trend_sentence(trend, period="quarter"),
        numbers=tuple(Cited(f"Relationship NPS {row['quarter']}", float(row["nps"]), unit="NPS points",
                            n=int(row["n"]), ci=(float(row["ci_low"]), float(row["ci_high"])))
                      for _, row in (shown.iloc[[0, -1]] if len(shown) >= 2 else shown.iloc[:0]).iterrows()),
        evidence=trend, condition="a change is called significant only when its Holm-adjusted p-value is below 0.05"))
    if index_available:
        s = _row(summary)
        out.append(Finding(
            "journey_index", narrative.index_sentence(summary),
            numbers=(Cited("Journey index", float(s.get("mean", float("nan"))), unit="points of 100",
                           n=int(s.get("n", 0) or 0), n_unit="customers", ci=_ci(s)),) if s else (),
            evidence=summary, condition="reported only when enough customers have an index"))
    if churn is not None:
        out.append(Finding(
            "churn_link", churn.sentence,
            numbers=(Cited(f"Odds ratio of churn per {churn.unit:g} points of {churn.measure}", float(churn.odds_ratio),
                           unit="odds ratio", n=int(churn.n), n_unit="customers", ci=tuple(churn.odds_ratio_ci)),),
            evidence=churn.table, condition="an association from a logistic regression, not proof of cause"))
    return tuple(out)


def compute(data) -> HeadlineResult:
    """NPS, its trend, the journey index, the delivery-gap headline and the churn link of the period."""
    from cxlib.analysis import churn, gap, journey, metrics

    cfg = data.config
    tried = Attempts()
    nps_all = metrics.nps(data.relationship, min_n=cfg.min_n)
    trend = tried(metrics.trend, data.relationship, period="quarter", min_n=cfg.min_n, what="NPS trend")
    with_index = has_data(data, JOURNEY_INDEX.needs)
    index = tried(journey.journey_index, data.interactions, data.responses, what="Journey index") if with_index else None
    summary = tried(journey.summarise_index, index, min_n=cfg.min_n, what="Journey index") if index is not None else None
    gap_head = tried(gap.gap_headline, data.responses, data.self_assessment, min_n=cfg.min_n, company=cfg.display_name,
                     what="Delivery gap") if data.self_assessment is not None else None
    link = tried(churn.churn_link, data.customers, index, measure="journey_index", min_n=cfg.min_n,
                 what="Churn link") if index is not None and data.customers is not None else None
    return HeadlineResult(nps=nps_all, trend=trend, index=index, index_summary=summary, gap=gap_head, churn=link,
                          findings=_findings(nps_all, trend, summary, link, index_available=with_index),
                          notes=tried.notes)


def show(result: HeadlineResult, audience: str) -> None:
    """The cards, the findings, the NPS trend chart; for analysts the quarterly table too."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.headline_cards(nps=result.nps, index=result.index_summary, gap=result.gap, churn=result.churn))
    display(narrative.findings_html(result.findings))
    if result.trend is not None:
        charts.show(charts.trend_chart(result.trend, x="quarter", y="nps", ylabel="Relationship NPS",
                                       title="NPS by quarter (95 % interval)"))
    if detailed(audience):
        display(tables.table(
            result.trend, columns={"quarter": "Quarter", "n": "n", "nps": "NPS", "pct_promoters": "Promoters",
                                   "pct_detractors": "Detractors", "change": "Change", "p_adjusted": "p (Holm)"},
            formats={"nps": "signed1", "pct_promoters": "pct1", "pct_detractors": "pct1", "change": "signed1",
                     "p_adjusted": "p"},
            ci={"nps": ("ci_low", "ci_high")}, caption="Relationship NPS by quarter",
            note="Change: against the previous quarter; p-values Holm-adjusted across quarters."))


SECTION = Section(
    id="headline", title="Headline: the cumulative experience", audiences=("executive", "analyst"),
    needs={"responses": ("nps",)},
    unlock="A survey export with a likelihood-to-recommend (0-10) question.",
    compute=compute, show=show, order=10, parts=(JOURNEY_INDEX,),
)
