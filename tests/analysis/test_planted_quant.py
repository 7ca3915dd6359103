"""The quantitative analyses recover what the demo generator planted (planted.yaml).

Uses the session fixture ``demo_workspaces`` of tests/conftest.py (three demo clients,
1,500 customers each, seed 11, validated through cxlib.workspace); skipped when cxlib.demo
is not available. planted.yaml is read here only, never by the analyses.
"""

from __future__ import annotations

import pytest

from cxlib.analysis import churn, drivers, gap, metrics

@pytest.fixture
def client(planted_client):
    """(workspace, planted effects) of one demo client (tests/conftest.py)."""
    return planted_client


def _relationship(ws):
    r = ws.responses
    return r[(r["survey"] == "relationship").fillna(False).to_numpy(bool)]


def test_planted_key_driver_ranks_first(client):
    ws, planted = client
    res = drivers.key_drivers(_relationship(ws), outcome="nps", min_n=ws.config.min_n, n_boot=100, seed=1)
    t = res.table
    key = planted["key_driver"]["touchpoint"]
    assert t["driver"].iloc[0] == key, res.summary()
    # and clearly so: its importance interval lies above every other driver's estimate
    assert t["importance_ci_low"].iloc[0] > t["importance"].iloc[1:].max()
    assert t["coef"].iloc[0] > 0 and t["p_value"].iloc[0] < 0.001


def test_planted_delivery_gap_found_and_no_gap_touchpoints_not(client):
    ws, planted = client
    g = gap.delivery_gap(ws.responses, ws.self_assessment, min_n=ws.config.min_n).set_index("touchpoint")
    for tp in planted["delivery_gap"]["touchpoints"]:
        row = g.loc[tp]
        assert row["significant"] and row["gap_ci_low"] > 0 and row["verdict"] == "company over-rates", tp
    for tp in planted["no_gap_touchpoints"]:
        row = g.loc[tp]
        assert not row["suppressed"], tp
        assert not row["significant"] and row["verdict"] == "in line", (tp, row.to_dict())
    head = gap.gap_headline(ws.responses, ws.self_assessment, min_n=ws.config.min_n,
                            company=ws.config.display_name)
    assert set(head.touchpoints) == set(planted["delivery_gap"]["touchpoints"])
    assert head.company_pct - head.ci_high > 30  # "thinks X % superior / customers say Y %", far apart


def test_churn_link_has_the_planted_sign(client):
    ws, planted = client
    journey = pytest.importorskip("cxlib.analysis.journey", reason="cxlib.analysis.journey not available yet")
    index = journey.journey_index(ws.interactions, ws.responses)[["customer_id", "journey_index"]]
    link = churn.churn_link(ws.customers, index, measure="journey_index", unit=10, min_n=ws.config.min_n,
                            currency=ws.config.currency)
    assert planted["churn_link"]["sign"] == "negative"
    assert link.odds_ratio < 1 and link.odds_ratio_ci[1] < 1, link.summary()
    assert "lower odds of churning" in link.sentence and link.churners_avoided > 0
    shown = link.at_risk[~link.at_risk["suppressed"]]
    assert (shown["value_at_risk"] > 0).all()


def test_relationship_nps_table_is_consistent(client):
    ws, _ = client
    rel = metrics.with_context(_relationship(ws), customers=ws.customers)
    by_seg = metrics.nps(rel, by="segment", min_n=ws.config.min_n)
    total = metrics.nps(rel, min_n=ws.config.min_n).iloc[0]
    assert by_seg["n"].sum() == total["n"]
    assert by_seg["suppressed"].sum() != 1
    shown = by_seg[~by_seg["suppressed"]]
    assert ((shown["ci_low"] <= shown["nps"]) & (shown["nps"] <= shown["ci_high"])).all()
