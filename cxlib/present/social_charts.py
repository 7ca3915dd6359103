"""Charts of the social and review section: volume with its spikes, sentiment by source, magnified themes.

Like :mod:`cxlib.present.charts`: tidy data in (already computed by :mod:`cxlib.analysis.social`),
keyword-only column names, ``ax=None``, the Axes out; nothing is computed here. Colours are the
client's brand as :func:`cxlib.present.charts.set_theme` set them (the first three colours of
the active colour cycle: primary, accent, neutral).

Examples
--------
>>> import pandas as pd
>>> days = pd.date_range("2025-01-01", periods=5, freq="D")
>>> ax = volume_chart(pd.DataFrame({"period_start": days, "n": [2, 3, 20, 4, 2],
...                                 "spike": [False, False, True, False, False]}))
>>> ax.get_ylabel()
'Posts and reviews per day'
>>> t = pd.DataFrame({"label": ["Price", "Staff"], "share_posts": [0.2, 0.1], "share_comments": [0.05, 0.12]})
>>> [x.get_text() for x in magnification_chart(t).get_yticklabels()]
['Price', 'Staff']
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["brand", "volume_chart", "sentiment_chart", "magnification_chart", "SENTIMENT_COLOURS"]

#: Negative, neutral, positive: red, grey, the brand's primary colour (set per chart).
SENTIMENT_COLOURS = {"negative": "#B91C1C", "neutral": "#D1D5DB", "positive": None}


def brand() -> dict[str, str]:
    """The brand colours in use: the first three colours of the active cycle (primary, accent, neutral)."""
    cycle = plt.rcParams["axes.prop_cycle"].by_key().get("color", [])
    cycle = list(cycle) + ["#1F3A5F", "#E07A1F", "#6B7280"]
    return {"primary": cycle[0], "accent": cycle[1], "neutral": cycle[2]}


def _ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def volume_chart(data: pd.DataFrame, *, x: str = "period_start", y: str = "n", spike: str = "spike",
                 ylabel: str = "Posts and reviews per day", title: str | None = None, ax=None):
    """Posts per period as bars; the periods of a spike in the accent colour.

    Parameters
    ----------
    data : DataFrame
        One row per period in time order (:attr:`cxlib.analysis.social.SpikeResult.table`).
    x, y, spike : str, keyword-only
        Period start, count, and the boolean spike column.

    Returns
    -------
    matplotlib Axes
    """
    colours = brand()
    ax = _ax(ax, (7.2, 1.9))  # a strip: the shape of the year and its spikes, not the daily counts
    at = pd.to_datetime(data[x])
    n = data[y].astype("float64").to_numpy()
    flags = data[spike].fillna(False).astype(bool).to_numpy() if spike in data.columns else np.zeros(len(data), bool)
    # a bar per period, touching its neighbours and without edges: a year of days is 365 bars on 7 inches,
    # and the theme's white bar edges would otherwise leave only hairlines
    width = 1.0 if len(at) < 2 else (at.iloc[1] - at.iloc[0]).total_seconds() / 86400
    ax.bar(at[~flags], n[~flags], width=width, color=colours["primary"], label="posts", linewidth=0, align="edge")
    if flags.any():
        # a one-day spike on a year's axis is still thin: drawn at least 1/120 of the span wide so it is seen in print
        span = (at.max() - at.min()).total_seconds() / 86400 if len(at) > 1 else 1.0
        ax.bar(at[flags], n[flags], width=max(width, span / 120), color=colours["accent"], label="spike",
               linewidth=0, align="edge", zorder=3)
        ax.legend(loc="upper left")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    ax.grid(axis="x", visible=False)
    ax.xaxis.set_major_formatter(plt.matplotlib.dates.DateFormatter("%b"))
    if title:
        ax.set_title(title)
    return ax


def sentiment_chart(data: pd.DataFrame, *, y: str = "label", parts=("negative", "neutral", "positive"),
                    title: str | None = None, xlabel: str = "% of posts", ax=None):
    """100 % stacked bars of sentiment per source (wide: one column of percentages per sentiment).

    Parameters
    ----------
    data : DataFrame
        One row per source with a ``y`` label and one column per sentiment in ``parts`` (0-100);
        a suppressed source has NaN and is named "(too few posts)".

    Returns
    -------
    matplotlib Axes
    """
    colours = {**SENTIMENT_COLOURS, "positive": brand()["primary"]}
    ax = _ax(ax, (7.2, max(1.5, 0.34 * len(data) + 1.0)))
    pos = np.arange(len(data))[::-1]
    left = np.zeros(len(data))
    for part in parts:
        values = np.nan_to_num(data[part].astype("float64").to_numpy())
        ax.barh(pos, values, left=left, color=colours[part], height=0.62, label=part)
        left = left + values
    names = [f"{label} (too few posts)" if pd.isna(v) else str(label)
             for label, v in zip(data[y].astype("string"), data[parts[0]])]
    ax.set_yticks(pos, names)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts))
    if title:
        ax.set_title(title, pad=22)
    return ax


def magnification_chart(data: pd.DataFrame, *, y: str = "label", posts: str = "share_posts",
                        comments: str = "share_comments", posts_low: str | None = "posts_ci_low",
                        posts_high: str | None = "posts_ci_high", highlight: str | None = "magnified",
                        title: str | None = None, xlabel: str = "% of texts mentioning the theme", ax=None):
    """Each theme's share of posts against its share of survey comments (a dumbbell, shares 0-1).

    Returns
    -------
    matplotlib Axes
    """
    colours = brand()
    ax = _ax(ax, (7.2, max(1.8, 0.32 * len(data) + 1.0)))
    pos = np.arange(len(data))[::-1]
    p = 100 * data[posts].astype("float64").to_numpy()
    c = 100 * data[comments].astype("float64").to_numpy()
    flags = data[highlight].fillna(False).astype(bool).to_numpy() if highlight and highlight in data.columns \
        else np.zeros(len(data), bool)
    ax.hlines(pos, np.fmin(p, c), np.fmax(p, c), color="#D1D5DB", linewidth=3, zorder=1)
    ax.scatter(c, pos, color=colours["neutral"], s=40, zorder=3, label="survey comments")
    err = None
    if posts_low and posts_high and posts_low in data.columns:
        lo = p - 100 * data[posts_low].astype("float64").to_numpy()
        hi = 100 * data[posts_high].astype("float64").to_numpy() - p
        err = np.vstack([np.nan_to_num(lo), np.nan_to_num(hi)])
    ax.errorbar(p, pos, xerr=err, fmt="none", ecolor="#374151", elinewidth=1, capsize=2.5, zorder=2)
    ax.scatter(p[~flags], pos[~flags], color=colours["primary"], s=46, zorder=4, label="posts and reviews")
    if flags.any():
        ax.scatter(p[flags], pos[flags], color=colours["accent"], s=70, zorder=5, label="magnified in public")
    ax.set_yticks(pos, data[y].astype("string").fillna("–").tolist())
    ax.set_xlim(left=0)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax
