"""A report run: each section computed once, shown per audience, and what happens when its data is missing."""

from __future__ import annotations

import dataclasses

import nbformat
import numpy as np
import pytest

from cxlib.report.render import body_html
from cxlib.report.sections import SECTION_MIME, ReportRun, section
from cxlib.report.sections.base import SECTION_TAG

from .conftest import hand_data, relationship


@pytest.fixture
def survey_only():
    """A client that sent only a survey export: NPS and touchpoint ratings, no interaction log, CRM or self-assessment."""
    rng = np.random.default_rng(3)
    return hand_data(responses=relationship(list(rng.integers(0, 11, 80)), rating_billing=rng.integers(1, 6, 80),
                                            rating_app=rng.integers(1, 6, 80)))


def markers(shown) -> list[dict]:
    return [obj[SECTION_MIME] for obj, raw in shown if isinstance(obj, dict) and SECTION_MIME in obj]


def test_executive_drops_a_section_without_its_data_silently(survey_only, shown):
    ReportRun(survey_only, audience="executive", theme=False).show("journey_curve")
    assert markers(shown) == [{"section": "journey_curve", "shown": False}]
    assert len(shown) == 1 and shown[0][1] is True  # raw: nothing visible


def test_analyst_is_told_once_what_would_unlock_it(survey_only, shown):
    run = ReportRun(survey_only, audience="analyst", theme=False)
    run.show("journey_curve")
    assert markers(shown) == [{"section": "journey_curve", "shown": False}]   # no empty section, no note in its place
    unavailable = run.unavailable()                                             # listed once, in "About the data"
    line = next(x for x in unavailable if x.startswith("The journey curve"))
    assert line.startswith("The journey curve: not available, because this client's data has no interaction log")
    assert "To unlock it: an interaction log with the lifecycle stage of each contact" in line
    assert sum(x.startswith("The journey curve") for x in unavailable) == 1
    text = " ".join(unavailable)
    assert "client.yaml" not in text and "`" not in text and "_" not in text  # no developer text, no column codes


def test_a_section_for_analysts_shows_nothing_to_executives(survey_only, shown):
    ReportRun(survey_only, audience="executive", theme=False).show("scores_by_group")
    assert markers(shown) == [{"section": "scores_by_group", "shown": False}]


def test_a_missing_part_is_listed_once_and_never_shown_in_its_section(survey_only, shown):
    run = ReportRun(survey_only, theme=False)
    run.show("voice", audience="analyst")
    run.show("headline", audience="executive")
    html = shown.html()
    assert "not available" not in html
    assert sum(x.startswith("Theme frequency by segment: not available") for x in run.unavailable()) == 0  # no comments
    assert any(x.startswith("Scores by segment and region: not available") for x in run.unavailable())
    assert "Relationship NPS" in html


def test_each_section_is_computed_once_for_both_audiences(survey_only, shown, monkeypatch):
    import pandas as pd

    import cxlib.report.sections.run as run_module

    data = dataclasses.replace(survey_only, self_assessment=pd.DataFrame(
        {"touchpoint": ["billing", "app"], "self_rating": [5, 3], "believes_superior": [True, False],
         "expected_top_box_pct": [80.0, 20.0]}))

    calls = []
    real = section("delivery_gap")
    counted = dataclasses.replace(real, compute=lambda data, **kw: calls.append(1) or real.compute(data, **kw))
    monkeypatch.setattr(run_module, "section", lambda sid: counted if sid == "delivery_gap" else section(sid))
    run = ReportRun(data, theme=False)
    run.show("headline", audience="executive")    # the headline answers from the delivery gap, the actions ...
    run.show("headline", audience="analyst")
    run.show("delivery_gap", audience="analyst")  # ... so the delivery gap is not computed a second time
    assert calls == [1] and {"headline", "delivery_gap", "actions", "drivers"} <= set(run.results)
    gap_card = [c for c in run.results["headline"].cards if c.label.startswith("Rated 5/5")]
    assert gap_card and gap_card[0].value == "80 % vs " + gap_card[0].value.split(" vs ")[1]
    assert run.result("journey_curve") is None and run.results["journey_curve"] is None  # no interaction log


def test_the_renderer_drops_the_prose_of_a_dropped_section(survey_only, shown):
    ReportRun(survey_only, audience="executive", theme=False).show("journey_curve")
    (marker, _), = shown
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## The journey curve\n\nHow customers rate...",
                                      metadata={"tags": [SECTION_TAG + "journey_curve"]}),
        nbformat.v4.new_code_cell('show("journey_curve")', outputs=[nbformat.v4.new_output("display_data", data=marker)]),
        nbformat.v4.new_markdown_cell("## The delivery gap", metadata={"tags": [SECTION_TAG + "delivery_gap"]}),
    ])
    body = body_html(nb)
    assert "journey curve" not in body.lower() and "How customers rate" not in body
    assert "The delivery gap" in body and "vnd.cxlib" not in body


def test_survey_comments_are_coded_once_per_report(demo_root, monkeypatch):
    """The journey map, the voice, the owners' briefs and the social section share one coding of the comments
    and one sentiment pass over its mentions (each took seconds on a large client, four and three times over)."""
    from cxlib import text
    from cxlib.report.context import report_data
    from cxlib.report.sections import ReportRun

    calls = {"code_comments": [], "mention_sentiment": []}
    for name in calls:
        real = getattr(text, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name].append(len(args[0]))
            return _real(*args, **kwargs)

        monkeypatch.setattr(text, name, counted)
    data = report_data("acme-telecom", root=str(demo_root), audience="analyst")
    run = ReportRun(data, cache="off", theme=False)
    for sid in ("journey_map", "voice", "owners", "social"):
        assert run.result(sid) is not None, sid
    n = len(data.responses)
    assert calls["code_comments"].count(n) == 1, calls["code_comments"]
    assert calls["mention_sentiment"] == [calls["mention_sentiment"][0]], calls["mention_sentiment"]
    assert data.coded_comments() is data.coded_comments()


def test_a_report_holds_its_period_and_never_the_whole_touchpoint_log(demo_root, monkeypatch):
    """A kernel reads the period's rows from the store, keeps no whole table afterwards, and tells which
    columns hold data without loading any table (issue 17: at ten million touchpoints each whole table
    held was about a gigabyte per kernel)."""
    from cxlib.ingest import store
    from cxlib.report.context import report_data
    from cxlib.report.sections import ReportRun

    read = []
    real = store.read_table
    monkeypatch.setattr(store, "read_table", lambda path, name: read.append(name) or real(path, name))
    data = report_data("acme-telecom", root=str(demo_root), audience="analyst")
    assert not {"interactions", "responses", "mentions"} & set(read), read
    assert data.ws._cache == {}
    whole = data.ws.table("interactions")
    assert 0 < len(data.interactions) < len(whole)  # the demo's touchpoints start before its period
    data.ws.forget_tables()
    read.clear()
    ReportRun(data, cache="off", theme=False).result("about_data")  # coverage: which columns hold data
    assert not {"interactions", "responses", "mentions", "customers"} & set(read), read
