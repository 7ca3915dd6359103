"""Quotes a partner would sign: no attacks or tests, no placeholders or typos, no duplicates, the quote's own tone."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.demo.text import HOSTILE_PAYLOADS
from cxlib.present.quotes import curate, has_placeholder, looks_unsafe, own_sentiment, typos, vocabulary


def candidates(rows) -> pd.DataFrame:
    return pd.DataFrame([{"theme": t, "label": t.title(), "comment_ref": r, "quote": q, "suppressed": False}
                         for t, r, q in rows])


@pytest.mark.parametrize("payload", sorted(HOSTILE_PAYLOADS.values()))
def test_every_hostile_payload_of_the_demo_is_refused(payload):
    assert looks_unsafe(f"The bill was wrong {payload} again")


@pytest.mark.parametrize("text", ["SELECT * FROM users", "x' OR '1'='1", "this is a test", "lorem ipsum dolor",
                                  "see https://example.com", "{{ 7*7 }}", "${jndi:ldap}", "@SUM(A1)", "../../etc"])
def test_code_links_and_test_strings_are_refused(text):
    assert looks_unsafe(text)


@pytest.mark.parametrize("text", ["The bill was wrong twice and nobody called back.", "Selected the wrong plan.",
                                  "I was on hold for 40 minutes!", "Great staff, thanks."])
def test_ordinary_complaints_and_praise_pass(text):
    assert not looks_unsafe(text) and not has_placeholder(text)


def test_placeholders_and_typos_keep_a_quote_out():
    words = Counter({"payment": 40, "lost": 30, "my": 90, "they": 60, "pyament": 1, "bill": 50})
    assert has_placeholder("My IBAN is [IBAN] for your records") and typos("They lost my pyament", words) == 1
    c = candidates([("billing", "R1", "They lost my pyament and never said sorry."),
                    ("billing", "R2", "My IBAN is [IBAN], they still charged me twice!"),
                    ("billing", "R3", "They lost my payment and never said sorry, awful.")])
    out = curate(c, words=words)
    assert out["comment_ref"].tolist() == ["R3"]


def test_no_duplicate_and_no_comment_under_two_themes():
    c = candidates([("waiting", "R1", "Awful wait, terrible service."), ("waiting", "R2", "awful wait - terrible service!"),
                    ("staff", "R1", "Awful wait, terrible service."), ("staff", "R3", "Rude and awful staff.")])
    out = curate(c, per_theme=2, themes=["waiting", "staff"])
    assert out["comment_ref"].tolist() == ["R1", "R3"]   # R2 says the same words as R1; R1 is not quoted twice


def test_the_tone_shown_is_the_quotes_own_and_agrees_with_its_theme():
    c = candidates([("app", "R1", "The app keeps crashing. Awful, very disappointed."),
                    ("app", "R2", "The app never crashed on me, great!"),
                    ("praise", "R3", "Great quality, lovely staff."), ("praise", "R4", "Terrible, awful quality.")])
    out = curate(c, polarity={"app": "complaint", "praise": "praise"}, themes=["app", "praise"])
    assert out.set_index("comment_ref")["tone"].to_dict() == {"R1": "negative", "R3": "positive"}
    tones = own_sentiment(pd.Series(["Awful, I hate it.", "Lovely, thanks!"]))["label"].tolist()
    assert tones == ["negative", "positive"]
    assert curate(c, want="negative", themes=["praise"])["comment_ref"].tolist() == ["R4"]  # only quotes that read negative


def test_a_blank_comment_is_never_a_quote():
    """Found by hypothesis on a fresh clone (texts=[' ']): curation raised on a candidate of only a space."""
    c = candidates([("t", "R0", " "), ("t", "R1", "..."), ("t", "R2", "Awful wait, nobody called back.")])
    assert curate(c, per_theme=5, themes=["t"])["comment_ref"].tolist() == ["R2"]
    assert curate(candidates([("t", "R0", " ")]), themes=["t"]).empty


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=8))
def test_curation_never_returns_unsafe_text_or_a_comment_twice(texts):
    c = candidates([("t", f"R{i}", t) for i, t in enumerate(texts)] + [("u", "R0", texts[0])])
    out = curate(c, per_theme=5, themes=["t", "u"], words=vocabulary(texts))
    assert not out["quote"].map(looks_unsafe).any() and not out["quote"].map(has_placeholder).any()
    assert out["comment_ref"].is_unique
