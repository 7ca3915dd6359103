"""The explorer behind notebooks/explore.ipynb: filters, suppressed headline numbers, redacted verbatims."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlib.interactive.explore import Filters, filter_responses, headline, verbatims

EXPLORE = Path(__file__).parents[2] / "notebooks" / "explore.ipynb"


def context(n: int = 60) -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append({
            "response_id": f"R{i:03d}", "survey": "relationship" if i % 2 else "transactional",
            "segment": "consumer" if i % 3 else "business", "channel": None if i % 2 else ("phone" if i % 4 else "web"),
            "stage": None if i % 2 else "support", "answered_at": pd.Timestamp("2025-01-01") + pd.Timedelta(days=5 * i),
            "nps": [10, 9, 8, 3, 0][i % 5],
            "comment": f"Call me on +44 20 7946 0{i % 10:03d} about it" if i % 7 == 0 else (f"comment {i}" if i % 2 else None),
        })
    return pd.DataFrame(rows)


def test_filters_select_the_matching_rows_only():
    ctx = context()
    assert len(filter_responses(ctx, Filters())) == len(ctx)
    seg = filter_responses(ctx, Filters(segments=("business",)))
    assert set(seg["segment"]) == {"business"} and len(seg) == 20
    phone = filter_responses(ctx, Filters(channels=("phone",)))
    assert set(phone["channel"]) == {"phone"} and (phone["survey"] == "transactional").all()
    period = filter_responses(ctx, Filters(start=pd.Timestamp("2025-02-01"), end=pd.Timestamp("2025-02-28")))
    assert period["answered_at"].between("2025-02-01", "2025-02-28 23:59").all() and len(period) == 5  # 5, 10 ... 25 Feb
    assert len(filter_responses(ctx, Filters(stages=("renew",)))) == 0


def test_headline_is_nps_by_survey_and_suppresses_small_selections():
    ctx = context()
    table = headline(ctx, min_n=10)
    # hand-computed: 30 responses per survey; scores 10,9,8,3,0 cycle -> transactional (even i) and relationship
    assert set(table["survey"]) == {"relationship", "transactional"}
    even = ctx[ctx.index % 2 == 0]["nps"]
    expected = 100 * ((even >= 9).mean() - (even <= 6).mean())
    assert table.set_index("survey").loc["transactional", "nps"] == pytest.approx(expected)
    small = headline(filter_responses(ctx, Filters(segments=("business",), channels=("web",))), min_n=10)
    assert small["suppressed"].all() and small["nps"].isna().all()


def test_verbatims_are_redacted_and_need_enough_comments():
    ctx = context()
    out = verbatims(ctx, min_n_quotes=5, n=40)
    assert len(out) > 0 and not out["quote"].str.contains("7946").any()
    assert out["quote"].str.contains(r"\[PHONE\]").any()
    assert verbatims(ctx, min_n_quotes=500).empty  # too few comments in the selection: none shown
    assert verbatims(ctx, min_n_quotes=5, n=6, seed=1).equals(verbatims(ctx, min_n_quotes=5, n=6, seed=1))


@pytest.mark.slow
def test_explore_notebook_runs_with_papermill(tmp_path):
    import papermill as pm

    demo = pytest.importorskip("cxlib.demo", reason="cxlib.demo not available yet")
    demo.generate_client("bluebird-retail", tmp_path, n_customers=300, seed=3)
    out = tmp_path / "explore-out.ipynb"
    nb = pm.execute_notebook(str(EXPLORE), str(out), parameters={"root": str(tmp_path), "client": "bluebird-retail",
                                                                 "coder": "tester", "sample_size": 20},
                             progress_bar=False, kernel_name="python3", cwd=str(tmp_path))
    kinds = [list(o.get("data", {})) for c in nb.cells for o in c.get("outputs", [])]
    assert sum("application/vnd.jupyter.widget-view+json" in k for k in kinds) == 2  # explorer + coding panel
