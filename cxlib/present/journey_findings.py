"""What the journey map, the good-touchpoints-poor-journeys view and the department views may say.

As in :mod:`cxlib.present.social_findings`: each builder sets ``holds`` by its rule applied to its
own evidence, and :data:`CHECKS` re-reads the claim from the evidence (:func:`problems`). Shares in
the evidence are 0-1; the sentences print percent. Cells are named by their ``cell`` label
("Support › Support call › Phone").

Claim kinds: ``map_matters``, ``map_asked_again``, ``map_lowest_rating``, ``gtpj_share``, ``gtpj_outcome``,
``department_worst``, ``handoff_problem``.

Examples
--------
>>> cells = pd.DataFrame([{"cell": "Support › Call › Phone", "rank": 1, "matters": True, "n": 1387,
...     "n_with_friction": 495, "n_without": 900, "churn_with_friction": 0.41, "churn_without": 0.13,
...     "churn_difference": 0.28, "churn_ci_low": 0.23, "churn_ci_high": 0.33, "churn_p_adjusted": 1e-15,
...     "excess_churners": 137.4, "suppressed": False}])
>>> f = map_matters(cells, n_cells=27)
>>> f.said
'1 of 27 journey-map cells goes with more churn when customers meet friction there (a low rating, being asked again or a silent wait). Most: Support › Call › Phone, where 41 % of the 495 customers who met friction left against 13 % of the 900 who did not (28 percentage points more, 95 % CI 23 to 33; about 137 customers).'
>>> problems([f])
[]
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.present.rereading import family_problems, finite, judged, number
from cxlib.present.formatting import count, decimal, percent

__all__ = ["CONDITIONS", "ALPHA", "CHECKS", "problems", "map_matters", "map_asked_again", "map_lowest_rating", "gtpj_share",
           "gtpj_outcome", "department_worst", "handoff_problem"]

#: The significance level every claim here uses.
ALPHA = 0.05




def _pct(share: Any) -> str:
    return percent(100 * number(share), 0)


def _pts(low: Any, high: Any) -> str:
    lo, hi = sorted((abs(100 * number(low)), abs(100 * number(high))))
    return f"95 % CI {decimal(lo, 0)} to {decimal(hi, 0)}"


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["suppressed"].astype("boolean").fillna(True).to_numpy(bool)]


# -- the journey map -------------------------------------------------------------------------------------------
def _matters_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return (bool(r["matters"]) and not bool(r["suppressed"]) and number(r["churn_p_adjusted"]) < ALPHA
            and number(r["churn_ci_low"]) > 0 and int(r["rank"]) == 1)


def map_matters(cells: pd.DataFrame | None, *, n_cells: int) -> Finding | None:
    """How many cells go with more churn when customers meet friction there, and the one that matters most."""
    if cells is None or not len(cells):
        return None
    ranked = cells.dropna(subset=["rank"]).sort_values("rank", kind="stable")
    n_matter = int(cells["matters"].fillna(False).astype(bool).sum())
    alternative = ("No cell of the journey map goes with more churn beyond chance when customers meet friction "
                   "there; the map is ordered by rating.")
    if not len(ranked):
        return Finding("map_matters", "", evidence=cells.head(1), condition=_CONDITIONS["map_matters"],
                       holds=False, alternative=alternative)
    r = ranked.iloc[0]
    verb = "goes" if n_matter == 1 else "go"
    text = (f"{count(n_matter)} of {count(n_cells)} journey-map cells {verb} with more churn when customers meet "
            f"friction there (a low rating, being asked again or a silent wait). Most: {r['cell']}, where "
            f"{_pct(r['churn_with_friction'])} of the {count(r['n_with_friction'])} customers who met friction left "
            f"against {_pct(r['churn_without'])} of the {count(r['n_without'])} who did not "
            f"({decimal(100 * number(r['churn_difference']), 0)} percentage points more, "
            f"{_pts(r['churn_ci_low'], r['churn_ci_high'])}; about {count(r['excess_churners'])} customers).")
    numbers = (Cited(f"Churn difference at {r['cell']}", 100 * number(r["churn_difference"]),
                     unit="percentage points", n=int(r["n_with_friction"]) + int(r["n_without"]), n_unit="customers",
                     ci=(100 * number(r["churn_ci_low"]), 100 * number(r["churn_ci_high"]))),
               Cited("Cells that go with more churn", float(n_matter), unit="cells", n=int(n_cells), n_unit="cells"))
    f = Finding("map_matters", text, numbers=numbers, evidence=ranked.head(1).reset_index(drop=True),
                condition=_CONDITIONS["map_matters"], alternative=alternative)
    return _judged(f)


def _asked_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return finite(r["asked_ci_low"], r["overall_high"]) and number(r["asked_ci_low"]) > number(r["overall_high"])


def map_asked_again(cells: pd.DataFrame | None, overall: dict) -> Finding | None:
    """The cell where customers are most often asked again for what the company knew, against the whole journey."""
    if cells is None or "asked_again_rate" not in cells or not finite(overall.get("asked_rate")):
        return None
    shown = _shown(cells).dropna(subset=["asked_again_rate"])
    if not len(shown):
        return None
    r = shown.sort_values("asked_again_rate", ascending=False, kind="stable").iloc[0]
    evidence = pd.DataFrame([r]).reset_index(drop=True).assign(
        overall=overall["asked_rate"], overall_low=overall["asked_low"], overall_high=overall["asked_high"],
        overall_n=overall["asked_n"])
    ratio = number(r["asked_again_rate"]) / number(overall["asked_rate"]) if number(overall["asked_rate"]) > 0 else np.nan
    text = (f"At {r['cell']} customers are asked again for information the company already holds in "
            f"{_pct(r['asked_again_rate'])} of contacts (95 % CI {_pct(r['asked_ci_low'])} to "
            f"{_pct(r['asked_ci_high'])}; {count(r['n'])} contacts), against {_pct(overall['asked_rate'])} across the "
            f"journey ({count(overall['asked_n'])} contacts)" + (f", {decimal(ratio, 1)} times as often." if finite(ratio)
                                                                  else "."))
    alternative = "No cell asks customers again for known information clearly more often than the journey as a whole."
    numbers = (Cited(f"Asked again at {r['cell']}", 100 * number(r["asked_again_rate"]), unit="% of contacts",
                     n=int(r["n"]), n_unit="contacts", ci=(100 * number(r["asked_ci_low"]), 100 * number(r["asked_ci_high"]))),
               Cited("Asked again across the journey", 100 * number(overall["asked_rate"]), unit="% of contacts",
                     n=int(overall["asked_n"]), n_unit="contacts",
                     ci=(100 * number(overall["asked_low"]), 100 * number(overall["asked_high"]))))
    return _judged(Finding("map_asked_again", text, numbers=numbers, evidence=evidence,
                           condition=_CONDITIONS["map_asked_again"], alternative=alternative))


def _lowest_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return finite(r["rating_ci_high"], r["overall_low"]) and number(r["rating_ci_high"]) < number(r["overall_low"])


def map_lowest_rating(cells: pd.DataFrame | None, overall: dict) -> Finding | None:
    """The lowest-rated cell, said only when its interval lies wholly below the whole journey's."""
    if cells is None or "rating" not in cells or not finite(overall.get("rating")):
        return None
    shown = _shown(cells).dropna(subset=["rating"])
    if not len(shown):
        return None
    r = shown.sort_values("rating", kind="stable").iloc[0]
    evidence = pd.DataFrame([r]).reset_index(drop=True).assign(
        overall=overall["rating"], overall_low=overall["rating_low"], overall_high=overall["rating_high"],
        overall_n=overall["rating_n"])
    text = (f"{r['cell']} is rated lowest: {decimal(r['rating'], 2)} of 5 (95 % CI {decimal(r['rating_ci_low'], 2)} "
            f"to {decimal(r['rating_ci_high'], 2)}; {count(r['n_rated'])} ratings), against "
            f"{decimal(overall['rating'], 2)} across the journey ({count(overall['rating_n'])} ratings).")
    alternative = "No cell of the journey is rated clearly below the journey as a whole."
    numbers = (Cited(f"Rating at {r['cell']}", number(r["rating"]), unit="mean rating 1-5", n=int(r["n_rated"]),
                     n_unit="ratings", ci=(number(r["rating_ci_low"]), number(r["rating_ci_high"]))),
               Cited("Rating across the journey", number(overall["rating"]), unit="mean rating 1-5",
                     n=int(overall["rating_n"]), n_unit="ratings",
                     ci=(number(overall["rating_low"]), number(overall["rating_high"]))))
    return _judged(Finding("map_lowest_rating", text, numbers=numbers, evidence=evidence,
                           condition=_CONDITIONS["map_lowest_rating"], alternative=alternative))


