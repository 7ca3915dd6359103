"""Redaction of personal data in customer text: a pure function and its vectorised form.

What is found and replaced (placeholder in brackets), in this order:

* invisible control characters are removed first: bidirectional overrides and isolates
  (U+202A-U+202E, U+2066-U+2069, marks U+200E/U+200F/U+061C) and zero-width characters, which
  could reorder a quote on screen or hide a number from the rules below;
* e-mail addresses ``[EMAIL]``, also written out ("john dot smith at gmail dot com",
  "jo [at] example [dot] org");
* IBANs that pass the ISO 13616 mod-97 check ``[IBAN]``;
* payment-card numbers (13-19 digits, spaces/dashes allowed) that pass the Luhn check ``[CARD]``
  -- order or reference numbers that fail Luhn are left alone;
* US social security numbers ``[SSN]``: the 3-2-4 shape (``123-45-6789``), or nine digits after
  "SSN" / "social security";
* UK National Insurance numbers ``[NI_NUMBER]`` (``QQ 12 34 56 C``);
* dates of birth ``[DOB]``: a date (or year) after "DOB", "date of birth", "born", "birthday"
  -- other dates (of a visit, an order, a call) are left alone;
* sort codes ``[SORT_CODE]`` (after "sort code", beside an account number, or a ``12-34-56``
  that cannot be a date) and account numbers ``[ACCOUNT]`` (6-17 digits after "account",
  "acct", "a/c", or after a sort code);
* passport numbers ``[PASSPORT]`` (after "passport");
* phone numbers ``[PHONE]``: anything *shaped* like one, valid or not -- ``(555) 123-4567``,
  ``555.123.4567``, ``+1 555 123 4567``, ``5551234567``, ``07700 900123``, ``+44 (0)20 7946 0958``
  -- and what libphonenumber finds valid for the regions given. Numbers after "order", "ref",
  "ticket", "invoice" … are reference numbers, not phones; dates, times, prices, percentages,
  years and quantities have the wrong shape;
* UK postcodes, and US ZIP codes after a state abbreviation or the word "zip" ``[POSTCODE]``;
* names after a title or an introduction ("Mr Patel", "my name is Jo", "spoke to Sarah")
  ``[NAME]``; with spaCy and an installed English pipeline, its PERSON entities too.

Without a name model the text may still hold names that no rule recognises: when a capitalised
word that is not a known English word remains, ``needs_review`` is True and the quote should be
checked by a person before it is shown. Nothing is ever downloaded.

The rules are measured on a labelled set of a few hundred texts (``tests/text/test_redact.py``,
``tests/fixtures/redaction/``): recall on personal data and the false-positive rate on look-alikes
(prices, order numbers, dates of service, times, percentages, years, quantities).

Examples
--------
>>> r = redact("Mail me at jo.bloggs@example.com or ring 07911 123456. Order 1234567812345678.")
>>> r.text
'Mail me at [EMAIL] or ring [PHONE]. Order 1234567812345678.'
>>> r.found
('email', 'phone')
>>> redact("ssn 123-45-6789, born 12/03/1985, order 5551234567 of 12/03/2024").text
'ssn [SSN], born [DOB], order 5551234567 of 12/03/2024'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import phonenumbers

__all__ = ["RedactionResult", "ENTITY_TYPES", "PLACEHOLDERS", "CONTROL_CHARACTERS", "redact", "redact_series",
           "luhn_valid", "iban_valid", "name_model_available", "strip_controls"]

#: Entity types ``found`` can hold, in the order they are searched.
ENTITY_TYPES = ("email", "iban", "card", "ssn", "ni_number", "dob", "sort_code", "account", "passport", "phone",
                "postcode", "name")
#: The placeholder each entity type is replaced by.
PLACEHOLDERS = {t: f"[{t.upper()}]" for t in ENTITY_TYPES}

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
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(t.upper() for t in ENTITY_TYPES) + r")\]")

# -- invisible characters ---------------------------------------------------------------------------
#: Bidirectional embeddings, overrides, isolates and marks, zero-width space/joiners, BOM.
CONTROL_CHARACTERS = re.compile("[\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# -- written-out e-mail addresses -------------------------------------------------------------------
_TLDS = ("com|net|org|edu|gov|mil|int|info|biz|io|co|uk|us|ie|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|eu|ca|au|nz|"
         "za|in|jp|cn|br|mx|me|tv|ly|app|dev")
_MAIL_PROVIDERS = frozenset("""gmail googlemail yahoo ymail hotmail outlook live msn icloud me mac aol proton protonmail
    pm btinternet btopenworld sky virginmedia talktalk ntlworld blueyonder tiscali gmx web mail yandex zoho comcast
    verizon att sbcglobal bellsouth orange wanadoo free laposte t-online freenet libero""".split())
_W_AT = r"(?:\s*@\s*|\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*|\s+at\s+)"
_W_DOT = r"(?:\s*\.\s*|\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*|\s+dot\s+)"
_W_LABEL = r"[A-Za-z0-9][A-Za-z0-9_%+-]*"
_WRITTEN_EMAIL = re.compile(
    rf"(?i)(?<![\w.@])(?P<local>{_W_LABEL}(?:{_W_DOT}{_W_LABEL})*)(?P<at>{_W_AT})"
    rf"(?P<domain>{_W_LABEL}(?:{_W_DOT}{_W_LABEL})*{_W_DOT}(?:{_TLDS}))\b")
_MAIL_CONTEXT = re.compile(r"(?i)\b(?:e-?mail(?:ed)?|mail(?:ed)?\s+(?:me|us|them)|write\s+to|contact|reach\s+me|"
                           r"address)\b[^.!?]{0,30}$")

# -- national and bank identifiers ------------------------------------------------------------------
_FILLER = r"(?:\s*(?:no\.?|number|num|nr|#))?(?:\s*(?:is|was|are|:|=|-))*\s*"
_SSN_SHAPE = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")
_SSN_CONTEXT = re.compile(r"(?i)\b(?:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?)\b")
_NINE_DIGITS = re.compile(r"(?<![\d-])\d[\d -]{7,11}\d(?![\d-])")
_NI_NUMBER = re.compile(r"(?i)\b[A-Z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D]\b")
_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?(?:\s+\d{{4}})?"
         rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|(?:19|20)\d{{2}})")
_DOB = re.compile(rf"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born)(?:\s+(?:is|was|on|in))*"
                  rf"[\s:,-]*(?P<date>{_DATE})(?![\w/])")
_SORT_CODE_CONTEXT = re.compile(rf"(?i)\bsort[\s-]?code{_FILLER}(?P<code>\d{{2}}[\s-]?\d{{2}}[\s-]?\d{{2}})(?![\d-])")
_SORT_CODE_SHAPE = re.compile(r"(?<![\d-])(?P<code>\d{2}-\d{2}-\d{2})(?![\d-])")
_ACCOUNT_CONTEXT = re.compile(rf"(?i)\b(?:account|acct|acc|a/c)\b\.?{_FILLER}(?P<number>\d[\d -]{{4,22}}\d)(?![\d-])")
_ACCOUNT_AFTER_SORT = re.compile(r"(?i)^[\s,;/]*(?:(?:and\s+)?(?:a/c|acc(?:ount)?)\.?(?:\s*(?:no\.?|number))?\s*:?\s*)?"
                                 r"(?P<number>\d{8})(?!\d)")
_PASSPORT = re.compile(rf"(?i)\bpassport{_FILLER}(?P<number>[A-Z0-9]{{6,10}})\b")

# -- phone numbers by shape -------------------------------------------------------------------------
_PHONE_CANDIDATE = re.compile(r"(?<![\w+.,/:#£$€¥-])(?:\+\s?|00)?\(?\d+\)?(?:(?:[ .\-]|\)\s?|\s?\()\(?\d+\)?){0,5}(?![\w%/:°]|[.,]\d)")
_REFERENCE_BEFORE = re.compile(
    r"(?i)\b(?:order|orders|ref|reference|ticket|invoice|case|tracking|booking|confirmation|policy|claim|serial|item|"
    r"sku|model|part|transaction|receipt|membership|job|quote|po|flight|train|route|room|table|seat|parcel|"
    r"consignment|shipment|delivery|complaint|incident|request|voucher|code|pin|id|no\.?)\b\s*(?:number|no\.?|num|"
    r"nr|id|#)?\s*(?:is|was|:|=)?\s*#?\s*$")
_PHONE_BEFORE = re.compile(r"(?i)\b(?:phones?|tel|telephone|mobiles?|cell|call(?:ed)?|ring|text|whatsapp|fax|landline|"
                           r"contact|reach|numbers?)\b[^.!?\d]{0,20}$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_DATE_SHAPE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}")
_DATE_OR_TIME = re.compile(r"(?<![\d.-])(?:\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}([./-])\d{1,2}\2\d{1,2})(?![\d.-]?\d)"
                           r"|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
_CURRENCY_BEFORE = re.compile(r"[£$€¥]\s*$|(?i:\b(?:gbp|usd|eur|aud|cad|chf|inr))\s*$")



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


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its data module without importing the package.

    ``import sklearn`` pulls in scipy.stats (about 1.2 s): more than ``cx validate`` spends on a
    large client's quarantine examples. The module is a plain frozenset; when its file is not where
    scikit-learn keeps it, the package is imported the usual way.
    """
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py" if spec and spec.origin else None
    if path is not None and path.is_file():
        data = importlib.util.spec_from_file_location("cxlib_sklearn_stop_words", path)
        module = importlib.util.module_from_spec(data)
        data.loader.exec_module(module)
        words = getattr(module, "ENGLISH_STOP_WORDS", None)
        if isinstance(words, frozenset) and words:
            return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    from cxlib.text.sentiment import lexicon_words

    ENGLISH_STOP_WORDS = _english_stop_words()

    extra = """i im ive id ill ok okay hi hello thanks thank yes no please sorry great good bad app apps website web
    online internet broadband wifi phone mobile email bill billing invoice service customer customers staff team store
    shop support manager engineer agent advisor price prices account contract package router card order delivery
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december christmas easter today yesterday tomorrow overall really very still just
    absolutely totally honestly terrible awful excellent brilliant fantastic amazing poor slow quick fast easy hard
    after before when while since because although though however also again why what how where who""".split()
    return frozenset(ENGLISH_STOP_WORDS) | lexicon_words() | frozenset(extra)


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


