"""What the benchmark and the owners' briefs may say, each sentence checked against its evidence.

As in :mod:`cxlib.present.social_findings`: builders set ``holds`` by their rule on their own
evidence, :data:`CHECKS` re-reads it (:func:`problems`). Claim kinds: ``benchmark_position``,
``owner_gap``, ``owner_friction``, ``owner_theme``, ``owner_action``, ``follow_up_count``.

Examples
--------
>>> t = pd.DataFrame({"company": ["Heron", "Us", "Wren"], "is_client": [False, True, False], "n": [900, 1400, 900],
...     "score": [16.0, -7.0, -27.0], "ci_low": [11.0, -10.0, -32.0], "ci_high": [21.0, -4.0, -22.0],
...     "gap": [-23.0, None, 20.0], "gap_ci_low": [-29.0, None, 14.0], "gap_ci_high": [-17.0, None, 26.0],
...     "p_adjusted": [1e-9, None, 1e-8], "significant": [True, False, True], "suppressed": False})
>>> f = benchmark_position(t, client="Us", rank=2)
>>> f.said
'Us ranks 2nd of 3 companies on relationship NPS: −7 (95 % CI −10 to −4; 1,400 respondents). Behind Heron (+16; 23 points behind, 95 % CI 17 to 29); ahead of Wren (−27; 20 points ahead, 95 % CI 14 to 26).'
>>> problems([f])
[]
"""

from __future__ import annotations

from typing import Callable, Iterable

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.present.rereading import family_problems, finite, judged, number
from cxlib.present.formatting import count, decimal, percent, signed

__all__ = ["CONDITIONS", "ALPHA", "CHECKS", "problems", "ordinal", "benchmark_position", "owner_gap",
           "owner_friction", "owner_theme", "owner_action", "follow_up_count"]

#: The significance level every claim here uses.
ALPHA = 0.05




def ordinal(k: int) -> str:
    """``1 -> '1st'``, ``2 -> '2nd'``, ``11 -> '11th'``.

    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '22nd']
    """
    if 10 <= k % 100 <= 20:
        return f"{k}th"
    return f"{k}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th') }".replace(" ", "")


# -- benchmark ------------------------------------------------------------------------------------------------
def _position(r: pd.Series) -> str:
    if not bool(r["significant"]) or not finite(r["gap"]):
        return "level"
    return "ahead" if number(r["gap"]) > 0 else "behind"


def _benchmark_supported(f: Finding) -> bool:
    e = f.evidence
    others = e[~e["is_client"].astype(bool) & ~e["suppressed"].astype(bool)]
    return all(_position(r) == r["said"] for _, r in others.iterrows()) and \
        all((r["said"] == "level") or number(r["p_adjusted"]) < ALPHA for _, r in others.iterrows())


def benchmark_position(table: pd.DataFrame | None, *, client: str, rank: int | None) -> Finding | None:
    """Where the client stands among its competitors: ahead or behind only where the corrected test says so."""
    if table is None or not len(table):
        return None
    shown = table[~table["suppressed"].astype(bool)]
    me = shown[shown["is_client"].astype(bool)]
    if not len(me) or rank is None:
        return Finding("benchmark_position", "", evidence=table.assign(said="level"),
                       condition=_CONDITIONS["benchmark_position"], holds=False,
                       alternative=f"Too few answers about {client} or its competitors to compare them.")
    c = me.iloc[0]
    evidence = table.assign(said=[_position(r) if not r["is_client"] else "" for _, r in table.iterrows()])
    parts = {"behind": [], "ahead": [], "level": []}
    for _, r in evidence[~evidence["is_client"].astype(bool) & ~evidence["suppressed"].astype(bool)].iterrows():
        lo, hi = sorted((abs(number(r["gap_ci_low"])), abs(number(r["gap_ci_high"]))))
        if r["said"] == "level":
            parts["level"].append(f"{r['company']} ({signed(r['score'])})")
        else:
            parts[r["said"]].append(f"{r['company']} ({signed(r['score'])}; {decimal(abs(number(r['gap'])), 0)} points "
                                    f"{r['said']}, 95 % CI {decimal(lo, 0)} to {decimal(hi, 0)})")
    words = {"behind": "Behind", "ahead": "ahead of", "level": "level with"}
    tail = [f"{words[k] if i else words[k].capitalize()} {', '.join(v)}"
            for i, (k, v) in enumerate((k, v) for k, v in parts.items() if v)]
    text = (f"{client} ranks {ordinal(rank)} of {count(len(shown))} companies on relationship NPS: {signed(c['score'])} "
            f"(95 % CI {signed(c['ci_low'])} to {signed(c['ci_high'])}; {count(c['n'])} respondents). "
            + "; ".join(tail) + ".")
    numbers = [Cited(f"Relationship NPS of {client}", number(c["score"]), unit="NPS points", n=int(c["n"]),
                     ci=(number(c["ci_low"]), number(c["ci_high"])))]
    numbers += [Cited(f"{client} minus {r['company']}", number(r["gap"]), unit="NPS points", n=int(r["n"]) + int(c["n"]),
                      ci=(number(r["gap_ci_low"]), number(r["gap_ci_high"])))
                for _, r in evidence.iterrows() if r["said"] in ("ahead", "behind")]
    f = Finding("benchmark_position", text, numbers=tuple(numbers), evidence=evidence,
                condition=_CONDITIONS["benchmark_position"])
    return _judged(f)


