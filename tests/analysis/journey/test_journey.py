"""Known-answer tests of cxlib.analysis.journey on tiny hand-made journeys (expected numbers worked out by hand)."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cxlib.errors import DataError
from cxlib.analysis.journey import (
    COMPONENTS, case_table, customer_outcomes, index_contributions, journey_index, journey_paths, path_outcomes,
    summarise_index, touchpoint_scores, touchpoint_vs_journey,
)

NA = pd.NA


def _s(values):
    return pd.array(values, dtype="string")


def tiny():
    """Three customers; see the module's comments for the hand computation."""
    inter = pd.DataFrame({
        "interaction_id": _s(["i1", "i2", "i3", "i4", "i5", "i6"]),
        "customer_id": _s(["c1", "c1", "c1", "c2", "c2", "c3"]),
        "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-31", "2025-02-05", "2025-03-01", "2025-03-02",
                                       "2025-04-01"]),
        "stage": _s(["buy", "support", "support", "use", "use", "buy"]),
        "channel": _s(["store", "phone", "phone", "web", "app", "store"]),
        "touchpoint": _s(["store_visit", "support_call", "support_call", "billing", "app_use", "store_visit"]),
        "department": _s(["sales", "care", "billing", "finance", "digital", "sales"]),
        "case_id": _s([None, "k1", "k1", "k2", None, None]),
        "resolved": pd.array([None, False, True, True, None, None], dtype="boolean"),
        "wait_minutes": [0.0, 30.0, 90.0, 10.0, np.nan, 0.0],
        "asked_known_info": pd.array([False, True, False, False, None, False], dtype="boolean"),
        "updates_sent": pd.array([None, 0, 1, 0, None, None], dtype="Int64"),
    })
    resp = pd.DataFrame({
        "response_id": _s(["r1", "r2", "r3", "r4", "r5", "r6", "r7"]),
        "customer_id": _s(["c1", "c1", "c1", "c2", "c2", "c1", "c3"]),
        "interaction_id": _s(["i1", "i2", "i3", "i4", "i4", None, "i6"]),
        "answered_at": pd.to_datetime(["2025-01-02", "2025-02-01", "2025-02-06", "2025-03-02", "2025-03-03",
                                       "2025-06-01", "2025-04-02"]),
        "survey": _s(["transactional"] * 5 + ["relationship", "transactional"]),
        "nps": pd.array([9, 3, None, None, None, 6, 2], dtype="Int64"),
        "csat": pd.array([4, 2, 5, None, None, None, None], dtype="Int64"),
        "ces": pd.array([7, 1, None, 4, None, None, None], dtype="Int64"),
        "rating_store_visit": pd.array([5, None, None, None, None, None, 1], dtype="Int64"),
        "rating_support_call": pd.array([None, None, 4, None, None, 1, None], dtype="Int64"),
        "rating_billing": pd.array([None, None, None, 3, 5, None, None], dtype="Int64"),
        "flag_speeder": pd.array([False] * 6 + [True], dtype="boolean"),
    })
    return inter, resp


# --------------------------------------------------------------------------------------------
# touchpoint scores
# --------------------------------------------------------------------------------------------
def test_touchpoint_scores_pick_touchpoint_rating_then_csat_and_average_duplicates():
    inter, resp = tiny()
    s = touchpoint_scores(inter, resp)
    # i1: rating_store_visit 5 beats csat 4; i2: no support rating -> csat 2; i3: 4; i4: mean(3, 5); i5: none
    np.testing.assert_allclose(s["rating"], [5, 2, 4, 4, np.nan, 1])
    np.testing.assert_allclose(s["experience"], [100, 25, 75, 75, np.nan, 0])
    np.testing.assert_allclose(s["effort_score"], [100, 0, np.nan, 50, np.nan, np.nan])
    np.testing.assert_allclose(s["t_nps"], [9, 3, np.nan, np.nan, np.nan, 2])
    assert s["interaction_id"].tolist() == inter["interaction_id"].tolist()


def test_touchpoint_scores_ignore_relationship_answers_and_excluded_flags():
    inter, resp = tiny()
    s = touchpoint_scores(inter, resp, exclude_flags=["flag_speeder"])
    assert np.isnan(s.loc[5, "rating"])  # r7 was a speeder
    # the relationship answer r6 (rating_support_call = 1) never reaches an interaction
    assert s.loc[1, "rating"] == 2.0


