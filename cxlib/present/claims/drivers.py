"""Claims about what drives the outcome: the priority of each touchpoint, the strongest driver, what to fix first.

One rule, stated once and applied everywhere (the analyst table, the chart, the sentence, the
actions) — :func:`priority`:

- a touchpoint is **important** when its share of the explained variation is at or above the
  median share of the touchpoints, and **performs** when its mean rating is at or above the
  median rating;
- only a touchpoint whose coefficient is positive beyond chance (95 % interval above zero) can be
  "fix first" (important, below the median rating) or "maintain strength" (important, at or above
  it); an important one without a clear positive effect is "no clear effect", and one whose
  interval lies below zero is "negative association" (never a strength);
- the others are "monitor" (below the median rating) or "lower priority".

Names are given only when the model explains enough: with R² below ``MIN_R2`` no touchpoint is
named at all ("no single touchpoint stands out"). "Strongest driver" needs the top share's
interval to lie above every other touchpoint's.

Examples
--------
>>> t = pd.DataFrame({"driver": ["a", "b", "c"], "driver_label": ["A", "B", "C"], "rank": [1, 2, 3],
...     "share": [70.0, 20.0, 10.0], "share_ci_low": [60.0, 12.0, 5.0], "share_ci_high": [78.0, 28.0, 15.0],
...     "coef": [1.2, 0.3, -0.4], "coef_ci_low": [1.0, 0.1, -0.7], "coef_ci_high": [1.4, 0.5, -0.1],
...     "performance": [3.1, 4.2, 3.9], "performance_n": [500, 500, 500]})
>>> priority(t)["quadrant"].tolist()
['fix first', 'maintain strength', 'negative association']
>>> driver_top(priority(t), r2=0.35, n=500).said[:30], fix_first(priority(t), r2=0.35).subject
('A matters most: of what the to', 'a')
>>> driver_top(priority(t), r2=0.01, n=500).said
'No single touchpoint stands out: together the touchpoint ratings explain only 1 % of the differences between customers in likelihood to recommend (500 respondents).'
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from cxlib.present.claims.base import Claim, condition, number, register
from cxlib.present.claims.journey import direction
from cxlib.present.claims.scores import measure
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, format_value, interval, percent

__all__ = ["MIN_R2", "QUADRANTS", "priority", "quadrant_of", "driver_top", "fix_first"]

#: The least share of variation (R²) a driver model must explain before the report names any driver.
MIN_R2 = 0.10
#: Every quadrant :func:`priority` assigns, most urgent first.
QUADRANTS = ("fix first", "maintain strength", "no clear effect", "negative association", "monitor", "lower priority")


def quadrant_of(share: float, performance: float, coef_low: float, coef_high: float, *, share_median: float,
                performance_median: float) -> str:
    """The quadrant of one driver under the stated rule (see the module docstring).

    >>> quadrant_of(40, 3.0, 0.5, 1.0, share_median=20, performance_median=3.5)
    'fix first'
    >>> quadrant_of(40, 4.0, -0.9, -0.2, share_median=20, performance_median=3.5)
    'negative association'
    """
    sign = direction(coef_low, coef_high)
    important = number(share) >= share_median
    performs = number(performance) >= performance_median
    if sign < 0:
        return "negative association"
    if not important:
        return "lower priority" if performs else "monitor"
    if sign == 0:
        return "no clear effect"
    return "maintain strength" if performs else "fix first"


def priority(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``quadrant`` and ``fix_first`` set by the stated rule, and the two medians it used.

    Parameters
    ----------
    table : DataFrame
        ``key_drivers(...).table``: ``share``, ``performance``, ``coef_ci_low``, ``coef_ci_high``.

    Returns
    -------
    DataFrame
        A copy with ``quadrant``, ``fix_first``, ``share_median`` and ``performance_median``.
    """
    out = table.copy()
    shares = out["share"].astype("float64")
    perf = out["performance"].astype("float64")
    s_med, p_med = float(np.nanmedian(shares)), float(np.nanmedian(perf))
    out["quadrant"] = [quadrant_of(s, p, lo, hi, share_median=s_med, performance_median=p_med)
                       for s, p, lo, hi in zip(shares, perf, out["coef_ci_low"], out["coef_ci_high"])]
    out["fix_first"] = out["quadrant"] == "fix first"
    out["share_median"] = s_med
    out["performance_median"] = p_med
    return out


def _rule_holds(table: pd.DataFrame) -> bool:
    again = priority(table.drop(columns=["quadrant", "fix_first"], errors="ignore"))
    return list(again["quadrant"]) == list(table["quadrant"])


def _separated(table: pd.DataFrame) -> bool:
    ranked = table.sort_values("share", ascending=False, kind="stable")
    if len(ranked) < 2:
        return len(ranked) == 1
    top, rest = ranked.iloc[0], ranked.iloc[1:]
    return bool(number(top["share_ci_low"]) > np.nanmax(rest["share_ci_high"].astype("float64")))


def _top_supported(f: Finding) -> bool:
    t = f.evidence
    top = t.sort_values("share", ascending=False, kind="stable").iloc[0]
    return (number(f.params["r2"]) >= f.params["min_r2"] and str(top["driver"]) == f.subject and _separated(t)
            and direction(top["coef_ci_low"], top["coef_ci_high"]) > 0 and _rule_holds(t))


