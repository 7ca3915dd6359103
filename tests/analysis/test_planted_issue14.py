"""The analyses of issue 14 recover what the demo generator planted (planted.yaml), for every demo client.

Demo clients at 1,500 customers, seed 11 (tests/conftest.py); each effect sits on different
touchpoints, departments, themes and sources per client, so nothing is hard-coded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib import text
from cxlib.analysis import benchmark, social, stats
from cxlib.analysis.journey import customer_outcomes, departments, friction, journey_index, journey_map
from cxlib.analysis.journey.outcomes import QUADRANTS, good_touchpoints_poor_journey
from cxlib.analysis.owners import owner_scorecard


@pytest.fixture
def client(planted_client):
    return planted_client


def test_the_social_spike_around_the_incident_is_found(client):
    ws, planted = client
    p = planted["social_spike"]
    res = social.detect_spikes(ws.mentions)
    start = pd.Timestamp(p["start"])
    hit = res.spikes[(res.spikes["start"] >= start) & (res.spikes["start"] <= start + pd.Timedelta(days=p["days"] - 1))]
    assert len(hit) == 1, res.summary()
    spike = hit.iloc[0]
    assert spike["top_source"] == p["source"] and spike["ratio"] > 3 and spike["p_value"] < 1e-3
    posts = res.posts[res.posts["spike_id"] == spike["spike_id"]]
    assert len(posts) >= 0.6 * p["n_posts"]
    # no other spike stands out in the year
    assert len(res.spikes) <= 2, res.summary()


def test_the_company_is_slower_to_answer_in_the_incident(client):
    ws, planted = client
    res = social.detect_spikes(ws.mentions)
    m = ws.mentions.assign(in_spike=ws.mentions["mention_id"].isin(res.posts["mention_id"]))
    m = m[m["source"].isin(["x", "facebook", "instagram", "forum"]).to_numpy(bool)]
    t = social.response_performance(m, by="in_spike", min_n=5).set_index("in_spike")
    spike, rest = t.loc[True], t.loc[False]
    assert spike["response_rate"] < rest["response_rate"] - 0.2, t
    test = stats.two_proportion_test(rest["n_replied"], rest["n"], spike["n_replied"], spike["n"])
    assert test["p_value"] < 0.01 and test["ci_high"] < 0


def test_the_theme_magnified_on_social_is_found(client):
    ws, planted = client
    p = planted["magnified_theme"]
    codebook = text.load_codebook(ws.codebook_path)
    posts = text.code_comments(ws.mentions, codebook, text="text", ref="mention_id")
    comments = text.code_comments(ws.responses, codebook)
    t = social.theme_magnification(posts, comments, min_n=ws.config.min_n).set_index("theme")
    row = t.loc[p["theme"]]
    assert bool(row["magnified"]), t.head()
    assert row["ratio"] > 2 and row["diff_ci_low"] > 0
    assert p["theme"] in t.sort_values("difference", ascending=False).index[:3]


def test_the_department_handoff_problem_is_found(client):
    ws, planted = client
    p = planted["handoff_problem"]
    t = departments.handoff_pair_outcomes(ws.interactions, ws.responses, min_n=ws.config.min_n)
    top = t.iloc[0]
    assert (top["from_department"], top["to_department"]) == (p["from_department"], p["to_department"]), t.head()
    assert bool(top["problem"]) and top["asked_diff_ci_low"] > 0.1
    assert t["problem"].sum() == 1, t[t["problem"]]


def test_the_owner_with_the_large_promise_gap_is_found(client):
    ws, planted = client
    p = planted["owner_promise_gap"]
    card = owner_scorecard(ws.responses, ws.self_assessment, ws.interactions, min_n=ws.config.min_n)
    top = card.owners.iloc[0]
    assert top["owner"] == p["owner"] and top["worst_gap_touchpoint"] in p["touchpoints"], card.summary()
    assert top["worst_gap_significant"] and top["worst_gap_ci_low"] > 80
    assert top["worst_gap_ci_low"] > card.owners["worst_gap_ci_high"].iloc[1:].max()


def test_the_competitors_are_benchmarked(client):
    ws, planted = client
    p = planted.get("benchmark")
    if p is None:
        pytest.skip(f"{ws.name} has no competitor data (only bluebird-retail)")
    others = pd.read_csv(ws.planted_path.parent / p["file"], parse_dates=["answered_at"])
    own = ws.responses[ws.responses["survey"] == "relationship"].assign(company=p["client"])
    res = benchmark.benchmark(pd.concat([own, others], ignore_index=True), client=p["client"],
                              min_n=ws.config.min_n)
    t = res.table.set_index("company")
    for name, c in p["competitors"].items():
        assert t.loc[name, "n"] == c["n"] and t.loc[name, "score"] == pytest.approx(c["nps"], abs=0.05)
    best = max(p["competitors"], key=lambda c: p["competitors"][c]["nps"])
    worst = min(p["competitors"], key=lambda c: p["competitors"][c]["nps"])
    assert t.loc[best, "significant"] and t.loc[best, "gap_ci_high"] < 0  # the client trails the best
    assert t.loc[worst, "significant"] and t.loc[worst, "gap_ci_low"] > 0
    assert res.client_rank == 2


def test_good_touchpoints_poor_journey_customers_are_the_planted_ones(client):
    ws, planted = client
    ids = set(planted["good_touchpoints_poor_journey"]["customer_ids"])
    idx = journey_index(ws.interactions, ws.responses)
    res = good_touchpoints_poor_journey(idx, customer_outcomes(ws.customers, ws.responses),
                                        friction.customer_friction(ws.interactions), min_n=ws.config.min_n)
    c = res.customers.assign(planted=res.customers["customer_id"].isin(ids))
    share = c.groupby("planted")["quadrant"].apply(lambda q: (q == QUADRANTS[0]).mean())
    assert share[True] > 3 * share[False], share
    t = res.table.set_index("quadrant")
    g, good = t.loc[QUADRANTS[0]], t.loc["both good"]
    assert g["churn_ci_low"] > good["churn_ci_high"]  # what happened to them: they left
    assert g["friction_per_customer"] > 3 * good["friction_per_customer"]


def test_the_journey_map_puts_the_planted_friction_where_it_was(client):
    ws, planted = client
    t = journey_map(ws.interactions, ws.responses, ws.customers, channel=True, min_n=ws.config.min_n)
    shown = t[~t["suppressed"]]
    worst_asked = shown.sort_values("asked_again_rate", ascending=False).iloc[0]
    assert worst_asked["channel"] == planted["repeated_info"]["channel"]
    inc = planted["channel_inconsistency"]
    cells = shown[shown["touchpoint"] == inc["touchpoint"]].dropna(subset=["rating"])
    assert cells.sort_values("rating").iloc[0]["channel"] == inc["channel"]
    assert t["matters"].any() and t.loc[t["matters"], "churn_ci_low"].gt(0).all()
    ranked = t.dropna(subset=["rank"])
    assert ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
