"""Untrusted text in reports: the rendered HTML and PDF are inert, self-contained and offline.

Hostile text is pushed through every path a notebook output can take (raw ``HTML(...)``,
markdown, a pandas Styler, SVG, JavaScript, widgets, streams, LaTeX) and the *final* page is
checked with an independent parser; the PDF renderer is checked to fetch nothing.
"""

from __future__ import annotations

import base64
import io
import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cxlib.report.exceptions import UnsafeReport
from cxlib.report.pdf import DataOnlyFetcher, html_to_pdf_bytes
from cxlib.report.render import ReportMeta, _css, render_html
from cxlib.report.sanitize import inert_problems, sanitize_fragment

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TRACKER = "![](https://tracker.example/p.png)"
FILE = "file:///etc/passwd"
LATEX = r"\input{/etc/passwd}"
HOSTILE = [SCRIPT, IMG, TRACKER, FILE, LATEX, '<a href="javascript:alert(1)">x</a>',
           "<iframe src=https://evil.example></iframe>", '<meta http-equiv="refresh" content="0;url=https://e.example">',
           "<base href=https://evil.example/>", '<form action="https://e.example"><input name=q></form>',
           '<div style="background:url(https://tracker.example/bg.png)">bg</div>', "<object data=https://e.example/x>",
           '<svg onload=alert(1)><script>alert(2)</script></svg>', '<link rel=stylesheet href="https://cdn.example/x.css">',
           "<style>body{background:url(https://tracker.example/s.png)}</style>", '<a href="//evil.example/x">proto</a>',
           '<img src="data:text/html;base64,PHNjcmlwdD4=">', "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">"]
PNG_1PX = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")).decode()


def hostile_notebook() -> nbformat.NotebookNode:
    styler = pd.DataFrame({"comment": HOSTILE}).style.to_html()  # pandas Styler does NOT escape
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="https://tracker.example/i.png"/></svg>'
    cells = [
        new_markdown_cell("## Section <b>one</b>\n\n" + "\n\n".join(HOSTILE) + "\n\n[click](javascript:alert(1))"),
        new_code_cell("x", outputs=[
            new_output("display_data", data={"text/html": "<p>" + "</p><p>".join(HOSTILE) + "</p>"}),
            new_output("display_data", data={"text/markdown": "\n\n".join(HOSTILE)}),
            new_output("display_data", data={"text/html": styler}),
            new_output("display_data", data={"image/svg+xml": svg}),
            new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "js"}),
            new_output("display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"}}),
            new_output("display_data", data={"text/latex": LATEX}),
            new_output("display_data", data={"image/png": PNG_1PX}),
            new_output("stream", name="stdout", text="\n".join(HOSTILE)),
            new_output("stream", name="stderr", text="WARNING " + SCRIPT),
            new_output("execute_result", data={"text/plain": SCRIPT}, execution_count=1),
        ]),
        new_markdown_cell("## Section two\n\n### A sub-section"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                              "display_name": "Python 3"}})


@pytest.fixture(scope="module")
def page() -> str:
    meta = ReportMeta(client="hostile", display_name='Evil <script>alert("name")</script> Ltd', audience="analyst",
                      period="2025", brand={"primary": "red;}body{background:url(https://x.example)}",
                                           "accent": "#F2A900"})
    return render_html(hostile_notebook(), meta)


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitizer_leaves_nothing_live_for_each_payload(payload):
    clean = sanitize_fragment(f"<div>{payload}</div>")
    assert inert_problems(clean) == []
    assert "<script" not in clean.lower() and "onerror" not in clean.lower().replace("onerror=alert(1)&gt;", "")


def test_embedded_svg_is_cleaned_and_checked():
    from cxlib.report.sanitize import sanitize_svg

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
           '<script>alert(1)</script><image xlink:href="https://tracker.example/i.png"/><use xlink:href="#a"/>'
           '<rect style="fill:url(https://t.example/x)"/><foreignObject><p>x</p></foreignObject></svg>')
    clean = sanitize_svg(svg)
    assert "script" not in clean and "tracker" not in clean and "onload" not in clean and "foreignObject" not in clean
    assert 'href="#a"' in clean
    live = f'<img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
    assert inert_problems(live)  # the final check looks inside embedded SVG images
    assert sanitize_svg("<svg><unclosed></svg>") is None
    assert sanitize_svg('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>') is None


