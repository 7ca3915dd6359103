"""Quotes a partner would sign: chosen from redacted candidates to illustrate the finding they sit under.

:func:`cxlib.text.select_quotes` gives redacted candidates per theme; :func:`curate` keeps the
ones a consultant would put in front of a client:

- nothing that looks like an attack or a test: markup (``<script>``, ``<img …>``), LaTeX
  (``\\input{…}``), SQL, template or formula syntax, links, file paths, "test"/"lorem ipsum";
- no redaction placeholders (``[IBAN]``, ``[EMAIL]`` …): a quote that needed one is not quoted;
- no typos: a word the client's own comments use once, a letter or two away from a word they use
  often, counts as a typo, and a quote with one is left out; quotes starting with a capital and
  without a lone lower-case "i" come first;
- no duplicates (the same words, whatever the case and punctuation) and no comment twice, even
  under two themes; a comment coded with the fewest themes is preferred (one theme per quote);
- the sentiment shown is the quote's own (:func:`cxlib.text.auto_sentiment` on the quote's text),
  never its theme's; under a complaint theme a quote must itself read negative, under praise
  positive (the codebook's ``polarity``), so no quote contradicts the theme it is filed under,
  and under a finding about a theme that costs the client the quote must itself read negative
  (``want="negative"``).

Examples
--------
>>> looks_unsafe("Fine service <script>alert(1)</script>"), looks_unsafe("\\\\input{/etc/passwd}")
(True, True)
>>> looks_unsafe("The bill was wrong twice."), has_placeholder("My IBAN is [IBAN] for you")
(False, True)
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Iterable, Literal, Mapping

import pandas as pd

from cxlib.analysis.lookup import among

__all__ = ["UNSAFE", "REQUIRED", "looks_unsafe", "has_placeholder", "typos", "vocabulary", "own_sentiment", "curate"]

#: Patterns a quote may not contain (case-insensitive).
UNSAFE = re.compile("|".join([
    r"<\s*/?\s*[a-z!][^>]*>", r"\\[a-z]+\s*\{", r"javascript\s*:", r"\bon[a-z]+\s*=", r"https?://", r"file:/",
    r"www\.", r"!\[", r"\{\{|\}\}|\$\{", r"^\s*[=+@]", r"\bselect\b.+\bfrom\b", r"\bdrop\s+table\b",
    r"\bunion\s+select\b", r"\binsert\s+into\b", r"'\s*or\s*'?1'?\s*=\s*'?1", r";\s*--", r"/etc/", r"\.\./",
    r"\btest(ing)?\b", r"\blorem\b", r"\bipsum\b", r"\basdf\b", r"\bqwerty\b", r"\bdummy\b", r"\bxxx+\b",
]), re.I)
_PLACEHOLDER = re.compile(r"\[(?:[A-Z][A-Z _-]{1,20})\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def looks_unsafe(text: str) -> bool:
    """The text holds markup, code, a link, a path or a test string."""
    return bool(UNSAFE.search(str(text)))


def has_placeholder(text: str) -> bool:
    """The text holds a redaction placeholder such as ``[IBAN]``."""
    return bool(_PLACEHOLDER.search(str(text)))


def vocabulary(texts: Iterable[str]) -> Counter:
    """Word counts (lower case) of the client's comments: what counts as a word they use."""
    counts: Counter = Counter()
    for t in texts:
        counts.update(w.lower() for w in _WORD.findall(str(t)))
    return counts


def typos(text: str, words: Counter, *, common: int = 5) -> int:
    """Words of ``text`` used once in the client's comments and close to a word used ``common`` times or more.

    >>> v = Counter({"payment": 40, "lost": 30, "my": 90, "pyament": 1})
    >>> typos("They lost my pyament", v)
    1
    """
    frequent = [w for w, n in words.items() if n >= common]
    out = 0
    for w in (x.lower() for x in _WORD.findall(str(text))):
        if words.get(w, 0) <= 1 and len(w) > 3 and difflib.get_close_matches(w, frequent, n=1, cutoff=0.8):
            out += 1
    return out


def own_sentiment(texts: pd.Series) -> pd.DataFrame:
    """The sentiment of each text itself (not of the sentence of the mention it was chosen for).

    Returns
    -------
    DataFrame
        Indexed like ``texts``: ``score`` (lexicon score in [-1, 1]) and ``label`` (positive / neutral /
        negative), from :func:`cxlib.text.auto_sentiment`.
    """
    from cxlib.text import auto_sentiment

    refs = [f"q{i}" for i in range(len(texts))]
    if not refs:
        return pd.DataFrame({"score": pd.Series(dtype="float64"), "label": pd.Series(dtype="string")})
    table = auto_sentiment(pd.DataFrame({"ref": refs, "text": texts.astype("string").fillna("").to_numpy()})).table
    table = table.set_index(table["ref"].astype("string"))
    return pd.DataFrame({"score": [float(table["score"].get(r, float("nan"))) for r in refs],
                         "label": [str(table["label"].get(r, "neutral")) for r in refs]}, index=texts.index)


