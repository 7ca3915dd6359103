"""Known-answer and property tests for cxlib.analysis.metrics (score tables, suppression, comparisons, trends)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from cxlib.analysis import metrics as M
from cxlib.errors import DataError

Z95 = 1.959963984540054
NPS_COLUMNS = ["n", "nps", "pct_promoters", "pct_detractors", "ci_low", "ci_high", "method", "suppressed"]


def _responses(n=600, seed=0):
    """Canonical-shaped responses: ids as strings, datetimes, nps/csat/ces/ratings nullable ints."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(["consumer", "small_business", "enterprise"], n, p=[0.6, 0.3, 0.1])
    base = np.where(seg == "consumer", 7.5, np.where(seg == "small_business", 6.0, 8.0))
    nps = np.clip(np.round(base + rng.normal(0, 2, n)), 0, 10)
    days = rng.integers(0, 180, n)
    df = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "customer_id": [f"c{i % 400}" for i in range(n)],
        "answered_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D"),
        "survey": "relationship",
        "nps": pd.array(nps.astype(int), dtype="Int64"),
        "csat": pd.array(rng.integers(1, 6, n), dtype="Int64"),
        "ces": pd.array(rng.integers(1, 8, n), dtype="Int64"),
        "rating_billing": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(1, 6, n)), dtype="Int64"),
        "rating_support_call": pd.array(rng.integers(1, 6, n), dtype="Int64"),
        "segment": pd.array(seg, dtype="string"),
    })
    for c in ("response_id", "customer_id", "survey"):
        df[c] = df[c].astype("string")
    return df


# ----------------------------------------------------------------- NPS table


def test_nps_hand_computed():
    r = pd.DataFrame({"nps": [10] * 50 + [8] * 30 + [2] * 20})
    t = M.nps(r, min_n=30, method="wald")
    assert list(t.columns) == NPS_COLUMNS
    row = t.iloc[0]
    assert row["n"] == 100 and row["nps"] == 30 and row["pct_promoters"] == 50 and row["pct_detractors"] == 20
    half = 100 * Z95 * math.sqrt(0.0061)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((30 - half, 30 + half), abs=1e-9)
    assert row["method"] == "wald" and not row["suppressed"]
    t2 = M.nps(r, min_n=30)
    assert t2["method"].iloc[0] == "adjusted_wald"
    assert (t2["ci_low"].iloc[0], t2["ci_high"].iloc[0]) == pytest.approx((14.051, 44.201), abs=1e-3)


def test_nps_boundaries_of_categories():
    # 9 and 10 promote, 7 and 8 are passive, 0-6 detract
    r = pd.DataFrame({"nps": list(range(11))})
    row = M.nps(r, min_n=1).iloc[0]
    assert row["pct_promoters"] == pytest.approx(200 / 11)
    assert row["pct_detractors"] == pytest.approx(700 / 11)


def test_nps_by_group_and_missing_scores():
    r = pd.DataFrame({"nps": pd.array([10, 9, 3, None, 10, 7], dtype="Int64"), "segment": list("aaabbb")})
    t = M.nps(r, by="segment", min_n=1)
    assert t["segment"].tolist() == ["a", "b"]
    assert t["n"].tolist() == [3, 2]
    assert t["nps"].tolist() == pytest.approx([100 / 3, 50.0])


def test_missing_group_label_is_its_own_group():
    r = pd.DataFrame({"nps": [10, 9, 3, 10], "segment": pd.array(["a", None, "a", None], dtype="string")})
    t = M.nps(r, by="segment", min_n=1, complementary=False)
    assert t["n"].sum() == 4 and t["segment"].isna().sum() == 1


def test_weighted_nps_hand_computed():
    r = pd.DataFrame({"nps": [10, 10, 0, 8], "w": [1.0, 1.0, 2.0, 4.0]})
    row = M.nps(r, weight="w", min_n=1, method="wald").iloc[0]
    # p = 2/8, d = 2/8 -> NPS 0; n_eff = 64/22
    assert row["nps"] == pytest.approx(0.0) and row["n_eff"] == pytest.approx(64 / 22)
    half = 100 * Z95 * math.sqrt((0.5 - 0) / (64 / 22))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-half, half))


def test_equal_weights_equal_unweighted():
    r = _responses().assign(w=2.5)
    a = M.nps(r, by="segment", min_n=30)
    b = M.nps(r, by="segment", min_n=30, weight="w")
    pd.testing.assert_frame_equal(a, b.drop(columns="n_eff"))


