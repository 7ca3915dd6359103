"""The fast coding and sentiment path gives exactly what the implementation it replaced gave.

``tests/text/legacy`` is a frozen copy of the coders before the speed work of issue 15. On about
9,300 real comments from the public fixtures (Banking77, CLINC150, GoEmotions Reddit comments,
Amazon fine-food reviews; a tenth of them decorated with @handles, URLs, entities, hashtags and
emoji so that the cleaning paths run, and some repeated so that duplicates are coded once), the
codes (every column of ``primary``, ``themes`` and ``table``), the rule coder's output and the
sentiment (labels, confidences, scores) must be identical, not merely close.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxlib.text.autocode import auto_code
from cxlib.text.codebook import load_codebook, starter_codebook
from cxlib.text.coding import code_comments, match_rules
from cxlib.text.features import featurise
from cxlib.text.sentiment_model import auto_sentiment
from tests.text.legacy import autocode as old_autocode
from tests.text.legacy import coding as old_coding
from tests.text.legacy import features as old_features
from tests.text.legacy import sentiment_model as old_sentiment

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "text"
DECOR = ["@AcmeHelp ", " https://t.co/x1Y2z", " &amp; more", " #NeverAgain", " 😡", " :(", " didn\u2019t help"]


def real_comments() -> pd.DataFrame:
    parts = []
    for name in ("banking77_subset.csv", "clinc150_cards.csv", "goemotions_sentiment.csv", "amazon_fine_food_1000.csv"):
        d = pd.read_csv(FIX / name)
        parts.append(pd.DataFrame({"ref": d["ref"].astype(str), "text": d["text"].astype(str)}))
    c = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(0)
    pick = rng.choice(len(c), len(c) // 10, replace=False)
    c.loc[pick, "text"] = [t + DECOR[i % len(DECOR)] if i % 2 else DECOR[i % len(DECOR)] + t
                           for i, t in zip(range(len(pick)), c.loc[pick, "text"])]
    dup = c.sample(500, random_state=1).assign(ref=lambda x: "dup-" + x["ref"])
    return pd.concat([c, dup], ignore_index=True)


@pytest.fixture(scope="module")
def comments():
    return real_comments()


@pytest.fixture(scope="module")
def banking_hand():
    cb = load_codebook(FIX / "banking77_codebook.yaml")
    d = pd.read_csv(FIX / "banking77_subset.csv")
    leaf = {t.id.split(".")[-1].lower(): t.id for t in cb.leaves()}
    pool = d[d["split"] == "pool"].sample(300, random_state=0)
    return cb, pd.DataFrame({"ref": pool["ref"], "theme": pool["label"].map(lambda x: leaf[x.lower()])})


def test_rule_matches_and_rule_codes_are_identical(comments):
    cb = starter_codebook()
    texts = comments["text"].tolist()
    assert match_rules(texts, cb) == old_coding.match_rules(texts, cb)
    pd.testing.assert_frame_equal(code_comments(comments, cb), old_coding.code_comments(comments, cb),
                                  check_exact=True)


def test_featurised_counts_are_identical(comments):
    cb = starter_codebook()
    new, old = featurise(comments["text"], codebook=cb), old_features.featurise(comments["text"], codebook=cb)
    assert np.array_equal(new.codes, old.codes) and new.texts == old.texts and new.rules == old.rules
    assert (new.counts != old.counts).nnz == 0
    assert np.array_equal(new.counts.indptr, old.counts.indptr) and np.array_equal(new.counts.indices, old.counts.indices)


@pytest.mark.slow  # ~8 s each: the previous implementation is the slow half
@pytest.mark.parametrize("which", ["banking", "starter"])
def test_auto_code_is_identical(comments, banking_hand, which):
    if which == "banking":
        cb, hand = banking_hand
    else:  # the starter codebook, hand codes = the rules' first theme on 300 comments (a stand-in consultant)
        cb = starter_codebook()
        sample = comments.sample(300, random_state=2)
        hand = old_coding.code_comments(sample, cb).drop_duplicates("comment_ref")[["comment_ref", "theme"]]
        hand = hand.rename(columns={"comment_ref": "ref"})
    new, old = auto_code(comments, cb, hand), old_autocode.auto_code(comments, cb, hand)
    for part in ("primary", "themes", "table"):
        pd.testing.assert_frame_equal(getattr(new, part), getattr(old, part), check_exact=True)
    assert new.notes == old.notes


@pytest.mark.parametrize("n_hand", [0, 300])
def test_auto_sentiment_is_identical(comments, n_hand):
    d = pd.read_csv(FIX / "goemotions_sentiment.csv")
    hand = d.sample(n_hand, random_state=0).rename(columns={"label": "sentiment"})[["ref", "sentiment"]] if n_hand else None
    new, old = auto_sentiment(comments, hand), old_sentiment.auto_sentiment(comments, hand)
    pd.testing.assert_frame_equal(new.table, old.table, check_exact=True)
    assert new.method == old.method
