"""Small-group suppression: the one policy every grouped table of the workbench follows.

A group smaller than the client's minimum (``min_n`` in client.yaml, default
:data:`DEFAULT_MIN_N`) keeps its label and its ``n``, but every value computed from it is
hidden (primary suppression). Where hiding one group alone would let a reader recover it as
*total minus the others*, the next-smallest group of the same partition is hidden too
(complementary suppression). Every analysis routes its tables through :func:`suppress`.

``min_n=None`` or ``0`` switches suppression off. It is an explicit opt-out for internal
computations (a model fitted on every customer, a table that is suppressed later, a
known-answer test on tiny data), never the default of a function whose table a reader sees.

Examples
--------
>>> t = pd.DataFrame({"segment": ["a", "b", "c"], "n": [10, 50, 40], "nps": [20.0, 35.0, 41.0]})
>>> suppress(t, by=["segment"], min_n=30, value_cols=["nps"])[["segment", "n", "nps", "suppressed"]].to_dict("records")
[{'segment': 'a', 'n': 10, 'nps': nan, 'suppressed': True}, {'segment': 'b', 'n': 50, 'nps': 35.0, 'suppressed': False}, {'segment': 'c', 'n': 40, 'nps': nan, 'suppressed': True}]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.errors import DataError

__all__ = ["DEFAULT_MIN_N", "check_min_n", "suppression_mask", "suppress"]

#: The minimum group size when a caller passes none: client.yaml's default ``min_n``.
DEFAULT_MIN_N = 30


def check_min_n(min_n: int | None) -> int:
    """``min_n`` as a whole number >= 0 (``None`` -> 0, suppression off); a clear error otherwise.

    >>> check_min_n(30), check_min_n(None)
    (30, 0)
    """
    if min_n is None:
        return 0
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < 0:
        raise DataError(f"min_n={min_n!r}: expected a whole number of at least 0 (the client's minimum group "
                        "size, client.yaml `min_n`), or None to switch suppression off.")
    return int(min_n)


def suppression_mask(
    table: pd.DataFrame, *, by: Sequence[str] | None, min_n: int | None, n: str = "n", complementary: bool = True,
    also_hide: np.ndarray | pd.Series | None = None, within: Sequence[str] | None = None,
) -> np.ndarray:
    """Which rows of a grouped table must be hidden to protect small groups.

    Parameters
    ----------
    table : DataFrame
        One row per group, with the grouping columns ``by`` and a count column ``n``.
    by : list of str or None
        Grouping columns; each is treated as a partition whose total may be shown.
    min_n : int or None
        Groups with ``n < min_n`` are suppressed (primary suppression); None or 0: none are.
    n : str
        Name of the count column.
    complementary : bool
        Also apply complementary (secondary) suppression, see Notes.
    also_hide : bool array, optional
        Rows to hide as well, as primary suppressions (e.g. a comparison whose *other* side is
        below the minimum).
    within : list of str, optional
        Columns that stack independent tables (e.g. one per test or per signal): partitions
        never cross them, and they are not partitions themselves.

    Returns
    -------
    numpy bool array, True where the row must be suppressed.

    Notes
    -----
    Primary: n < min_n. Complementary: a group's score can be recovered as
    total x N - sum(shown scores x n) when it is the only hidden group of a
    partition whose total is shown. So for every grouping column, within each
    combination of the other grouping columns (the partition that column
    splits), if exactly one non-empty row is hidden, the next-smallest visible row is
    hidden too; repeated until nothing changes (so two-way tables with both
    margins shown are covered). Empty groups (n = 0) hold nothing to recover and
    never call for a second suppression. Cf. Hundepool, A. et al. (2012).
    *Statistical Disclosure Control*, Wiley, ch. 4.

    Examples
    --------
    >>> t = pd.DataFrame({"segment": ["a", "b", "c"], "n": [10, 50, 40]})
    >>> suppression_mask(t, by=["segment"], min_n=30).tolist()
    [True, False, True]
    """
    threshold = check_min_n(min_n)
    if n not in table.columns:
        if threshold or (complementary and by):
            raise DataError(f"suppression needs the count column `{n}`; the table has {list(map(str, table.columns))}.")
        counts = np.ones(len(table))
    else:
        counts = np.nan_to_num(table[n].to_numpy(dtype=float, na_value=np.nan), nan=0.0)
    hidden = counts < threshold
    if also_hide is not None:
        hidden |= np.asarray(also_hide, dtype=bool)
    if threshold == 0 and also_hide is None:
        return hidden
    if not complementary or not by or len(table) < 2:
        return hidden
    by = list(by)
    within = [c for c in (within or ()) if c not in by]
    codes = {c: pd.factorize(table[c], use_na_sentinel=False)[0] for c in [*by, *within]}
    partitions = []
    for col in by:
        others = [c for c in by if c != col] + within
        if others:
            keys = np.stack([codes[c] for c in others], axis=1)
            _, part = np.unique(keys, axis=0, return_inverse=True)
            partitions.append(part.ravel())
        else:
            partitions.append(np.zeros(len(table), dtype=int))
    filled = counts > 0
    changed = True
    while changed:
        changed = False
        for part in partitions:
            for g in np.unique(part):
                idx = np.flatnonzero(part == g)
                if len(idx) < 2 or (hidden[idx] & filled[idx]).sum() != 1:
                    continue
                visible = idx[~hidden[idx] & filled[idx]]
                if not len(visible):
                    continue
                hidden[visible[np.argmin(counts[visible])]] = True
                changed = True
    return hidden


def suppress(
    table: pd.DataFrame, *, min_n: int | None, value_cols: Sequence[str], by: Sequence[str] | None = None,
    n: str = "n", complementary: bool = True, also_hide: np.ndarray | pd.Series | None = None,
    within: Sequence[str] | None = None, flag: str | None = "suppressed",
) -> pd.DataFrame:
    """A grouped table with the values of small groups hidden (labels and ``n`` kept).

    Parameters
    ----------
    table : DataFrame
        One row per group.
    min_n : int or None
        The client's minimum group size (``ws.config.min_n``); None or 0 switches suppression
        off (an explicit opt-out for internal computations).
    value_cols : sequence of str
        Columns computed from the group's members (scores, intervals, tests): set to NaN.
    by : sequence of str, optional
        Grouping columns, the partitions for complementary suppression (see
        :func:`suppression_mask`).
    n : str
        The count column.
    complementary : bool
        Apply complementary suppression (default; turning it off is for internal use).
    also_hide : bool array, optional
        Further rows to hide, as primary suppressions.
    within : sequence of str, optional
        Columns stacking independent tables (see :func:`suppression_mask`).
    flag : str or None
        Name of the bool column marking suppressed rows (added or combined with an existing
        one by "or"); None adds none.

    Returns
    -------
    DataFrame
        A copy; numeric value columns become float64 with NaN where hidden.

    Examples
    --------
    >>> t = pd.DataFrame({"stage": ["buy", "use"], "n": [3, 80], "mean": [4.5, 3.9]})
    >>> suppress(t, by=["stage"], min_n=30, value_cols=["mean"])["mean"].tolist()
    [nan, nan]
    >>> suppress(t, by=["stage"], min_n=None, value_cols=["mean"])["mean"].tolist()
    [4.5, 3.9]
    """
    hidden = suppression_mask(table, by=by, min_n=min_n, n=n, complementary=complementary, also_hide=also_hide,
                              within=within)
    out = table.copy()
    for c in value_cols:
        col = out[c]
        if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            values = col.to_numpy(dtype="float64", na_value=np.nan)
            out[c] = pd.Series(np.where(hidden, np.nan, values), index=out.index)
        else:
            out[c] = col.mask(hidden)
    if flag is not None:
        before = out[flag].fillna(False).to_numpy(bool) if flag in out.columns else np.zeros(len(out), bool)
        out[flag] = before | hidden
    return out
