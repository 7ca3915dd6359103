"""Reach, engagement and star ratings of posts, and how fast the company answers in public.

* :func:`engagement_summary` -- per source: posts, total and typical engagement / reach, and the
  star rating of reviews, where the export has these columns;
* :func:`response_performance` -- per source: the share of posts the company answered, and how
  long it took (median with a distribution-free interval), where the export has replies.

Silence reads as indifference: an unanswered complaint stays public. Methods:
``docs/methods-quant.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.errors import DataError

__all__ = ["ENGAGEMENT_COLUMNS", "engagement_summary", "response_performance"]

#: Columns :func:`engagement_summary` reads when present.
ENGAGEMENT_COLUMNS: tuple[str, ...] = ("engagement", "reach", "stars")


def _groups(frame: pd.DataFrame, by: list[str]):
    return frame.groupby(by, observed=True, sort=True, dropna=False) if by else [((), frame)]


def engagement_summary(mentions: pd.DataFrame, *, by: str | Sequence[str] | None = "source",
                       min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
    """Engagement, reach and stars by source, where the export has them.

    Parameters
    ----------
    mentions : DataFrame
        Canonical mentions; any of ``engagement`` (likes, shares, retweets), ``reach`` (audience)
        and ``stars`` (a review's 1-5 rating) are summarised.
    by : str or list of str, keyword-only
        Groups (default ``source``).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): groups with fewer posts carrying the measure
        are suppressed, with complementary suppression across groups. None or 0: none.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        Long: ``by`` columns, ``measure``, ``n`` (posts with a value), ``total``, ``mean`` with
        ``ci_low``, ``ci_high`` (Student t), ``median``, ``share_low`` (stars: share of 1-2 stars;
        else NaN), ``suppressed``. Empty when the export has none of the columns.

    Notes
    -----
    Engagement is skewed (a few posts travel far), so the median is shown beside the mean; the
    t interval of the mean relies on the central limit theorem and is rough for small groups.

    Examples
    --------
    >>> m = pd.DataFrame({"source": ["x", "x", "trustpilot"], "engagement": [10.0, 30.0, None],
    ...                   "stars": [None, None, 2]})
    >>> engagement_summary(m, min_n=1)[["source", "measure", "n", "total", "median"]].to_dict("records")
    [{'source': 'trustpilot', 'measure': 'stars', 'n': 1, 'total': 2.0, 'median': 2.0}, {'source': 'x', 'measure': 'engagement', 'n': 2, 'total': 40.0, 'median': 20.0}]
    """
    by = [by] if isinstance(by, str) else list(by or ())
    measures = [c for c in ENGAGEMENT_COLUMNS if c in mentions.columns]
    rows = []
    for key, part in _groups(mentions, by):
        key = key if isinstance(key, tuple) else (key,)
        for m in measures:
            x = pd.to_numeric(part[m], errors="coerce").astype("float64").dropna().to_numpy()
            if not len(x):
                continue
            rows.append({**dict(zip(by, key)), "measure": m, "n": len(x), "total": float(x.sum()),
                         "mean": float(x.mean()), "sd": float(x.std(ddof=1)) if len(x) > 1 else np.nan,
                         "median": float(np.median(x)),
                         "share_low": float((x <= 2).mean()) if m == "stars" else np.nan})
    cols = [*by, "measure", "n", "total", "mean", "sd", "median", "share_low"]
    table = pd.DataFrame(rows, columns=cols)
    if table.empty:
        return table.drop(columns="sd").assign(ci_low=[], ci_high=[], suppressed=[])
    table["n"] = table["n"].astype("int64")
    table["ci_low"], table["ci_high"] = stats.mean_interval(table["mean"], table["sd"], table["n"], ci=ci)
    table = stats.suppress(table, by=by or None, within=["measure"], min_n=min_n,
                           value_cols=["total", "mean", "ci_low", "ci_high", "median", "share_low"])
    cols = [*by, "measure", "n", "total", "mean", "ci_low", "ci_high", "median", "share_low", "suppressed"]
    return table[cols].sort_values([*by, "measure"], kind="stable").reset_index(drop=True)


def response_performance(mentions: pd.DataFrame, *, replied: str = "replied_at", time: str = "posted_at",
                         by: str | Sequence[str] | None = "source", within_hours: float = 24.0,
                         min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
    """The company's public response rate and response time, by source.

    Parameters
    ----------
    mentions : DataFrame
        Canonical mentions with ``posted_at`` and the company's reply time ``replied_at`` (empty
        when it did not reply).
    replied, time : str, keyword-only
        The reply-time and posting-time columns.
    by : str or list of str, keyword-only
        Groups (default ``source``).
    within_hours : float, keyword-only
        The response-time target for ``share_within``.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): groups with fewer posts are suppressed
        (and the response time of groups with fewer replies), with complementary suppression
        across groups. None or 0: none.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (dated posts), ``n_replied``, ``response_rate`` with ``rate_ci_low``,
        ``rate_ci_high`` (Wilson), ``median_hours`` with ``hours_ci_low``, ``hours_ci_high``
        (order-statistic interval of the median), ``share_within`` (of replies, answered within
        ``within_hours``) with ``within_ci_low``, ``within_ci_high``, ``suppressed``.

    Raises
    ------
    DataError
        When the export has no reply column (say so in the report instead).

    Notes
    -----
    Response time = replied_at − posted_at in hours; a reply stamped before its post is an
    export error and is not counted as a time (the post still counts as answered). Median and its
    interval: :func:`cxlib.analysis.stats.quantile_interval` (Conover 1999).

    Examples
    --------
    >>> m = pd.DataFrame({"source": "x", "posted_at": pd.to_datetime(["2025-01-01 09:00"] * 4),
    ...     "replied_at": pd.to_datetime(["2025-01-01 10:00", "2025-01-01 12:00", None, "2025-01-03 09:00"])})
    >>> response_performance(m, min_n=1)[["n", "n_replied", "response_rate", "median_hours"]].to_dict("records")
    [{'n': 4, 'n_replied': 3, 'response_rate': 0.75, 'median_hours': 3.0}]
    """
    if replied not in mentions.columns:
        raise DataError(f"The mentions have no `{replied}` column, so the company's replies cannot be measured. "
                        "Map the reply time in client.yaml `tables.mentions.columns` if the export has it.")
    by = [by] if isinstance(by, str) else list(by or ())
    posted = pd.to_datetime(mentions[time], errors="coerce")
    reply = pd.to_datetime(mentions[replied], errors="coerce")
    data = mentions[by].copy() if by else pd.DataFrame(index=mentions.index)
    data["_hours"] = (reply - posted).dt.total_seconds() / 3600
    data["_replied"] = reply.notna()
    data = data[posted.notna().to_numpy(bool)]
    rows = []
    for key, part in _groups(data, by):
        key = key if isinstance(key, tuple) else (key,)
        hours = part.loc[part["_replied"] & (part["_hours"] >= 0), "_hours"].to_numpy(float)
        med, lo, hi = stats.quantile_interval(hours, q=0.5, ci=ci)
        rows.append({**dict(zip(by, key)), "n": len(part), "n_replied": int(part["_replied"].sum()),
                     "n_timed": len(hours), "median_hours": med, "hours_ci_low": lo, "hours_ci_high": hi,
                     "n_within": int((hours <= within_hours).sum())})
    table = pd.DataFrame(rows)
    table["response_rate"] = table["n_replied"] / table["n"].where(table["n"] > 0)
    table["rate_ci_low"], table["rate_ci_high"] = stats.proportion_interval(table["n_replied"], table["n"], ci=ci)
    table["share_within"] = table["n_within"] / table["n_timed"].where(table["n_timed"] > 0)
    table["within_ci_low"], table["within_ci_high"] = stats.proportion_interval(table["n_within"], table["n_timed"],
                                                                                ci=ci)
    timed = stats.suppress(table, by=by or None, n="n_timed", min_n=min_n, flag=None,
                           value_cols=["median_hours", "hours_ci_low", "hours_ci_high", "share_within",
                                       "within_ci_low", "within_ci_high"])
    table = stats.suppress(timed, by=by or None, min_n=min_n,
                           value_cols=["response_rate", "rate_ci_low", "rate_ci_high", "median_hours", "hours_ci_low",
                                       "hours_ci_high", "share_within", "within_ci_low", "within_ci_high"])
    cols = [*by, "n", "n_replied", "response_rate", "rate_ci_low", "rate_ci_high", "median_hours", "hours_ci_low",
            "hours_ci_high", "share_within", "within_ci_low", "within_ci_high", "suppressed"]
    return table[cols].reset_index(drop=True)
