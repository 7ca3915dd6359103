"""The social and reviews section on hand-made posts: a planted spike, a magnified theme, a quiet company.

The posts are made here with known effects, so each finding is checked against what was planted;
a client with only posts (no survey at all) and one with only star ratings still get the section.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlib.present import social_findings
from cxlib.report.context import ReportData
from cxlib.report.sections import ReportRun
from cxlib.report.sections.social import post_quotes, source_label

from .conftest import config, hand_data, relationship

CALM = ["Thanks for sorting my account out.", "The shop staff were friendly.", "App works fine for me.",
        "Quick delivery, happy with it.", "Good chat with support today.", "Renewed my plan without fuss."]
SPIKE = ["The network keeps dropping again, outage number three this week.",
         "The signal keeps dropping at home, I am so angry.",
         "Yet another outage tonight, the signal keeps dropping every evening."]
FEE = "They added a hidden fee to my bill."


def _posts(seed: int = 3, *, spike_day: int = 150, replies: bool = True, hostile: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    days = pd.date_range("2025-01-01", periods=200, freq="D")
    for d, day in enumerate(days):
        k = rng.poisson(4) + (40 if spike_day <= d < spike_day + 3 else 0)
        for j in range(k):
            in_spike = spike_day <= d < spike_day + 3 and j >= k - 40
            source = "x" if in_spike or rng.random() < 0.6 else "trustpilot"
            if in_spike:
                text = SPIKE[j % 3]
            else:
                text = FEE if rng.random() < 0.3 else CALM[int(rng.integers(len(CALM)))]
            answered = rng.random() < (0.1 if in_spike else 0.7)
            at = day + pd.Timedelta(hours=int(rng.integers(8, 20)))
            rows.append({"source": source, "posted_at": at, "text": text,
                         "stars": float(rng.integers(1, 6)) if source == "trustpilot" else np.nan,
                         "engagement": float(rng.integers(0, 40)) if source == "x" else np.nan,
                         "replied_at": at + pd.Timedelta(hours=3) if replies and answered and source == "x" else pd.NaT})
    m = pd.DataFrame(rows)
    if hostile:  # the first spike posts carry payloads no report may quote
        first = m.index[m["text"].isin(SPIKE)][:3]
        m.loc[first, "text"] = ["<script>alert(1)</script> the signal keeps dropping",
                                "Outage again file:///etc/passwd", "Outage \\input{/etc/passwd} tonight"]
        m.loc[m["text"] == SPIKE[0], "text"] = "The signal keeps dropping, outage again <img src=x onerror=alert(1)>"
    m.insert(0, "mention_id", [f"M{i:05d}" for i in range(len(m))])
    return m


def _survey(n: int = 400) -> pd.DataFrame:
    # the spike's theme is as common in the survey as in the posts (13 %): only the fee is magnified
    comments = [FEE if i % 20 == 0 else "The signal keeps dropping at home." if i % 8 == 1 else CALM[i % len(CALM)]
                for i in range(n)]
    return relationship([9 if i % 3 else 4 for i in range(n)], comment=comments)


@pytest.fixture(scope="module")
def result():
    data = hand_data(responses=_survey(), mentions=_posts())
    return ReportRun(data, theme=False).result("social")


def test_the_planted_spike_is_found_with_the_posts_behind_it(result):
    spike = result.finding("social_spike")
    assert spike.holds and "from 31 May to 2 Jun 2025" in spike.said and "mostly on X" in spike.said
    assert "Reliability" in spike.said
    row = result.spikes.iloc[0]
    assert row["start"] == pd.Timestamp("2025-05-31") and row["n_mentions"] >= 120 and row["ratio"] > 5
    quotes = result.spike_quotes
    assert len(quotes) >= 1 and quotes["quote"].str.contains("outage|dropping", case=False).all()
    assert quotes["quote"].is_unique


def test_the_magnified_theme_is_named_with_both_shares_and_intervals(result):
    f = result.finding("social_magnified")
    assert f.holds and "“Unexpected charges”" in f.said
    posts, comments = f.numbers
    # planted: 30 % of calm posts (about a quarter of all posts) against 5 % of comments
    assert 18 < posts.value < 32 and 3 < comments.value < 8 and posts.ci[0] > comments.ci[1]
    row = result.themes.set_index("theme").loc["billing.unexpected_charges"]
    assert bool(row["magnified"]) and row["ratio"] > 3


def test_the_company_goes_quiet_during_the_spike(result):
    f = result.finding("social_replies")
    assert "went quiet" in f.said
    spike = result.replies_in_spike.set_index("in_spike").loc[True]
    assert spike["response_rate"] < 0.25 and spike["diff_ci_high"] < 0
    # only sources whose export records replies are measured (trustpilot has none here)
    assert set(result.replies["source"]) == {"x"}


def test_stars_and_sentiment_carry_n_and_interval(result):
    stars = result.finding("social_stars")
    assert "Trustpilot" in stars.said and all(c.has_interval and c.n for c in stars.numbers)
    sentiment = result.finding("social_sentiment")
    assert sentiment.numbers[0].has_interval and sentiment.numbers[0].n == result.n_posts


def test_every_finding_holds_against_its_own_evidence(result):
    assert social_findings.problems(result.findings) == []
    # a finding whose evidence is changed after it was written is caught
    f = result.finding("social_magnified")
    tampered = f.evidence.assign(p_adjusted=0.5)
    broken = type(f)(f.kind, f.text, numbers=f.numbers, evidence=tampered, condition=f.condition, holds=True)
    assert social_findings.problems([broken])


def test_no_spike_no_magnified_theme_gives_the_honest_alternatives():
    calm = _posts(spike_day=10_000)
    calm["text"] = [CALM[i % len(CALM)] for i in range(len(calm))]
    data = hand_data(responses=_survey(), mentions=calm)
    res = ReportRun(data, theme=False).result("social")
    spike = res.finding("social_spike")
    assert not spike.holds and spike.said.startswith("Post volume stayed within its usual range")
    magnified = res.finding("social_magnified")
    assert magnified is None or not magnified.holds
    quiet = res.finding("social_replies")
    assert "went quiet" not in quiet.said
    assert social_findings.problems(res.findings) == []


def test_hostile_posts_behind_a_spike_are_never_quoted_and_the_page_is_escaped(shown):
    data = hand_data(responses=_survey(), mentions=_posts(hostile=True))
    run = ReportRun(data, theme=False)
    quotes = run.result("social").spike_quotes
    assert len(quotes) >= 1 and not quotes["quote"].str.contains("script|etc/passwd|input|onerror", case=False).any()
    run.show("social", audience="analyst")
    html = shown.html()
    assert "<script" not in html and "/etc/passwd" not in html


def test_post_quotes_drop_handles_and_duplicates():
    q = pd.DataFrame({"quote": ["@jo_smith123 The app keeps crashing", "The app keeps crashing! #fail @Acme",
                                "Billed twice [IBAN]"], "suppressed": False})
    assert post_quotes(q)["quote"].tolist() == ["The app keeps crashing"]


def _mentions_only(mentions: pd.DataFrame) -> ReportData:
    cfg = config(sources={"mentions": object()})
    ws = SimpleNamespace(config=cfg, codebook_path=None)
    return ReportData(ws=ws, audience="executive", labels={}, customers=None, interactions=None, responses=None,
                      relationship=None, transactional=None, mentions=mentions, self_assessment=None, period="")


def test_a_client_with_only_posts_gets_the_section(shown):
    run = ReportRun(_mentions_only(_posts()), theme=False)
    res = run.result("social")
    assert res.finding("social_spike").holds and res.finding("social_magnified") is None
    # the posts' own themes, with intervals, stand in for the comparison with the survey
    fee = res.themes.set_index("theme").loc["billing.unexpected_charges"]
    assert 0.18 < fee["share_posts"] < 0.32 and fee["posts_ci_low"] < fee["share_posts"] < fee["posts_ci_high"]
    run.show("social", audience="executive")
    assert shown.figures() >= 1 and "went quiet" not in shown.html()  # executives: spike, louder themes, tone
    shown.clear()
    run.show("social", audience="analyst")
    assert "went quiet" in shown.html()  # the public replies are the analyst's


def test_a_client_with_only_star_ratings_gets_the_section():
    stars = _posts()[["mention_id", "source", "posted_at", "stars"]]
    stars = stars[stars["stars"].notna()].reset_index(drop=True)
    res = ReportRun(_mentions_only(stars), theme=False).result("social")
    kinds = [f.kind for f in res.findings]
    assert "social_stars" in kinds and "social_sentiment" not in kinds and res.themes is None


def test_small_sources_are_suppressed():
    m = _posts()
    m.loc[m.index[:12], "source"] = "forum"  # 12 posts, below the minimum of 30
    res = ReportRun(hand_data(responses=_survey(), mentions=m), theme=False).result("social")
    forum = res.sentiment[res.sentiment["source"] == "forum"]
    assert forum["suppressed"].all() and forum["share"].isna().all()


def test_sources_read_as_people_name_them():
    assert [source_label(s) for s in ("x", "app_store", "complaint_form", "my_forum")] == \
        ["X", "App Store", "Complaint form", "My forum"]


def test_the_sentiment_chart_has_one_row_per_source():
    from cxlib.report.sections.social import _sentiment_wide

    rows = []
    for source, label, n in (("all", "All posts and reviews", 300), ("x", "X", 200), ("trustpilot", "Trustpilot", 100)):
        for sentiment, share in (("negative", 0.5), ("neutral", 0.2), ("positive", 0.3)):
            rows.append({"n": n, "sentiment": sentiment, "share": share, "source": source, "label": label})
    wide = _sentiment_wide(pd.DataFrame(rows))
    # not every source crossed with every label (a 9-row chart squeezed to nothing in print)
    assert wide["source"].tolist() == ["all", "trustpilot", "x"]  # all posts first, then by name
    assert wide[["negative", "neutral", "positive"]].sum(axis=1).round(6).tolist() == [100.0] * 3
