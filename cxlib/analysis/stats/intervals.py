"""Confidence intervals: NPS, proportions (Wilson), means (Student t), bootstrap percentiles.

Everything here is vectorised over numpy arrays of group summaries (one element per group),
so a score table computes every group's interval in one call. Units are natural: proportions
in 0-1 and NPS in -1..1; callers scale to percent and NPS points.

Examples
--------
>>> low, high = nps_interval(0.5, 0.2, 100, method="wald")
>>> round(float(low), 4), round(float(high), 4)
(0.1469, 0.4531)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from cxlib.analysis.stats.lazy_scipy import st as _st
from cxlib.errors import DataError

__all__ = [
    "NpsMethod",
    "z_critical",
    "effective_n",
    "contain",
    "nps_interval",
    "wilson_interval",
    "proportion_interval",
    "mean_interval",
    "percentile_interval",
    "quantile_interval",
    "poisson_rate_interval",
]

NpsMethod = Literal["adjusted_wald", "wald"]


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


def contain(low, high, est):
    """Widen an interval so that it always contains its point estimate (see Notes of callers).

    >>> contain(np.array([0.2]), np.array([0.4]), np.array([0.1]))
    (array([0.1]), array([0.4]))
    """
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
    low, high = contain(centre - half, centre + half, est)
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
    low, high = contain(centre - half, centre + half, p)
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def proportion_interval(events, n, *, ci: float = 0.95):
    """Wilson interval of a proportion given as counts: ``events`` out of ``n``.

    Parameters
    ----------
    events, n : array-like
        Number of events and of trials per group; groups with ``n = 0`` get NaN.
    ci : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays in [0, 1].

    Notes
    -----
    :func:`wilson_interval` of p = events / n; equals statsmodels
    ``proportion_confint(events, n, method="wilson")``.

    Examples
    --------
    >>> low, high = proportion_interval([2, 0], [4, 0])
    >>> [round(float(v), 4) for v in low], [round(float(v), 4) for v in high]
    ([0.15, nan], [0.85, nan])
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, x / np.where(n > 0, n, 1.0), np.nan)
    low, high = wilson_interval(p, np.where(n > 0, n, np.nan), ci=ci)
    return low, high


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
    return contain(low, high, np.asarray(estimate, dtype=float))


def quantile_interval(values, *, q: float = 0.5, ci: float = 0.95) -> tuple[float, float, float]:
    """A quantile (default the median) with its distribution-free confidence interval.

    Parameters
    ----------
    values : array-like
        The sample (NaN ignored).
    q : float, keyword-only
        The quantile, in (0, 1).
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    (estimate, low, high) : floats; NaN for an empty sample, and low/high NaN when the sample is
    too small for the level (e.g. fewer than 6 values for a 95 % interval of the median).

    Notes
    -----
    The interval is [x_(l), x_(u)] of the order statistics with l, u the
    Binomial(n, q) quantiles at (1 - ci)/2 and (1 + ci)/2 (Conover, W. J. (1999). *Practical
    Nonparametric Statistics*, 3rd ed., Wiley, section 3.2); its coverage is at least ``ci``.
    The estimate is numpy's default (linear) quantile.

    Examples
    --------
    >>> est, low, high = quantile_interval(np.arange(1, 101))
    >>> est, low, high
    (50.5, 40.0, 61.0)
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    est = float(np.quantile(x, q))
    alpha = (1 - ci) / 2
    lo = int(_st.binom.ppf(alpha, n, q))          # x_(lo) with 1-based lo: P(B < lo) <= alpha
    hi = int(_st.binom.ppf(1 - alpha, n, q)) + 1
    if lo < 1 or hi > n:
        return est, float("nan"), float("nan")
    return est, float(x[lo - 1]), float(x[hi - 1])


def poisson_rate_interval(events, exposure, *, ci: float = 0.95):
    """Exact (Garwood) interval of a Poisson rate: ``events`` counted over ``exposure`` periods.

    Parameters
    ----------
    events : array-like
        Counted events (e.g. mentions in the trailing window).
    exposure : array-like
        Periods (or any exposure) they were counted over; > 0.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays, events per period.

    Notes
    -----
    low = chi2_{(1-ci)/2}(2k) / (2t), high = chi2_{(1+ci)/2}(2k + 2) / (2t) for k events over t
    (Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28, 437-442);
    low = 0 when k = 0. Coverage is at least ``ci``.

    Examples
    --------
    >>> low, high = poisson_rate_interval(10, 5)
    >>> round(float(low), 3), round(float(high), 3)
    (0.959, 3.678)
    """
    k = np.asarray(events, dtype=float)
    t = np.asarray(exposure, dtype=float)
    a = (1 - ci) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(k > 0, _st.chi2.ppf(a, 2 * k) / (2 * t), 0.0)
        high = _st.chi2.ppf(1 - a, 2 * k + 2) / (2 * t)
    return low, high
