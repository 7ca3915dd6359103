"""The editable deck: the executive report as a PowerPoint file (python-pptx).

``cx report <client> --format pptx`` writes ``<client>-executive.pptx`` beside the reports. It is
built from the executive report's own section results, not from its HTML: one slide per section
the client's data supports, in report order, after a title slide. On each slide

- the **title is the message**: the section's first finding that holds, as one sentence (its
  bracketed evidence moved to the body when the sentence is too long for a title);
- the **chart** is the section's first chart, as the report draws it
  (:func:`cxlib.present.charts.captured_charts`: the same plot, in PNG);
- the **body** holds the findings as the report says them, with their n and intervals;
- the **speaker notes** hold the evidence: every number with its unit, interval and base, and the
  rule under which the sentence may be said.

Brand colours come from client.yaml (``primary`` for titles, ``accent`` for the rule under them).
A deck has at most :data:`MAX_SLIDES` slides; customer text on a slide is a quote the report
already shows (redacted, curated), never raw posts.

Examples
--------
>>> message("Fix first: Billing. It matters more than the median touchpoint.")
'Fix first: Billing.'
>>> message("At Support › Phone customers are asked again in 60 % of contacts (95 % CI 56 % to 64 %; 693 "
...         "contacts), against 13 % across the journey (11,052 contacts).", limit=100)
'At Support › Phone customers are asked again in 60 % of contacts, against 13 % across the journey.'
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any, Sequence

from cxlib.errors import ReportError

__all__ = ["MAX_SLIDES", "Slide", "message", "evidence_notes", "deck_slides", "deck_pptx", "deck_name", "deck_files"]

#: The most slides a deck may have (title slide included): an executive deck, not the analyst report.
MAX_SLIDES = 12
#: Sections that give no slide of their own (the basis of the numbers goes into the title slide's notes).
_NO_SLIDE = {"basis"}
_WIDTH_IN, _HEIGHT_IN = 13.333, 7.5


@dataclass(frozen=True)
class Slide:
    """One slide: ``title`` (the message), ``bullets`` (findings as said), ``chart`` (PNG bytes or None),
    ``notes`` (the evidence, for the speaker), ``section`` (its section id; "" for the title slide)."""

    title: str
    bullets: tuple[str, ...] = ()
    chart: bytes | None = None
    notes: str = ""
    section: str = ""


def message(text: str, *, limit: int = 150) -> str:
    """A finding as a slide title: its first sentence, without bracketed evidence when that is too long.

    The evidence is not lost: the full sentence is the slide's first bullet.
    """
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", " ".join(str(text).split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    short = re.sub(r"\s*\([^()]*\)", "", first)
    short = re.sub(r"\s+([,.;:])", r"\1", short)
    if len(short) <= limit:
        return short
    # the longest clause that fits (the message comes first in these sentences), else the words that fit
    for marks in ("[:;]", ","):  # a whole clause before a colon first; a comma only when there is none
        cuts = [m.start() for m in re.finditer(marks + " ", short) if 40 <= m.start() <= limit - 1]
        if cuts:
            return short[:cuts[-1]] + "."
    return short[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _value(x: float) -> str:
    """A number for the notes: whole above 100, one decimal above 10, else two."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _number(c) -> str:
    from cxlib.present.formatting import count

    value = "suppressed (too few)" if c.value != c.value else _value(c.value)
    line = f"{c.label}: {value} {c.unit}".rstrip()
    extra = []
    if c.has_interval:
        extra.append(f"{c.level:.0%} CI {_value(c.ci[0])} to {_value(c.ci[1])}")
    if c.n is not None:
        extra.append(f"n = {count(c.n)} {c.n_unit}")
    return line + (f" ({'; '.join(extra)})" if extra else "")


def evidence_notes(title: str, findings: Sequence[Any], notes: Sequence[str] = ()) -> str:
    """The speaker notes of a slide: each finding as said, its numbers (unit, interval, n) and its rule."""
    lines = [f"{title}."]
    for f in findings:
        lines += ["", f.said]
        lines += [f"  • {_number(c)}" for c in f.cited()]
        if f.condition:
            lines.append(f"  Rule: {f.condition}.")
    lines += ["", *notes] if notes else []
    return "\n".join(lines)


def _section_slides(run, audience: str) -> list[Slide]:
    from IPython.utils.capture import capture_output

    from cxlib.present import charts
    from cxlib.report.sections import sections

    slides = []
    for spec in sections(audience):
        if spec.id in _NO_SLIDE or run.missing(spec.id):
            continue
        with charts.captured_charts() as pngs, capture_output(display=True), contextlib.redirect_stdout(io.StringIO()):
            run.show(spec.id, audience=audience)  # the report's own charts, drawn as it draws them
        result = run.result(spec.id)
        # the headline's slide is the answer in brief (its own sentences), every other slide its findings
        findings = list(getattr(result, "answer", ()) or result.findings)
        said = [f for f in findings if f.said]
        if not said and not pngs:
            continue
        holding = [f for f in said if f.holds]
        title = message(holding[0].said) if holding else spec.title
        notes = [n.text for n in result.notes if audience in n.audiences]
        slides.append(Slide(title=title, bullets=tuple(f.said for f in said[:4]), chart=pngs[0] if pngs else None,
                            notes=evidence_notes(spec.title, said, notes), section=spec.id))
    return slides


