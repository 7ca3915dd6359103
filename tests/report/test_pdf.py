"""The PDF engine gives the same bytes for the same page, however long the render takes."""

from __future__ import annotations

import io
import os

import pytest

from cxlib.report.pdf import FONT_DATE_EPOCH, html_to_pdf_bytes, reproducible_font_dates

PAGE = "<html><body><h1>Héllo</h1><p>The same page, rendered twice, gives the same bytes: 1234 % £ €.</p></body></html>"


class _TickingClock:
    """``time.time`` that moves on 1000 s per call: a render on a very loaded machine."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        self.now += 1000
        return self.now


def _font_dates(pdf: bytes) -> set[int]:
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    dates = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object().get("/DescendantFonts")
            for d in (descendant or []):
                file = d.get_object()["/FontDescriptor"].get_object().get("/FontFile2")
                if file is not None:
                    dates.add(TTFont(io.BytesIO(file.get_object().get_data()))["head"].modified)
    return dates


@pytest.mark.parametrize("subsetter", ["fonttools", "as installed"])
def test_a_slow_render_still_gives_the_same_bytes(monkeypatch, subsetter):
    """The cause of the old flaky byte-equality tests: without libharfbuzz-subset (Debian's
    libharfbuzz-subset0, often absent), WeasyPrint subsets fonts with fontTools, which stamps the
    clock into each subset font. "fonttools" forces that path whatever this machine has."""
    import fontTools.misc.timeTools as tt
    import weasyprint.pdf.fonts

    if subsetter == "fonttools":
        monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    clock = _TickingClock()
    monkeypatch.setattr(tt, "time", clock)  # each font subset sees a later second
    first, second = html_to_pdf_bytes(PAGE), html_to_pdf_bytes(PAGE)
    assert first == second
    dates = _font_dates(first)
    assert dates, "the page embeds at least one subset font"
    assert all(d < 1_700_000_000 - tt.epoch_diff for d in dates)  # no date from the (ticking) clock
    if subsetter == "fonttools":
        assert dates == {int(FONT_DATE_EPOCH) - tt.epoch_diff}  # the fixed date


def test_the_environment_is_left_as_it_was(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with reproducible_font_dates():
        assert os.environ["SOURCE_DATE_EPOCH"] == FONT_DATE_EPOCH
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a caller's own reproducible date is kept
    with reproducible_font_dates():
        assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


@pytest.mark.parametrize("engine", ["weasyprint"])
def test_same_page_same_bytes_in_one_process_many_times(engine):
    assert len({html_to_pdf_bytes(PAGE, engine=engine) for _ in range(3)}) == 1
