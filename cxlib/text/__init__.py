"""Voice of the customer: codebook coding, sentiment, emerging themes, reliability, safe quotes.

Modules: :mod:`codebook` (load/validate), :mod:`coding` (rule coder), :mod:`mlcoder` (TF-IDF +
logistic regression), :mod:`semantic` (optional embeddings), :mod:`sentiment` (VADER),
:mod:`emerging` (NMF on uncoded comments), :mod:`themes` (frequency by group, NPS impact),
:mod:`reliability` (kappa, alpha, hand-coded file), :mod:`redact`, :mod:`quotes`, :mod:`export`,
:mod:`panel` (JupyterLab hand-coding widget).
"""

from cxlib.text.codebook import UNCODED, Codebook, Theme, load_codebook, starter_codebook
from cxlib.text.coding import CODED_COLUMNS, code_comments, combine_codes, comment_themes, theme_indicator
from cxlib.text.emerging import emerging_themes
from cxlib.text.export import code_matrix, export_code_matrix, safe_cell, to_csv_safe, to_xlsx_safe
from cxlib.text.mlcoder import train_ml_coder
from cxlib.text.quotes import select_quotes
from cxlib.text.redact import RedactionResult, redact, redact_series
from cxlib.text.reliability import (agreement, append_hand_codes, auto_agreement, coder_agreement, coder_codes,
                                    cohen_kappa, krippendorff_alpha, read_hand_coded)
from cxlib.text.semantic import semantic_available, semantic_codes
from cxlib.text.sentiment import comment_sentiment, mention_sentiment, net_sentiment
from cxlib.text.themes import comment_context, theme_concentration, theme_frequency, theme_impact

__all__ = [
    "UNCODED", "Codebook", "Theme", "load_codebook", "starter_codebook",
    "CODED_COLUMNS", "code_comments", "combine_codes", "comment_themes", "theme_indicator",
    "emerging_themes", "code_matrix", "export_code_matrix", "safe_cell", "to_csv_safe", "to_xlsx_safe",
    "train_ml_coder", "select_quotes", "RedactionResult", "redact", "redact_series",
    "agreement", "append_hand_codes", "auto_agreement", "coder_agreement", "coder_codes", "cohen_kappa",
    "krippendorff_alpha", "read_hand_coded", "semantic_available", "semantic_codes",
    "comment_sentiment", "mention_sentiment", "net_sentiment",
    "comment_context", "theme_concentration", "theme_frequency", "theme_impact",
]
