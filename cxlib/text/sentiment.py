"""Sentiment of comments and of theme mentions (VADER), and net sentiment per theme.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"response_id": ["a", "b"], "comment": ["Great, friendly staff!", "Awful. Never again."]})
>>> comment_sentiment(df)["label"].tolist()
['positive', 'negative']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cxlib.text.codebook import UNCODED
from cxlib.text.coding import comment_frame
from cxlib.text.vader import analyzer, compound_scores_in

__all__ = ["POSITIVE", "NEGATIVE", "comment_sentiment", "mention_sentiment", "net_sentiment", "sentence_bounds",
           "label_sentiment", "lexicon_words"]

#: VADER's standard thresholds on the compound score (Hutto & Gilbert 2014).
POSITIVE = 0.05
NEGATIVE = -0.05

_SENT_END = re.compile(r"(?<=[.!?])\s+|\n+")


def lexicon_words() -> frozenset[str]:
    """The words of the sentiment lexicon (VADER's), lower case: words a reader knows, never a name.

    >>> {"good", "terrible"} <= lexicon_words()
    True
    """
    return frozenset(w.lower() for w in analyzer().lexicon)


def _compound_many(texts: list[str], n_jobs: int = 1) -> np.ndarray:
    """VADER compound score of each text; identical texts scored once; up to ``n_jobs`` worker processes
    (:func:`cxlib.text.vader.compound_scores_in`)."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype="string"))
    scores = np.array(compound_scores_in([str(u) for u in uniques], n_jobs), dtype="float64")
    return scores[codes] if len(codes) else np.array([], dtype="float64")


def label_sentiment(compound: np.ndarray | pd.Series) -> np.ndarray:
    """``positive`` / ``neutral`` / ``negative`` from VADER compound scores (NaN -> NA)."""
    c = np.asarray(compound, dtype="float64")
    out = np.where(c >= POSITIVE, "positive", np.where(c <= NEGATIVE, "negative", "neutral")).astype(object)
    out[np.isnan(c)] = None
    return out


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence of ``text`` holding the span ``[start, end)``.

    >>> t = "Great app. But the bill was wrong! Bye"
    >>> s, e = sentence_bounds(t, 19, 23); t[s:e]
    'But the bill was wrong!'
    """
    s = 0
    for m in _SENT_END.finditer(text):
        if m.start() >= start:
            return s, max(m.start(), end)
        s = m.end()
    return s, max(len(text), end)


def comment_sentiment(data: pd.DataFrame, *, text: str | None = None, ref: str | None = None,
                      n_jobs: int = 1) -> pd.DataFrame:
    """VADER sentiment of each comment.

    Parameters
    ----------
    data : DataFrame
        Responses (``response_id``, ``comment``) or mentions (``mention_id``, ``text``).
    text, ref : str, optional
        Column names (detected when omitted).
    n_jobs : int
        Worker processes for large inputs (VADER is pure Python: ~10k comments/s per core; workers
        only from 20,000 distinct comments for two, :mod:`cxlib.text.vader`).

    Returns
    -------
    DataFrame
        * ``comment_ref``;
        * ``compound`` -- VADER compound score in [-1, 1];
        * ``label`` -- positive (>= 0.05), negative (<= -0.05) or neutral.

    Notes
    -----
    VADER (Hutto & Gilbert 2014, ICWSM) is a lexicon and rule model for short informal English
    text; it handles negation, intensifiers, "but" and punctuation. The thresholds are the
    authors' recommended ones.
    """
    comments = comment_frame(data, text=text, ref=ref)
    compound = _compound_many(comments["text"].tolist(), n_jobs)
    return pd.DataFrame({
        "comment_ref": comments["comment_ref"],
        "compound": compound,
        "label": pd.array(label_sentiment(compound), dtype="string"),
    })


def mention_sentiment(coded: pd.DataFrame, data: pd.DataFrame, *, text: str | None = None,
                      ref: str | None = None, n_jobs: int = 1) -> pd.DataFrame:
    """Sentiment of each theme mention: VADER on the sentence holding the evidence.

    Parameters
    ----------
    coded : DataFrame
        Long coded frame (:func:`cxlib.text.coding.code_comments`).
    data : DataFrame
        The comments that were coded.
    n_jobs : int
        Worker processes for large inputs.

    Returns
    -------
    DataFrame
        ``coded`` with three more columns: ``sentence`` (the sentence of the evidence, or the whole
        comment when a coder gave no span), ``compound`` and ``label``. Uncoded rows get the
        comment's sentiment.
    """
    comments = comment_frame(data, text=text, ref=ref)
    text_of = dict(zip(comments["comment_ref"].tolist(), comments["text"].tolist()))
    sentences = []
    for r, s, e in zip(coded["comment_ref"].tolist(), coded["start"].tolist(), coded["end"].tolist()):
        t = text_of.get(r, "")
        if s is pd.NA or e is pd.NA or s is None:
            sentences.append(t)
        else:
            a, b = sentence_bounds(t, int(s), int(e))
            sentences.append(t[a:b])
    compound = _compound_many(sentences, n_jobs)
    return coded.assign(
        sentence=pd.array(sentences, dtype="string"),
        compound=compound,
        label=pd.array(label_sentiment(compound), dtype="string"),
    )


def net_sentiment(mentions: pd.DataFrame, *, by: str | list[str] | None = None, labels: dict[str, str] | None = None
                  ) -> pd.DataFrame:
    """Net sentiment per theme: % positive mentions minus % negative mentions.

    Parameters
    ----------
    mentions : DataFrame
        Output of :func:`mention_sentiment` (``uncoded`` rows are ignored).
    by : str or list of str, optional
        Extra grouping columns present in ``mentions``.
    labels : dict, optional
        theme id -> label for a ``label`` column.

    Returns
    -------
    DataFrame
        One row per theme (x ``by``): ``theme``, ``label``, ``n_mentions``, ``pct_positive``,
        ``pct_negative``, ``net_sentiment`` (percentage points, -100..100), ``mean_compound``.
    """
    keys = ([by] if isinstance(by, str) else list(by or [])) + ["theme"]
    m = mentions[mentions["theme"] != UNCODED].drop_duplicates(["comment_ref", "theme"] + keys[:-1])
    g = m.assign(_pos=(m["label"] == "positive").astype("float64"), _neg=(m["label"] == "negative").astype("float64"))
    out = g.groupby(keys, observed=True, sort=True).agg(
        n_mentions=("comment_ref", "size"), pct_positive=("_pos", "mean"), pct_negative=("_neg", "mean"),
        mean_compound=("compound", "mean")).reset_index()
    out["pct_positive"] *= 100
    out["pct_negative"] *= 100
    out["net_sentiment"] = out["pct_positive"] - out["pct_negative"]
    out.insert(len(keys), "label", pd.array([(labels or {}).get(t, t) for t in out["theme"]], dtype="string"))
    return out[keys + ["label", "n_mentions", "pct_positive", "pct_negative", "net_sentiment", "mean_compound"]]
