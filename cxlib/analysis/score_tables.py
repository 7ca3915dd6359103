"""Score tables with honest uncertainty: NPS, CSAT top-2-box, CES and touchpoint ratings, by any grouping.

Every score table has the grouping columns, then ``n``, the score (``nps,
pct_promoters, pct_detractors`` for NPS, ``score`` otherwise), ``ci_low,
ci_high, method, suppressed``. Groups smaller than ``min_n`` — and, where
needed, the next-smallest group of the same partition (complementary
suppression, :mod:`cxlib.analysis.stats.suppression`) — keep their label and ``n``
but their score and interval are NaN. :func:`group_summaries` is the shared engine
(also of :mod:`cxlib.analysis.comparisons`).

Examples
--------
>>> r = pd.DataFrame({"nps": [10, 9, 8, 3, 10, 6, 9, 7], "segment": list("aaaabbbb")})
>>> nps(r, min_n=1)[["n", "nps", "pct_promoters", "pct_detractors"]].to_dict("records")
[{'n': 8, 'nps': 25.0, 'pct_promoters': 50.0, 'pct_detractors': 25.0}]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats as _s
from cxlib.analysis.context import PERIODS, period_labels
from cxlib.errors import DataError
from cxlib.schema import RATING_PREFIX, rating_column, rating_columns

__all__ = [
    "Stat",
    "CiMethod",
    "Metric",
    "resolve_metric",
    "as_list",
    "with_groups",
    "group_summaries",
    "score_table",
    "nps",
    "csat",
    "ces",
    "touchpoint_scores",
]

Stat = Literal["nps", "mean", "top_box", "top2_box"]
CiMethod = Literal["auto", "adjusted_wald", "wald", "wilson", "t", "bootstrap"]

_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@dataclass(frozen=True)
class Metric:
    """A score resolved against the data: its column, statistic, kind and scale."""

    column: str
    stat: str
    kind: str  # "nps" | "proportion" | "mean"
    low: float | None
    high: float | None
    threshold: float | None = None


def resolve_metric(data: pd.DataFrame, metric: str, stat: str | None) -> Metric:
    """Which column and statistic ``metric`` / ``stat`` mean for these data (clear errors otherwise)."""
    if metric in data.columns:
        column = metric
    elif rating_column(metric) in data.columns:
        column = rating_column(metric)
    else:
        raise DataError(
            f"no column `{metric}` (or `{rating_column(metric)}`) in the data; columns are "
            f"{list(map(str, data.columns))}. Pass metric= one of them."
        )
    low, high = _SCALES.get(column, (1, 5) if column.startswith(RATING_PREFIX) else (None, None))
    default = {"nps": "nps", "csat": "top2_box"}.get(column, "mean")
    stat = stat or default
    if stat == "nps":
        if column != "nps" and (low, high) != (0, 10):
            raise DataError(f"stat='nps' needs a 0-10 likelihood-to-recommend column, not `{column}`.")
        return Metric(column, "nps", "nps", 0, 10)
    if stat == "mean":
        return Metric(column, "mean", "mean", low, high)
    if stat in ("top_box", "top2_box"):
        if high is None:
            raise DataError(
                f"stat={stat!r} needs a known scale; `{column}` is not nps/csat/ces/rating_<touchpoint>. "
                "Use stat='mean' or recode the column first."
            )
        return Metric(column, stat, "proportion", low, high, high - (0 if stat == "top_box" else 1))
    raise DataError(f"unknown stat {stat!r}; use 'nps', 'mean', 'top_box' or 'top2_box'.")


def as_list(by) -> list[str]:
    """A grouping argument (None, a column name or a list) as a list of column names."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def with_groups(data: pd.DataFrame, by: list[str], date: str) -> pd.DataFrame:
    """``data`` with every ``by`` column present: period names (month, quarter, ...) derived from ``date``."""
    missing = [c for c in by if c not in data.columns and c not in PERIODS]
    if missing:
        raise DataError(
            f"grouping column(s) {missing} not in the data. Columns are {list(map(str, data.columns))}; "
            "join segment/region/channel/stage/touchpoint first with cxlib.analysis.metrics.with_context()."
        )
    derived = [c for c in by if c not in data.columns]
    if not derived:
        return data
    if date not in data.columns:
        raise DataError(f"grouping by {derived} needs the date column `{date}`, which is not in the data.")
    return data.assign(**{c: period_labels(data[date], c) for c in derived})


def _item_values(data: pd.DataFrame, m: Metric) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(data[m.column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    valid = np.isfinite(x)
    bad = valid & (((x < m.low) if m.low is not None else False) | ((x > m.high) if m.high is not None else False))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"column `{m.column}` row {data.index[pos]!r}: {x[pos]:g} is outside {m.low:g}-{m.high:g}. "
            "Validate the responses (cx validate) or map the scale in client.yaml."
        )
    if m.kind == "nps":
        v = np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0))
    elif m.kind == "proportion":
        v = np.where(x >= m.threshold, 100.0, 0.0)
    else:
        v = x
    return v, valid


