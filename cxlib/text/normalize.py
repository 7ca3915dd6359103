"""Text normalisation for social and review text, before coding, sentiment and emerging themes.

Social posts and review exports carry things that are not the customer's words: @handles, URLs,
HTML entities (``&amp;``), hashtags written as one word (``#LostLuggage``), emoji, and
contractions that survive stop-word lists (``don't``, ``i'm``). :func:`clean_text` removes or
rewrites them and keeps, for every character of the result, where it came from, so evidence
found in the clean text is cut from the original (:meth:`CleanText.source_span`).

Two strengths:

* :func:`clean_text` (for the rule coder and quotes): entities decoded, URLs and handles
  removed, hashtags split into words, emoji dropped (or named), contractions kept -- codebook
  patterns such as ``didn't understand my bill`` still match;
* :func:`words` (for learned models and emerging themes): lower-case word tokens of the clean
  text with contractions expanded (``don't`` -> ``do``, ``not``), so stop words and negation
  see them; emoji become their names (``loudly crying face``) when ``emoji="name"``.

Examples
--------
>>> c = clean_text("@united &amp; #LostLuggage again!! https://t.co/x 😡")
>>> c.text
'& Lost Luggage again!!'
>>> c.original[slice(*c.source_span(2, 14))]
'#LostLuggage'
>>> words("I don't think they're #NotHelpful")
['i', 'do', 'not', 'think', 'they', 'are', 'not', 'helpful']
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

__all__ = ["CleanText", "clean_text", "clean_many", "needs_cleaning", "expand_contractions", "words",
           "split_hashtag", "SOCIAL_STOP_WORDS", "emoji_names"]

#: Tokens that are artefacts of social platforms, not words a customer chose ("amp" is a decoded-
#: entity leftover, "rt" a retweet marker).
SOCIAL_STOP_WORDS = frozenset({"amp", "rt", "via", "dm", "pm", "lol", "gt", "lt", "quot", "nbsp", "http", "https",
                               "www", "com", "co"})

_URL = r"(?:https?://|www\.)\S+"
_HANDLE = r"(?<![\w@])@\w{1,30}"
_ENTITY = r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});"
_HASHTAG = r"(?<![\w#&])#(\w+)"
_TOKEN = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in
                             (("url", _URL), ("handle", _HANDLE), ("entity", _ENTITY), ("tag", _HASHTAG))))
_QUICK = re.compile(r"https?://|www\.|@|&|#|[\u2190-\u2bff\u2600-\u27bf\U0001F000-\U0001FAFF\uFE0F\u200D]")
_EMOJI = re.compile(r"[\u2190-\u2bff\u2600-\u27bf\U0001F000-\U0001FAFF]")
_JOINERS = re.compile(r"[\uFE0F\u200D\U0001F3FB-\U0001F3FF]")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SPACES = re.compile(r"\s+")

_CONTRACTIONS = {
    "won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not", "ain't": "is not",
    "let's": "let us", "y'all": "you all", "i'm": "i am", "im": "i am", "dont": "do not", "didnt": "did not",
    "doesnt": "does not", "cant": "can not", "wont": "will not", "isnt": "is not", "wasnt": "was not",
    "havent": "have not", "hasnt": "has not", "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
}
_SUFFIXES = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"), ("'m", " am"),
             ("'s", ""))
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


@lru_cache(maxsize=1)
def _emoji_lexicon() -> dict[str, str]:
    """Emoji -> description, from the emoji lexicon VADER ships (no download)."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # pragma: no cover - vaderSentiment is a core dependency
        return {}
    return dict(SentimentIntensityAnalyzer().emojis)


def emoji_names(text: str) -> str:
    """Each emoji replaced by its name (``😡`` -> `` enraged face ``); other characters kept."""
    lex = _emoji_lexicon()
    return _EMOJI.sub(lambda m: f" {lex.get(m.group(), '')} ", _JOINERS.sub("", text))


def split_hashtag(tag: str) -> str:
    """A hashtag body as words: ``LostLuggage`` -> ``Lost Luggage``; all lower-case stays one word.

    >>> split_hashtag("NeverAgain2024")
    'Never Again 2024'
    """
    parts = _CAMEL.findall(tag)
    return " ".join(parts) if parts else tag