def test_checker_finds_every_live_construct():
    """The final check must not be a test that cannot fail: it flags each payload when raw."""
    live = [p for p in HOSTILE if p not in (TRACKER, FILE, LATEX)]
    for payload in live:
        assert inert_problems(payload), payload


def test_final_page_is_inert(page):
    assert inert_problems(page) == []
    # a second, cruder look: inside real tags (escaped text has no '<'), nothing live
    tags = " ".join(re.findall(r"<[^>]*>", page)).lower()
    for needle in ("<script", "<iframe", "<object", "<embed", "<form", "<base", "<link", "<svg", "javascript:",
                   "onerror=", "onload=", "onclick=", "http:", "https:", "file:"):
        assert needle not in tags, needle


def test_final_page_requests_nothing_and_needs_no_cdn(page):
    # no require.js / MathJax / any http(s) resource; the only URIs are anchors and data: images
    tags = " ".join(re.findall(r"<[^>]*>", page)).lower()
    assert "require" not in tags and "mathjax" not in tags and "cdn" not in tags
    for match in re.finditer(r'(?:src|href)="([^"]*)"', " ".join(re.findall(r"<[^>]*>", page))):
        assert match.group(1).startswith(("#", "data:image/")), match.group(1)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_hostile_text_is_shown_as_text(page):
    # escaped where it is text: the reader sees the payload, the browser does not run it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "file:///etc/passwd" in page
    assert r"\input{/etc/passwd}" in page
    assert "tracker.example/p.png" in page  # the markdown image is text, not an <img>
    assert '<img src="https://' not in page


def test_no_code_cells_and_no_stderr_in_page(page):
    assert "WARNING" not in page  # stderr is never published
    assert "input_area" not in page and "In&nbsp;[" not in page


def test_client_name_and_brand_are_escaped_and_validated(page):
    assert "Evil &lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Ltd" in page or \
        "Evil &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; Ltd" in page
    assert "background:url(https://x.example)" not in page  # a colour that is not #RRGGBB is not used
    assert "#F2A900" in page and "#1F3A5F" in page          # valid accent kept, bad primary -> default
    assert "#F2A900" in _css({"accent": "#F2A900"})


def test_table_of_contents_links_to_the_headings(page):
    toc = re.search(r'<nav class="cx-toc".*?</nav>', page, re.S).group(0)
    ids = re.findall(r'href="#([^"]+)"', toc)
    assert len(ids) == 3  # analyst: h2 and h3
    for anchor in ids:
        assert f'id="{anchor}"' in page


def test_render_refuses_a_page_that_is_still_live(monkeypatch):
    from cxlib.report import render

    monkeypatch.setattr(render, "sanitize_fragment", lambda html: html)  # break the sanitiser on purpose
    with pytest.raises(UnsafeReport):
        render_html(hostile_notebook(), ReportMeta(client="x", display_name="x"))


def test_pdf_renderer_fetches_nothing_and_prints_latex_literally(page):
    from pypdf import PdfReader

    fetcher = DataOnlyFetcher()
    pdf = html_to_pdf_bytes(page, fetcher=fetcher)
    assert fetcher.refused == []  # nothing left in the page to fetch
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert r"\input{/etc/passwd}" in text and "file:///etc/passwd" in text
    assert "<script>alert(1)</script>" in text  # shown, not run


def test_pdf_fetcher_refuses_outside_and_local_resources_even_in_raw_html():
    raw = ('<html><body><img src="https://tracker.example/p.png"><img src="file:///etc/passwd">'
           '<link rel=stylesheet href="file:///etc/passwd"><div style="background:url(https://t.example/b.png)">x</div>'
           f'<img src="data:image/png;base64,{PNG_1PX}"></body></html>')
    fetcher = DataOnlyFetcher()
    html_to_pdf_bytes(raw, fetcher=fetcher)
    assert set(fetcher.refused) >= {"https://tracker.example/p.png", "file:///etc/passwd", "https://t.example/b.png"}
    assert not any(u.startswith("data:") for u in fetcher.refused)


def test_same_page_gives_the_same_pdf_bytes(page):
    assert html_to_pdf_bytes(page) == html_to_pdf_bytes(page)
