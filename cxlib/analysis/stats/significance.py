"""Significance tests from group summaries, and multiple-comparison corrections.

Welch's t-test, the two-proportion z-test with Newcombe's interval, one-sample tests against a
stated value, and Holm / Benjamini-Hochberg / Bonferroni corrections. Vectorised over numpy
arrays of group summaries, like :mod:`cxlib.analysis.stats.intervals`.

Examples
--------
>>> r = welch_test(3.0, 1.0, 30, 3.5, 1.0, 30)
>>> round(float(r["diff"]), 2), round(float(r["p_value"]), 4)
(0.5, 0.0577)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from cxlib.analysis.stats.intervals import wilson_interval
from cxlib.analysis.stats.lazy_scipy import st as _st
from cxlib.errors import DataError

__all__ = [
    "Correction",
    "welch_test",
    "two_proportion_test",
    "one_proportion_test",
    "one_sample_t_test",
    "poisson_excess_test",
    "adjust_pvalues",
]

Correction = Literal["holm", "fdr_bh", "bonferroni", "none"]


def welch_test(mean_a, var_a, n_a, mean_b, var_b, n_b, *, ci: float = 0.95) -> dict[str, np.ndarray]:
    """Welch's unequal-variance t-test of mean_b - mean_a, from group summaries.

    Parameters
    ----------
    mean_a, var_a, n_a, mean_b, var_b, n_b : array-like
        Means, sample variances (ddof = 1) and sizes of the two groups.
    ci : float
        Confidence level of the interval for the difference.

    Returns
    -------
    dict with arrays ``diff`` (b - a), ``se``, ``df``, ``statistic`` (t),
    ``p_value`` (two-sided), ``ci_low``, ``ci_high``.

    Notes
    -----
    t = (mean_b - mean_a) / sqrt(var_a/n_a + var_b/n_b) with Welch-Satterthwaite
    df = (va + vb)^2 / (va^2/(n_a-1) + vb^2/(n_b-1)), va = var_a/n_a.
    Welch, B. L. (1947). *Biometrika* 34, 28-35. Same result as
    ``scipy.stats.ttest_ind(b, a, equal_var=False)``. Applied to NPS by coding
    promoters +100, passives 0, detractors -100, whose mean is the NPS.
    """
    ma, va, na = (np.asarray(x, dtype=float) for x in (mean_a, var_a, n_a))
    mb, vb, nb = (np.asarray(x, dtype=float) for x in (mean_b, var_b, n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        sa, sb = va / na, vb / nb
        se = np.sqrt(sa + sb)
        df = (sa + sb) ** 2 / (sa**2 / (na - 1) + sb**2 / (nb - 1))
        diff = mb - ma
        t = diff / se
        p = 2 * _st.t.sf(np.abs(t), df)
        half = _st.t.ppf(0.5 + ci / 2, df) * se
    # Two constant groups: the difference is exact.
    exact = (se == 0) & np.isfinite(diff)
    p = np.where(exact, np.where(diff == 0, 1.0, 0.0), p)
    half = np.where(exact, 0.0, half)
    return {"diff": diff, "se": se, "df": df, "statistic": t, "p_value": p,
            "ci_low": diff - half, "ci_high": diff + half}


def two_proportion_test(x_a, n_a, x_b, n_b, *, ci: float = 0.95) -> dict[str, np.ndarray]:
    """Two-proportion z-test (pooled) of p_b - p_a, with Newcombe's hybrid score interval.

    Parameters
    ----------
    x_a, n_a, x_b, n_b : array-like
        Successes and sizes (effective, possibly non-integer, for weighted data).
    ci : float
        Confidence level of the interval for the difference.

    Returns
    -------
    dict with arrays ``diff`` (p_b - p_a), ``statistic`` (z), ``p_value``,
    ``ci_low``, ``ci_high``.

    Notes
    -----
    z = (p_b - p_a) / sqrt(p (1-p) (1/n_a + 1/n_b)) with pooled p = (x_a + x_b)/(n_a + n_b)
    (as ``statsmodels.stats.proportion.proportions_ztest``). Interval: Newcombe
    (1998) method 10, from the Wilson limits (l_i, u_i) of each proportion:
    [d - sqrt((p_b-l_b)^2 + (u_a-p_a)^2), d + sqrt((u_b-p_b)^2 + (p_a-l_a)^2)].
    Newcombe, R. G. (1998). *Statistics in Medicine* 17, 873-890.
    """
    xa, na, xb, nb = (np.asarray(v, dtype=float) for v in (x_a, n_a, x_b, n_b))
    with np.errstate(invalid="ignore", divide="ignore"):
        pa, pb = xa / na, xb / nb
        pooled = (xa + xb) / (na + nb)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        diff = pb - pa
        z = diff / se0
        p = 2 * _st.norm.sf(np.abs(z))
    p = np.where((se0 == 0) & np.isfinite(diff), 1.0, p)
    la, ua = wilson_interval(pa, na, ci=ci)
    lb, ub = wilson_interval(pb, nb, ci=ci)
    low = diff - np.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    high = diff + np.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    return {"diff": diff, "statistic": z, "p_value": p, "ci_low": low, "ci_high": high}


def one_proportion_test(p_hat, n, p0) -> dict[str, np.ndarray]:
    """Score (Wilson) z-test of H0: proportion = p0, two-sided.

    Parameters
    ----------
    p_hat : array-like
        Observed shares (0-1).
    n : array-like
        Sample sizes.
    p0 : array-like
        Hypothesised shares (0-1).

    Returns
    -------
    dict with arrays ``statistic`` (z) and ``p_value``.

    Notes
    -----
    z = (p_hat - p0) / sqrt(p0 (1 - p0) / n), as
    ``statsmodels.stats.proportion.proportions_ztest(count, n, value=p0, prop_var=p0)``.
    Its acceptance region is exactly the Wilson interval. When p0 is 0 or 1 the
    null allows no deviation: p = 1 if p_hat == p0 else 0.
    """
    ph, nn, q = (np.asarray(v, dtype=float) for v in (p_hat, n, p0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (ph - q) / np.sqrt(q * (1 - q) / nn)
        p = 2 * _st.norm.sf(np.abs(z))
    edge = (q <= 0) | (q >= 1)
    same = np.isclose(ph, q)
    p = np.where(edge, np.where(same, 1.0, 0.0), p)
    z = np.where(edge & same, 0.0, np.where(edge, np.copysign(np.inf, ph - q), z))
    return {"statistic": z, "p_value": p}


def one_sample_t_test(mean, sd, n, mu0) -> dict[str, np.ndarray]:
    """One-sample t-test of H0: mean = mu0, two-sided, from summaries.

    Notes
    -----
    t = (mean - mu0) / (sd / sqrt(n)), df = n - 1; as ``scipy.stats.ttest_1samp``.

    Returns
    -------
    dict with arrays ``statistic`` (t), ``df`` and ``p_value``.
    """
    m, s, nn, mu = (np.asarray(v, dtype=float) for v in (mean, sd, n, mu0))
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (m - mu) / (s / np.sqrt(nn))
        df = nn - 1
        p = 2 * _st.t.sf(np.abs(t), df)
    p = np.where((s == 0) & np.isfinite(m), np.where(m == mu, 1.0, 0.0), p)
    return {"statistic": t, "df": df, "p_value": p}


def poisson_excess_test(count, expected) -> dict[str, np.ndarray]:
    """One-sided test of an excess count: is ``count`` more than a Poisson(``expected``) gives?

    Parameters
    ----------
    count : array-like
        Observed counts (e.g. mentions on a day).
    expected : array-like
        Expected counts under the baseline (e.g. the trailing median); > 0.

    Returns
    -------
    dict with arrays ``ratio`` (count / expected) and ``p_value`` = P(X >= count), X ~ Poisson(expected).

    Notes
    -----
    The exact upper tail, ``scipy.stats.poisson.sf(count - 1, expected)``. An expected count of 0
    is treated as 0.5 (one event in two periods), so a first event is not infinitely surprising.

    Examples
    --------
    >>> r = poisson_excess_test(12, 3.0)
    >>> round(float(r["ratio"]), 1), round(float(r["p_value"]), 6)
    (4.0, 7.1e-05)
    """
    x = np.asarray(count, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), 0.5)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = x / mu
    p = np.where(x <= 0, 1.0, _st.poisson.sf(x - 1, mu))
    return {"ratio": ratio, "p_value": p}


def adjust_pvalues(p_values, *, method: Correction = "holm") -> np.ndarray:
    """Correct p-values for multiple comparisons; NaN entries are left out of the family.

    Parameters
    ----------
    p_values : array-like
        Raw p-values; NaN for comparisons that were not made (e.g. suppressed).
    method : {"holm", "fdr_bh", "bonferroni", "none"}
        Holm (1979) step-down (controls the family-wise error rate),
        Benjamini-Hochberg (1995) (controls the false discovery rate), Bonferroni, or none.

    Returns
    -------
    numpy array of adjusted p-values (NaN where the input was NaN).

    Notes
    -----
    Benjamini-Hochberg and Bonferroni are computed by ``statsmodels.stats.multitest.multipletests``.
    Holm is the step-down of the sorted p-values times (m, m-1, ..., 1), made monotone and capped
    at 1, computed here because statsmodels' Holm branch forces a full ``gc.collect()`` on every
    call (0.1-1 s each inside a report kernel's heap); the tests check it equals ``multipletests``
    on random families, ties included. Holm, S. (1979).
    *Scand. J. Statist.* 6, 65-70. Benjamini, Y. & Hochberg, Y. (1995). *JRSS B* 57, 289-300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if method == "none":
        out[ok] = p[ok]
        return out
    if method not in ("holm", "fdr_bh", "bonferroni"):
        raise DataError(f"unknown correction {method!r}; use 'holm', 'fdr_bh', 'bonferroni' or 'none'.")
    if ok.any():
        if method == "holm":
            out[ok] = _holm(p[ok])
        else:
            from statsmodels.stats.multitest import multipletests

            out[ok] = multipletests(p[ok], method=method)[1]
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values of one family (no NaN), in the input order."""
    order = np.argsort(p, kind="mergesort")
    m = len(p)
    stepped = np.minimum(np.maximum.accumulate(p[order] * np.arange(m, 0, -1)), 1.0)
    out = np.empty(m)
    out[order] = stepped
    return out
