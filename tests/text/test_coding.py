"""Rule coding: known answers on comments written for these tests, negation, overlaps, nothing lost."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, codebook_from_dict, starter_codebook
from cxlib.text.coding import CODED_COLUMNS, code_comments, combine_codes, comment_themes, theme_indicator

# Hand-coded fixture: comments written for this test (not generator templates), with the codes a
# person gives them under the starter codebook.
FIXTURE = [
    ("f01", "Got billed twice for the same month and the refund still hasn't shown up.",
     {"billing.unexpected_charges", "billing.payment_problems"}),
    ("f02", "Honestly the lady on the phone was lovely, really patient with my dad.", {"staff.helpful_staff"}),
    ("f03", "45 minutes on hold, then they cut me off.", {"waiting.long_wait"}),
    ("f04", "I've had to give my account number three times to three different people.",
     {"effort.repeat_information", "effort.handoffs"}),
    ("f05", "Broadband keeps cutting out every evening, totally unreliable.", {"product.reliability"}),
    ("f06", "Cheaper than my last provider and no hidden fees, good value.", {"value.good_value"}),
    ("f07", "The new app update keeps crashing when I open my bill.", {"digital.app_problems"}),
    ("f08", "Nobody told me the engineer was cancelled. No updates at all.", {"waiting.no_updates"}),
    ("f09", "Router turned up a fortnight late and setting it up was a nightmare.",
     {"onboarding.delivery_delay", "onboarding.setup_difficult"}),
    ("f10", "Way overpriced compared to what others charge.", {"value.too_expensive"}),
    ("f11", "Your website is a maze, I couldn't find how to cancel.", {"digital.website_usability"}),
    ("f12", "Still not fixed after four calls.", {"effort.unresolved"}),
    ("f13", "The invoice makes no sense, I can't see what I'm paying for.", {"billing.confusing_invoice"}),
    ("f14", "The chap in store was rude and dismissive.", {"staff.rude_staff"}),
    ("f15", "Signal has been rock solid, never had a problem.", {"product.quality_praise"}),
    ("f16", "Nice weather today.", set()),
    ("f17", "I moved house last spring.", set()),
]

NEGATION = [
    ("n01", "The agent was not rude at all.", set()),
    ("n02", "There were no hidden fees, which was a relief.", {"value.good_value"}),
    ("n03", "Never once was the bill confusing.", set()),
    ("n04", "Didn't find the app buggy.", set()),
    ("n05", "Not rude, but I was on hold for ages.", {"waiting.long_wait"}),
    ("n06", "Not only rude, he hung up on me.", {"staff.rude_staff"}),
    ("n07", "Staff weren't helpful.", set()),
    ("n08", "It's not expensive.", set()),
    ("n09", "No updates and I was on hold for an hour.", {"waiting.no_updates", "waiting.long_wait"}),
    ("n10", "I never had to wait on hold.", set()),
]


def _frame(rows):
    return pd.DataFrame({"response_id": [r[0] for r in rows], "comment": [r[1] for r in rows]})


def _sets(coded):
    ct = comment_themes(coded)
    return {r: set() if t == [UNCODED] else set(t) for r, t in zip(ct["comment_ref"], ct["themes"])}


@pytest.fixture(scope="module")
def cb():
    return starter_codebook()


def test_fixture_codes_match_hand_codes(cb):
    got = _sets(code_comments(_frame(FIXTURE), cb))
    wrong = {ref: (got[ref], exp) for ref, _, exp in FIXTURE if got[ref] != exp}
    assert not wrong


def test_negation_cases(cb):
    got = _sets(code_comments(_frame(NEGATION), cb))
    wrong = {ref: (got[ref], exp) for ref, _, exp in NEGATION if got[ref] != exp}
    assert not wrong


def test_output_shape_and_evidence_spans(cb):
    df = _frame(FIXTURE)
    coded = code_comments(df, cb)
    assert list(coded.columns) == CODED_COLUMNS
    text = dict(zip(df["response_id"], df["comment"]))
    themed = coded[coded["theme"] != UNCODED]
    for r in themed.itertuples():
        assert text[r.comment_ref][r.start:r.end] == r.evidence
        assert r.coder == "rules" and r.confidence == 1.0
        assert r.parent == r.theme.split(".")[0]
    unc = coded[coded["theme"] == UNCODED]
    assert set(unc["comment_ref"]) == {"f16", "f17"} and unc["evidence"].isna().all()
    assert str(coded["start"].dtype) == "Int64"


def test_overlapping_themes_and_exclude_spans():
    cb = codebook_from_dict({"themes": [
        {"id": "fees", "include": ["hidden fee*", "fee*"], "exclude": ["no hidden fees"]},
        {"id": "hidden", "include": ["hidden"]},
        {"id": "twice", "include": ["re:\\bcharged (?:me )?twice\\b"]},
    ]})
    df = pd.DataFrame({"response_id": ["a", "b", "c"],
                       "comment": ["Hidden fees! They charged me twice.", "No hidden fees, but the fee for paper bills",
                                   "feel fine"]})
    got = _sets(code_comments(df, cb))
    assert got["a"] == {"fees", "hidden", "twice"}  # one span, several themes
    assert got["b"] == {"fees"}  # exclude only cancels the overlapping match; "hidden" is negated by "no"
    assert got["c"] == {"fees"}  # a suffix wildcard is greedy: "fee*" matches "feel"


def test_suffix_and_word_boundaries():
    cb = codebook_from_dict({"themes": [{"id": "o", "include": ["overcharg*"]}, {"id": "r", "include": ["rude"]}]})
    df = pd.DataFrame({"response_id": list("abcd"),
                       "comment": ["They OVERCHARGED me", "crude oil", "rudest ever", "so rude."]})
    got = _sets(code_comments(df, cb))
    assert got == {"a": {"o"}, "b": set(), "c": set(), "d": {"r"}}


def test_mentions_and_blank_comments(cb):
    m = pd.DataFrame({"mention_id": ["m1", "m2", "m3"], "source": "twitter",
                      "text": ["charged twice AGAIN", None, "   "]})
    coded = code_comments(m, cb)
    assert coded["comment_ref"].tolist() == ["m1"]


def test_duplicate_or_missing_refs_are_errors(cb):
    with pytest.raises(DataError, match="repeats"):
        code_comments(pd.DataFrame({"response_id": ["a", "a"], "comment": ["x", "y"]}), cb)
    with pytest.raises(DataError, match="empty reference"):
        code_comments(pd.DataFrame({"response_id": ["a", None], "comment": ["x", "y"]}), cb)
    with pytest.raises(DataError, match="Expected"):
        code_comments(pd.DataFrame({"id": ["a"], "body": ["x"]}), cb)


def test_input_not_mutated(cb):
    df = _frame(FIXTURE)
    before = df.copy()
    code_comments(df, cb)
    pd.testing.assert_frame_equal(df, before)


def test_combine_codes_adds_only_missing_and_keeps_every_comment(cb):
    df = _frame(FIXTURE)
    rules = code_comments(df, cb)
    extra = pd.DataFrame({"comment_ref": ["f16", "f01"], "theme": ["value.good_value", "billing.unexpected_charges"],
                          "parent": ["value", "billing"], "evidence": [pd.NA, pd.NA], "start": [pd.NA, pd.NA],
                          "end": [pd.NA, pd.NA], "coder": "ml", "confidence": [0.7, 0.9]})
    extra = extra.astype({"start": "Int64", "end": "Int64"})
    both = combine_codes(rules, extra)
    assert set(both["comment_ref"]) == set(df["response_id"])
    assert both.loc[both["comment_ref"] == "f16", "theme"].tolist() == ["value.good_value"]
    f01 = both[both["comment_ref"] == "f01"]
    assert (f01.loc[f01["theme"] == "billing.unexpected_charges", "coder"] == "rules").all()
    assert not both.duplicated(["comment_ref", "theme"]).any()


def test_theme_indicator_rolls_up_to_parents(cb):
    coded = code_comments(_frame(FIXTURE), cb)
    leaf = theme_indicator(coded)
    par = theme_indicator(coded, level="parent")
    assert leaf.loc["f04"].sum() == 2 and par.loc["f04", "effort"] == 1 and par.loc["f04"].sum() == 1
    assert len(leaf) == len(FIXTURE)


_STARTER = starter_codebook()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=60), st.sampled_from([r[1] for r in FIXTURE + NEGATION])), max_size=25))
def test_coding_never_loses_a_comment(texts):
    cb = _STARTER
    df = pd.DataFrame({"response_id": [f"r{i}" for i in range(len(texts))], "comment": texts})
    coded = code_comments(df, cb)
    nonblank = {f"r{i}" for i, t in enumerate(texts) if t.strip()}
    assert set(coded["comment_ref"]) == nonblank
    per = comment_themes(coded)
    assert len(per) == len(nonblank)
    assert ((per["n_themes"] == 0) == per["uncoded"].to_numpy(dtype=bool)).all()
    for r in coded[coded["theme"] != UNCODED].itertuples():
        assert texts[int(r.comment_ref[1:])][r.start:r.end] == r.evidence
