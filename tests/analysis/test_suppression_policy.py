"""One suppression policy for every grouped table: property tests (hypothesis) on random small data.

For every function that returns a grouped table, on random data with groups of every size:

1. every non-empty group below ``min_n`` is flagged and shows no value (primary suppression);
2. no partition of the table (one grouping column within the others) has exactly one hidden
   non-empty group next to a shown non-empty group: it could be derived as total minus the
   others (complementary suppression);
3. the default ``min_n`` is the client.yaml default, 30, so suppression is on unless a caller
   opts out.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.analysis import benchmark, churn, gap, metrics, owners, social, stats
from cxlib.analysis.journey import consistency, departments, friction, lifecycle, paths, summarise_index, journey_index
from cxlib.analysis.journey import customer_outcomes, journey_map, journey_paths, outcomes, path_outcomes

STAGES = ["buy", "use", "support"]


def _s(values):
    return pd.array(values, dtype="string")


def make_data(seed: int, n_customers: int):
    """Customers, interactions and responses with deliberately uneven group sizes."""
    rng = np.random.default_rng(seed)
    seg_p = rng.dirichlet([0.6] * 4)
    cust = pd.DataFrame({
        "customer_id": _s([f"c{i:03d}" for i in range(n_customers)]),
        "segment": _s(rng.choice(["a", "b", "c", "d"], n_customers, p=seg_p)),
        "region": _s(rng.choice(["n", "s", "e"], n_customers, p=rng.dirichlet([0.7] * 3))),
        "acquired_on": pd.Timestamp("2024-06-01") + pd.to_timedelta(rng.integers(0, 300, n_customers), unit="D"),
        "annual_value": rng.lognormal(5, 1, n_customers),
        "churned": pd.array(rng.random(n_customers) < 0.3, dtype="boolean"),
    })
    m = n_customers * 5
    who = rng.integers(0, n_customers, m)
    ch_p = rng.dirichlet([0.5] * 4)
    inter = pd.DataFrame({
        "interaction_id": _s([f"i{j:05d}" for j in range(m)]),
        "customer_id": cust["customer_id"].to_numpy()[who],
        "occurred_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 360, m), unit="D"),
        "stage": _s(rng.choice(STAGES, m, p=rng.dirichlet([0.8] * 3))),
        "channel": _s(rng.choice(["phone", "web", "chat", "store"], m, p=ch_p)),
        "touchpoint": _s(rng.choice(["billing", "support_call", "app"], m)),
        "department": _s(rng.choice(["care", "finance", "tech"], m, p=rng.dirichlet([0.7] * 3))),
        "case_id": _s(np.where(rng.random(m) < 0.6, np.char.add("k", (who * 3 + rng.integers(0, 3, m)).astype(str)),
                               None)),
        "resolved": pd.array(rng.random(m) < 0.7, dtype="boolean"),
        "wait_minutes": rng.exponential(1500, m),
        "asked_known_info": pd.array(rng.random(m) < 0.25, dtype="boolean"),
        "updates_sent": pd.array(rng.integers(0, 2, m), dtype="Int64"),
    })
    rated = rng.random(m) < 0.6
    k = int(rated.sum())
    tx = pd.DataFrame({
        "response_id": _s([f"t{j}" for j in range(k)]),
        "customer_id": inter.loc[rated, "customer_id"].to_numpy(),
        "interaction_id": inter.loc[rated, "interaction_id"].to_numpy(),
        "answered_at": inter.loc[rated, "occurred_at"].to_numpy(),
        "survey": _s(["transactional"] * k),
        "csat": pd.array(rng.integers(1, 6, k), dtype="Int64"),
        "ces": pd.array(rng.integers(1, 8, k), dtype="Int64"),
    })
    answer = rng.random(n_customers) < 0.8
    r = int(answer.sum())
    rel = pd.DataFrame({
        "response_id": _s([f"r{j}" for j in range(r)]),
        "customer_id": cust.loc[answer, "customer_id"].to_numpy(),
        "answered_at": pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 200, r), unit="D"),
        "survey": _s(["relationship"] * r),
        "nps": pd.array(rng.integers(0, 11, r), dtype="Int64"),
    })
    for t in ("billing", "support_call", "app"):
        rel[f"rating_{t}"] = pd.array(np.where(rng.random(r) < 0.3, None, rng.integers(1, 6, r)), dtype="Int64")
    responses = pd.concat([tx, rel], ignore_index=True)
    return cust, inter, responses


def assert_policy(table: pd.DataFrame, *, by: list[str], values: list[str], min_n: int, n: str = "n",
                  within: tuple[str, ...] = ()) -> None:
    if table.empty:
        return
    counts = table[n].fillna(0).to_numpy(float)
    hidden = table["suppressed"].to_numpy(bool)
    shown_values = table[values].notna().any(axis=1).to_numpy()
    small = (counts > 0) & (counts < min_n)
    assert hidden[small].all(), table[small]
    assert not shown_values[hidden].any(), table[hidden & shown_values]
    filled = counts > 0
    for col in by:
        keys = [c for c in by if c != col] + list(within)
        frame = pd.DataFrame({"h": hidden & filled, "v": ~hidden & filled})
        groups = frame.groupby([table[k].astype("string").fillna("<NA>").to_numpy() for k in keys]) if keys \
            else [((), frame)]
        for key, part in groups:
            assert not (part["h"].sum() == 1 and part["v"].sum() > 0), (col, key, table)


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATA = dict(seed=st.integers(0, 10_000), n_customers=st.integers(10, 70), min_n=st.integers(2, 40))

NPS_VALUES = ["nps", "pct_promoters", "pct_detractors", "ci_low", "ci_high"]
MEAN_VALUES = ["mean", "sd", "ci_low", "ci_high"]
RATE_VALUES = ["rate", "ci_low", "ci_high"]


def _rel(responses):
    return responses[responses["survey"] == "relationship"]


def _ctx(cust, inter, responses):
    return metrics.with_context(responses, customers=cust, interactions=inter)


def _benchmark(data, min_n):
    """The regions as companies, the most common one as the client (a single region: nothing to check)."""
    data = data.dropna(subset=["company"])
    if data["company"].nunique() < 2:
        return pd.DataFrame({"company": [], "n": [], "score": [], "ci_low": [], "gap": [], "p_value": [],
                             "suppressed": []})
    return benchmark.benchmark(data, client=str(data["company"].mode()[0]), min_n=min_n).table


def _mentions(cust, inter):
    """Posts built from the random interactions: uneven sources, sentiment, engagement and replies."""
    rng = np.random.default_rng(len(inter))
    m = len(inter)
    posted = inter["occurred_at"].to_numpy()
    replied = pd.Series(posted + pd.to_timedelta(rng.exponential(5, m), unit="h")).where(rng.random(m) < 0.6)
    return pd.DataFrame({"mention_id": inter["interaction_id"].to_numpy(), "source": inter["channel"].to_numpy(),
                         "posted_at": posted, "sentiment": rng.choice(["negative", "neutral", "positive"], m),
                         "engagement": rng.poisson(5, m).astype(float), "replied_at": replied.to_numpy()})


CASES = {
    "metrics.nps by segment": (
        lambda c, i, r, k: metrics.nps(_ctx(c, i, _rel(r)), by="segment", min_n=k), ["segment"], NPS_VALUES, ()),
    "metrics.nps by segment x region": (
        lambda c, i, r, k: metrics.nps(_ctx(c, i, _rel(r)), by=["segment", "region"], min_n=k),
        ["segment", "region"], NPS_VALUES, ()),
    "metrics.csat by channel x quarter": (
        lambda c, i, r, k: metrics.csat(_ctx(c, i, r), by=["channel", "quarter"], min_n=k), ["channel", "quarter"],
        ["score", "ci_low", "ci_high"], ()),
    "metrics.ces by touchpoint": (
        lambda c, i, r, k: metrics.ces(_ctx(c, i, r), by="touchpoint", min_n=k), ["touchpoint"],
        ["score", "ci_low", "ci_high"], ()),
    "metrics.touchpoint_scores by segment": (
        lambda c, i, r, k: metrics.touchpoint_scores(_ctx(c, i, _rel(r)), by="segment", min_n=k), ["segment"],
        ["score", "ci_low", "ci_high"], ("touchpoint",)),
    "metrics.trend by segment": (
        lambda c, i, r, k: metrics.trend(_ctx(c, i, _rel(r)), by="segment", period="quarter", min_n=k),
        ["segment", "quarter"], NPS_VALUES, ()),
    "journey.summarise_index by segment": (
        lambda c, i, r, k: summarise_index(journey_index(i, r), customers=c, by=["segment"], min_n=k), ["segment"],
        MEAN_VALUES, ()),
    "consistency.spread_summary by region": (
        lambda c, i, r, k: consistency.spread_summary(consistency.customer_spread(i, r), by=["region"], customers=c,
                                                      min_n=k), ["region"], MEAN_VALUES, ()),
    "lifecycle.stage_curve by segment": (
        lambda c, i, r, k: lifecycle.stage_curve(i, r, stages=STAGES, by=["segment"], customers=c, min_n=k),
        ["segment", "stage"], MEAN_VALUES, ()),
    "lifecycle.tenure_curve": (
        lambda c, i, r, k: lifecycle.tenure_curve(i, r, c, min_n=k), ["tenure"], MEAN_VALUES, ()),
    "friction.repeated_info by channel x segment": (
        lambda c, i, r, k: friction.repeated_info(i, by=["channel", "segment"], customers=c, min_n=k),
        ["channel", "segment"], RATE_VALUES + ["lift"], ()),
    "friction.silent_waits by first channel": (
        lambda c, i, r, k: friction.silent_waits(i, by=["first_channel"], min_n=k), ["first_channel"],
        RATE_VALUES + ["lift"], ()),
    "friction.repeat_contacts by period": (
        lambda c, i, r, k: friction.repeat_contacts(i, by=["period"], period="quarter", min_n=k), ["period"],
        RATE_VALUES + ["contacts_per_case"], ()),
    "friction.friction_association by segment": (
        lambda c, i, r, k: friction.friction_association(i, c, r, by=["segment"], min_n=k), ["segment"],
        ["mean_exposed", "mean_unexposed", "difference", "effect_per_event"], ("signal", "outcome")),
    "consistency.channel_gaps": (
        lambda c, i, r, k: consistency.channel_gaps(i, r, min_n=k), ["channel"],
        ["mean", "mean_other", "gap", "p_value"], ("touchpoint",)),
    "consistency.handoff_outcomes by first channel": (
        lambda c, i, r, k: consistency.handoff_outcomes(i, r, by=["first_channel"], min_n=k),
        ["first_channel", "handoffs"], ["resolution_rate", "contacts_per_case"], ()),
    "consistency.handoff_pairs": (
        lambda c, i, r, k: consistency.handoff_pairs(i, top=None, min_n=k), ["from_department", "to_department"],
        ["share"], ()),
    "paths.path_outcomes": (
        lambda c, i, r, k: path_outcomes(journey_paths(i, step="stage", max_steps=2),
                                         customer_outcomes(c, r), top=None, min_n=k), ["path"],
        ["share", "churn_rate"], ()),
    "journey.journey_map": (
        lambda c, i, r, k: journey_map(i, r, c, min_n=k), ["touchpoint"],
        ["rating", "asked_again_rate", "silent_wait_rate", "churn_difference"], ("stage",)),
    "journey.journey_map by channel": (
        lambda c, i, r, k: journey_map(i, r, c, channel=True, min_n=k), ["channel"],
        ["rating", "asked_again_rate", "repeat_rate", "churn_difference"], ("stage", "touchpoint")),
    "departments.department_consistency": (
        lambda c, i, r, k: departments.department_consistency(i, r, min_n=k), ["department"],
        ["value", "value_other", "difference", "p_value"], ("measure",)),
    "departments.handoff_pair_outcomes": (
        lambda c, i, r, k: departments.handoff_pair_outcomes(i, r, min_n=k), ["from_department", "to_department"],
        ["asked_again", "asked_other", "resolved", "rating"], ()),
    "outcomes.good_touchpoints_poor_journey": (
        lambda c, i, r, k: outcomes.good_touchpoints_poor_journey(journey_index(i, r), customer_outcomes(c, r),
                                                                  journey_cut=50, min_n=k).table,
        ["quadrant"], ["share", "mean_journey_index", "mean_touchpoint"], ()),
    "benchmark.benchmark by region": (
        lambda c, i, r, k: _benchmark(_ctx(c, i, _rel(r)).rename(columns={"region": "company"}), k),
        ["company"], ["score", "ci_low", "gap", "p_value"], ()),
    "owners.owner_scorecard friction": (
        lambda c, i, r, k: owners.owner_scorecard(r, None, i, min_n=k).friction, ["owner"], ["rate", "lift"],
        ("signal",)),
    "social.sentiment_share": (
        lambda c, i, r, k: social.sentiment_share(_mentions(c, i), min_n=k), ["source"], ["share", "count"],
        ("sentiment",)),
    "social.engagement_summary": (
        lambda c, i, r, k: social.engagement_summary(_mentions(c, i), min_n=k), ["source"], ["mean", "total"],
        ("measure",)),
    "social.response_performance": (
        lambda c, i, r, k: social.response_performance(_mentions(c, i), min_n=k), ["source"],
        ["response_rate", "median_hours"], ()),
    "lifecycle.decay_test by segment": (
        lambda c, i, r, k: lifecycle.decay_test(i, r, stages=STAGES, sale_stage="buy", by=["segment"], customers=c,
                                                min_n=k).table, ["segment"], ["estimate", "ci_low", "p_value"],
        ("test",)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_grouped_table_follows_the_one_suppression_policy(name):
    func, by, values, within = CASES[name]

    @SETTINGS
    @given(**DATA)
    def check(seed, n_customers, min_n):
        cust, inter, responses = make_data(seed, n_customers)
        assert_policy(func(cust, inter, responses, min_n), by=by, values=values, min_n=min_n, within=within)

    check()


@settings(max_examples=15, deadline=None)
@given(**DATA)
def test_comparisons_never_show_a_side_below_the_minimum(seed, n_customers, min_n):
    cust, inter, responses = make_data(seed, n_customers)
    gaps = consistency.channel_gaps(inter, responses, min_n=min_n)
    assert gaps.loc[(gaps["n_other"] < min_n), "suppressed"].all()
    assoc = friction.friction_association(inter, cust, responses, min_n=min_n)
    sides = np.stack([assoc["n_exposed"], assoc["n"] - assoc["n_exposed"]])
    small = ((sides > 0) & (sides < min_n)).any(axis=0)
    assert assoc.loc[small, "suppressed"].all()
    pairs = metrics.compare_groups(_ctx(cust, inter, _rel(responses)), by="segment", min_n=min_n)
    assert pairs.loc[pairs["suppressed"], ["diff", "p_value", "p_adjusted"]].isna().all().all()
    assert (pairs.loc[(pairs["n_a"] < min_n) | (pairs["n_b"] < min_n), "suppressed"]).all()


@settings(max_examples=15, deadline=None)
@given(**DATA)
def test_primary_suppression_where_groups_are_not_a_partition(seed, n_customers, min_n):
    cust, inter, responses = make_data(seed, n_customers)
    sa = pd.DataFrame({"touchpoint": ["billing", "support_call", "app"], "self_rating": [5, 4, 3],
                       "expected_top_box_pct": [80.0, 50.0, np.nan]})
    t = gap.delivery_gap(responses, sa, min_n=min_n)
    small = t["n"] < min_n
    assert t.loc[small, "suppressed"].all() and t.loc[small, ["customer_pct", "gap", "p_value"]].isna().all().all()


GROUPED = [
    metrics.score_table, metrics.nps, metrics.csat, metrics.ces, metrics.touchpoint_scores, metrics.trend,
    metrics.compare_groups, metrics.compare_periods, gap.delivery_gap, gap.gap_headline, churn.value_at_risk,
    churn.churn_link, summarise_index, consistency.spread_summary, consistency.channel_gaps,
    consistency.handoff_outcomes, consistency.handoff_pairs, lifecycle.stage_curve, lifecycle.tenure_curve,
    lifecycle.decay_test, friction.repeated_info, friction.silent_waits, friction.repeat_contacts,
    friction.friction_association, paths.path_outcomes, journey_map, departments.department_consistency,
    departments.handoff_pair_outcomes, outcomes.good_touchpoints_poor_journey, benchmark.benchmark,
    owners.owner_scorecard, social.sentiment_share, social.engagement_summary, social.response_performance,
    social.theme_magnification,
]


@pytest.mark.parametrize("func", GROUPED, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_suppression_is_on_by_default_at_the_client_yaml_default(func):
    default = inspect.signature(func).parameters["min_n"].default
    assert default == stats.DEFAULT_MIN_N == 30


def test_the_policy_check_catches_a_leak():
    table = pd.DataFrame({"segment": ["a", "b", "c"], "n": [5, 50, 60], "mean": [1.0, 2.0, 3.0]})
    leaky = stats.suppress(table, by=["segment"], min_n=30, value_cols=["mean"], complementary=False)
    with pytest.raises(AssertionError):
        assert_policy(leaky, by=["segment"], values=["mean"], min_n=30)
    shown = table.assign(suppressed=False)
    with pytest.raises(AssertionError):
        assert_policy(shown, by=["segment"], values=["mean"], min_n=30)
    assert_policy(stats.suppress(table, by=["segment"], min_n=30, value_cols=["mean"]), by=["segment"],
                  values=["mean"], min_n=30)