def deck_slides(run, *, audience: str = "executive", period: str = "") -> list[Slide]:
    """The deck's slides from a :class:`~cxlib.report.sections.ReportRun`: a title slide, then one per section.

    Raises
    ------
    ReportError
        When the report would need more than :data:`MAX_SLIDES` slides (a section list grew: merge or drop one).
    """
    data = run.data
    basis = run.result("basis") if not run.missing("basis") else None
    basis_notes = evidence_notes("What the numbers are based on", basis.findings,
                                 [getattr(basis, "text", "")]) if basis is not None else ""
    cover = Slide(title=str(data.config.display_name), bullets=("Customer experience: the executive summary",
                                                                *([period] if period else ())),
                  notes=basis_notes)
    slides = [cover, *_section_slides(run, audience)]
    if len(slides) > MAX_SLIDES:
        raise ReportError(f"The deck would have {len(slides)} slides, more than {MAX_SLIDES}; the executive report has "
                          "too many sections for one deck (make one of them analyst-only).")
    return slides


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def _text(frame, lines: Sequence[str], *, size: int, colour: str, bold_first: bool = False) -> None:
    from pptx.util import Pt

    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.space_after = Pt(8)
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.color.rgb = _rgb(colour)
            run.font.bold = bold_first and i == 0


def _picture(slide, png: bytes, *, left: float, top: float, width: float, height: float) -> None:
    """The chart, as large as fits the box, keeping its proportions."""
    from PIL import Image
    from pptx.util import Inches

    w, h = Image.open(io.BytesIO(png)).size
    scale = min(width / w, height / h)
    slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(w * scale), Inches(h * scale))


def deck_pptx(slides: Sequence[Slide], *, brand: dict | None = None, footer: str = "") -> bytes:
    """The slides as an editable .pptx (16:9, titles in placeholders, notes on every slide)."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    from cxlib.config import brand_colours

    colours = brand_colours(brand)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(_WIDTH_IN), Inches(_HEIGHT_IN)
    for number, spec in enumerate(slides, start=1):
        cover = number == 1
        slide = deck.slides.add_slide(deck.slide_layouts[0 if cover else 5])  # title / title only
        title = slide.shapes.title
        title.left, title.width = Inches(0.5), Inches(_WIDTH_IN - 1.0)
        if cover:
            slide.background.fill.solid()
            slide.background.fill.fore_color.rgb = _rgb(colours["primary"])
            title.top, title.height = Inches(2.3), Inches(1.4)
            _text(title.text_frame, [spec.title], size=40, colour="#FFFFFF", bold_first=True)
            sub = slide.placeholders[1]
            sub.left, sub.top, sub.width, sub.height = Inches(0.5), Inches(3.8), Inches(_WIDTH_IN - 1.0), Inches(1.6)
            _text(sub.text_frame, list(spec.bullets), size=20, colour=colours["accent"])
        else:
            title.top, title.height = Inches(0.3), Inches(1.1)
            _text(title.text_frame, [spec.title], size=24, colour=colours["primary"], bold_first=True)
            rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.5), Inches(1.45), Inches(1.6), Inches(0.07))
            rule.fill.solid()
            rule.fill.fore_color.rgb = _rgb(colours["accent"])
            rule.line.fill.background()
            if spec.chart is not None:
                _picture(slide, spec.chart, left=0.5, top=1.7, width=7.9, height=5.2)
                box = slide.shapes.add_textbox(Inches(8.65), Inches(1.7), Inches(4.2), Inches(5.2))
                _text(box.text_frame, spec.bullets[:3], size=12, colour="#222222")
            else:
                box = slide.shapes.add_textbox(Inches(0.5), Inches(1.7), Inches(_WIDTH_IN - 1.0), Inches(5.2))
                _text(box.text_frame, spec.bullets, size=16, colour="#222222")
            foot = slide.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(_WIDTH_IN - 1.0), Inches(0.35))
            _text(foot.text_frame, [f"{footer} · {number}" if footer else str(number)], size=9, colour=colours["neutral"])
        slide.notes_slide.notes_text_frame.text = spec.notes
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def deck_name(client: str) -> str:
    """``acme-telecom-executive.pptx``."""
    return f"{client}-executive.pptx"


def deck_files(client: str, *, root: str, parameters: dict | None = None) -> dict[str, bytes]:
    """``{"<client>-executive.pptx": bytes}``: the executive report of the period as a deck."""
    from cxlib.report.context import report_data
    from cxlib.report.sections import ReportRun

    params = {k: v for k, v in (parameters or {}).items() if k in ("period_start", "period_end", "seed", "view")}
    data = report_data(client, root=root, audience="executive", **params)
    run = ReportRun(data, audience="executive", theme=True)
    slides = deck_slides(run, period=data.period)
    footer = f"{data.config.display_name} · {data.period}" if data.period else str(data.config.display_name)
    return {deck_name(client): deck_pptx(slides, brand=dict(data.config.brand), footer=footer)}
