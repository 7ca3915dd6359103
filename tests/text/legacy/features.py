"""Features for the learned coders: one pass over the text gives words, negation marks and lexicon scores.

Every distinct text is tokenised once (:func:`prepare`): cleaned (:mod:`cxlib.text.normalize`),
lower-cased, contractions spelled out, and each word within three words after a negator (up to
the end of the clause) marked ``not_<word>`` (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002).
Words and word pairs are hashed into a fixed space (no vocabulary to fit or ship), so the theme
coder and the sentiment coder share one matrix.

Lexicon features come from the same counts: VADER's 7,500-word valence lexicon (Hutto & Gilbert
2014), a negated word counting -0.74 times its valence as in VADER, summed per text by one sparse
product. Emoji are read as their names (VADER's emoji lexicon).

Examples
--------
>>> prepare("The agent didn't help at all :(")
['the', 'agent', 'did', 'not', 'not_help', 'not_at', 'not_all', ':(']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from cxlib.text.normalize import clean_text, needs_cleaning

__all__ = ["N_FEATURES", "NEGATORS", "hasher", "prepare", "prepare_many", "TextFeatures", "lexicon_scores", "LEXICON_COLUMNS"]

#: Size of the hashed feature space (words and word pairs).
N_FEATURES = 2 ** 20

#: Words after which the next words are marked as negated.
NEGATORS = frozenset({"not", "no", "never", "nobody", "none", "nothing", "neither", "nor", "without", "hardly",
                      "cannot", "noone", "nowhere"})

_FAST = (("won't", "will not"), ("can't", "can not"), ("cannot", "can not"), ("shan't", "shall not"),
         ("ain't", "is not"), ("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'m", " am"),
         ("'d", " would"), ("'s", ""), ("\u2019", "'"), ("\u2018", "'"))
_WORDS = re.compile(r"[a-z0-9]+|[!?.,;]")
_EMOTICON = re.compile(r"(?<!\S)(?:[:;=8][\-o*']?[()\[\]dDpP/\\|]|<3)(?!\S)")
_CLAUSE = frozenset({".", ",", ";", "!", "?", "but", "however", "although", "though"})
_DROP = frozenset({".", ",", ";"})
NEG_SCALAR = -0.74  # VADER's N_SCALAR


def prepare(text: str) -> list[str]:
    """Tokens of one text: cleaned, lower-case, contractions expanded, negated words marked ``not_``."""
    if needs_cleaning(text):
        text = clean_text(text, emoji="name").text
    low = text.lower()
    if "'" in low or "\u2019" in low:
        for a, b in _FAST:
            if a in low:
                low = low.replace(a, b)
    toks = _WORDS.findall(low)
    extra = _EMOTICON.findall(text) if (":" in text or ";" in text or "=" in text or "<3" in text) else ()
    if NEGATORS.isdisjoint(toks):
        out = [t for t in toks if t not in _DROP]
    else:
        out = []
        left = 0
        for tok in toks:
            if tok in _CLAUSE:
                left = 0
                if tok not in _DROP:
                    out.append(tok)
            elif tok in NEGATORS:
                out.append(tok)
                left = 3
            elif left:
                out.append("not_" + tok)
                left -= 1
            else:
                out.append(tok)
    if extra:
        out.extend(extra)
    return out


def prepare_many(texts: list[str]) -> list[list[str]]:
    """:func:`prepare` over many texts."""
    return [prepare(t) for t in texts]


def _with_pairs(tokens: list[str]) -> list[str]:
    return tokens + [a + " " + b for a, b in zip(tokens, tokens[1:])]


def hasher() -> HashingVectorizer:
    """The hashing of tokens and token pairs into :data:`N_FEATURES` columns (stateless)."""
    return HashingVectorizer(analyzer=_with_pairs, n_features=N_FEATURES, alternate_sign=False, norm=None)


@lru_cache(maxsize=1)
def _lexicon_matrix() -> sp.csr_matrix:
    """N_FEATURES x 2 valence matrix (positive part, negative part) in the hashed space."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    words, vals = [], []
    for word, val in sia.lexicon.items():
        words.append(word); vals.append(val)
        words.append("not_" + word); vals.append(val * NEG_SCALAR)
    # emoji are read as their names by prepare(), so their words score through the word lexicon
    h = hasher().transform([[w] for w in words]).tocsr()  # one word per "document": its hashed column
    cols = h.indices
    vals_a = np.asarray(vals)
    pos = np.clip(vals_a, 0, None)
    neg = np.clip(-vals_a, 0, None)
    rows = np.concatenate([cols, cols])
    colsx = np.concatenate([np.zeros(len(cols), dtype=int), np.ones(len(cols), dtype=int)])
    data = np.concatenate([pos, neg])
    m = sp.coo_matrix((data, (rows, colsx)), shape=(N_FEATURES, 2)).tocsr()
    m.sum_duplicates()
    return m


