"""Known-answer tests for cxlib.analysis.churn (references: hand-computed 2x2 odds ratio with Woolf's
interval, scikit-learn's unpenalised logistic regression, statsmodels predictions)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from cxlib.analysis import churn as C
from cxlib.errors import DataError

Z95 = 1.959963984540054


def _customers(n=3000, seed=0, slope=-0.05):
    rng = np.random.default_rng(seed)
    x = rng.normal(60, 15, n)
    seg = rng.choice(["consumer", "small_business", "enterprise"], n, p=[0.6, 0.35, 0.05])
    churned = rng.random(n) < 1 / (1 + np.exp(-(1.5 + slope * x)))
    return pd.DataFrame({
        "customer_id": pd.array([f"c{i}" for i in range(n)], dtype="string"),
        "segment": pd.array(seg, dtype="string"),
        "annual_value": rng.gamma(2.0, 300.0, n),
        "churned": pd.array(churned, dtype="boolean"),
        "journey_index": x,
    })


def test_binary_measure_gives_the_2x2_odds_ratio_and_woolf_interval():
    # good experience (x=1): 20 churned of 200; poor (x=0): 60 churned of 200
    x = np.r_[np.ones(200), np.zeros(200)]
    y = np.r_[np.ones(20), np.zeros(180), np.ones(60), np.zeros(140)].astype(bool)
    cust = pd.DataFrame({"customer_id": [f"c{i}" for i in range(400)], "segment": "s", "annual_value": 100.0,
                         "churned": y, "good": x})
    link = C.churn_link(cust, measure="good", min_n=30)
    a, b, c, d = 20, 180, 60, 140  # churned/stayed for x=1, churned/stayed for x=0
    odds_ratio = (a * d) / (b * c)
    half = Z95 * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert link.odds_ratio == pytest.approx(odds_ratio, rel=1e-6)
    assert link.odds_ratio_ci == pytest.approx((odds_ratio * math.exp(-half), odds_ratio * math.exp(half)), rel=1e-6)
    assert link.n == 400 and link.n_churned == 80


def test_continuous_measure_matches_sklearn_and_unit_scaling():
    cust = _customers()
    link1 = C.churn_link(cust, unit=1)
    link10 = C.churn_link(cust, unit=10)
    ref = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000, tol=1e-10).fit(
        cust[["journey_index"]].to_numpy(), cust["churned"].astype(bool).to_numpy())
    coef = link1.table.set_index("term").loc["journey_index", "coef"]
    assert coef == pytest.approx(ref.coef_[0, 0], rel=1e-4)
    assert link1.odds_ratio == pytest.approx(math.exp(coef))
    assert link10.odds_ratio == pytest.approx(math.exp(10 * coef))
    assert link10.odds_ratio_ci[0] == pytest.approx(link1.odds_ratio_ci[0] ** 10)
    assert link1.odds_ratio < 1 and link1.p_value < 1e-6


def test_value_at_risk_totals_from_predictions():
    cust = _customers(seed=1)
    link = C.churn_link(cust, unit=10, currency="EUR")
    p = link.model.predict()
    active = ~cust["churned"].astype(bool).to_numpy()
    v = cust["annual_value"].to_numpy()
    assert link.expected_churners == pytest.approx(p[active].sum())
    assert link.value_at_risk == pytest.approx((p * v)[active].sum())
    b0, b1 = link.model.params
    p10 = 1 / (1 + np.exp(-(b0 + b1 * (cust["journey_index"].to_numpy() + 10))))
    assert link.churners_avoided == pytest.approx((p - p10)[active].sum())
    assert link.value_kept == pytest.approx(((p - p10) * v)[active].sum())
    t = link.at_risk
    assert list(t.columns) == ["segment", "n_customers", "n_churned", "churn_rate", "n_active", "annual_value",
                               "expected_churners", "value_at_risk", "churners_avoided", "value_kept", "suppressed"]
    assert t["n_customers"].sum() == len(cust)
    shown = t[~t["suppressed"]]
    cons = cust["segment"] == "consumer"
    row = shown.set_index("segment").loc["consumer"]
    assert row["value_at_risk"] == pytest.approx((p * v)[active & cons.to_numpy()].sum())
    assert row["churn_rate"] == pytest.approx(100 * cust.loc[cons, "churned"].astype(bool).mean())


def test_small_segment_suppressed_with_complement():
    cust = _customers(seed=2)
    link = C.churn_link(cust, min_n=200)
    t = link.at_risk.set_index("segment")
    # enterprise (~150) is below 200, so the next-smallest segment is hidden too
    assert t.loc["enterprise", "suppressed"] and t.loc["small_business", "suppressed"]
    assert not t.loc["consumer", "suppressed"]
    assert t.loc[["enterprise", "small_business"], "value_at_risk"].isna().all()
    assert t.loc["enterprise", "n_customers"] > 0


def test_measures_frame_and_controls():
    cust = _customers(seed=3)
    measures = cust[["customer_id", "journey_index"]].iloc[:2500]
    link = C.churn_link(cust.drop(columns="journey_index"), measures, controls=["segment"])
    assert link.n == 2500 and link.n_without_measure == 500
    assert link.table["term"].tolist() == ["const", "journey_index", "segment_enterprise", "segment_small_business"]
    assert "after allowing for segment" in link.sentence
    with pytest.raises(DataError, match="one row per customer"):
        C.churn_link(cust, pd.concat([measures, measures]))


def test_sentences_follow_the_numbers():
    neg = C.churn_link(_customers(seed=4), unit=10, currency="EUR").sentence
    assert neg.startswith("A ten-point better journey index is associated with") and "lower odds" in neg
    assert "fewer expected churners" in neg and "EUR" in neg and "kept" in neg
    pos = C.churn_link(_customers(seed=4, slope=+0.03), currency="EUR").sentence
    assert "higher odds" in pos and "more expected churners" in pos and "lost" in pos
    null = C.churn_link(_customers(seed=4, slope=0.0).assign(
        churned=lambda d: pd.array(np.random.default_rng(9).random(len(d)) < 0.2, dtype="boolean"))).sentence
    assert "not clearly associated" in null
    assert C.describe_link(0.5, (0.4, 0.6), measure_label="x", unit=2.5).startswith("A 2.5-point better x")


def test_churn_link_errors():
    cust = _customers(200, seed=5)
    with pytest.raises(DataError, match="no `nps_mean` column"):
        C.churn_link(cust, measure="nps_mean")
    with pytest.raises(DataError, match="both churned and retained"):
        C.churn_link(cust.assign(churned=False))
    with pytest.raises(DataError, match="`churned`"):
        C.churn_link(cust.drop(columns="churned"))
