"""Known-answer tests of cxlib.analysis.journey.consistency on hand-made journeys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxlib.analysis.journey.consistency import channel_gaps, customer_spread, handoff_outcomes, handoff_pairs, spread_summary


def _s(values):
    return pd.array(values, dtype="string")


def rated(rows):
    """rows: (customer, touchpoint, channel, department, rating)."""
    inter = pd.DataFrame({
        "interaction_id": _s([f"i{j}" for j in range(len(rows))]),
        "customer_id": _s([r[0] for r in rows]),
        "occurred_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(np.arange(len(rows)), unit="D"),
        "stage": _s(["use"] * len(rows)),
        "touchpoint": _s([r[1] for r in rows]),
        "channel": _s([r[2] for r in rows]),
        "department": _s([r[3] for r in rows]),
    })
    resp = pd.DataFrame({"response_id": _s([f"r{j}" for j in range(len(rows))]),
                         "interaction_id": inter["interaction_id"], "survey": _s(["transactional"] * len(rows)),
                         "csat": pd.array([r[4] for r in rows], dtype="Int64")})
    return inter, resp


def test_customer_spread_across_ratings_and_channels():
    inter, resp = rated([("x", "t", "web", "d1", 5), ("x", "t", "web", "d1", 3), ("x", "t", "phone", "d2", 1),
                         ("y", "t", "web", "d1", 4)])
    s = customer_spread(inter, resp)
    assert s["customer_id"].tolist() == ["x"]  # y has one rating
    assert (s.loc[0, "n_units"], s.loc[0, "mean"], s.loc[0, "sd"], s.loc[0, "range"]) == (3, 3.0, 2.0, 4.0)
    ch = customer_spread(inter, resp, across="channels")
    assert ch.loc[0, "range"] == 3.0 and ch.loc[0, "sd"] == pytest.approx(np.std([4, 1], ddof=1))
    dep = customer_spread(inter, resp, across="departments", min_ratings=1)
    assert dep["n_units"].tolist() == [2, 1]


def test_spread_summary_t_interval_by_segment():
    spread = pd.DataFrame({"customer_id": list("abcd"), "sd": [1.0, 2.0, 3.0, 0.5]})
    cust = pd.DataFrame({"customer_id": list("abcd"), "segment": _s(["s", "s", "s", "t"])})
    t = spread_summary(spread, by=["segment"], customers=cust, min_n=1).set_index("segment")
    lo, hi = stats.t.interval(0.95, 2, loc=2.0, scale=stats.sem([1, 2, 3]))
    assert t.loc["s", ["mean", "ci_low", "ci_high"]].tolist() == pytest.approx([2.0, lo, hi])
    t = spread_summary(spread, by=["segment"], customers=cust, min_n=2).set_index("segment")
    assert bool(t.loc["t", "suppressed"]) and np.isnan(t.loc["t", "mean"])
    # complementary: with t hidden, s would give t away as total minus s
    assert bool(t.loc["s", "suppressed"]) and np.isnan(t.loc["s", "mean"]) and t.loc["s", "n"] == 3


def _holm(p):
    p = np.asarray(p, float)
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def gap_frames():
    return rated([("a", "call", "chat", "d", 1), ("b", "call", "chat", "d", 2), ("c", "call", "chat", "d", 3),
                  ("d", "call", "phone", "e", 4), ("e", "call", "phone", "e", 5), ("f", "call", "phone", "e", 5),
                  ("g", "bill", "web", "d", 3), ("h", "bill", "web", "d", 4), ("i", "bill", "phone", "e", 3),
                  ("j", "bill", "phone", "e", 5)])


def test_channel_gaps_welch_and_holm():
    inter, resp = gap_frames()
    t = channel_gaps(inter, resp, min_n=1)
    first = t.iloc[0]
    assert (first["touchpoint"], first["channel"]) == ("call", "chat")  # most negative gap first
    assert (first["mean"], first["mean_other"], first["n"], first["n_other"]) == pytest.approx((2, 14 / 3, 3, 3))
    welch = stats.ttest_ind([1, 2, 3], [4, 5, 5], equal_var=False)
    assert first["gap"] == pytest.approx(2 - 14 / 3)
    assert [first["ci_low"], first["ci_high"]] == pytest.approx(list(welch.confidence_interval()))
    assert first["p_value"] == pytest.approx(welch.pvalue)
    np.testing.assert_allclose(t["p_adjusted"], _holm(t["p_value"]))


def test_channel_gaps_suppression_excludes_small_rows_from_the_correction():
    inter, resp = gap_frames()
    t = channel_gaps(inter, resp, min_n=3)
    small = t[t["touchpoint"] == "bill"]
    assert small["suppressed"].all() and small["gap"].isna().all() and small["p_adjusted"].isna().all()
    assert small["n"].tolist() == [2, 2]
    # each touchpoint is its own table: call's channels are shown and corrected among themselves
    big = t[t["touchpoint"] == "call"]
    assert not big["suppressed"].any()
    np.testing.assert_allclose(big["p_adjusted"], _holm(big["p_value"]))
    # the correction runs over every comparison made (both sides at the minimum)
    shown = channel_gaps(inter, resp, min_n=1)
    np.testing.assert_allclose(shown["p_adjusted"], _holm(shown["p_value"]))


def test_department_gaps():
    inter, resp = gap_frames()
    t = channel_gaps(inter, resp, across="department", min_n=1)
    row = t[(t["touchpoint"] == "call") & (t["department"] == "d")].iloc[0]
    assert row["gap"] == pytest.approx(2 - 14 / 3)


def handoff_frames():
    day = pd.Timestamp("2025-01-01")
    inter = pd.DataFrame({
        "interaction_id": _s(list("abcdef")), "customer_id": _s(list("xxxyzz")),
        "occurred_at": [day + pd.Timedelta(days=d) for d in (0, 1, 2, 0, 0, 1)],
        "stage": _s(["support"] * 6), "channel": _s(["phone"] * 6), "touchpoint": _s(["call"] * 6),
        "case_id": _s(["k1", "k1", "k1", "k2", "k3", "k3"]),
        "department": _s(["care", "billing", "care", "care", "care", "billing"]),
        "resolved": pd.array([False, False, True, False, False, True], dtype="boolean"),
    })
    resp = pd.DataFrame({"response_id": _s(["r1", "r2", "r3"]), "interaction_id": _s(["a", "c", "d"]),
                         "survey": _s(["transactional"] * 3), "csat": pd.array([2, 4, 5], dtype="Int64")})
    return inter, resp


def test_handoff_outcomes_by_band():
    inter, resp = handoff_frames()
    t = handoff_outcomes(inter, resp, min_n=1).set_index("handoffs")
    assert t.index.tolist() == ["0", "1", "2+"]
    assert t["n"].tolist() == [1, 1, 1]
    assert t["resolution_rate"].tolist() == [0.0, 1.0, 1.0]
    assert t["contacts_per_case"].tolist() == [1.0, 2.0, 3.0]
    assert t.loc["2+", "rating_mean"] == 3.0 and t.loc["0", "rating_mean"] == 5.0
    assert np.isnan(t.loc["1", "rating_mean"]) and t.loc["1", "n_rated"] == 0
    wide = handoff_outcomes(inter, bands=(0, 1), min_n=1).set_index("handoffs")
    assert wide.loc["1+", "n"] == 2 and wide.loc["1+", "contacts_per_case"] == 2.5
    sup = handoff_outcomes(inter, min_n=2, bands=(0, 1)).set_index("handoffs")
    assert bool(sup.loc["0", "suppressed"]) and np.isnan(sup.loc["0", "resolution_rate"])


def test_handoff_pairs():
    inter, _ = handoff_frames()
    t = handoff_pairs(inter, min_n=1)
    assert t[["from_department", "to_department", "n"]].values.tolist() == [["care", "billing", 2],
                                                                            ["billing", "care", 1]]
    assert t["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
