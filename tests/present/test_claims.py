"""Every claim kind: never made when its evidence contradicts it (property tests), and its check catches one that is.

Each test draws evidence at random (hypothesis), builds the finding with the claim builder, and
checks the claim against an independent reading of the same evidence written here; then it
tampers with a finding (``holds`` forced) and expects :func:`cxlib.present.claims.check` to catch it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cxlib.present import claims
from cxlib.present.claims import actions, answer, drivers, gap, journey, scores, voice
from cxlib.present.findings import Finding
from cxlib.report.sections.contrasts import outcome_contrast

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


def interval(draw_low, width):
    return draw_low, draw_low + width


# ------------------------------------------------------------------ outcome level and trend
@FAST
@given(score=finite, half=st.floats(0, 20), n=st.integers(0, 5000), min_n=st.integers(1, 100))
def test_outcome_level_always_gives_its_interval_and_flags_a_low_base(score, half, n, min_n):
    f = scores.outcome_level({"score": score, "ci_low": score - half, "ci_high": score + half, "n": n}, min_n=min_n)
    assert f.holds == (n > 0) and claims.check(f) is None
    if f.holds:
        assert "95 % CI" in f.said and "respondents" in f.said
        assert ("low base" in f.said) == (n < min_n)


@FAST
@given(changes=st.lists(st.tuples(st.floats(-30, 30, allow_nan=False), st.booleans()), min_size=1, max_size=5))
def test_a_trend_is_a_rise_or_a_fall_only_where_a_change_is_significant(changes):
    n = len(changes) + 1
    trend = pd.DataFrame({"quarter": [f"2025Q{i}" for i in range(1, n + 1)], "nps": np.linspace(-40, -30, n),
                          "n": [300] * n, "ci_low": np.linspace(-48, -38, n), "ci_high": np.linspace(-32, -22, n),
                          "change": [np.nan] + [c for c, _ in changes],
                          "significant_change": [False] + [s for _, s in changes], "suppressed": [False] * n})
    f = scores.outcome_trend(trend)
    named = [q for q, (c, s) in zip(trend["quarter"][1:], changes) if s]
    assert claims.check(f) is None
    assert ("rose" in f.said or "fell" in f.said) == bool(named)
    for q, (c, s) in zip(trend["quarter"][1:], changes):
        assert (f"rose in {q} (" in f.said or f"fell in {q} (" in f.said) == s
        if s:
            assert (f"rose in {q}" in f.said) == (c > 0)
    assert f"{trend['quarter'].iloc[0]} (95 % CI " in f.said  # each level cited with its interval
    tampered = dataclasses.replace(f, params={**f.params, "changes": (("2025Q9", 5.0),)})
    assert claims.check(tampered) is not None


# ------------------------------------------------------------------ breaks and what they go with
def contrast_row(key, diff, low, high, share=0.3, n=1000):
    return {"key": key, "n": n, "n_affected": int(share * n), "n_rest": n - int(share * n), "share": share,
            "score": -30.0, "score_affected": -30.0 + diff * (1 - share), "score_rest": -30.0 - diff * share,
            "score_affected_low": np.nan, "score_affected_high": np.nan, "score_rest_low": np.nan,
            "score_rest_high": np.nan, "diff": diff, "diff_low": low, "diff_high": high,
            "worth": -share * diff, "worth_low": -share * high, "worth_high": -share * low, "suppressed": False}


diffs = st.tuples(st.floats(-60, 60, allow_nan=False), st.floats(0.1, 40))


@FAST
@given(o=diffs, c=diffs)
def test_break_customers_are_said_to_score_lower_or_leave_more_only_beyond_chance(o, c):
    (od, ow), (cd, cw) = o, c
    outcome = pd.DataFrame([contrast_row("any", od, od - ow / 2, od + ow / 2)])
    churn = pd.DataFrame([{"key": "any", "n": 2000, "n_affected": 900, "churn_affected": 20.0, "churn_rest": 10.0,
                           "diff": cd, "diff_low": cd - cw / 2, "diff_high": cd + cw / 2, "suppressed": False}])
    f = journey.break_gap(outcome, churn)
    assert claims.check(f) is None
    lower, higher = od + ow / 2 < 0, od - ow / 2 > 0
    assert (" points lower" in f.said) == lower and (" points higher" in f.said) == higher
    assert ("within chance" in f.said.split(", and ")[0]) == (not lower and not higher)
    assert ("percentage points more" in f.said) == (cd - cw / 2 > 0)
    if not lower:
        forged = dataclasses.replace(f, params={**f.params, "outcome_direction": -1})
        assert claims.check(forged) is not None


@FAST
@given(rows=st.lists(diffs, min_size=1, max_size=5), shares=st.lists(st.floats(0.05, 0.6), min_size=5, max_size=5))
def test_the_costliest_break_is_significant_and_costs_most(rows, shares):
    keys = ["asked_again", "silent_wait", "unresolved", "repeat_contact", "handoff"]
    table = pd.DataFrame([contrast_row(k, d, d - w / 2, d + w / 2, share=s)
                          for k, (d, w), s in zip(keys, rows, shares)])
    f = journey.costliest_break(table, None, whats={k: k for k in keys})
    sig = table[table["diff_high"] < 0]
    assert f.holds == bool(len(sig)) and claims.check(f) is None
    if f.holds:
        assert f.subject == sig.sort_values("worth", ascending=False).iloc[0]["key"]
    else:
        assert f.said.startswith("No kind of break")


@FAST
@given(est=st.floats(-2, 2, allow_nan=False), width=st.floats(0.01, 2))
def test_decay_is_worse_or_better_only_when_the_interval_excludes_zero(est, width):
    low, high = est - width / 2, est + width / 2
    f = journey.decay({"estimate": est, "ci_low": low, "ci_high": high, "n": 500}, stage="Buy")
    assert claims.check(f) is None
    assert ("worse" in f.said) == (high < 0) and ("better" in f.said) == (low > 0)


# ------------------------------------------------------------------ drivers: the stated rule
@st.composite
def driver_tables(draw):
    k = draw(st.integers(2, 8))
    share = np.array(draw(st.lists(st.floats(0.5, 90), min_size=k, max_size=k)))
    share = 100 * share / share.sum()
    width = np.array(draw(st.lists(st.floats(0.5, 30), min_size=k, max_size=k)))
    coef = np.array(draw(st.lists(st.floats(-1, 2), min_size=k, max_size=k)))
    cwidth = np.array(draw(st.lists(st.floats(0.01, 1.5), min_size=k, max_size=k)))
    perf = np.array(draw(st.lists(st.floats(1, 5), min_size=k, max_size=k)))
    ids = [f"tp{i}" for i in range(k)]
    return pd.DataFrame({"driver": ids, "driver_label": [f"Touchpoint {i}" for i in range(k)],
                         "rank": np.argsort(-share).argsort() + 1, "share": share,
                         "share_ci_low": np.clip(share - width, 0, 100), "share_ci_high": np.clip(share + width, 0, 100),
                         "coef": coef, "coef_ci_low": coef - cwidth, "coef_ci_high": coef + cwidth,
                         "performance": perf, "performance_n": 500})


@FAST
@given(t=driver_tables())
def test_the_priority_rule_is_median_based_and_sign_aware(t):
    p = drivers.priority(t)
    s_med, p_med = np.median(t["share"]), np.median(t["performance"])
    for _, r in p.iterrows():
        if r["coef_ci_high"] < 0:
            assert r["quadrant"] == "negative association"  # a negative link is never a strength
        if r["quadrant"] in ("fix first", "maintain strength"):
            assert r["coef_ci_low"] > 0 and r["share"] >= s_med
        if r["quadrant"] == "fix first":
            assert r["performance"] < p_med
        if r["quadrant"] == "maintain strength":
            assert r["performance"] >= p_med


@FAST
@given(t=driver_tables(), r2=st.floats(0, 0.9))
def test_a_driver_is_named_only_when_the_model_explains_enough_and_it_stands_apart(t, r2):
    p = drivers.priority(t)
    top = drivers.driver_top(p, r2=r2, n=500)
    assert claims.check(top) is None
    if r2 < drivers.MIN_R2:
        assert not top.holds and top.said.startswith("No single touchpoint stands out")
    if top.holds:
        best = p.sort_values("share", ascending=False).iloc[0]
        others = p[p["driver"] != best["driver"]]
        assert top.subject == best["driver"] and best["share_ci_low"] > others["share_ci_high"].max()
        assert best["coef_ci_low"] > 0
    fix = drivers.fix_first(p, r2=r2)
    assert claims.check(fix) is None
    flagged = p[p["quadrant"] == "fix first"]
    assert fix.holds == (r2 >= drivers.MIN_R2 and bool(len(flagged)))  # never a fallback to the top driver
    if fix.holds:
        assert fix.subject == flagged.sort_values("share", ascending=False).iloc[0]["driver"]


def test_a_forced_claim_is_caught_by_its_check():
    t = drivers.priority(pd.DataFrame({"driver": ["a", "b"], "driver_label": ["A", "B"], "rank": [1, 2],
                                       "share": [60.0, 40.0], "share_ci_low": [40.0, 20.0], "share_ci_high": [70.0, 55.0],
                                       "coef": [1.0, 0.5], "coef_ci_low": [0.5, 0.1], "coef_ci_high": [1.5, 0.9],
                                       "performance": [3.0, 4.0], "performance_n": [500, 500]}))
    f = drivers.driver_top(t, r2=0.01, n=500)       # R² = 1 %: nothing stands out
    assert not f.holds and claims.check(dataclasses.replace(f, holds=True)) is not None
    g = drivers.driver_top(t, r2=0.4, n=500)        # intervals 40-70 and 20-55 overlap: no strongest driver
    assert not g.holds and "neither stands out" in g.said
    assert claims.check(Finding("no_such_kind", "Said.")) is not None


# ------------------------------------------------------------------ delivery gap
@FAST
@given(company=st.floats(0, 100), customer=st.floats(0, 100), half=st.floats(0.1, 10))
def test_the_company_over_rates_itself_only_when_customers_give_less_beyond_chance(company, customer, half):
    from types import SimpleNamespace as NS

    h = NS(company_pct=company, customer_pct=customer, ci_low=customer - half, ci_high=customer + half,
           touchpoints=("billing",), n_ratings=900, basis="expected_top_box_pct")
    f = gap.gap_headline(h, company="Acme", labels={"billing": "Billing"})
    assert claims.check(f) is None and ("in line with what it expects" in f.said) == (customer + half >= company)


# ------------------------------------------------------------------ voice
@FAST
@given(counts=st.lists(st.integers(1, 400), min_size=2, max_size=6), rows=st.lists(diffs, min_size=6, max_size=6))
def test_theme_claims_follow_their_contrast(counts, rows):
    themes = [f"t{i}" for i in range(len(counts))]
    freq = pd.DataFrame({"theme": themes, "label": [f"Theme {i}" for i in range(len(counts))], "n": 2000,
                         "n_mentions": counts, "pct": [c / 20 for c in counts], "pct_low": [c / 25 for c in counts],
                         "pct_high": [c / 16 for c in counts], "suppressed": False})
    contrast = pd.DataFrame([contrast_row(t, d, d - w / 2, d + w / 2) for t, (d, w) in zip(themes, rows)])
    cost = voice.theme_cost(contrast, labels=dict(zip(themes, freq["label"])))
    top = voice.theme_top(freq, contrast, costliest=cost)
    assert claims.check(top) is None and claims.check(cost) is None
    assert top.subject == freq.sort_values(["n_mentions", "theme"], ascending=[False, True]).iloc[0]["theme"]
    sig = contrast[contrast["diff_high"] < 0]
    assert cost.holds == bool(len(sig))


# ------------------------------------------------------------------ actions
@FAST
@given(rows=st.lists(st.tuples(st.floats(-5, 20), st.floats(0.1, 10)), min_size=1, max_size=8))
def test_actions_are_recommended_only_when_worth_something_beyond_chance_and_ranked_by_worth(rows):
    c = pd.DataFrame({"id": [f"a{i}" for i in range(len(rows))], "kind": "Friction", "subject": "x", "title": "Do",
                      "why": "Why.", "owner": "", "measure": "m", "basis": "", "n": 100,
                      "worth": [w for w, _ in rows], "worth_low": [w - h for w, h in rows],
                      "worth_high": [w + h for w, h in rows]})
    ranked = actions.rank_actions(c)
    assert (ranked["worth_low"] > 0).all() and list(ranked["worth"]) == sorted(ranked["worth"], reverse=True)
    assert set(ranked["id"]) == set(c.loc[c["worth_low"] > 0, "id"])
    for k in range(min(3, len(ranked))):
        f, a = actions.action_finding(c, k)
        assert claims.check(f) is None and a.title == "Do"
        assert claims.check(dataclasses.replace(f, params={"rank": k + 5})) is not None


# ------------------------------------------------------------------ the answer on page 1
def test_the_answer_quotes_only_findings_that_hold():
    ok = scores.outcome_level({"score": -38.0, "ci_low": -41.0, "ci_high": -34.0, "n": 1468})
    wrong = Finding("driver_top", "Billing is the strongest driver.", holds=False, alternative="Nothing stands out.")
    a = answer.answer_sentence("sure", [ok, wrong])
    assert a.holds and "strongest" not in a.said and claims.check(a) is None
    assert not answer.answer_sentence("first", [wrong]).holds
    with pytest.raises(ValueError):
        answer.answer_sentence("later", [ok])


# ------------------------------------------------------------------ the contrast identity
@FAST
@given(answers=st.lists(st.integers(0, 10), min_size=4, max_size=200), flags=st.data())
def test_the_affected_and_the_rest_add_up_to_the_clients_score(answers, flags):
    hit = flags.draw(st.lists(st.booleans(), min_size=len(answers), max_size=len(answers)))
    assume(2 <= sum(hit) <= len(hit) - 2)
    frame = pd.DataFrame({"nps": answers})
    row = outcome_contrast(frame, {"x": pd.Series(hit)}, min_n=1).iloc[0]
    x = np.array(answers)
    nps = 100 * ((x >= 9).mean() - (x <= 6).mean())
    assert row["score"] == pytest.approx(nps)
    assert row["share"] * row["score_affected"] + (1 - row["share"]) * row["score_rest"] == pytest.approx(nps)
    assert row["diff"] == pytest.approx(row["score_affected"] - row["score_rest"])
    if np.isfinite(row["worth"]):
        assert row["worth"] == pytest.approx(row["share"] * (row["score_rest"] - row["score_affected"]))
        assert row["worth_low"] <= row["worth"] <= row["worth_high"]
