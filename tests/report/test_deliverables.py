"""The deliverables beside the reports: the deck, the owners' one-page briefs, the follow-up list.

Fast tests build a deck from hand-made slides; the slow ones run ``cx report`` on the demo clients
and read what it wrote back with the tools a consultant's machine would use: python-pptx for the
deck, the PDF's page count for each brief (pypdf), openpyxl for the list.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import openpyxl  # noqa: E402
import pytest  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.util import Emu  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from cxlib.report import deck  # noqa: E402
from cxlib.report.briefs import page_count  # noqa: E402
from cxlib.report.deliverables import plan  # noqa: E402


def _png() -> bytes:
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(["a", "b"], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _inside(shape, prs) -> bool:
    return (shape.left >= 0 and shape.top >= 0 and shape.left + shape.width <= prs.slide_width
            and shape.top + shape.height <= prs.slide_height)


def test_plan_splits_reports_from_deliverables():
    p = plan(("executive", "analyst", "owners"), ("html", "pptx"), follow_up=True)
    assert p.report_audiences == ("executive", "analyst") and p.report_formats == ("html",)
    assert p.deck and p.briefs == ("html",) and p.follow_up and p.renders_reports
    only = plan(("owners",), ("pptx",))
    assert not only.renders_reports and only.briefs == ("pdf",) and only.deck
    assert plan(("executive",), ("pdf",)).briefs == ()


def test_a_slide_title_is_the_message_and_keeps_to_its_clause():
    long = ("Across the whole journey, 58 % of customers (861 of 1,485; 95 % CI 55 % to 60 %) met at least one break "
            "in their journey: asked again for information the company held, left without updates on an open case, "
            "an issue unresolved, a repeat contact.")
    assert deck.message(long) == "Across the whole journey, 58 % of customers met at least one break in their journey."
    assert deck.message("Fix first: Billing. It matters.") == "Fix first: Billing."
    assert len(deck.message("word " * 80)) <= 151


def test_a_hand_made_deck_opens_with_python_pptx_in_brand_colours():
    slides = [deck.Slide(title="Test Co", bullets=("Customer experience: the executive summary", "2025")),
              deck.Slide(title="NPS is −40.", bullets=("NPS is −40 (95 % CI −45 to −34; 718 respondents).",),
                         chart=_png(), notes="The answer.\n  • NPS: −40 (95% CI −45 to −34; n = 718 respondents)"),
              deck.Slide(title="Fix billing first.", bullets=("Fix billing: worth up to +48 NPS points.",))]
    payload = deck.deck_pptx(slides, brand={"primary": "#112233", "accent": "#445566", "neutral": "#778899"},
                             footer="Test Co · 2025")
    prs = Presentation(io.BytesIO(payload))
    assert [s.shapes.title.text_frame.text for s in prs.slides] == ["Test Co", "NPS is −40.", "Fix billing first."]
    second = prs.slides[1]
    assert sum(sh.shape_type == 13 for sh in second.shapes) == 1  # the chart, as a picture
    assert all(_inside(sh, prs) for s in prs.slides for sh in s.shapes)
    assert "95% CI −45 to −34; n = 718" in second.notes_slide.notes_text_frame.text
    title_run = second.shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(title_run.font.color.rgb) == "112233"
    assert str(prs.slides[0].background.fill.fore_color.rgb) == "112233"
    assert prs.slide_width == Emu(int(13.333 * 914400))


def _run_cli(root, *args):
    from cxlib.cli import app

    result = CliRunner().invoke(app, ["report", *args, "--root", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
@pytest.mark.parametrize("client", ["bluebird-retail", "acme-telecom", "crest-insurance"])
def test_cx_report_writes_the_deck_the_one_page_briefs_and_the_follow_up_list(demo_root, client):
    from cxlib.report.deck import MAX_SLIDES

    _run_cli(demo_root, client, "--audience", "owners", "--format", "pdf,pptx", "--follow-up")
    folder = demo_root / "reports" / client
    prs = Presentation(str(folder / f"{client}-executive.pptx"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert 6 <= len(prs.slides) <= MAX_SLIDES, titles
    assert len(set(titles)) == len(titles) and all(titles)
    pictures = sum(any(sh.shape_type == 13 for sh in s.shapes) for s in prs.slides)
    assert pictures >= 5  # the report's charts are on the slides
    notes = [s.notes_slide.notes_text_frame.text for s in list(prs.slides)[1:]]
    assert all(notes) and sum("CI" in n and "n = " in n for n in notes) >= 5  # the evidence behind each message
    assert "Based on" in prs.slides[0].notes_slide.notes_text_frame.text  # what the numbers rest on
    assert all(_inside(sh, prs) for s in prs.slides for sh in s.shapes)
    briefs = sorted(folder.glob(f"{client}-owner-*.pdf"))
    assert len(briefs) >= 2
    assert {b.name: page_count(b.read_bytes()) for b in briefs} == {b.name: 1 for b in briefs}  # one page each
    book = openpyxl.load_workbook(folder / f"{client}-follow-up.xlsx")
    assert book.sheetnames == ["Follow up", "About"] and book["Follow up"].max_row > 1
