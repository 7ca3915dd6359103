"""Searching and quoting verbatims: search queries, hits, and filler that is never quoted.

Examples
--------
>>> parse_query('billing "on hold"')
('on hold', 'billing')
>>> is_filler("No comment."), is_filler("The bill was wrong twice")
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["is_filler", "parse_query", "term_pattern", "SearchQuery", "SearchResult", "FILLER_PHRASES"]

FILLER_PHRASES = frozenset(re.sub(r"\s+", " ", p.strip()) for p in (
    "ok", "okay", "k", "fine", "good", "great", "nothing", "none", "nope", "no", "nah", "na", "n/a", "nil",
    "no comment", "no comments", "nothing to add", "nothing else", "not really", "nothing really", "all good",
    "all fine", "thanks", "thank you", "thx", "ty", "yes", "yep", "-", ".", "..", "...", "?", "x", "xx", "no idea",
    "dont know", "don't know", "not sure", "idk", "same as above", "as above", "see above", "test", "good service",
    "very good", "ok thanks", "ok thank you", "no thanks", "nothing to say", "nothing to report", "no response",
    "not applicable", "none really", "fine thanks", "fine thank you", "good thanks", "good thank you", "average",
    "all ok", "all okay", "satisfactory", "no issues", "n a"))


def is_filler(text) -> bool:
    """True for comments that say nothing: "ok", "No comment.", "n/a", "-", "Thanks!"…

    >>> [is_filler(t) for t in ["ok", "No comment.", "  N/A ", "The bill was wrong twice", "Fine!!"]]
    [True, True, True, False, True]
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return True
    norm = re.sub(r"[^\w/' -]+", " ", str(text).lower()).strip()
    norm = re.sub(r"\s+", " ", norm)
    return norm == "" or norm in FILLER_PHRASES or len(re.findall(r"[a-z]", norm)) < 3


@dataclass(frozen=True)
class SearchQuery:
    """A verbatim search: words and "quoted phrases" (all must appear), a theme, a sentiment."""

    text: str = ""
    theme: str | None = None
    sentiment: Literal["positive", "neutral", "negative"] | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        return parse_query(self.text)

    @property
    def empty(self) -> bool:
        return not self.terms and self.theme is None and self.sentiment is None

    def describe(self) -> str:
        parts = [" ".join(f'"{t}"' if " " in t else t for t in self.terms)] if self.terms else []
        if self.theme:
            parts.append(f"theme {self.theme}")
        if self.sentiment:
            parts.append(f"{self.sentiment} sentiment")
        return ", ".join(parts) or "no search"


def parse_query(text: str) -> tuple[str, ...]:
    """Words and quoted phrases of a search box, lower case.

    >>> parse_query('billing "on hold" App')
    ('on hold', 'billing', 'app')
    """
    text = str(text or "")
    phrases = [p.strip().lower() for p in re.findall(r'"([^"]+)"', text) if p.strip()]
    rest = re.sub(r'"[^"]*"', " ", text)
    words = [w.lower() for w in re.findall(r"[\w'’-]+", rest)]
    return tuple(dict.fromkeys(phrases + words))


def term_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One case-insensitive pattern matching any term on word boundaries (for highlighting)."""
    if not terms:
        return None
    alternatives = sorted((re.escape(t).replace(r"\ ", r"\s+") for t in terms), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class SearchResult:
    """Comments of a selection matching a search, the redacted ones to show, and the counts."""

    query: SearchQuery
    matches: int
    comments: int
    filler: int
    shown: pd.DataFrame
    suppressed: bool

    @property
    def sentence(self) -> str:
        if self.query.empty:
            return f"{self.comments:,} comments in this selection."
        share = f" ({100 * self.matches / self.comments:.1f} %)" if self.comments else ""
        return f"{self.matches:,} of {self.comments:,} comments match {self.query.describe()}{share}."


