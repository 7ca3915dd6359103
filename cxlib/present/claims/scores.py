"""Claims about the client's outcome: its level, its trend, and churn.

The outcome is a parameter (:func:`measure`): NPS (points on −100…100), CSAT (share of 4-5 of 5),
a satisfied or recommend share, stars, customer effort. Every sentence names its unit, n and
interval; a trend is called a rise or a fall only when a change is significant.

Examples
--------
>>> row = {"score": -38.2, "ci_low": -41.4, "ci_high": -34.3, "n": 1468}
>>> outcome_level(row, outcome="nps", min_n=30).said
'Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).'
>>> t = pd.DataFrame({"quarter": ["2025Q1", "2025Q2"], "nps": [-40.0, -36.0], "n": [305, 305],
...                   "ci_low": [-47.0, -43.0], "ci_high": [-32.0, -29.0], "change": [None, 4.0],
...                   "p_adjusted": [None, 0.6], "significant_change": [False, False], "suppressed": [False, False]})
>>> outcome_trend(t, outcome="nps").said
'NPS was −40 in 2025Q1 (95 % CI −47 to −32) and −36 in 2025Q2 (95 % CI −43 to −29); no change from one quarter to the next is beyond chance.'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from cxlib.present.claims.base import Claim, condition, finite, number, register
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, format_value, interval, percent

__all__ = ["Measure", "MEASURES", "measure", "outcome_level", "outcome_trend", "churn_level"]


@dataclass(frozen=True)
class Measure:
    """How the report writes an outcome.

    Attributes
    ----------
    key : str
        The outcome column (``nps``, ``csat`` …).
    name : str
        Short name in a sentence ("NPS", "CSAT").
    label : str
        Its name as a headline ("Relationship NPS").
    unit : str
        Unit of a score ("NPS points"); differences are in ``diff_unit``.
    fmt : str
        :func:`cxlib.present.formatting.format_value` format of a score.
    diff_unit : str
        Unit of a difference of two scores ("points", "percentage points").
    what : str
        What the outcome asks, for plain sentences ("likelihood to recommend").

    ``a_name`` is the name with its article ("an NPS", "a CSAT", "the satisfied share").
    """

    key: str
    name: str
    label: str
    unit: str
    fmt: str
    diff_unit: str
    what: str

    @property
    def a_name(self) -> str:
        if self.name.startswith("the "):
            return self.name
        return ("an " if self.name[:1] in "AEFHILMNORSX" and self.name[:2].isupper() or self.name[:1] in "aeiou"
                else "a ") + self.name


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("nps", "NPS", "Relationship NPS", "NPS points", "signed0", "points", "likelihood to recommend"),
    Measure("csat", "CSAT", "CSAT (share satisfied, 4-5 of 5)", "% of respondents", "pct0", "percentage points",
            "satisfaction"),
    Measure("satisfied", "the satisfied share", "Share satisfied", "% of respondents", "pct0", "percentage points",
            "satisfaction"),
    Measure("recommend", "the share who would recommend", "Share who would recommend", "% of respondents", "pct0",
            "percentage points", "willingness to recommend"),
    Measure("stars", "the star rating", "Average star rating (1-5)", "stars", "1", "stars", "the star rating"),
    Measure("ces", "effort score", "Customer effort (1-7, 7 = very easy)", "points on 1-7", "1", "points",
            "ease of dealing with the company"),
)}


def measure(outcome: str) -> Measure:
    """The :class:`Measure` of ``outcome`` (``nps_<x>``: a further recommend question, written as NPS).

    >>> measure("nps").unit, measure("nps_app").label, measure("csat").fmt
    ('NPS points', 'NPS (app)', 'pct0')
    """
    if outcome in MEASURES:
        return MEASURES[outcome]
    if outcome.startswith("nps_"):
        base = MEASURES["nps"]
        return Measure(outcome, base.name, f"NPS ({outcome[4:].replace('_', ' ')})", base.unit, base.fmt,
                       base.diff_unit, base.what)
    return Measure(outcome, outcome.replace("_", " "), outcome.replace("_", " ").capitalize(), "points", "1",
                   "points", outcome.replace("_", " "))


def _level_supported(f: Finding) -> bool:
    row = f.evidence.iloc[0]
    value, low, high = number(row["score"]), number(row["ci_low"]), number(row["ci_high"])
    return finite(value, low, high) and low <= value <= high and int(row["n"]) > 0


def _trend_supported(f: Finding) -> bool:
    named = dict(f.params.get("changes", ()))
    sig = _significant(f.evidence)
    period = f.params["period"]
    actual = {str(r[period]): number(r["change"]) for _, r in sig.iterrows()}
    return set(named) == set(actual) and all((named[k] > 0) == (actual[k] > 0) for k in named)


def _churn_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return int(r["n"]) > 0 and abs(100 * int(r["churned"]) / int(r["n"]) - number(r["rate"])) < 1e-9


register(Claim("outcome_level", "the client's own score is always given, with its 95 % interval and n; below the "
                                "client's minimum it is flagged as a low base", _level_supported))
register(Claim("outcome_trend", "a rise or a fall is named only where a period-on-period change is significant "
                                "(Holm-adjusted p < 0.05); otherwise the report says no change is beyond chance",
               _trend_supported))
register(Claim("churn_level", "the share of customers who left, with the counts and its Wilson interval",
               _churn_supported))


def outcome_level(row: Mapping[str, Any], *, outcome: str = "nps", min_n: int = 30,
                  n_unit: str = "respondents", label: str | None = None) -> Finding:
    """The client's score on its outcome: value, 95 % interval, n.

    Parameters
    ----------
    row : mapping
        ``score`` (or the outcome column), ``ci_low``, ``ci_high``, ``n``.
    outcome : str
        The outcome (:func:`measure`).
    min_n : int
        Below it the sentence adds that the base is low.
    """
    m = measure(outcome)
    score = number(row.get("score", row.get(outcome)))
    low, high, n = number(row.get("ci_low")), number(row.get("ci_high")), int(number(row.get("n")) or 0)
    evidence = pd.DataFrame([{"score": score, "ci_low": low, "ci_high": high, "n": n}])
    name = label or m.label
    text = (f"{name} is {format_value(score, m.fmt)} ({interval(low, high, m.fmt)}; {count(n)} {n_unit})."
            + (f" That is a low base (fewer than {min_n}): read it as indicative." if 0 < n < min_n else ""))
    return Finding("outcome_level", text, numbers=(Cited(name, score, unit=m.unit, n=n, n_unit=n_unit, ci=(low, high)),),
                   evidence=evidence, condition=condition("outcome_level"), holds=finite(score, low, high) and n > 0,
                   alternative=f"{name}: no answers to score in this period.", params={"outcome": outcome})


def _significant(trend: pd.DataFrame) -> pd.DataFrame:
    flag = trend.get("significant_change", pd.Series(False, index=trend.index))
    return trend[flag.astype("boolean").fillna(False).to_numpy(bool) & trend["change"].notna().to_numpy(bool)]


def _shown(trend: pd.DataFrame, value: str) -> pd.DataFrame:
    hidden = trend["suppressed"].astype("boolean").fillna(False).to_numpy(bool) if "suppressed" in trend else False
    return trend[~hidden & trend[value].notna().to_numpy(bool)]


def outcome_trend(trend: pd.DataFrame, *, outcome: str = "nps", period: str = "quarter",
                  value: str | None = None) -> Finding:
    """First to last period; a rise or fall is named only where a period-on-period change is significant.

    Parameters
    ----------
    trend : DataFrame
        :func:`cxlib.analysis.metrics.trend` output (``<period>``, the score, ``change``,
        ``p_adjusted``, ``significant_change``, ``suppressed``).
    """
    m = measure(outcome)
    value = value or outcome
    shown = _shown(trend, value)
    params: dict[str, Any] = {"period": period, "changes": ()}
    if len(shown) < 2:
        return Finding("outcome_trend", "", evidence=trend, holds=False, params=params,
                       alternative=f"Too few {period}s with enough answers to describe a trend in {m.name}.",
                       condition=condition("outcome_trend"))
    first, last = shown.iloc[0], shown.iloc[-1]
    sig = _significant(shown)
    def at(r) -> str:
        ci = interval(r.get("ci_low"), r.get("ci_high"), m.fmt)
        return f"{format_value(r[value], m.fmt)} in {r[period]}" + (f" ({ci})" if ci else "")

    where = f"{m.name} was {at(first)} and {at(last)}"
    if len(sig):
        moves = "; ".join(f"{'rose' if number(r['change']) > 0 else 'fell'} in {r[period]} "
                          f"({format_value(r['change'], 'signed0')} {m.diff_unit} on the {period} before)"
                          for _, r in sig.iterrows())
        text = f"{where}; it {moves}, beyond chance."
        params["changes"] = tuple((str(r[period]), number(r["change"])) for _, r in sig.iterrows())
    else:
        text = f"{where}; no change from one {period} to the next is beyond chance."
    numbers = tuple(Cited(f"{m.label} {r[period]}", number(r[value]), unit=m.unit, n=int(number(r.get("n")) or 0),
                          ci=(number(r.get("ci_low")), number(r.get("ci_high")))) for r in (first, last))
    return Finding("outcome_trend", text, numbers=numbers, evidence=trend, params=params,
                   condition=condition("outcome_trend"), method=f"changes tested {period} on {period}, Holm-adjusted")


def churn_level(n: int, churned: int, *, low: float, high: float, period: str = "") -> Finding:
    """Churn in the period: share with its Wilson interval, and the counts (``low``/``high`` in %)."""
    rate = 100 * churned / n if n else float("nan")
    evidence = pd.DataFrame([{"n": n, "churned": churned, "rate": rate, "ci_low": low, "ci_high": high}])
    text = (f"{percent(rate)} of customers left{(' ' + period) if period else ''} ({count(churned)} of {count(n)}; "
            f"{interval(low, high, 'pct0')}).")
    return Finding("churn_level", text, numbers=(Cited("Churn", rate, unit="% of customers", n=n, n_unit="customers",
                                                       ci=(low, high)),),
                   evidence=evidence, condition=condition("churn_level"), holds=n > 0)


