"""The real report notebook end to end on a small demo client, hostile demo comments, and a real browser.

- default: one small end-to-end run (executive, HTML + PDF) of notebooks/report.ipynb, and the
  demo client's hostile comments pushed through every output path of a fixture notebook;
- ``slow``: full renders (both audiences) of the three demo clients, and a determinism rerun;
- ``browser``: the rendered HTML opened in headless Debian chromium (Playwright with
  ``executable_path``), failing on any console error or any request that is not the report file
  or a ``data:`` URI, with a screenshot.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from cxlib.report.execute import ExecutionSettings
from cxlib.report.pdf import CHROMIUM_ARGS, chromium_path
from cxlib.report.pipeline import ReportJob, render_client
from cxlib.report.sanitize import inert_problems

demo = pytest.importorskip("cxlib.demo", reason="cxlib.demo (demo clients) not available yet")

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
SETTINGS = ExecutionSettings(cell_timeout=300, start_timeout=60)
CLIENT = "acme-telecom"


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report_e2e")
    demo.generate_client(CLIENT, root, n_customers=500, seed=5)
    return root


@pytest.fixture(scope="module")
def executive(small_demo) -> Path:
    result = render_client(ReportJob(client=CLIENT, root=str(small_demo), audiences=("executive",), settings=SETTINGS))
    assert result.ok, f"{result.error_type}: {result.error}"
    return small_demo / "reports" / CLIENT


@pytest.fixture(scope="module")
def hostile(small_demo) -> Path:
    result = render_client(ReportJob(client=CLIENT, root=str(small_demo), audiences=("analyst",), settings=SETTINGS,
                                     notebook=str(FIXTURES / "hostile_verbatims.ipynb"),
                                     out_dir=str(small_demo / "hostile")))
    assert result.ok, f"{result.error_type}: {result.error}"
    return small_demo / "hostile" / CLIENT


def planted_pii(root: Path, client: str) -> list[str]:
    pii = pd.read_csv(root / "data" / client / "planted_pii.csv", dtype=str)
    return pii.loc[pii["is_pii"].str.lower() == "true", "value"].tolist()


def pdf_text_and_images(path: Path) -> tuple[int, str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return len(reader.pages), text, images


def test_executive_report_end_to_end(executive):
    html = (executive / f"{CLIENT}-executive.html").read_text()
    assert inert_problems(html) == []
    for heading in ("The answer in brief", "The journey curve", "The delivery gap",
                    "What drives NPS, and what to fix first", "Voice of the customer", "What to do first"):
        assert heading in html
    assert "Relationship NPS" in html and 'class="cx-actions"' in html
    assert "About the data" not in html and "Method notes" not in html  # analyst only
    assert html.count("data:image/svg+xml") + html.count("data:image/png;base64,") >= 5  # charts embedded (vector)
    pages, text, images = pdf_text_and_images(executive / f"{CLIENT}-executive.pdf")
    assert 2 <= pages <= 10
    assert "The answer in brief" in text and "Relationship NPS" in text
    assert "What to do first" in text
    manifest = json.loads((executive / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["parameters"]["executive"]["audience"] == "executive"


def test_personal_data_and_identifiers_never_reach_the_executive_outputs(small_demo, executive):
    html = (executive / f"{CLIENT}-executive.html").read_text()
    notebook = (executive / f"{CLIENT}-executive.ipynb").read_text()
    _, pdf_text, _ = pdf_text_and_images(executive / f"{CLIENT}-executive.pdf")
    values = planted_pii(small_demo, CLIENT)
    assert values, "the demo client should carry planted personal data"
    for value in values:
        for name, blob in (("html", html), ("notebook", notebook), ("pdf", pdf_text)):
            assert value not in blob, f"{value!r} in the {name}"
    # no response / customer / interaction ids in the executive report
    assert not re.search(r"ACM-[RCI]\d{6}", html + pdf_text)


def test_hostile_demo_comments_are_inert_in_html_and_pdf(small_demo, hostile):
    html = (hostile / f"{CLIENT}-analyst.html").read_text()
    assert inert_problems(html) == []
    tags = " ".join(re.findall(r"<[^>]*>", html)).lower()
    for needle in ("<script", "onerror", "javascript:", "tracker.example", "file:", "<iframe"):
        assert needle not in tags, needle
    # the hostile comments did reach the page, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "tracker.example/p.png" in html and "file:///etc/passwd" in html
    _, text, _ = pdf_text_and_images(hostile / f"{CLIENT}-analyst.pdf")
    assert r"\input{/etc/passwd}" in text  # printed literally, never interpreted
    assert "<script>alert(1)</script>" in text


@pytest.mark.slow
@pytest.mark.parametrize("client", demo.DEMO_CLIENTS)
def test_full_reports_of_every_demo_client(demo_root, client):
    result = render_client(ReportJob(client=client, root=str(demo_root), settings=SETTINGS,
                                     out_dir=str(demo_root / "full-reports")))
    assert result.ok, f"{result.error_type}: {result.error}"
    out = demo_root / "full-reports" / client
    for audience in ("executive", "analyst"):
        html = (out / f"{client}-{audience}.html").read_text()
        assert inert_problems(html) == []
        pages, text, images = pdf_text_and_images(out / f"{client}-{audience}.pdf")
        assert "What to do first" in text and pages >= 2
    analyst = (out / f"{client}-analyst.html").read_text()
    assert "Reconciliation" in analyst and "Method notes" in analyst and "Key drivers of NPS" in analyst
    for value in planted_pii(demo_root, client):
        assert value not in analyst and value not in (out / f"{client}-analyst.ipynb").read_text()


@pytest.mark.slow
def test_the_real_report_is_identical_when_run_twice(small_demo, executive):
    first = json.loads((executive / "manifest.json").read_text())["outputs"]
    again = render_client(ReportJob(client=CLIENT, root=str(small_demo), audiences=("executive",), settings=SETTINGS,
                                    out_dir=str(small_demo / "again")))
    assert again.ok and again.outputs == first


# ------------------------------------------------------------------------------------------------
# real browser
# ------------------------------------------------------------------------------------------------
def open_in_chromium(path: Path, screenshot: Path) -> tuple[list[str], list[str]]:
    """Open ``path`` in headless chromium; return (console errors, refused requests)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    allowed = path.resolve().as_uri()

    def route(r):
        url = r.request.url
        if url == allowed or url.startswith("data:"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: outside.append(r.url) if r.url not in outside else None)
            page.route("**/*", route)
            page.goto(allowed, wait_until="load")
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot), full_page=True)
            title = page.title()
        finally:
            browser.close()
    assert title
    return errors, outside


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None,
                    reason="needs Debian chromium at /usr/bin/chromium (`apt-get install -y chromium`, or `make browser`)")
@pytest.mark.parametrize("which", ["executive", "hostile"])
def test_report_opens_in_a_real_browser_without_errors_or_requests(which, executive, hostile, tmp_path):
    path = executive / f"{CLIENT}-executive.html" if which == "executive" else hostile / f"{CLIENT}-analyst.html"
    shot = tmp_path / f"{which}.png"
    errors, outside = open_in_chromium(path, shot)
    assert errors == []
    assert outside == []
    assert shot.exists() and shot.stat().st_size > 10_000
