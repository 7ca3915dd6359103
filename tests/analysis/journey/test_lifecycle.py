"""Known-answer tests of cxlib.analysis.journey.lifecycle on a hand-made journey."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxlib.errors import ConfigError, DataError
from cxlib.analysis.journey.lifecycle import decay_test, stage_curve, tenure_curve

STAGES = ["discover", "buy", "onboard", "use", "renew"]


def _s(values):
    return pd.array(values, dtype="string")


def frames():
    rows = [  # customer, stage, rating, date
        ("a", "buy", 5, "2025-01-10"), ("a", "onboard", 4, "2025-02-10"), ("a", "use", 3, "2025-06-10"),
        ("b", "buy", 4, "2025-01-20"), ("b", "onboard", 4, "2025-02-20"), ("b", "use", 2, "2025-05-20"),
        ("b", "use", 3, "2025-09-20"),
        ("c", "buy", 5, "2025-03-01"), ("c", "use", 4, "2025-04-01"), ("c", "discover", 3, "2025-02-01"),
    ]
    inter = pd.DataFrame({
        "interaction_id": _s([f"i{j}" for j in range(len(rows))]),
        "customer_id": _s([r[0] for r in rows]),
        "occurred_at": pd.to_datetime([r[3] for r in rows]),
        "stage": _s([r[1] for r in rows]),
        "channel": _s(["web"] * len(rows)),
        "touchpoint": _s(["tp"] * len(rows)),
    })
    resp = pd.DataFrame({
        "response_id": _s([f"r{j}" for j in range(len(rows))]),
        "customer_id": inter["customer_id"], "interaction_id": inter["interaction_id"],
        "survey": _s(["transactional"] * len(rows)),
        "csat": pd.array([r[2] for r in rows], dtype="Int64"),
    })
    cust = pd.DataFrame({"customer_id": _s(["a", "b", "c"]), "segment": _s(["s1", "s1", "s2"]),
                         "acquired_on": pd.to_datetime(["2025-01-10", "2025-01-20", "2025-03-01"])})
    return inter, resp, cust


def test_stage_curve_follows_the_client_order_with_t_intervals():
    inter, resp, _ = frames()
    t = stage_curve(inter, resp, stages=STAGES, min_n=1)
    assert t["stage"].tolist() == STAGES and t["stage_order"].tolist() == [0, 1, 2, 3, 4]
    assert t["n"].tolist() == [1, 3, 2, 4, 0]
    assert t["n_customers"].tolist() == [1, 3, 2, 3, 0]
    np.testing.assert_allclose(t["mean"], [3, 14 / 3, 4, 3, np.nan])
    buy = t.set_index("stage").loc["buy"]
    lo, hi = stats.t.interval(0.95, 2, loc=14 / 3, scale=stats.sem([5, 4, 5]))
    assert [buy["ci_low"], buy["ci_high"]] == pytest.approx([lo, hi])
    assert np.isnan(t.loc[0, "ci_low"])  # one rating: no interval


def test_stage_curve_by_segment_with_suppression():
    inter, resp, cust = frames()
    t = stage_curve(inter, resp, stages=STAGES, by=["segment"], customers=cust, min_n=1)
    s1 = t[t["segment"] == "s1"].set_index("stage")
    assert s1.loc["buy", "n"] == 2 and s1.loc["buy", "mean"] == 4.5 and not s1.loc["buy", "suppressed"]
    t = stage_curve(inter, resp, stages=STAGES, by=["segment"], customers=cust, min_n=2)
    s1 = t[t["segment"] == "s1"].set_index("stage")
    s2 = t[t["segment"] == "s2"].set_index("stage")
    assert s2.loc["buy", "n"] == 1 and bool(s2.loc["buy", "suppressed"]) and np.isnan(s2.loc["buy", "mean"])
    # complementary: s2's buy cell hidden alone would be buy's total minus s1's
    assert s1.loc["buy", "n"] == 2 and bool(s1.loc["buy", "suppressed"]) and np.isnan(s1.loc["buy", "mean"])
    assert s1.loc["onboard", "mean"] == 4.0 and not s1.loc["onboard", "suppressed"]
    assert len(t) == 2 * len(STAGES)
    per = stage_curve(inter, resp, stages=STAGES, by=["period"], period="quarter", min_n=1).set_index(["period", "stage"])
    assert per.loc[("2025Q1", "buy"), "n"] == 3 and per.loc[("2025Q3", "use"), "mean"] == 3.0


def test_stage_curve_unknown_sale_stage_is_a_config_error():
    inter, resp, _ = frames()
    with pytest.raises(ConfigError, match="sale_stage"):
        decay_test(inter, resp, stages=STAGES, sale_stage="purchase", min_n=1)


def test_tenure_curve_bands():
    inter, resp, cust = frames()
    t = tenure_curve(inter, resp, cust, min_n=1).set_index("tenure")
    # before acquisition: c's discover (3); 0-3 months: the three buys, a/b onboard, c's use (1 month)
    assert t.loc["before acquisition", "n"] == 1
    assert t.loc["0-3 months", "n"] == 6
    assert t.loc["0-3 months", "mean"] == pytest.approx((5 + 4 + 4 + 4 + 5 + 4) / 6)
    # b's use on 2025-05-20 is 4.0 months after acquisition, a's on 2025-06-10 5.0 months
    assert t.loc["3-6 months", "n"] == 2 and t.loc["3-6 months", "mean"] == 2.5
    assert t.loc["6-12 months", "n"] == 1 and t.loc["6-12 months", "mean"] == 3.0
    assert t.index.tolist()[-1] == "24+ months" and t.loc["24+ months", "n"] == 0


def _cr1_se(y, X, groups, c):
    """Cluster-robust (CR1) standard error of c'b, by the textbook sandwich formula."""
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ y
    e = y - X @ b
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in np.unique(groups):
        s = X[groups == g].T @ e[groups == g]
        meat += np.outer(s, s)
    n, k, G = len(y), X.shape[1], len(np.unique(groups))
    V = G / (G - 1) * (n - 1) / (n - k) * xtx_inv @ meat @ xtx_inv
    return float(c @ b), float(np.sqrt(c @ V @ c))


