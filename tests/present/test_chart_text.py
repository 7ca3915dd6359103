"""Chart text is text: searchable in the PDF, escaped in the SVG, in a font stack that never falls back to serif."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cxlib.present import charts  # noqa: E402
from cxlib.report.sanitize import sanitize_svg  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<img src=x onerror="alert(1)"> & Billing'


@pytest.fixture(autouse=True)
def theme():
    charts.set_theme()
    yield
    plt.close("all")


def _chart_svg() -> str:
    ax = charts.bar_chart(pd.DataFrame({"segment": [HOSTILE, "Roaming fees"], "nps": [12.0, -3.0]}),
                          x="nps", y="segment")
    ax.set_title("NPS by segment")
    out = charts.svg(ax.figure)
    plt.close(ax.figure)
    return out


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def test_labels_are_svg_text_elements_with_the_exact_label_escaped():
    svg = _chart_svg()
    texts = _texts(svg)
    assert HOSTILE in texts and "Roaming fees" in texts and "NPS by segment" in texts
    assert "<img" not in svg  # the label is character data, never markup
    assert not list(ET.fromstring(svg).iter(f"{SVG_NS}img"))


def test_every_font_family_is_the_chart_stack():
    svg = _chart_svg()
    families = re.findall(r"font-family: ?([^;\"]+)", svg)
    assert families and set(families) == {charts.CHART_FONTS}
    assert charts.CHART_FONTS.rstrip().endswith("sans-serif")


def test_the_sanitiser_keeps_the_text():
    svg = _chart_svg()
    clean = sanitize_svg(svg)
    assert clean is not None
    assert HOSTILE in _texts(svg) and _texts(clean) == _texts(svg)


def test_chart_labels_can_be_found_in_the_pdf():
    import pdfplumber

    from cxlib.report.pdf import html_to_pdf_bytes

    svg = _chart_svg()

    page = ('<html><body><img alt="chart" style="width: 170mm" src="data:image/svg+xml;base64,'
            + base64.b64encode(svg.encode("utf-8")).decode("ascii") + '"></body></html>')
    with pdfplumber.open(io.BytesIO(html_to_pdf_bytes(page))) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    found = re.sub(r"\s+", "", text)  # pdfplumber guesses word spaces from glyph gaps; the letters are what count
    assert "Roamingfees" in found and "NPSbysegment" in found