# -- good touchpoints, poor journeys -------------------------------------------------------------------------------
def _share_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    total = int(r["n_classified"])
    return total > 0 and int(r["n"]) >= 0 and not bool(r["suppressed"]) and \
        abs(number(r["share"]) - int(r["n"]) / total) < 1e-9


def gtpj_share(table: pd.DataFrame | None, *, touchpoint_cut: float, low: float, high: float) -> Finding | None:
    """How many customers rated their touchpoints well but had a poor journey (with the Wilson interval of the share).

    ``table``: the quadrants, "good touchpoints, poor journey" first (``n``, ``share``, ``suppressed``).
    """
    if table is None or not len(table):
        return None
    r = table.iloc[0]
    evidence = table.head(1).reset_index(drop=True).assign(n_classified=int(table["n"].sum()))
    if bool(r["suppressed"]):
        return Finding("gtpj_share", "", evidence=evidence, condition=_CONDITIONS["gtpj_share"], holds=False,
                       alternative="Too few customers rated their touchpoints well but had a poor journey to report.")
    text = (f"{count(r['n'])} customers ({_pct(r['share'])} of {count(evidence['n_classified'].iloc[0])}; 95 % CI "
            f"{_pct(low)} to {_pct(high)}) rated their touchpoints well, {decimal(touchpoint_cut / 25 + 1, 0)} of 5 or "
            "better on average, yet had a poor journey (a journey index below the median).")
    numbers = (Cited("Good touchpoints, poor journey", 100 * number(r["share"]), unit="% of customers",
                     n=int(evidence["n_classified"].iloc[0]), n_unit="customers", ci=(100 * low, 100 * high)),)
    return _judged(Finding("gtpj_share", text, numbers=numbers, evidence=evidence,
                           condition=_CONDITIONS["gtpj_share"]))