def test_decay_test_contrast_known_answer_with_clustered_se():
    inter, resp, cust = frames()
    d = decay_test(inter, resp, stages=STAGES, sale_stage="buy", customers=cust, min_n=1)
    assert d.peak_stage == "buy"
    row = d.table.set_index("test").loc["later stages − sale stage"]
    # later-stage means 4 (onboard) and 3 (use); sale stage 14/3
    assert row["estimate"] == pytest.approx((4 + 3) / 2 - 14 / 3)
    # post-sale ratings in the order buy, onboard, use
    y = np.array([5, 4, 3, 4, 4, 2, 3, 5, 4], float)
    st_ = ["buy", "onboard", "use", "buy", "onboard", "use", "use", "buy", "use"]
    groups = np.array(list("aaabbbbcc"))
    X = np.array([[s == "buy", s == "onboard", s == "use"] for s in st_], float)
    est, se = _cr1_se(y, X, groups, np.array([-1, 0.5, 0.5]))
    assert row["se"] == pytest.approx(se)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(est / se)))
    assert row["p_decay"] == pytest.approx(stats.norm.cdf(est / se))
    assert row["ci_low"] == pytest.approx(est - stats.norm.ppf(0.975) * se)
    assert (row["n"], row["n_customers"]) == (9, 3)
    trend = d.table.set_index("test").loc["trend per stage after sale"]
    pos = np.array([{"buy": 0, "onboard": 1, "use": 2}[s] for s in st_], float)
    assert trend["estimate"] == pytest.approx(np.polyfit(pos, y, 1)[0])
    assert "trend per year of tenure" in d.table["test"].tolist()
    assert "sale stage: buy" in d.summary()


def test_decay_test_suppression_and_no_data_error():
    inter, resp, _ = frames()
    d = decay_test(inter, resp, stages=STAGES, sale_stage="buy", min_n=10)
    assert d.table["suppressed"].all() and d.table["estimate"].isna().all() and (d.table["n"] == 9).all()
    with pytest.raises(DataError, match="sale stage"):
        decay_test(inter, resp.iloc[:0], stages=STAGES, sale_stage="buy", min_n=1)


