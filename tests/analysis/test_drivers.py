"""Known-answer and property tests for cxlib.analysis.drivers.

References: Johnson's relative weights on mtcars as published with the R package
``rwa`` (README: mpg ~ cyl + disp + hp + gear); pingouin's LMG
(``linear_regression(relimp=True)``); statsmodels OLS/Logit and VIF; brute-force
subset regressions.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.outliers_influence import variance_inflation_factor

from cxlib.analysis import drivers as D
from cxlib.errors import DataError

# mtcars (Henderson & Velleman, 1981; R datasets), the columns used by the rwa README example.
MTCARS = pd.DataFrame({
    "mpg": [21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4,
            14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26, 30.4, 15.8, 19.7, 15, 21.4],
    "cyl": [6, 6, 4, 6, 8, 6, 8, 4, 4, 6, 6, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 8, 8, 8, 8, 4, 4, 4, 8, 6, 8, 4],
    "disp": [160, 160, 108, 258, 360, 225, 360, 146.7, 140.8, 167.6, 167.6, 275.8, 275.8, 275.8, 472, 460,
             440, 78.7, 75.7, 71.1, 120.1, 318, 304, 350, 400, 79, 120.3, 95.1, 351, 145, 301, 121],
    "hp": [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65, 97,
           150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109],
    "gear": [4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 4],
})


def _ratings(n=3000, seed=0, k=5, key=0, missing=0.0):
    """Simulated relationship responses: correlated 1-5 ratings, nps driven mostly by driver `key`."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, n)
    latent = 0.6 * common[:, None] + rng.normal(0, 1, (n, k))
    ratings = np.clip(np.round(3 + latent), 1, 5)
    effect = np.full(k, 0.15)
    effect[key] = 1.2
    nps = np.clip(np.round(2 + ratings @ effect + rng.normal(0, 1.5, n)), 0, 10)
    df = pd.DataFrame(ratings, columns=[f"rating_t{j}" for j in range(k)])
    if missing:
        df = df.mask(rng.random(df.shape) < missing)
    df = df.astype("Int64")
    df["nps"] = pd.array(nps.astype(int), dtype="Int64")
    df["customer_id"] = pd.array([f"c{i}" for i in range(n)], dtype="string")
    return df


def _rand_corr(rng, k):
    a = rng.normal(size=(200, k + 1))
    a[:, -1] += a[:, : k] @ rng.normal(size=k)
    return np.corrcoef(a, rowvar=False)


# ----------------------------------------------------------------- published / reference values


def test_relative_weights_match_published_mtcars_example():
    t = D.relative_importance(MTCARS, outcome="mpg", drivers=["cyl", "disp", "hp", "gear"],
                              method="relative_weights")
    # rwa README: Raw.RelWeight and R^2 = 0.7791896
    assert t["importance"].to_numpy() == pytest.approx([0.2284797, 0.2221469, 0.2321744, 0.0963886], abs=1e-7)
    assert t["importance"].sum() == pytest.approx(0.7791896, abs=1e-7)
    assert t["share"].to_numpy() == pytest.approx([29.32274, 28.50999, 29.79691, 12.37037], abs=1e-5)


def test_lmg_matches_pingouin_on_mtcars():
    drivers = ["cyl", "disp", "hp", "gear"]
    ref = pg.linear_regression(MTCARS[drivers], MTCARS["mpg"], relimp=True).set_index("names")
    got = D.relative_importance(MTCARS, outcome="mpg", drivers=drivers, method="lmg").set_index("driver")
    assert got["importance"].to_numpy() == pytest.approx(ref.loc[drivers, "relimp"].to_numpy(), abs=1e-10)
    assert got["share"].to_numpy() == pytest.approx(ref.loc[drivers, "relimp_perc"].to_numpy(), abs=1e-8)


def test_lmg_matches_pingouin_on_simulated_ratings():
    df = _ratings(500, seed=4, k=6).drop(columns="customer_id").astype(float)
    drivers = [f"rating_t{j}" for j in range(6)]
    ref = pg.linear_regression(df[drivers], df["nps"], relimp=True).set_index("names")
    got = D.relative_importance(df, outcome="nps", drivers=drivers).set_index("driver")
    assert got["importance"].to_numpy() == pytest.approx(ref.loc[drivers, "relimp"].to_numpy(), abs=1e-10)


