"""Known-answer tests for cxlib.analysis.gap (references: hand computation, statsmodels Wilson interval,
score test and cluster-robust standard error, scipy one-sample t-test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sst
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from cxlib.analysis import gap as G
from cxlib.errors import DataError


def _responses():
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "survey": ["relationship"] * 300 + ["transactional"] * 100,
        # billing: 30 of 300 relationship answers are 5s; the transactional ones are all 5s (must be ignored)
        "rating_billing": [5] * 30 + [3] * 270 + [5] * 100,
        "rating_store_visit": rng.choice([3, 4, 5], n, p=[0.3, 0.3, 0.4]),
        "rating_app": [5] * 10 + [None] * 390,
    })
    for c in ("rating_billing", "rating_store_visit", "rating_app"):
        df[c] = df[c].astype("Int64")
    df["survey"] = df["survey"].astype("string")
    return df


def _self():
    return pd.DataFrame({
        "touchpoint": ["billing", "store_visit", "app", "support_call"],
        "self_rating": [5, 4, 5, 5],
        "believes_superior": pd.array([True, False, True, True], dtype="boolean"),
        "expected_top_box_pct": [80.0, 40.0, 90.0, 70.0],
    })


def test_gap_hand_computed_against_statsmodels():
    g = G.delivery_gap(_responses(), _self(), min_n=30).set_index("touchpoint")
    b = g.loc["billing"]
    assert b["n"] == 300 and b["customer_pct"] == pytest.approx(10.0)
    lo, hi = proportion_confint(30, 300, method="wilson")
    assert (b["ci_low"], b["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    assert b["gap"] == pytest.approx(70.0)
    assert (b["gap_ci_low"], b["gap_ci_high"]) == pytest.approx((80 - 100 * hi, 80 - 100 * lo))
    stat, p = proportions_ztest(30, 300, value=0.8, prop_var=0.8)
    assert b["statistic"] == pytest.approx(stat) and b["p_value"] == pytest.approx(p)
    assert b["mean_rating"] == pytest.approx(3.2) and b["rating_gap"] == pytest.approx(1.8)
    assert b["significant"] and b["verdict"] == "company over-rates" and b["test"] == "score_z"


def test_suppressed_and_unrated_touchpoints():
    g = G.delivery_gap(_responses(), _self(), min_n=30).set_index("touchpoint")
    for tp, n in (("app", 10), ("support_call", 0)):
        row = g.loc[tp]
        assert row["n"] == n and row["suppressed"] and row["verdict"] == "insufficient responses"
        assert np.isnan(row["customer_pct"]) and np.isnan(row["gap"]) and np.isnan(row["p_adjusted"])
        assert not row["significant"]


def test_holm_across_touchpoints():
    g = G.delivery_gap(_responses(), _self(), min_n=30)
    shown = g[~g["suppressed"]]
    from statsmodels.stats.multitest import multipletests
    assert shown["p_adjusted"].to_numpy() == pytest.approx(multipletests(shown["p_value"], method="holm")[1])


def test_without_stated_percentages_uses_t_test_on_rating():
    sa = _self().drop(columns="expected_top_box_pct")
    g = G.delivery_gap(_responses(), sa, min_n=30).set_index("touchpoint")
    r = _responses()
    x = r.loc[r["survey"] == "relationship", "rating_store_visit"].to_numpy(dtype=float)
    ref = sst.ttest_1samp(x, 4.0)
    row = g.loc["store_visit"]
    assert row["test"] == "one_sample_t" and np.isnan(row["gap"])
    assert row["statistic"] == pytest.approx(ref.statistic) and row["p_value"] == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval()
    assert (row["rating_gap_ci_low"], row["rating_gap_ci_high"]) == pytest.approx((4 - ci.high, 4 - ci.low))


def test_in_line_touchpoint_not_flagged():
    r = _responses()
    share = 100 * (r.loc[r["survey"] == "relationship", "rating_store_visit"] == 5).mean()
    sa = _self().assign(expected_top_box_pct=[80.0, round(share), 90.0, 70.0])
    g = G.delivery_gap(r, sa, min_n=30).set_index("touchpoint")
    assert g.loc["store_visit", "verdict"] == "in line" and not g.loc["store_visit", "significant"]


def test_headline_pooled_share_and_cluster_se():
    r = _responses()
    r.loc[:49, "rating_app"] = pd.array([5, 3] * 25, dtype="Int64")  # app now rated by 50 relationship customers
    h = G.gap_headline(r, _self(), min_n=30, company="Acme")
    assert h.touchpoints == ("billing", "app")  # support_call has no ratings
    rel = r[r["survey"] == "relationship"]
    long = rel.melt(id_vars="response_id", value_vars=["rating_billing", "rating_app"]).dropna()
    top = (long["value"] == 5).astype(float)
    assert h.customer_pct == pytest.approx(100 * top.mean())
    assert h.n_ratings == len(long) and h.n_respondents == 300
    ref = sm.OLS(top.to_numpy(), np.ones(len(top))).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(long["response_id"])[0]})
    half = 1.959963984540054 * ref.bse[0]
    assert (h.ci_low, h.ci_high) == pytest.approx((100 * (top.mean() - half), 100 * (top.mean() + half)))
    assert h.company_pct == pytest.approx(85.0) and h.basis == "expected_top_box_pct"
    assert h.pair == f"Acme thinks 85 % superior / customers say {100 * top.mean():.0f} %"
    assert "Acme believes it is superior at 3 of 4 touchpoints" in h.sentence


def test_headline_leaves_suppressed_touchpoints_out_and_falls_back():
    h = G.gap_headline(_responses(), _self().drop(columns="expected_top_box_pct"), min_n=30)
    assert h.touchpoints == ("billing",)  # app (10 ratings) is suppressed, so not pooled
    assert h.customer_pct == pytest.approx(10.0)
    assert h.basis == "share_of_touchpoints" and h.company_pct == pytest.approx(75.0)
    none = _self().assign(believes_superior=pd.array([False] * 4, dtype="boolean"))
    h2 = G.gap_headline(_responses(), none, min_n=30)
    assert h2.n_superior == 0 and set(h2.touchpoints) == {"billing", "store_visit"}
    assert "does not claim" in h2.sentence
    with pytest.raises(DataError, match="no self-assessed touchpoint"):
        G.gap_headline(_responses(), _self(), min_n=10_000)
    with pytest.raises(DataError, match="self_rating"):
        G.delivery_gap(_responses(), _self().drop(columns="self_rating"))
