"""Emerging themes: topics among the comments no coder could code, proposed as new codebook themes.

Examples
--------
>>> em = emerging_themes(coded, responses, n_candidates=4)     # doctest: +SKIP
>>> em.table[["candidate", "top_terms", "n_comments"]]          # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from cxlib.analysis.lookup import among
from cxlib.text.codebook import UNCODED
from cxlib.text.coding import comment_frame
from cxlib.text.normalize import SOCIAL_STOP_WORDS, clean_text, expand_contractions, needs_cleaning
from cxlib.text.redact import redact_series

__all__ = ["EmergingThemes", "emerging_themes"]

_COLUMNS = ["candidate", "label", "key_phrases", "top_terms", "n_comments", "pct_uncoded", "examples",
            "examples_need_review", "proposed_id", "proposed_include"]


def _prepare(text: str) -> str:
    """Cleaned (no handles, URLs, entities, emoji), lower-case, contractions spelled out."""
    return expand_contractions(clean_text(text).text if needs_cleaning(text) else text)


def _phrases(top: list[str], member_texts: list[str], k: int = 3) -> list[str]:
    """Readable key phrases: top multi-word terms first, ordered by how many member comments hold them."""
    multi = [t for t in top if " " in t]
    single = [t for t in top if " " not in t and not any(t in m.split() for m in multi)]
    def freq(term: str) -> int:
        rx = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)")
        return sum(1 for x in member_texts if rx.search(x))
    ranked = sorted(multi, key=lambda t: -freq(t)) + sorted(single, key=lambda t: -freq(t))
    return ranked[:k]


@dataclass(frozen=True)
class EmergingThemes:
    """Candidate themes found in uncoded comments.

    ``table``: one row per candidate (columns in :func:`emerging_themes`); ``assignments``:
    ``comment_ref``, ``candidate``, ``weight`` for each uncoded comment given to a candidate;
    ``model``: the fitted NMF; ``vectorizer``: its TF-IDF; ``note``: why nothing was found, if so.
    """

    table: pd.DataFrame
    assignments: pd.DataFrame
    model: NMF | None
    vectorizer: TfidfVectorizer | None
    n_uncoded: int
    note: str = ""

    def summary(self) -> str:
        if self.table.empty:
            return f"No emerging themes among {self.n_uncoded} uncoded comments. {self.note}".strip()
        lines = [f"{len(self.table)} candidate themes among {self.n_uncoded} uncoded comments:"]
        for row in self.table.itertuples():
            lines.append(f"  {row.candidate} \"{row.label}\": {', '.join(row.key_phrases)} ({row.n_comments} comments)")
        return "\n".join(lines)


def _empty(n_uncoded: int, note: str) -> EmergingThemes:
    table = pd.DataFrame({c: [] for c in _COLUMNS})
    assignments = pd.DataFrame({"comment_ref": pd.array([], dtype="string"), "candidate": pd.array([], dtype="string"),
                                "weight": np.array([], dtype="float64")})
    return EmergingThemes(table, assignments, None, None, n_uncoded, note)


def emerging_themes(
    coded: pd.DataFrame,
    data: pd.DataFrame,
    *,
    n_candidates: int = 5,
    min_comments: int = 20,
    n_terms: int = 8,
    n_examples: int = 3,
    seed: int = 0,
    text: str | None = None,
    ref: str | None = None,
) -> EmergingThemes:
    """Cluster the uncoded comments (TF-IDF + NMF) and propose candidate themes.

    Parameters
    ----------
    coded : DataFrame
        Long coded frame; its ``uncoded`` rows are the comments clustered.
    data : DataFrame
        The comments (responses or mentions).
    n_candidates : int
        Number of NMF components (candidate themes), at most.
    min_comments : int
        Fewer uncoded comments than this: nothing is proposed (``note`` says why); candidates
        holding fewer than ``max(3, min_comments // 10)`` comments are dropped.
    n_terms, n_examples : int
        Top terms and example comments per candidate.
    seed : int
        NMF initialisation seed (results are deterministic for a given seed).

    Returns
    -------
    EmergingThemes
        ``table`` columns: ``candidate`` ("candidate_1", ...), ``label`` (its most readable key
        phrase), ``key_phrases`` (up to 3 words or phrases, multi-word first, by how many of its
        comments hold them), ``top_terms`` (list, strongest first),
        ``n_comments`` (uncoded comments assigned), ``pct_uncoded`` (share of the uncoded, %),
        ``examples`` (list of the most typical comments, already redacted),
        ``examples_need_review`` (an example may still hold a name), ``proposed_id``
        (``emerging.<term>``), ``proposed_include`` (top single words, as codebook patterns).

    Notes
    -----
    Text is cleaned first (:mod:`cxlib.text.normalize`: no @handles, URLs, HTML entities such as
    ``&amp;``, emoji; contractions spelled out so "don't" and "i'm" fall to the stop words, as do
    platform words such as "rt" and "amp"). Non-negative matrix factorisation of the TF-IDF matrix (Lee & Seung 1999), NNDSVDa
    initialisation; each comment goes to the component with its largest weight (comments with
    all-zero weights stay unassigned).
    """
    uncoded_refs = coded.loc[coded["theme"] == UNCODED, "comment_ref"]
    comments = comment_frame(data, text=text, ref=ref)
    comments = comments[among(comments["comment_ref"], uncoded_refs)].reset_index(drop=True)
    n = len(comments)
    if n < min_comments:
        return _empty(n, f"At least {min_comments} uncoded comments are needed (min_comments).")
    stop = sorted(ENGLISH_STOP_WORDS | SOCIAL_STOP_WORDS)
    vec = TfidfVectorizer(stop_words=stop, ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True,
                          token_pattern=r"(?u)\b[a-z][a-z]+\b")
    prepared = [_prepare(t) for t in comments["text"].tolist()]
    try:
        x = vec.fit_transform(prepared)
    except ValueError:
        return _empty(n, "The uncoded comments share too few words to cluster.")
    k = max(1, min(n_candidates, x.shape[1] - 1, n - 1))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    w = model.fit_transform(x)
    h = model.components_
    terms = vec.get_feature_names_out()
    best = w.argmax(axis=1)
    weight = w.max(axis=1)
    assigned = weight > 0
    min_size = max(3, min_comments // 10)
    rows, assign_rows = [], []
    order = np.argsort(-np.bincount(best[assigned], minlength=k))
    for comp in order:
        members = np.flatnonzero(assigned & (best == comp))
        if len(members) < min_size:
            continue
        name = f"candidate_{len(rows) + 1}"
        top = [terms[i] for i in np.argsort(-h[comp])[:n_terms]]
        typical = members[np.argsort(-w[members, comp])[:n_examples]]
        ex = redact_series(comments["text"].iloc[typical])
        phrases = _phrases(top, [prepared[i] for i in members])
        words = [t for t in top if " " not in t][:5]
        rows.append({
            "candidate": name, "label": phrases[0] if phrases else top[0], "key_phrases": phrases,
            "top_terms": top, "n_comments": int(len(members)),
            "pct_uncoded": 100.0 * len(members) / n, "examples": ex["text"].tolist(),
            "examples_need_review": bool(ex["needs_review"].any()),
            "proposed_id": "emerging." + "_".join((phrases or words or top)[0].split()),
            "proposed_include": phrases + [w for w in words if not any(w in p.split() for p in phrases)][:3],
        })
        assign_rows.append(pd.DataFrame({"comment_ref": comments["comment_ref"].iloc[members].to_numpy(),
                                         "candidate": name, "weight": w[members, comp]}))
    if not rows:
        return _empty(n, "No cluster of uncoded comments is large enough.")
    assignments = pd.concat(assign_rows, ignore_index=True).astype({"comment_ref": "string", "candidate": "string"})
    return EmergingThemes(pd.DataFrame(rows, columns=_COLUMNS), assignments, model, vec, n)
