"""Saved views: the same selection in the explorer and in the report (`cx report <client> --view <name>`)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from cxlib.analysis.selection import (Filters, View, filter_responses, list_views, load_view, save_view,
                                      select_tables)
from cxlib.errors import ConfigError

CLIENT = "acme-telecom"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from cxlib.demo import generate_client

    root = tmp_path_factory.mktemp("views")
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    generate_client(CLIENT, root, n_customers=500, seed=2)
    return root


def test_a_view_round_trips_through_its_file(tmp_path):
    view = View(name="ent-q2", filters=Filters(segments=("enterprise",), stages=("support", "renew"),
                                               start=pd.Timestamp("2025-04-01"), end=pd.Timestamp("2025-06-30")),
                sections=("headline", "verbatims"), chart_by="touchpoint", search='"on hold"', note="for Sam")
    path = save_view(tmp_path, view)
    assert path == tmp_path / "views" / "ent-q2.yaml" and "cx report" in path.read_text()
    assert load_view(tmp_path, "ent-q2") == view
    assert list_views(tmp_path) == ["ent-q2"]


def test_bad_views_are_refused_with_a_way_out(tmp_path):
    save_view(tmp_path, View(name="ent-q2"))
    with pytest.raises(ConfigError, match="Did you mean ent-q2"):
        load_view(tmp_path, "ent-q3")
    with pytest.raises(ConfigError, match="lower-case letters"):
        save_view(tmp_path, View(name="../escape"))
    (tmp_path / "views" / "odd.yaml").write_text("filters: {segmnts: [a]}\n")
    with pytest.raises(ConfigError, match="unknown filter key"):
        load_view(tmp_path, "odd")
    (tmp_path / "views" / "odd.yaml").write_text("filters: {start: yesterday-ish}\n")
    with pytest.raises(ConfigError, match="not a date"):
        load_view(tmp_path, "odd")


def test_select_tables_keeps_the_tables_consistent(project):
    from cxlib.analysis import metrics
    from cxlib.workspace import open_client

    ws = open_client(CLIENT, root=project)
    f = Filters(segments=(ws.config.segments[0],), channels=("phone",))
    picked = select_tables(f, customers=ws.customers, interactions=ws.interactions, responses=ws.responses,
                           mentions=ws.mentions)
    assert set(picked["customers"]["segment"]) == {ws.config.segments[0]}
    assert set(picked["interactions"]["channel"]) == {"phone"}
    assert picked["interactions"]["customer_id"].isin(picked["customers"]["customer_id"]).all()
    context = metrics.with_context(ws.responses, customers=ws.customers, interactions=ws.interactions)
    assert set(picked["responses"]["response_id"]) == set(filter_responses(context, f)["response_id"])
    linked = picked["mentions"]["customer_id"].notna().all() if len(picked["mentions"]) else True
    assert linked  # with a segment filter, only posts placed in a segment


def test_the_report_sees_the_selection_the_explorer_shows(project):
    pytest.importorskip("ipywidgets")
    from cxlib.interactive.explore import Explorer
    from cxlib.report.context import report_data

    explorer = Explorer(root=project, client=CLIENT)
    segment = explorer.ws.config.segments[0]
    explorer.set_filters(segments=[segment], start="2025-03-01", end="2025-10-31")
    explorer.save_view("seg-mar-oct")
    shown = explorer.data.headline(explorer.current_filters())
    data = report_data(CLIENT, root=str(project), view="seg-mar-oct")
    assert len(data.relationship) == shown.by_survey["relationship"][0]
    assert len(data.transactional) == shown.by_survey.get("transactional", (0, 0))[0]
    assert set(data.customers["segment"]) == {segment}
    assert data.selection.startswith("Saved view seg-mar-oct: segment") and "01 Mar 2025 to 31 Oct 2025" in data.selection
    assert data.period == "01 Mar 2025 to 31 Oct 2025"
    assert report_data(CLIENT, root=str(project)).selection == ""


def test_cx_report_refuses_an_unknown_view_before_any_kernel(project, monkeypatch):
    from cxlib.cli import app
    from cxlib.report import execute

    monkeypatch.setattr(execute.Kernel, "__init__", lambda *a, **k: (_ for _ in ()).throw(AssertionError("kernel")))
    save_view(project / "data" / CLIENT, View(name="known"))
    result = CliRunner().invoke(app, ["report", CLIENT, "--root", str(project), "--view", "knwon"])
    assert result.exit_code == 2, result.output
    assert "No view 'knwon'" in result.output and "Did you mean known?" in result.output


@pytest.mark.slow
def test_cx_report_renders_a_saved_view(project):
    from cxlib.cli import app

    save_view(project / "data" / CLIENT, View(name="support", filters=Filters(stages=("support",))))
    result = CliRunner().invoke(app, ["report", CLIENT, "--root", str(project), "--view", "support", "--format",
                                      "html", "--audience", "executive"])
    assert result.exit_code == 0, result.output
    page = (project / "reports" / "views" / "support" / CLIENT / f"{CLIENT}-executive.html").read_text()
    assert "Saved view support: stage support" in page
    assert not (project / "reports" / CLIENT / f"{CLIENT}-executive.html").exists()  # the full report is untouched