def strip_controls(text: str) -> str:
    """``text`` without bidirectional controls and zero-width characters (see the module notes).

    >>> strip_controls("order \u202edetaerc\u202c ok")
    'order detaerc ok'
    """
    return CONTROL_CHARACTERS.sub("", text)


def _replace(text: str, spans: list[tuple[int, int]], token: str) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + token + text[e:]
    return text


def _written_emails(text: str) -> list[tuple[int, int]]:
    """E-mail addresses spelt out ("jo dot bloggs at gmail dot com"); the plain " at " form needs evidence."""
    spans = []
    for m in _WRITTEN_EMAIL.finditer(text):
        at, local, domain = m.group("at"), m.group("local"), m.group("domain")
        if "@" in at and not re.search(r"(?i)\s|\bdot\b", local + domain):
            continue  # a plain address: _EMAIL's job (it did not match, so it is not one)
        bracketed = "@" in at or any(b in at for b in "[({<")
        first_label = re.split(r"(?i)\s*(?:\.|[\[\(\{<]?\s*dot\s*[\]\)\}>]?)\s*", domain)[0].lower()
        evidence = (bracketed or re.search(r"(?i)\bdot\b|[._\d]", local) is not None
                    or first_label in _MAIL_PROVIDERS or _MAIL_CONTEXT.search(text[max(0, m.start() - 40):m.start()]))
        if evidence:
            spans.append(m.span())
    return spans


