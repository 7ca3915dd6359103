"""Owners' briefs: one page per owner, from the ``owners`` section's result.

``cx report <client> --audience owners`` writes ``<client>-owner-<owner>.pdf`` (and ``.html`` when
HTML is asked for) beside the reports. A brief is built as a small notebook of outputs (no code)
and rendered by the report's own renderer (:func:`cxlib.report.render.render_html`: escaped,
sanitised, inert, branded) and PDF engine; it must come out as exactly one page: when it does
not, the least needed parts go first (the chart, then the table's extra rows, then the quote) until
it does, and a brief that still runs over is an error, never a two-page brief.

Examples
--------
>>> files = owner_briefs("acme-telecom", root=".")          # doctest: +SKIP
>>> sorted(files)[:1]                                       # doctest: +SKIP
['acme-telecom-owner-customer-care.pdf']
"""

from __future__ import annotations

import base64
import io
import re
from typing import Any, Sequence

import nbformat
import pandas as pd

from cxlib.errors import ReportError

__all__ = ["FIT_STEPS", "brief_name", "brief_notebook", "page_count", "render_brief", "owner_briefs"]

#: What a brief leaves out, in turn, until it fits one page.
FIT_STEPS: tuple[dict, ...] = (
    {"chart": True, "rows": None, "quote": True},
    {"chart": False, "rows": None, "quote": True},
    {"chart": False, "rows": 3, "quote": True},
    {"chart": False, "rows": 3, "quote": False},
)


def brief_name(client: str, owner: str, ext: str) -> str:
    """``acme-telecom-owner-customer-care.pdf``: a file name from the owner's name.

    >>> brief_name("acme", "Customer Care / Billing", "pdf")
    'acme-owner-customer-care-billing.pdf'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", str(owner).lower()).strip("-") or "owner"
    return f"{client}-owner-{slug[:60]}.{ext}"


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (pypdf)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _output(html: str) -> Any:
    return nbformat.v4.new_output("display_data", data={"text/html": html})


def _png(ax) -> Any:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    plt.close(ax.figure)
    return nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(buf.getvalue()).decode()})


def brief_notebook(brief, *, period: str = "", chart: bool = True, rows: int | None = None,
                   quote: bool = True) -> nbformat.NotebookNode:
    """One owner's brief as a notebook of outputs (what :func:`~cxlib.report.render.render_html` renders).

    Parameters
    ----------
    brief : OwnerBrief
        From the ``owners`` section (:class:`cxlib.report.sections.owners.OwnerBrief`).
    period : str
        The reporting period, shown under the heading.
    chart, rows, quote : keyword-only
        Whether to draw the gap chart, how many touchpoint rows to show (None: all), whether to quote.
    """
    from cxlib.present import charts, narrative, tables

    import html as html_lib

    html = lambda block: block._repr_html_()  # noqa: E731 - narrative/tables blocks render as HTML
    out = [_output(f"<h2>{html_lib.escape(str(brief.owner))}</h2>"), _output(html(narrative.note_html(
        "Your touchpoints: " + ", ".join(brief.touchpoints["label"].astype(str))
        + (f" · {period}" if period else "") + ". Scores from the relationship survey; 95 % intervals.")))]
    said = [f for f in brief.findings if f.kind != "owner_action"]
    out.append(_output(html(narrative.findings_html(said))))
    if quote and brief.quote:
        q = pd.DataFrame({"quote": [brief.quote], "label": [f"A customer on “{brief.quote_theme}”"]})
        out.append(_output(html(narrative.quotes_html(q, kind=None))))
    action = brief.finding("owner_action")
    if action is not None:
        out.append(_output('<h3>One action</h3>' + html(narrative.paragraph_html(action.said))))
    t = brief.touchpoints if rows is None else brief.touchpoints.head(rows)
    out.append(_output(html(tables.table(
        t, columns={"label": "Touchpoint", "n": "Ratings", "mean_rating": "Mean (1-5)",
                    "customer_pct": "Rate it 5 of 5", "company_pct": "Expected", "gap": "Gap (points)"},
        formats={"mean_rating": "2", "customer_pct": "pct0", "company_pct": "pct0", "gap": "signed0"},
        ci={"customer_pct": ("ci_low", "ci_high"), "gap": ("gap_ci_low", "gap_ci_high")},
        caption="Your touchpoints: what customers give against what the company expects"))))
    shown = t[~t["suppressed"].astype(bool)] if "suppressed" in t else t
    if chart and len(shown) and shown["customer_pct"].notna().any():
        ax = charts.gap_chart(shown.assign(touchpoint=shown["label"]), title="Expected against given (share 5 of 5)")
        ax.figure.set_size_inches(7.2, max(1.5, 0.34 * len(shown) + 1.0))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the plot, never over a point
        out.append(_png(ax))
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = out
    return nbformat.v4.new_notebook(cells=[cell])


def render_brief(brief, meta, *, formats: Sequence[str] = ("pdf",), engine: str = "weasyprint") -> dict[str, bytes]:
    """The brief's HTML and/or PDF, fitted to one page (see :data:`FIT_STEPS`).

    Raises
    ------
    ReportError
        When even the shortest brief runs over one page.
    """
    from cxlib.report.pdf import html_to_pdf_bytes
    from cxlib.report.render import render_html

    for step in FIT_STEPS:
        page = render_html(brief_notebook(brief, period=meta.period, **step), meta, toc_levels=())
        pdf = html_to_pdf_bytes(page, engine=engine)
        if page_count(pdf) == 1:
            out = {}
            if "html" in formats:
                out["html"] = page.encode("utf-8")
            if "pdf" in formats:
                out["pdf"] = pdf
            return out
    raise ReportError(f"The brief for {brief.owner} does not fit one page even without its chart, extra rows and "
                      "quote; shorten the owner's touchpoint list in the self-assessment.")


def owner_briefs(client: str, *, root: str, parameters: dict | None = None, formats: Sequence[str] = ("pdf",),
                 engine: str = "weasyprint") -> dict[str, bytes]:
    """Every owner's one-page brief: file name -> bytes (``<client>-owner-<owner>.pdf`` / ``.html``).

    Parameters
    ----------
    client, root : str
        As ``cx report``.
    parameters : dict, optional
        ``period_start``, ``period_end``, ``seed`` (the report's parameters; others are ignored).
    formats : sequence of {"html", "pdf"}
    engine : {"weasyprint", "chromium"}

    Raises
    ------
    ReportError
        The client's data names no owners (the message says what would).
    """
    from cxlib.present import charts
    from cxlib.report.context import report_data
    from cxlib.report.render import ReportMeta
    from cxlib.report.sections import ReportRun

    params = {k: v for k, v in (parameters or {}).items() if k in ("period_start", "period_end", "seed")}
    data = report_data(client, root=root, audience="owners", **params)
    run = ReportRun(data, audience="owners", theme=False)
    charts.set_theme(data.config.brand)
    result = run.result("owners")
    if result is None or not result.briefs:
        from cxlib.report.sections import section

        raise ReportError(f"{client}: no owners' briefs: {section('owners').unlock}")
    meta = ReportMeta(client=client, display_name=data.config.display_name, audience="owners", period=data.period,
                      brand=dict(data.config.brand))
    files: dict[str, bytes] = {}
    for brief in result.briefs:
        for ext, payload in render_brief(brief, meta, formats=formats, engine=engine).items():
            files[brief_name(client, brief.owner, ext)] = payload
    return files
