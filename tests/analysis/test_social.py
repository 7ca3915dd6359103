"""Social and reviews: known answers against scipy / statsmodels / hand computation, and the spike detector's behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from cxlib.analysis import social
from cxlib.errors import DataError


def _posts(counts, start="2025-01-01", source="x"):
    days = pd.date_range(start, periods=len(counts), freq="D")
    return pd.DataFrame({"posted_at": np.repeat(days, counts) + pd.Timedelta(hours=9), "source": source})


def test_volume_fills_empty_periods_and_splits_by_source():
    m = pd.concat([_posts([2, 0, 0, 1]), _posts([0, 3, 0, 0], source="trustpilot")], ignore_index=True)
    assert social.mention_volume(m)["n"].tolist() == [2, 3, 0, 1]
    by = social.mention_volume(m, by="source")
    assert by.query("source == 'trustpilot'")["n"].tolist() == [0, 3, 0, 0]
    weeks = social.mention_volume(_posts([1] * 14, start="2025-01-06"), grain="week")  # a Monday
    assert weeks["n"].tolist() == [7, 7] and weeks["period_start"].dt.weekday.eq(0).all()
    with pytest.raises(DataError, match="posted_at"):
        social.mention_volume(m.drop(columns="posted_at"))


def test_spike_detector_known_answer_and_p_value_is_the_poisson_tail():
    counts = [4, 3, 5, 4, 4, 3, 4, 5, 4, 3, 4, 4, 30, 18, 4, 3]
    res = social.detect_spikes(_posts(counts))
    t = res.table
    assert t["spike"].tolist() == [False] * 12 + [True, True] + [False, False]
    day = t.iloc[12]
    baseline = np.mean(counts[:12])
    high = sst.chi2.ppf(0.975, 2 * sum(counts[:12]) + 2) / (2 * 12)  # Garwood's upper limit of the rate
    assert day["baseline"] == baseline and day["baseline_high"] == pytest.approx(high, rel=1e-12)
    assert day["p_value"] == pytest.approx(sst.poisson.sf(29, high), rel=1e-9, abs=0)
    # the day after: its baseline leaves the flagged day out, so the burst does not hide its second day
    assert t.iloc[13]["baseline"] == pytest.approx(np.mean(counts[:12]))
    sp = res.spikes.iloc[0]
    assert (sp["start"], sp["end"], sp["n_mentions"], sp["peak_n"]) == (
        pd.Timestamp("2025-01-13"), pd.Timestamp("2025-01-14"), 48, 30)
    expected = baseline + np.mean(counts[:12])  # the second day's baseline leaves the first out
    assert sp["p_value"] == pytest.approx(sst.poisson.sf(47, expected), rel=1e-9, abs=0)
    assert len(res.posts) == 48 and set(res.posts["spike_id"]) == {1}
    assert "1 spike(s)" in res.summary()


def test_spike_detector_needs_history_count_and_ratio():
    # no history: a first busy day is not a spike
    assert not social.detect_spikes(_posts([20, 2, 2, 2, 2, 2, 2, 2])).table["spike"].any()
    # small absolute numbers never spike
    assert not social.detect_spikes(_posts([0] * 20 + [4])).table["spike"].any()
    # a busy day in a busy stream is not twice its level
    assert not social.detect_spikes(_posts([100] * 20 + [150])).table["spike"].any()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.floats(1.0, 20.0))
def test_a_steady_poisson_stream_rarely_spikes(seed, level):
    # measured on 300 simulated years of steady streams (levels 1-15 a day): 0.27 false days a year
    counts = np.random.default_rng(seed).poisson(level, 120)
    assert social.detect_spikes(_posts(counts)).table["spike"].sum() <= 1


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), level=st.floats(1.0, 10.0), at=st.integers(30, 100))
def test_a_planted_burst_is_found(seed, level, at):
    counts = np.random.default_rng(seed).poisson(level, 120)
    counts[0] = max(counts[0], 1)  # the range starts at the first post
    counts[at] += int(6 * level) + 15
    t = social.detect_spikes(_posts(counts)).table.set_index("period_start")
    day = pd.Timestamp("2025-01-01") + pd.Timedelta(days=at)
    assert bool(t.loc[day, "spike"]), t.loc[day]


def test_sentiment_share_wilson_and_labels_from_scores():
    m = pd.DataFrame({"source": ["x"] * 40 + ["forum"] * 10,
                      "sentiment": [-0.5] * 25 + [0.0] * 5 + [0.7] * 10 + ["positive"] * 10})
    with pytest.raises(DataError):
        social.sentiment_share(m)  # a column mixes scores and labels: refused, not guessed
    m["sentiment"] = social.sentiment_labels(pd.Series([-0.5] * 25 + [0.0] * 5 + [0.7] * 20))
    t = social.sentiment_share(m, min_n=1).set_index(["source", "sentiment"])
    assert t.loc[("x", "negative"), ["count", "share"]].tolist() == [25, 25 / 40]
    lo, hi = proportion_confint(25, 40, method="wilson")
    assert t.loc[("x", "negative"), ["ci_low", "ci_high"]].tolist() == pytest.approx([lo, hi])
    hidden = social.sentiment_share(m, min_n=30).set_index(["source", "sentiment"])
    assert hidden.loc["forum", "suppressed"].all() and hidden.loc["forum", "count"].isna().all()
    assert hidden.loc["x", "suppressed"].all()  # complementary: x alone would give forum away


def test_theme_magnification_against_statsmodels():
    posts = pd.DataFrame({"comment_ref": [f"p{i}" for i in range(200)],
                          "theme": ["price"] * 60 + ["staff"] * 20 + ["uncoded"] * 120})
    comments = pd.DataFrame({"comment_ref": [f"c{i}" for i in range(400)],
                             "theme": ["price"] * 40 + ["staff"] * 48 + ["uncoded"] * 312})
    t = social.theme_magnification(posts, comments, min_n=30).set_index("theme")
    price = t.loc["price"]
    assert (price["share_posts"], price["share_comments"], price["ratio"]) == pytest.approx((0.3, 0.1, 3.0))
    lo, hi = confint_proportions_2indep(60, 200, 40, 400, method="newcomb", compare="diff")
    assert [price["diff_ci_low"], price["diff_ci_high"]] == pytest.approx([lo, hi])
    assert price["p_value"] == pytest.approx(proportions_ztest([60, 40], [200, 400])[1])
    assert bool(price["magnified"]) and not bool(t.loc["staff", "magnified"])
    assert t.index[0] == "price"
    rare = social.theme_magnification(posts, comments, min_n=100).set_index("theme")
    assert bool(rare.loc["staff", "suppressed"]) and np.isnan(rare.loc["staff", "share_posts"])


def test_response_rate_and_time_with_order_statistic_interval():
    hours = np.arange(1, 21, dtype=float)  # 20 replies after 1..20 hours
    posted = pd.Timestamp("2025-03-01 08:00")
    m = pd.DataFrame({"source": "x", "posted_at": [posted] * 25,
                      "replied_at": [posted + pd.Timedelta(hours=h) for h in hours] + [pd.NaT] * 5})
    t = social.response_performance(m, min_n=1).iloc[0]
    assert (t["n"], t["n_replied"], t["response_rate"]) == (25, 20, 0.8)
    assert t[["rate_ci_low", "rate_ci_high"]].tolist() == pytest.approx(list(proportion_confint(20, 25, method="wilson")))
    # median 10.5; 95 % order-statistic interval of the median for n = 20 is [x(6), x(15)] (Conover 1999, table A3)
    assert (t["median_hours"], t["hours_ci_low"], t["hours_ci_high"]) == (10.5, 6.0, 15.0)
    assert t["share_within"] == 1.0
    with pytest.raises(DataError, match="replied_at"):
        social.response_performance(m.drop(columns="replied_at"))


def test_engagement_and_stars_with_t_intervals():
    rng = np.random.default_rng(1)
    eng = rng.lognormal(1, 1, 50)
    m = pd.DataFrame({"source": ["x"] * 50 + ["trustpilot"] * 40, "engagement": list(eng) + [np.nan] * 40,
                      "stars": [np.nan] * 50 + [1] * 10 + [2] * 10 + [4] * 10 + [5] * 10})
    t = social.engagement_summary(m, min_n=30).set_index(["source", "measure"])
    e = t.loc[("x", "engagement")]
    lo, hi = sst.t.interval(0.95, 49, loc=eng.mean(), scale=sst.sem(eng))
    assert (e["n"], e["total"], e["median"]) == (50, pytest.approx(eng.sum()), pytest.approx(np.median(eng)))
    assert [e["ci_low"], e["ci_high"]] == pytest.approx([lo, hi])
    s = t.loc[("trustpilot", "stars")]
    assert (s["mean"], s["share_low"]) == (3.0, 0.5)
    assert social.engagement_summary(m.drop(columns=["engagement", "stars"])).empty