def _is_date(code: str) -> bool:
    """Can ``12-34-56`` be read as a date (dd-mm-yy, mm-dd-yy or yy-mm-dd)?"""
    a, b, c = (int(x) for x in code.split("-"))
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= c <= 31)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _reference_before(text: str, start: int) -> bool:
    return _REFERENCE_BEFORE.search(text[max(0, start - 40):start]) is not None


def _phone_shaped(candidate: str, *, context: bool) -> bool:
    """Is this run of digit groups shaped like a phone number (valid or not)?"""
    digits = _digits(candidate)
    groups = re.findall(r"\d+", candidate)
    plus = candidate.startswith(("+", "00"))
    n = len(digits)
    trunk = candidate.lstrip("(").startswith("0")  # a national number with its trunk prefix: 020 …, 07700 …
    if plus:
        ok_length = 8 <= n <= 15
    elif context:
        ok_length = 7 <= n <= 12
    else:
        ok_length = n in (10, 11) or (n == 9 and trunk and (len(groups) > 1 or "(" in candidate))
    if not ok_length or len(groups) > 6:
        return False
    # groups of one digit only where phones have them: a country code, a trunk "1", a "(0)"
    for i, group in enumerate(groups):
        if len(group) == 1 and not ((i == 0 and (plus or group == "1" or context)) or f"({group})" in candidate
                                    or (i == 1 and plus and group == "0")):
            return False
    if all(len(g) <= 2 for g in groups) and not (plus or context or groups[0].startswith("0")):
        return False  # "25 30 40 50 60": a list of small numbers (a French "01 23 45 67 89" starts with 0)
    if groups[0] == "1" and not plus and n != 11:
        return False
    if len(groups) > 1 and all(_YEAR.match(g) for g in groups):
        return False  # "2019 2020 2021"
    if len(groups) == 1 and not plus and not context and not digits.startswith(("0", "1")) and n == 11:
        return False  # eleven bare digits not starting 0 (UK) or 1 (US trunk): a reference, not a phone
    if _DATE_SHAPE.fullmatch(candidate.strip()):
        return False  # a date
    return True


