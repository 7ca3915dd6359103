"""Sentiment (VADER), theme frequency with suppression, concentration, and theme impact on NPS."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from cxlib.text.codebook import codebook_from_dict, starter_codebook
from cxlib.text.coding import code_comments
from cxlib.text.sentiment import comment_sentiment, mention_sentiment, net_sentiment, sentence_bounds
from cxlib.text.themes import comment_context, theme_concentration, theme_frequency, theme_impact

SIA = SentimentIntensityAnalyzer()


def test_comment_sentiment_equals_vader():
    texts = ["Brilliant, quick and friendly!", "Terrible. I waited for hours.", "It is a router.", "Great app. Awful bill."]
    df = pd.DataFrame({"response_id": list("abcd"), "comment": texts})
    out = comment_sentiment(df)
    assert out["compound"].tolist() == pytest.approx([SIA.polarity_scores(t)["compound"] for t in texts])
    assert out["label"].tolist()[:3] == ["positive", "negative", "neutral"]


def test_mention_sentiment_uses_the_evidence_sentence():
    cb = starter_codebook()
    df = pd.DataFrame({"response_id": ["a"], "comment": ["Staff were lovely and so helpful. But my bill went up by 20 pounds, a disgrace!"]})
    m = mention_sentiment(code_comments(df, cb), df).set_index("theme")
    assert m.loc["billing.unexpected_charges", "sentence"] == "But my bill went up by 20 pounds, a disgrace!"
    assert m.loc["billing.unexpected_charges", "compound"] == pytest.approx(
        SIA.polarity_scores("But my bill went up by 20 pounds, a disgrace!")["compound"])
    assert m.loc["staff.helpful_staff", "label"] == "positive"
    assert m.loc["billing.unexpected_charges", "label"] == "negative"


def test_sentence_bounds():
    t = "One. Two two! Three"
    assert t[slice(*sentence_bounds(t, 5, 8))] == "Two two!"
    assert t[slice(*sentence_bounds(t, 14, 19))] == "Three"


def test_net_sentiment_hand_computed():
    m = pd.DataFrame({"comment_ref": list("abcde"), "theme": ["x", "x", "x", "x", "y"],
                      "label": ["positive", "negative", "negative", "neutral", "positive"],
                      "compound": [0.5, -0.5, -0.7, 0.0, 0.9]})
    out = net_sentiment(m).set_index("theme")
    assert out.loc["x", "net_sentiment"] == pytest.approx(25 - 50)
    assert out.loc["x", "n_mentions"] == 4 and out.loc["y", "net_sentiment"] == pytest.approx(100)


CB = codebook_from_dict({"themes": [{"id": "bill", "include": ["bill"]}, {"id": "wait", "include": ["wait*"]},
                                    {"id": "kind", "include": ["kind staff"]}]})


def _synthetic(n=400, seed=1):
    rng = np.random.default_rng(seed)
    seg = rng.choice(["consumer", "smb", "tiny"], size=n, p=[0.6, 0.37, 0.03])
    bill = rng.random(n) < np.where(seg == "smb", 0.5, 0.1)
    wait = rng.random(n) < 0.3
    kind = rng.random(n) < 0.2
    comments = [" ".join(w for w, f in (("the bill", b), ("long wait", w_), ("kind staff", k)) if f) or "nothing"
                for b, w_, k in zip(bill, wait, kind)]
    nps = np.clip(np.round(8 - 3 * bill - 1.5 * wait + 1.0 * kind + rng.normal(0, 1.5, n)), 0, 10).astype(int)
    resp = pd.DataFrame({"response_id": [f"r{i}" for i in range(n)], "customer_id": [f"c{i}" for i in range(n)],
                         "comment": comments, "nps": nps,
                         "answered_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 360, n), "D")})
    cust = pd.DataFrame({"customer_id": resp["customer_id"], "segment": seg})
    return resp, cust, bill, wait, kind


def test_theme_frequency_counts_and_min_n_suppression():
    resp, cust, bill, *_ = _synthetic()
    coded = code_comments(resp, CB)
    ctx = comment_context(resp, customers=cust)
    f = theme_frequency(coded, ctx, by="segment", codebook=CB, min_n=30)
    seg = cust["segment"].to_numpy()
    smb = f[(f["segment"] == "smb") & (f["theme"] == "bill")].iloc[0]
    assert smb["n"] == (seg == "smb").sum()
    assert smb["n_mentions"] == (bill & (seg == "smb")).sum()
    assert smb["pct"] == pytest.approx(100 * smb["n_mentions"] / smb["n"])
    tiny = f[f["segment"] == "tiny"]
    assert tiny["suppressed"].all() and tiny["pct"].isna().all() and tiny["n_mentions"].isna().all()
    assert (tiny["n"] == (seg == "tiny").sum()).all() and tiny["label"].notna().all()
    assert set(f["theme"]) == {"bill", "wait", "kind"}
    conc = theme_concentration(f, by="segment").set_index("theme")
    assert conc.loc["bill", "top_group"] == "smb" and conc.loc["bill", "lift"] > 2 and conc.loc["bill", "p_value"] < 1e-6


def test_theme_frequency_with_sentiment_and_period():
    resp, cust, *_ = _synthetic()
    coded = code_comments(resp, CB)
    m = mention_sentiment(coded, resp)
    f = theme_frequency(coded, comment_context(resp), by="period", mentions=m, min_n=10)
    assert {"mean_sentiment", "net_sentiment"} <= set(f.columns)
    assert set(f["period"]) == {"2025Q1", "2025Q2", "2025Q3", "2025Q4"}
    overall = theme_frequency(coded, comment_context(resp), min_n=10)
    assert overall["n"].unique().tolist() == [len(resp)]


def test_theme_impact_matches_statsmodels_and_nps_without():
    resp, cust, bill, wait, kind = _synthetic()
    coded = code_comments(resp, CB)
    res = theme_impact(coded, resp, min_n=30)
    nps = resp["nps"].to_numpy()
    y = np.where(nps >= 9, 100.0, np.where(nps <= 6, -100.0, 0.0))
    x = sm.add_constant(np.column_stack([bill, kind, wait]).astype(float))
    ref = sm.OLS(y, x).fit(cov_type="HC3")
    t = res.table.set_index("theme")
    for j, th in enumerate(["bill", "kind", "wait"], start=1):
        assert t.loc[th, "coef"] == pytest.approx(ref.params[j])
        assert t.loc[th, "ci_low"] == pytest.approx(ref.conf_int()[j, 0])
    def nps_of(s):
        return 100 * ((s >= 9).mean() - (s <= 6).mean())
    assert t.loc["bill", "nps_without"] == pytest.approx(nps_of(nps[~bill]))
    assert t.loc["bill", "nps_gain_if_absent"] == pytest.approx(nps_of(nps[~bill]) - nps_of(nps))
    assert res.table["theme"].iloc[0] == "bill"  # the costliest complaint first
    assert t.loc["bill", "ci_high"] < 0 < t.loc["kind", "ci_low"]
    assert "HC3" in res.summary()


def test_theme_impact_suppresses_rare_themes():
    resp, *_ = _synthetic()
    resp.loc[:4, "comment"] = "so much waiting and a bill and kind staff and a refund"
    cb = codebook_from_dict({"themes": [{"id": "bill", "include": ["bill"]}, {"id": "refund", "include": ["refund"]}]})
    t = theme_impact(code_comments(resp, cb), resp, min_n=30).table.set_index("theme")
    assert t.loc["refund", "suppressed"] and np.isnan(t.loc["refund", "coef"]) and np.isnan(t.loc["refund", "nps_without"])
    assert t.loc["refund", "n_mentions"] == 5