#: The tone a quote must have under a theme of each polarity (codebook ``polarity``; neutral themes: any).
REQUIRED = {"complaint": "negative", "praise": "positive"}


def _key(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(str(text)))


def curate(candidates: pd.DataFrame | None, *, coded: pd.DataFrame | None = None, words: Counter | None = None,
           want: Literal["negative", "positive"] | None = None, per_theme: int = 1,
           themes: Iterable[str] | None = None, used: set | None = None,
           polarity: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The quotes to show, at most ``per_theme`` per theme, in the order of ``themes``.

    Parameters
    ----------
    candidates : DataFrame
        :func:`cxlib.text.select_quotes` rows (``theme``, ``label``, ``comment_ref``, ``quote``, ``suppressed``).
    coded : DataFrame, optional
        The long coded frame (``comment_ref``, ``theme``): comments with fewer themes come first.
    words : Counter, optional
        :func:`vocabulary` of the client's comments (for the typo rule; no typo rule without it).
    want : {"negative", "positive"}, optional
        The quote's own sentiment must be this.
    per_theme : int
        Quotes per theme.
    themes : iterable of str, optional
        Themes in the order to show (default: as in ``candidates``).
    used : set, optional
        Comment references and texts already quoted elsewhere in the report; updated in place.
    polarity : mapping, optional
        Theme -> ``complaint`` / ``praise`` / ``neutral`` (the codebook's): no quote that contradicts it.

    Returns
    -------
    DataFrame
        ``theme``, ``label``, ``comment_ref``, ``quote``, ``sentiment`` (own score), ``tone`` (its label).
    """
    cols = ["theme", "label", "comment_ref", "quote", "sentiment", "tone"]
    if candidates is None or not len(candidates):
        return pd.DataFrame(columns=cols)
    used = set() if used is None else used
    says_something = candidates["quote"].astype("string").str.contains(r"\w", regex=True).fillna(False)
    rows = candidates[~candidates["suppressed"].astype("boolean").fillna(False).to_numpy(bool)
                      & says_something.to_numpy(bool)].copy()  # a quote without a word is no quote
    if not len(rows):
        return pd.DataFrame(columns=cols)
    own = own_sentiment(rows["quote"])
    rows["sentiment"] = own["score"].to_numpy()
    rows["tone"] = own["label"].to_numpy()
    if coded is not None and len(coded):
        mine = coded[among(coded["comment_ref"], rows["comment_ref"])]  # only the candidates' comments
        n_themes = mine.drop_duplicates(["comment_ref", "theme"]).groupby("comment_ref")["theme"].size()
        rows["_themes"] = rows["comment_ref"].map(n_themes.to_dict()).fillna(1).to_numpy()
    else:
        rows["_themes"] = 1
    text = rows["quote"].astype("string")
    ok = ~text.map(looks_unsafe).astype(bool) & ~text.map(has_placeholder).astype(bool)
    rows["_typos"] = 0
    if words is not None:
        n_typos = text.map(lambda t: typos(t, words))
        rows["_typos"] = n_typos.to_numpy()
        ok &= n_typos == 0
    # well formed: starts with a capital letter, no lower-case "i" on its own
    rows["_untidy"] = (~text.str.match(r"^\W*[A-Z]") | text.str.contains(r"\bi\b", regex=True)).astype(int).to_numpy()
    if want is not None:
        ok &= rows["tone"] == want
    if polarity:
        need = rows["theme"].map(lambda t: REQUIRED.get((polarity or {}).get(str(t), "neutral"), ""))
        ok &= (need == "") | (rows["tone"] == need)
    rows = rows[ok.to_numpy(bool)]
    order = list(themes) if themes is not None else list(dict.fromkeys(rows["theme"]))
    out = []
    for theme in order:
        pool = rows[rows["theme"] == theme].sort_values(["_typos", "_untidy", "_themes", "sentiment"],
                                                        ascending=[True, True, True, want != "positive"], kind="stable")
        taken = 0
        for _, r in pool.iterrows():
            key = _key(r["quote"])
            if r["comment_ref"] in used or key in used:
                continue
            used.update({r["comment_ref"], key})
            out.append({c: r[c] for c in cols})
            taken += 1
            if taken >= per_theme:
                break
    return pd.DataFrame(out, columns=cols)