def test_weights_validated():
    r = pd.DataFrame({"nps": [10, 5], "w": [1.0, -1.0]})
    with pytest.raises(DataError, match="weights must be >= 0"):
        M.nps(r, weight="w", min_n=1)


def test_bootstrap_is_seeded_and_close_to_analytic():
    r = _responses(3000)
    a = M.nps(r, method="bootstrap", n_boot=2000, seed=3, min_n=30)
    b = M.nps(r, method="bootstrap", n_boot=2000, seed=3, min_n=30)
    pd.testing.assert_frame_equal(a, b)
    w = M.nps(r, method="wald", min_n=30)
    assert a["method"].iloc[0] == "bootstrap_percentile"
    assert a["ci_low"].iloc[0] == pytest.approx(w["ci_low"].iloc[0], abs=1.0)
    assert a["ci_high"].iloc[0] == pytest.approx(w["ci_high"].iloc[0], abs=1.0)


def test_weighted_bootstrap_of_a_mean_runs():
    r = _responses(500).assign(w=lambda d: 1.0 + (d["segment"] == "enterprise").astype(float))
    t = M.ces(r, by="segment", weight="w", method="bootstrap", n_boot=300, min_n=10)
    assert (t["ci_low"] <= t["score"]).all() and (t["score"] <= t["ci_high"]).all()


# ----------------------------------------------------------------- CSAT, CES, ratings


def test_csat_top2_matches_statsmodels_wilson():
    r = _responses()
    t = M.csat(r, min_n=30)
    x = r["csat"].to_numpy(dtype=float)
    k, n = int((x >= 4).sum()), len(x)
    assert t["score"].iloc[0] == pytest.approx(100 * k / n)
    ref = proportion_confint(k, n, method="wilson")
    assert (t["ci_low"].iloc[0], t["ci_high"].iloc[0]) == pytest.approx((100 * ref[0], 100 * ref[1]))
    assert list(t.columns) == ["n", "score", "ci_low", "ci_high", "method", "suppressed"]


