"""HTML report -> PDF, without LaTeX.

Two engines, measured in ``bench/bench_report.py`` (results in docs/benchmarks/report.md):

- ``weasyprint`` (default): pure Python on the system's pango; honours the print stylesheet
  (page counters, running footer, table-of-contents page numbers via ``target-counter``), needs
  no browser, and lets us refuse every resource it would fetch: :class:`DataOnlyFetcher` allows
  ``data:`` URIs and nothing else (no http, no ``file:`` — a comment saying ``file:///etc/passwd``
  can never become a read).
- ``chromium``: headless Debian chromium ``--print-to-pdf`` (for content that would need a
  browser engine). The page's Content-Security-Policy already forbids every request but
  ``data:``; chromium also runs without network services and with a throw-away profile.

Examples
--------
>>> html_to_pdf("<h1>Hi</h1>", "/tmp/hi.pdf")           # doctest: +SKIP
PosixPath('/tmp/hi.pdf')
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Literal

from cxlib.errors import ReportError

__all__ = ["PdfEngine", "DataOnlyFetcher", "reproducible_font_dates", "FONT_DATE_EPOCH", "html_to_pdf_bytes", "html_to_pdf", "chromium_path", "CHROMIUM_ARGS"]

PdfEngine = Literal["weasyprint", "chromium"]

#: Flags for every headless chromium we start (PDF printing and the browser test).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-sync",
                 "--disable-extensions", "--mute-audio", "--no-default-browser-check")


def chromium_path() -> str | None:
    """Path of the system chromium (``/usr/bin/chromium`` on Debian), or None."""
    for candidate in (os.environ.get("CX_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _fetcher_class():
    from weasyprint import URLFetcher

    class _DataOnly(URLFetcher):
        """WeasyPrint URL fetcher that serves ``data:`` URIs and refuses everything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not str(url).startswith("data:"):
                self.refused.append(str(url))
                raise ValueError(f"report PDFs fetch nothing but data: URIs (refused {str(url)[:80]!r})")
            return super().fetch(url, headers)

    return _DataOnly


def DataOnlyFetcher():  # noqa: N802 - reads like the class it returns
    """A WeasyPrint URL fetcher allowing only ``data:`` URIs; refused URLs are kept in ``.refused``."""
    return _fetcher_class()()


#: Date stamped into the fonts embedded in a PDF (seconds since 1970; 0 is 1970-01-01).
FONT_DATE_EPOCH = "0"
_CLOCK_LOCK = threading.Lock()


@contextlib.contextmanager
def reproducible_font_dates():
    """Fonts subset while this is active carry a fixed date, not the time of the render.

    Without the HarfBuzz subsetting library (Debian's ``libharfbuzz-subset0``, often absent),
    WeasyPrint subsets the embedded fonts with fontTools, and fontTools writes the current time,
    to the second, into each font's ``head.modified`` field. The same page rendered twice gave
    different bytes whenever the two renders fell in different seconds: rarely on an idle machine,
    often on a loaded one. fontTools takes the time from ``SOURCE_DATE_EPOCH`` when it is set
    (reproducible-builds.org); we set it for the render unless the caller already has, and restore
    the environment afterwards.
    """
    with _CLOCK_LOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        if before is None:
            os.environ["SOURCE_DATE_EPOCH"] = FONT_DATE_EPOCH
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)


def _weasyprint(html: str, fetcher=None) -> bytes:
    import logging

    import weasyprint

    fetcher = fetcher if fetcher is not None else DataOnlyFetcher()
    # WeasyPrint logs each refused fetch as a warning; the refusal is the point, not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    # A fixed identifier, no creation date and fixed font dates: the same HTML gives the same PDF bytes.
    with reproducible_font_dates():
        return document.write_pdf(pdf_identifier=b"cx-workbench-report", custom_metadata=False)


def _chromium(html: str, timeout: float) -> bytes:
    exe = chromium_path()
    if exe is None:
        raise ReportError("PDF engine 'chromium' needs /usr/bin/chromium (`apt-get install -y chromium`); "
                          "or use the default engine, weasyprint.")
    with tempfile.TemporaryDirectory(prefix="cx-chromium-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [exe, *CHROMIUM_ARGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000",
               f"--print-to-pdf={out}", src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, start_new_session=True, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"chromium did not print the PDF within {timeout:g} s.") from None
        if not out.exists() or out.stat().st_size == 0:
            raise ReportError(f"chromium failed to print the PDF (exit {proc.returncode}): "
                              f"{proc.stderr.decode(errors='replace')[-400:]}")
        return out.read_bytes()


def html_to_pdf_bytes(html: str, *, engine: PdfEngine = "weasyprint", timeout: float = 120.0, fetcher=None) -> bytes:
    """Render a self-contained HTML page to PDF bytes.

    Parameters
    ----------
    html : str
        The complete page (from :func:`cxlib.report.render.render_html`).
    engine : {"weasyprint", "chromium"}
    timeout : float
        Seconds chromium may take.
    fetcher : DataOnlyFetcher, optional
        WeasyPrint only: pass one to inspect ``fetcher.refused`` afterwards.

    Returns
    -------
    bytes
    """
    if engine == "weasyprint":
        return _weasyprint(html, fetcher)
    if engine == "chromium":
        return _chromium(html, timeout)
    raise ReportError(f"Unknown PDF engine {engine!r}; use 'weasyprint' or 'chromium'.")


def html_to_pdf(html: str, path: str | os.PathLike, *, engine: PdfEngine = "weasyprint", timeout: float = 120.0) -> Path:
    """Render ``html`` to a PDF file at ``path`` (written atomically). Returns the path."""
    from cxlib.report.files import atomic_write_bytes

    return atomic_write_bytes(path, html_to_pdf_bytes(html, engine=engine, timeout=timeout))
