"""Relative importance: how a regression's R^2 splits between correlated drivers.

LMG / Shapley decomposition (exact, from every subset's R^2 by a vectorised sweep tree) and
Johnson's relative weights, both from correlation matrices, so a bootstrap interval costs one
weighted cross-product per resample (:func:`bootstrap_corr`). :func:`cxlib.analysis.drivers.key_drivers`
builds the driver model on these kernels.

Examples
--------
>>> r = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.3], [0.6, 0.3, 1.0]])
>>> importance_from_corr(r, method="relative_weights").round(3).tolist()
[0.36, 0.09]
"""

from __future__ import annotations

import math
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from cxlib.errors import DataError

__all__ = [
    "LMG_MAX",
    "TOLERANCE",
    "subset_r2",
    "importance_from_corr",
    "vif_from_corr",
    "bootstrap_corr",
    "relative_importance",
]

#: LMG refuses more drivers than this (2^k subsets).
LMG_MAX = 20

#: Residual variance (correlation units) below which a column adds nothing to a regression.
TOLERANCE = 1e-10


def _groups(groups, k: int) -> list[list[int]]:
    if groups is None:
        return [[j] for j in range(k)]
    flat = sorted(j for g in groups for j in g)
    if flat != list(range(k)):
        raise DataError(f"groups must split the {k} predictor columns exactly once each; got {groups}.")
    return [list(g) for g in groups]


def subset_r2(corr: np.ndarray, groups: Sequence[Sequence[int]] | None = None) -> np.ndarray:
    """R^2 of the regression of the outcome on every subset of the drivers (or driver groups).

    Parameters
    ----------
    corr : ndarray, shape (..., p+1, p+1)
        Correlation matrices of p predictor columns with the outcome in the last row/column.
    groups : list of lists of int, optional
        Predictor columns that enter together (e.g. a rating and its "not rated" indicator);
        default one group per column.

    Returns
    -------
    ndarray, shape (..., 2^k)
        Entry ``m`` is R^2 of the subset whose bit j is set when group j is in it
        (entry 0 is 0, entry 2^k - 1 the full model).

    Notes
    -----
    Sweep-operator tree (Goodnight, 1979, *Am. Stat.* 33, 149-158): groups are decided in
    order; "exclude" drops their rows/columns, "include" sweeps on each of their columns,
    C' = C - c_j c_j' / c_jj, which leaves the residual covariances given the included
    columns. At the leaves R^2(S) = 1 - c_yy(S). A column whose residual variance is below
    1e-10 is already explained and is skipped (a generalised inverse), so redundant columns
    add nothing instead of failing. Every level is one vectorised numpy operation over all
    nodes (and all bootstrap replicates), about sum_j 2^j (p - j)^2 flops in all instead
    of 2^k linear solves.
    """
    c = np.asarray(corr, dtype=float)
    lead = c.shape[:-2]
    q = c.shape[-1]
    gs = _groups(groups, q - 1)
    order = [j for g in gs for j in g] + [q - 1]
    m = c[..., order, :][..., order].reshape((-1, 1, q, q))
    masks = np.zeros(1, dtype=np.int64)
    for gi, g in enumerate(gs):
        s = len(g)
        b, nodes, p = m.shape[0], m.shape[1], m.shape[2] - s
        nxt = np.empty((b, 2 * nodes, p, p))
        nxt[:, :nodes] = m[:, :, s:, s:]  # exclude the group: drop its rows and columns
        inc = nxt[:, nodes:]
        inc[...] = m[:, :, s:, s:]
        gg = m[:, :, :s, :s].copy()  # the group's own block and its cross-block, swept in turn
        uu = m[:, :, s:, :s].copy()
        tmp = np.empty_like(inc)
        for t in range(s):
            piv = gg[:, :, t, t]
            ok = piv > TOLERANCE
            inv = np.where(ok, 1.0 / np.where(ok, piv, 1.0), 0.0)
            u = uu[:, :, :, t]
            ui = u * inv[..., None]
            np.multiply(ui[..., :, None], u[..., None, :], out=tmp)
            inc -= tmp
            row = gg[:, :, t, :].copy()
            uu -= ui[..., :, None] * row[..., None, :]
            gg -= (gg[:, :, :, t] * inv[..., None])[..., :, None] * row[..., None, :]
        m = nxt
        masks = np.concatenate([masks, masks | (1 << gi)])
    r2 = np.empty((m.shape[0], 1 << len(gs)))
    r2[:, masks] = 1.0 - m[:, :, 0, 0]
    return r2.reshape(lead + (1 << len(gs),))