# -- owners' briefs -------------------------------------------------------------------------------------------
def _gap_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    wide = bool(r["worst_gap_significant"]) and number(r["worst_gap_ci_low"]) > 0
    return wide == bool(r["said_wide"])


def owner_gap(owner: pd.Series, *, label: str, promise: str | None = None) -> Finding | None:
    """The widest gap between what the owner's touchpoint promises (expected 5/5 share) and what customers give."""
    if not finite(owner.get("worst_gap")):
        return None
    lo, hi = number(owner["worst_gap_ci_low"]), number(owner["worst_gap_ci_high"])
    wide = bool(owner["worst_gap_significant"]) and lo > 0
    evidence = pd.DataFrame([owner]).reset_index(drop=True).assign(said_wide=wide)
    said_promise = f" (“{promise}”)" if promise else ""
    if wide:
        text = (f"{label}{said_promise} promises more than customers feel: the company expects "
                f"{percent(owner['company_pct'])} of its customers to rate it 5 of 5, and "
                f"{percent(owner['customer_pct'])} do ({decimal(owner['worst_gap'], 0)} points short, 95 % CI "
                f"{decimal(lo, 0)} to {decimal(hi, 0)}; {count(owner['gap_n'])} ratings).")
    else:
        text = (f"{label}{said_promise} delivers about what it expects: {percent(owner['customer_pct'])} of customers "
                f"rate it 5 of 5 against {percent(owner['company_pct'])} expected (a gap within chance, 95 % CI "
                f"{signed(lo)} to {signed(hi)} points).")
    numbers = (Cited(f"Gap to promise at {label}", number(owner["worst_gap"]), unit="percentage points",
                     n=int(owner["gap_n"]), n_unit="ratings", ci=(lo, hi)),)
    return _judged(Finding("owner_gap", text, numbers=numbers, evidence=evidence, condition=_CONDITIONS["owner_gap"]))


def _friction_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return not bool(r["suppressed"]) and number(r["ci_low"]) > number(r["company_rate"])


def owner_friction(rows: pd.DataFrame | None, *, owner: str, where: str | None = None) -> Finding | None:
    """The owner's friction signal furthest above the company's rate, said only when its interval lies above it."""
    if rows is None or not len(rows):
        return None
    shown = rows[~rows["suppressed"].astype(bool)].dropna(subset=["lift"])
    if not len(shown):
        return None
    top = shown.sort_values("lift", ascending=False, kind="stable").head(1).reset_index(drop=True)
    r = top.iloc[0]
    noun = {"asked again": "customers were asked again for information the company held",
            "silent wait": "customers waited without an update",
            "repeat contact": "customers had to come back about the same case"}.get(str(r["signal"]), str(r["signal"]))
    text = (f"Top friction: in {percent(100 * number(r['rate']))} of the contacts at {where or owner} {noun} (95 % CI "
            f"{percent(100 * number(r['ci_low']))} to {percent(100 * number(r['ci_high']))}; {count(r['n'])} contacts), "
            f"{decimal(r['lift'], 1)} times the company's rate of {percent(100 * number(r['company_rate']))}.")
    numbers = (Cited(f"{r['signal']} at {owner}", 100 * number(r["rate"]), unit="% of contacts", n=int(r["n"]),
                     n_unit="contacts", ci=(100 * number(r["ci_low"]), 100 * number(r["ci_high"]))),)
    return _judged(Finding("owner_friction", text, numbers=numbers, evidence=top,
                           condition=_CONDITIONS["owner_friction"],
                           alternative=f"No friction signal at {owner} stands clearly above the company's rate."))


def _theme_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return int(r["n"]) >= int(r["min_n"]) and finite(r["share"])


