"""The explorer in a real browser: Debian chromium (Playwright) drives JupyterLab on 127.0.0.1.

It opens notebooks/explore.ipynb as a consultant does, runs it, changes a filter by clicking, and
reads the updated numbers, which must be the ones computed from the validated tables. Runs where
``/usr/bin/chromium`` is present (``make browser`` installs it; CI does), skipped with the reason
otherwise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxlib.report.pdf import chromium_path

REPO = Path(__file__).resolve().parents[2]
CLIENT = "acme-telecom"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="needs Debian chromium at /usr/bin/chromium "
                                                       "(`apt-get install -y chromium`, or `make browser`)"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    from cxlib.demo import generate_client

    root = tmp_path_factory.mktemp("lab")
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    (root / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "explore.ipynb", root / "notebooks" / "explore.ipynb")
    generate_client(CLIENT, root, n_customers=400, seed=6)
    return root


def test_explorer_in_jupyterlab_updates_the_numbers_when_a_filter_changes(project, tmp_path):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    from cxlib.analysis import metrics
    from cxlib.workspace import open_client
    from tests.interactive.browser_lab import choose_segment, jupyterlab, open_explorer, selected_count, wait_for_change

    ws = open_client(CLIENT, root=project)
    ctx = metrics.with_context(ws.responses, customers=ws.customers, interactions=ws.interactions)
    in_period = ctx[(ctx["answered_at"] >= ws.config.period_start)
                    & (ctx["answered_at"] < ws.config.period_end + __import__("pandas").Timedelta(days=1))]
    segment = ws.config.segments[-1]
    with jupyterlab(project) as (base, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            open_explorer(page, base, token)
            assert selected_count(page) == len(in_period)
            choose_segment(page, segment)
            after = wait_for_change(page, len(in_period))
            page.screenshot(path=str(tmp_path / "filtered.png"))
            assert after == int((in_period["segment"] == segment).sum())
            assert page.get_by_text("answered the NPS question").first.is_visible()
            assert errors == []
        finally:
            browser.close()
    assert (tmp_path / "filtered.png").stat().st_size > 10_000