def _fix_supported(f: Finding) -> bool:
    t = f.evidence
    if number(f.params["r2"]) < f.params["min_r2"] or not _rule_holds(t):
        return False
    named = t[t["driver"].astype("string") == f.subject]
    return bool(len(named)) and named["quadrant"].iloc[0] == "fix first" and \
        t.loc[t["quadrant"] == "fix first", "share"].astype("float64").max() == number(named["share"].iloc[0])


register(Claim("driver_top", f"a touchpoint is called the one that matters most only when the model explains at "
                             f"least {MIN_R2:.0%} of the variation, its effect is positive beyond chance and its share's "
                             "95 % interval lies above every other touchpoint's", _top_supported))
register(Claim("fix_first", "fix first = importance at or above the median touchpoint's, mean rating below the "
                            "median, and a positive effect beyond chance; the most important such touchpoint is named; "
                            f"none when the model explains less than {MIN_R2:.0%}", _fix_supported))


def _what(outcome: str) -> str:
    return measure(outcome).what


def driver_top(table: pd.DataFrame | None, *, r2: float, n: int, outcome: str = "nps",
               min_r2: float = MIN_R2) -> Finding:
    """The touchpoint that matters most, or the honest alternative (R² too small, intervals that overlap).

    Parameters
    ----------
    table : DataFrame
        :func:`priority` output with ``driver_label``.
    r2 : float
        The model's R² (0-1).
    """
    what = _what(outcome)
    params = {"r2": r2, "min_r2": min_r2}
    if table is None or not len(table):
        return Finding("driver_top", "", holds=False, params=params, condition=condition("driver_top"),
                       alternative=f"Too few rated touchpoints to say which ones move {what}.")
    ranked = table.sort_values("share", ascending=False, kind="stable")
    top = ranked.iloc[0]
    explained = percent(100 * r2)
    text = (f"{top['driver_label']} matters most: of what the touchpoint ratings explain about {what} "
            f"({explained} of the differences between customers), it accounts for {percent(top['share'])} "
            f"({interval(top['share_ci_low'], top['share_ci_high'], 'pct0')}).")
    numbers = (Cited(f"{top['driver_label']}: share of what the ratings explain", number(top["share"]), unit="%",
                     n=n, ci=(number(top["share_ci_low"]), number(top["share_ci_high"]))),
               Cited("Variation explained by the touchpoint ratings", 100 * r2, unit="%", n=n))
    base = f"{count(n)} respondents" if n else "the rated touchpoints"
    if r2 < min_r2:
        alternative = (f"No single touchpoint stands out: together the touchpoint ratings explain only {explained} of "
                       f"the differences between customers in {what} ({base}).")
    elif len(ranked) > 1 and not _separated(table):
        second = ranked.iloc[1]
        alternative = (f"{top['driver_label']} and {second['driver_label']} matter most ({percent(top['share'])} and "
                       f"{percent(second['share'])} of what the ratings explain; {base}); their intervals overlap, so "
                       "neither stands out on its own.")
    else:
        alternative = (f"No touchpoint's rating has a clear positive link with {what}: none stands out.")
    f = Finding("driver_top", text, numbers=numbers, evidence=table, subject=str(top["driver"]), params=params,
                condition=condition("driver_top"), alternative=alternative,
                method=f"share of R² by LMG/Shapley decomposition, bootstrap interval; R² = {r2:.2f}, n = {count(n)}")
    return replace(f, holds=_top_supported(f))


def fix_first(table: pd.DataFrame | None, *, r2: float, min_r2: float = MIN_R2) -> Finding:
    """What to fix first under the stated rule, or that nothing qualifies (never a fallback to the top driver)."""
    params = {"r2": r2, "min_r2": min_r2}
    if table is None or not len(table) or r2 < min_r2:
        return Finding("fix_first", "", evidence=table, holds=False, params=params, condition=condition("fix_first"))
    flagged = table[table["quadrant"] == "fix first"].sort_values("share", ascending=False, kind="stable")
    p_med = number(table["performance_median"].iloc[0])
    if not len(flagged):
        return Finding("fix_first", "", evidence=table, holds=False, params=params, condition=condition("fix_first"),
                       alternative="No touchpoint is both more important than the median one and rated below the "
                                   f"median ({format_value(p_med, '2')} of 5), so none is singled out to fix first.")
    top = flagged.iloc[0]
    n_rated = int(number(top.get("performance_n"))) if pd.notna(top.get("performance_n")) else None
    just = "just " if p_med - number(top["performance"]) < 0.05 else ""
    text = (f"Fix first: {top['driver_label']}. It matters more than the median touchpoint and customers rate it "
            f"{just}below the median ({format_value(top['performance'], '2')} against {format_value(p_med, '2')} of 5"
            + (f"; {count(n_rated)} ratings)." if n_rated else ")."))
    f = Finding("fix_first", text, evidence=table, subject=str(top["driver"]), params=params,
                condition=condition("fix_first"),
                numbers=(Cited(f"{top['driver_label']}: mean rating", number(top["performance"]), unit="points on 1-5",
                               n=n_rated, n_unit="ratings"),),
                alternative="No touchpoint qualifies as fix first under the stated rule.",
                method="importance and performance against their medians; positive coefficient beyond chance")
    return replace(f, holds=_fix_supported(f))
