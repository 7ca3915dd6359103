"""What the journey family shares: column checks, numeric coercion, grouping, grouped mean and rate tables.

Every grouped table of :mod:`cxlib.analysis.journey` and its siblings (lifecycle, consistency,
friction, value) is built by :func:`mean_table` or :func:`rate_table`, whose intervals and
suppression come from the one kernel, :mod:`cxlib.analysis.stats`; grouping columns are joined
by the one context joiner, :func:`cxlib.analysis.context.add_context`.

Examples
--------
>>> f = pd.DataFrame({"channel": ["web"] * 3 + ["app"] * 2, "rating": [5, 4, 3, 2, 4]})
>>> mean_table(f, "rating", ["channel"], min_n=1, ci=0.95)[["channel", "n", "mean"]].to_dict("records")
[{'channel': 'app', 'n': 2, 'mean': 3.0}, {'channel': 'web', 'n': 3, 'mean': 4.0}]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.context import add_context, period_name
from cxlib.errors import DataError

__all__ = [
    "require",
    "as_float",
    "as_flag",
    "add_groups",
    "mean_table",
    "rate_table",
    "mean_at",
    "group_ids",
]


def require(frame: pd.DataFrame | None, columns: Sequence[str], table: str) -> None:
    """Raise a clear :class:`DataError` when ``frame`` is None or lacks any of ``columns``.

    >>> require(pd.DataFrame({"a": [1]}), ["a"], "interactions")
    """
    if frame is None:
        raise DataError(f"The `{table}` table is required here but was None. Load it with open_client(...).{table}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"`{table}` lacks column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}. "
            "Map them in client.yaml `tables.<table>.columns` (see docs/data-model.md)."
        )


def as_float(series: pd.Series) -> pd.Series:
    """Any numeric / boolean / nullable column as float64 with NaN for missing.

    >>> as_float(pd.Series([1, None], dtype="Int64")).tolist()
    [1.0, nan]
    """
    return pd.to_numeric(series, errors="coerce").astype("float64")


def as_flag(series: pd.Series) -> pd.Series:
    """A boolean column as float64 (1, 0, NaN for unknown).

    >>> as_flag(pd.Series([True, None, False], dtype="boolean")).tolist()
    [1.0, nan, 0.0]
    """
    if series.dtype == object:
        series = series.astype("boolean")
    return as_float(series)


def add_groups(frame: pd.DataFrame, by: Sequence[str], *, customers: pd.DataFrame | None = None,
               time_col: str = "occurred_at", period: str = "quarter") -> pd.DataFrame:
    """``frame`` with every ``by`` column present: joined from ``customers``, or ``period`` derived.

    Parameters
    ----------
    frame : DataFrame
        A journey table (interactions, cases, per-customer rows).
    by : sequence of str
        Grouping columns; ``"period"`` is the period of ``time_col``.
    customers : DataFrame, optional
        Canonical customers, for customer columns (``segment``, ``region``).
    time_col : str
        The datetime column of ``period``.
    period : {"month", "quarter", "year"}
        Period length.

    Returns
    -------
    DataFrame
        See :func:`cxlib.analysis.context.add_context`.

    Examples
    --------
    >>> i = pd.DataFrame({"customer_id": ["a"], "occurred_at": pd.to_datetime(["2025-05-01"])})
    >>> add_groups(i, ["period"])["period"].tolist()
    ['2025Q2']
    """
    by = list(by)
    if not by:
        return frame
    return add_context(frame, customers=customers, columns=by, date=time_col,
                       periods={"period": period_name(period)} if "period" in by else ())


def mean_table(frame: pd.DataFrame, value: str, by: Sequence[str], *, min_n: int | None, ci: float,
               count: str | None = None, partition: Sequence[str] | None = None) -> pd.DataFrame:
    """n, mean, sd and a Student-t interval of ``value`` per ``by`` group, suppressed by the one policy.

    Parameters
    ----------
    frame : DataFrame
        Rows with the ``by`` columns and ``value``; NaN values are not counted.
    value : str
        The column summarised.
    by : sequence of str
        Grouping columns (empty: one overall row).
    min_n : int or None
        Groups with fewer values are suppressed, with complementary suppression over the
        partitions of ``by`` (:func:`cxlib.analysis.stats.suppress`); None or 0 is the explicit
        opt-out for internal tables that are suppressed later.
    ci : float
        Confidence level.
    count : str, optional
        Also count the distinct values of this column per group (``customer_id`` ->
        ``n_customers``).
    partition : sequence of str, optional
        The ``by`` columns whose groups partition a total that may be shown (complementary
        suppression runs across them); the other ``by`` columns stack independent tables.
        Default: every ``by`` column.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n``, [``n_<count>s``], ``mean``, ``sd``, ``ci_low``, ``ci_high``,
        ``suppressed``.

    Notes
    -----
    Interval: :func:`cxlib.analysis.stats.mean_interval`, mean ± t_{(1+ci)/2, n−1} · sd / √n.
    """
    data = frame[[*by, value] + ([count] if count else [])].dropna(subset=[value])
    if by:
        g = data.groupby(list(by), observed=True, sort=True, dropna=False)[value]
        table = g.agg(n="count", mean="mean", sd="std").reset_index()
        if count:
            table[f"n_{count.removesuffix('_id')}s"] = data.groupby(list(by), observed=True, sort=True,
                                                                   dropna=False)[count].nunique().to_numpy()
    else:
        table = pd.DataFrame({"n": [data[value].count()], "mean": [data[value].mean()], "sd": [data[value].std()]})
        if count:
            table[f"n_{count.removesuffix('_id')}s"] = [data[count].nunique()]
    low, high = stats.mean_interval(table["mean"], table["sd"], table["n"], ci=ci)
    table["ci_low"], table["ci_high"] = low, high
    part, within = _partition(by, partition)
    return stats.suppress(table, by=part, within=within, min_n=min_n, value_cols=["mean", "sd", "ci_low", "ci_high"])


def _partition(by: Sequence[str], partition: Sequence[str] | None) -> tuple[list[str], list[str]]:
    part = list(by) if partition is None else [c for c in by if c in partition]
    return part, [c for c in by if c not in part]


def rate_table(frame: pd.DataFrame, flag: str, by: Sequence[str], *, min_n: int | None, ci: float,
               events: str = "n_events", rate: str = "rate", partition: Sequence[str] | None = None) -> pd.DataFrame:
    """n, number of events, rate and a Wilson interval of a 0/1 column per ``by`` group, suppressed.

    Parameters
    ----------
    frame : DataFrame
        Rows with the ``by`` columns and ``flag`` (1, 0 or NaN for unknown; NaN not counted).
    flag : str
        The 0/1 column.
    by : sequence of str
        Grouping columns.
    min_n, ci, partition
        As in :func:`mean_table`.
    events, rate : str
        Names of the event-count and rate columns.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n``, ``<events>``, ``<rate>``, ``ci_low``, ``ci_high``, ``suppressed``.

    Notes
    -----
    Interval: :func:`cxlib.analysis.stats.proportion_interval` (Wilson 1927; equal to statsmodels
    ``proportion_confint(method="wilson")``).

    Examples
    --------
    >>> f = pd.DataFrame({"channel": ["web"] * 4, "asked": [1.0, 0.0, 0.0, 1.0]})
    >>> rate_table(f, "asked", ["channel"], min_n=1, ci=0.95)[["n", "n_events", "rate"]].to_dict("records")
    [{'n': 4, 'n_events': 2, 'rate': 0.5}]
    """
    data = frame[[*by, flag]].dropna(subset=[flag])
    if by:
        table = data.groupby(list(by), observed=True, sort=True, dropna=False)[flag].agg(["count", "sum"]).reset_index()
    else:
        table = pd.DataFrame({"count": [data[flag].count()], "sum": [data[flag].sum()]})
    table = table.rename(columns={"count": "n", "sum": events})
    table[events] = table[events].astype("int64")
    table[rate] = table[events] / table["n"]
    table["ci_low"], table["ci_high"] = stats.proportion_interval(table[events], table["n"], ci=ci)
    part, within = _partition(by, partition)
    return stats.suppress(table, by=part, within=within, min_n=min_n, value_cols=[rate, "ci_low", "ci_high"])


def mean_at(pos: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` (NaN skipped) per target position 0..n-1; NaN where none.

    >>> mean_at(np.array([0, 0, 2]), np.array([1.0, 3.0, np.nan]), 3).tolist()
    [2.0, nan, nan]
    """
    values = np.asarray(values, dtype=float)
    ok = ~np.isnan(values)
    total = np.bincount(pos[ok], values[ok], minlength=n)
    count = np.bincount(pos[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def group_ids(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group id of every row (groups sorted by ``keys``) and the keys of each group.

    >>> gid, keys = group_ids(pd.DataFrame({"c": ["b", "a", "b"]}), ["c"])
    >>> gid.tolist(), keys["c"].tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    codes = np.zeros(len(frame), np.int64)
    for k in keys:
        c, u = pd.factorize(frame[k], sort=True)
        codes = codes * (len(u) + 1) + (c + 1)
    _, first, gid = np.unique(codes, return_index=True, return_inverse=True)
    return gid.ravel(), frame[keys].iloc[first].reset_index(drop=True)