def test_ces_mean_matches_scipy_t():
    r = _responses()
    t = M.ces(r, by="segment", min_n=30)
    for seg, row in t.set_index("segment").iterrows():
        x = r.loc[r["segment"] == seg, "ces"].to_numpy(dtype=float)
        ref = sst.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sst.sem(x))
        assert row["score"] == pytest.approx(x.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(ref)


def test_touchpoint_scores_mean_and_top_box():
    r = _responses()
    t = M.touchpoint_scores(r, min_n=30)
    assert t["touchpoint"].tolist() == ["billing", "support_call"]
    x = r["rating_billing"].dropna().to_numpy(dtype=float)
    assert t.loc[0, "n"] == len(x) and t.loc[0, "score"] == pytest.approx(x.mean())
    tb = M.touchpoint_scores(r, stat="top_box", touchpoints=["billing"], min_n=30)
    assert tb.loc[0, "score"] == pytest.approx(100 * (x == 5).mean())
    assert tb.loc[0, "method"] == "wilson"


def test_score_table_rating_by_touchpoint_id_and_unknown_metric():
    r = _responses()
    a = M.score_table(r, metric="billing", min_n=30)
    b = M.score_table(r, metric="rating_billing", min_n=30)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(DataError, match="no column `fee`"):
        M.score_table(r, metric="fee")
    with pytest.raises(DataError, match="needs a known scale"):
        M.score_table(r.assign(x=1.0), metric="x", stat="top_box")


def test_out_of_range_values_refused():
    r = pd.DataFrame({"nps": [10, 11, 5]})
    with pytest.raises(DataError, match="row 1: 11 is outside 0-10"):
        M.nps(r, min_n=1)


def test_unknown_grouping_refused():
    with pytest.raises(DataError, match="with_context"):
        M.nps(_responses(), by="channel")


def test_inputs_not_mutated():
    r = _responses()
    before = r.copy()
    M.nps(r, by=["segment", "month"], min_n=5)
    M.compare_groups(r, by="segment")
    M.trend(r, min_n=5)
    pd.testing.assert_frame_equal(r, before)


# ----------------------------------------------------------------- periods and context


def test_month_quarter_derived_from_date():
    r = _responses()
    t = M.nps(r, by="month", min_n=1, complementary=False)
    assert t["month"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert t["n"].sum() == len(r)
    q = M.nps(r, by="quarter", min_n=1)
    assert q["quarter"].tolist() == ["2025Q1", "2025Q2"]


def test_with_context_joins_without_changing_rows():
    r = _responses(20)
    r["interaction_id"] = pd.array([f"i{i}" if i % 2 else None for i in range(20)], dtype="string")
    r = r.drop(columns="segment")
    customers = pd.DataFrame({"customer_id": [f"c{i}" for i in range(400)],
                              "segment": ["consumer", "enterprise"] * 200,
                              "annual_value": 100.0, "churned": False})
    interactions = pd.DataFrame({"interaction_id": [f"i{i}" for i in range(20)], "channel": "phone",
                                 "stage": "support", "touchpoint": "support_call"})
    out = M.with_context(r, customers=customers, interactions=interactions)
    assert len(out) == len(r) and out.index.equals(r.index)
    assert out["segment"].tolist()[:2] == ["consumer", "enterprise"]
    assert out["channel"].isna().sum() == 10
    assert {"month", "quarter", "annual_value", "churned", "stage"} <= set(out.columns)


# ----------------------------------------------------------------- suppression


def test_suppressed_rows_keep_label_and_n_only():
    r = pd.DataFrame({"nps": [10] * 50 + [0] * 40 + [9] * 5, "segment": ["a"] * 50 + ["b"] * 40 + ["c"] * 5})
    t = M.nps(r, by="segment", min_n=30)
    # c is small; b (next smallest) is hidden too, else c = total - a - b
    assert t["suppressed"].tolist() == [False, True, True]
    assert t.loc[2, "segment"] == "c" and t.loc[2, "n"] == 5
    hidden = t[t["suppressed"]]
    assert hidden[["nps", "pct_promoters", "pct_detractors", "ci_low", "ci_high"]].isna().all().all()
    t2 = M.nps(r, by="segment", min_n=30, complementary=False)
    assert t2["suppressed"].tolist() == [False, False, True]


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 60), min_size=2, max_size=6),
    min_n=st.integers(2, 40),
    seed=st.integers(0, 10_000),
)
def test_suppression_never_leaks_via_total_minus_subgroups(sizes, min_n, seed):
    rng = np.random.default_rng(seed)
    labels = np.repeat([f"g{i}" for i in range(len(sizes))], sizes)
    r = pd.DataFrame({"nps": rng.integers(0, 11, len(labels)), "segment": labels})
    total = M.nps(r, min_n=min_n).iloc[0]
    t = M.nps(r, by="segment", min_n=min_n)
    assert t.loc[t["n"] < min_n, "suppressed"].all()
    assert t.loc[t["suppressed"], "nps"].isna().all()
    if not total["suppressed"]:
        # With the total shown, one hidden group alone could be recovered exactly: never allowed.
        assert t["suppressed"].sum() != 1


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(0, 10), min_size=1, max_size=300),
    method=st.sampled_from(["adjusted_wald", "wald"]),
    ci=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_nps_in_range_and_ci_contains_estimate(values, method, ci):
    t = M.nps(pd.DataFrame({"nps": values}), min_n=1, method=method, ci=ci).iloc[0]
    assert -100 <= t["nps"] <= 100
    assert 0 <= t["pct_promoters"] <= 100 and 0 <= t["pct_detractors"] <= 100
    assert -100 <= t["ci_low"] <= t["nps"] <= t["ci_high"] <= 100


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(1, 5), min_size=2, max_size=200), stat=st.sampled_from(["mean", "top_box", "top2_box"]))
def test_rating_ci_contains_estimate(values, stat):
    t = M.score_table(pd.DataFrame({"rating_x": values}), metric="x", stat=stat, min_n=1).iloc[0]
    if np.isfinite(t["ci_low"]):
        assert t["ci_low"] - 1e-9 <= t["score"] <= t["ci_high"] + 1e-9


# ----------------------------------------------------------------- comparisons


def test_compare_groups_nps_matches_scipy_welch_and_holm():
    r = _responses(900)
    cmp_ = M.compare_groups(r, by="segment", min_n=30)
    assert len(cmp_) == 3 and set(cmp_["test"]) == {"welch_t"}
    coded = np.where(r["nps"] >= 9, 100.0, np.where(r["nps"] <= 6, -100.0, 0.0))
    raw = []
    for _, row in cmp_.iterrows():
        a = coded[(r["segment"] == row["segment_a"]).to_numpy()]
        b = coded[(r["segment"] == row["segment_b"]).to_numpy()]
        ref = sst.ttest_ind(b, a, equal_var=False)
        assert row["diff"] == pytest.approx(b.mean() - a.mean())
        assert row["statistic"] == pytest.approx(ref.statistic)
        assert row["p_value"] == pytest.approx(ref.pvalue)
        raw.append(ref.pvalue)
    assert cmp_["p_adjusted"].to_numpy() == pytest.approx(multipletests(raw, method="holm")[1])
    assert cmp_["significant"].tolist() == (cmp_["p_adjusted"] < 0.05).tolist()


