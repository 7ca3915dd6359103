"""The journey analyses recover what the demo generator planted (planted.yaml).

Uses the session fixture ``demo_workspaces`` of tests/conftest.py (three demo clients made with
cxlib.demo.generate_demo, validated through cxlib.workspace.open_client); skipped when cxlib.demo is
not available. planted.yaml is read here only, never by the analyses.
"""

from __future__ import annotations

import pytest

from cxlib.analysis.journey.consistency import channel_gaps
from cxlib.analysis.journey.friction import friction_association, repeated_info
from cxlib.analysis.journey import case_table, customer_outcomes, journey_index, touchpoint_vs_journey
from cxlib.analysis.journey.value import compare_predictive, touchpoint_measures
from cxlib.analysis.journey.lifecycle import decay_test, stage_curve

@pytest.fixture
def client(planted_client):
    """(workspace, planted effects) of one demo client (tests/conftest.py)."""
    return planted_client


def test_post_sale_decay_is_found(client):
    ws, planted = client
    cfg, p = ws.config, planted["post_sale_decay"]
    assert p["peak_stage"] == cfg.sale_stage
    d = decay_test(ws.interactions, ws.responses, stages=cfg.stages, sale_stage=cfg.sale_stage,
                   customers=ws.customers, min_n=cfg.min_n)
    row = d.table.set_index("test").loc["later stages − sale stage"]
    assert row["ci_high"] < 0 and row["p_decay"] < 0.001, d.summary()
    # the planted drop (same definition: sale-stage mean minus the mean of the later stages' means)
    assert row["ci_low"] <= -p["drop"] <= row["ci_high"], (d.summary(), p["drop"])
    # few answers rate the sale itself, so the curve is read without the reporting minimum here
    curve = stage_curve(ws.interactions, ws.responses, stages=cfg.stages, min_n=None).set_index("stage")
    sale = curve.loc[cfg.sale_stage]
    later = curve.loc[p["later_stages"]]
    assert (later["mean"] < sale["mean"]).all()
    # no stage is clearly better than the sale (a pre-sale stage may tie with it)
    assert (curve["mean"].dropna() <= sale["ci_high"]).all(), curve


def test_repeated_information_channel_is_found(client):
    ws, planted = client
    p = planted["repeated_info"]
    t = repeated_info(ws.interactions, min_n=ws.config.min_n)
    top = t.iloc[0]
    assert top["channel"] == p["channel"], t
    assert top["ci_low"] > t["ci_high"].iloc[1:].max()
    assert abs(top["rate"] - p["rate"]) < 0.03 and top["lift"] > 3


def test_silent_waits_are_counted_and_lower_nps(client):
    ws, planted = client
    p = planted["silent_waits"]
    assert int(case_table(ws.interactions).silent.sum()) == p["n_silent_cases"]
    t = friction_association(ws.interactions, ws.customers, ws.responses, signals=["n_silent_cases"],
                             min_n=ws.config.min_n).set_index("outcome")
    nps = t.loc["nps"]
    assert p["nps_effect_per_silent_case"] < 0
    assert nps["effect_per_event"] < 0 and nps["effect_ci_high"] < 0, t
    assert nps["difference"] < 0 and nps["diff_ci_high"] < 0
    churn = t.loc["churn"]
    assert churn["difference"] > 0 and churn["effect_ci_low"] > 1


def test_channel_inconsistency_is_found(client):
    ws, planted = client
    p = planted["channel_inconsistency"]
    t = channel_gaps(ws.interactions, ws.responses, min_n=ws.config.min_n)
    worst = t.iloc[0]
    assert (worst["touchpoint"], worst["channel"]) == (p["touchpoint"], p["channel"]), t.head()
    assert worst["gap"] < -0.5 and worst["ci_high"] < 0 and worst["p_adjusted"] < 0.001
    # nothing else comes close
    others = t.iloc[1:].dropna(subset=["gap"])
    assert (others["p_adjusted"].fillna(1) > 0.001).all() or (others["gap"] > worst["ci_high"]).all()


def test_journey_index_beats_the_best_single_touchpoint_at_predicting_churn(client):
    ws, planted = client
    assert planted["churn_link"]["journey_beats_single_touchpoint"]
    measures = journey_index(ws.interactions, ws.responses).merge(
        touchpoint_measures(ws.interactions, ws.responses), on="customer_id", how="left")
    outcomes = customer_outcomes(ws.customers, ws.responses)
    res = compare_predictive(measures, outcomes, outcome="churn", n_boot=500, seed=1)
    d = res.difference.set_index("comparison").loc["journey − best single touchpoint"]
    assert d["difference"] > 0 and d["ci_low"] > 0 and d["p_value"] < 0.01, res.summary()
    journey = res.table.set_index("measure").loc["journey_index"]
    assert journey["test_metric"] > 0.65 and journey["direction"] == -1  # better journey, less churn


def test_good_touchpoints_poor_journey_customers_stand_out(client):
    ws, planted = client
    ids = set(planted["good_touchpoints_poor_journey"]["customer_ids"])
    q = touchpoint_vs_journey(journey_index(ws.interactions, ws.responses))
    flagged = q["quadrant"] == "good touchpoints, poor journey"
    planted_rows = q["customer_id"].isin(ids)
    share_planted = flagged[planted_rows].mean()
    share_others = flagged[~planted_rows].mean()
    assert share_planted > 4 * share_others, (share_planted, share_others)
