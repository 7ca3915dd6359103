"""Bootstrap AUCs in bounded memory: the same numbers as ranking every resample, without holding them.

:func:`cxlib.analysis.journey.value.compare_predictive` judges the journey index against single
touchpoints by the AUC on B bootstrap resamples of the held-out customers. Ranking each resample
(``scipy.stats.rankdata`` on a B × n matrix) needs several B × n arrays at once: 2,000 resamples of
20,000 customers are 320 MB each, and the sort of every row dominated the analyst report of a
large client. Here the resamples are drawn a block at a time from the same generator (the same
stream of indices) and each resample's AUC is counted from how often each tie group of scores was
drawn among the positives and the negatives (one ``bincount`` of the block's draws per score row): one
sort of the scores serves every resample.

For a resample where customer i is drawn c_i times, the Mann-Whitney count is

    U = Σ_{i positive} c_i · (Σ_{j negative, s_j < s_i} c_j + ½ Σ_{j negative, s_j = s_i} c_j),

or, with P_g and N_g the draws of positives and negatives in tie group g (groups in ascending score),
U = Σ_g P_g · (Σ_{h<g} N_h + ½ N_g). It equals Σ (mid-rank of each drawn positive) − n₁(n₁ + 1)/2,
the rank formula, exactly (both are sums of half-integers far below 2⁵³); AUC = U / (n₁ n₀). Tested
against the rank computation.

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

#: Resample cells (resamples × customers) held at once: ~16 MB of draws per block.
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
        group = np.empty(n, dtype=np.intp)  # each customer's tie group, in ascending score order
        group[order] = np.cumsum(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]]) - 1
        n_groups = int(group.max()) + 1 if n else 0
        plans.append((2 * group + positive, n_groups))  # label: group × outcome
    out = np.empty((n_boot, scores.shape[0]))
    rows = max(1, int(block_cells) // max(n, 1))
    done = 0
    while done < n_boot:
        b = min(rows, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        for k, (label, n_groups) in enumerate(plans):
            # draws per (resample, tie group, outcome), counted in one pass over the block's draws
            cells = label[idx]
            cells += (np.arange(b, dtype=np.intp) * (2 * n_groups))[:, None]
            c = np.bincount(cells.ravel(), minlength=b * 2 * n_groups).reshape(b, n_groups, 2)
            del cells
            n_g, p_g = c[:, :, 0], c[:, :, 1]
            n1 = p_g.sum(axis=1).astype(float)
            n0 = n_g.sum(axis=1).astype(float)
            ok = (n1 > 0) & (n0 > 0)
            below = np.cumsum(n_g, axis=1) - n_g
            twice_u = (p_g * (2 * below + n_g)).sum(axis=1)  # integers: 2U
            auc = np.full(b, np.nan)
            auc[ok] = (twice_u[ok] / 2) / (n1[ok] * n0[ok])
            out[done:done + b, k] = auc
        del idx
        done += b
    return out
