"""Redaction of personal data in customer text: a pure function and its vectorised form.

What is found and replaced (placeholder in brackets):

* e-mail addresses ``[EMAIL]``;
* IBANs that pass the ISO 13616 mod-97 check ``[IBAN]``;
* payment-card numbers (13-19 digits, spaces/dashes allowed) that pass the Luhn check ``[CARD]``
  -- order or reference numbers that fail Luhn are left alone;
* phone numbers that libphonenumber's ``PhoneNumberMatcher`` finds valid for the regions given
  (international ``+`` numbers for any region) ``[PHONE]`` -- dates and times are not phone numbers;
* UK postcodes, and US ZIP codes after a state abbreviation or the word "zip" ``[POSTCODE]``;
* names after a title or an introduction ("Mr Patel", "my name is Jo", "spoke to Sarah")
  ``[NAME]``; with spaCy and an installed English pipeline, its PERSON entities too.

Without a name model the text may still hold names that no rule recognises: when a capitalised
word that is not a known English word remains, ``needs_review`` is True and the quote should be
checked by a person before it is shown. Nothing is ever downloaded.

Examples
--------
>>> r = redact("Mail me at jo.bloggs@example.com or ring 07911 123456. Order 1234567812345678.")
>>> r.text
'Mail me at [EMAIL] or ring [PHONE]. Order 1234567812345678.'
>>> r.found
('email', 'phone')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import phonenumbers

__all__ = ["RedactionResult", "ENTITY_TYPES", "redact", "redact_series", "luhn_valid", "iban_valid",
           "name_model_available"]

#: Entity types ``found`` can hold, in the order they are searched.
ENTITY_TYPES = ("email", "iban", "card", "phone", "postcode", "name")

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_UK_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
_US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND "
              "OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
_US_ZIP = re.compile(r"(?:\b(?:" + "|".join(_US_STATES) + r")\b,?\s+|\bzip(?:\s*code)?[:\s]+)(\d{5}(?:-\d{4})?)\b",
                     re.IGNORECASE)
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam)\.?"
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_NAME_AFTER_TITLE = re.compile(rf"\b{_TITLE}\s+({_NAME}(?:\s+{_NAME})?)")
_INTRO = re.compile(
    r"\b(?i:my name is|my name's|i am called|i'm called|name was|named|called|spoke to|spoke with|speaking to|"
    r"talked to|talking to|dealt with|served by|helped by|thanks to|thank you|thanks|ask for|asked for|"
    r"agent|advisor|adviser|engineer|technician|colleague|manager|rep|representative|lady|gentleman|guy)"
    rf"\s+({_NAME}(?:\s+{_NAME})?)"
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{1,}(?:[-'][A-Za-z]+)?\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"()\n]\s*|\s-\s)$")
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|IBAN|CARD|PHONE|POSTCODE|NAME)\]")


@dataclass(frozen=True)
class RedactionResult:
    """A redacted text, the entity types that were replaced, and whether a person should check it."""

    text: str
    found: tuple[str, ...]
    needs_review: bool


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check of a string of digits (ISO/IEC 7812-1).

    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616 IBAN check: move the first four characters to the end, letters to 10..35, mod 97 == 1.

    >>> iban_valid("GB82 WEST 1234 5698 7654 32"), iban_valid("GB82 WEST 1234 5698 7654 33")
    (True, False)
    """
    s = candidate.replace(" ", "").upper()
    if not (15 <= len(s) <= 34) or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from cxlib.text.sentiment import _analyzer

    extra = """i im ive id ill ok okay hi hello thanks thank yes no please sorry great good bad app apps website web
    online internet broadband wifi phone mobile email bill billing invoice service customer customers staff team store
    shop support manager engineer agent advisor price prices account contract package router card order delivery
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december christmas easter today yesterday tomorrow overall really very still just
    absolutely totally honestly terrible awful excellent brilliant fantastic amazing poor slow quick fast easy hard
    after before when while since because although though however also again why what how where who""".split()
    return frozenset(ENGLISH_STOP_WORDS) | frozenset(w.lower() for w in _analyzer().lexicon) | frozenset(extra)


@lru_cache(maxsize=1)
def _name_model():
    """A shipped spaCy English pipeline, or None. Never downloads (CX_NAME_MODEL picks the package)."""
    try:
        import spacy  # noqa: F401
        from spacy.util import is_package
    except ImportError:
        return None
    for name in filter(None, (os.environ.get("CX_NAME_MODEL"), "en_core_web_sm", "en_core_web_md", "en_core_web_lg")):
        if is_package(name):
            try:
                return spacy.load(name, disable=["parser", "lemmatizer"])
            except Exception:  # a broken model install must not stop redaction: fall back to rules + review
                return None
    return None


def name_model_available() -> bool:
    """True when a shipped spaCy pipeline can find person names (else names are flagged for review)."""
    return _name_model() is not None


def _replace(text: str, spans: list[tuple[int, int]], token: str) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + token + text[e:]
    return text


