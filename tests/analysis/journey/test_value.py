"""Tests of cxlib.analysis.journey.value: AUC / DeLong against independent references, the held-out comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

from cxlib.errors import DataError
from cxlib.analysis.journey.value import auc_interval, compare_predictive, delong_test, touchpoint_measures
from cxlib.analysis.journey import value


def _psi_components(y, s):
    """DeLong's structural components by their definition (O(m·n) pairwise comparisons)."""
    x, z = s[y == 1], s[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    return psi.mean(axis=1), psi.mean(axis=0)


def test_auc_matches_sklearn_and_mann_whitney_with_ties():
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0, 1, 0])
    s = np.array([1, 2, 2, 2, 3, 5, 4, 3, 1, 0], float)
    a = auc_interval(y, s)
    assert a["auc"] == pytest.approx(roc_auc_score(y, s))
    u = stats.mannwhitneyu(s[y == 1], s[y == 0]).statistic
    assert a["auc"] == pytest.approx(u / (5 * 5))


def test_delong_variance_matches_the_definition():
    rng = np.random.default_rng(0)
    y = rng.random(80) < 0.4
    s1 = np.round(rng.normal(size=80) + y, 1)  # rounding makes ties
    s2 = np.round(rng.normal(size=80) + 0.5 * y, 1)
    v10a, v01a = _psi_components(y, s1)
    v10b, v01b = _psi_components(y, s2)
    m, n = y.sum(), (~y).sum()
    var_a = v10a.var(ddof=1) / m + v01a.var(ddof=1) / n
    assert auc_interval(y, s1)["se"] == pytest.approx(np.sqrt(var_a))
    cov = np.cov(v10a, v10b)[0, 1] / m + np.cov(v01a, v01b)[0, 1] / n
    var_b = v10b.var(ddof=1) / m + v01b.var(ddof=1) / n
    d = delong_test(y, s1, s2)
    assert d["se"] == pytest.approx(np.sqrt(var_a + var_b - 2 * cov))
    assert d["difference"] == pytest.approx(roc_auc_score(y, s1) - roc_auc_score(y, s2))
    assert d["p_value"] == pytest.approx(2 * stats.norm.sf(abs(d["difference"] / d["se"])))
    back = delong_test(y, s2, s1)
    assert back["difference"] == pytest.approx(-d["difference"]) and back["p_value"] == pytest.approx(d["p_value"])
    same = delong_test(y, s1, s1)
    assert same["difference"] == 0 and same["p_value"] == 1.0


def test_delong_se_agrees_with_the_bootstrap():
    rng = np.random.default_rng(1)
    n = 1500
    y = (rng.random(n) < 0.3).astype(int)
    s1 = rng.normal(size=n) + 0.8 * y
    s2 = s1 + rng.normal(size=n)
    d = delong_test(y, s1, s2)
    idx = rng.integers(0, n, size=(250, n))
    boots = [roc_auc_score(y[i], s1[i]) - roc_auc_score(y[i], s2[i]) for i in idx]
    assert d["se"] == pytest.approx(np.std(boots, ddof=1), rel=0.15)


def test_auc_needs_both_outcomes():
    with pytest.raises(DataError, match="both outcomes"):
        auc_interval([1, 1, 1], [0.1, 0.2, 0.3])


def test_touchpoint_measures_known_answer():
    inter = pd.DataFrame({
        "interaction_id": pd.array(["a", "b", "c", "d"], dtype="string"),
        "customer_id": pd.array(["x", "x", "x", "y"], dtype="string"),
        "touchpoint": pd.array(["bill", "call", "bill", "call"], dtype="string"),
        "occurred_at": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-01-01"]),
    })
    resp = pd.DataFrame({"response_id": ["1", "2", "3", "4"], "interaction_id": ["a", "b", "c", "d"],
                         "csat": [5, 1, 3, 2]})
    m = touchpoint_measures(inter, resp).set_index("customer_id")
    assert m.loc["x", ["last_rating", "first_rating", "tp_bill", "tp_call"]].tolist() == [50.0, 100.0, 75.0, 0.0]
    assert np.isnan(m.loc["y", "tp_bill"]) and m.loc["y", "tp_call"] == 25.0
    assert touchpoint_measures(inter, resp, as_of="2025-02-15").set_index("customer_id").loc["x", "last_rating"] == 0.0


