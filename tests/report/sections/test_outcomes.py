"""The headline, the key drivers and the voice section for clients without NPS, small surveys and posts only.

Every number is checked against a hand computation (numpy, statsmodels' Wilson interval, scipy's t).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st
from statsmodels.stats.proportion import proportion_confint

from cxlib.report.sections import ReportRun
from cxlib.report.sections.base import lacking, needs_text, unavailable_text
from cxlib.report.sections.headline import outcome_score
from cxlib.report.sections.registry import coverage

from .conftest import hand_data, relationship


def _answers(n: int, seed: int = 5, **columns) -> pd.DataFrame:
    frame = relationship([pd.NA] * n, **columns)
    frame["nps"] = pd.array([pd.NA] * n, dtype="Int64")
    return frame


def test_satisfied_share_with_wilson_interval():
    rng = np.random.default_rng(1)
    yes = rng.random(90) < 0.62
    frame = _answers(90, satisfied=pd.array(yes, dtype="boolean"))
    row = outcome_score(frame, "satisfied", min_n=30).iloc[0]
    low, high = proportion_confint(yes.sum(), 90, method="wilson")
    assert row["n"] == 90 and row["score"] == pytest.approx(100 * yes.mean())
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(100 * low), pytest.approx(100 * high))
    assert row["unit"] == "% satisfied" and row["text"].endswith("%") and not row["low_base"]


def test_stars_mean_with_t_interval_and_csat_top2_box():
    stars = np.array([5, 4, 4, 2, 5, 3, 1, 5, 4, 4, 5, 3])
    frame = _answers(len(stars), stars=stars, csat=stars)
    row = outcome_score(frame, "stars", min_n=30).iloc[0]
    half = st.t.ppf(0.975, len(stars) - 1) * stars.std(ddof=1) / np.sqrt(len(stars))
    assert row["score"] == pytest.approx(stars.mean())
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(stars.mean() - half), pytest.approx(stars.mean() + half))
    assert bool(row["low_base"])  # 12 answers, below the minimum of 30: still given, flagged
    csat = outcome_score(frame, "csat", min_n=30).iloc[0]
    assert csat["score"] == pytest.approx(100 * (stars >= 4).mean())


def test_a_further_recommend_question_is_an_nps():
    x = np.array([10, 9, 9, 7, 3, 0, 8, 10])
    row = outcome_score(_answers(len(x), nps_app=x), "nps_app", min_n=1).iloc[0]
    assert row["score"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    assert row["label"] == "NPS (app)"


def test_small_survey_shows_the_clients_own_score_with_a_low_base_warning(shown):
    x = [10, 9, 9, 8, 7, 3, 10, 6, 9, 10, 2, 9, 10, 8, 9, 10, 9, 7, 10, 5, 9, 10, 4, 9]  # 24 answers
    data = hand_data(responses=relationship(x))
    run = ReportRun(data, theme=False)
    result = run.result("headline")
    expected = 100 * (np.mean(np.array(x) >= 9) - np.mean(np.array(x) <= 6))
    assert result.nps["nps"].iloc[0] == pytest.approx(expected) and not bool(result.nps["suppressed"].iloc[0])
    assert any("Low base: only 24 answers" in n.text for n in result.notes)
    run.show("headline", audience="executive")
    html = shown.html()
    assert "insufficient responses" not in html and "Low base" in html


def test_headline_and_drivers_report_the_outcome_client_yaml_chooses():
    rng = np.random.default_rng(7)
    n = 200
    billing = rng.integers(1, 6, n)
    app = rng.integers(1, 6, n)
    sat = pd.array(rng.random(n) < (billing / 6), dtype="boolean")
    frame = _answers(n, satisfied=sat, rating_billing=billing, rating_app=app)
    data = dataclasses.replace(hand_data(responses=frame), outcome="satisfied")
    run = ReportRun(data, theme=False)
    head = run.result("headline")
    assert head.outcome == "satisfied" and head.nps is None
    assert head.finding("outcome_level").numbers[0].value == pytest.approx(100 * np.mean(np.asarray(sat, bool)))
    drv = run.result("drivers")
    assert drv.outcome == "satisfied" and drv.model_kind == "logit"  # a yes/no outcome: logistic regression
    assert drv.table.sort_values("rank")["driver"].iloc[0] == "billing"  # planted: satisfaction follows billing
    assert "satisfied share" in drv.caption


def test_a_client_with_only_posts_gets_a_headline_and_coded_posts(shown):
    texts = ["The delivery was late again and nobody called back", "Great staff, thank you!",
             "Refund still not processed after three weeks", "App keeps crashing at login"] * 15
    mentions = pd.DataFrame({"mention_id": [f"m{i}" for i in range(len(texts))],
                             "source": ["twitter"] * 40 + ["reviews"] * 20,
                             "posted_at": pd.to_datetime("2025-01-01") + pd.to_timedelta(range(len(texts)), unit="D"),
                             "text": texts, "stars": pd.array([pd.NA] * len(texts), dtype="Int64")})
    base = hand_data(responses=relationship([9]), mentions=mentions)
    data = dataclasses.replace(base, responses=None, relationship=None, transactional=None)
    run = ReportRun(data, theme=False)
    head = run.result("headline")
    assert head.score is None and head.volume.set_index("source")["n"].to_dict() == {"twitter": 40, "reviews": 20}
    assert head.finding("volume").numbers[0].value == 60
    assert run.missing("voice") == {} and run.missing("drivers")  # posts are coded; no survey, no drivers
    voice = run.result("voice")
    assert voice.frequency is not None and voice.contrast is None
    for section in ("headline", "voice", "basis"):
        run.show(section, audience="executive")
    html = shown.html()
    assert "60 posts, reviews or complaints" in html and "60 posts" in html.replace(",", "")


def test_reviews_only_stars_are_the_headline():
    stars = np.array([5, 4, 1, 5, 3, 4, 5, 2])
    mentions = pd.DataFrame({"mention_id": [f"r{i}" for i in range(len(stars))], "source": "google_play",
                             "posted_at": pd.NaT, "text": "fine", "stars": stars})
    base = hand_data(responses=relationship([9]), mentions=mentions)
    data = dataclasses.replace(base, responses=None, relationship=None, transactional=None, outcome="stars")
    head = ReportRun(data, theme=False).result("headline")
    assert head.outcome == "stars" and head.score["label"].iloc[0] == "Average star rating (1-5) of reviews"
    assert head.score["score"].iloc[0] == pytest.approx(stars.mean())


def test_either_table_needs():
    posts = pd.DataFrame({"text": ["a"]})
    assert lacking({"responses": None, "mentions": posts}, {"responses|mentions": ("comment|text",)}) == {}
    missing = lacking({"responses": None, "mentions": None}, {"responses|mentions": ()})
    assert missing == {"responses|mentions": ()}
    assert "no survey export or social posts or reviews" in unavailable_text(
        "Headline", missing, {"responses": None, "mentions": None}, "")
    assert needs_text({"responses|mentions": ("comment|text",)}) == "responses or mentions (comment or text)"
    from types import SimpleNamespace

    table = coverage(SimpleNamespace(sources={"mentions": object()})).set_index("section")
    assert table.loc["Voice of the customer", "status"] == "partial"  # runs on the posts; by segment needs a CRM
    assert table.loc["What drives NPS, and what to fix first", "status"] == "missing"


def test_a_survey_without_any_score_is_counted_in_the_answer(shown):
    """A form with only choices and comments (Google Forms, SurveyMonkey): no score is invented, the count is said."""
    frame = _answers(42)
    data = dataclasses.replace(hand_data(responses=frame), outcome=None)
    run = ReportRun(data, theme=False)
    head = run.result("headline")
    assert head.score is None and head.cards == ()
    assert [f.kind for f in head.answer][-1] == "responses"
    run.show("headline", audience="executive")
    assert "42 survey responses" in shown.html() and "no score to report" in shown.html()
