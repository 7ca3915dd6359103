"""What the social and review section may say, each sentence checked against the table it is read from.

Every builder returns a :class:`~cxlib.present.findings.Finding` whose ``holds`` is its rule applied
to its own evidence, and :data:`CHECKS` holds the same rule as a function of the finding, so a
sentence whose evidence was changed, or whose ``holds`` was set by hand, is caught
(:func:`problems`). Numbers are written by :mod:`cxlib.present.formatting`; shares in the
evidence are 0-1, in the sentences percent.

Claim kinds: ``social_spike``, ``social_magnified``, ``social_sentiment``, ``social_stars``,
``social_replies``.

Examples
--------
>>> spikes = pd.DataFrame([{"spike_id": 1, "start": pd.Timestamp("2025-07-20"), "end": pd.Timestamp("2025-07-22"),
...     "n_periods": 3, "n_mentions": 66, "expected": 6.9, "ratio": 9.6, "p_value": 1e-40, "top_source": "x",
...     "source_label": "X", "top_source_share": 0.8, "theme_label": "Network outage", "theme_share": 0.7}])
>>> f = spike(spikes, n_posts=960)
>>> f.said
'Posts jumped from 20 to 22 Jul 2025: 66 posts against about 7 expected, 9.6 times the usual level, mostly on X (80 %, 53 of 66) and about “Network outage” (70 %, 46 of 66).'
>>> problems([f])
[]
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.present.rereading import family_problems, finite, number
from cxlib.present.formatting import count, decimal, percent

__all__ = ["CONDITIONS", "ALPHA", "CHECKS", "problems", "spike", "magnified", "sentiment", "stars", "replies", "findings"]

#: The significance level every claim here uses.
ALPHA = 0.05




def _pct(share: Any, digits: int = 0) -> str:
    return percent(100 * number(share), digits)


def _ci(low: Any, high: Any) -> str:
    return f"95 % CI {_pct(low)} to {_pct(high)}"


def _days(start: pd.Timestamp, end: pd.Timestamp) -> str:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return f"on {start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"from {start.day} to {end.day} {end:%b %Y}"
    return f"from {start.day} {start:%b} to {end.day} {end:%b %Y}"


# -- spike -------------------------------------------------------------------------------------------------
def _spike_supported(f: Finding) -> bool:
    """A spike is named only when the detector flagged one (the evidence holds its episodes)."""
    return f.evidence is not None and len(f.evidence) > 0 and bool((f.evidence["p_value"] < 1e-3).all())


def spike(spikes: pd.DataFrame | None, *, n_posts: int) -> Finding:
    """The largest spike in volume (by posts above the expected), with where and what it was about."""
    evidence = spikes if spikes is not None else pd.DataFrame(columns=["p_value"])
    alternative = (f"Post volume stayed within its usual range: no day of the period stood out ({count(n_posts)} "
                   "posts and reviews).")
    if not len(evidence):
        return Finding("social_spike", "", evidence=evidence, condition=_CONDITIONS["social_spike"], holds=False,
                       alternative=alternative)
    top = evidence.assign(_excess=evidence["n_mentions"] - evidence["expected"]).sort_values(
        "_excess", ascending=False, kind="stable").iloc[0]
    n_spike = int(top["n_mentions"])
    # each share with its base (k of n), as every number of the report carries its n
    where = f", mostly on {top['source_label']} ({_pct(top['top_source_share'])}, " \
        f"{count(round(number(top['top_source_share']) * n_spike))} of {count(n_spike)})" \
        if pd.notna(top.get("source_label")) and finite(top.get("top_source_share")) else ""
    about = f" and about “{top['theme_label']}” ({_pct(top['theme_share'])}, " \
        f"{count(round(number(top['theme_share']) * n_spike))} of {count(n_spike)})" \
        if pd.notna(top.get("theme_label")) and finite(top.get("theme_share")) else ""
    more = f" One more spike is listed in the analyst report." if len(evidence) == 2 else \
        f" {len(evidence) - 1} more spikes are listed in the analyst report." if len(evidence) > 2 else ""
    text = (f"Posts jumped {_days(top['start'], top['end'])}: {count(top['n_mentions'])} posts against about "
            f"{decimal(top['expected'], 0)} expected, {decimal(top['ratio'], 1)} times the usual level{where}"
            f"{about}.{more}")
    numbers = (Cited("Posts in the spike", float(top["n_mentions"]), unit="posts", n=int(top["n_mentions"]),
                     n_unit="posts"),
               Cited("Times the usual level", float(top["ratio"]), unit="times the expected count",
                     n=int(top["n_periods"]), n_unit="days"))
    return Finding("social_spike", text, numbers=numbers, evidence=evidence.iloc[[int(np.flatnonzero(
        evidence["spike_id"].to_numpy() == top["spike_id"])[0])]].reset_index(drop=True) if "spike_id" in evidence
        else evidence, condition=_CONDITIONS["social_spike"], holds=True, alternative=alternative)


# -- magnified theme -----------------------------------------------------------------------------------------
def _magnified_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return (not bool(r["suppressed"]) and number(r["p_adjusted"]) < ALPHA and number(r["diff_ci_low"]) > 0
            and number(r["ratio"]) >= 1.5)


def magnified(themes: pd.DataFrame | None) -> Finding | None:
    """The theme most magnified in public (posts against survey comments), or that none is."""
    if themes is None or "share_comments" not in themes or not len(themes):
        return None
    shown = themes[~themes["suppressed"].astype(bool)]
    alternative = "No theme is significantly more common in posts and reviews than in survey comments."
    if not len(shown):
        return Finding("social_magnified", "", evidence=themes.head(1), condition=_CONDITIONS["social_magnified"],
                       holds=False, alternative=alternative)
    # the most magnified: the highest ratio among the themes that pass the rule (else the largest difference)
    passing = shown[shown["magnified"].astype(bool)]
    top = (passing.sort_values(["ratio", "difference"], ascending=False, kind="stable") if len(passing) else
           shown.sort_values("difference", ascending=False, kind="stable")).head(1)
    r = top.iloc[0]
    others = [str(x) for x in passing["label"] if x != r["label"]]
    also = (f" Also magnified: {', '.join(f'“{o}”' for o in others[:3])}." if others else "")
    text = (f"Public posts magnify “{r['label']}”: it comes up in {_pct(r['share_posts'])} of posts and reviews "
            f"({_ci(r['posts_ci_low'], r['posts_ci_high'])}; {count(r['n_posts'])} posts) against "
            f"{_pct(r['share_comments'])} of survey comments ({_ci(r['comments_ci_low'], r['comments_ci_high'])}; "
            f"{count(r['n_comments'])} comments), "
            + (f"{decimal(r['ratio'], 1)} times as often." if finite(r["ratio"]) else "which hardly raise it.")
            + also)
    numbers = (Cited(f"Posts mentioning “{r['label']}”", 100 * number(r["share_posts"]), unit="% of posts",
                     n=int(r["n_posts"]), n_unit="posts", ci=(100 * number(r["posts_ci_low"]),
                                                              100 * number(r["posts_ci_high"]))),
               Cited(f"Survey comments mentioning “{r['label']}”", 100 * number(r["share_comments"]),
                     unit="% of comments", n=int(r["n_comments"]), n_unit="comments",
                     ci=(100 * number(r["comments_ci_low"]), 100 * number(r["comments_ci_high"]))))
    f = Finding("social_magnified", text, numbers=numbers, evidence=top.reset_index(drop=True),
                condition=_CONDITIONS["social_magnified"], alternative=alternative)
    return Finding(f.kind, f.text, numbers=f.numbers, evidence=f.evidence, condition=f.condition,
                   holds=_magnified_supported(f), alternative=alternative)


# -- sentiment ---------------------------------------------------------------------------------------------
def _sentiment_supported(f: Finding) -> bool:
    e = f.evidence
    neg = e[(e["source"] == "all") & (e["sentiment"] == "negative")]
    return len(neg) == 1 and not bool(neg["suppressed"].iloc[0]) and finite(neg["share"].iloc[0])


def sentiment(table: pd.DataFrame | None) -> Finding | None:
    """The share of negative posts overall, and the source where it is highest (when it stands out)."""
    if table is None or not len(table):
        return None
    neg = table[table["sentiment"] == "negative"]
    whole = neg[neg["source"] == "all"]
    if not len(whole):
        return None
    w = whole.iloc[0]
    evidence = table.reset_index(drop=True)
    if bool(w["suppressed"]):
        return Finding("social_sentiment", "", evidence=evidence, condition=_CONDITIONS["social_sentiment"],
                       holds=False, alternative="Too few posts and reviews to report their sentiment.")
    text = (f"{_pct(w['share'])} of posts and reviews read negative ({_ci(w['ci_low'], w['ci_high'])}; "
            f"{count(w['n'])} posts).")
    sources = neg[(neg["source"] != "all") & ~neg["suppressed"].astype(bool)]
    # a source is named as the most negative only when its interval lies wholly above the others'
    if len(sources) > 1:
        worst = sources.sort_values("share", ascending=False, kind="stable")
        a, b = worst.iloc[0], worst.iloc[1]
        if number(a["ci_low"]) > number(b["ci_high"]):
            text += f" {a['label']} is the most negative: {_pct(a['share'])} ({_ci(a['ci_low'], a['ci_high'])})."
    numbers = (Cited("Negative posts and reviews", 100 * number(w["share"]), unit="% of posts", n=int(w["n"]),
                     n_unit="posts", ci=(100 * number(w["ci_low"]), 100 * number(w["ci_high"]))),)
    return Finding("social_sentiment", text, numbers=numbers, evidence=evidence,
                   condition=_CONDITIONS["social_sentiment"], holds=True)


# -- stars ---------------------------------------------------------------------------------------------------
def _stars_supported(f: Finding) -> bool:
    rows = f.evidence
    return len(rows) > 0 and bool((rows["measure"] == "stars").all()) and not bool(rows["suppressed"].any())


def stars(engagement: pd.DataFrame | None) -> Finding | None:
    """The average star rating of each review source (with its interval) and its share of 1-2 stars."""
    if engagement is None or not len(engagement):
        return None
    rows = engagement[(engagement["measure"] == "stars") & ~engagement["suppressed"].astype(bool)]
    if not len(rows):
        return None
    parts = [f"{r['label']} {decimal(r['mean'], 1)} of 5 (95 % CI {decimal(r['ci_low'], 1)} to "
             f"{decimal(r['ci_high'], 1)}; {count(r['n'])} reviews, {_pct(r['share_low'])} with 1 or 2 stars)"
             for _, r in rows.iterrows()]
    text = "Reviews average " + "; ".join(parts) + "."
    numbers = tuple(Cited(f"Stars on {r['label']}", number(r["mean"]), unit="stars of 5", n=int(r["n"]),
                          n_unit="reviews", ci=(number(r["ci_low"]), number(r["ci_high"]))) for _, r in rows.iterrows())
    return Finding("social_stars", text, numbers=numbers, evidence=rows.reset_index(drop=True),
                   condition=_CONDITIONS["social_stars"], holds=True)


# -- replies -------------------------------------------------------------------------------------------------
def _replies_supported(f: Finding) -> bool:
    e = f.evidence
    spike_rows = e[(e["in_spike"] == True).fillna(False).to_numpy(bool)] if "in_spike" in e else e.iloc[:0]  # noqa: E712
    if not len(spike_rows):
        return True
    r = spike_rows.iloc[0]
    return "fewer" not in f.text or (finite(r["diff_ci_high"]) and number(r["diff_ci_high"]) < 0)


def replies(table: pd.DataFrame | None, in_spike: pd.DataFrame | None) -> Finding | None:
    """The public response rate and time, and whether the company went quiet during the spike."""
    if table is None or not len(table):
        return None
    shown = table[~table["suppressed"].astype(bool)]
    if not len(shown):
        return None
    total_n, total_r = int(shown["n"].sum()), int(shown["n_replied"].sum())
    best = shown.sort_values("response_rate", ascending=False, kind="stable").iloc[0]
    worst = shown.sort_values("response_rate", kind="stable").iloc[0]
    text = (f"The company answered {count(total_r)} of {count(total_n)} public posts and reviews: from "
            f"{_pct(worst['response_rate'])} on {worst['label']} ({_ci(worst['rate_ci_low'], worst['rate_ci_high'])}"
            f"; median {decimal(worst['median_hours'], 0)} hours) to {_pct(best['response_rate'])} on "
            f"{best['label']} ({_ci(best['rate_ci_low'], best['rate_ci_high'])}; median "
            f"{decimal(best['median_hours'], 0)} hours)." if len(shown) > 1 else
            f"The company answered {_pct(best['response_rate'])} of public posts on {best['label']} "
            f"({_ci(best['rate_ci_low'], best['rate_ci_high'])}; {count(best['n'])} posts), in a median "
            f"{decimal(best['median_hours'], 0)} hours.")
    numbers = [Cited(f"Posts answered on {r['label']}", 100 * number(r["response_rate"]), unit="% of posts",
                     n=int(r["n"]), n_unit="posts", ci=(100 * number(r["rate_ci_low"]), 100 * number(r["rate_ci_high"])))
               for _, r in shown.iterrows()]
    evidence = shown.assign(in_spike=pd.NA)
    if in_spike is not None and in_spike["difference"].notna().any():
        s = in_spike[in_spike["in_spike"] == True].iloc[0]  # noqa: E712
        rest = in_spike[in_spike["in_spike"] == False].iloc[0]  # noqa: E712
        lower = number(s["diff_ci_high"]) < 0
        if lower:
            text += (f" During the spike it went quiet: {_pct(s['response_rate'])} of those posts were answered "
                     f"against {_pct(rest['response_rate'])} otherwise ({decimal(abs(100 * number(s['difference'])), 0)}"
                     f" percentage points fewer, 95 % CI {decimal(abs(100 * number(s['diff_ci_high'])), 0)} to "
                     f"{decimal(abs(100 * number(s['diff_ci_low'])), 0)}).")
        else:
            text += (f" During the spike it answered {_pct(s['response_rate'])} of posts against "
                     f"{_pct(rest['response_rate'])} otherwise, a difference within chance.")
        numbers.append(Cited("Posts answered during the spike", 100 * number(s["response_rate"]), unit="% of posts",
                             n=int(s["n"]), n_unit="posts",
                             ci=(100 * number(s["rate_ci_low"]), 100 * number(s["rate_ci_high"]))))
        evidence = pd.concat([evidence, in_spike.assign(label=in_spike["in_spike"].map(
            {True: "during the spike", False: "outside the spike"}))], ignore_index=True)
    return Finding("social_replies", text, numbers=tuple(numbers), evidence=evidence.reset_index(drop=True),
                   condition=_CONDITIONS["social_replies"], holds=True)


_CONDITIONS = {
    "volume": "the count of posts, reviews and complaints of the period is the sum of the counts by source",
    "social_spike": "a spike is named only when the documented detector flags it (at least 5 posts, twice the "
                    "28-day baseline, Poisson p < 0.001 against the baseline's upper 95 % limit)",
    "social_magnified": "a theme is said to be magnified only when its share of posts is higher than its share of "
                        "survey comments beyond chance (Holm-adjusted p < 0.05, the Newcombe interval of the "
                        "difference above zero) and at least 1.5 times as high",
    "social_sentiment": "the negative share of all posts with its Wilson interval; a source is named the most "
                        "negative only when its interval lies wholly above every other source's",
    "social_stars": "each review source's mean stars with its t interval, sources below the minimum left out",
    "social_replies": "the response rate per source with its Wilson interval; 'went quiet' during a spike only "
                      "when the Newcombe interval of the difference lies wholly below zero",
}

#: kind -> the condition in words (public: the claim registry quotes it).
CONDITIONS = _CONDITIONS

#: kind -> the check that reads the claim again from its evidence.
def _volume_supported(f: Finding) -> bool:
    return bool(f.numbers) and int(f.evidence["n"].sum()) == int(f.numbers[0].value)


CHECKS: dict[str, Callable[[Finding], bool]] = {
    "volume": _volume_supported,
    "social_spike": _spike_supported, "social_magnified": _magnified_supported,
    "social_sentiment": _sentiment_supported, "social_stars": _stars_supported,
    "social_replies": _replies_supported,
}


def problems(items: Iterable[Finding | None]) -> list[str]:
    """Findings of this module said against their evidence (or withheld although it supports them)."""
    return family_problems(items, CHECKS)


def findings(*, n_posts: int, spikes=None, sentiment_table=None, themes=None, engagement=None, reply_table=None,
             replies_in_spike=None, survey: bool = True) -> tuple[Finding, ...]:
    """The section's findings in reading order (spike, magnified theme, sentiment, stars, replies)."""
    out = [spike(spikes, n_posts=n_posts) if spikes is not None else None,
           magnified(themes) if survey else None, sentiment(sentiment_table), stars(engagement),
           replies(reply_table, replies_in_spike)]
    return tuple(f for f in out if f is not None)


def _register() -> None:
    from cxlib.present.claims.base import register_family  # the claims package imports this module

    register_family(CHECKS, _CONDITIONS)


_register()
