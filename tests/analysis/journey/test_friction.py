"""Known-answer tests of cxlib.analysis.journey.friction on a hand-made journey (expected numbers worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxlib.analysis.journey.friction import customer_friction, friction_association, repeat_contacts, repeated_info, silent_waits

Z95 = stats.norm.ppf(0.975)


def _s(values):
    return pd.array(values, dtype="string")


def frames():
    day = pd.Timestamp("2025-01-01")
    inter = pd.DataFrame({
        "interaction_id": _s(list("abcdef")),
        "customer_id": _s(["w", "w", "x", "x", "y", "z"]),
        "occurred_at": [day, day + pd.Timedelta(days=3), day, day + pd.Timedelta(days=40), day, day],
        "stage": _s(["support"] * 6),
        "channel": _s(["phone", "phone", "web", "web", "phone", "store"]),
        "touchpoint": _s(["support_call", "support_call", "billing", "billing", "support_call", "store_visit"]),
        "department": _s(["care", "billing", "finance", "finance", "care", "sales"]),
        "case_id": _s(["k1", "k1", "k2", None, "k3", None]),
        "resolved": pd.array([False, True, True, None, True, None], dtype="boolean"),
        "wait_minutes": [10.0, 10.0, 5000.0, 0.0, 10.0, 0.0],
        "asked_known_info": pd.array([True, True, False, True, False, None], dtype="boolean"),
        "updates_sent": pd.array([0, 0, 0, 0, 0, None], dtype="Int64"),
    })
    cust = pd.DataFrame({
        "customer_id": _s(list("wxyzv")),
        "segment": _s(["a", "a", "b", "b", "b"]),
        "churned": pd.array([True, False, False, False, True], dtype="boolean"),
    })
    resp = pd.DataFrame({
        "response_id": _s(["r1", "r2", "r3", "r4", "r5"]), "customer_id": _s(list("wxyzv")),
        "interaction_id": _s([None] * 5), "survey": _s(["relationship"] * 5),
        "answered_at": pd.to_datetime(["2025-06-01"] * 5), "nps": pd.array([2, 5, 9, 10, 7], dtype="Int64"),
    })
    return inter, cust, resp


def _wilson(k, n, z=Z95):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_customer_friction_counts():
    inter, _, _ = frames()
    f = customer_friction(inter).set_index("customer_id")
    assert f.index.tolist() == ["w", "x", "y", "z"]
    assert f["n_interactions"].tolist() == [2, 2, 1, 1]
    assert f["n_known_info"].tolist() == [2, 1, 0, 0]
    np.testing.assert_allclose(f["known_info_rate"], [1.0, 0.5, 0.0, np.nan])
    assert f["n_cases"].tolist() == [1, 1, 1, 0]
    assert f["n_repeats"].tolist() == [1, 0, 0, 0]
    # k1: unresolved, 3 days to the next contact, no update; k2: waited 5000 min, no update
    assert f["n_silent_cases"].tolist() == [1, 1, 0, 0]
    assert f["n_handoffs"].tolist() == [1, 0, 0, 0]


def test_repeated_info_rates_wilson_and_lift():
    inter, _, _ = frames()
    t = repeated_info(inter, min_n=1).set_index("channel")
    assert t.index.tolist() == ["phone", "web"]  # ordered by rate; store has no known value
    assert (t.loc["phone", "n"], t.loc["phone", "n_asked"]) == (3, 2)
    assert t.loc["phone", "rate"] == pytest.approx(2 / 3)
    assert t.loc["phone", ["ci_low", "ci_high"]].tolist() == pytest.approx(_wilson(2, 3))
    assert t.loc["phone", "lift"] == pytest.approx((2 / 3) / (3 / 5))
    small = repeated_info(inter, min_n=3).set_index("channel")
    assert bool(small.loc["web", "suppressed"]) and np.isnan(small.loc["web", "rate"]) and small.loc["web", "n"] == 2
    # complementary: phone alone shown would give web as the overall rate minus phone
    assert bool(small.loc["phone", "suppressed"]) and small.loc["phone", "n"] == 3 and np.isnan(small.loc["phone", "lift"])


def test_repeated_info_by_customer_segment_and_period():
    inter, cust, _ = frames()
    t = repeated_info(inter, by=["segment"], customers=cust, min_n=1).set_index("segment")
    assert (t.loc["a", "n"], t.loc["a", "n_asked"]) == (4, 3)
    assert (t.loc["b", "n"], t.loc["b", "n_asked"]) == (1, 0)
    p = repeated_info(inter, by=["period"], period="month", min_n=1).set_index("period")
    assert p.loc["2025-01", "n"] == 4 and p.loc["2025-02", "n_asked"] == 1


def test_silent_waits_and_repeat_contacts_by_channel():
    inter, _, _ = frames()
    s = silent_waits(inter, min_n=1).set_index("first_channel")
    assert (s.loc["phone", "n"], s.loc["phone", "n_silent"], s.loc["web", "rate"]) == (2, 1, 1.0)
    assert s.loc["phone", ["ci_low", "ci_high"]].tolist() == pytest.approx(_wilson(1, 2))
    # a 4500-minute threshold drops k1's 3-day (4320 min) gap and keeps k2's 5000-minute wait
    s2 = silent_waits(inter, silent_minutes=4500, min_n=1).set_index("first_channel")
    assert s2.loc["web", "n_silent"] == 1 and s2.loc["phone", "n_silent"] == 0
    r = repeat_contacts(inter, by=(), min_n=1).iloc[0]
    assert (r["n"], r["n_repeated"]) == (3, 1)
    assert r["contacts_per_case"] == pytest.approx(4 / 3)


def test_association_with_nps_known_answer():
    inter, cust, resp = frames()
    t = friction_association(inter, cust, resp, signals=["n_known_info"], outcomes=["nps"], min_n=1).iloc[0]
    # customers w, x, y, z, v: known-info asks 2, 1, 0, 0, 0 (v has no interactions); NPS 2, 5, 9, 10, 7
    x, y = np.array([2, 1, 0, 0, 0.0]), np.array([2, 5, 9, 10, 7.0])
    assert (t["n"], t["n_exposed"]) == (5, 2)
    assert (t["mean_exposed"], t["mean_unexposed"]) == pytest.approx((3.5, 26 / 3))
    welch = stats.ttest_ind([2, 5], [9, 10, 7], equal_var=False)
    assert t["difference"] == pytest.approx(3.5 - 26 / 3)
    assert [t["diff_ci_low"], t["diff_ci_high"]] == pytest.approx(list(welch.confidence_interval()))
    assert t["diff_p"] == pytest.approx(welch.pvalue)
    assert t["effect_per_event"] == pytest.approx(np.polyfit(x, y, 1)[0])
    assert t["effect_type"] == "nps points per event"
    assert t["effect_ci_low"] < t["effect_per_event"] < t["effect_ci_high"]


def test_association_with_churn_known_answer():
    inter, cust, resp = frames()
    t = friction_association(inter, cust, resp, signals=["n_silent_cases"], outcomes=["churn"], min_n=1).iloc[0]
    # silent cases 1, 1, 0, 0, 0; churned T, F, F, F, T -> exposed 1/2, unexposed 1/3
    assert (t["mean_exposed"], t["mean_unexposed"]) == pytest.approx((0.5, 1 / 3))
    assert t["difference"] == pytest.approx(1 / 6)
    # Newcombe's hybrid score interval built from the two Wilson intervals
    l1, u1 = _wilson(1, 2)
    l2, u2 = _wilson(1, 3)
    d = 0.5 - 1 / 3
    lo = d - np.sqrt((0.5 - l1) ** 2 + (u2 - 1 / 3) ** 2)
    hi = d + np.sqrt((u1 - 0.5) ** 2 + (1 / 3 - l2) ** 2)
    assert [t["diff_ci_low"], t["diff_ci_high"]] == pytest.approx([lo, hi])
    # binary exposure: the logistic odds ratio is the 2x2 odds ratio, its Wald interval Woolf's
    assert t["effect_per_event"] == pytest.approx((1 / 1) / (1 / 2))
    se = np.sqrt(1 / 1 + 1 / 1 + 1 / 1 + 1 / 2)
    assert [t["effect_ci_low"], t["effect_ci_high"]] == pytest.approx(list(np.exp(np.log(2) + np.array([-1, 1]) * Z95 * se)),
                                                                      rel=1e-5)


def test_association_by_segment_is_suppressed_below_min_n():
    inter, cust, resp = frames()
    t = friction_association(inter, cust, resp, signals=["n_known_info"], outcomes=["nps"], by=["segment"], min_n=3)
    t = t.set_index("segment")
    assert bool(t.loc["a", "suppressed"]) and t.loc["a", "n"] == 2 and np.isnan(t.loc["a", "difference"])
    # complementary: b alone shown would give a away as the overall row minus b
    assert bool(t.loc["b", "suppressed"]) and t.loc["b", "n"] == 3 and np.isnan(t.loc["b", "mean_unexposed"])
    # b's exposed side is empty (nothing to protect): with a minimum of 1, a's unexposed side is
    # empty too, so both rows are shown
    one = friction_association(inter, cust, resp, signals=["n_known_info"], outcomes=["nps"], by=["segment"], min_n=1)
    assert not one["suppressed"].any()


def test_association_hides_a_small_exposed_or_unexposed_side():
    inter, cust, resp = frames()
    t = friction_association(inter, cust, resp, signals=["n_known_info"], outcomes=["nps"], min_n=3).iloc[0]
    assert (t["n"], t["n_exposed"]) == (5, 2) and bool(t["suppressed"])  # 2 exposed customers: their mean is hidden
    assert np.isnan(t["mean_exposed"]) and np.isnan(t["mean_unexposed"]) and np.isnan(t["effect_per_event"])


def test_association_recovers_a_planted_effect():
    rng = np.random.default_rng(4)
    n = 600
    silent = rng.poisson(0.8, n)
    rows = []
    for c in range(n):
        for k in range(silent[c]):
            rows.append((f"c{c}", f"k{c}_{k}", 3000.0, 0))
        rows.append((f"c{c}", f"q{c}", 5.0, 1))
    inter = pd.DataFrame(rows, columns=["customer_id", "case_id", "wait_minutes", "updates_sent"])
    inter = inter.assign(interaction_id=_s([f"i{j}" for j in range(len(inter))]),
                         occurred_at=pd.Timestamp("2025-01-01"), customer_id=_s(inter["customer_id"]),
                         case_id=_s(inter["case_id"]), updates_sent=pd.array(inter["updates_sent"], dtype="Int64"))
    nps = np.clip(np.round(8 - 1.0 * silent + rng.normal(0, 1.5, n)), 0, 10)
    cust = pd.DataFrame({"customer_id": _s([f"c{c}" for c in range(n)]), "churned": rng.random(n) < 0.2})
    resp = pd.DataFrame({"response_id": _s([f"r{c}" for c in range(n)]), "customer_id": cust["customer_id"],
                         "interaction_id": _s([None] * n), "survey": _s(["relationship"] * n),
                         "answered_at": pd.Timestamp("2025-06-01"), "nps": pd.array(nps.astype(int), dtype="Int64")})
    t = friction_association(inter, cust, resp, signals=["n_silent_cases"], outcomes=["nps"], min_n=1).iloc[0]
    assert t["effect_ci_low"] < -1.0 < t["effect_ci_high"]
    assert t["effect_ci_high"] < 0 and t["difference"] < 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["phone", "web", "chat"]), st.sampled_from([True, False, None])),
                min_size=1, max_size=40))
def test_repeated_info_rates_are_proportions_with_intervals_around_them(rows):
    inter = pd.DataFrame({"interaction_id": _s([f"i{j}" for j in range(len(rows))]),
                          "customer_id": _s(["c"] * len(rows)), "channel": _s([r[0] for r in rows]),
                          "asked_known_info": pd.array([r[1] for r in rows], dtype="boolean")})
    t = repeated_info(inter, min_n=1)
    assert t["n"].sum() == sum(r[1] is not None for r in rows)
    assert (t["n_asked"] <= t["n"]).all()
    assert ((0 <= t["ci_low"]) & (t["ci_low"] <= t["rate"] + 1e-12) & (t["rate"] <= t["ci_high"] + 1e-12)
            & (t["ci_high"] <= 1)).all()