def test_compare_groups_csat_matches_proportions_ztest():
    r = _responses(900)
    cmp_ = M.compare_groups(r, by="segment", metric="csat", reference="consumer", correction="fdr_bh")
    assert cmp_["segment_a"].unique().tolist() == ["consumer"]
    for _, row in cmp_.iterrows():
        xa = int((r.loc[r["segment"] == "consumer", "csat"] >= 4).sum())
        na = int((r["segment"] == "consumer").sum())
        sb = r["segment"] == row["segment_b"]
        xb, nb = int((r.loc[sb, "csat"] >= 4).sum()), int(sb.sum())
        stat, p = proportions_ztest([xb, xa], [nb, na])
        assert row["statistic"] == pytest.approx(stat) and row["p_value"] == pytest.approx(p)
        assert row["test"] == "two_proportion_z"


def test_compare_groups_suppressed_pairs_left_out():
    r = pd.DataFrame({"nps": [10] * 50 + [0] * 50 + [9] * 5, "segment": ["a"] * 50 + ["b"] * 50 + ["c"] * 5})
    cmp_ = M.compare_groups(r, by="segment", min_n=30, complementary=False)
    ab = cmp_[(cmp_["segment_a"] == "a") & (cmp_["segment_b"] == "b")].iloc[0]
    assert ab["significant"] and not ab["suppressed"]
    small = cmp_[cmp_["segment_b"] == "c"]
    assert small["suppressed"].all() and small["diff"].isna().all() and small["p_adjusted"].isna().all()
    assert not small["significant"].any() and small["score_b"].isna().all()
    # only one comparison in the family -> Holm leaves it as is
    assert ab["p_adjusted"] == ab["p_value"]


def test_compare_periods_and_trend_flag_a_real_drop():
    rng = np.random.default_rng(5)
    jan = rng.choice([10, 8, 3], 300, p=[0.6, 0.3, 0.1])
    feb = rng.choice([10, 8, 3], 300, p=[0.6, 0.3, 0.1])
    mar = rng.choice([10, 8, 3], 300, p=[0.3, 0.3, 0.4])
    r = pd.DataFrame({
        "nps": np.concatenate([jan, feb, mar]),
        "answered_at": pd.to_datetime(["2025-01-10"] * 300 + ["2025-02-10"] * 300 + ["2025-03-10"] * 300),
    })
    cp = M.compare_periods(r, min_n=30)
    assert cp[["month_a", "month_b"]].values.tolist() == [["2025-01", "2025-02"], ["2025-02", "2025-03"]]
    assert cp["significant"].tolist() == [False, True]
    tr = M.trend(r, min_n=30)
    assert tr["month"].tolist() == ["2025-01", "2025-02", "2025-03"]
    assert tr["significant_change"].tolist() == [False, False, True]
    assert tr.loc[2, "change"] == pytest.approx(tr.loc[2, "nps"] - tr.loc[1, "nps"])
    one = M.compare_periods(r, periods=("2025-01", "2025-03"), min_n=30)
    assert len(one) == 1 and one["significant"].iloc[0]


def test_trend_by_segment():
    r = _responses(900)
    tr = M.trend(r, by="segment", period="quarter", min_n=30)
    assert list(tr.columns[:2]) == ["segment", "quarter"]
    assert (tr.groupby("segment")["quarter"].count() == 2).all()
    assert not tr.loc[tr["quarter"] == "2025Q1", "significant_change"].any()


def test_ordered_categories_keep_their_order_and_empty_input():
    stages = pd.Categorical(["use", "buy", "use", "discover", "buy"], categories=["discover", "buy", "use"],
                            ordered=True)
    r = pd.DataFrame({"nps": [10, 9, 3, 5, 8], "stage": stages})
    t = M.nps(r, by="stage", min_n=1)
    assert t["stage"].tolist() == ["discover", "buy", "use"]
    empty = M.nps(r.iloc[:0], min_n=1)
    assert empty["n"].tolist() == [0] and empty["suppressed"].all() and empty["nps"].isna().all()
    assert len(M.nps(r.iloc[:0], by="stage", min_n=1)) == 0
