"""ML-assisted coder, emerging themes, and the optional semantic coder."""

import numpy as np
import pandas as pd
import pytest

from cxlib.errors import ConfigError, DataError
from cxlib.text.codebook import UNCODED, codebook_from_dict
from cxlib.text.coding import CODED_COLUMNS, code_comments, combine_codes
from cxlib.text.emerging import emerging_themes
from cxlib.text.mlcoder import train_ml_coder
from cxlib.text.semantic import semantic_available, semantic_codes

CB = codebook_from_dict({"themes": [
    {"id": "bill", "label": "Billing", "include": ["bill"]},
    {"id": "roaming", "label": "Roaming", "description": "Using the phone abroad."},  # no rules: only ML can find it
]})

ROAM = ["roaming abroad cost a fortune", "my phone had no signal abroad in spain", "charged for roaming in france",
        "data abroad did not work on holiday", "roaming in italy was a nightmare", "abroad the roaming stopped"]
OTHER = ["the shop was tidy", "nice people at the store", "bill was wrong", "the bill arrived late",
         "good coverage at home", "engineer fixed the line"]


def _train_set(n=120, seed=0):
    rng = np.random.default_rng(seed)
    texts, codes = [], []
    for i in range(n):
        roam = i % 2 == 0
        t = ROAM[rng.integers(len(ROAM))] if roam else OTHER[rng.integers(len(OTHER))]
        texts.append(f"{t} {['today', 'again', 'honestly', 'sadly'][rng.integers(4)]}")
        codes.append((f"h{i}", "roaming" if roam else ("bill" if "bill" in t else UNCODED)))
    data = pd.DataFrame({"response_id": [c[0] for c in codes], "comment": texts})
    hand = pd.DataFrame({"comment_ref": [c[0] for c in codes], "theme": [c[1] for c in codes]})
    return data, hand


def test_ml_coder_learns_a_theme_the_rules_miss():
    data, hand = _train_set()
    ml = train_ml_coder(data, hand, CB, seed=0)
    tab = ml.table.set_index("theme")
    assert tab.loc["roaming", "trained"] and tab.loc["roaming", "cv_recall"] > 0.9
    new = pd.DataFrame({"response_id": ["n1", "n2"], "comment": ["Roaming abroad was shocking", "Lovely store staff"]})
    rules = code_comments(new, CB)
    prop = ml.propose(rules, new)
    assert prop["comment_ref"].tolist() == ["n1"] and prop["theme"].tolist() == ["roaming"]
    row = prop.iloc[0]
    assert row["coder"] == "ml" and 0.5 <= row["confidence"] <= 1
    assert row["evidence"].lower() in ("roaming", "abroad", "roaming abroad")
    assert new["comment"][0][row["start"]:row["end"]] == row["evidence"]
    both = combine_codes(rules, ml.predict(new))
    assert list(both.columns) == CODED_COLUMNS and set(both["comment_ref"]) == {"n1", "n2"}
    assert "trained" in ml.summary()


def test_ml_coder_refuses_unknown_themes_and_handles_tiny_samples():
    data, hand = _train_set(20)
    with pytest.raises(DataError, match="not in the codebook"):
        train_ml_coder(data, hand.assign(theme="mystery"), CB)
    ml = train_ml_coder(data.head(6), hand.head(6), CB)
    assert not ml.table["trained"].any()
    out = ml.predict(data.head(3))
    assert (out["theme"] == UNCODED).all() and len(out) == 3


def test_emerging_themes_find_a_cluster_in_uncoded_comments():
    rng = np.random.default_rng(3)
    parking = ["no parking near the store", "parking outside the store is impossible", "parking spaces were all full",
               "could not find parking", "the car park was closed"]
    parcel = ["smart meter reading was wrong", "the smart meter display is blank", "smart meter stopped sending readings",
              "meter readings are estimated", "my smart meter never connected"]
    texts = [parking[rng.integers(5)] if i % 2 else parcel[rng.integers(5)] for i in range(80)] + ["the bill"] * 10
    df = pd.DataFrame({"response_id": [f"r{i}" for i in range(len(texts))], "comment": texts})
    coded = code_comments(df, CB)
    em = emerging_themes(coded, df, n_candidates=2, min_comments=20, seed=0)
    tops = [set(t) for t in em.table["top_terms"]]
    assert len(em.table) == 2
    assert any("parking" in t for t in tops) and any("meter" in t or "smart meter" in t for t in tops)
    assert em.table["n_comments"].sum() == 80  # the "bill" comments are coded, not clustered
    assert not set(em.assignments["comment_ref"]) & set(df["response_id"][80:])
    assert all(len(ex) == 3 for ex in em.table["examples"])
    again = emerging_themes(coded, df, n_candidates=2, min_comments=20, seed=0)
    pd.testing.assert_frame_equal(em.table, again.table)
    assert "candidate" in em.summary()


def test_emerging_themes_need_enough_comments():
    df = pd.DataFrame({"response_id": ["a", "b"], "comment": ["odd thing", "another odd thing"]})
    em = emerging_themes(code_comments(df, CB), df, min_comments=20)
    assert em.table.empty and "20" in em.note


def test_emerging_examples_are_redacted():
    texts = ["parking was awful, ring me 07911 123456"] * 30
    df = pd.DataFrame({"response_id": [f"r{i}" for i in range(30)], "comment": [f"{t} {i}" for i, t in enumerate(texts)]})
    em = emerging_themes(code_comments(df, CB), df, n_candidates=1, min_comments=10)
    assert all("07911" not in ex for exs in em.table["examples"] for ex in exs)


@pytest.mark.skipif(semantic_available(), reason="checks the behaviour without the optional model")
def test_semantic_coder_without_the_extra_says_how_to_install():
    df = pd.DataFrame({"response_id": ["a"], "comment": ["roaming abroad"]})
    with pytest.raises(ConfigError, match=r"cxlib\[embeddings\]"):
        semantic_codes(df, CB)


def test_semantic_coder_with_an_injected_encoder():
    vocab = ["abroad", "roaming", "bill", "invoice", "phone"]

    def encoder(texts):
        v = np.array([[t.lower().count(w) for w in vocab] for t in texts], dtype=float) + 1e-3
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    cb = codebook_from_dict({"themes": [
        {"id": "travel"}, {"id": "travel.roaming", "parent": "travel", "label": "Roaming", "description": "roaming abroad"},
        {"id": "money"}, {"id": "money.bill", "parent": "money", "label": "bill", "examples": ["invoice bill"]}]})
    df = pd.DataFrame({"response_id": ["a", "b", "c"],
                       "comment": ["Nice shop. Roaming abroad broke!", "My invoice bill.", "Hello there"]})
    out = semantic_codes(df, cb, encoder=encoder, threshold=0.6)
    got = dict(zip(out["comment_ref"], out["theme"]))
    assert got == {"a": "travel.roaming", "b": "money.bill", "c": UNCODED}
    a = out[out["comment_ref"] == "a"].iloc[0]
    assert a["evidence"] == "Roaming abroad broke!" and a["coder"] == "semantic" and a["parent"] == "travel"
