"""Statistical building blocks: intervals, tests, multiple-comparison correction, suppression.

Everything here is vectorised over numpy arrays of group summaries (one element
per group), so score tables compute every group's interval in one call. Units
are natural: proportions in 0-1 and NPS in -1..1; :mod:`cxlib.analysis.metrics` scales
to percent and NPS points.

Examples
--------
>>> low, high = nps_interval(0.5, 0.2, 100, method="wald")
>>> round(float(low), 4), round(float(high), 4)
(0.1469, 0.4531)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats as _st

from cxlib.errors import DataError

__all__ = [
    "NpsMethod",
    "Correction",
    "z_critical",
    "effective_n",
    "nps_interval",
    "wilson_interval",
    "mean_interval",
    "percentile_interval",
    "welch_test",
    "two_proportion_test",
    "one_proportion_test",
    "one_sample_t_test",
    "adjust_pvalues",
    "suppression_mask",
]

NpsMethod = Literal["adjusted_wald", "wald"]
Correction = Literal["holm", "fdr_bh", "bonferroni", "none"]


def z_critical(ci: float) -> float:
    """Two-sided standard-normal critical value for confidence level ``ci``.

    >>> round(z_critical(0.95), 4)
    1.96
    """
    if not 0 < ci < 1:
        raise DataError(f"confidence level ci={ci!r} is outside (0, 1). Pass e.g. ci=0.95.")
    return float(_st.norm.ppf(0.5 + ci / 2))


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size of a weighted sample.

    Notes
    -----
    n_eff = (sum w)^2 / sum w^2; equals n for equal weights.
    Kish, L. (1965). *Survey Sampling*. Wiley, section 11.7.

    >>> effective_n(np.array([1.0, 1.0, 1.0, 1.0]))
    4.0
    >>> round(effective_n(np.array([1.0, 1.0, 2.0, 4.0])), 3)
    2.909
    """
    w = np.asarray(weights, dtype=float)
    s2 = float(np.sum(w * w))
    return float(np.sum(w)) ** 2 / s2 if s2 > 0 else 0.0


def _contain(low, high, est):
    """Widen an interval so that it always contains its point estimate (see Notes of callers)."""
    low = np.minimum(low, est)
    high = np.maximum(high, est)
    return low, high