LEXICON_COLUMNS = ["lex_pos", "lex_neg", "lex_score", "exclaim", "question"]


@lru_cache(maxsize=1)
def _mark_columns() -> tuple[int, int]:
    cols = hasher().transform([["!"], ["?"]]).tocsr().indices
    return int(cols[0]), int(cols[1])


def lexicon_scores(counts: sp.csr_matrix, prepared: list[list[str]] | None = None) -> np.ndarray:
    """Lexicon features per text from hashed counts: positive sum, negative sum, a VADER-style score, ``!`` and ``?``.

    ``lex_score`` = s / sqrt(s^2 + 15) with s = positive - negative valence (VADER's normalisation).
    """
    pn = np.asarray((counts @ _lexicon_matrix()).todense())
    s = pn[:, 0] - pn[:, 1]
    score = s / np.sqrt(s * s + 15.0)
    ex_col, q_col = _mark_columns()  # "!" and "?" are tokens: their counts are columns of the matrix
    exc = np.minimum(np.asarray(counts[:, ex_col].todense()).ravel(), 3)
    que = np.minimum(np.asarray(counts[:, q_col].todense()).ravel(), 3)
    return np.column_stack([pn[:, 0], pn[:, 1], score, exc, que])


@dataclass
class TextFeatures:
    """Hashed word and pair counts of distinct texts, TF-IDF weighted, plus lexicon features.

    ``fit`` learns IDF weights from the texts it is given (all comments: no labels needed).
    """

    tfidf: TfidfTransformer | None = None

    def counts(self, texts: list[str]) -> tuple[sp.csr_matrix, list[list[str]]]:
        prepared = prepare_many(texts)
        if not prepared:  # sklearn's hasher cannot transform an empty list
            return sp.csr_matrix((0, N_FEATURES)), prepared
        return hasher().transform(prepared).tocsr(), prepared

    def fit(self, counts: sp.csr_matrix) -> "TextFeatures":
        self.tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        return self

    def words(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        if self.tfidf is None:
            raise RuntimeError("TextFeatures.fit first")
        return self.tfidf.transform(counts).tocsr()


def distinct(texts: pd.Series | list[str]) -> tuple[np.ndarray, list[str]]:
    """(code per text, distinct texts): identical comments are featurised once."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype="string"))
    return codes, [str(u) for u in uniques]


__all__.append("distinct")


@dataclass(frozen=True)
class Featurised:
    """Comments featurised once for every learned step: ``codes`` (distinct text of each comment),
    ``texts`` (the distinct texts), ``counts`` (their hashed counts), ``rules`` (their rule matches
    under ``codebook_source``, or None)."""

    codes: np.ndarray
    texts: list[str]
    counts: sp.csr_matrix
    rules: list[dict] | None = None
    codebook_source: str | None = None


def _chunk(args) -> tuple[sp.csr_matrix, list[dict] | None]:
    texts, codebook = args
    counts = TextFeatures().counts(texts)[0]
    if codebook is None:
        return counts, None
    from tests.text.legacy.coding import match_rules

    return counts, match_rules(texts, codebook)


def featurise(texts: pd.Series | list[str], *, codebook=None, n_jobs: int = 1) -> Featurised:
    """Hashed counts (and, with ``codebook``, rule matches) of the distinct texts, in ``n_jobs`` processes.

    Pass the result as ``featurised=`` to :func:`cxlib.text.auto_code` and
    :func:`cxlib.text.auto_sentiment` so both use one pass over the text.
    """
    codes, uniq = distinct(texts)
    if n_jobs > 1 and len(uniq) >= 20_000:
        from concurrent.futures import ProcessPoolExecutor

        size = -(-len(uniq) // (n_jobs * 2))
        parts = [(uniq[i:i + size], codebook) for i in range(0, len(uniq), size)]
        with ProcessPoolExecutor(n_jobs) as pool:
            done = list(pool.map(_chunk, parts))
        counts = sp.vstack([d[0] for d in done], format="csr")
        rules = [r for d in done for r in d[1]] if codebook is not None else None
    else:
        counts, rules = _chunk((uniq, codebook))
    return Featurised(codes, uniq, counts, rules, getattr(codebook, "source", None))


__all__ += ["Featurised", "featurise"]