def _outcome_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    said = int(r["said_direction"])
    sign = 1 if number(r["diff_ci_low"]) > 0 else -1 if number(r["diff_ci_high"]) < 0 else 0
    return said == sign


def gtpj_outcome(contrast: pd.DataFrame | None, *, friction_ratio: float | None = None) -> Finding | None:
    """What happened to them: their churn against customers with good touchpoints and a good journey."""
    if contrast is None or not len(contrast):
        return None
    r = contrast.iloc[0]
    if not finite(r["churn_a"], r["churn_b"], r["diff_ci_low"], r["diff_ci_high"]):
        return None
    sign = 1 if number(r["diff_ci_low"]) > 0 else -1 if number(r["diff_ci_high"]) < 0 else 0
    evidence = contrast.head(1).reset_index(drop=True).assign(said_direction=sign)
    lead = (f"{_pct(r['churn_a'])} of them left, against {_pct(r['churn_b'])} of the {count(r['n_b'])} customers whose "
            "touchpoints and journey were both good")
    if sign > 0:
        text = (f"{lead} ({decimal(100 * number(r['diff']), 0)} percentage points more, "
                f"{_pts(r['diff_ci_low'], r['diff_ci_high'])}).")
    elif sign < 0:
        text = f"{lead} ({decimal(abs(100 * number(r['diff'])), 0)} percentage points fewer, " \
               f"{_pts(r['diff_ci_low'], r['diff_ci_high'])})."
    else:
        text = f"{lead}, a difference within chance ({_pts(r['diff_ci_low'], r['diff_ci_high'])})."
    if friction_ratio is not None and finite(friction_ratio) and friction_ratio > 1:
        text += (f" What went wrong was the journey between the touchpoints: {decimal(friction_ratio, 1)} times as "
                 "many friction events each (asked again, silent waits, repeat contacts, hand-offs).")
    numbers = (Cited("Churn, good touchpoints and poor journey", 100 * number(r["churn_a"]), unit="% of customers",
                     n=int(r["n_a"]), n_unit="customers", ci=(100 * number(r["churn_a_low"]), 100 * number(r["churn_a_high"]))),
               Cited("Churn difference against both good", 100 * number(r["diff"]), unit="percentage points",
                     n=int(r["n_a"]) + int(r["n_b"]), n_unit="customers",
                     ci=(100 * number(r["diff_ci_low"]), 100 * number(r["diff_ci_high"]))))
    return Finding("gtpj_outcome", text, numbers=numbers, evidence=evidence, condition=_CONDITIONS["gtpj_outcome"],
                   holds=True)