def test_touchpoint_scores_do_not_mutate_inputs():
    inter, resp = tiny()
    before_i, before_r = inter.copy(), resp.copy()
    touchpoint_scores(inter, resp)
    journey_index(inter, resp)
    pd.testing.assert_frame_equal(inter, before_i)
    pd.testing.assert_frame_equal(resp, before_r)


# --------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------
def test_case_table_counts_repeats_handoffs_and_silent_waits():
    inter, _ = tiny()
    c = case_table(inter).set_index("case_id")
    assert c.loc["k1", "n_contacts"] == 2 and c.loc["k1", "n_repeats"] == 1
    assert c.loc["k1", "n_handoffs"] == 1  # care -> billing
    assert c.loc["k1", "resolved"] == 1.0
    assert c.loc["k1", "n_known_info"] == 1
    # i2 unresolved, 5 days (7200 min) until i3, no update sent -> silent
    assert c.loc["k1", "silent"] == 1.0 and c.loc["k1", "n_silent"] == 1
    assert c.loc["k2", "n_contacts"] == 1 and c.loc["k2", "silent"] == 0.0
    # a 2-day threshold vs a 6-day threshold
    assert case_table(inter, silent_minutes=6 * 1440).set_index("case_id").loc["k1", "silent"] == 0.0


def test_case_table_silent_needs_a_known_zero_updates_and_resolution_is_the_last_contact():
    inter = pd.DataFrame({
        "interaction_id": _s(["a", "b", "c", "d", "e"]), "customer_id": _s(["x"] * 5),
        "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05"]),
        "case_id": _s(["k1", "k2", "k3", "k4", "k4"]),
        "department": _s(["care", "care", "care", "care", None]),
        "resolved": pd.array([True, True, True, True, None], dtype="boolean"),
        "wait_minutes": [5000.0, 5000.0, 5000.0, 1.0, 1.0],
        "updates_sent": pd.array([1, 0, None, 0, 0], dtype="Int64"),
    })
    c = case_table(inter).set_index("case_id")
    assert c["silent"].tolist() == [0.0, 1.0, 0.0, 0.0]  # update sent / silent / unknown / short
    assert np.isnan(c.loc["k4", "resolved"])  # last contact unknown, not the earlier True
    assert c.loc["k4", "n_handoffs"] == 0  # a missing department is not a hand-off


# --------------------------------------------------------------------------------------------
# journey index
# --------------------------------------------------------------------------------------------
C1 = {"rating": 50.0, "effort": 50.0, "resolution": 100.0, "first_contact": 0.0, "known_info": 200 / 3,
      "no_silent_wait": 0.0, "wait": 200 / 3}
C2 = {"rating": 75.0, "effort": 50.0, "resolution": 100.0, "first_contact": 100.0, "known_info": 100.0,
      "no_silent_wait": 100.0, "wait": 100.0}
C3 = {"rating": 0.0, "effort": np.nan, "resolution": np.nan, "first_contact": np.nan, "known_info": 100.0,
      "no_silent_wait": np.nan, "wait": 100.0}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_journey_index_known_answer_peak_end(engine):
    inter, resp = tiny()
    idx = journey_index(inter, resp, engine=engine).set_index("customer_id")
    for cid, comp in (("c1", C1), ("c2", C2), ("c3", C3)):
        np.testing.assert_allclose(idx.loc[cid, list(COMPONENTS)].astype(float), [comp[k] for k in COMPONENTS],
                                   err_msg=cid)
    assert idx.loc["c1", "journey_index"] == pytest.approx((50 + 50 + 100 + 0 + 200 / 3 + 0 + 200 / 3) / 7)
    assert idx.loc["c2", "journey_index"] == pytest.approx(625 / 7)
    assert idx.loc["c3", "journey_index"] == pytest.approx(200 / 3)
    assert idx["n_components"].tolist() == [7, 7, 3]
    assert idx["n_interactions"].tolist() == [3, 2, 1]
    assert idx["n_rated"].tolist() == [3, 1, 1]
    assert idx["n_cases"].tolist() == [1, 1, 0]
    assert idx.loc["c1", "touchpoint_mean"] == pytest.approx(200 / 3)
    assert (idx.loc["c1", "rating_worst"], idx.loc["c1", "rating_last"]) == (25.0, 75.0)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_journey_index_recency_and_mean_aggregates(engine):
    inter, resp = tiny()
    rec = journey_index(inter, resp, aggregate="recency", half_life_days=30, engine=engine).set_index("customer_id")
    # c1's ratings 100, 25, 75 made 35, 5 and 0 days before the last rating
    w = np.array([0.5 ** (35 / 30), 0.5 ** (5 / 30), 1.0])
    assert rec.loc["c1", "rating"] == pytest.approx((w @ [100, 25, 75]) / w.sum())
    mean = journey_index(inter, resp, aggregate="mean", engine=engine).set_index("customer_id")
    assert mean.loc["c1", "rating"] == pytest.approx(200 / 3)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_journey_index_weights_as_of_and_period(engine):
    inter, resp = tiny()
    wtd = journey_index(inter, resp, weights={"rating": 3}, engine=engine).set_index("customer_id")
    assert wtd.loc["c1", "journey_index"] == pytest.approx((3 * 50 + 50 + 100 + 0 + 200 / 3 + 0 + 200 / 3) / 9)
    early = journey_index(inter, resp, as_of="2025-03-15", engine=engine)
    assert early["customer_id"].tolist() == ["c1", "c2"]
    per = journey_index(inter, resp, period="month", engine=engine)
    c1 = per[per["customer_id"] == "c1"].set_index("period")
    assert c1.index.tolist() == ["2025-01", "2025-02"]
    # January: ratings 100 then 25 (worst 25, last 25); case k1 opened Jan 31 belongs to January
    assert c1.loc["2025-01", "journey_index"] == pytest.approx((25 + 50 + 100 + 0 + 50 + 0 + 100) / 7)
    # February: rating 75, known info 100, wait 90 min > 60 -> 0; no case opened
    assert c1.loc["2025-02", "journey_index"] == pytest.approx((75 + 100 + 0) / 3)


def test_journey_index_rejects_bad_options_with_clear_errors():
    inter, resp = tiny()
    with pytest.raises(ValueError, match="aggregate"):
        journey_index(inter, resp, aggregate="median")
    with pytest.raises(ValueError, match="Unknown component"):
        journey_index(inter, resp, weights={"ratings": 2})
    with pytest.raises(DataError, match="occurred_at"):
        journey_index(inter.drop(columns="occurred_at"), resp)


def _random_journeys(n_customers: int, seed: int):
    rng = np.random.default_rng(seed)
    n = n_customers * 6
    cust = rng.integers(0, n_customers, n)
    tps = np.array(["billing", "support_call", "store_visit"])
    tp = rng.choice(tps, n)
    inter = pd.DataFrame({
        "interaction_id": _s([f"i{j:05d}" for j in range(n)]),
        "customer_id": _s([f"c{c}" for c in cust]),
        # whole days: ties in time happen, and both engines must treat them alike
        "occurred_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        "stage": _s(rng.choice(["buy", "use", "support"], n)),
        "channel": _s(rng.choice(["phone", "web", "chat"], n)),
        "touchpoint": _s(tp),
        "department": _s(np.where(rng.random(n) < 0.1, None, rng.choice(["care", "finance"], n))),
        "case_id": _s(np.where(rng.random(n) < 0.5, np.char.add("k", (cust * 2 + rng.integers(0, 2, n)).astype(str)),
                               None)),
        "resolved": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.6), dtype="boolean"),
        "wait_minutes": np.where(rng.random(n) < 0.1, np.nan, rng.exponential(2000, n)),
        "asked_known_info": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) < 0.2), dtype="boolean"),
        "updates_sent": pd.array(np.where(rng.random(n) < 0.1, None, rng.integers(0, 2, n)), dtype="Int64"),
    })
    m = rng.random(n) < 0.5
    k = int(m.sum())
    resp = pd.DataFrame({
        "response_id": _s([f"r{j}" for j in range(k)]),
        "customer_id": inter.loc[m, "customer_id"].to_numpy(),
        "interaction_id": inter.loc[m, "interaction_id"].to_numpy(),
        "answered_at": inter.loc[m, "occurred_at"].to_numpy(),
        "survey": _s(["transactional"] * k),
        "csat": pd.array(np.where(rng.random(k) < 0.2, None, rng.integers(1, 6, k)), dtype="Int64"),
        "ces": pd.array(np.where(rng.random(k) < 0.3, None, rng.integers(1, 8, k)), dtype="Int64"),
    })
    for t in tps:
        resp[f"rating_{t}"] = pd.array(np.where(rng.random(k) < 0.5, None, rng.integers(1, 6, k)), dtype="Int64")
    return inter, resp


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("aggregate", ["peak_end", "recency", "mean"])
def test_duckdb_engine_gives_the_same_numbers_as_pandas(seed, aggregate):
    inter, resp = _random_journeys(150, seed)
    for period in (None, "quarter", "month", "year"):
        a = journey_index(inter, resp, aggregate=aggregate, period=period)
        b = journey_index(inter, resp, aggregate=aggregate, period=period, engine="duckdb")
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9, atol=1e-9)


