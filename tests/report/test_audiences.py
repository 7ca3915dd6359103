"""One list of audiences, read by the notebook check, the pipeline, the renderer, the sections and the CLI."""

from __future__ import annotations

import nbformat
import pytest

from cxlib.errors import ReportError
from cxlib.report import audiences, context, pipeline
from cxlib.report.render import ReportMeta, render_html


def test_every_reader_of_the_list_gets_the_same_list():
    assert audiences.AUDIENCES == ("executive", "analyst")
    assert pipeline.AUDIENCES is audiences.AUDIENCES and context.AUDIENCE_VALUES is audiences.AUDIENCES
    from cxlib.report import AUDIENCES

    assert AUDIENCES is audiences.AUDIENCES


def test_unknown_audience_names_the_choices():
    with pytest.raises(ReportError, match="audience='board': use one of executive, analyst, owners"):
        audiences.audience("board")


def test_what_each_audience_gets():
    assert audiences.other_audiences("executive") == ("analyst",)
    executive, analyst = audiences.audience("executive"), audiences.audience("analyst")
    assert (executive.missing_sections, analyst.missing_sections) == ("drop", "explain")
    assert not executive.detail and analyst.detail


@pytest.mark.parametrize("name, levels", [("executive", ["h2"]), ("analyst", ["h2", "h3"])])
def test_renderer_reads_the_table_of_contents_depth_from_the_registry(name, levels):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Top\n\n### Detail")])
    page = render_html(nb, ReportMeta(client="x", display_name="X", audience=name))
    toc = page[page.index('class="cx-toc"'):] if 'class="cx-toc"' in page else page
    assert ('href="#detail"' in toc) == ("h3" in levels)
    assert audiences.audience(name).label in page


def test_owners_are_a_reader_of_briefs_not_of_the_report_notebook():
    owners = audiences.audience("owners")
    assert owners.kind == "briefs" and not audiences.is_report("owners")
    assert "owners" in audiences.CHOICES and "owners" not in audiences.AUDIENCES
    # the report's own notebook cells never run for owners: they are not a notebook audience
    assert "owners" not in audiences.other_audiences("executive")
