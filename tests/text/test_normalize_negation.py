"""Text normalisation for social and review text, and negation that understands complaints (issue 15)."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.errors import CodebookError
from cxlib.text.codebook import codebook_from_dict, starter_codebook
from cxlib.text.coding import code_comments, comment_themes
from cxlib.text.emerging import emerging_themes
from cxlib.text.features import prepare
from cxlib.text.normalize import clean_text, expand_contractions, split_hashtag, words

CB = codebook_from_dict({"themes": [
    {"id": "bags", "label": "Lost luggage", "include": ["bag", "bags", "luggage"]},
    {"id": "service", "label": "Customer service", "include": ["help", "answer*", "call back", "phone"]},
    {"id": "helpful", "label": "Helpful staff", "include": ["helpful"], "when_negated": "service"},
    {"id": "rude", "label": "Rude staff", "include": ["rude"]},
    {"id": "wait", "label": "Long wait", "include": ["on hold"]},
]})

CASES = [
    ("I never got my bag back", {"bags"}),                     # absence of service: a complaint about it
    ("Agent didn't help at all", {"service"}),
    ("They didn't call back", {"service"}),
    ("No one will answer the phone", {"service"}),
    ("The agent was not rude at all", set()),                  # negated complaint: no complaint
    ("I never had to wait on hold", set()),
    ("Staff weren't helpful", {"service"}),                    # negated praise: not praise (when_negated)
    ("Staff were helpful", {"helpful"}),
    ("@united &amp; #LostLuggage again https://t.co/x", {"bags"}),
]


def _sets(df, cb):
    ct = comment_themes(code_comments(df, cb))
    return {r: set() if t == ["uncoded"] else set(t) for r, t in zip(ct["comment_ref"], ct["themes"])}


def test_negation_reads_absence_of_service_as_a_complaint():
    df = pd.DataFrame({"response_id": [str(i) for i in range(len(CASES))], "comment": [c[0] for c in CASES]})
    got = _sets(df, CB)
    wrong = {c[0]: (got[str(i)], c[1]) for i, c in enumerate(CASES) if got[str(i)] != c[1]}
    assert not wrong


def test_evidence_of_a_cleaned_match_is_cut_from_the_original():
    df = pd.DataFrame({"mention_id": ["m"], "text": ["@united &amp; #LostLuggage again https://t.co/x"]})
    coded = code_comments(df, CB)
    assert coded["evidence"].tolist() == ["#LostLuggage"] and (coded["start"].iloc[0], coded["end"].iloc[0]) == (14, 26)


def test_polarity_is_inferred_and_checked():
    assert CB.theme("helpful").polarity == "praise" and CB.theme("rude").polarity == "complaint"
    assert starter_codebook().theme("staff.helpful_staff").polarity == "praise"
    with pytest.raises(CodebookError, match="polarity"):
        codebook_from_dict({"themes": [{"id": "x", "polarity": "happy"}]})
    with pytest.raises(CodebookError, match="when_negated"):
        codebook_from_dict({"themes": [{"id": "x", "when_negated": "nope"}]})


def test_clean_text_handles_social_noise():
    c = clean_text("@Brand_1 Your app &gt; theirs 😡 #NeverAgain www.x.com/abc")
    assert c.text == "Your app > theirs Never Again"
    assert clean_text("Plain words stay.").text == "Plain words stay."
    assert split_hashtag("USAirways") == "US Airways"
    assert expand_contractions("I'm sure they can't") == "i am sure they can not"
    assert words("We don't like it") == ["we", "do", "not", "like", "it"]
    assert "not_help" in prepare("didn't help") and "'" not in "".join(prepare("don't won't i'm"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("ab @#&;:/.x😡é ") + ["http://", "&amp;", "#Tag", "@me"]), max_size=25))
def test_clean_text_maps_every_character_back(parts):
    text = "".join(parts)
    c = clean_text(text)
    assert len(c.src_start) == len(c.text) == len(c.src_end)
    for i in range(len(c.text)):
        s, e = c.source_span(i, i + 1)
        assert 0 <= s < e <= len(text)


def test_emerging_themes_ignore_handles_urls_and_amp():
    base = ["my bag never arrived", "lost bag at the airport", "bag still missing after a week",
            "the app keeps crashing", "app crashes on login", "cannot log in to the app"]
    texts = [f"@airline {t} &amp; more https://t.co/{i}" for i, t in enumerate(base * 6)]
    data = pd.DataFrame({"mention_id": [f"m{i}" for i in range(len(texts))], "text": texts})
    coded = pd.DataFrame({"comment_ref": data["mention_id"], "theme": "uncoded"})
    em = emerging_themes(coded, data, n_candidates=2, min_comments=10)
    terms = {w for row in em.table.itertuples() for t in row.top_terms + row.key_phrases for w in t.split()}
    assert not terms & {"airline", "amp", "https", "co", "don", "t"}
    assert em.table["n_comments"].sum() == len(texts) and em.table["label"].notna().all()