def test_decay_is_found_when_planted_and_not_when_absent():
    rng = np.random.default_rng(11)
    n = 400
    rows = []
    for c in range(n):
        for s, shift in (("buy", 0.0), ("onboard", -0.8), ("use", -1.2), ("renew", -1.2)):
            rows.append((f"c{c}", s, shift))
    inter = pd.DataFrame(rows, columns=["customer_id", "stage", "shift"])
    inter = inter.assign(interaction_id=_s([f"i{j}" for j in range(len(inter))]), customer_id=_s(inter["customer_id"]),
                         stage=_s(inter["stage"]), touchpoint=_s(["tp"] * len(inter)),
                         occurred_at=pd.Timestamp("2025-01-01"))
    base = np.repeat(rng.normal(0, 0.5, n), 4)
    for shift, expect_decay in ((inter["shift"].to_numpy(), True), (np.zeros(len(inter)), False)):
        rating = np.clip(np.round(4.3 + base + shift + rng.normal(0, 0.6, len(inter))), 1, 5)
        resp = pd.DataFrame({"response_id": _s([f"r{j}" for j in range(len(inter))]),
                             "interaction_id": inter["interaction_id"], "csat": rating.astype(int)})
        row = decay_test(inter, resp, stages=STAGES, sale_stage="buy", min_n=1).table.iloc[0]
        if expect_decay:
            assert row["p_decay"] < 0.001 and row["ci_high"] < -0.5
        else:
            assert row["ci_low"] < 0 < row["ci_high"]


def test_decay_test_by_segment():
    inter, resp, cust = frames()
    d = decay_test(inter, resp, stages=STAGES, sale_stage="buy", customers=cust, by=["segment"], min_n=1)
    t = d.table[d.table["test"] == "later stages − sale stage"].set_index("segment")
    # s1 (a, b): buy 4.5, onboard 4, use 8/3; s2 (c): buy 5, use 4
    assert t.loc["s1", "estimate"] == pytest.approx((4 + 8 / 3) / 2 - 4.5)
    assert t.loc["s2", "estimate"] == pytest.approx(-1.0)
    assert t.loc["s1", "peak_stage"] == "buy" and t.loc["s2", "peak_stage"] == "buy"
    assert ("s1", "later stages − sale stage") in d.model
    assert d.peak_stage == "buy"


def test_decay_test_one_customer_group_has_an_estimate_but_no_interval():
    inter, resp, cust = frames()
    d = decay_test(inter, resp, stages=STAGES, sale_stage="buy", customers=cust, by=["segment"], min_n=1)
    s2 = d.table[(d.table["segment"] == "s2")].set_index("test")
    assert s2.loc["later stages − sale stage", "n_customers"] == 1
    assert np.isnan(s2.loc["later stages − sale stage", "se"]) and np.isnan(s2.loc["later stages − sale stage", "p_value"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(STAGES + ["elsewhere"]), st.integers(1, 5), st.integers(0, 5)),
                min_size=1, max_size=40))
def test_stage_curve_counts_every_rating_once_and_intervals_hold_the_mean(rows):
    inter = pd.DataFrame({"interaction_id": _s([f"i{j}" for j in range(len(rows))]),
                          "customer_id": _s([f"c{r[2]}" for r in rows]), "stage": _s([r[0] for r in rows]),
                          "touchpoint": _s(["tp"] * len(rows)),
                          "occurred_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(range(len(rows)), unit="h")})
    resp = pd.DataFrame({"response_id": _s([f"r{j}" for j in range(len(rows))]), "interaction_id": inter["interaction_id"],
                         "csat": pd.array([r[1] for r in rows], dtype="Int64")})
    t = stage_curve(inter, resp, stages=STAGES, min_n=1)
    assert t["stage"].tolist() == STAGES
    assert t["n"].sum() == sum(r[0] in STAGES for r in rows)
    shown = t.dropna(subset=["ci_low"])
    assert ((shown["ci_low"] <= shown["mean"] + 1e-12) & (shown["mean"] <= shown["ci_high"] + 1e-12)).all()
    assert t["mean"].dropna().between(1, 5).all()
