"""Redaction: each entity type found, and look-alikes left alone."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.text.redact import ENTITY_TYPES, iban_valid, luhn_valid, name_model_available, redact, redact_series


@pytest.mark.parametrize(
    "text, entity, gone",
    [
        ("write to jane.doe+cx@mail.example.co.uk please", "email", "jane.doe+cx@mail.example.co.uk"),
        ("my mobile is 07911 123456", "phone", "07911 123456"),
        ("US line (212) 555-0123 after 5", "phone", "555-0123"),
        ("call +44 20 7946 0958", "phone", "7946 0958"),
        ("card 4111 1111 1111 1111 was charged", "card", "4111 1111 1111 1111"),
        ("paid with 5500-0000-0000-0004", "card", "5500-0000-0000-0004"),
        ("refund to GB82 WEST 1234 5698 7654 32", "iban", "GB82 WEST 1234 5698 7654 32"),
        ("iban DE89370400440532013000 thanks", "iban", "DE89370400440532013000"),
        ("I live in SW1A 1AA", "postcode", "SW1A 1AA"),
        ("deliver to m1 1ae today", "postcode", "m1 1ae"),
        ("Austin, TX 78701-1234", "postcode", "78701-1234"),
        ("my zip code: 10001", "postcode", "10001"),
        ("I spoke to Mr Okonkwo yesterday", "name", "Okonkwo"),
        ("my name is Bridget and I am cross", "name", "Bridget"),
        ("thanks to Priyanka everything works", "name", "Priyanka"),
    ],
)
def test_entities_are_redacted(text, entity, gone):
    r = redact(text)
    assert entity in r.found
    assert gone not in r.text
    assert f"[{entity.upper()}]" in r.text


@pytest.mark.parametrize(
    "text",
    [
        "order 4111111111111112 is late",          # 16 digits failing Luhn
        "reference 1234-5678-9012-3456 please",    # fails Luhn
        "account GB82 WEST 1234 5698 7654 33",     # IBAN failing mod-97
        "it broke on 2024-03-12 at 10:30",
        "since 12/03/2024 nothing works",
        "waited 45 minutes, ticket 48213",
        "3 times in 2 weeks, 100% annoyed",
        "the new 5G plan costs 25.99 a month",
        "order 10001 arrived",                     # a 5-digit number without a state or 'zip'
    ],
)
def test_lookalikes_are_not_redacted(text):
    r = redact(text)
    assert r.text == text and r.found == ()


def test_check_digit_algorithms_against_known_values():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert luhn_valid("378282246310005")  # Amex test number
    assert iban_valid("NL91ABNA0417164300") and iban_valid("FR1420041010050500013M02606")
    assert not iban_valid("NL91ABNA0417164301")


def test_several_entities_and_found_order():
    r = redact("Email a@b.com, phone 07911 123456, card 4111111111111111, postcode EC1A 1BB.")
    assert r.found == ("email", "card", "phone", "postcode")
    assert r.text == "Email [EMAIL], phone [PHONE], card [CARD], postcode [POSTCODE]."
    assert set(r.found) <= set(ENTITY_TYPES)


def test_possible_names_are_flagged_for_review_not_silently_passed():
    r = redact("the engineer, who was called out twice, said Gwendolyn would ring")
    assert r.needs_review and "Gwendolyn" in r.text
    assert not redact("the app is slow and the bill is wrong").needs_review


def test_redact_series_matches_redact_and_keeps_index():
    s = pd.Series(["ring 07911 123456", None, "ring 07911 123456", "fine"], index=[10, 11, 12, 13])
    out = redact_series(s, corpus_vocabulary=False)
    assert list(out.index) == [10, 11, 12, 13]
    assert out["text"].iloc[0] == redact("ring 07911 123456").text
    assert pd.isna(out["text"].iloc[1]) and out["found"].iloc[1] == ()
    assert out["found"].iloc[2] == ("phone",)


def test_corpus_vocabulary_clears_ordinary_capitalised_words():
    s = pd.Series(["Billing was wrong again", "the billing team never answered"])
    assert not redact_series(s)["needs_review"].iloc[0]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_redact_is_pure_and_idempotent(text):
    a, b = redact(text), redact(text)
    assert a == b
    again = redact(a.text)
    assert again.text == a.text


def test_without_a_name_model_names_are_flagged_not_downloaded(monkeypatch):
    import importlib.util

    if importlib.util.find_spec("spacy") is not None:
        pytest.skip("spaCy is installed here; this checks the behaviour without it")
    assert not name_model_available()
    r = redact("Then Bartholomew said it would be fixed")
    assert r.needs_review and r.found == ()
