"""The report recovers what the demo generator planted for issue 14, read from the sections' own results.

``tests/analysis/test_planted_issue14.py`` checks the analyses on the workspace; here the same five
plants (a social spike around an incident, a theme magnified on social, a department hand-off
problem, an owner with a large promise gap, competitor data for one client) are read from what
the report shows: the section results of ``report_data`` for the analyst report, and the
findings the sections print, each one holding (its claim re-read from its evidence).
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cxlib.demo import DEMO_CLIENTS
from cxlib.present.claims import problems
from cxlib.report.context import report_data
from cxlib.report.sections import ReportRun


@pytest.fixture(scope="module", params=DEMO_CLIENTS)
def shown(request, demo_root):
    client = request.param
    planted = yaml.safe_load((demo_root / "data" / client / "planted.yaml").read_text(encoding="utf-8"))["effects"]
    data = report_data(client, root=str(demo_root), audience="analyst")
    return client, planted, ReportRun(data, audience="analyst", theme=False)


def _finding(result, kind):
    f = result.finding(kind)
    assert f is not None and f.holds, (kind, [x.said for x in result.findings])
    assert problems([f]) == []
    return f


def test_the_report_shows_the_social_spike_with_its_source(shown):
    _, planted, run = shown
    p = planted["social_spike"]
    res = run.result("social")
    start = pd.Timestamp(p["start"])
    hit = res.spikes[(res.spikes["start"] >= start - pd.Timedelta(days=1))
                     & (res.spikes["start"] <= start + pd.Timedelta(days=p["days"] - 1))]
    assert len(hit) == 1 and hit.iloc[0]["top_source"] == p["source"], res.spikes
    said = _finding(res, "social_spike").said
    assert f"{start:%b %Y}" in said
    assert str(hit.iloc[0]["source_label"]) in said
    # the posts behind it are quoted only from a spike of at least the client's quote minimum (min_n_quotes)
    quotable = hit.iloc[0]["n_mentions"] >= run.data.config.min_n_quotes
    assert (res.spike_quotes is not None and len(res.spike_quotes) > 0) == bool(quotable), hit.iloc[0]["n_mentions"]


def test_the_report_shows_the_theme_magnified_on_social(shown):
    _, planted, run = shown
    res = run.result("social")
    t = res.themes.set_index("theme")
    assert bool(t.loc[planted["magnified_theme"]["theme"], "magnified"])
    row = t.loc[planted["magnified_theme"]["theme"]]
    assert row["diff_ci_low"] > 0 and not row["suppressed"]
    assert str(row["label"]) in _finding(res, "social_magnified").said


def test_the_report_names_the_department_handoff_problem(shown):
    _, planted, run = shown
    p = planted["handoff_problem"]
    res = run.result("departments")
    top = res.handoffs.iloc[0]
    assert (top["from_department"], top["to_department"]) == (p["from_department"], p["to_department"])
    assert bool(top["problem"]) and res.handoffs["problem"].sum() == 1
    said = _finding(res, "handoff_problem").said
    assert str(top["from_label"]) in said and str(top["to_label"]) in said


def test_the_report_names_the_owner_with_the_large_promise_gap(shown):
    _, planted, run = shown
    p = planted["owner_promise_gap"]
    res = run.result("owners")
    assert res.owners.iloc[0]["owner"] == p["owner"]
    brief = next(b for b in res.briefs if b.owner == p["owner"])
    assert brief.finding("owner_gap").holds and brief.finding("owner_action").holds
    assert problems(brief.findings) == []


def test_the_report_benchmarks_the_client_against_its_competitors(shown):
    client, planted, run = shown
    p = planted.get("benchmark")
    if p is None:
        assert run.missing("benchmark"), f"{client} has no competitor data, yet shows a benchmark"
        return
    res = run.result("benchmark")
    t = res.table.set_index("company")
    for name, c in p["competitors"].items():
        assert t.loc[name, "n"] == c["n"] and t.loc[name, "score"] == pytest.approx(c["nps"], abs=0.05)
        assert t.loc[name, "ci_low"] < t.loc[name, "score"] < t.loc[name, "ci_high"]
    best = max(p["competitors"], key=lambda c: p["competitors"][c]["nps"])
    assert t.loc[best, "significant"] and t.loc[best, "gap_ci_high"] < 0
    assert res.rank == 2 and f"Behind {best}" in _finding(res, "benchmark_position").said
