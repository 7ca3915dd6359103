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
    ReportRun(survey_only, audience="analyst", theme=False).show("journey_curve")
    assert markers(shown) == []
    html = shown.html()
    assert html.count('class="cx-note"') == 1
    assert "The journey curve: not available, because this client&#x27;s data has no interaction log" in html
    assert "To unlock it: lifecycle stage per interaction" in html
    assert "client.yaml" not in html and "`" not in html  # no developer text


def test_a_section_for_analysts_shows_nothing_to_executives(survey_only, shown):
    ReportRun(survey_only, audience="executive", theme=False).show("scores_by_group")
    assert markers(shown) == [{"section": "scores_by_group", "shown": False}]


def test_a_missing_part_is_explained_to_analysts_only(survey_only, shown):
    run = ReportRun(survey_only, theme=False)
    run.show("headline", audience="executive")
    executive = shown.html()
    shown.clear()
    run.show("headline", audience="analyst")
    analyst = shown.html()
    assert "Journey index: not available" not in executive and "journey index" not in executive.lower()
    assert analyst.count("Journey index: not available") == 1
    assert "Relationship NPS" in executive and "Relationship NPS" in analyst


def test_each_section_is_computed_once_for_both_audiences(survey_only, shown, monkeypatch):
    import pandas as pd

    import cxlib.report.sections.run as run_module

    data = dataclasses.replace(survey_only, self_assessment=pd.DataFrame(
        {"touchpoint": ["billing", "app"], "self_rating": [5, 3], "believes_superior": [True, False],
         "expected_top_box_pct": [80.0, 20.0]}))

    calls = []
    real = section("headline")
    counted = dataclasses.replace(real, compute=lambda data, **kw: calls.append(1) or real.compute(data, **kw))
    monkeypatch.setattr(run_module, "section", lambda sid: counted if sid == "headline" else section(sid))
    run = ReportRun(data, theme=False)
    run.show("headline", audience="executive")
    run.show("headline", audience="analyst")
    run.show("delivery_gap", audience="analyst")  # builds on the headline: no second computation
    assert calls == [1] and set(run.results) == {"headline", "delivery_gap"}
    assert run.results["delivery_gap"].headline is run.results["headline"].gap
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
