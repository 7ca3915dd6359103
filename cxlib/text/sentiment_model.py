"""Sentiment that fits the client's text: a lexicon, plus what the consultant's hand codes teach.

:func:`auto_sentiment` labels each comment positive, neutral or negative. Without hand codes it
uses VADER's lexicon (its valence words and emoji, negation scaled as VADER does) through the
shared hashed features, so it runs at coding speed. With the consultant's hand-coded sentiment
(a few hundred comments, coded in the panel), a classifier learns on top of the lexicon: the
lexicon scores are features next to the client's own words ("delayed", "cancelled", "on hold"
are negative in an airline's mentions though no lexicon says so). Agreement with the hand codes
is measured out of fold and reported (:class:`SentimentResult.agreement`).

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"ref": ["a", "b"], "text": ["Great, friendly staff!", "Awful. Never again."]})
>>> auto_sentiment(c).table["label"].tolist()
['positive', 'negative']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits

from cxlib.errors import DataError
from cxlib.text.reliability import kappa_interval
from cxlib.text.coding import comment_frame, has_ref, texts_of
from cxlib.text.features import Featurised, TextFeatures, featurise, lexicon_scores

__all__ = ["SENTIMENTS", "SentimentAgreement", "SentimentResult", "SentimentModel", "auto_sentiment",
           "train_sentiment", "lexicon_label"]

SENTIMENTS = ("negative", "neutral", "positive")
#: VADER's thresholds on its normalised score (Hutto & Gilbert 2014).
THRESHOLD = 0.05


def lexicon_label(score: np.ndarray) -> np.ndarray:
    """positive / neutral / negative from a VADER-style score in [-1, 1]."""
    return np.where(score >= THRESHOLD, "positive", np.where(score <= -THRESHOLD, "negative", "neutral")).astype(object)


@dataclass(frozen=True)
class SentimentAgreement:
    """Out-of-fold agreement of the learned sentiment with the hand codes, and of the lexicon alone."""

    n: int
    accuracy: float
    kappa: float
    kappa_low: float
    kappa_high: float
    lexicon_accuracy: float
    lexicon_kappa: float
    confusion: pd.DataFrame

    def summary(self) -> str:
        return (f"Sentiment vs the hand codes ({self.n} comments, out-of-fold): accuracy {self.accuracy:.2f}, "
                f"kappa {self.kappa:.2f} ({self.kappa_low:.2f}-{self.kappa_high:.2f}); the lexicon alone: "
                f"accuracy {self.lexicon_accuracy:.2f}, kappa {self.lexicon_kappa:.2f}.")


@dataclass
class SentimentModel:
    """Features and the classifier (None: lexicon only)."""

    features: TextFeatures
    model: LogisticRegression | None
    columns: np.ndarray | None

    def design(self, counts: sp.csr_matrix, prepared) -> sp.csr_matrix:
        lex = lexicon_scores(counts, prepared)
        words = self.features.words(counts)
        if self.columns is not None:
            words = words[:, self.columns]
        return sp.hstack([words, sp.csr_matrix(lex)], format="csr")

    def predict(self, counts: sp.csr_matrix, prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(label, confidence, lexicon score) per text."""
        score = lexicon_scores(counts, prepared)[:, 2]
        if self.model is None:
            return lexicon_label(score), np.full(len(score), np.nan), score
        with threadpool_limits(1):
            p = self.model.predict_proba(self.design(counts, prepared))
        top = p.argmax(axis=1)
        return np.asarray(self.model.classes_, dtype=object)[top], p[np.arange(len(top)), top], score


def _hand_sentiment(hand: pd.DataFrame | None) -> pd.DataFrame:
    if hand is None or len(hand) == 0:
        return pd.DataFrame({"comment_ref": pd.array([], dtype="string"), "sentiment": pd.array([], dtype="string")})
    ref = "ref" if "ref" in hand.columns else "comment_ref"
    col = "sentiment" if "sentiment" in hand.columns else "label"
    if ref not in hand.columns or col not in hand.columns:
        raise DataError("hand-coded sentiment needs columns `ref` and `sentiment` (positive, neutral or negative).")
    h = pd.DataFrame({"comment_ref": hand[ref].astype("string"), "sentiment": hand[col].astype("string").str.lower()})
    bad = sorted(set(h["sentiment"].dropna()) - set(SENTIMENTS))
    if bad:
        raise DataError(f"Hand-coded sentiment has value(s) {bad}; use positive, neutral or negative.")
    return h.dropna().drop_duplicates("comment_ref", keep="last").reset_index(drop=True)