# -- departments and hand-offs ------------------------------------------------------------------------------------
def _dept_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    worse = number(r["ci_high"]) < 0 if r["measure"] == "rating" else number(r["ci_low"]) > 0
    return not bool(r["suppressed"]) and number(r["p_adjusted"]) < ALPHA and worse


def department_worst(table: pd.DataFrame | None, *, measure: str) -> Finding | None:
    """The department that does worst on ``measure`` against all the others, when beyond chance."""
    if table is None or not len(table):
        return None
    rows = _shown(table[table["measure"] == measure]).dropna(subset=["difference"])
    if not len(rows):
        return None
    worst = rows.sort_values("difference", ascending=measure == "rating", kind="stable").head(1)
    r = worst.iloc[0]
    if measure == "rating":
        what = (f"Contacts with {r['label']} are rated {decimal(r['value'], 2)} of 5 against {decimal(r['value_other'], 2)}"
                f" in the other departments ({decimal(abs(number(r['difference'])), 2)} lower, 95 % CI "
                f"{decimal(abs(number(r['ci_high'])), 2)} to {decimal(abs(number(r['ci_low'])), 2)}; {count(r['n'])} "
                "rated contacts).")
        unit, scale = "mean rating 1-5", 1.0
    else:
        noun = {"asked again": "asks customers again for information the company holds in",
                "silent wait": "leaves customers waiting without an update in"}[measure]
        unit_of = "case contacts" if measure == "silent wait" else "contacts"
        what = (f"{r['label']} {noun} {_pct(r['value'])} of its {unit_of} against {_pct(r['value_other'])} in the "
                f"other departments ({decimal(100 * number(r['difference']), 0)} percentage points more, "
                f"{_pts(r['ci_low'], r['ci_high'])}; {count(r['n'])} {unit_of}).")
        unit, scale = "percentage points", 100.0
    numbers = (Cited(f"{r['label']} against the other departments ({measure})", scale * number(r["difference"]),
                     unit=unit, n=int(r["n"]) + int(r["n_other"]), n_unit="contacts",
                     ci=(scale * number(r["ci_low"]), scale * number(r["ci_high"]))),)
    alternative = f"No department differs from the others on {measure} beyond chance (Holm-adjusted)."
    return _judged(Finding("department_worst", what, numbers=numbers, evidence=worst.reset_index(drop=True),
                           condition=_CONDITIONS["department_worst"], alternative=alternative))


def _handoff_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return bool(r["problem"]) and not bool(r["suppressed"]) and number(r["asked_p_adjusted"]) < ALPHA and \
        number(r["asked_diff_ci_low"]) > 0


