"""One context joiner and one period vocabulary (cxlib.analysis.context), used by metrics, journey and text."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cxlib.analysis import context, metrics
from cxlib.analysis.journey import journey_index, lifecycle
from cxlib.errors import DataError
from cxlib.text.themes import comment_context


def _frames():
    cust = pd.DataFrame({"customer_id": ["c1", "c2"], "segment": ["smb", "consumer"], "region": ["n", "s"]})
    inter = pd.DataFrame({"interaction_id": ["i1", "i2"], "customer_id": ["c1", "c2"], "channel": ["web", "phone"],
                          "stage": ["buy", "use"], "touchpoint": ["shop", "bill"],
                          "occurred_at": pd.to_datetime(["2025-02-03", "2025-11-30"])})
    resp = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "customer_id": ["c1", "c2", "c9"],
                         "interaction_id": ["i1", None, "i2"], "nps": [9, 3, 7],
                         "answered_at": pd.to_datetime(["2025-02-04", "2025-06-30", None])}, index=[10, 11, 12])
    return cust, inter, resp


def test_period_labels_for_every_period_name():
    d = pd.Series(pd.to_datetime(["2025-01-01", "2025-12-31", None]))
    assert context.period_labels(d, "month").tolist() == ["2025-01", "2025-12", pd.NA]
    assert context.period_labels(d, "quarter").tolist() == ["2025Q1", "2025Q4", pd.NA]
    assert context.period_labels(d, "year").tolist() == ["2025", "2025", pd.NA]
    assert context.period_labels(d, "week").tolist()[:2] == ["2025-W01", "2026-W01"]  # ISO weeks
    with pytest.raises(DataError, match="unknown period"):
        context.period_labels(d, "fortnight")


@pytest.mark.parametrize("old, new", [("M", "month"), ("Q", "quarter"), ("Y", "year")])
def test_old_period_codes_still_work_for_one_release_with_a_warning(old, new):
    with pytest.warns(DeprecationWarning, match=f'period="{new}"'):
        assert context.period_name(old) == new
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert context.period_name(new) == new


def test_add_context_joins_never_overwrites_and_keeps_rows():
    cust, inter, resp = _frames()
    out = context.add_context(resp.assign(segment="mine"), customers=cust, interactions=inter, date="answered_at",
                              periods=("month", "quarter"))
    assert out.index.tolist() == [10, 11, 12] and len(out) == 3
    assert out["segment"].tolist() == ["mine"] * 3  # never overwritten
    assert out["region"].tolist()[:2] == ["n", "s"] and pd.isna(out["region"].iloc[2])  # c9 is unknown
    assert out["channel"].tolist()[0] == "web" and pd.isna(out["channel"].iloc[1])  # relationship answer
    assert out["quarter"].tolist() == ["2025Q1", "2025Q2", pd.NA]
    assert resp.columns.tolist() == ["response_id", "customer_id", "interaction_id", "nps", "answered_at"]


def test_add_context_asks_for_what_is_missing():
    cust, inter, resp = _frames()
    with pytest.raises(DataError, match="Cannot group by plan"):
        context.add_context(resp, customers=cust, columns=["plan"])
    with pytest.raises(DataError, match="more than once"):
        context.add_context(resp, customers=pd.concat([cust, cust]), columns=["segment"])
    with pytest.raises(DataError, match="no date column"):
        context.add_context(resp.drop(columns="answered_at"), periods=("month",))


def test_the_three_callers_use_the_one_joiner():
    cust, inter, resp = _frames()
    m = metrics.with_context(resp, customers=cust, interactions=inter)
    ref = context.add_context(resp, customers=cust, interactions=inter, date="answered_at", periods=("month", "quarter"))
    pd.testing.assert_frame_equal(m, ref)
    c = comment_context(resp, customers=cust, interactions=inter)
    assert c["comment_ref"].tolist() == ["r1", "r2", "r3"]
    assert c["segment"].tolist()[:2] == ["smb", "consumer"] and c["period"].tolist() == ["2025Q1", "2025Q2", pd.NA]
    assert str(c["segment"].dtype) == "string" and "customer_id" not in c.columns
    with pytest.warns(DeprecationWarning):
        old = comment_context(resp, period="M")
    assert old["period"].tolist()[:2] == ["2025-02", "2025-06"]


def test_metrics_freq_keyword_still_works_for_one_release():
    rng = np.random.default_rng(0)
    r = pd.DataFrame({"nps": rng.integers(0, 11, 300),
                      "answered_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, 300), "D")})
    new = metrics.trend(r, period="quarter", min_n=30)
    with pytest.warns(DeprecationWarning, match="freq"):
        old = metrics.trend(r, freq="quarter", min_n=30)
    pd.testing.assert_frame_equal(new, old)
    with pytest.warns(DeprecationWarning, match="freq"):
        old = metrics.compare_periods(r, freq="quarter", min_n=30)
    pd.testing.assert_frame_equal(metrics.compare_periods(r, period="quarter", min_n=30), old)
    assert "quarter" in new.columns


def test_journey_period_codes_still_work_for_one_release():
    inter = pd.DataFrame({"interaction_id": ["a", "b", "c"], "customer_id": "x", "stage": ["buy", "use", "use"],
                          "touchpoint": "t", "occurred_at": pd.to_datetime(["2025-01-01", "2025-05-01", "2025-05-02"])})
    resp = pd.DataFrame({"response_id": ["1", "2", "3"], "interaction_id": ["a", "b", "c"], "csat": [5, 3, 4]})
    new = lifecycle.stage_curve(inter, resp, stages=["buy", "use"], by=["period"], period="quarter", min_n=1)
    with pytest.warns(DeprecationWarning):
        old = lifecycle.stage_curve(inter, resp, stages=["buy", "use"], by=["period"], period="Q", min_n=1)
    pd.testing.assert_frame_equal(new, old)
    assert set(new["period"]) == {"2025Q1", "2025Q2"}
    for engine in ("pandas", "duckdb"):
        a = journey_index(inter, resp, period="month", engine=engine)
        with pytest.warns(DeprecationWarning):
            b = journey_index(inter, resp, period="M", engine=engine)
        pd.testing.assert_frame_equal(a, b)
        assert a["period"].tolist() == ["2025-01", "2025-05"]


def test_a_survey_segment_left_empty_is_filled_from_the_customer_list_and_an_answer_is_kept():
    """Real exports may carry their own segment question: its answers win, its gaps come from the CRM."""
    import pandas as pd

    from cxlib.analysis.context import add_context

    r = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
                      "segment": pd.array(["from survey", pd.NA, pd.NA], dtype="string")})
    c = pd.DataFrame({"customer_id": ["c1", "c2"], "segment": ["crm a", "crm b"], "region": ["n", "s"]})
    out = add_context(r, customers=c)
    assert out["segment"].astype(object).where(out["segment"].notna(), None).tolist() == ["from survey", "crm b", None]
    assert out["region"].tolist()[:2] == ["n", "s"] and list(out.index) == [0, 1, 2]
