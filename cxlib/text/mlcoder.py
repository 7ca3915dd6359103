"""ML-assisted coding: TF-IDF + one-vs-rest logistic regression trained on the hand-coded sample.

It proposes themes the rules miss (``coder == "ml"``), each with its probability as confidence and,
as evidence, the word or phrase of the comment that pushed hardest towards the theme.

Examples
--------
>>> ml = train_ml_coder(comments, coder_codes(hand, "alice"), codebook)   # doctest: +SKIP
>>> codes = combine_codes(code_comments(comments, codebook), ml.predict(comments))   # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier

from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.coding import assemble_codes, comment_frame

__all__ = ["MLCoder", "train_ml_coder"]


@dataclass(frozen=True)
class MLCoder:
    """A trained ML coder.

    ``table``: one row per theme with ``n_positive`` (hand-coded comments with the theme),
    ``trained`` (enough examples), and cross-validated ``cv_precision``, ``cv_recall``, ``cv_f1``
    at ``threshold``. ``model``: the fitted one-vs-rest classifier; ``vectorizer``: its TF-IDF.
    """

    table: pd.DataFrame
    model: OneVsRestClassifier | None
    vectorizer: TfidfVectorizer | None
    themes: tuple[str, ...]
    parents: dict
    threshold: float

    def summary(self) -> str:
        t = self.table
        return (f"ML coder: {int(t['trained'].sum())} of {len(t)} themes trained (threshold {self.threshold}).\n"
                + t.to_string(index=False, float_format=lambda v: f"{v:.2f}"))

    def predict(self, data: pd.DataFrame, *, text: str | None = None, ref: str | None = None,
                threshold: float | None = None) -> pd.DataFrame:
        """Themes proposed for each comment (long frame, ``coder == "ml"``, uncoded rows kept).

        Parameters
        ----------
        data : DataFrame
            Comments (responses or mentions).
        threshold : float, optional
            Minimum probability to propose a theme (default: the coder's).

        Returns
        -------
        DataFrame
            :data:`cxlib.text.coding.CODED_COLUMNS`; ``confidence`` is the model's probability,
            ``evidence``/``start``/``end`` locate the strongest contributing term (NA when it cannot
            be located).
        """
        thr = self.threshold if threshold is None else threshold
        comments = comment_frame(data, text=text, ref=ref)
        texts, refs = comments["text"].tolist(), comments["comment_ref"].tolist()
        text_of = dict(zip(refs, texts))
        rows = ([], [], [], [], [])
        if self.model is None or not texts:
            probs = np.zeros((len(texts), 0))
        else:
            x = self.vectorizer.transform(texts)
            probs = self.model.predict_proba(x)
            coefs = np.vstack([est.coef_.ravel() for est in self.model.estimators_])
            terms = self.vectorizer.get_feature_names_out()
        for i, r in enumerate(refs):
            hit = np.flatnonzero(probs[i] >= thr) if probs.shape[1] else []
            if len(hit) == 0:
                for lst, v in zip(rows, (r, UNCODED, -1, -1, np.nan)):
                    lst.append(v)
                continue
            xi = x[i]
            for j in sorted(hit, key=lambda j: -probs[i, j]):
                s = e = -1
                if xi.nnz:
                    contrib = xi.data * coefs[j, xi.indices]
                    term = terms[xi.indices[int(np.argmax(contrib))]]
                    m = re.search(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in term.split()) + r"(?!\w)",
                                  texts[i], re.IGNORECASE)
                    if m:
                        s, e = m.span()
                for lst, v in zip(rows, (r, self.themes[j], s, e, float(probs[i, j]))):
                    lst.append(v)
        out = assemble_codes(rows[0], rows[1], rows[2], rows[3], text_of, self.parents, coder="ml",
                        confidence=rows[4])
        return out

    def propose(self, coded: pd.DataFrame, data: pd.DataFrame, **kwargs) -> pd.DataFrame:
        """Only the ML codes that ``coded`` (e.g. the rule codes) does not already have."""
        pred = self.predict(data, **kwargs)
        pred = pred[pred["theme"] != UNCODED]
        have = set(zip(coded["comment_ref"], coded["theme"]))
        keep = [(r, t) not in have for r, t in zip(pred["comment_ref"], pred["theme"])]
        return pred[keep].reset_index(drop=True)


def train_ml_coder(
    data: pd.DataFrame,
    hand_codes: pd.DataFrame,
    codebook: Codebook,
    *,
    text: str | None = None,
    ref: str | None = None,
    min_positive: int = 5,
    threshold: float = 0.5,
    cv_folds: int = 5,
    seed: int = 0,
) -> MLCoder:
    """Train the ML coder on hand-coded comments.

    Parameters
    ----------
    data : DataFrame
        Comments (responses or mentions); those in ``hand_codes`` are the training set.
    hand_codes : DataFrame
        ``comment_ref``, ``theme`` (one coder's codes, e.g. :func:`cxlib.text.reliability.coder_codes`;
        ``uncoded`` rows are negative examples for every theme).
    codebook : Codebook
        Themes the model may learn (codes outside the codebook are an error).
    min_positive : int
        Themes with fewer positive (or negative) examples are not trained.
    threshold : float
        Probability above which a theme is proposed.
    cv_folds : int
        Folds for the cross-validated precision/recall in ``table`` (0 to skip).
    seed : int
        Fixes the fold split.

    Returns
    -------
    MLCoder

    Notes
    -----
    Features: TF-IDF of words and word pairs (sublinear tf, min_df 2). Model: one logistic
    regression per theme (L2, C = 4, balanced class weights), i.e. binary relevance for
    multi-label data (Tsoumakas & Katakis 2007).
    """
    comments = comment_frame(data, text=text, ref=ref)
    unknown = set(hand_codes["theme"]) - set(codebook.ids) - {UNCODED}
    if unknown:
        raise DataError(f"Hand codes use theme(s) not in the codebook {codebook.source}: {sorted(unknown)}. "
                        "Add them to the codebook or fix the hand-coded file.")
    refs = sorted(set(hand_codes["comment_ref"]) & set(comments["comment_ref"]))
    if not refs:
        raise DataError("train_ml_coder: none of the hand-coded comments is among the comments given.")
    train = comments.set_index("comment_ref").loc[refs, "text"].tolist()
    pos = {t: set(hand_codes.loc[hand_codes["theme"] == t, "comment_ref"]) for t in codebook.ids}
    n_pos = {t: sum(r in pos[t] for r in refs) for t in codebook.ids}
    themes = [t for t in codebook.ids if min_positive <= n_pos[t] <= len(refs) - min_positive]
    rows = [{"theme": t, "n_positive": n_pos[t], "trained": t in themes} for t in codebook.ids if n_pos[t] or t in themes]
    table = pd.DataFrame(rows, columns=["theme", "n_positive", "trained"])
    table["cv_precision"] = np.nan
    table["cv_recall"] = np.nan
    table["cv_f1"] = np.nan
    if not themes:
        return MLCoder(table=table, model=None, vectorizer=None, themes=(), parents=codebook.parents(),
                       threshold=threshold)
    y = np.array([[r in pos[t] for t in themes] for r in refs], dtype="int8")
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    x = vec.fit_transform(train)
    clf = OneVsRestClassifier(LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))
    clf.fit(x, y)
    if cv_folds and len(refs) >= 2 * cv_folds:
        # stratify on the rarest label of each row so every fold sees positives of small themes
        rare = np.argsort(y.sum(axis=0))
        strat = np.array([next((j for j in rare if row[j]), -1) for row in y])
        counts = pd.Series(strat).value_counts()
        strat = np.where(pd.Series(strat).map(counts).to_numpy() < cv_folds, -2, strat)
        try:
            folds = StratifiedKFold(cv_folds, shuffle=True, random_state=seed).split(x, strat)
            p = cross_val_predict(OneVsRestClassifier(LogisticRegression(C=4.0, class_weight="balanced",
                                                                         max_iter=2000)),
                                  x, y, cv=list(folds), method="predict_proba")
            pred = p >= threshold
            tp = (pred & (y == 1)).sum(axis=0)
            prec = np.where(pred.sum(axis=0) > 0, tp / np.maximum(pred.sum(axis=0), 1), np.nan)
            rec = tp / np.maximum(y.sum(axis=0), 1)
            for j, t in enumerate(themes):
                k = table.index[table["theme"] == t][0]
                table.loc[k, ["cv_precision", "cv_recall"]] = [prec[j], rec[j]]
            table["cv_f1"] = 2 * table["cv_precision"] * table["cv_recall"] / (table["cv_precision"] + table["cv_recall"])
        except ValueError:  # a fold without both classes of some theme: skip the CV numbers
            pass
    table["theme"] = table["theme"].astype("string")
    return MLCoder(table=table, model=clf, vectorizer=vec, themes=tuple(themes), parents=codebook.parents(),
                   threshold=threshold)