def _redact_structured(text: str, regions: tuple[str, ...], found: set[str]) -> str:
    spans = [m.span() for m in _EMAIL.finditer(text)]
    if spans:
        found.add("email")
        text = _replace(text, spans, "[EMAIL]")
    spans = []
    for m in _IBAN.finditer(text):
        # the pattern is greedy over spaced groups ("DE89... thanks"): try shorter prefixes of whole groups
        parts = m.group().split(" ")
        for k in range(len(parts), 0, -1):
            cand = " ".join(parts[:k])
            if iban_valid(cand):
                spans.append((m.start(), m.start() + len(cand)))
                break
    if spans:
        found.add("iban")
        text = _replace(text, spans, "[IBAN]")
    spans = []
    for m in _CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            spans.append(m.span())
    if spans:
        found.add("card")
        text = _replace(text, spans, "[CARD]")
    if any(ch.isdigit() for ch in text):
        spans = []
        for region in regions:
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
                if not any(m.start < e and s < m.end for s, e in spans):
                    spans.append((m.start, m.end))
        if spans:
            found.add("phone")
            text = _replace(text, spans, "[PHONE]")
        spans = [m.span() for m in _UK_POSTCODE.finditer(text)] + [m.span(1) for m in _US_ZIP.finditer(text)]
        if spans:
            found.add("postcode")
            text = _replace(text, spans, "[POSTCODE]")
    return text


def _redact_names(text: str, found: set[str], known: frozenset[str] | set[str] | None) -> tuple[str, bool]:
    spans = [m.span(1) for m in _NAME_AFTER_TITLE.finditer(text)]
    known_all = _known_words() if known is None else (_known_words() | known)
    for m in _INTRO.finditer(text):
        words = m.group(1).split()
        if words and words[0].lower() not in known_all:
            spans.append(m.span(1))
    model = _name_model()
    if model is not None:
        spans += [(e.start_char, e.end_char) for e in model(text).ents if e.label_ == "PERSON"]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    if merged:
        found.add("name")
        text = _replace(text, merged, "[NAME]")
    if model is not None:
        return text, False
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        if word.lower() in known_all or word.lower().rstrip("'s") in known_all:
            continue
        if _PLACEHOLDER.search(text[max(0, m.start() - 1):m.end() + 1]):
            continue
        return text, True  # an unknown capitalised word may be a name no rule can see
    return text, False


def redact(text: str, *, regions: tuple[str, ...] = ("GB", "US"), known_words: Iterable[str] | None = None
           ) -> RedactionResult:
    """Redact personal data in one text (pure: same input, same output; nothing downloaded).

    Parameters
    ----------
    text : str
        The customer's text.
    regions : tuple of str
        ISO country codes used to recognise national-format phone numbers.
    known_words : iterable of str, optional
        Extra lower-case words that are not names (e.g. the corpus vocabulary, the brand name);
        used only for the review flag and the name-after-introduction rule.

    Returns
    -------
    RedactionResult
        ``text`` with placeholders, ``found`` (sorted entity types replaced, a subset of
        :data:`ENTITY_TYPES`), ``needs_review`` (a possible name remains, no name model present).

    Notes
    -----
    Card numbers: Luhn (ISO/IEC 7812-1). IBAN: ISO 13616 mod 97-10 (ISO 7064). Phone numbers:
    Google libphonenumber, leniency VALID (checked against the numbering plan).
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return RedactionResult("", (), False)
    found: set[str] = set()
    out = _redact_structured(str(text), tuple(regions), found)
    known = None if known_words is None else {w.lower() for w in known_words}
    out, review = _redact_names(out, found, known)
    return RedactionResult(out, tuple(t for t in ENTITY_TYPES if t in found), review)


_WORD = re.compile(r"\b[a-z][a-z'-]+\b")


def redact_series(texts: pd.Series, *, regions: tuple[str, ...] = ("GB", "US"), corpus_vocabulary: bool = True
                  ) -> pd.DataFrame:
    """:func:`redact` over a Series (identical texts redacted once).

    Parameters
    ----------
    texts : Series
        Texts (NA allowed: redacted to NA).
    regions : tuple of str
        As in :func:`redact`.
    corpus_vocabulary : bool
        Treat words that appear in lower case anywhere in ``texts`` as ordinary words (not names)
        for the review flag.

    Returns
    -------
    DataFrame
        Same index as ``texts``: ``text`` (redacted, string), ``found`` (tuple of entity types),
        ``needs_review`` (boolean).
    """
    s = texts.astype("string")
    codes, uniques = pd.factorize(s)
    known: set[str] | None = None
    if corpus_vocabulary:
        known = set()
        for t in uniques:
            known.update(_WORD.findall(str(t)))
        known = {w for w in known if len(w) > 2}
    results = [redact(str(t), regions=regions, known_words=known) for t in uniques]
    red = [results[c].text if c >= 0 else None for c in codes]
    found = [results[c].found if c >= 0 else () for c in codes]
    review = [results[c].needs_review if c >= 0 else False for c in codes]
    return pd.DataFrame({"text": pd.array(red, dtype="string"), "found": found,
                         "needs_review": pd.array(review, dtype="boolean")}, index=texts.index)
