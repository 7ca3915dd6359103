"""Known answers for the journey map, departments and hand-offs, and good touchpoints / poor journeys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sst
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from cxlib.analysis.journey import departments, journey_map, outcomes


def _s(values):
    return pd.array(values, dtype="string")


def map_frames():
    """40 customers on two cells; at `bill` half of them are asked again and those churn more."""
    rows, churned = [], {}
    for i in range(40):
        c = f"c{i:02d}"
        asked = i < 20
        rows.append((f"b{i}", c, "use", "bill", "web", asked))
        rows.append((f"a{i}", c, "use", "app", "app", False))
        churned[c] = (i < 12) if asked else (i < 24)  # 12/20 with friction churn, 4/20 without
    inter = pd.DataFrame(rows, columns=["interaction_id", "customer_id", "stage", "touchpoint", "channel",
                                        "asked_known_info"])
    inter["asked_known_info"] = inter["asked_known_info"].astype("boolean")
    inter["occurred_at"] = pd.Timestamp("2025-03-01")
    cust = pd.DataFrame({"customer_id": list(churned), "churned": pd.array(list(churned.values()), dtype="boolean")})
    resp = pd.DataFrame({"response_id": [f"r{i}" for i in range(40)], "customer_id": [f"c{i:02d}" for i in range(40)],
                         "interaction_id": [f"a{i}" for i in range(40)], "survey": "transactional",
                         "csat": pd.array([5, 4, 3, 4] * 10, dtype="Int64")})
    return inter, resp, cust


def test_journey_map_cells_known_answer_and_ranking_rule():
    inter, resp, cust = map_frames()
    t = journey_map(inter, resp, cust, min_n=10).set_index("touchpoint")
    bill, app = t.loc["bill"], t.loc["app"]
    assert (bill["n"], bill["n_customers"], bill["asked_again_rate"]) == (40, 40, 0.5)
    assert bill[["asked_ci_low", "asked_ci_high"]].tolist() == pytest.approx(list(proportion_confint(20, 40, method="wilson")))
    x = np.array([5, 4, 3, 4] * 10, float)
    lo, hi = sst.t.interval(0.95, 39, loc=x.mean(), scale=sst.sem(x))
    assert (app["n_rated"], app["rating"]) == (40, 4.0) and app[["rating_ci_low", "rating_ci_high"]].tolist() == \
        pytest.approx([lo, hi])
    assert (bill["n_with_friction"], bill["n_without"]) == (20, 20)
    assert (bill["churn_with_friction"], bill["churn_without"]) == (0.6, 0.2)
    lo, hi = confint_proportions_2indep(12, 20, 4, 20, method="newcomb", compare="diff")
    assert [bill["churn_ci_low"], bill["churn_ci_high"]] == pytest.approx([lo, hi])
    assert bill["churn_p"] == pytest.approx(proportions_ztest([12, 4], [20, 20])[1])
    assert bill["excess_churners"] == pytest.approx(0.4 * 20)
    # app has no friction at all: no comparison, never "matters"
    assert app["n_with_friction"] == 0 and np.isnan(app["churn_difference"]) and not app["matters"]
    assert bool(bill["matters"]) and bill["rank"] == 1 and app["rank"] == 2


def test_journey_map_suppression_per_measure_and_per_cell():
    inter, resp, cust = map_frames()
    t = journey_map(inter, resp, cust, min_n=25).set_index("touchpoint")
    bill = t.loc["bill"]
    # the cell (40 interactions) is shown, its churn link (20 and 20 customers) is not
    assert not bill["suppressed"] and bill["asked_again_rate"] == 0.5
    assert np.isnan(bill["churn_difference"]) and not bill["matters"]
    tiny = journey_map(inter, resp, cust, min_n=50)
    assert tiny["suppressed"].all() and tiny["rank"].isna().all() and tiny["rating"].isna().all()
    by_channel = journey_map(inter, resp, cust, channel=True, min_n=1)
    assert set(by_channel["channel"]) == {"web", "app"}


def handoff_frames():
    """Cases: care -> billing hand-offs ask again 8 of 10 times, care -> sales 2 of 10."""
    rows = []
    for i in range(20):
        to = "billing" if i < 10 else "sales"
        asked = (i < 8) or (10 <= i < 12)
        resolved = i % 2 == 0
        rows.append((f"x{i}", f"c{i}", f"k{i}", "care", False, False, pd.Timestamp("2025-01-01")))
        rows.append((f"y{i}", f"c{i}", f"k{i}", to, asked, resolved, pd.Timestamp("2025-01-02")))
    inter = pd.DataFrame(rows, columns=["interaction_id", "customer_id", "case_id", "department", "asked_known_info",
                                        "resolved", "occurred_at"])
    inter["asked_known_info"] = inter["asked_known_info"].astype("boolean")
    inter["resolved"] = inter["resolved"].astype("boolean")
    inter["touchpoint"] = "support"
    return inter


def test_handoff_pairs_against_the_other_handoffs():
    t = departments.handoff_pair_outcomes(handoff_frames(), min_n=5).set_index("to_department")
    bill = t.loc["billing"]
    assert (bill["n"], bill["asked_again"], bill["asked_other"]) == (10, 0.8, 0.2)
    lo, hi = confint_proportions_2indep(8, 10, 2, 10, method="newcomb", compare="diff")
    assert [bill["asked_diff_ci_low"], bill["asked_diff_ci_high"]] == pytest.approx([lo, hi])
    assert bill["asked_p"] == pytest.approx(proportions_ztest([8, 2], [10, 10])[1])
    assert (bill["resolved"], bill["resolved_other"]) == (0.5, 0.5)
    assert bool(bill["problem"]) and not bool(t.loc["sales", "problem"])  # Holm over 2 pairs, p ~ 0.007
    assert t.index[0] == "billing"
    hidden = departments.handoff_pair_outcomes(handoff_frames(), min_n=11)
    assert hidden["suppressed"].all() and hidden["asked_again"].isna().all() and not hidden["problem"].any()


def test_department_consistency_welch_and_shares():
    inter = handoff_frames()
    rng = np.random.default_rng(3)
    resp = pd.DataFrame({"response_id": [f"r{i}" for i in range(40)], "interaction_id": inter["interaction_id"],
                         "survey": "transactional", "csat": pd.array(rng.integers(1, 6, 40), dtype="Int64")})
    t = departments.department_consistency(inter, resp, min_n=5).set_index(["measure", "department"])
    r = t.loc[("rating", "care")]
    x = resp["csat"].to_numpy(float)
    care = inter["department"].eq("care").to_numpy()
    welch = sst.ttest_ind(x[care], x[~care], equal_var=False)
    assert (r["n"], r["value"]) == (20, pytest.approx(x[care].mean()))
    assert [r["ci_low"], r["ci_high"]] == pytest.approx(list(welch.confidence_interval()))
    assert r["p_value"] == pytest.approx(welch.pvalue)
    a = t.loc[("asked again", "billing")]
    assert (a["value"], a["value_other"]) == (0.8, pytest.approx(2 / 30))
    assert "silent wait" in t.index.get_level_values("measure")


def test_good_touchpoints_poor_journey_counts_and_outcomes():
    n = 120
    tp = np.r_[np.full(40, 90.0), np.full(40, 80.0), np.full(40, 30.0)]
    jr = np.r_[np.full(40, 20.0), np.full(40, 90.0), np.full(40, 40.0)]
    idx = pd.DataFrame({"customer_id": [f"c{i}" for i in range(n)], "touchpoint_mean": tp, "journey_index": jr})
    churn = np.r_[np.arange(40) < 20, np.arange(40) < 4, np.arange(40) < 12].astype(float)
    nps = np.r_[np.full(40, 3.0), np.full(40, 10.0), np.r_[np.full(20, 9.0), np.full(20, 5.0)]]
    out = pd.DataFrame({"customer_id": idx["customer_id"], "churned": churn, "nps": nps})
    fr = pd.DataFrame({"customer_id": idx["customer_id"], "n_known_info": np.r_[np.full(40, 3), np.zeros(80)],
                       "n_silent_cases": np.r_[np.full(40, 1), np.zeros(80)]})
    res = outcomes.good_touchpoints_poor_journey(idx, out, fr, journey_cut=50, min_n=30)
    t = res.table.set_index("quadrant")
    g = t.loc[outcomes.QUADRANTS[0]]
    assert res.n_good_touchpoints_poor_journey == 40 and g["n"] == 40 and g["share"] == pytest.approx(1 / 3)
    assert g["churn_rate"] == 0.5 and g[["churn_ci_low", "churn_ci_high"]].tolist() == pytest.approx(
        list(proportion_confint(20, 40, method="wilson")))
    assert g["nps"] == -100.0 and g["friction_per_customer"] == 4.0
    assert t.loc["both poor", "nps"] == 0.0  # 20 promoters, 20 detractors
    assert t.loc["poor touchpoints, good journey", "n"] == 0 and bool(t.loc["poor touchpoints, good journey", "suppressed"])
    assert set(res.customers.loc[res.customers["quadrant"] == outcomes.QUADRANTS[0], "customer_id"]) == {
        f"c{i}" for i in range(40)}
    assert "good touchpoints, poor journey: 40 customers" in res.summary()
