"""Bootstrap AUCs in bounded memory: the same numbers as ranking every resample, without holding them.

:func:`cxlib.analysis.journey.value.compare_predictive` judges the journey index against single
touchpoints by the AUC on B bootstrap resamples of the held-out customers. Ranking each resample
(``scipy.stats.rankdata`` on a B × n matrix) needs several B × n arrays at once: 2,000 resamples of
20,000 customers are 320 MB each, and the sort of every row dominated the analyst report of a
large client. Here the resamples are drawn a block at a time from the same generator (the same
stream of indices) and each resample's AUC is counted from how often each customer was drawn: one
sort of the scores serves every resample.

For a resample where customer i is drawn c_i times, the Mann-Whitney count is

    U = Σ_{i positive} c_i · (Σ_{j negative, s_j < s_i} c_j + ½ Σ_{j negative, s_j = s_i} c_j),

which equals Σ (mid-rank of each drawn positive) − n₁(n₁ + 1)/2, the rank formula, exactly (both
are sums of half-integers far below 2⁵³); AUC = U / (n₁ n₀). Tested against the rank computation.

Examples
--------
>>> import numpy as np
>>> y = np.array([0, 0, 1, 1, 0, 1.0])
>>> s = np.array([[0.1, 0.4, 0.35, 0.8, 0.4, 0.4]])
>>> bootstrap_auc(y, s, seed=3, n_boot=4).round(3).ravel().tolist()
[nan, 0.833, 0.625, 1.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["bootstrap_auc", "BLOCK_CELLS"]

#: Resample cells (resamples × customers) held at once: ~16 MB of counts per block.
BLOCK_CELLS = 2_000_000


def bootstrap_auc(y: np.ndarray, scores: np.ndarray, *, seed: int | np.random.Generator, n_boot: int,
                  block_cells: int = BLOCK_CELLS) -> np.ndarray:
    """AUC of each score row on each of ``n_boot`` resamples of the customers: (n_boot, k).

    The resamples are ``np.random.default_rng(seed).integers(0, n, size=(n_boot, n))``, drawn a
    block of rows at a time (the generator gives the same stream either way); a resample that
    lacks one of the outcomes gives NaN.

    Parameters
    ----------
    y : array of 0/1, length n
    scores : array (k, n)
        Finite scores (higher = more likely 1).
    seed : int or Generator
    n_boot : int
    block_cells : int
        Resample cells per block (memory bound).

    Returns
    -------
    ndarray (n_boot, k)
    """
    y = np.asarray(y, dtype=float)
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    if not np.isfinite(scores).all():
        raise ValueError("bootstrap_auc needs finite scores.")
    n = y.shape[0]
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    positive = y == 1
    plans = []
    for row in scores:
        order = np.argsort(row, kind="stable")
        sorted_scores = row[order]
        starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])  # tie groups
        plans.append((order, starts if len(starts) < n else None, positive[order].astype(np.int32)))
    out = np.empty((n_boot, scores.shape[0]))
    rows = max(1, int(block_cells) // max(n, 1))
    done = 0
    while done < n_boot:
        b = min(rows, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        idx += (np.arange(b) * n)[:, None]
        # draw counts fit in 32 bits (each at most n); one gather per score row, positives by a 0/1 mask
        counts = np.bincount(idx.ravel(), minlength=b * n).astype(np.int32).reshape(b, n)
        del idx
        n1 = counts[:, positive].sum(axis=1, dtype=np.int64).astype(float)
        n0 = counts.sum(axis=1, dtype=np.int64).astype(float) - n1
        ok = (n1 > 0) & (n0 > 0)
        for k, (order, starts, is_pos) in enumerate(plans):
            c = counts[:, order]
            p_g = c * is_pos
            n_g = c - p_g
            if starts is not None:  # ties: one group per distinct score
                p_g = np.add.reduceat(p_g, starts, axis=1)
                n_g = np.add.reduceat(n_g, starts, axis=1)
            below = np.cumsum(n_g, axis=1, dtype=np.int64) - n_g
            twice_u = (p_g * (2 * below + n_g)).sum(axis=1)  # integers: 2U
            auc = np.full(b, np.nan)
            auc[ok] = (twice_u[ok] / 2) / (n1[ok] * n0[ok])
            out[done:done + b, k] = auc
        done += b
    return out
