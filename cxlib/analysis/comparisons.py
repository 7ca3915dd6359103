"""Differences in a score between groups and between periods, tested and corrected for multiple comparisons.

:func:`compare_groups` (every pair of groups, or each against a reference), :func:`compare_periods`
(each period against the previous one) and :func:`trend` (the score by period with the change
flagged). Tests and corrections come from :mod:`cxlib.analysis.stats`; suppressed groups are never
compared.

Examples
--------
>>> r = pd.DataFrame({"nps": [10] * 40 + [3] * 40, "segment": ["a"] * 40 + ["b"] * 40})
>>> compare_groups(r, by="segment", min_n=30)[["segment_a", "segment_b", "diff"]].to_dict("records")
[{'segment_a': 'a', 'segment_b': 'b', 'diff': -200.0}]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats as _s
from cxlib.analysis.context import Period, period_argument
from cxlib.analysis.score_tables import Stat, as_list, group_summaries, score_table

__all__ = ["compare_groups", "compare_periods", "trend"]


def _pairs(levels: list, mode: str, reference) -> list[tuple]:
    if mode == "consecutive":
        return list(zip(levels[:-1], levels[1:]))
    if reference is not None:
        if reference not in levels:
            return []
        return [(reference, x) for x in levels if x != reference]
    return [(a, b) for i, a in enumerate(levels) for b in levels[i + 1:]]


def _compare(table, m, *, col, within, mode, reference, ci, correction, alpha) -> pd.DataFrame:
    rows = []
    groups = table.groupby(within, sort=False, dropna=False) if within else [((), table)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        idx = {lab: i for i, lab in zip(part.index, part[col])}
        for a, b in _pairs(list(part[col]), mode, reference):
            ra, rb = table.loc[idx[a]], table.loc[idx[b]]
            rows.append((*key, a, b, ra, rb))
    a_name, b_name = f"{col}_a", f"{col}_b"
    if not rows:
        return pd.DataFrame(columns=[*within, a_name, b_name, "n_a", "n_b", "score_a", "score_b", "diff",
                                     "ci_low", "ci_high", "test", "statistic", "p_value", "p_adjusted",
                                     "correction", "significant", "suppressed"])
    ra = pd.DataFrame([r[-2] for r in rows]).reset_index(drop=True)
    rb = pd.DataFrame([r[-1] for r in rows]).reset_index(drop=True)
    out = pd.DataFrame({c: [r[i] for r in rows] for i, c in enumerate(within)})
    out[a_name] = [r[len(within)] for r in rows]
    out[b_name] = [r[len(within) + 1] for r in rows]
    hidden = ra["suppressed"].to_numpy(bool) | rb["suppressed"].to_numpy(bool)
    if m.kind == "proportion":
        pa, pb = ra["_p"].to_numpy(float), rb["_p"].to_numpy(float)
        na, nb = ra["_neff"].to_numpy(float), rb["_neff"].to_numpy(float)
        res = _s.two_proportion_test(pa * na, na, pb * nb, nb, ci=ci)
        res = {**res, "diff": 100 * res["diff"], "ci_low": 100 * res["ci_low"], "ci_high": 100 * res["ci_high"]}
        test = "two_proportion_z"
    else:
        res = _s.welch_test(ra["_mean"], ra["_var"], ra["_neff"], rb["_mean"], rb["_var"], rb["_neff"], ci=ci)
        test = "welch_t"
    out["n_a"], out["n_b"] = ra["n"].to_numpy(), rb["n"].to_numpy()
    out["score_a"] = np.where(ra["suppressed"], np.nan, ra["_mean"])
    out["score_b"] = np.where(rb["suppressed"], np.nan, rb["_mean"])
    for c in ("diff", "ci_low", "ci_high", "statistic", "p_value"):
        out[c] = np.where(hidden, np.nan, np.asarray(res[c], dtype=float))
    out["test"] = test
    out["p_adjusted"] = _s.adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    out["correction"] = correction
    out["significant"] = np.nan_to_num(out["p_adjusted"].to_numpy(), nan=1.0) < alpha
    out["suppressed"] = hidden
    return out


def compare_groups(
    data: pd.DataFrame,
    *,
    by: str,
    metric: str = "nps",
    stat: Stat | None = None,
    within: str | Sequence[str] | None = None,
    reference=None,
    weight: str | None = None,
    ci: float = 0.95,
    min_n: int = _s.DEFAULT_MIN_N,
    complementary: bool = True,
    correction: _s.Correction = "holm",
    alpha: float = 0.05,
    date: str = "answered_at",
) -> pd.DataFrame:
    """Differences in a score between the groups of ``by``, tested and corrected.

    Parameters
    ----------
    data : DataFrame
        Responses (with the grouping columns).
    by : str
        The column whose groups are compared (e.g. ``"segment"``, ``"channel"``).
    metric, stat, weight, ci, min_n, complementary, date
        As in :func:`score_table`.
    within : str or list of str, optional
        Compare ``by`` groups separately within each level of these columns.
    reference : optional
        Compare every group against this one; default all pairs.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiple-comparison correction over all rows of the result.
    alpha : float
        Level for the ``significant`` flag.

    Returns
    -------
    DataFrame
        ``within`` columns, ``<by>_a``, ``<by>_b``, ``n_a``, ``n_b``, ``score_a``, ``score_b``,
        ``diff`` (score_b - score_a; NPS points, percentage points or scale units),
        ``ci_low``, ``ci_high`` (of diff), ``test`` (``welch_t`` for NPS and means,
        ``two_proportion_z`` for top-box shares), ``statistic``, ``p_value``, ``p_adjusted``,
        ``correction``, ``significant`` (p_adjusted < alpha), ``suppressed`` (either group
        suppressed: no difference or test is shown, and the pair is left out of the correction).

    Notes
    -----
    NPS differences: Welch's t-test on the item coding +100/0/-100 (whose mean is the NPS).
    Means: Welch's t-test. Top-box shares: pooled two-proportion z-test with Newcombe's
    hybrid score interval. Weighted data use Kish's effective n. See :mod:`cxlib.analysis.stats`.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10] * 40 + [3] * 40, "segment": ["a"] * 40 + ["b"] * 40})
    >>> compare_groups(r, by="segment", min_n=30)[["segment_a", "segment_b", "diff", "significant"]].to_dict("records")
    [{'segment_a': 'a', 'segment_b': 'b', 'diff': -200.0, 'significant': True}]
    """
    within_l = as_list(within)
    table, m = group_summaries(data, metric=metric, stat=stat, by=[*within_l, by], weight=weight, ci=ci,
                          method="auto", min_n=min_n, complementary=complementary, n_boot=0, seed=0, date=date)
    return _compare(table, m, col=by, within=within_l, mode="pairs", reference=reference, ci=ci,
                    correction=correction, alpha=alpha)


def compare_periods(
    data: pd.DataFrame,
    *,
    metric: str = "nps",
    stat: Stat | None = None,
    period: Period = "month",
    by: str | Sequence[str] | None = None,
    periods: tuple[str, str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    min_n: int = _s.DEFAULT_MIN_N,
    complementary: bool = True,
    correction: _s.Correction = "holm",
    alpha: float = 0.05,
    date: str = "answered_at",
    freq: str | None = None,
) -> pd.DataFrame:
    """Change of a score between periods: each period against the previous one, or one chosen pair.

    Parameters
    ----------
    data : DataFrame
        Responses with the ``date`` column.
    metric, stat, weight, ci, min_n, complementary, date
        As in :func:`score_table`.
    period : {"month", "quarter", "year"}
        Period length (``"week"`` also works).
    by : str or list of str, optional
        Compare periods separately within each group (e.g. each segment).
    periods : (str, str), optional
        Compare only these two period labels, e.g. ``("2025Q1", "2025Q2")``.
    correction, alpha
        As in :func:`compare_groups`.
    freq : str, optional
        Deprecated name of ``period`` (one release, with a :class:`DeprecationWarning`).

    Returns
    -------
    DataFrame
        ``by`` columns, ``<period>_a`` (earlier), ``<period>_b`` (later), then the columns of
        :func:`compare_groups`; ``diff`` = later - earlier, and ``significant`` marks a
        significant change.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10] * 40 + [3] * 40,
    ...                   "answered_at": pd.to_datetime(["2025-01-15"] * 40 + ["2025-02-15"] * 40)})
    >>> compare_periods(r)[["month_a", "month_b", "diff", "significant"]].to_dict("records")
    [{'month_a': '2025-01', 'month_b': '2025-02', 'diff': -200.0, 'significant': True}]
    """
    per = period_argument(period, freq)
    by_l = as_list(by)
    table, m = group_summaries(data, metric=metric, stat=stat, by=[*by_l, per], weight=weight, ci=ci,
                          method="auto", min_n=min_n, complementary=complementary, n_boot=0, seed=0, date=date)
    if periods is not None:
        table = table[table[per].isin(list(periods))]
        table = table.assign(_o=table[per].map({periods[0]: 0, periods[1]: 1})).sort_values([*by_l, "_o"])
    return _compare(table, m, col=per, within=by_l, mode="consecutive", reference=None, ci=ci,
                    correction=correction, alpha=alpha)


def trend(
    data: pd.DataFrame,
    *,
    metric: str = "nps",
    stat: Stat | None = None,
    period: Period = "month",
    by: str | Sequence[str] | None = None,
    min_n: int = _s.DEFAULT_MIN_N,
    correction: _s.Correction = "holm",
    alpha: float = 0.05,
    freq: str | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Score by period with intervals, and whether each period changed significantly.

    Parameters
    ----------
    data, metric, stat, min_n, **kwargs
        As in :func:`score_table` (``weight``, ``ci``, ``method``, ``date`` ...).
    period : {"month", "quarter", "year"}
        Period length (``"week"`` also works); the period column is named after it.
    by : str or list of str, optional
        One trend line per group.
    correction, alpha
        As in :func:`compare_periods`.
    freq : str, optional
        Deprecated name of ``period`` (one release, with a :class:`DeprecationWarning`).

    Returns
    -------
    DataFrame
        The :func:`score_table` columns grouped by ``by`` then the period, followed by
        ``change`` (vs the previous period with data, same units as the score),
        ``p_adjusted`` and ``significant_change`` (False for the first period and for
        suppressed periods).

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10] * 40 + [9] * 40 + [2] * 40,
    ...                   "answered_at": pd.to_datetime(["2025-01-15"] * 40 + ["2025-02-15"] * 80)})
    >>> trend(r)[["month", "n", "nps", "change", "significant_change"]].to_dict("records")
    [{'month': '2025-01', 'n': 40, 'nps': 100.0, 'change': nan, 'significant_change': False}, {'month': '2025-02', 'n': 80, 'nps': 0.0, 'change': -100.0, 'significant_change': True}]
    """
    per = period_argument(period, freq)
    by_l = as_list(by)
    table = score_table(data, metric=metric, stat=stat, by=[*by_l, per], min_n=min_n, **kwargs)
    ckw = {k: kwargs[k] for k in ("weight", "ci", "date", "complementary") if k in kwargs}
    changes = compare_periods(data, metric=metric, stat=stat, period=per, by=by_l or None, min_n=min_n,
                              correction=correction, alpha=alpha, **ckw)
    changes = changes.rename(columns={f"{per}_b": per, "diff": "change", "significant": "significant_change"})
    out = table.merge(changes[[*by_l, per, "change", "p_adjusted", "significant_change"]], on=[*by_l, per],
                      how="left")
    out["significant_change"] = out["significant_change"].fillna(False).astype(bool)
    return out