def synthetic(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    m = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(n)],
        "journey_index": 60 + 10 * latent + rng.normal(0, 4, n),
        "touchpoint_mean": 60 + 10 * latent + rng.normal(0, 15, n),
        "last_rating": 60 + 10 * latent + rng.normal(0, 20, n),
        "tp_billing": np.where(rng.random(n) < 0.5, np.nan, 60 + 10 * latent + rng.normal(0, 12, n)),
        "tp_noise": rng.normal(60, 10, n),
    })
    o = pd.DataFrame({"customer_id": m["customer_id"],
                      "churned": (rng.random(n) < 1 / (1 + np.exp(1.5 + 1.2 * latent))).astype(float),
                      "nps": np.clip(np.round(7 + 1.5 * latent + rng.normal(0, 1.5, n)), 0, 10)})
    return m, o


def test_compare_predictive_churn_against_independent_computation():
    m, o = synthetic()
    res = compare_predictive(m, o, n_boot=300, seed=3)
    y = o["churned"].to_numpy()
    train, test = train_test_split(np.arange(len(o)), test_size=0.3, random_state=3, stratify=y)
    t = res.table.set_index("measure")
    # one-variable logistic models rank customers like ±x: the held-out AUC is that of -x
    x = m["journey_index"].to_numpy()
    assert t.loc["journey_index", "test_metric"] == pytest.approx(roc_auc_score(y[test], -x[test]))
    assert t.loc["journey_index", "direction"] == -1
    assert t.loc["journey_index", "ci_low"] < t.loc["journey_index", "test_metric"] < t.loc["journey_index", "ci_high"]
    assert (t.loc["journey_index", "n_train"], t.loc["journey_index", "n_test"]) == (len(train), len(test))
    assert t.loc["tp_billing", "coverage"] == pytest.approx(m["tp_billing"].notna().mean())
    # the best single touchpoint is chosen on the training customers
    singles = t[t["kind"] == "single"]
    assert res.best_single == singles["train_metric"].idxmax()
    d = res.difference.set_index("comparison").loc["journey − best single touchpoint"]
    xb = m[res.best_single].to_numpy()
    xb = np.where(np.isnan(xb), np.nanmedian(xb[train]), xb)
    p_best = res.model[res.best_single].predict(np.column_stack([np.ones_like(xb), xb]))
    expected = roc_auc_score(y[test], -x[test]) - roc_auc_score(y[test], p_best[test])
    assert d["difference"] == pytest.approx(expected)
    assert d["p_value"] == pytest.approx(delong_test(y[test], -x[test], p_best[test])["p_value"])
    assert d["p_value"] < 0.05 and d["ci_low"] > 0 and d["difference"] > 0
    assert "journey_index" in res.summary()


def test_compare_predictive_churn_intervals_are_each_pairs_own_bootstrap():
    """The AUCs resampled once for every measure give each difference the interval of its own pair's bootstrap."""
    m, o = synthetic()
    res = compare_predictive(m, o, n_boot=250, seed=4)
    assert len(res.difference) == 2  # journey against the best single touchpoint and the touchpoint average
    y = o["churned"].to_numpy()
    _, test = train_test_split(np.arange(len(o)), test_size=0.3, random_state=4, stratify=y)
    idx = np.random.default_rng(5).integers(0, len(test), size=(250, len(test)))
    for _, d in res.difference.iterrows():
        preds = []
        for name in (d["measure_a"], d["measure_b"]):
            x = m[name].to_numpy()
            x = np.where(np.isnan(x), np.nanmedian(x[np.setdiff1d(np.arange(len(o)), test)]), x)
            preds.append(res.model[name].predict(np.column_stack([np.ones_like(x), x]))[test])
        boot = value._boot_auc(y[test], np.vstack(preds), idx)  # ranks of every resample, one pair at a time
        low, high = np.nanquantile(boot[:, 0] - boot[:, 1], [0.025, 0.975])
        assert (d["ci_low"], d["ci_high"]) == pytest.approx((low, high), abs=1e-12), d["comparison"]