def test_subset_r2_matches_statsmodels_brute_force():
    df = MTCARS
    drivers = ["cyl", "disp", "hp", "gear"]
    r2 = D.subset_r2(np.corrcoef(df[drivers + ["mpg"]].to_numpy(float), rowvar=False))
    assert r2[0] == 0
    for size in range(1, 5):
        for subset in itertools.combinations(range(4), size):
            mask = sum(1 << j for j in subset)
            fit = sm.OLS(df["mpg"], sm.add_constant(df[[drivers[j] for j in subset]])).fit()
            assert r2[mask] == pytest.approx(fit.rsquared, abs=1e-12)


def test_subset_r2_groups_redundant_columns_add_nothing():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 3))
    z = np.column_stack([a[:, 0], a[:, 1], a[:, 1], a[:, 2], a @ [1.0, 0.5, 0.2] + rng.normal(size=300)])
    corr = np.corrcoef(z, rowvar=False)
    r2_groups = D.subset_r2(corr, groups=[[0], [1, 2], [3]])
    r2_plain = D.subset_r2(np.corrcoef(np.delete(z, 2, axis=1), rowvar=False))
    assert r2_groups == pytest.approx(r2_plain, abs=1e-10)
    with pytest.raises(DataError, match="exactly once"):
        D.subset_r2(corr, groups=[[0], [1]])


def test_vif_matches_statsmodels():
    x = sm.add_constant(MTCARS[["cyl", "disp", "hp", "gear"]]).to_numpy(float)
    ref = [variance_inflation_factor(x, j) for j in range(1, 5)]
    got = D.vif_from_corr(np.corrcoef(MTCARS[["cyl", "disp", "hp", "gear"]].to_numpy(float), rowvar=False))
    assert got == pytest.approx(ref, rel=1e-10)


def test_orthogonal_drivers_importance_is_squared_correlation():
    r = np.array([[1.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.3], [0.0, 0.0, 1.0, -0.2], [0.5, 0.3, -0.2, 1.0]])
    for method in ("lmg", "relative_weights"):
        assert D.importance_from_corr(r, method=method) == pytest.approx([0.25, 0.09, 0.04])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 9), method=st.sampled_from(["lmg", "relative_weights"]))
def test_importances_sum_to_r2_and_are_nonnegative(seed, k, method):
    rng = np.random.default_rng(seed)
    corr = _rand_corr(rng, k)
    imp = D.importance_from_corr(corr, method=method)
    r2 = corr[-1, :-1] @ np.linalg.solve(corr[:-1, :-1], corr[:-1, -1])
    assert imp.sum() == pytest.approx(r2, abs=1e-9)
    assert (imp >= -1e-12).all()


def test_lmg_batched_equals_one_by_one():
    rng = np.random.default_rng(3)
    corr = np.stack([_rand_corr(rng, 7) for _ in range(5)])
    batched = D.importance_from_corr(corr)
    for i in range(5):
        assert batched[i] == pytest.approx(D.importance_from_corr(corr[i]), abs=1e-12)


def test_bootstrap_corr_equals_explicit_resampling():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(300, 4))
    got = D.bootstrap_corr(z, n_boot=3, rng=np.random.default_rng(11))
    mirror = np.random.default_rng(11)
    for b in range(3):
        idx = mirror.integers(0, 300, 300)
        assert got[b] == pytest.approx(np.corrcoef(z[idx], rowvar=False), abs=1e-10)


# ----------------------------------------------------------------- key_drivers


