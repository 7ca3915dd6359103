"""Representative quotes per theme, always redacted, never from a group below the quote minimum.

Examples
--------
>>> q = select_quotes(coded, responses, min_n_quotes=ws.config.min_n_quotes)   # doctest: +SKIP
>>> q[["theme", "kind", "quote", "needs_review"]]                               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.coding import comment_frame
from cxlib.text.redact import redact_series
from cxlib.text.sentiment import mention_sentiment, sentence_bounds

__all__ = ["QUOTE_COLUMNS", "select_quotes"]

Kind = Literal["typical", "negative", "positive"]

QUOTE_COLUMNS = ["theme", "label", "n", "kind", "rank", "comment_ref", "quote", "sentiment", "redacted",
                 "needs_review", "suppressed"]


def _excerpt(text: str, start, end, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    if start is not pd.NA and start is not None and end is not pd.NA:
        a, b = sentence_bounds(text, int(start), int(end))
        text = text[a:b].strip()
    if len(text) > max_chars:
        cut = text[: max_chars - 1].rsplit(" ", 1)[0]
        text = cut + "\u2026"
    return text


def _typicality(texts: list[str]) -> np.ndarray:
    """Cosine similarity of each text's TF-IDF vector to the group's centroid (higher = more typical)."""
    if len(texts) < 2:
        return np.ones(len(texts))
    try:
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:
        return np.ones(len(texts))
    centroid = np.asarray(x.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    return np.asarray(x @ centroid).ravel() / norm if norm else np.ones(len(texts))


def select_quotes(
    coded: pd.DataFrame,
    data: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    context: pd.DataFrame | None = None,
    by: str | None = None,
    themes: Sequence[str] | None = None,
    kinds: Sequence[Kind] = ("typical", "negative", "positive"),
    per_kind: int = 1,
    min_n_quotes: int = 50,
    max_chars: int = 280,
    exclude_review: bool = False,
    codebook: Codebook | None = None,
    text: str | None = None,
    ref: str | None = None,
) -> pd.DataFrame:
    """Pick quotes for each theme: the most typical, the most negative, the most positive.

    Parameters
    ----------
    coded : DataFrame
        Long coded frame.
    data : DataFrame
        The comments (responses or mentions).
    mentions : DataFrame, optional
        :func:`cxlib.text.sentiment.mention_sentiment` output (computed when omitted).
    context, by : DataFrame, str, optional
        Quotes per theme within each group of ``context[by]`` (e.g. segment).
    themes : sequence of str, optional
        Restrict to these themes.
    kinds : sequence of {"typical", "negative", "positive"}
        Typical = closest to the theme's TF-IDF centroid; negative/positive = lowest/highest VADER
        compound of the mention's sentence (a positive quote needs compound >= 0.05, a negative one
        <= -0.05).
    per_kind : int
        Quotes per kind.
    min_n_quotes : int
        A theme (x group) mentioned by fewer comments gives no quote: one row with
        ``suppressed`` True and ``quote`` NA.
    max_chars : int
        Longer comments are cut to the sentence holding the evidence, then to this length.
    exclude_review : bool
        Never return a quote that may still hold a name (``needs_review``); by default such quotes
        are used only when no clean one exists, and flagged.
    codebook : Codebook, optional
        For labels.

    Returns
    -------
    DataFrame
        ``by`` (when given), ``theme``, ``label``, ``n`` (comments mentioning the theme in the group),
        ``kind``, ``rank``, ``comment_ref``, ``quote`` (redacted), ``sentiment`` (compound),
        ``redacted`` (tuple of entity types replaced), ``needs_review``, ``suppressed``.

    Notes
    -----
    Every quote passes through :func:`cxlib.text.redact.redact_series` before it is returned;
    unredacted text never leaves this function.
    """
    if mentions is None:
        mentions = mention_sentiment(coded, data, text=text, ref=ref)
    comments = comment_frame(data, text=text, ref=ref)
    text_of = dict(zip(comments["comment_ref"].tolist(), comments["text"].tolist()))
    m = mentions[mentions["theme"] != UNCODED].drop_duplicates(["comment_ref", "theme"])
    if themes is not None:
        m = m[m["theme"].isin(list(themes))]
    keys = ["theme"]
    if by is not None:
        if context is None or by not in context.columns:
            raise DataError(f"select_quotes: by={by!r} needs a context frame with a `{by}` column (comment_context).")
        m = m.merge(context[["comment_ref", by]], on="comment_ref", how="inner")
        keys = [by, "theme"]
    labels = codebook.labels() if codebook is not None else {}
    rows: list[dict] = []
    for key, g in m.groupby(keys, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        base = dict(zip(keys, key))
        theme = base["theme"]
        base.update({"label": labels.get(theme, theme), "n": len(g)})
        if len(g) < min_n_quotes:
            rows.append({**base, "kind": pd.NA, "rank": pd.NA, "comment_ref": pd.NA, "quote": pd.NA,
                         "sentiment": np.nan, "redacted": (), "needs_review": pd.NA, "suppressed": True})
            continue
        g = g.reset_index(drop=True)
        excerpts = [_excerpt(text_of[r], s, e, max_chars) for r, s, e in zip(g["comment_ref"], g["start"], g["end"])]
        compound = g["compound"].to_numpy(dtype=float)  # positional reads: no Series lookup per comment
        order = {
            "typical": np.argsort(-_typicality(excerpts), kind="stable"),
            "negative": [i for i in np.argsort(compound, kind="stable") if compound[i] <= -0.05],
            "positive": [i for i in np.argsort(-compound, kind="stable") if compound[i] >= 0.05],
        }
        used: set[int] = set()
        for kind in kinds:
            cand = [i for i in order[kind] if i not in used][: max(5 * per_kind, 10)]
            if not cand:
                continue
            red = redact_series(pd.Series([excerpts[i] for i in cand]))
            clean = [k for k in range(len(cand)) if not red["needs_review"].iloc[k]]
            flagged = [] if exclude_review else [k for k in range(len(cand)) if red["needs_review"].iloc[k]]
            for rank, k in enumerate((clean + flagged)[:per_kind], start=1):
                i = cand[k]
                used.add(i)
                rows.append({**base, "kind": kind, "rank": rank, "comment_ref": g["comment_ref"][i],
                             "quote": red["text"].iloc[k], "sentiment": float(g["compound"][i]),
                             "redacted": red["found"].iloc[k], "needs_review": bool(red["needs_review"].iloc[k]),
                             "suppressed": False})
    cols = keys[:-1] + QUOTE_COLUMNS
    out = pd.DataFrame(rows, columns=cols)
    for c in ("theme", "label", "kind", "comment_ref", "quote"):
        out[c] = out[c].astype("string")
    out["rank"] = out["rank"].astype("Int64")
    out["n"] = out["n"].astype("int64")
    out["needs_review"] = out["needs_review"].astype("boolean")
    out["suppressed"] = out["suppressed"].astype("bool")
    return out