def test_journey_index_is_bounded_and_does_not_depend_on_row_order():
    inter, resp = _random_journeys(120, 3)
    a = journey_index(inter, resp)
    shuffled = inter.sample(frac=1, random_state=1)
    b = journey_index(shuffled, resp.sample(frac=1, random_state=2))
    pd.testing.assert_frame_equal(a, b)
    vals = a[["journey_index", *COMPONENTS]].to_numpy(float)
    assert np.nanmin(vals) >= 0 and np.nanmax(vals) <= 100


_comp = st.one_of(st.none(), st.floats(0, 100))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[_comp] * len(COMPONENTS)), min_size=1, max_size=6),
       st.dictionaries(st.sampled_from(COMPONENTS), st.floats(0.1, 5), max_size=3))
def test_contributions_sum_to_the_index(rows, weights):
    from cxlib.analysis.journey.components import finish_index as _finish_index

    frame = pd.DataFrame([[np.nan if v is None else v for v in r] for r in rows], columns=list(COMPONENTS))
    frame.insert(0, "customer_id", [f"c{i}" for i in range(len(frame))])
    for c in ("n_interactions", "n_rated", "n_cases"):
        frame[c] = 1
    frame["touchpoint_mean"] = frame["rating_worst"] = frame["rating_last"] = np.nan
    w = {k: 1.0 for k in COMPONENTS} | weights
    idx = _finish_index(frame, ["customer_id"], w)
    contrib = index_contributions(idx, weights=weights)
    total = contrib.groupby("customer_id")["contribution"].sum()
    has = idx.set_index("customer_id")["journey_index"]
    np.testing.assert_allclose(total[has.notna()], has.dropna(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(contrib.groupby("customer_id")["weight"].sum()[has.notna()], 1.0)
    assert has.dropna().between(0, 100).all()


def test_index_contributions_known_answer():
    inter, resp = tiny()
    idx = journey_index(inter, resp)
    c3 = index_contributions(idx).query("customer_id == 'c3' and weight > 0")
    assert c3["component"].tolist() == ["rating", "known_info", "wait"]
    np.testing.assert_allclose(c3["contribution"], [0, 100 / 3, 100 / 3])


# --------------------------------------------------------------------------------------------
# summaries, outcomes, touchpoint vs journey, paths
# --------------------------------------------------------------------------------------------
def test_summarise_index_t_interval_and_suppression():
    idx = pd.DataFrame({"customer_id": list("abcdefg"), "journey_index": [10.0, 20, 30, 40, 50, 60, 90]})
    cust = pd.DataFrame({"customer_id": list("abcdefg"), "segment": _s(["s1"] * 5 + ["s2"] * 2)})
    t = summarise_index(idx, customers=cust, by=["segment"], min_n=1).set_index("segment")
    lo, hi = stats.t.interval(0.95, 4, loc=30, scale=stats.sem([10, 20, 30, 40, 50]))
    assert (t.loc["s1", "n"], t.loc["s1", "mean"]) == (5, 30.0)
    assert t.loc["s1", ["ci_low", "ci_high"]].tolist() == pytest.approx([lo, hi])
    assert not t["suppressed"].any()
    t = summarise_index(idx, customers=cust, by=["segment"], min_n=3).set_index("segment")
    assert t.loc["s2", "n"] == 2 and bool(t.loc["s2", "suppressed"])
    assert t.loc["s2", ["mean", "sd", "ci_low", "ci_high"]].isna().all()
    # complementary: s1 alone shown would give s2 as the overall mean minus s1
    assert bool(t.loc["s1", "suppressed"]) and t.loc["s1", "n"] == 5 and np.isnan(t.loc["s1", "mean"])
    assert bool(summarise_index(idx)["suppressed"].item())  # 7 customers: below the default minimum of 30


def test_customer_outcomes_take_the_latest_relationship_answer():
    inter, resp = tiny()
    cust = pd.DataFrame({"customer_id": _s(["c1", "c2", "c3"]), "churned": pd.array([False, True, None],
                                                                                     dtype="boolean")})
    o = customer_outcomes(cust, resp).set_index("customer_id")
    assert o.loc["c1", "nps"] == 6.0  # the relationship answer, not the transactional 9 or 3
    assert np.isnan(o.loc["c2", "nps"]) and np.isnan(o.loc["c3", "nps"])
    assert o["churned"].tolist()[:2] == [0.0, 1.0] and np.isnan(o.loc["c3", "churned"])


def test_touchpoint_vs_journey_quadrants():
    idx = pd.DataFrame({"customer_id": list("abcde"), "touchpoint_mean": [90.0, 90, 20, 20, np.nan],
                        "journey_index": [30.0, 80, 80, 30, 50]})
    q = touchpoint_vs_journey(idx, journey_cut=50)
    assert q["quadrant"].tolist() == ["good touchpoints, poor journey", "both good",
                                      "poor touchpoints, good journey", "both poor"]
    # median journey cut: median of 30, 80, 80, 30 is 55
    q2 = touchpoint_vs_journey(idx, touchpoint_cut="median")
    assert q2["journey_good"].tolist() == [False, True, True, False]
    assert q2["touchpoint_good"].tolist() == [True, True, False, False]


def test_journey_paths_steps_truncation_and_collapse():
    inter, _ = tiny()
    p = journey_paths(inter).set_index("customer_id")
    assert p.loc["c1", "path"] == "store buy → phone support → phone support"
    assert p.loc["c2", "path"] == "web use → app use"
    short = journey_paths(inter, max_steps=2).set_index("customer_id")
    assert short.loc["c1", "path"] == "store buy → phone support → …" and short.loc["c1", "n_steps"] == 3
    coll = journey_paths(inter, collapse_repeats=True).set_index("customer_id")
    assert coll.loc["c1", "path"] == "store buy → phone support"
    cases = journey_paths(inter, unit="case", step="touchpoint_channel")
    assert cases.set_index("case_id").loc["k1", "path"] == "phone support_call → phone support_call"


def test_path_outcomes_rates_intervals_and_suppression():
    paths = pd.DataFrame({"customer_id": list("abcdefg"), "path": ["x"] * 4 + ["y"] * 2 + ["z"]})
    out = pd.DataFrame({"customer_id": list("abcdefg"), "churned": [1.0, 0, 0, 1, 0, 0, 1],
                        "nps": [10.0, 8, 6, np.nan, 0, 3, 5], "journey_index": [50.0, 60, 70, 80, 20, 30, 40]})
    t = path_outcomes(paths, out, min_n=2).set_index("path")
    assert t.index.tolist() == ["x", "y", "z"]
    assert (t.loc["x", "n"], t.loc["x", "churn_rate"], t.loc["x", "n_nps"]) == (4, 0.5, 3)
    lo, hi = proportion_confint(2, 4, method="wilson")
    assert t.loc["x", ["churn_ci_low", "churn_ci_high"]].tolist() == pytest.approx([lo, hi])
    lo, hi = stats.t.interval(0.95, 2, loc=8, scale=stats.sem([10, 8, 6]))
    assert t.loc["x", ["nps_ci_low", "nps_ci_high"]].tolist() == pytest.approx([lo, hi])
    assert t.loc["x", "share"] == pytest.approx(4 / 7)
    assert bool(t.loc["z", "suppressed"]) and np.isnan(t.loc["z", "churn_rate"]) and t.loc["z", "n"] == 1
    assert path_outcomes(paths, out, top=1, min_n=1)["path"].tolist() == ["x"]


def test_paths_do_not_depend_on_row_order_and_empty_inputs_give_empty_frames():
    inter, _ = _random_journeys(60, 5)
    pd.testing.assert_frame_equal(journey_paths(inter), journey_paths(inter.sample(frac=1, random_state=4)))
    none = inter.iloc[:0]
    assert journey_paths(none).empty and case_table(none).empty and journey_index(none, None).empty
    assert journey_index(none, None).columns.tolist()[:2] == ["customer_id", "journey_index"]


@pytest.mark.parametrize("module", ["cxlib.analysis.journey.common", "cxlib.analysis.journey.scores", "cxlib.analysis.journey.cases", "cxlib.analysis.journey.index", "cxlib.analysis.journey.index_sql", "cxlib.analysis.journey.outcomes", "cxlib.analysis.journey.paths", "cxlib.analysis.journey.lifecycle", "cxlib.analysis.journey.consistency", "cxlib.analysis.journey.friction",
                                    "cxlib.analysis.journey.value"])
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 and result.failed == 0