def nps_interval(p_promoters, p_detractors, n, *, ci: float = 0.95, method: NpsMethod = "adjusted_wald"):
    """Confidence interval of the Net Promoter Score (in -1..1 units).

    Parameters
    ----------
    p_promoters, p_detractors : array-like
        Shares (0-1) of promoters (9-10) and detractors (0-6).
    n : array-like
        Sample size (Kish effective n for weighted data).
    ci : float
        Confidence level.
    method : {"adjusted_wald", "wald"}
        ``"wald"``: the trinomial (multinomial) Wald interval. ``"adjusted_wald"``
        (default): add 3/4 to promoters and detractors and 3 to n first.

    Returns
    -------
    (low, high) : tuple of numpy arrays, clipped to [-1, 1].

    Notes
    -----
    With p, d the promoter and detractor shares, NPS = p - d and its variance
    under the trinomial model is Var = (p + d - (p - d)^2) / n. The Wald
    interval is NPS +/- z sqrt(Var). The adjusted Wald interval uses
    p' = (n p + 3/4) / (n + 3), d' = (n d + 3/4) / (n + 3), n' = n + 3 and is
    centred on p' - d'; Rocks (2016) found it has the best coverage of six
    methods. Where the adjusted centre moves the interval off the reported
    (unadjusted) NPS — at 95 % only for n = 1; at 90 % for NPS = +/-100 with
    n <= 4; more often below 90 % — the interval is widened to include it, so
    it always contains the estimate. Rocks, B. (2016). Interval estimation for the "Net Promoter
    Score". *The American Statistician* 70(4), 365-372. Sauro, J. & Lewis,
    J. R. (2021), "Confidence intervals for Net Promoter Scores", MeasuringU.

    Examples
    --------
    >>> low, high = nps_interval(0.5, 0.2, 100, method="adjusted_wald")
    >>> round(float(low), 4), round(float(high), 4)
    (0.1405, 0.442)
    """
    p = np.asarray(p_promoters, dtype=float)
    d = np.asarray(p_detractors, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_critical(ci)
    est = p - d
    if method == "wald":
        pc, dc, nc = p, d, n
    elif method == "adjusted_wald":
        nc = n + 3.0
        pc = (n * p + 0.75) / nc
        dc = (n * d + 0.75) / nc
    else:
        raise DataError(f"unknown NPS interval method {method!r}; use 'adjusted_wald', 'wald' or 'bootstrap'.")
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.clip(pc + dc - (pc - dc) ** 2, 0, None) / nc
        half = z * np.sqrt(var)
    centre = pc - dc
    low, high = _contain(centre - half, centre + half, est)
    return np.clip(low, -1, 1), np.clip(high, -1, 1)


def wilson_interval(p, n, *, ci: float = 0.95):
    """Wilson score interval for a proportion.

    Parameters
    ----------
    p : array-like
        Observed share (0-1).
    n : array-like
        Sample size (Kish effective n for weighted data; need not be an integer).
    ci : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays in [0, 1].

    Notes
    -----
    centre = (p + z^2/2n) / (1 + z^2/n), half = z/(1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2).
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. *JASA* 22, 209-212. The interval always contains p.

    Examples
    --------
    >>> low, high = wilson_interval(0.5, 100)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4038, 0.5962)
    """
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_critical(ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = _contain(centre - half, centre + half, p)
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def mean_interval(mean, sd, n, *, ci: float = 0.95):
    """Student-t interval for a mean.

    Parameters
    ----------
    mean, sd : array-like
        Sample mean and sample standard deviation (ddof = 1).
    n : array-like
        Sample size (Kish effective n for weighted data).
    ci : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays; NaN where n < 2.

    Notes
    -----
    mean +/- t_{(1+ci)/2, n-1} sd / sqrt(n) (Student, 1908).

    Examples
    --------
    >>> low, high = mean_interval(4.0, 1.0, 25)
    >>> round(float(low), 4), round(float(high), 4)
    (3.5872, 4.4128)
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(n > 1, n - 1, np.nan)
        t = _st.t.ppf(0.5 + ci / 2, df)
        half = t * sd / np.sqrt(n)
    return mean - half, mean + half


def percentile_interval(replicates: np.ndarray, estimate, *, ci: float = 0.95, axis: int = -1):
    """Bootstrap percentile interval, widened if needed to contain the estimate.

    Parameters
    ----------
    replicates : ndarray
        Bootstrap replicates of the statistic along ``axis``.
    estimate : array-like
        The full-sample estimate.
    ci : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays.

    Notes
    -----
    Efron, B. & Tibshirani, R. (1993). *An Introduction to the Bootstrap*, ch. 13.
    """
    alpha = (1 - ci) / 2
    low = np.nanquantile(replicates, alpha, axis=axis)
    high = np.nanquantile(replicates, 1 - alpha, axis=axis)
    return _contain(low, high, np.asarray(estimate, dtype=float))


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
    Computed by ``statsmodels.stats.multitest.multipletests``. Holm, S. (1979).
    *Scand. J. Statist.* 6, 65-70. Benjamini, Y. & Hochberg, Y. (1995). *JRSS B* 57, 289-300.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if method == "none":
        out[ok] = p[ok]
        return out
    if method not in ("holm", "fdr_bh", "bonferroni"):
        raise DataError(f"unknown correction {method!r}; use 'holm', 'fdr_bh', 'bonferroni' or 'none'.")
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out


def suppression_mask(
    table: pd.DataFrame, *, by: list[str] | None, min_n: int, n: str = "n", complementary: bool = True
) -> np.ndarray:
    """Which rows of a grouped table must be hidden to protect small groups.

    Parameters
    ----------
    table : DataFrame
        One row per group, with the grouping columns ``by`` and a count column ``n``.
    by : list of str or None
        Grouping columns; each is treated as a partition whose total may be shown.
    min_n : int
        Groups with ``n < min_n`` are suppressed (primary suppression).
    n : str
        Name of the count column.
    complementary : bool
        Also apply complementary (secondary) suppression, see Notes.

    Returns
    -------
    numpy bool array, True where the row must be suppressed.

    Notes
    -----
    Primary: n < min_n. Complementary: a group's score can be recovered as
    total x N - sum(shown scores x n) when it is the only hidden group of a
    partition whose total is shown. So for every grouping column, within each
    combination of the other grouping columns (the partition that column
    splits), if exactly one row is hidden, the next-smallest visible row is
    hidden too; repeated until nothing changes (so two-way tables with both
    margins shown are covered). Cf. Hundepool, A. et al. (2012).
    *Statistical Disclosure Control*, Wiley, ch. 4.

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["a", "b", "c"], "n": [10, 50, 40]})
    >>> suppression_mask(t, by=["segment"], min_n=30).tolist()
    [True, False, True]
    """
    counts = table[n].to_numpy(dtype=float)
    hidden = ~(counts >= min_n)
    if not complementary or not by or len(table) < 2:
        return hidden
    by = list(by)
    codes = {c: pd.factorize(table[c], use_na_sentinel=False)[0] for c in by}
    partitions = []
    for col in by:
        others = [c for c in by if c != col]
        if others:
            keys = np.stack([codes[c] for c in others], axis=1)
            _, part = np.unique(keys, axis=0, return_inverse=True)
            partitions.append(part.ravel())
        else:
            partitions.append(np.zeros(len(table), dtype=int))
    changed = True
    while changed:
        changed = False
        for part in partitions:
            for g in np.unique(part):
                idx = np.flatnonzero(part == g)
                if len(idx) < 2 or hidden[idx].sum() != 1:
                    continue
                visible = idx[~hidden[idx]]
                hidden[visible[np.argmin(counts[visible])]] = True
                changed = True
    return hidden
