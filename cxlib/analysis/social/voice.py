"""What the public says: sentiment shares by source, and the themes social media magnifies.

* :func:`sentiment_share` -- share of negative / neutral / positive posts by source (or period),
  with Wilson intervals and the one suppression policy;
* :func:`theme_magnification` -- each theme's share of posts against its share of survey
  comments: what is magnified in public, tested and corrected.

Sentiment labels and theme codes come from :mod:`cxlib.text` (the report section computes
them); these functions take them as tidy columns. Methods: ``docs/methods-quant.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.errors import DataError

__all__ = ["SENTIMENTS", "sentiment_labels", "sentiment_share", "theme_magnification"]

#: Sentiment labels, in display order.
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")


def sentiment_labels(values: pd.Series, *, threshold: float = 0.05) -> pd.Series:
    """Sentiment as labels: text labels kept, scores (-1..1, e.g. VADER compound) cut at ±``threshold``.

    >>> sentiment_labels(pd.Series([-0.6, 0.01, 0.4])).tolist()
    ['negative', 'neutral', 'positive']
    """
    if pd.api.types.is_numeric_dtype(values.dtype):
        x = values.astype("float64")
        lab = np.where(x <= -threshold, "negative", np.where(x >= threshold, "positive", "neutral"))
        return pd.Series(lab, index=values.index, dtype="string").where(x.notna())
    lab = values.astype("string").str.strip().str.lower()
    bad = lab.notna() & ~lab.isin(SENTIMENTS)
    if bad.any():
        raise DataError(f"sentiment labels must be one of {', '.join(SENTIMENTS)}; found {lab[bad].iloc[0]!r}.")
    return lab


def sentiment_share(mentions: pd.DataFrame, *, sentiment: str = "sentiment", by: str | Sequence[str] | None = "source",
                    min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
    """Share of negative, neutral and positive posts in each group.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with a ``sentiment`` column: labels ("negative", "neutral", "positive") or scores
        in -1..1 (cut at ±0.05, :func:`sentiment_labels`).
    sentiment : str, keyword-only
        The sentiment column.
    by : str or list of str, keyword-only
        Groups (default ``source``; None: all posts).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): groups with fewer posts are suppressed,
        with complementary suppression across groups. None or 0: none (internal use).
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        Long: ``by`` columns, ``sentiment``, ``n`` (posts of the group with a sentiment),
        ``count``, ``share`` (0-1), ``ci_low``, ``ci_high`` (Wilson), ``suppressed``.

    Examples
    --------
    >>> m = pd.DataFrame({"source": ["x"] * 4, "sentiment": ["negative", "negative", "positive", "neutral"]})
    >>> sentiment_share(m, min_n=1)[["sentiment", "count", "share"]].to_dict("records")
    [{'sentiment': 'negative', 'count': 2, 'share': 0.5}, {'sentiment': 'neutral', 'count': 1, 'share': 0.25}, {'sentiment': 'positive', 'count': 1, 'share': 0.25}]
    """
    by = [by] if isinstance(by, str) else list(by or ())
    if sentiment not in mentions.columns:
        raise DataError(f"The mentions have no `{sentiment}` column; score them first (cxlib.text.sentiment).")
    data = mentions[by].copy() if by else pd.DataFrame(index=mentions.index)
    data["sentiment"] = sentiment_labels(mentions[sentiment])
    data = data[data["sentiment"].notna().to_numpy(bool)]
    keys = by if by else None
    totals = (data.groupby(by, observed=True, dropna=False).size().rename("n").reset_index() if by
              else pd.DataFrame({"n": [len(data)]}))
    grid = totals.merge(pd.DataFrame({"sentiment": pd.array(SENTIMENTS, dtype="string")}), how="cross")
    counts = data.groupby([*by, "sentiment"], observed=True, dropna=False).size().rename("count").reset_index()
    out = grid.merge(counts, on=[*by, "sentiment"], how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["share"] = np.where(out["n"] > 0, out["count"] / out["n"].where(out["n"] > 0, 1), np.nan)
    out["ci_low"], out["ci_high"] = stats.proportion_interval(out["count"], out["n"], ci=ci)
    out = stats.suppress(out, by=keys, within=["sentiment"], min_n=min_n, value_cols=["share", "ci_low", "ci_high"])
    # a suppressed group's counts would give its shares away
    out["count"] = out["count"].astype("Int64").mask(out["suppressed"])
    return out.sort_values([*by, "sentiment"], kind="stable").reset_index(drop=True)


def _theme_counts(codes: pd.DataFrame, uncoded: str) -> tuple[int, pd.Series]:
    if not {"comment_ref", "theme"} <= set(codes.columns):
        raise DataError("coded comments need `comment_ref` and `theme` columns (cxlib.text.code_comments output).")
    total = int(codes["comment_ref"].nunique())
    themed = codes[codes["theme"].astype("string") != uncoded].drop_duplicates(["comment_ref", "theme"])
    return total, themed.groupby("theme", observed=True).size()


def theme_magnification(mention_codes: pd.DataFrame, survey_codes: pd.DataFrame, *, uncoded: str = "uncoded",
                        min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95, correction: stats.Correction = "holm",
                        alpha: float = 0.05, min_ratio: float = 1.5) -> pd.DataFrame:
    """Which themes are magnified in public: their share of posts against their share of survey comments.

    Parameters
    ----------
    mention_codes, survey_codes : DataFrame
        Coded posts and coded survey comments, long (``comment_ref``, ``theme``; one row with
        ``theme == uncoded`` for a text no theme matched, as :func:`cxlib.text.code_comments` gives),
        so every text counts in its denominator.
    uncoded : str, keyword-only
        The theme id of uncoded texts.
    min_n : int or None, keyword-only
        A theme mentioned fewer than ``min_n`` times in all (posts + comments) is suppressed, as
        theme frequencies are. None or 0: none.
    ci, correction, alpha : keyword-only
        Confidence level; multiple-comparison correction over the shown themes; level.
    min_ratio : float, keyword-only
        A theme is ``magnified`` when its share of posts is significantly higher (adjusted p <
        ``alpha``) and at least ``min_ratio`` times its share of comments.

    Returns
    -------
    DataFrame
        ``theme``, ``n_posts`` (all coded posts), ``k_posts`` (posts with the theme), ``share_posts``
        with ``posts_ci_low/high`` (Wilson), ``n_comments``, ``k_comments``, ``share_comments`` with
        ``comments_ci_low/high``, ``ratio`` (share_posts / share_comments), ``difference``
        (share_posts − share_comments, 0-1) with ``diff_ci_low/high`` (Newcombe), ``p_value``
        (pooled two-proportion z), ``p_adjusted``, ``magnified`` (bool), ``suppressed``; most
        magnified first.

    Notes
    -----
    :func:`cxlib.analysis.stats.two_proportion_test` (Newcombe 1998 interval; pooled z-test),
    Holm (1979) over the themes shown. A post and a comment are different texts, so the two
    samples are independent.

    Examples
    --------
    >>> posts = pd.DataFrame({"comment_ref": list("abcd"), "theme": ["price", "price", "staff", "uncoded"]})
    >>> comments = pd.DataFrame({"comment_ref": list("pqrst"), "theme": ["staff", "staff", "uncoded", "price", "staff"]})
    >>> theme_magnification(posts, comments, min_n=1)[["theme", "share_posts", "share_comments"]].to_dict("records")
    [{'theme': 'price', 'share_posts': 0.5, 'share_comments': 0.2}, {'theme': 'staff', 'share_posts': 0.25, 'share_comments': 0.6}]
    """
    n_p, k_p = _theme_counts(mention_codes, uncoded)
    n_c, k_c = _theme_counts(survey_codes, uncoded)
    themes = sorted(set(k_p.index) | set(k_c.index), key=str)
    out = pd.DataFrame({"theme": pd.array(themes, dtype="string")})
    out["n_posts"] = n_p
    out["k_posts"] = k_p.reindex(themes).fillna(0).astype("int64").to_numpy()
    out["n_comments"] = n_c
    out["k_comments"] = k_c.reindex(themes).fillna(0).astype("int64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_posts"] = out["k_posts"] / n_p if n_p else np.nan
        out["share_comments"] = out["k_comments"] / n_c if n_c else np.nan
        out["ratio"] = out["share_posts"] / out["share_comments"]
    out["posts_ci_low"], out["posts_ci_high"] = stats.proportion_interval(out["k_posts"], out["n_posts"], ci=ci)
    out["comments_ci_low"], out["comments_ci_high"] = stats.proportion_interval(out["k_comments"], out["n_comments"],
                                                                                ci=ci)
    test = stats.two_proportion_test(out["k_comments"], out["n_comments"], out["k_posts"], out["n_posts"], ci=ci)
    out["difference"] = test["diff"]
    out["diff_ci_low"], out["diff_ci_high"], out["p_value"] = test["ci_low"], test["ci_high"], test["p_value"]
    hidden = stats.suppression_mask(out.assign(_k=out["k_posts"] + out["k_comments"]), by=None, n="_k", min_n=min_n)
    out["p_adjusted"] = stats.adjust_pvalues(np.where(hidden, np.nan, out["p_value"]), method=correction)
    out["magnified"] = (~hidden & (out["p_adjusted"].fillna(1) < alpha) & (out["difference"] > 0)
                        & (out["ratio"] >= min_ratio)).to_numpy(bool)
    values = ["share_posts", "posts_ci_low", "posts_ci_high", "share_comments", "comments_ci_low", "comments_ci_high",
              "ratio", "difference", "diff_ci_low", "diff_ci_high", "p_value", "p_adjusted"]
    out = stats.suppress(out, by=None, min_n=None, also_hide=hidden, value_cols=values)
    cols = ["theme", "n_posts", "k_posts", "share_posts", "posts_ci_low", "posts_ci_high", "n_comments", "k_comments",
            "share_comments", "comments_ci_low", "comments_ci_high", "ratio", "difference", "diff_ci_low",
            "diff_ci_high", "p_value", "p_adjusted", "magnified", "suppressed"]
    out = out[cols].sort_values(["magnified", "difference", "theme"], ascending=[False, False, True], kind="stable",
                                na_position="last")
    return out.reset_index(drop=True)