def _weights(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(data))
    if weight not in data.columns:
        raise DataError(f"weight column `{weight}` is not in the data.")
    w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise DataError(f"weight column `{weight}` has missing, infinite or negative values; weights must be >= 0.")
    return w


def _boot(v, w, est, *, kind, weighted, n_boot, rng):
    n = len(v)
    if not weighted and kind == "nps":
        probs = np.array([(v > 0).mean(), (v == 0).mean(), (v < 0).mean()])
        c = rng.multinomial(n, probs / probs.sum(), size=n_boot)
        return 100.0 * (c[:, 0] - c[:, 2]) / n
    if not weighted and kind == "proportion":
        return 100.0 * rng.binomial(n, (v > 0).mean(), size=n_boot) / n
    out = np.empty(n_boot)
    step = max(1, 4_000_000 // max(n, 1))
    for s in range(0, n_boot, step):
        b = min(step, n_boot - s)
        idx = rng.integers(0, n, size=(b, n))
        ww = w[idx]
        out[s : s + b] = (ww * v[idx]).sum(axis=1) / ww.sum(axis=1)
    return out


def group_summaries(
    data, *, metric, stat, by, weight, ci, method, min_n, complementary, n_boot, seed, date
) -> tuple[pd.DataFrame, Metric]:
    """Per-group sufficient statistics, intervals and the suppression flag of one score.

    Returns the internal table (grouping columns, ``n``, ``n_eff``, ``_mean``, ``_var``,
    ``_neff``, ``_p``, ``_d``, ``ci_low``, ``ci_high``, ``method``, ``suppressed``) and the
    resolved :class:`Metric`; :func:`score_table` and the comparisons build on it.
    """
    by = as_list(by)
    frame = with_groups(data, by, date)
    m = resolve_metric(frame, metric, stat)
    v, valid = _item_values(frame, m)
    w = _weights(frame, weight)
    centre = float(np.average(v[valid], weights=w[valid])) if valid.any() and w[valid].sum() > 0 else 0.0
    vc = v - centre  # centred to keep sums of squares accurate
    cols = {f"_g{i}": frame[c].array for i, c in enumerate(by)}
    work = pd.DataFrame({**cols, "w": w, "wv": w * vc, "wv2": w * vc * vc, "w2": w * w,
                         "wp": w * (v > 0), "wd": w * (v < 0), "one": 1})[valid]
    keys = list(cols)
    if keys:
        grouped = work.groupby(keys, observed=True, dropna=False, sort=True)
        agg = grouped.sum()
        codes = grouped.ngroup().to_numpy()
        agg = agg.reset_index().rename(columns={f"_g{i}": c for i, c in enumerate(by)})
    else:
        agg = work.sum().to_frame().T
        codes = np.zeros(len(work), dtype=int)
    n = agg["one"].to_numpy(dtype=float)
    sw = agg["w"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = sw**2 / agg["w2"].to_numpy(dtype=float)
        mean_c = agg["wv"].to_numpy(dtype=float) / sw
        var_pop = np.clip(agg["wv2"].to_numpy(dtype=float) / sw - mean_c**2, 0, None)
        var = np.where(n_eff > 1, var_pop * n_eff / (n_eff - 1), np.nan)
        p = agg["wp"].to_numpy(dtype=float) / sw
        d = agg["wd"].to_numpy(dtype=float) / sw
    mean = mean_c + centre
    if m.kind == "nps":
        mean = 100.0 * (p - d)  # exact, not via the centred sums
    elif m.kind == "proportion":
        mean = 100.0 * p
    if method == "auto":
        method = {"nps": "adjusted_wald", "proportion": "wilson", "mean": "t"}[m.kind]
    allowed = {"nps": ("adjusted_wald", "wald"), "proportion": ("wilson",), "mean": ("t",)}[m.kind]
    if method == "bootstrap":
        rng = np.random.default_rng(seed)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(agg) + 1))
        vv, ww = v[valid][order], w[valid][order]
        low, high = np.full(len(agg), np.nan), np.full(len(agg), np.nan)
        for g in range(len(agg)):
            sl = slice(bounds[g], bounds[g + 1])
            reps = _boot(vv[sl], ww[sl], mean[g], kind=m.kind, weighted=weight is not None, n_boot=n_boot, rng=rng)
            low[g], high[g] = _s.percentile_interval(reps, mean[g], ci=ci)
        method_name = "bootstrap_percentile"
    elif method in allowed:
        if m.kind == "nps":
            low, high = _s.nps_interval(p, d, n_eff, ci=ci, method=method)
            low, high = 100 * low, 100 * high
        elif m.kind == "proportion":
            low, high = _s.wilson_interval(p, n_eff, ci=ci)
            low, high = 100 * low, 100 * high
        else:
            low, high = _s.mean_interval(mean, np.sqrt(var), n_eff, ci=ci)
        method_name = method
    else:
        raise DataError(f"interval method {method!r} does not apply to {m.stat}; use one of {allowed + ('bootstrap',)}.")
    table = agg[by].copy() if by else pd.DataFrame(index=range(len(agg)))
    table["n"] = n.astype(np.int64)
    if weight is not None:
        table["n_eff"] = n_eff
    table["_mean"], table["_var"], table["_neff"], table["_p"], table["_d"] = mean, var, n_eff, p, d
    table["ci_low"], table["ci_high"] = low, high
    table["method"] = method_name
    table["suppressed"] = _s.suppression_mask(table, by=by, min_n=min_n, complementary=complementary)
    return table, m


def _public(table: pd.DataFrame, m: Metric, by: list[str], weighted: bool) -> pd.DataFrame:
    out = table[by + ["n"] + (["n_eff"] if weighted else [])].copy()
    hide = table["suppressed"].to_numpy()
    if m.kind == "nps":
        out["nps"] = table["_mean"]
        out["pct_promoters"] = 100 * table["_p"]
        out["pct_detractors"] = 100 * table["_d"]
        score_cols = ["nps", "pct_promoters", "pct_detractors"]
    else:
        out["score"] = table["_mean"]
        score_cols = ["score"]
    for c in ("ci_low", "ci_high", "method", "suppressed"):
        out[c] = table[c]
    out.loc[hide, score_cols + ["ci_low", "ci_high"]] = np.nan
    return out.reset_index(drop=True)


def score_table(
    data: pd.DataFrame,
    *,
    metric: str = "nps",
    stat: Stat | None = None,
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    ci: float = 0.95,
    method: CiMethod = "auto",
    min_n: int = _s.DEFAULT_MIN_N,
    complementary: bool = True,
    n_boot: int = 2000,
    seed: int = 0,
    date: str = "answered_at",
) -> pd.DataFrame:
    """A score with its confidence interval, overall or by any grouping.

    Parameters
    ----------
    data : DataFrame
        Canonical responses (optionally with :func:`with_context` columns).
    metric : str
        ``"nps"``, ``"csat"``, ``"ces"``, a touchpoint id or ``rating_<touchpoint>``,
        or any numeric column.
    stat : {"nps", "mean", "top_box", "top2_box"}, optional
        Default: ``"nps"`` for nps, ``"top2_box"`` for csat (4-5 of 1-5), ``"mean"`` otherwise.
        ``top_box`` counts the scale maximum (5 of 1-5, 7 of CES 1-7); ``top2_box`` the two highest.
    by : str or list of str, optional
        Grouping columns. ``month``, ``quarter``, ``year`` and ``week`` are derived from
        ``date`` when the data has no such column. Rows with a missing label form their own group.
    weight : str, optional
        Column of non-negative weights. Intervals then use Kish's effective n.
    ci : float
        Confidence level.
    method : {"auto", "adjusted_wald", "wald", "wilson", "t", "bootstrap"}
        Interval method. ``auto``: adjusted Wald for NPS, Wilson for top-box shares,
        Student t for means. ``bootstrap``: percentile bootstrap (``n_boot`` resamples, ``seed``).
    min_n : int
        Minimum group size; pass ``ws.config.min_n``.
    complementary : bool
        Apply complementary suppression (see :func:`cxlib.analysis.stats.suppression_mask`); keep
        True whenever the total (or a margin) is shown anywhere.
    n_boot, seed : int
        Bootstrap resamples and seed.
    date : str
        Datetime column for derived period groupings.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns; ``n`` (responses with a score);
        ``n_eff`` (only when weighted); for NPS ``nps`` (-100..100), ``pct_promoters``,
        ``pct_detractors``, otherwise ``score`` (percent for top-box shares, scale units
        for means); ``ci_low``, ``ci_high`` (same units); ``method``; ``suppressed``
        (bool; when True the score and interval are NaN).

    Notes
    -----
    NPS = %promoters (9-10) - %detractors (0-6) (Reichheld, 2003, *HBR* 81(12)).
    Weighted shares/means are sum(w x)/sum(w); Kish's n_eff = (sum w)^2/sum w^2
    replaces n in the interval formulas (see :mod:`cxlib.analysis.stats` for each formula).
    Suppression uses the unweighted ``n``.

    Examples
    --------
    >>> r = pd.DataFrame({"csat": [5, 4, 2, 5, 3], "segment": list("aabbb")})
    >>> score_table(r, metric="csat", by="segment", min_n=1)[["segment", "n", "score"]].to_dict("records")
    [{'segment': 'a', 'n': 2, 'score': 100.0}, {'segment': 'b', 'n': 3, 'score': 33.33333333333333}]
    """
    by_l = as_list(by)
    table, m = group_summaries(data, metric=metric, stat=stat, by=by_l, weight=weight, ci=ci, method=method,
                          min_n=min_n, complementary=complementary, n_boot=n_boot, seed=seed, date=date)
    return _public(table, m, by_l, weight is not None)