def test_compare_predictive_nps_r2_is_sklearns():
    m, o = synthetic(seed=1)
    res = compare_predictive(m, o, outcome="nps", n_boot=300, seed=5)
    y = o["nps"].to_numpy()
    train, test = train_test_split(np.arange(len(o)), test_size=0.3, random_state=5)
    x = m[["journey_index"]].to_numpy()
    fit = LinearRegression().fit(x[train], y[train])
    t = res.table.set_index("measure")
    assert t.loc["journey_index", "test_metric"] == pytest.approx(r2_score(y[test], fit.predict(x[test])))
    assert res.model["journey_index"].params[1] == pytest.approx(fit.coef_[0])
    assert t.loc["journey_index", "ci_low"] < t.loc["journey_index", "test_metric"] < t.loc["journey_index", "ci_high"]
    d = res.difference.iloc[0]
    assert d["test"] == "bootstrap" and d["ci_low"] < d["difference"] < d["ci_high"]
    assert d["difference"] > 0 and d["p_value"] < 0.05


def test_compare_predictive_can_say_the_journey_loses():
    m, o = synthetic(seed=2)
    # swap: a single touchpoint now carries the signal and the "journey" is noise
    m2 = m.assign(journey_index=m["tp_noise"], tp_noise=m["journey_index"])
    res = compare_predictive(m2, o, n_boot=300)
    assert res.best_single == "tp_noise"
    assert res.difference.iloc[0]["difference"] < 0 and res.difference.iloc[0]["ci_high"] < 0


def test_compare_predictive_complete_case_and_errors():
    m, o = synthetic(seed=4)
    res = compare_predictive(m, o, missing="complete", n_boot=200)
    t = res.table.set_index("measure")
    assert t.loc["tp_billing", "n_test"] < t.loc["journey_index", "n_test"]
    assert res.difference.set_index("measure_b").loc["touchpoint_mean", "n_test"] == t.loc["journey_index", "n_test"]
    with pytest.raises(DataError, match="same `churned`"):
        compare_predictive(m, o.assign(churned=0.0))
    with pytest.raises(DataError, match="journey_index"):
        compare_predictive(m.drop(columns="journey_index"), o)
    # fixed seed: identical results twice
    again = compare_predictive(m, o, missing="complete", n_boot=200)
    pd.testing.assert_frame_equal(res.table, again.table)
    pd.testing.assert_frame_equal(res.difference, again.difference)


def test_relationship_touchpoint_ratings_take_the_latest_answer_that_rated_it():
    inter = pd.DataFrame({"interaction_id": pd.array(["a"], dtype="string"), "customer_id": pd.array(["x"], dtype="string"),
                          "touchpoint": pd.array(["bill"], dtype="string"), "occurred_at": pd.to_datetime(["2025-01-01"])})
    resp = pd.DataFrame({
        "response_id": ["1", "2", "3", "4"], "customer_id": ["x", "x", "y", "x"],
        "interaction_id": pd.array([None, None, None, "a"], dtype="string"),
        "survey": ["relationship", "relationship", "relationship", "transactional"],
        "answered_at": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-03-01", "2025-01-02"]),
        "rating_bill": pd.array([5, 2, None, 1], dtype="Int64"), "rating_call": pd.array([4, None, 3, None], dtype="Int64"),
    })
    m = touchpoint_measures(inter, resp, source="relationship").set_index("customer_id")
    assert m.loc["x", "rel_bill"] == 25.0  # June's 2, not January's 5 nor the transactional 1
    assert m.loc["x", "rel_call"] == 75.0  # January's 4: June's answer skipped it
    assert np.isnan(m.loc["y", "rel_bill"]) and m.loc["y", "rel_call"] == 50.0
    both = touchpoint_measures(inter, resp).set_index("customer_id")
    assert both.loc["x", "tp_bill"] == 0.0 and both.loc["x", "rel_bill"] == 25.0


def test_measures_with_too_few_values_are_excluded():
    m, o = synthetic(seed=6)
    m = m.assign(tp_rare=np.where(np.arange(len(m)) < 60, m["journey_index"], np.nan))
    res = compare_predictive(m, o, n_boot=100)
    assert "tp_rare" in res.excluded and "tp_rare" not in res.table["measure"].tolist()
    assert "tp_rare" in compare_predictive(m, o, n_boot=100, min_n=20).table["measure"].tolist()