def owner_theme(row: pd.Series | None, *, owner: str, min_n: int, where: str | None = None) -> Finding | None:
    """The complaint theme raised most in comments on the owner's touchpoints (share with its interval)."""
    if row is None:
        return None
    evidence = pd.DataFrame([row]).reset_index(drop=True).assign(min_n=min_n)
    text = (f"What customers complain about most at {where or owner}: “{row['label']}”, in "
            f"{percent(100 * number(row['share']))} of the {count(row['n'])} comments on "
            f"{'them' if where and ' and ' in where else 'it'} (95 % CI "
            f"{percent(100 * number(row['ci_low']))} to {percent(100 * number(row['ci_high']))}).")
    numbers = (Cited(f"Comments raising “{row['label']}”", 100 * number(row["share"]), unit="% of comments",
                     n=int(row["n"]), n_unit="comments", ci=(100 * number(row["ci_low"]), 100 * number(row["ci_high"]))),)
    return _judged(Finding("owner_theme", text, numbers=numbers, evidence=evidence, condition=_CONDITIONS["owner_theme"],
                           alternative=f"Too few comments on {where or owner} to name a theme."))


def _action_supported(f: Finding) -> bool:
    return f.evidence is not None and len(f.evidence) == 1 and bool(f.evidence["basis_holds"].iloc[0])


def owner_action(basis: Finding | None, *, owner: str, touchpoint: str, measure: str) -> Finding:
    """One action, from the strongest finding of the brief that holds (the gap first, then friction, then theme)."""
    holds = basis is not None and basis.holds
    evidence = pd.DataFrame([{"owner": owner, "basis": basis.kind if basis else "", "basis_holds": holds}])
    verbs = {"owner_gap": f"Close the gap at {touchpoint}: bring the promise and the delivery together",
             "owner_friction": f"Cut the friction at {touchpoint}",
             "owner_theme": f"Act on what customers raise most at {touchpoint}"}
    text = f"{verbs.get(basis.kind, 'Keep delivering') if basis else 'Keep delivering'}; track it by {measure}."
    return Finding("owner_action", text, evidence=evidence, condition=_CONDITIONS["owner_action"], holds=holds,
                   alternative=f"Keep {touchpoint} where it is: nothing in {owner}'s data stands out beyond chance; "
                               f"track {measure}.")


def _follow_up_supported(f: Finding) -> bool:
    e = f.evidence
    if e is None or len(e) != 1:
        return False
    said = f.numbers[0].value if f.numbers else 0.0
    return int(e["customers"].iloc[0]) == int(said) and int(e["events"].iloc[0]) >= int(said)


def follow_up_count(*, events: int, customers: int, days: int) -> Finding:
    """How many recent events call for a follow-up, with how many customers (a census: no interval).

    >>> follow_up_count(events=12, customers=9, days=30).said
    '12 events in the last 30 days of the period call for a follow-up with 9 customers; the list, by customer, is written for account teams beside the reports.'
    """
    evidence = pd.DataFrame([{"events": int(events), "customers": int(customers), "days": int(days)}])
    if not events:
        text = f"No recent detractor or broken journey calls for a follow-up in the last {days} days of the period."
        return Finding("follow_up_count", text, evidence=evidence, condition=_CONDITIONS["follow_up_count"],
                       numbers=(Cited("Customers to follow up", 0.0, unit="customers", n=0, n_unit="customers"),))
    text = (f"{count(events)} events in the last {days} days of the period call for a follow-up with "
            f"{count(customers)} customers; the list, by customer, is written for account teams beside the reports.")
    return _judged(Finding("follow_up_count", text, evidence=evidence, condition=_CONDITIONS["follow_up_count"],
                           numbers=(Cited("Customers to follow up", float(customers), unit="customers", n=int(customers),
                                          n_unit="customers"),)))


_CONDITIONS = {
    "benchmark_position": "'ahead' or 'behind' a competitor only when the Holm-adjusted test separates them "
                          "(p < 0.05), in the direction of the gap; otherwise 'level with'",
    "owner_gap": "'promises more than customers feel' only when the gap's interval lies wholly above zero and the "
                 "corrected test is significant",
    "owner_friction": "a friction signal is named only when its Wilson interval lies wholly above the company's rate",
    "owner_theme": "a theme is named only from at least the client's minimum of comments on the owner's touchpoints",
    "owner_action": "an action is recommended only from a finding of the brief that holds",
    "follow_up_count": "counts of the follow-up list (a census of the listed events: no estimate, no interval)",
}

#: kind -> the condition in words (public: the claim registry quotes it).
CONDITIONS = _CONDITIONS

#: kind -> the check that reads the claim again from its evidence.
CHECKS: dict[str, Callable[[Finding], bool]] = {
    "benchmark_position": _benchmark_supported, "owner_gap": _gap_supported, "owner_friction": _friction_supported,
    "owner_theme": _theme_supported, "owner_action": _action_supported,
    "follow_up_count": _follow_up_supported,
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
