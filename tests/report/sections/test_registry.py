"""The one list of sections: what it holds, what the data supports of it, and the notebook that shows it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from cxlib.errors import ReportError
from cxlib.report.audiences import AUDIENCES
from cxlib.report.sections import TABLE_NAMES, coverage, section, sections
from cxlib.report.sections.base import SECTION_TAG

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "report.ipynb"


def test_every_section_is_declared_once_in_report_order():
    ids = [s.id for s in sections()]
    assert len(ids) == len(set(ids))
    assert ids[0] == "headline" and ids.index("journey_curve") < ids.index("delivery_gap") < ids.index("drivers")
    assert ids.index("actions") > ids.index("drivers") and ids[-2:] == ["about_data", "basis"]
    assert [s.order for s in sections()] == sorted(s.order for s in sections())
    for s in sections():
        assert s.title and set(s.audiences) <= set(AUDIENCES) and s.audiences
        assert {t for key in s.all_needs for t in key.split("|")} <= set(TABLE_NAMES), s.id  # "a|b": either table
        # a section builds on what the reader has seen, except the headline: it answers first, from the sections after it
        assert s.id == "headline" or all(section(u).order < s.order for u in s.uses), s.id


def test_sections_that_use_each_other_in_a_circle_are_refused():
    from cxlib.report.sections.registry import _cycle

    assert _cycle({"a": ("b",), "b": ("c",), "c": ("a",)}) == ["a", "b", "c", "a"]
    assert _cycle({"headline": ("actions",), "actions": ("drivers",), "drivers": ()}) == []


def test_executive_gets_the_short_report():
    assert [s.id for s in sections("executive")] == ["headline", "benchmark", "journey_curve", "delivery_gap",
                                                    "journey_map", "drivers", "voice", "social", "actions", "basis"]
    assert {s.id for s in sections("analyst")} == {s.id for s in sections()}


def test_unknown_section_or_audience_names_the_choices():
    with pytest.raises(ReportError, match="delivery_gap"):
        section("delivery-gap")
    with pytest.raises(ReportError, match="executive, analyst"):
        sections("board")


def test_only_real_sections_are_listed():
    titles = [s.title for s in sections()]
    assert {"Social and reviews", "Touchpoint scorecard", "Journey map"} <= set(titles)  # issue 14's titles
    assert all(t.strip() and t[0].isupper() for t in titles)


def everything() -> dict[str, pd.DataFrame]:
    return {
        "responses": pd.DataFrame({"nps": [9], "csat": [4], "ces": [5], "comment": ["ok"], "interaction_id": ["I1"],
                                   "rating_billing": [4], "customer_id": ["C1"]}),
        "customers": pd.DataFrame({"segment": ["a"], "churned": [False], "annual_value": [10.0]}),
        "interactions": pd.DataFrame({"occurred_at": [pd.Timestamp("2025-01-01")], "touchpoint": ["billing"],
                                      "stage": ["buy"], "channel": ["web"], "case_id": ["K1"], "asked_known_info": [True],
                                      "updates_sent": [0], "department": ["billing"]}),
        "self_assessment": pd.DataFrame({"self_rating": [5], "touchpoint": ["billing"], "owner": ["Finance"]}),
        "mentions": pd.DataFrame({"text": ["late again"], "stars": [2], "posted_at": [pd.Timestamp("2025-01-02")],
                                  "engagement": [3], "replied_at": [pd.Timestamp("2025-01-03")]}),
        "benchmark": pd.DataFrame({"company": ["Rival"], "nps": [7]}),
    }


def test_coverage_with_every_table_is_all_available():
    tables = everything()
    table = coverage(SimpleNamespace(sources=dict.fromkeys(tables)), tables=tables)
    assert list(table.columns) == ["section", "needs", "status", "what_to_provide"]
    assert list(table["section"]) == [s.title for s in sections() if s.needs or s.parts]
    assert set(table["status"]) == {"available"} and set(table["what_to_provide"]) == {""}


def test_coverage_of_a_survey_only_client_says_what_unlocks_each_section():
    tables = {"responses": everything()["responses"]}
    status = coverage(SimpleNamespace(sources={"responses": 1}), tables=tables).set_index("section")
    assert status.loc["What drives NPS, and what to fix first", "status"] == "available"
    assert status.loc["The answer in brief", "status"] == "available"   # the answer from the survey alone
    assert status.loc["Friction along the journey", "what_to_provide"].startswith("An interaction log (one row per "
                                                                               "contact")
    assert status.loc["The journey curve", "status"] == "missing"
    assert status.loc["The delivery gap", "status"] == "partial"   # ratings but no self-assessment
    assert "self-assessment" in status.loc["The delivery gap", "what_to_provide"]
    assert status.loc["Touchpoint scorecard", "needs"] == \
        "responses (csat or ces, interaction_id) + interactions (touchpoint, channel)"


def test_an_empty_column_does_not_count():
    tables = everything()
    tables["responses"] = tables["responses"].assign(comment=pd.NA)
    tables.pop("mentions")  # posts would be coded in place of the comments
    status = coverage(SimpleNamespace(sources=dict.fromkeys(tables)), tables=tables).set_index("section")["status"]
    assert status["Voice of the customer"] == "missing" and status["Touchpoint scorecard"] == "available"
    only_ces = {**tables, "responses": tables["responses"].assign(csat=pd.NA)}
    status = coverage(SimpleNamespace(sources=dict.fromkeys(tables)), tables=only_ces).set_index("section")["status"]
    assert status["Touchpoint scorecard"] == "partial"  # runs on CES alone; CSAT would complete it


def test_onboarding_reads_the_same_list():
    from cxlib.onboard.coverage import SECTIONS, missing_data_sections

    assert [s[0] for s in SECTIONS] == [s.title for s in sections() if s.needs or s.parts]
    tables = everything()
    assert missing_data_sections(SimpleNamespace(sources=dict.fromkeys(tables)), tables=tables).equals(
        coverage(SimpleNamespace(sources=dict.fromkeys(tables)), tables=tables))


def test_reading_the_registry_loads_no_analysis_or_plotting_stack():
    import subprocess
    import sys

    code = ("import sys, cxlib.onboard.coverage, cxlib.report.sections as s; s.sections(); "
            "print(sorted(m for m in ('matplotlib', 'statsmodels', 'sklearn', 'cxlib.text', 'cxlib.analysis.metrics') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- the notebook
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def shown_section(cell) -> str | None:
    m = re.fullmatch(r'show\("(\w+)"\)', cell.source.strip())
    return m.group(1) if m else None


def test_notebook_shows_every_section_once_with_its_prose_and_audience_tags():
    cells = notebook().cells
    shows = [(i, shown_section(c)) for i, c in enumerate(cells) if c.cell_type == "code" and shown_section(c)]
    assert [sid for _, sid in shows] == [s.id for s in sections()]
    for i, sid in shows:
        spec = section(sid)
        tags = set(cells[i].metadata.get("tags", []))
        expected = set() if set(spec.audiences) == set(AUDIENCES) else set(spec.audiences)
        assert tags & set(AUDIENCES) == expected, sid
        prose = [c for c in cells if SECTION_TAG + sid in c.metadata.get("tags", [])]
        if sid != "basis":  # the basis note has no heading
            assert prose and prose[0].source.startswith(f"## {spec.title}"), sid
            assert all(set(c.metadata.get("tags", [])) & set(AUDIENCES) == expected for c in prose), sid


def test_notebook_is_short_and_has_no_definitions():
    cells = notebook().cells
    code = [c for c in cells if c.cell_type == "code"]
    lines = [line for c in code for line in c.source.splitlines() if line.strip()]
    assert len(lines) <= 60
    assert code[0].metadata.get("tags") == ["parameters"]
    for c in code:
        tree = ast.parse(c.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