def train_sentiment(texts: list[str], labels: list[str], *, all_counts: sp.csr_matrix | None = None,
                    seed: int = 0) -> tuple[SentimentModel, SentimentAgreement | None]:
    """Fit the learned sentiment on hand-coded texts; out-of-fold agreement when there are 30 or more."""
    feats = TextFeatures()
    counts, prepared = feats.counts(texts)
    feats.fit(sp.vstack([all_counts, counts]) if all_counts is not None else counts)
    y = np.asarray(labels, dtype=object)
    if len(set(y)) < 2:
        return SentimentModel(feats, None, None), None
    words = feats.words(counts)
    model = SentimentModel(feats, None, np.unique(words.indices))
    x = model.design(counts, prepared)
    lr = LogisticRegression(C=1.0, max_iter=3000, random_state=seed)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        model.model = lr.fit(x, y)
        agreement = None
        if len(y) >= 30:
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
            oof = cross_val_predict(LogisticRegression(C=1.0, max_iter=3000, random_state=seed), x, y, cv=folds)
            lex = lexicon_label(lexicon_scores(counts, prepared)[:, 2])
            k, lo, hi = kappa_interval(y, oof)
            confusion = pd.crosstab(pd.Series(y, name="hand"), pd.Series(oof, name="model")).reindex(
                index=list(SENTIMENTS), columns=list(SENTIMENTS), fill_value=0)
            agreement = SentimentAgreement(len(y), float((oof == y).mean()), k, lo, hi, float((lex == y).mean()),
                                           kappa_interval(y, lex)[0], confusion)
    return model, agreement


@dataclass(frozen=True)
class SentimentResult:
    """``table``: ``ref``, ``label``, ``confidence`` (NaN for the lexicon alone), ``score`` (lexicon, -1..1);
    ``agreement``: with the hand codes (None without 30 of them); ``method``: ``lexicon`` or ``learned``."""

    table: pd.DataFrame
    agreement: SentimentAgreement | None
    method: str
    model: SentimentModel

    def summary(self) -> str:
        shares = self.table["label"].value_counts(normalize=True).reindex(list(SENTIMENTS), fill_value=0) * 100
        head = (f"Sentiment ({self.method}) of {len(self.table):,} comments: "
                + ", ".join(f"{s} {v:.0f} %" for s, v in shares.items()) + ".")
        return head + ("\n" + self.agreement.summary() if self.agreement is not None else "")


def auto_sentiment(comments: pd.DataFrame, hand_coded: pd.DataFrame | None = None, seed: int = 0, *,
                   featurised: Featurised | None = None, n_jobs: int = 1) -> SentimentResult:
    """Sentiment of each comment, learned from hand codes on top of the VADER lexicon.

    Parameters
    ----------
    comments : DataFrame
        ``ref`` and ``text`` (or the usual comment columns).
    hand_coded : DataFrame, optional
        ``ref`` and ``sentiment`` (positive / neutral / negative), e.g. from the coding panel.
    seed : int
        Fixes the cross-validation folds.
    featurised : Featurised, optional
        :func:`cxlib.text.features.featurise` of the same comments (shared with auto_code).
    n_jobs : int
        Processes for featurising large inputs.

    Returns
    -------
    SentimentResult

    Notes
    -----
    Lexicon: VADER's valence lexicon (Hutto & Gilbert 2014); a word within three words after a
    negator counts -0.74 times its valence; score = s / sqrt(s^2 + 15); thresholds +-0.05. This is
    VADER's lexicon and normalisation without its other rules (intensifiers, capitals, "but"),
    which the learned model replaces with the client's data. Learned: multinomial logistic
    regression (C = 1) on TF-IDF of hashed words and pairs (negated words marked) plus the lexicon
    scores and counts of ``!`` and ``?``.
    """
    frame = comment_frame(comments, text="text" if "text" in comments.columns else None,
                          ref="ref" if "ref" in comments.columns else None)
    if not len(frame):  # no comment with text (all empty or blank): nothing to score, nothing to learn from
        empty = pd.DataFrame({"ref": pd.array([], dtype="string"), "label": pd.array([], dtype="string"),
                              "confidence": np.array([], dtype="float64"), "score": np.array([], dtype="float64")})
        return SentimentResult(empty, None, "lexicon", SentimentModel(TextFeatures(), None, None))
    if featurised is None or len(featurised.codes) != len(frame):
        featurised = featurise(frame["text"], n_jobs=n_jobs)
    codes, counts, prepared = featurised.codes, featurised.counts, None
    feats = TextFeatures()
    hand = _hand_sentiment(hand_coded)
    hand = hand[has_ref(frame, hand["comment_ref"])]
    agreement = None
    if len(hand) >= 10 and hand["sentiment"].nunique() >= 2:
        model, agreement = train_sentiment(texts_of(frame, hand["comment_ref"]), hand["sentiment"].tolist(),
                                           all_counts=counts, seed=seed)
        method = "learned" if model.model is not None else "lexicon"
    else:
        model, method = SentimentModel(feats.fit(counts), None, None), "lexicon"
    label, conf, score = model.predict(counts, prepared)
    table = pd.DataFrame({"ref": pd.array(frame["comment_ref"].to_numpy(), dtype="string"),
                          "label": pd.array(label[codes], dtype="string"), "confidence": conf[codes],
                          "score": score[codes]})
    return SentimentResult(table, agreement, method, model)
