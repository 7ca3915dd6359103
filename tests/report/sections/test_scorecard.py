"""Touchpoint scorecard: CSAT top-2-box and CES per touchpoint and channel, intervals against scipy/statsmodels,
suppression, quarterly trend, and a "lowest" claim that is never made against its evidence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from cxlib.report.sections import ReportRun, section
from cxlib.report.sections.scorecard import compute

from .conftest import hand_data, relationship

#: touchpoint -> (channel, quarter date, csat, ces) rows
SPEC = {
    "billing": [("web", "2025-02-10", 5, 2)] * 5 + [("web", "2025-02-11", 2, 4)] * 35
               + [("phone", "2025-05-10", 5, 2)] * 10 + [("phone", "2025-05-11", 2, 4)] * 30,   # 18.75 % CSAT
    "app": [("app", "2025-02-12", 4, 6)] * 45 + [("app", "2025-05-12", 1, 5)] * 35,               # 56.25 %
    "store": [("store", "2025-02-13", 3, 3)] * 10,                                                # below min_n
    "web": [("web", "2025-02-14", 5, 7)] * 35,                                                    # hidden with store
}


def scorecard_data(spec=SPEC, **kw):
    rows = [(tp, *r) for tp, rs in spec.items() for r in rs]
    n = len(rows)
    ids = [f"I{i:04d}" for i in range(n)]
    interactions = pd.DataFrame({"interaction_id": ids, "customer_id": [f"C{i:04d}" for i in range(n)],
                                 "occurred_at": pd.to_datetime([r[2] for r in rows]), "stage": "use",
                                 "channel": [r[1] for r in rows], "touchpoint": [r[0] for r in rows]})
    transactional = pd.DataFrame({"response_id": [f"T{i:04d}" for i in range(n)], "customer_id": interactions["customer_id"],
                                  "interaction_id": ids, "answered_at": interactions["occurred_at"], "survey": "transactional",
                                  "nps": pd.array([pd.NA] * n, dtype="Int64"), "csat": [r[3] for r in rows],
                                  "ces": [r[4] for r in rows]})
    responses = pd.concat([relationship([9] * 5), transactional], ignore_index=True)
    return hand_data(responses=responses, interactions=interactions, **kw)


@pytest.fixture(scope="module")
def result():
    return compute(scorecard_data())


def test_csat_and_ces_per_touchpoint_match_independent_references(result):
    t = result.by_touchpoint.set_index("touchpoint")
    assert t.loc["billing", "csat"] == pytest.approx(18.75) and t.loc["app", "csat"] == pytest.approx(56.25)
    low, high = proportion_confint(15, 80, alpha=0.05, method="wilson")
    assert (t.loc["billing", "csat_low"], t.loc["billing", "csat_high"]) == pytest.approx((100 * low, 100 * high))
    ces = np.array([2] * 15 + [4] * 65, dtype=float)
    assert t.loc["billing", "ces"] == pytest.approx(3.625)
    ci = sps.t.interval(0.95, df=79, loc=ces.mean(), scale=ces.std(ddof=1) / np.sqrt(80))
    assert (t.loc["billing", "ces_low"], t.loc["billing", "ces_high"]) == pytest.approx(ci)
    assert t.loc["billing", "touchpoint_label"] == "Billing" and t.loc["billing", "n"] == 80
    assert list(result.by_touchpoint["touchpoint"][:2]) == ["billing", "app"]  # lowest CSAT first


def test_small_groups_are_suppressed_with_their_complement(result):
    t = result.by_touchpoint.set_index("touchpoint")
    assert bool(t.loc["store", "suppressed"]) and np.isnan(t.loc["store", "csat"])  # 10 < 30
    assert bool(t.loc["web", "suppressed"]) and np.isnan(t.loc["web", "csat"])       # else total - others = store
    overall = result.overall.iloc[0]
    assert overall["csat_n"] == 205 and overall["csat"] == pytest.approx(100 * 95 / 205)


def test_channels_and_quarters(result):
    c = result.by_channel.set_index(["touchpoint", "channel"])
    assert c.loc[("billing", "web"), "csat"] == pytest.approx(12.5)
    assert c.loc[("billing", "phone"), "csat"] == pytest.approx(25.0)
    q = result.trend.set_index(["touchpoint", "quarter"])
    assert q.loc[("billing", "2025Q2"), "csat_change"] == pytest.approx(12.5)
    assert bool(q.loc[("store", "2025Q1"), "suppressed"]) and bool(q.loc[("web", "2025Q1"), "suppressed"])
    assert result.quiet == ("Store", "Website")  # never shown by quarter: named in the note instead
    assert list(dict.fromkeys(result.trend["touchpoint"])) == list(result.by_touchpoint["touchpoint"])
    assert q.loc[("app", "2025Q2"), "csat_change"] == pytest.approx(-100.0)  # 100 % then 0 %
    assert q.loc[("app", "2025Q2"), "csat_p"] < 0.05


def test_findings_name_the_lowest_touchpoint_and_the_significant_change(result):
    lowest = result.finding("lowest_csat")
    assert lowest.holds and lowest.said.startswith("Billing scores lowest on CSAT")
    worst, whole = lowest.numbers
    assert worst.value == pytest.approx(18.75) and worst.n == 80 and worst.ci[1] < whole.ci[0]
    change = result.finding("csat_changes").said
    assert "App in 2025Q2 (−100 points)" in change and "Billing" not in change


def test_no_lowest_claim_when_the_intervals_overlap():
    even = {tp: [("web", "2025-02-10", 5, 5)] * 20 + [("web", "2025-02-11", 2, 3)] * 20 for tp in ("billing", "app")}
    finding = compute(scorecard_data(even)).finding("lowest_csat")
    assert not finding.holds and finding.said.startswith("No touchpoint's CSAT stands clearly below")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=4))
def test_the_lowest_claim_is_never_made_against_its_evidence(tops):
    spec = {f"tp{i}": [("web", "2025-02-10", 5, 6)] * k + [("web", "2025-02-10", 1, 2)] * (40 - k)
            for i, k in enumerate(tops)}
    finding = compute(scorecard_data(spec, labels={})).finding("lowest_csat")
    worst, whole = finding.numbers
    assert finding.holds == (worst.ci[1] < whole.ci[0])
    assert worst.value == pytest.approx(100 * min(tops) / 40)
    if not finding.holds:
        assert "lowest" not in finding.said


def test_scorecard_without_ces_or_without_a_link_to_touchpoints(shown):
    data = scorecard_data()
    no_ces = dataclasses.replace(data, responses=data.responses.assign(ces=pd.NA),
                                 transactional=data.transactional.assign(ces=pd.NA))
    run = ReportRun(no_ces, theme=False)
    run.show("scorecard", audience="analyst")
    html = shown.html()
    assert "not available" not in html and "Touchpoint scorecard by channel" in html  # CES listed once, in About the data
    assert any(x.startswith("CES: not available") for x in run.unavailable())
    assert run.result("scorecard").finding("lowest_ces") is None
    shown.clear()
    survey_only = hand_data(responses=relationship([9] * 40).assign(csat=4, ces=5))
    ReportRun(survey_only, theme=False).show("scorecard", audience="executive")
    assert len(shown) == 1 and shown[0][1]  # not for executives, and no interaction log: nothing visible


def test_scorecard_is_an_analyst_section_after_the_group_scores():
    spec = section("scorecard")
    assert spec.audiences == ("analyst",) and spec.title == "Touchpoint scorecard"
    assert section("scores_by_group").order < spec.order < section("consistency").order