def handoff_problem(pairs: pd.DataFrame | None) -> Finding | None:
    """The hand-off between departments after which customers are asked again most, against the other hand-offs."""
    if pairs is None or not len(pairs):
        return None
    r = pairs.iloc[0]
    alternative = "No hand-off between departments stands out: after each, customers are asked again about as " \
                  "often as after the others."
    if not bool(r["problem"]):
        return Finding("handoff_problem", "", evidence=pairs.head(1).reset_index(drop=True),
                       condition=_CONDITIONS["handoff_problem"], holds=False, alternative=alternative)
    text = (f"When {r['from_label']} hands a case to {r['to_label']}, {_pct(r['asked_again'])} of customers are asked "
            f"again for what the company knew (95 % CI {_pct(r['asked_ci_low'])} to {_pct(r['asked_ci_high'])}; "
            f"{count(r['n'])} hand-offs), against {_pct(r['asked_other'])} after other hand-offs "
            f"({decimal(100 * number(r['asked_difference']), 0)} percentage points more, "
            f"{_pts(r['asked_diff_ci_low'], r['asked_diff_ci_high'])})"
            + (f"; {_pct(r['resolved'])} of those cases were resolved (95 % CI {_pct(r['resolved_ci_low'])} to "
               f"{_pct(r['resolved_ci_high'])}) against {_pct(r['resolved_other'])} of cases with other hand-offs."
               if finite(r.get("resolved"), r.get("resolved_other"), r.get("resolved_ci_low")) else "."))
    numbers = (Cited(f"Asked again after {r['from_label']} → {r['to_label']}", 100 * number(r["asked_again"]),
                     unit="% of hand-offs", n=int(r["n"]), n_unit="hand-offs",
                     ci=(100 * number(r["asked_ci_low"]), 100 * number(r["asked_ci_high"]))),
               Cited("Difference against other hand-offs", 100 * number(r["asked_difference"]), unit="percentage points",
                     n=int(r["n"]), n_unit="hand-offs",
                     ci=(100 * number(r["asked_diff_ci_low"]), 100 * number(r["asked_diff_ci_high"]))))
    return _judged(Finding("handoff_problem", text, numbers=numbers, evidence=pairs.head(1).reset_index(drop=True),
                           condition=_CONDITIONS["handoff_problem"], alternative=alternative))


_CONDITIONS = {
    "map_matters": "a cell matters when the customers who met friction there churned more than those who used it "
                   "without (Holm-adjusted p < 0.05 over every cell tested, the Newcombe interval above zero); the "
                   "first is the one with the most excess churners",
    "map_asked_again": "a cell is named only when the Wilson interval of its asked-again rate lies wholly above the "
                       "rate of the whole journey",
    "map_lowest_rating": "a cell is named only when the t interval of its mean rating lies wholly below the interval "
                         "of the whole journey",
    "gtpj_share": "the share of classified customers in the quadrant, with its Wilson interval, unless suppressed",
    "gtpj_outcome": "'more' or 'fewer' left only when the Newcombe interval of the churn difference excludes zero",
    "department_worst": "a department is named only when it differs from all the others beyond chance (Holm-adjusted "
                        "p < 0.05) in the worse direction",
    "handoff_problem": "a hand-off is named only when the receiving contact asks again more often than after other "
                       "hand-offs beyond chance (Holm-adjusted) and by at least 10 percentage points",
}

#: kind -> the condition in words (public: the claim registry quotes it).
CONDITIONS = _CONDITIONS

#: kind -> the check that reads the claim again from its evidence.
CHECKS: dict[str, Callable[[Finding], bool]] = {
    "map_matters": _matters_supported, "map_asked_again": _asked_supported, "map_lowest_rating": _lowest_supported,
    "gtpj_share": _share_supported, "gtpj_outcome": _outcome_supported, "department_worst": _dept_supported,
    "handoff_problem": _handoff_supported,
}


def _judged(f: Finding) -> Finding:
    """``f`` with ``holds`` set by its kind's check."""
    return judged(f, CHECKS)


def problems(items: Iterable[Finding | None]) -> list[str]:
    """Findings of this module said against their evidence (or withheld although it supports them)."""
    return family_problems(items, CHECKS)


def _register() -> None:
    from cxlib.present.claims.base import register_family  # the claims package imports this module

    register_family(CHECKS, _CONDITIONS)


_register()