def nps(data: pd.DataFrame, *, score: str = "nps", by=None, weight=None, ci: float = 0.95,
        method: CiMethod = "adjusted_wald", min_n: int = _s.DEFAULT_MIN_N, **kwargs) -> pd.DataFrame:
    """Net Promoter Score table; see :func:`score_table` (``stat="nps"``).

    Returns ``by`` columns, ``n``, ``nps``, ``pct_promoters``, ``pct_detractors``,
    ``ci_low``, ``ci_high``, ``method``, ``suppressed``.

    Notes
    -----
    NPS = 100 (p - d); interval by default the adjusted Wald of Rocks (2016), see
    :func:`cxlib.analysis.stats.nps_interval`.
    """
    return score_table(data, metric=score, stat="nps", by=by, weight=weight, ci=ci, method=method,
                       min_n=min_n, **kwargs)


def csat(data: pd.DataFrame, *, score: str = "csat", by=None, weight=None, ci: float = 0.95,
         method: CiMethod = "wilson", min_n: int = _s.DEFAULT_MIN_N, **kwargs) -> pd.DataFrame:
    """CSAT top-2-box: percent of 4-5 answers on the 1-5 scale; see :func:`score_table`.

    Returns ``by`` columns, ``n``, ``score`` (percent), ``ci_low``, ``ci_high``, ``method``, ``suppressed``.

    Notes
    -----
    Wilson score interval (Wilson, 1927), see :func:`cxlib.analysis.stats.wilson_interval`.
    """
    return score_table(data, metric=score, stat="top2_box", by=by, weight=weight, ci=ci, method=method,
                       min_n=min_n, **kwargs)


def ces(data: pd.DataFrame, *, score: str = "ces", by=None, weight=None, ci: float = 0.95,
        method: CiMethod = "t", min_n: int = _s.DEFAULT_MIN_N, **kwargs) -> pd.DataFrame:
    """Mean Customer Effort Score (1-7, 7 = very easy); see :func:`score_table`.

    Returns ``by`` columns, ``n``, ``score`` (mean), ``ci_low``, ``ci_high``, ``method``, ``suppressed``.

    Notes
    -----
    Student-t interval of the mean, see :func:`cxlib.analysis.stats.mean_interval`.
    """
    return score_table(data, metric=score, stat="mean", by=by, weight=weight, ci=ci, method=method,
                       min_n=min_n, **kwargs)


def touchpoint_scores(
    data: pd.DataFrame,
    *,
    touchpoints: Sequence[str] | None = None,
    stat: Stat = "mean",
    by=None,
    min_n: int = _s.DEFAULT_MIN_N,
    **kwargs,
) -> pd.DataFrame:
    """Score of every ``rating_<touchpoint>`` column (1-5), overall or by a grouping.

    Parameters
    ----------
    data : DataFrame
        Responses with ``rating_<touchpoint>`` columns.
    touchpoints : list of str, optional
        Touchpoint ids (default: every rating column, in column order).
    stat : {"mean", "top_box", "top2_box"}
        Mean rating, share of 5s, or share of 4-5s.
    by, min_n, **kwargs
        As in :func:`score_table`.

    Returns
    -------
    DataFrame
        ``touchpoint``, the ``by`` columns, ``n`` (responses that rated it), ``score``,
        ``ci_low``, ``ci_high``, ``method``, ``suppressed``. Suppression is applied per
        touchpoint (each touchpoint is its own partition).

    Examples
    --------
    >>> r = pd.DataFrame({"rating_billing": [5, 4, None], "rating_app": [3, 5, 5]})
    >>> touchpoint_scores(r, min_n=1)[["touchpoint", "n", "score"]].to_dict("records")
    [{'touchpoint': 'billing', 'n': 2, 'score': 4.5}, {'touchpoint': 'app', 'n': 3, 'score': 4.333333333333333}]
    """
    cols = [rating_column(t) for t in touchpoints] if touchpoints is not None else rating_columns(data.columns)
    if not cols:
        raise DataError("no rating_<touchpoint> columns in the data.")
    parts = []
    for col in cols:
        t = score_table(data, metric=col, stat=stat, by=by, min_n=min_n, **kwargs)
        t.insert(0, "touchpoint", col[len(RATING_PREFIX):])
        parts.append(t)
    return pd.concat(parts, ignore_index=True)