def test_key_drivers_listwise_matches_statsmodels_ols():
    df = _ratings(800, seed=1, missing=0.1)
    res = D.key_drivers(df, n_boot=50, missing="listwise")
    cols = [f"rating_t{j}" for j in range(5)]
    cc = df[cols + ["nps"]].dropna().astype(float)
    fit = sm.OLS(cc["nps"], sm.add_constant(cc[cols])).fit()
    t = res.table.set_index("column")
    assert res.n == len(cc) and (t["n"] == len(cc)).all()
    assert t.loc[cols, "coef"].to_numpy() == pytest.approx(fit.params[cols].to_numpy())
    assert t.loc[cols, "p_value"].to_numpy() == pytest.approx(fit.pvalues[cols].to_numpy())
    assert res.r2 == pytest.approx(fit.rsquared)
    assert t["importance"].sum() == pytest.approx(fit.rsquared)
    assert t["share"].sum() == pytest.approx(100)
    assert res.model_kind == "ols" and res.importance_method == "lmg"


def test_key_drivers_indicator_design_matches_statsmodels_ols():
    df = _ratings(800, seed=1, missing=0.3)
    df.loc[df.index[:5], [f"rating_t{j}" for j in range(5)]] = pd.NA  # rated nothing: left out
    res = D.key_drivers(df, n_boot=0)
    cols = [f"rating_t{j}" for j in range(5)]
    used = df[df[cols].notna().any(axis=1)]
    x = used[cols].astype(float)
    design = pd.concat([(x - x.mean()).fillna(0), x.isna().astype(float).add_prefix("miss_")], axis=1)
    fit = sm.OLS(used["nps"].astype(float), sm.add_constant(design)).fit()
    t = res.table.set_index("column")
    assert res.n == len(used) <= 795
    assert t.loc[cols, "coef"].to_numpy() == pytest.approx(fit.params[cols].to_numpy())
    assert t.loc[cols, "p_value"].to_numpy() == pytest.approx(fit.pvalues[cols].to_numpy())
    assert res.r2 == pytest.approx(fit.rsquared)
    # a driver's importance = group Shapley value of its rating and its indicator (brute force)
    groups = [[j, j + 5] for j in range(5)]
    r2 = {}
    for size in range(6):
        for subset in itertools.combinations(range(5), size):
            cols_s = [design.columns[c] for j in subset for c in groups[j]]
            r2[frozenset(subset)] = (sm.OLS(used["nps"].astype(float), sm.add_constant(design[cols_s])).fit().rsquared
                                     if cols_s else 0.0)
    from math import factorial
    shap = []
    for j in range(5):
        others = [i for i in range(5) if i != j]
        v = 0.0
        for size in range(5):
            for s_ in itertools.combinations(others, size):
                w = factorial(size) * factorial(5 - size - 1) / factorial(5)
                v += w * (r2[frozenset(s_) | {j}] - r2[frozenset(s_)])
        shap.append(v)
    assert t.loc[cols, "importance"].to_numpy() == pytest.approx(shap, abs=1e-10)
    assert t.loc["rating_t0", "performance_n"] == x["rating_t0"].notna().sum()


def test_identical_indicators_do_not_break_the_fit():
    df = _ratings(600, seed=12, missing=0.0)
    skip = np.random.default_rng(1).random(600) < 0.3
    df.loc[skip, ["rating_t1", "rating_t2"]] = pd.NA  # always skipped together
    res = D.key_drivers(df, n_boot=20)
    assert np.isfinite(res.table["importance"]).all()
    assert res.table["importance"].sum() == pytest.approx(res.model.rsquared)


def test_key_drivers_recovers_planted_driver_with_intervals():
    res = D.key_drivers(_ratings(3000, seed=2, key=3), n_boot=200, seed=1)
    t = res.table
    assert t["driver"].iloc[0] == "t3" and t["rank"].iloc[0] == 1
    # the planted driver's importance interval lies above every other driver's
    assert t["importance_ci_low"].iloc[0] > t["importance_ci_high"].iloc[1:].max()
    assert ((t["importance_ci_low"] <= t["importance"]) & (t["importance"] <= t["importance_ci_high"])).all()
    assert ((t["share_ci_low"] <= t["share"]) & (t["share"] <= t["share_ci_high"])).all()
    assert res.r2_ci[0] <= res.r2 <= res.r2_ci[1]
    assert "Key drivers of nps" in res.summary()


def test_key_drivers_bootstrap_is_seeded():
    df = _ratings(500, seed=5)
    a = D.key_drivers(df, n_boot=40, seed=9).table
    b = D.key_drivers(df, n_boot=40, seed=9).table
    pd.testing.assert_frame_equal(a, b)


