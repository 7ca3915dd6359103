"""Voice of the customer: codebook coding, sentiment, emerging themes, reliability, safe quotes.

The one entry point for coding is :func:`auto_code` (rules and a coder learned from hand codes,
combined; a primary theme per comment), with :func:`suggest_to_code` for what to hand-code next
and :func:`auto_sentiment` for sentiment learned on top of the VADER lexicon.

Modules: :mod:`codebook` (load/validate), :mod:`normalize` (social/review text), :mod:`coding`
(rule coder), :mod:`autocode` (auto_code), :mod:`active` (suggestions, agreement, learning
curve), :mod:`features` (shared hashed features), :mod:`mlcoder` (TF-IDF + logistic regression,
multi-label), :mod:`semantic` (optional embeddings), :mod:`sentiment` (VADER), :mod:`vader` (its scores,
in worker processes for long lists),
:mod:`sentiment_model` (learned sentiment), :mod:`emerging` (NMF on uncoded comments),
:mod:`themes` (frequency by group, NPS impact), :mod:`reliability` (kappa, alpha, hand-coded
file), :mod:`redact`, :mod:`quotes`, :mod:`export`.

Importing this package is cheap: each name loads its module (and scikit-learn, VADER, ...) on
first use.
"""

from __future__ import annotations

import importlib

# public name -> module that defines it (loaded on first access, PEP 562)
_WHERE = {
    "UNCODED": "codebook", "Codebook": "codebook", "Theme": "codebook", "load_codebook": "codebook",
    "starter_codebook": "codebook",
    "CODED_COLUMNS": "coding", "code_comments": "coding", "combine_codes": "coding", "comment_themes": "coding",
    "theme_indicator": "coding",
    "AutoCodeResult": "autocode", "auto_code": "autocode",
    "suggest_to_code": "active", "stopping_hint": "active", "learning_curve": "active", "kappa_interval": "reliability",
    "clean_text": "normalize", "expand_contractions": "normalize",
    "emerging_themes": "emerging",
    "code_matrix": "export", "export_code_matrix": "export", "safe_cell": "export", "to_csv_safe": "export",
    "to_xlsx_safe": "export",
    "train_ml_coder": "mlcoder",
    "select_quotes": "quotes",
    "RedactionResult": "redact", "redact": "redact", "redact_series": "redact",
    "agreement": "reliability", "append_hand_codes": "reliability", "auto_agreement": "reliability",
    "coder_agreement": "reliability", "coder_codes": "reliability", "cohen_kappa": "reliability",
    "krippendorff_alpha": "reliability", "read_hand_coded": "reliability",
    "append_hand_sentiment": "reliability", "read_hand_sentiment": "reliability",
    "semantic_available": "semantic", "semantic_codes": "semantic",
    "comment_sentiment": "sentiment", "mention_sentiment": "sentiment", "net_sentiment": "sentiment",
    "auto_sentiment": "sentiment_model",
    "comment_context": "themes", "theme_concentration": "themes", "theme_frequency": "themes",
    "theme_impact": "themes",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cxlib.text' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"cxlib.text.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
