"""Known-answer and property tests for cxlib.analysis.stats (references: hand computation, scipy, statsmodels)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import DescrStatsW

from cxlib.analysis import stats as S
from cxlib.errors import DataError

Z95 = 1.959963984540054


# ----------------------------------------------------------------- NPS intervals (hand-computed)


def test_nps_wald_hand_computed():
    # 50 promoters, 30 passives, 20 detractors: NPS 0.30, Var = (0.5 + 0.2 - 0.09)/100 = 0.0061
    low, high = S.nps_interval(0.5, 0.2, 100, method="wald")
    half = Z95 * math.sqrt(0.0061)
    assert low == pytest.approx(0.30 - half, abs=1e-12)
    assert high == pytest.approx(0.30 + half, abs=1e-12)
    assert (low, high) == pytest.approx((0.14692, 0.45308), abs=1e-5)


def test_nps_adjusted_wald_hand_computed():
    # Rocks (2016): p' = 50.75/103, d' = 20.75/103, n' = 103
    p, d = 50.75 / 103, 20.75 / 103
    centre = p - d
    half = Z95 * math.sqrt((p + d - centre**2) / 103)
    low, high = S.nps_interval(0.5, 0.2, 100, method="adjusted_wald")
    assert (low, high) == pytest.approx((centre - half, centre + half), abs=1e-12)
    assert (low, high) == pytest.approx((0.14051, 0.44201), abs=1e-5)


def test_nps_wald_equals_trinomial_mean_with_population_sd():
    # Wald NPS interval = z-interval of the mean of the -1/0/+1 coding with ddof=0 variance.
    x = np.array([1] * 37 + [0] * 41 + [-1] * 22, dtype=float)
    low, high = S.nps_interval(0.37, 0.22, 100, method="wald")
    se = x.std(ddof=0) / math.sqrt(len(x))
    assert (low, high) == pytest.approx((x.mean() - Z95 * se, x.mean() + Z95 * se), abs=1e-12)


def test_nps_interval_vectorised_and_clipped():
    low, high = S.nps_interval([1.0, 0.0], [0.0, 1.0], [5, 5], method="wald")
    assert low.tolist() == [1.0, -1.0] and high.tolist() == [1.0, -1.0]
    low, high = S.nps_interval([1.0], [0.0], [3], method="adjusted_wald")
    assert high[0] <= 1.0 and low[0] < 1.0


def test_nps_interval_unknown_method():
    with pytest.raises(DataError, match="unknown NPS interval method"):
        S.nps_interval(0.5, 0.2, 100, method="exact")


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 5000),
    a=st.floats(0, 1),
    b=st.floats(0, 1),
    ci=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]),
    method=st.sampled_from(["wald", "adjusted_wald"]),
)
def test_nps_interval_contains_estimate_and_bounded(n, a, b, ci, method):
    prom = int(round(a * n))
    det = int(round(b * (n - prom)))
    p, d = prom / n, det / n
    low, high = S.nps_interval(p, d, n, ci=ci, method=method)
    assert -1 <= low <= p - d + 1e-12 <= high + 2e-12 <= 1 + 3e-12


# ----------------------------------------------------------------- proportion and mean intervals


@pytest.mark.parametrize("count,n", [(0, 10), (3, 10), (50, 100), (97, 100), (1234, 5000)])
def test_wilson_matches_statsmodels(count, n):
    ref = proportion_confint(count, n, alpha=0.05, method="wilson")
    got = S.wilson_interval(count / n, n)
    assert got == pytest.approx(ref, abs=1e-12)


@given(k=st.integers(0, 500), extra=st.integers(1, 500), ci=st.floats(0.5, 0.999))
def test_wilson_contains_estimate(k, extra, ci):
    n = k + extra
    low, high = S.wilson_interval(k / n, n, ci=ci)
    assert 0 <= low <= k / n <= high <= 1


def test_mean_interval_matches_scipy_and_statsmodels():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 8, 57).astype(float)
    got = S.mean_interval(x.mean(), x.std(ddof=1), len(x))
    ref = sst.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sst.sem(x))
    assert got == pytest.approx(ref, abs=1e-12)
    assert got == pytest.approx(DescrStatsW(x).tconfint_mean(), abs=1e-12)
    low, high = S.mean_interval(3.0, 1.0, 1)
    assert np.isnan(low) and np.isnan(high)


def test_percentile_interval_contains_estimate():
    reps = np.linspace(0, 1, 101)
    low, high = S.percentile_interval(reps, 0.5)
    assert (low, high) == pytest.approx((0.025, 0.975))
    low, high = S.percentile_interval(reps, 2.0)  # estimate outside the replicates
    assert high == 2.0


def test_effective_n_and_z():
    assert S.effective_n(np.ones(7)) == 7
    assert S.effective_n(np.array([1.0, 1, 2, 4])) == pytest.approx(64 / 22)
    assert S.z_critical(0.95) == pytest.approx(Z95)
    with pytest.raises(DataError, match="outside"):
        S.z_critical(95)


# ----------------------------------------------------------------- tests


def test_welch_matches_scipy():
    rng = np.random.default_rng(2)
    a = rng.choice([-100.0, 0.0, 100.0], 80, p=[0.3, 0.3, 0.4])
    b = rng.choice([-100.0, 0.0, 100.0], 65, p=[0.15, 0.35, 0.5])
    got = S.welch_test(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    ref = sst.ttest_ind(b, a, equal_var=False)
    assert got["statistic"] == pytest.approx(ref.statistic, rel=1e-10)
    assert got["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert got["df"] == pytest.approx(ref.df, rel=1e-10)
    assert got["diff"] == pytest.approx(b.mean() - a.mean())
    ci = ref.confidence_interval(0.95)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_welch_constant_groups():
    got = S.welch_test([1.0, 1.0], [0.0, 0.0], [5, 5], [1.0, 2.0], [0.0, 0.0], [5, 5])
    assert got["p_value"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("xa,na,xb,nb", [(30, 100, 45, 110), (5, 40, 20, 40), (700, 1000, 690, 1000)])
def test_two_proportion_matches_statsmodels(xa, na, xb, nb):
    got = S.two_proportion_test(xa, na, xb, nb)
    stat, p = proportions_ztest([xb, xa], [nb, na])
    assert got["statistic"] == pytest.approx(stat, rel=1e-10)
    assert got["p_value"] == pytest.approx(p, rel=1e-10)
    ref = confint_proportions_2indep(xb, nb, xa, na, method="newcomb", compare="diff")
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(ref, abs=1e-10)


@pytest.mark.parametrize("count,n,p0", [(30, 100, 0.4), (10, 200, 0.08), (90, 100, 0.8)])
def test_one_proportion_matches_statsmodels(count, n, p0):
    got = S.one_proportion_test(count / n, n, p0)
    stat, p = proportions_ztest(count, n, value=p0, prop_var=p0)
    assert got["statistic"] == pytest.approx(stat, rel=1e-10)
    assert got["p_value"] == pytest.approx(p, rel=1e-10)


def test_one_proportion_edge_null():
    got = S.one_proportion_test([1.0, 0.9], [50, 50], [1.0, 1.0])
    assert got["p_value"].tolist() == [1.0, 0.0]


def test_one_sample_t_matches_scipy():
    x = np.array([3, 4, 4, 5, 2, 5, 4, 3, 5, 5], dtype=float)
    got = S.one_sample_t_test(x.mean(), x.std(ddof=1), len(x), 4.5)
    ref = sst.ttest_1samp(x, 4.5)
    assert got["statistic"] == pytest.approx(ref.statistic)
    assert got["p_value"] == pytest.approx(ref.pvalue)


def test_holm_hand_computed_and_bh_matches_scipy():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # Holm: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04 -> monotone 0.02, 0.03, 0.06, 0.06
    assert S.adjust_pvalues(p, method="holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert S.adjust_pvalues(p, method="fdr_bh") == pytest.approx(sst.false_discovery_control(p, method="bh"))
    assert S.adjust_pvalues(p, method="none") == pytest.approx(p)


def test_adjust_pvalues_skips_nan():
    p = np.array([0.01, np.nan, 0.04])
    got = S.adjust_pvalues(p, method="holm")
    assert np.isnan(got[1])
    assert got[[0, 2]] == pytest.approx(multipletests([0.01, 0.04], method="holm")[1])
    with pytest.raises(DataError, match="unknown correction"):
        S.adjust_pvalues(p, method="sidak-ish")


# ----------------------------------------------------------------- suppression


def test_primary_and_complementary_suppression_one_way():
    t = pd.DataFrame({"segment": ["a", "b", "c", "d"], "n": [10, 200, 40, 35]})
    assert S.suppression_mask(t, by=["segment"], min_n=30).tolist() == [True, False, False, True]
    assert S.suppression_mask(t, by=["segment"], min_n=30, complementary=False).tolist() == [True, False, False, False]
    t2 = pd.DataFrame({"segment": ["a", "b", "c"], "n": [10, 12, 400]})
    assert S.suppression_mask(t2, by=["segment"], min_n=30).tolist() == [True, True, False]


def test_complementary_suppression_two_way_both_margins():
    # segment x channel; cell (a, web) is small. Row a and column web must each hide a second cell,
    # and the chain must not leave any row or column with exactly one hidden cell.
    t = pd.DataFrame({
        "segment": ["a", "a", "a", "b", "b", "b"],
        "channel": ["web", "app", "phone", "web", "app", "phone"],
        "n": [5, 50, 60, 40, 70, 80],
    })
    hidden = S.suppression_mask(t, by=["segment", "channel"], min_n=30)
    h = pd.Series(hidden, index=pd.MultiIndex.from_frame(t[["segment", "channel"]])).unstack()
    assert h.loc["a", "web"]
    assert (h.sum(axis=1) != 1).all() and (h.sum(axis=0) != 1).all()


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(0, 80), min_size=1, max_size=8),
    cols=st.integers(1, 3),
    min_n=st.integers(1, 50),
)
def test_suppression_never_leaves_a_single_hidden_cell(counts, cols, min_n):
    rows = len(counts)
    t = pd.DataFrame(
        [(f"r{i}", f"c{j}", (counts[i] * (j + 3)) % 97) for i in range(rows) for j in range(cols)],
        columns=["r", "c", "n"],
    )
    hidden = S.suppression_mask(t, by=["r", "c"], min_n=min_n)
    assert hidden[t["n"].to_numpy() < min_n].all()
    # An empty cell (n = 0) holds nothing to recover, so only non-empty hidden cells count: a
    # partition may not have exactly one of them next to a shown non-empty cell (total - shown = it).
    filled = t["n"].to_numpy() > 0
    h = pd.DataFrame({"r": t["r"], "c": t["c"], "h": hidden & filled, "shown": ~hidden & filled})
    for col in ("r", "c"):
        other = "c" if col == "r" else "r"
        per = h.groupby(other)[["h", "shown"]].sum()
        assert not ((per["h"] == 1) & (per["shown"] > 0)).any()


def test_empty_groups_are_hidden_but_need_no_partner():
    t = pd.DataFrame({"stage": ["buy", "use", "renew"], "n": [0, 80, 90]})
    assert S.suppression_mask(t, by=["stage"], min_n=30).tolist() == [True, False, False]
    t = pd.DataFrame({"stage": ["buy", "use", "renew"], "n": [0, 10, 90]})
    assert S.suppression_mask(t, by=["stage"], min_n=30).tolist() == [True, True, True]


def test_suppress_hides_values_keeps_labels_and_n_and_opt_out_is_explicit():
    t = pd.DataFrame({"segment": ["a", "b", "c"], "n": [10, 50, 40], "mean": [1.0, 2.0, 3.0],
                      "label": ["x", "y", "z"]})
    out = S.suppress(t, by=["segment"], min_n=30, value_cols=["mean"])
    assert out["suppressed"].tolist() == [True, False, True]
    assert out["mean"].isna().tolist() == [True, False, True]
    assert out["n"].tolist() == [10, 50, 40] and out["label"].tolist() == ["x", "y", "z"]
    assert t["mean"].tolist() == [1.0, 2.0, 3.0]  # input untouched
    for off in (None, 0):
        assert not S.suppress(t, by=["segment"], min_n=off, value_cols=["mean"])["suppressed"].any()
    assert S.DEFAULT_MIN_N == 30
    with pytest.raises(DataError, match="min_n"):
        S.suppress(t, by=["segment"], min_n=-1, value_cols=["mean"])
    also = S.suppress(t, by=None, min_n=5, value_cols=["mean"], also_hide=np.array([False, True, False]))
    assert also["suppressed"].tolist() == [False, True, False]


def test_proportion_interval_equals_statsmodels_wilson():
    lo, hi = S.proportion_interval([3, 0, 7], [10, 0, 7])
    ref = proportion_confint([3, 7], [10, 7], method="wilson")
    assert lo[[0, 2]] == pytest.approx(ref[0]) and hi[[0, 2]] == pytest.approx(ref[1])
    assert np.isnan(lo[1]) and np.isnan(hi[1])


@pytest.mark.parametrize("module", ["cxlib.analysis.stats", "cxlib.analysis.stats.intervals", "cxlib.analysis.stats.significance", "cxlib.analysis.stats.suppression", "cxlib.analysis.metrics", "cxlib.analysis.score_tables", "cxlib.analysis.comparisons", "cxlib.analysis.context", "cxlib.analysis.importance", "cxlib.analysis.drivers", "cxlib.analysis.churn", "cxlib.analysis.gap"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


# ----------------------------------------------------------------- counts, rates, quantiles


def test_poisson_excess_test_is_the_exact_upper_tail():
    r = S.poisson_excess_test([12, 0, 3], [3.0, 2.0, 0.0])
    assert r["p_value"][0] == pytest.approx(sst.poisson.sf(11, 3.0), rel=1e-12, abs=0)
    assert r["p_value"][1] == 1.0
    assert r["p_value"][2] == pytest.approx(sst.poisson.sf(2, 0.5), rel=1e-12, abs=0)  # expected 0 -> 0.5
    assert r["ratio"].tolist()[:2] == [4.0, 0.0]


def test_poisson_rate_interval_equals_statsmodels_exact():
    from statsmodels.stats.rates import confint_poisson

    for k, t in ((10, 5), (0, 7), (123, 28)):
        lo, hi = S.poisson_rate_interval(k, t)
        ref = confint_poisson(k, t, method="exact-c")
        assert (float(lo), float(hi)) == pytest.approx(tuple(map(float, ref)), rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(6, 300), q=st.sampled_from([0.25, 0.5, 0.9]), seed=st.integers(0, 1000))
def test_quantile_interval_brackets_the_estimate_with_order_statistics(n, q, seed):
    x = np.random.default_rng(seed).exponential(5, n)
    est, lo, hi = S.quantile_interval(x, q=q)
    assert est == pytest.approx(np.quantile(x, q))
    if np.isfinite(lo):
        assert lo <= est <= hi and lo in x and hi in x
        # the binomial coverage of [x(l), x(u)] is at least 95 %
        xs = np.sort(x)
        l, u = int(np.searchsorted(xs, lo)) + 1, int(np.searchsorted(xs, hi)) + 1
        assert sst.binom.cdf(u - 1, n, q) - sst.binom.cdf(l - 1, n, q) >= 0.95 - 1e-12


def test_quantile_interval_median_known_answer():
    assert S.quantile_interval(np.arange(1, 11)) == (5.5, 2.0, 9.0)  # n = 10: [x(2), x(9)], 97.9 %
    est, lo, hi = S.quantile_interval([1, 2, 3])
    assert est == 2.0 and np.isnan(lo) and np.isnan(hi)
    assert all(np.isnan(S.quantile_interval([])))


def test_the_kernel_imports_scipy_only_when_a_test_needs_it():
    import subprocess
    import sys

    code = ("import sys, cxlib.analysis.stats as s; before = 'scipy.stats' in sys.modules; "
            "p = float(s.welch_test(3.0, 1.0, 30, 3.5, 1.0, 30)['p_value']); "
            "print(before, 'scipy.stats' in sys.modules, round(p, 4))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "0.0577"]


@pytest.mark.parametrize("seed", range(6))
def test_holm_equals_statsmodels_on_random_families(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    p = rng.uniform(0, 1, m) ** 3  # many small p-values, so the cap at 1 and the step-down both matter
    p[rng.integers(0, m, m // 3)] = p[0]  # ties
    assert S.adjust_pvalues(p, method="holm") == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)
    assert S.adjust_pvalues(p, method="bonferroni") == pytest.approx(multipletests(p, method="bonferroni")[1])