def _dates_and_times(text: str) -> list[tuple[int, int]]:
    """Where dates (12/03/2024, 2024-03-12, 04.02.2000) and times (10:30) are: never part of a phone."""
    return [m.span() for m in _DATE_OR_TIME.finditer(text)]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _shaped_phones(text: str, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    for m in _PHONE_CANDIDATE.finditer(text):
        candidate = m.group().rstrip(" .-(")
        start, end = m.start(), m.start() + len(candidate)
        if not candidate or _CURRENCY_BEFORE.search(text[max(0, start - 5):start]) or _reference_before(text, start) \
                or _overlaps((start, end), protected):
            continue
        if candidate.startswith("(") and ")" not in candidate:
            candidate, start = candidate[1:], start + 1
        context = _PHONE_BEFORE.search(text[max(0, start - 30):start]) is not None
        if _phone_shaped(candidate, context=context):
            spans.append((start, end))
            continue
        if not context:
            continue
        # several numbers in a row after "phones" ("052 5552606 074-7111234"): the longest phone-shaped prefixes
        pieces = [(p.start(), p.end()) for p in re.finditer(r"\S+", candidate)]
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                part = candidate[pieces[i][0]:pieces[j - 1][1]]
                if j - i < len(pieces) and _phone_shaped(part, context=context):
                    spans.append((start + pieces[i][0], start + pieces[j - 1][1]))
                    i = j - 1
                    break
            i += 1
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _apply(text: str, spans: list[tuple[int, int]], entity: str, found: set[str]) -> str:
    spans = _merge([sp for sp in spans if sp[1] > sp[0]])
    if spans:
        found.add(entity)
        text = _replace(text, spans, PLACEHOLDERS[entity])
    return text


def _national_and_bank(text: str, found: set[str]) -> str:
    """SSN, NI number, date of birth, sort code, account and passport numbers (in that order)."""
    spans = [m.span() for m in _SSN_SHAPE.finditer(text) if not _reference_before(text, m.start())]
    for m in _SSN_CONTEXT.finditer(text):
        window_start = m.end()
        for d in _NINE_DIGITS.finditer(text[window_start:window_start + 40]):
            if len(_digits(d.group())) == 9:
                spans.append((window_start + d.start(), window_start + d.end()))
    text = _apply(text, spans, "ssn", found)
    text = _apply(text, [m.span() for m in _NI_NUMBER.finditer(text)], "ni_number", found)
    text = _apply(text, [m.span("date") for m in _DOB.finditer(text)], "dob", found)
    sort_spans = [m.span("code") for m in _SORT_CODE_CONTEXT.finditer(text)]
    sort_spans += [m.span("code") for m in _SORT_CODE_SHAPE.finditer(text) if not _is_date(m.group("code"))
                   or _ACCOUNT_AFTER_SORT.match(text[m.end():])]
    account_spans = []
    for s, e in sort_spans:
        after = _ACCOUNT_AFTER_SORT.match(text[e:])
        if after:
            account_spans.append((e + after.start("number"), e + after.end("number")))
    for m in _ACCOUNT_CONTEXT.finditer(text):
        if 6 <= len(_digits(m.group("number"))) <= 17:
            account_spans.append(m.span("number"))
    # replace both at once: the spans were found in the same text
    marked = [(s, e, "sort_code") for s, e in _merge(sort_spans)]
    marked += [(s, e, "account") for s, e in _merge(account_spans)
               if not any(s < se and ss < e for ss, se in sort_spans)]
    for s, e, entity in sorted(marked, reverse=True):
        found.add(entity)
        text = text[:s] + PLACEHOLDERS[entity] + text[e:]
    passports = [m.span("number") for m in _PASSPORT.finditer(text) if len(_digits(m.group("number"))) >= 5]
    return _apply(text, passports, "passport", found)


def _redact_structured(text: str, regions: tuple[str, ...], found: set[str]) -> str:
    text = _apply(text, [m.span() for m in _EMAIL.finditer(text)], "email", found)
    text = _apply(text, _written_emails(text), "email", found)
    spans = []
    for m in _IBAN.finditer(text):
        # the pattern is greedy over spaced groups ("DE89... thanks"): try shorter prefixes of whole groups
        parts = m.group().split(" ")
        for k in range(len(parts), 0, -1):
            cand = " ".join(parts[:k])
            if iban_valid(cand):
                spans.append((m.start(), m.start() + len(cand)))
                break
    text = _apply(text, spans, "iban", found)
    spans = [m.span() for m in _CARD.finditer(text) if 13 <= len(_digits(m.group())) <= 19
             and luhn_valid(_digits(m.group()))]
    text = _apply(text, spans, "card", found)
    if not any(ch.isdigit() for ch in text):
        return text
    text = _national_and_bank(text, found)
    protected = _dates_and_times(text)
    spans = _shaped_phones(text, protected)
    for region in regions:
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if not _reference_before(text, m.start) and not _overlaps((m.start, m.end), protected):
                spans.append((m.start, m.end))
    text = _apply(text, spans, "phone", found)
    spans = [m.span() for m in _UK_POSTCODE.finditer(text)] + [m.span(1) for m in _US_ZIP.finditer(text)]
    return _apply(text, spans, "postcode", found)


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
    out = CONTROL_CHARACTERS.sub("", str(text))
    out = _redact_structured(out, tuple(regions), found)
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
