"""Headline: the client's outcome with its interval and quarterly trend, the cumulative journey index,
and the headline cards (with the delivery gap and churn).

The outcome is whatever the client measures (:attr:`cxlib.report.context.ReportData.outcome`):
NPS (or a further recommend question ``nps_<x>``), CSAT, a satisfied share, stars, a recommend
share or CES. The client's own overall score is always shown, even below the client's minimum
group size, with its (wide) interval and a low-base warning: the minimum protects groups inside
a client, and the trend and every breakdown still obey it. A client with only posts or reviews
gets their volume by source (and their stars or recommend share when they carry one).

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

__all__ = ["HeadlineResult", "JOURNEY_INDEX", "outcome_score", "compute", "show", "SECTION"]

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

    nps: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    index: pd.DataFrame | None = None
    index_summary: pd.DataFrame | None = None
    gap: "GapHeadline | None" = None
    churn: "ChurnLink | None" = None
    #: the outcome reported (a column of responses or mentions), or None when the data has no score
    outcome: str | None = None
    #: one row (:func:`outcome_score`); None without an outcome
    score: pd.DataFrame | None = None
    #: posts, reviews and complaints per ``source`` (``source, n``); None without mentions
    volume: pd.DataFrame | None = None


#: Outcome -> (how the report names it, how its number is written).
_SHOWN = {"nps": ("NPS", "signed"), "csat": ("CSAT (share of 4-5 of 5)", "pct"), "satisfied": ("Share satisfied", "pct"),
          "stars": ("Average star rating (1-5)", "2"), "recommend": ("Share who would recommend", "pct"),
          "ces": ("Customer effort (1-7, 7 = very easy)", "2")}


def _label(outcome: str, table: str) -> str:
    if outcome.startswith("nps_"):
        return f"NPS ({outcome[4:].replace('_', ' ')})"
    label = _SHOWN[outcome][0]
    return f"Relationship {label}" if outcome == "nps" else (f"{label} of reviews" if table == "mentions" else label)


def _written(outcome: str, value) -> str:
    from cxlib.present.formatting import decimal, percent, signed

    how = "signed" if outcome.startswith("nps") else _SHOWN[outcome][1]
    return signed(value) if how == "signed" else percent(value) if how == "pct" else decimal(value, 2)


def outcome_score(frame: pd.DataFrame, outcome: str, *, min_n: int, table: str = "responses") -> pd.DataFrame:
    """The client's overall score on ``outcome`` with its 95 % interval, whatever its number of answers.

    Parameters
    ----------
    frame : DataFrame
        Responses (or mentions, for stars and recommend) with the outcome column.
    outcome : str
        An outcome of :data:`cxlib.schema.OUTCOMES` or a further NPS question ``nps_<x>``.
    min_n : int
        The client's minimum group size: below it ``low_base`` is True (the score is still given).
    table : str
        Where the answers come from (names the score).

    Returns
    -------
    DataFrame
        One row: ``outcome``, ``label``, ``unit``, ``n``, ``score``, ``ci_low``, ``ci_high``, ``low_base``,
        ``text`` (the score as written). Units: NPS points (-100..100) for NPS, percent for CSAT
        (top-2-box) and the shares, scale points for stars and CES.

    Notes
    -----
    NPS: %9-10 - %0-6, adjusted-Wald interval (:func:`cxlib.analysis.metrics.nps`); CSAT: Wilson
    interval of the top-2-box share; satisfied and recommend: Wilson interval of the share of yes
    (:func:`cxlib.analysis.stats.proportion_interval`); stars and CES: Student-t interval of the mean.
    """
    from cxlib.analysis import metrics, stats
    from cxlib.schema import OUTCOMES

    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else OUTCOMES["nps"].unit
    if outcome == "nps" or outcome.startswith("nps_"):
        row = metrics.nps(frame.assign(nps=frame[outcome]), min_n=1).iloc[0]
        n, value, low, high = int(row["n"]), row["nps"], row["ci_low"], row["ci_high"]
    elif outcome in ("satisfied", "recommend"):
        x = frame[outcome].dropna().astype(bool)
        n = int(len(x))
        value = 100 * float(x.mean()) if n else float("nan")
        lo, hi = stats.proportion_interval([int(x.sum())], [n])
        low, high = 100 * float(lo[0]), 100 * float(hi[0])
    else:
        stat = "top2_box" if outcome == "csat" else "mean"
        row = metrics.score_table(frame, metric=outcome, stat=stat, min_n=1).iloc[0]
        n, value, low, high = int(row["n"]), row["score"], row["ci_low"], row["ci_high"]
    return pd.DataFrame([{"outcome": outcome, "label": _label(outcome, table), "unit": unit, "n": n,
                          "score": float(value), "ci_low": float(low), "ci_high": float(high),
                          "low_base": bool(n < min_n), "text": _written(outcome, value)}])


def _source(data, outcome: str | None) -> tuple[pd.DataFrame | None, str]:
    """The answers the outcome is read from: relationship answers when they have it, all answers, or the posts."""
    for frame, table in ((data.relationship, "responses"), (data.responses, "responses"), (data.mentions, "mentions")):
        if outcome and frame is not None and outcome in frame and frame[outcome].notna().any():
            return frame, table
    return None, ""


def _best(data) -> str | None:
    """The best outcome the tables have (when the report data does not name one)."""
    from cxlib.schema import best_outcome

    for frame in (data.relationship, data.responses, data.mentions):
        found = best_outcome(frame) if frame is not None else None
        if found:
            return found
    return None


def _volume(mentions: pd.DataFrame | None) -> pd.DataFrame | None:
    if mentions is None:
        return None
    counts = mentions["source"].astype("string").fillna("unknown").value_counts()
    return pd.DataFrame({"source": counts.index.astype(str), "n": counts.to_numpy(dtype="int64")})


def _row(frame: pd.DataFrame | None) -> dict[str, Any]:
    return frame.iloc[0].to_dict() if frame is not None and len(frame) else {}


def _ci(row: dict[str, Any], low: str = "ci_low", high: str = "ci_high") -> tuple[float, float] | None:
    return (float(row[low]), float(row[high])) if low in row and high in row else None


def _outcome_findings(score: pd.DataFrame | None, volume: pd.DataFrame | None, n_responses: int,
                      period: str) -> list[Finding]:
    from cxlib.present.formatting import count

    out = []
    if score is not None:
        r = _row(score)
        who = "reviews" if r["label"].endswith("of reviews") else "respondents"
        sentence = (f"{r['label']} is {r['text']} (95 % CI {_written(r['outcome'], r['ci_low'])} to "
                    f"{_written(r['outcome'], r['ci_high'])}; {int(r['n']):,} {who}).")
        out.append(Finding("outcome_level", sentence,
                           numbers=(Cited(r["label"], float(r["score"]), unit=str(r["unit"]), n=int(r["n"]),
                                          ci=_ci(r)),),
                           evidence=score, condition="the client's own score is always given, with its interval"))
    elif n_responses:
        out.append(Finding("responses", f"{count(n_responses)} survey response{'s' * (n_responses != 1)}"
                                        f"{', ' + period if period else ''}; "
                                        "the survey asks no score to report.", evidence=None))
    if volume is not None and len(volume):
        total = int(volume["n"].sum())
        by = ", ".join(f"{row.source} {count(row.n)}" for row in volume.head(4).itertuples())
        out.append(Finding("volume", f"{count(total)} posts, reviews or complaints{', ' + period if period else ''} "
                                     f"({by}).",
                           numbers=(Cited("Posts, reviews and complaints", float(total), unit="posts", n=total),),
                           evidence=volume))
    return out


def _findings(nps: pd.DataFrame | None, trend, summary, churn, *, index_available: bool,
              dated: bool = True) -> tuple[Finding, ...]:
    from cxlib.present import narrative

    out = []
    if nps is not None:
        r = _row(nps)
        out.append(Finding(
            "nps_level", narrative.nps_sentence(nps),
            numbers=(Cited("Relationship NPS", float(r.get("nps", float("nan"))), unit="NPS points",
                           n=int(r.get("n", 0)), ci=_ci(r)),),
            evidence=nps, condition="the client's own score is always given, with its interval"))
    if trend is not None or (nps is not None and dated):
        shown = pd.DataFrame() if trend is None else trend[~trend["suppressed"].fillna(False).astype(bool)
                                                           & trend["nps"].notna()]
        out.append(Finding(
            "nps_trend", narrative.trend_sentence(trend, period="quarter"),
            numbers=tuple(Cited(f"Relationship NPS {row['quarter']}", float(row["nps"]), unit="NPS points",
                                n=int(row["n"]), ci=(float(row["ci_low"]), float(row["ci_high"])))
                          for _, row in (shown.iloc[[0, -1]] if len(shown) >= 2 else shown.iloc[:0]).iterrows()),
            evidence=trend,
            condition="a change is called significant only when its Holm-adjusted p-value is below 0.05"))
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
    """The outcome, its trend, the journey index, the delivery-gap headline and the churn link of the period."""
    from cxlib.analysis import churn, gap, journey, metrics
    from cxlib.report.sections.base import Note

    cfg = data.config
    tried = Attempts()
    outcome = getattr(data, "outcome", None) or _best(data)
    frame, table = _source(data, outcome)
    score = outcome_score(frame, outcome, min_n=cfg.min_n, table=table) if frame is not None else None
    is_nps = score is not None and (outcome == "nps" or outcome.startswith("nps_"))
    nps_all = metrics.nps(frame.assign(nps=frame[outcome]), min_n=1) if is_nps else None
    dated = frame is not None and "answered_at" in frame and frame["answered_at"].notna().any()
    trend = tried(metrics.trend, frame.assign(nps=frame[outcome]), period="quarter", min_n=cfg.min_n,
                  what="NPS trend") if is_nps and dated else None
    volume = _volume(data.mentions)
    extra = []
    if score is not None and bool(score["low_base"].iloc[0]):
        extra.append(Note(f"Low base: only {int(score['n'].iloc[0]):,} answers, fewer than the client's minimum of "
                          f"{cfg.min_n} for a group. The overall score is shown with its interval, which is wide: read "
                          "it as indicative. Groups inside the survey stay hidden below the minimum."))
    if frame is not None and table == "responses" and not dated:
        extra.append(Note("The survey export has no dates: this report is undated and shows no trend."))
    with_index = has_data(data, JOURNEY_INDEX.needs)
    index = tried(journey.journey_index, data.interactions, data.responses, what="Journey index") if with_index else None
    summary = tried(journey.summarise_index, index, min_n=cfg.min_n, what="Journey index") if index is not None else None
    gap_head = tried(gap.gap_headline, data.responses, data.self_assessment, min_n=cfg.min_n, company=cfg.display_name,
                     what="Delivery gap") if data.self_assessment is not None else None
    link = tried(churn.churn_link, data.customers, index, measure="journey_index", min_n=cfg.min_n,
                 what="Churn link") if index is not None and data.customers is not None else None
    findings = _findings(nps_all, trend, summary, link, index_available=with_index, dated=dated)
    if not is_nps:
        n_responses = 0 if data.responses is None else len(data.responses)
        findings = (*_outcome_findings(score, None, n_responses, data.period), *findings)
    findings = (*findings, *_outcome_findings(None, volume, 0, data.period))
    return HeadlineResult(nps=nps_all, trend=trend, index=index, index_summary=summary, gap=gap_head, churn=link,
                          outcome=outcome if score is not None else None, score=score, volume=volume,
                          findings=findings, notes=(*extra, *tried.notes))


def show(result: HeadlineResult, audience: str) -> None:
    """The cards, the findings, the NPS trend chart; for analysts the quarterly table too."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    if result.nps is not None or result.score is None:
        cards = narrative.headline_cards(nps=result.nps, index=result.index_summary, gap=result.gap,
                                         churn=result.churn)
    else:
        r = _row(result.score)
        cards = narrative.kpi_cards([(r["label"], r["text"], f"95 % CI {_written(r['outcome'], r['ci_low'])} to "
                                                             f"{_written(r['outcome'], r['ci_high'])} · n = {int(r['n']):,}")])
    if result.volume is not None and len(result.volume) and result.score is None:
        total = int(result.volume["n"].sum())
        cards = narrative.kpi_cards([("Posts, reviews and complaints", f"{total:,}",
                                      ", ".join(f"{x.source} {int(x.n):,}" for x in result.volume.head(3).itertuples()))])
    display(cards)
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
    needs={"responses|mentions": ()},
    unlock="A survey export (with a score: likelihood to recommend, satisfaction, stars, a recommend yes/no) or "
           "social posts and reviews.",
    compute=compute, show=show, order=10, parts=(JOURNEY_INDEX,),
)
