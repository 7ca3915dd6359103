"""Known answers for the benchmark, the owners' scorecard and the closed-loop follow-up list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sst
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from cxlib.analysis import benchmark, followup, owners
from cxlib.errors import DataError


def _nps_code(x):
    x = np.asarray(x, float)
    return np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0))


def test_benchmark_scores_and_tests_against_scipy_welch_and_holm():
    rng = np.random.default_rng(2)
    groups = {"Us": rng.integers(0, 11, 200), "A": rng.integers(3, 11, 150), "B": rng.integers(0, 9, 120),
              "Tiny": rng.integers(0, 11, 12)}
    data = pd.concat([pd.DataFrame({"nps": v, "company": k}) for k, v in groups.items()], ignore_index=True)
    data.loc[:9, "company"] = None  # the client's own rows may leave the company empty
    res = benchmark.benchmark(data, client="Us", min_n=1)
    t = res.table.set_index("company")
    us = _nps_code(groups["Us"])
    assert t.loc["Us", "is_client"] and t.loc["Us", "n"] == 200 and t.loc["Us", "score"] == pytest.approx(us.mean())
    raw = {}
    for k in ("A", "B", "Tiny"):
        other = _nps_code(groups[k])
        w = sst.ttest_ind(us, other, equal_var=False)  # client − competitor
        raw[k] = w.pvalue
        assert t.loc[k, "gap"] == pytest.approx(us.mean() - other.mean())
        assert [t.loc[k, "gap_ci_low"], t.loc[k, "gap_ci_high"]] == pytest.approx(list(w.confidence_interval()))
    adj = multipletests([raw["A"], raw["B"], raw["Tiny"]], method="holm")[1]
    assert t.loc[["A", "B", "Tiny"], "p_adjusted"].tolist() == pytest.approx(list(adj))
    assert res.client_rank == 1 + int((t.loc[["A", "B", "Tiny"], "score"] > t.loc["Us", "score"]).sum())
    # at the client's minimum: Tiny is hidden, and B with it (else Tiny = all companies minus the others);
    # hidden companies are not tested, so the correction runs over A alone
    res = benchmark.benchmark(data, client="Us", min_n=30)
    t = res.table.set_index("company")
    assert t.loc[["Tiny", "B"], "suppressed"].all() and t.loc[["Tiny", "B"], ["score", "gap"]].isna().all().all()
    assert t.loc["A", "p_adjusted"] == pytest.approx(raw["A"]) and not t.loc["Us", "suppressed"]
    assert "against 3 competitor(s)" in res.summary()


def test_benchmark_refuses_what_it_cannot_do():
    data = pd.DataFrame({"nps": [5, 9], "company": ["Us", "Us"]})
    with pytest.raises(DataError, match="no competitor"):
        benchmark.benchmark(data, client="Us")
    with pytest.raises(DataError, match="not a value"):
        benchmark.benchmark(data, client="Them")
    with pytest.raises(DataError, match="naming the company"):
        benchmark.benchmark(data.drop(columns="company"), client="Us")


def _owner_frames():
    r = pd.DataFrame({"survey": "relationship", "rating_bill": [5, 2, 1, 2] * 15, "rating_app": [5, 5, 4, 5] * 15,
                      "rating_shop": [5, 4] * 30})
    sa = pd.DataFrame({"touchpoint": ["bill", "app", "shop"], "self_rating": [5, 5, 4],
                       "expected_top_box_pct": [90.0, 70.0, 50.0], "promise": ["Clear bills", "One app", "Friendly"],
                       "owner": ["Finance", "Digital", "Digital"]})
    inter = pd.DataFrame({"interaction_id": [f"i{j}" for j in range(100)], "customer_id": "x",
                          "touchpoint": ["bill"] * 50 + ["app"] * 50, "department": ["finance"] * 50 + ["digital"] * 50,
                          "asked_known_info": pd.array([True] * 20 + [False] * 30 + [True] * 5 + [False] * 45,
                                                       dtype="boolean"),
                          "occurred_at": pd.Timestamp("2025-01-01")})
    return r, sa, inter


def test_owner_scorecard_gap_and_friction():
    r, sa, inter = _owner_frames()
    card = owners.owner_scorecard(r, sa, inter, min_n=30)
    o = card.owners.set_index("owner")
    assert card.owners["owner"].tolist() == ["Finance", "Digital"]  # widest gap first
    fin = o.loc["Finance"]
    assert (fin["worst_gap_touchpoint"], fin["worst_gap"]) == ("bill", pytest.approx(90 - 25))
    lo, hi = proportion_confint(15, 60, method="wilson")
    assert [fin["worst_gap_ci_low"], fin["worst_gap_ci_high"]] == pytest.approx([90 - 100 * hi, 90 - 100 * lo])
    assert fin["top_friction"] == "asked again" and fin["top_friction_rate"] == 0.4
    assert fin["top_friction_lift"] == pytest.approx(0.4 / 0.25)
    dig = o.loc["Digital"]
    assert dig["n_touchpoints"] == 2 and dig["worst_gap_touchpoint"] == "shop" and pd.isna(dig["top_friction"])
    assert dig["mean_rating"] == pytest.approx((60 * 4.75 + 60 * 4.5) / 120)
    f = card.friction.set_index(["owner", "signal"])
    assert f.loc[("Finance", "asked again"), ["ci_low", "ci_high"]].tolist() == pytest.approx(
        list(proportion_confint(20, 50, method="wilson")))
    assert set(card.touchpoints["promise"]) == {"Clear bills", "One app", "Friendly"}
    assert "Finance: 1 touchpoint(s)" in card.summary()


def test_owners_fall_back_to_departments_and_suppress_small_touchpoints():
    r, sa, inter = _owner_frames()
    fallback = owners.touchpoint_owners(sa.drop(columns="owner"), inter).set_index("touchpoint")
    assert fallback.loc["bill", "owner"] == "finance" and fallback.loc["bill", "source"] == "interactions"
    with pytest.raises(DataError, match="owner"):
        owners.touchpoint_owners(sa.drop(columns="owner"), None)
    small = owners.owner_scorecard(r.head(20), sa, inter, min_n=30)
    assert small.touchpoints["suppressed"].all() and small.owners["worst_gap"].isna().all()


def _loop_frames():
    inter = pd.DataFrame({
        "interaction_id": ["i1", "i2", "i3", "i4", "i5"], "customer_id": ["a", "a", "a", "b", "c"],
        "occurred_at": pd.to_datetime(["2025-06-01", "2025-06-03", "2025-06-09", "2025-06-10", "2025-01-05"]),
        "touchpoint": ["support", "support", "support", "bill", "support"], "channel": ["phone", "chat", "phone",
                                                                                      "web", "phone"],
        "department": ["care", "billing", "care", "finance", "care"], "case_id": ["k1", "k1", "k1", None, "k2"],
        "resolved": pd.array([False, False, False, None, False], dtype="boolean"),
        "asked_known_info": pd.array([True, True, False, False, False], dtype="boolean"),
        "wait_minutes": [5.0, 5.0, 5.0, None, 5.0], "updates_sent": pd.array([0, 0, 0, None, 1], dtype="Int64")})
    resp = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "customer_id": ["b", "a", "c"],
                         "interaction_id": ["i4", None, None], "survey": ["transactional", "relationship", "relationship"],
                         "answered_at": pd.to_datetime(["2025-06-10", "2025-06-12", "2025-01-10"]),
                         "nps": pd.array([9, 2, 1], dtype="Int64"), "csat": pd.array([1, None, None], dtype="Int64"),
                         "rating_support": pd.array([None, 1, None], dtype="Int64"),
                         "rating_bill": pd.array([None, 4, None], dtype="Int64"),
                         "comment": ["awful", "my email is x@y.z", None]})
    cust = pd.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["smb", "consumer", "smb"],
                         "annual_value": [900.0, 100.0, 50.0]})
    return inter, resp, cust


def test_follow_up_list_events_owners_window_and_no_free_text():
    inter, resp, cust = _loop_frames()
    t = followup.follow_up_list(inter, resp, cust, days=30, owners={"support": "Customer Care"})
    got = set(zip(t["customer_id"], t["reason"]))
    # a: case k1 silent (6 days to the next contact, no update), unresolved, 3 contacts, asked twice,
    #    handed care -> billing -> care (2 hand-offs, 2 departments), and a relationship detractor
    assert {("a", "silent_wait"), ("a", "unresolved"), ("a", "repeat_contacts"), ("a", "asked_again"),
            ("a", "handoffs"), ("a", "detractor"), ("b", "low_rating")} <= got
    assert ("b", "detractor") not in got  # NPS 9
    assert all(c != "c" for c in t["customer_id"])  # c's events are older than 30 days
    det = t[(t["customer_id"] == "a") & (t["reason"] == "detractor")].iloc[0]
    assert det["what_went_wrong"] == "detractor: NPS 2 of 10" and det["touchpoint"] == "support"
    assert det["suggested_owner"] == "Customer Care"  # placed at the lowest-rated touchpoint
    low = t[t["reason"] == "low_rating"].iloc[0]
    assert (low["touchpoint"], low["suggested_owner"], low["channel"]) == ("bill", "finance", "web")
    assert t["severity"].is_monotonic_decreasing
    assert "comment" not in t.columns and not t.astype(str).apply(lambda c: c.str.contains("@")).any().any()
    assert set(t["reason"]) <= set(followup.REASONS)
    everything = followup.follow_up_list(inter, resp, cust, days=365)
    assert "c" in set(everything["customer_id"])
    assert followup.follow_up_list(None, None).empty