@dataclass(frozen=True)
class CleanText:
    """A cleaned text and, per character, the ``[start, end)`` it came from in the original."""

    text: str
    original: str
    src_start: np.ndarray
    src_end: np.ndarray

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if end <= start or start >= len(self.src_start):
            at = int(self.src_start[start]) if start < len(self.src_start) else len(self.original)
            return at, at
        return int(self.src_start[start]), int(self.src_end[end - 1])


def needs_cleaning(text: str) -> bool:
    """True when the text holds anything :func:`clean_text` changes besides spacing."""
    return _QUICK.search(text) is not None


def clean_text(text: str, *, emoji: Literal["drop", "name"] = "drop") -> CleanText:
    """Decode entities, drop URLs and @handles, split hashtags, drop (or name) emoji; keep offsets.

    Parameters
    ----------
    text : str
        One comment or post, as the customer wrote it.
    emoji : {"drop", "name"}
        Emoji removed, or replaced by their names (for models that learn from them).

    Returns
    -------
    CleanText
        ``text`` with runs of spaces collapsed and ends stripped; ``source_span`` maps a span of it
        back to the original. A text without anything to clean comes back unchanged.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def put(piece: str, s: int, e: int) -> None:
        out.append(piece)
        starts.extend([s] * len(piece))
        ends.extend([e] * len(piece))

    def plain(s: int, e: int) -> None:
        segment = text[s:e]
        if not segment:
            return
        if _EMOJI.search(segment) is None and _JOINERS.search(segment) is None:
            out.append(segment)
            starts.extend(range(s, e))
            ends.extend(range(s + 1, e + 1))
            return
        lex = _emoji_lexicon() if emoji == "name" else {}
        for k, ch in enumerate(segment):
            pos = s + k
            if _JOINERS.match(ch):
                continue
            if _EMOJI.match(ch):
                name = lex.get(ch, "")
                put(f" {name} " if name else " ", pos, pos + 1)
            else:
                put(ch, pos, pos + 1)

    last = 0
    for m in _TOKEN.finditer(text):
        plain(last, m.start())
        kind = m.lastgroup
        if kind == "entity":
            put(html.unescape(m.group()), m.start(), m.end())
        elif kind == "tag":
            put(split_hashtag(m.group("tag") if m.group("tag") else m.group()[1:]), m.start(), m.end())
        else:  # url, handle: not the customer's words
            put(" ", m.start(), m.end())
        last = m.end()
    plain(last, len(text))
    joined = "".join(out)
    s_arr = np.asarray(starts, dtype="int64")
    e_arr = np.asarray(ends, dtype="int64")
    # collapse whitespace runs and strip, keeping the maps aligned
    keep = np.ones(len(joined), dtype=bool)
    prev_space = True
    for i, ch in enumerate(joined):
        sp = ch.isspace()
        if sp and prev_space:
            keep[i] = False
        prev_space = sp
    idx = np.flatnonzero(keep)
    cleaned = "".join(" " if joined[i].isspace() else joined[i] for i in idx)
    s_arr, e_arr = s_arr[idx], e_arr[idx]
    if cleaned.endswith(" "):
        cleaned, s_arr, e_arr = cleaned[:-1], s_arr[:-1], e_arr[:-1]
    return CleanText(cleaned, text, s_arr, e_arr)


def clean_many(texts: list[str], *, emoji: Literal["drop", "name"] = "drop") -> list[str]:
    """:func:`clean_text` over many texts (its ``.text``); texts with nothing to clean are kept as they are."""
    return [clean_text(t, emoji=emoji).text if needs_cleaning(t) else t for t in texts]


def expand_contractions(text: str) -> str:
    """Lower-case ``text`` with contractions spelled out (``don't`` -> ``do not``, ``i'm`` -> ``i am``).

    >>> expand_contractions("We're sure it WON'T work, it's broken")
    'we are sure it will not work, it broken'
    """
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")

    def one(m: re.Match) -> str:
        w = m.group()
        if w in _CONTRACTIONS:
            return _CONTRACTIONS[w]
        for suf, rep in _SUFFIXES:
            if w.endswith(suf) and len(w) > len(suf):
                return w[: -len(suf)] + rep
        return w

    return _WORD.sub(one, low)


def words(text: str, *, emoji: Literal["drop", "name"] = "drop") -> list[str]:
    """Lower-case word tokens of the cleaned text, contractions expanded (no apostrophes survive)."""
    clean = clean_text(text, emoji=emoji).text if needs_cleaning(text) else text
    return [w for w in _WORD.findall(expand_contractions(clean)) if "'" not in w]
