"""Drive JupyterLab in a real browser (Debian chromium through Playwright): start a server on
127.0.0.1, open a notebook, run it, and find widgets. Used by ``test_explore_browser.py``;
``python -m tests.interactive.browser_lab <project> <out-folder>`` runs the explorer once and keeps
the screenshots (what the hardening note describes).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

__all__ = ["jupyterlab", "open_explorer", "headline", "selected_count", "wait_for_change", "choose_segment"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(project: Path, *, timeout: float = 90.0):
    """A JupyterLab server for ``project`` on 127.0.0.1; yields its base URL with the token."""
    import urllib.request

    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k != "CX_ROOT"}
    # nothing from the user's own JupyterLab: a fresh config, settings and workspace; no news toast
    lab = project / ".jupyterlab-test"
    settings = lab / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env.update(JUPYTER_CONFIG_DIR=str(lab / "config"), JUPYTERLAB_SETTINGS_DIR=str(lab / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(lab / "workspaces"))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={project}",
           "--ServerApp.disable_check_xsrf=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
           "jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    log = open(project / "jupyterlab.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start: " + (project / "jupyterlab.log").read_text()[-2000:])
                time.sleep(0.5)
        yield base, token
    finally:
        import signal

        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(20)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def open_explorer(page, base: str, token: str, *, timeout_ms: int = 600_000) -> None:
    """Open notebooks/explore.ipynb, run every cell (Run > Run All Cells), wait for the explorer.

    Generous timeouts: on a loaded CI machine JupyterLab, the kernel and the first client load can
    each take a minute; what is checked is what the page shows, not how fast.
    """
    page.set_default_timeout(120_000)
    page.goto(f"{base}/lab/tree/notebooks/explore.ipynb?token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_ms)
    # the kernel must be up before "Run All Cells" (the status bar says "… | Idle")
    page.get_by_text(re.compile(r"\|\s*Idle")).first.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.click("li.lm-MenuBar-item:has-text('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        try:
            headline(page).wait_for(timeout=min(240_000, timeout_ms))
            break
        except Exception:  # noqa: BLE001 - a click that came too early: run again until the deadline
            if time.monotonic() > deadline:
                raise


def headline(page):
    """The explorer's "N responses selected." line (JupyterLab's sanitiser keeps text, not data- attributes)."""
    return page.get_by_text(re.compile(r"^[\d,]+ responses selected\.$")).first


def selected_count(page) -> int:
    # textContent, not innerText: JupyterLab's windowed notebook stops rendering cells scrolled out of
    # view, and innerText of an element that is not rendered is "" (a CI run failed on int(""))
    return int(re.sub(r"\D", "", headline(page).text_content() or ""))


def wait_for_change(page, before: int, *, timeout: float = 180.0) -> int:
    """Wait until the selected count differs from ``before``; returns the new count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            now = selected_count(page)
        except Exception:  # noqa: BLE001 - the line is being redrawn
            now = before
        if now != before:
            return now
        page.wait_for_timeout(100)
    raise TimeoutError(f"the explorer still shows {before:,} responses selected")


def choose_segment(page, segment: str) -> None:
    """Pick one segment in the explorer's Segment list, as a consultant clicks it."""
    box = page.locator(".widget-select-multiple", has=page.locator("label", has_text="Segment")).first
    box.locator("select").select_option(label=segment)


def main(argv: list[str]) -> int:  # pragma: no cover - a manual run
    from playwright.sync_api import sync_playwright

    project, out = Path(argv[0]).resolve(), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with jupyterlab(project) as (base, token), sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        t = time.perf_counter()
        open_explorer(page, base, token)
        print(f"explorer shown after {time.perf_counter() - t:.1f} s; {selected_count(page):,} responses selected")
        page.screenshot(path=str(out / "1-opened.png"), full_page=False)
        before = selected_count(page)
        t = time.perf_counter()
        choose_segment(page, argv[2] if len(argv) > 2 else "enterprise")
        wait_for_change(page, before)
        print(f"filter applied in the browser after {time.perf_counter() - t:.2f} s; "
              f"{selected_count(page):,} responses selected")
        page.screenshot(path=str(out / "2-filtered.png"), full_page=False)
        box = page.locator(".widget-select-multiple", has=page.locator("label", has_text="Segment")).first
        box.locator("select").select_option([])  # back to every segment
        wait_for_change(page, selected_count(page))
        search = page.locator(".widget-text", has=page.locator("label", has_text="Search")).first.locator("input")
        search.fill("bill")
        search.press("Enter")
        page.get_by_text(re.compile(r"comments match bill")).first.wait_for(timeout=60_000)
        page.get_by_text(re.compile(r"comments match bill")).first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / "3-search.png"), full_page=False)
        chart_by = page.locator(".widget-dropdown", has=page.locator("label", has_text="Chart by")).first
        chart_by.locator("select").select_option("touchpoint")
        page.wait_for_timeout(1500)
        bar = page.locator("button[title*='click for the comments']").first
        bar.scroll_into_view_if_needed()
        page.screenshot(path=str(out / "4-chart.png"), full_page=False)
        bar.click()
        page.get_by_text(re.compile(r"^Behind touchpoint")).first.wait_for(timeout=60_000)
        page.get_by_text(re.compile(r"^Behind touchpoint")).first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / "5-drill.png"), full_page=False)
        browser.close()
        return 0
        headline(page).scroll_into_view_if_needed()
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "3-chart.png"), full_page=False)
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / "4-verbatims.png"), full_page=False)
        browser.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
