"""Claims about what customers write: the theme raised most, and the theme that costs most.

Shares of comments come from one denominator (every coded comment of the period: the chart, the
table and the sentence agree). The outcome of those who raise a theme is set against all other
respondents (:func:`cxlib.report.sections.contrasts.outcome_contrast`), so "with" and "without"
add up to the headline score and the difference is with minus without.

Examples
--------
>>> freq = pd.DataFrame({"theme": ["a", "b"], "label": ["Waiting", "Price"], "n": [2000, 2000],
...     "n_mentions": [340, 90], "pct": [17.0, 4.5], "pct_low": [15.4, 3.7], "pct_high": [18.7, 5.5],
...     "suppressed": [False, False]})
>>> theme_top(freq, None).said
'The theme customers raise most is “Waiting”: 17 % of comments (95 % CI 15 % to 19 %; 2,000 comments).'
"""

from __future__ import annotations

import pandas as pd

from cxlib.present.claims.base import Claim, condition, number, register, row_of
from cxlib.present.claims.journey import direction, outcome_part, significant_rows
from cxlib.present.claims.scores import measure
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, interval, percent

__all__ = ["theme_top", "theme_cost", "shown_themes"]


def shown_themes(frequency: pd.DataFrame | None) -> pd.DataFrame:
    """Themes with a share to show (not suppressed, mentioned at least once), most frequent first."""
    if frequency is None or not len(frequency):
        return pd.DataFrame() if frequency is None else frequency.iloc[:0]
    ok = ~frequency["suppressed"].astype("boolean").fillna(True).to_numpy(bool) if "suppressed" in frequency else True
    rows = frequency[ok & (frequency["n_mentions"].astype("float64") > 0).to_numpy(bool)]
    return rows.sort_values(["n_mentions", "theme"], ascending=[False, True], kind="stable")


def _top_supported(f: Finding) -> bool:
    rows = shown_themes(f.evidence)
    if not len(rows) or str(rows.iloc[0]["theme"]) != f.subject:
        return False
    if f.params.get("also_costliest"):
        sig = significant_rows(f.params["costliest_evidence"], sign=-1)
        if not len(sig) or str(sig.sort_values("worth", ascending=False, kind="stable").iloc[0]["key"]) != f.subject:
            return False
    said = f.params.get("direction")
    if said is None:
        return True
    o = f.params["contrast"]
    return said == direction(o["diff_low"], o["diff_high"])


def _cost_supported(f: Finding) -> bool:
    sig = significant_rows(f.evidence, sign=-1)
    return bool(len(sig)) and str(sig.sort_values("worth", ascending=False, kind="stable").iloc[0]["key"]) == f.subject


register(Claim("theme_top", "the theme with the most comments, with its share of every coded comment (Wilson "
                            "interval); its link with the outcome is given as lower or higher only when the 95 % "
                            "interval of the difference excludes zero", _top_supported))
register(Claim("theme_cost", "the theme whose respondents score lower than all other respondents beyond chance and "
                             "that costs the client most in total (share × the gap)", _cost_supported))


def theme_top(frequency: pd.DataFrame | None, contrast: pd.DataFrame | None, *, outcome: str = "nps",
              costliest: Finding | None = None) -> Finding:
    """The theme raised most, its share of comments, and what its respondents score against the rest.

    ``costliest``: the :func:`theme_cost` finding; when it names the same theme the sentence says so
    (and the report need not say it twice).
    """
    rows = shown_themes(frequency)
    if not len(rows):
        return Finding("theme_top", "", evidence=frequency, holds=False, condition=condition("theme_top"),
                       alternative="Too few coded comments to say what customers write about most.")
    top = rows.iloc[0]
    text = (f"The theme customers raise most is \u201c{top['label']}\u201d: {percent(top['pct'])} of comments "
            f"({interval(top['pct_low'], top['pct_high'], 'pct0')}; {count(top['n'])} comments)")
    numbers = [Cited(f"Share of comments on {top['label']}", number(top["pct"]), unit="% of comments",
                     n=int(top["n"]), n_unit="comments", ci=(number(top["pct_low"]), number(top["pct_high"])))]
    params: dict = {}
    o = row_of(contrast, "key", top["theme"])
    if o is not None and not bool(o.get("suppressed")):
        part, sign, cited = outcome_part(o, measure(outcome), "those who raise it give {a_name} of")
        text += f"; {part}"
        numbers += cited
        params = {"direction": sign, "contrast": {k: o[k] for k in ("diff_low", "diff_high")}}
    if costliest is not None and costliest.holds and costliest.subject == str(top["theme"]):
        text += ". It is also the theme that costs the client most"
        params["also_costliest"] = True
        params["costliest_evidence"] = costliest.evidence
    return Finding("theme_top", text + ".", numbers=tuple(numbers), evidence=frequency, subject=str(top["theme"]),
                   params=params, condition=condition("theme_top"))


def theme_cost(contrast: pd.DataFrame | None, *, labels: dict, outcome: str = "nps") -> Finding:
    """The theme that costs most: its respondents' score against all other respondents'."""
    m = measure(outcome)
    sig = significant_rows(contrast, sign=-1)
    if not len(sig):
        return Finding("theme_cost", "", evidence=contrast, holds=False, condition=condition("theme_cost"),
                       alternative=f"No comment theme goes with a {m.name} lower than the other respondents' beyond "
                                   "chance.")
    best = sig.sort_values("worth", ascending=False, kind="stable").iloc[0]
    label = labels.get(str(best["key"]), str(best["key"]))
    part, _, cited = outcome_part(best, m, "give {a_name} of")
    text = f"\u201c{label}\u201d costs most: the {count(best['n_affected'])} respondents who raise it {part}."
    return Finding("theme_cost", text, numbers=cited, evidence=contrast, subject=str(best["key"]),
                   condition=condition("theme_cost"), method="difference: Welch's t on the coded answers")