def test_relative_weights_route_for_many_drivers():
    df = _ratings(2000, seed=6, k=17, key=10)
    res = D.key_drivers(df, n_boot=20)
    assert res.importance_method == "relative_weights"
    assert res.table["driver"].iloc[0] == "t10"
    assert res.table["importance"].sum() == pytest.approx(res.r2)


def test_binary_outcome_uses_logit_and_lpm_r2():
    df = _ratings(1500, seed=7)
    res = D.key_drivers(df, outcome="detractor", n_boot=0)
    cols = [f"rating_t{j}" for j in range(5)]
    cc = df[cols + ["nps"]].astype(float)
    y = (cc["nps"] <= 6).astype(float)
    logit = sm.Logit(y, sm.add_constant(cc[cols])).fit(disp=0)
    lpm = sm.OLS(y, sm.add_constant(cc[cols])).fit()
    t = res.table.set_index("column")
    assert res.model_kind == "logit"
    assert t.loc[cols, "coef"].to_numpy() == pytest.approx(logit.params[cols].to_numpy(), rel=1e-6)
    assert t.loc[cols, "odds_ratio"].to_numpy() == pytest.approx(np.exp(logit.params[cols].to_numpy()), rel=1e-6)
    assert res.r2 == pytest.approx(lpm.rsquared)
    assert np.isnan(t["importance_ci_low"]).all()
    assert t["coef"].iloc[0] < 0  # better ratings, fewer detractors


def test_outcome_from_customers():
    df = _ratings(600, seed=8)
    rng = np.random.default_rng(0)
    customers = pd.DataFrame({"customer_id": df["customer_id"],
                              "churned": pd.array(rng.random(600) < 0.3, dtype="boolean")})
    res = D.key_drivers(df, outcome="churned", customers=customers, n_boot=0)
    assert res.model_kind == "logit" and res.n == 600


def test_priority_matrix_quadrants_hand_example():
    t = pd.DataFrame({"driver": ["a", "b", "c", "d"], "share": [40.0, 30.0, 20.0, 10.0],
                      "performance": [3.0, 4.5, 3.2, 4.4]})
    out = D.priority_matrix(t)  # mean share 25, mean performance 3.775
    assert out["quadrant"].tolist() == ["fix first", "maintain strength", "monitor", "lower priority"]
    assert out["fix_first"].tolist() == [True, False, False, False]


def test_performance_axis_options():
    df = _ratings(400, seed=9)
    res = D.key_drivers(df, n_boot=0, performance="top_box")
    x = df["rating_t0"].astype(float)
    row = res.table.set_index("driver").loc["t0"]
    assert row["performance"] == pytest.approx(100 * (x == 5).mean())
    assert row["performance_n"] == 400


def test_key_drivers_errors():
    df = _ratings(100, seed=10)
    with pytest.raises(DataError, match="at least 200 are needed"):
        D.key_drivers(df, min_n=200)
    with pytest.raises(DataError, match="perfectly collinear"):
        D.key_drivers(df.assign(rating_dup=df["rating_t0"]), n_boot=0)
    with pytest.raises(DataError, match="do not vary"):
        D.key_drivers(df.assign(rating_flat=3), n_boot=0)
    with pytest.raises(DataError, match="not in the data"):
        D.key_drivers(df, drivers=["nope"])
    with pytest.raises(DataError, match="outcome `loyalty`"):
        D.key_drivers(df, outcome="loyalty")
    with pytest.raises(DataError, match="relative_weights"):
        D.importance_from_corr(np.eye(23), method="lmg")


def test_high_vif_is_reported():
    df = _ratings(800, seed=11).drop(columns="customer_id").astype(float)
    rng = np.random.default_rng(0)
    df["rating_near"] = np.clip(df["rating_t0"] + (rng.random(800) < 0.05), 1, 5)
    res = D.key_drivers(df, n_boot=0)
    assert res.table.set_index("driver").loc["near", "vif"] > 5
    assert any("VIF > 5" in note for note in res.notes)