def _shapley_matrix(k: int) -> np.ndarray:
    masks = np.arange(1 << k)
    size = np.zeros(1 << k, dtype=np.int64)
    for j in range(k):
        size += (masks >> j) & 1
    f = [math.factorial(i) for i in range(k + 1)]
    w_in = np.array([f[s - 1] * f[k - s] / f[k] if s >= 1 else 0.0 for s in range(k + 1)])
    w_out = np.array([f[s] * f[k - s - 1] / f[k] if s < k else 0.0 for s in range(k + 1)])
    mat = np.empty((1 << k, k))
    for j in range(k):
        has = ((masks >> j) & 1).astype(bool)
        mat[:, j] = np.where(has, w_in[size], -w_out[size])
    return mat


def _lmg(corr: np.ndarray, groups) -> np.ndarray:
    gs = _groups(groups, corr.shape[-1] - 1)
    k = len(gs)
    if k > LMG_MAX:
        raise DataError(f"LMG with {k} drivers needs 2^{k} subsets; use importance='relative_weights' above {LMG_MAX}.")
    lead = corr.shape[:-2]
    flat = corr.reshape((-1,) + corr.shape[-2:])
    w = _shapley_matrix(k)
    out = np.empty((flat.shape[0], k))
    step = max(1, 25 * 2**15 // 2**k)  # replicates per batch: bounded memory
    for s in range(0, flat.shape[0], step):
        out[s : s + step] = subset_r2(flat[s : s + step], gs) @ w
    return out.reshape(lead + (k,))


def _relative_weights(corr: np.ndarray, groups) -> np.ndarray:
    gs = _groups(groups, corr.shape[-1] - 1)
    rxx = corr[..., :-1, :-1]
    rxy = corr[..., :-1, -1]
    lam, q = np.linalg.eigh(rxx)
    keep = lam > TOLERANCE * np.maximum(lam[..., -1:], 1.0)
    root = np.sqrt(np.clip(lam, 0, None))
    inv_root = np.where(keep, 1.0 / np.where(keep, root, 1.0), 0.0)
    # Lambda = R_xx^{1/2} (correlations of X with its closest orthonormal Z); beta = Lambda^+ r_xy
    half = (q * root[..., None, :]) @ np.swapaxes(q, -1, -2)
    beta = (q * inv_root[..., None, :]) @ (np.swapaxes(q, -1, -2) @ rxy[..., None])
    eps = ((half**2) @ (beta**2))[..., 0]
    return np.stack([eps[..., g].sum(axis=-1) for g in gs], axis=-1)


def importance_from_corr(
    corr: np.ndarray,
    *,
    method: Literal["lmg", "relative_weights"] = "lmg",
    groups: Sequence[Sequence[int]] | None = None,
) -> np.ndarray:
    """Relative importance of each driver from correlation matrices; sums to R^2.

    Parameters
    ----------
    corr : ndarray, shape (..., p+1, p+1)
        Correlations of the p predictor columns and the outcome (last).
    method : {"lmg", "relative_weights"}
        LMG / Shapley decomposition, or Johnson's relative weights.
    groups : list of lists of int, optional
        Predictor columns that form one driver (default: each column is a driver).

    Returns
    -------
    ndarray, shape (..., k)
        Raw importances of the k drivers (in R^2 units); each row sums to the full-model R^2.

    Notes
    -----
    **LMG** (Lindeman, Merenda & Gold, 1980; Grömping, 2006, *J. Stat. Softw.* 17(1)):
    the Shapley value of R^2, LMG_j = sum over S not containing j of
    |S|! (k - |S| - 1)! / k! [R^2(S + j) - R^2(S)], computed from :func:`subset_r2`
    as one matrix product with the fixed weight matrix. With groups, j runs over groups
    (the group Shapley value of R^2).

    **Relative weights** (Johnson, 2000, *Multivariate Behav. Res.* 35, 1-19):
    with R_xx = Q diag(lambda) Q', Lambda = Q diag(sqrt lambda) Q' and
    beta = Lambda^{-1} r_xy, eps_j = sum_k Lambda_jk^2 beta_k^2; sum eps_j = R^2.
    It approximates LMG closely and costs one eigendecomposition. A group's weight is the
    sum of its columns' weights.

    Examples
    --------
    >>> r = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.3], [0.6, 0.3, 1.0]])
    >>> importance_from_corr(r).round(3).tolist()   # orthogonal drivers: r^2 each
    [0.36, 0.09]
    """
    c = np.asarray(corr, dtype=float)
    if method == "lmg":
        return _lmg(c, groups)
    if method == "relative_weights":
        return _relative_weights(c, groups)
    raise DataError(f"unknown importance method {method!r}; use 'lmg' or 'relative_weights'.")


def vif_from_corr(rxx: np.ndarray) -> np.ndarray:
    """Variance inflation factors from the drivers' correlation matrix.

    Notes
    -----
    VIF_j = 1 / (1 - R_j^2) = [R_xx^{-1}]_jj (e.g. Belsley, Kuh & Welsch, 1980);
    same as ``statsmodels.stats.outliers_influence.variance_inflation_factor`` with a
    constant in the design. Above 5-10 signals collinearity: coefficients become
    unstable, relative importance stays interpretable.
    """
    return np.diag(np.linalg.inv(np.asarray(rxx, dtype=float))).copy()


def bootstrap_corr(z: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Correlation matrices of ``n_boot`` nonparametric bootstrap resamples of the rows of ``z``.

    Parameters
    ----------
    z : ndarray, shape (n, q)
        Data (no missing values).
    n_boot : int
        Number of resamples.
    rng : numpy Generator

    Returns
    -------
    ndarray, shape (n_boot, q, q)

    Notes
    -----
    A resample is a vector of multinomial counts c (how often each row is drawn),
    so its moments are c'z / n and sum_i c_i z_i z_i' / n: one matrix product of the
    counts with the q(q+1)/2 row-wise cross-products, batched over resamples and
    rows — never a copy of the resampled data. Identical in distribution to
    drawing rows with replacement (Efron & Tibshirani, 1993).
    """
    n, q = z.shape
    zc = (z - z.mean(axis=0)) / np.where(z.std(axis=0) > 0, z.std(axis=0), 1.0)
    iu = np.triu_indices(q)
    out = np.empty((n_boot, q, q))
    b_step = max(1, min(n_boot, 8_000_000 // max(n, 1)))
    r_step = max(1, 4_000_000 // (q * q))
    for s in range(0, n_boot, b_step):
        b = min(b_step, n_boot - s)
        counts = np.empty((b, n))
        for i in range(b):
            counts[i] = np.bincount(rng.integers(0, n, n), minlength=n)
        m1 = counts @ zc / n
        m2 = np.zeros((b, len(iu[0])))
        for r0 in range(0, n, r_step):
            zr = zc[r0 : r0 + r_step]
            m2 += counts[:, r0 : r0 + r_step] @ (zr[:, iu[0]] * zr[:, iu[1]])
        m2 /= n
        cov = np.empty((b, q, q))
        cov[:, iu[0], iu[1]] = m2
        cov[:, iu[1], iu[0]] = m2
        cov -= m1[:, :, None] * m1[:, None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
            out[s : s + b] = cov / sd[:, :, None] / sd[:, None, :]
    return out


def relative_importance(
    data: pd.DataFrame,
    *,
    outcome: str,
    drivers: Sequence[str],
    method: Literal["lmg", "relative_weights"] = "lmg",
) -> pd.DataFrame:
    """Relative importance of ``drivers`` for ``outcome`` on complete rows (no intervals).

    Returns
    -------
    DataFrame
        ``driver``, ``importance`` (R^2 units), ``share`` (percent of R^2).

    Notes
    -----
    See :func:`importance_from_corr`. Matches pingouin's ``linear_regression(relimp=True)``
    for LMG, and Johnson's published mtcars example (R package ``rwa``) for relative weights.
    """
    cols = [*drivers, outcome]
    z = data[cols].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=float)
    imp = importance_from_corr(np.corrcoef(z, rowvar=False), method=method)
    return pd.DataFrame({"driver": list(drivers), "importance": imp, "share": 100 * imp / imp.sum()})
