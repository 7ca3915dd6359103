"""Executed notebook -> one self-contained, inert, client-branded HTML page.

Steps: nbconvert's ``HTMLExporter`` with ``exclude_input`` and our ``cx_body`` template (outputs
and markdown only: no code, no prompts, no require.js/MathJax, images embedded as base64) ->
:func:`cxlib.report.sanitize.sanitize_fragment` -> heading ids and a table of contents -> the
page template (branding, print stylesheet, a Content-Security-Policy that allows nothing but
``data:`` images) -> :func:`cxlib.report.sanitize.inert_problems` must find nothing.

Examples
--------
>>> meta = ReportMeta(client="acme", display_name="Acme <Telecom>", audience="executive")
>>> page = render_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Headline")]), meta)
>>> "Acme &lt;Telecom&gt;" in page and '<h2 id="headline">Headline</h2>' in page
True
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import nbformat

from cxlib.report import audiences
from cxlib.report.exceptions import UnsafeReport
from cxlib.report.execute import SENTINEL_TAG
from cxlib.report.sanitize import inert_problems, sanitize_fragment, sanitize_svg
from cxlib.report.sections.base import SECTION_MIME, SECTION_TAG
from cxlib.config import DEFAULT_BRAND
from cxlib.config import brand_colours as _colours

__all__ = ["ReportMeta", "render_html", "body_html", "warm_up", "ASSETS", "DEFAULT_BRAND", "KEEP_OPEN", "KEEP_CLOSE"]

ASSETS = Path(str(resources.files("cxlib.report") / "assets"))
_HIDDEN_TAGS = {SENTINEL_TAG, "injected-parameters", "parameters", "remove-cell", "cx-hide"}


@dataclass(frozen=True)
class ReportMeta:
    """What the page around the notebook says.

    Parameters
    ----------
    client : str
        Client folder name.
    display_name : str
        Shown on the cover (escaped).
    audience : {"executive", "analyst"}
    period : str
        e.g. ``"2025-01-01 to 2025-12-31"``.
    brand : dict
        ``primary``, ``accent``, ``neutral`` as ``#RRGGBB``; anything else falls back to the default.
    footer : str
        Footer line (escaped); keep it free of timestamps so reruns are identical.
    """

    client: str
    display_name: str
    audience: audiences.AudienceName = "executive"
    period: str = ""
    brand: dict = field(default_factory=lambda: dict(DEFAULT_BRAND))
    footer: str = "Prepared with CX Workbench. Confidential: for the client's internal use."

    @property
    def title(self) -> str:
        return f"{self.display_name}: customer experience report ({self.audience})"


@lru_cache(maxsize=1)
def _theme_css() -> str:
    return (ASSETS / "theme.css").read_text(encoding="utf-8")


def _css(brand: dict | None) -> str:
    colours = _colours(brand)
    return (_theme_css().replace("__PRIMARY__", colours["primary"])
            .replace("__ACCENT__", colours["accent"]).replace("__NEUTRAL__", colours["neutral"]))


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="cx_body",
        extra_template_basedirs=[str(ASSETS / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_raw=True,
    )


@lru_cache(maxsize=1)
def _page_template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(ASSETS)), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("page.html.j2")


def warm_up() -> None:
    """Build the HTML exporter and the page template now (cached), so a forked worker starts with them."""
    _exporter()
    _page_template()


def _left_out_sections(nb: nbformat.NotebookNode) -> set[str]:
    """Sections whose cell said they are not in this report (their prose goes too)."""
    return {str(out["data"][SECTION_MIME].get("section")) for cell in nb.cells for out in cell.get("outputs", [])
            if SECTION_MIME in out.get("data", {}) and not out["data"][SECTION_MIME].get("shown", True)}


#: Tags marking where a heading, its prose and the first thing its section shows are kept together.
KEEP_OPEN, KEEP_CLOSE = "cx-keep-open", "cx-keep-close"
_HEADED = re.compile(r"^\s*#{2,3}\s", re.M)


def _shows_something(output) -> bool:
    data = output.get("data", {})
    html = data.get("text/html")
    if html is not None:
        return bool(("".join(html) if isinstance(html, list) else str(html)).strip())
    return bool(data) or output.get("output_type") == "stream"


def _text_size(output) -> int:
    html = output.get("data", {}).get("text/html", "")
    return len(re.sub(r"<[^>]+>", "", "".join(html) if isinstance(html, list) else str(html)))


def _is_image(output) -> bool:
    return any(k.startswith("image/") for k in output.get("data", {}))


def _keep_headings_with_content(cells: list) -> list:
    """Tag each heading cell and what its section shows up to its first chart to be kept on one page (print).

    The section's code cell is split in two: its outputs up to the first chart travel with the heading
    (``cx-keep-open`` … ``cx-keep-close``), the rest follows as before.
    """
    out = []
    k = 0
    while k < len(cells):
        cell = cells[k]
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        if cell.get("cell_type") == "markdown" and _HEADED.search("".join(cell.get("source", ""))) and \
                nxt is not None and nxt.get("cell_type") == "code":
            outputs = [o for o in nxt.get("outputs", []) if _shows_something(o)]
            # with the heading: its first output, and the section's first chart when only a few lines come before it
            upto = next((i for i, o in enumerate(outputs[:3]) if _is_image(o)), 0)
            if sum(_text_size(o) for o in outputs[:upto]) > 500:
                upto = 0
            if outputs:
                head = copy.deepcopy(cell)
                head.setdefault("metadata", {}).setdefault("tags", []).append(KEEP_OPEN)
                first = copy.deepcopy(nxt)
                first["outputs"] = outputs[:upto + 1]
                if "id" in nxt:
                    first["id"] = f"{nxt['id']}-keep"
                first.setdefault("metadata", {}).setdefault("tags", []).append(KEEP_CLOSE)
                rest = copy.deepcopy(nxt)
                rest["outputs"] = outputs[upto + 1:]
                out += [head, first] + ([rest] if outputs[upto + 1:] else [])
                k += 2
                continue
        out.append(cell)
        k += 1
    return out


def body_html(nb: nbformat.NotebookNode) -> str:
    """The notebook's visible content as sanitised HTML (no code, no hidden cells).

    A section left out of this report (:mod:`cxlib.report.sections`: an audience it is not for,
    or data it lacks) takes the prose cells tagged ``section:<id>`` with it. Each heading is kept
    on one page with its prose and the first thing its section shows.
    """
    nb = nbformat.from_dict(copy.deepcopy(nb))
    dropped = {SECTION_TAG + s for s in _left_out_sections(nb)}
    nb.cells = [c for c in nb.cells
                if not (_HIDDEN_TAGS | dropped).intersection(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"] if SECTION_MIME not in o.get("data", {})]
    nb.cells = _keep_headings_with_content(nb.cells)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/svg+xml" in data:
                svg = data["image/svg+xml"]
                clean = sanitize_svg("".join(svg) if isinstance(svg, list) else str(svg))
                if clean is None:
                    del data["image/svg+xml"]
                else:
                    data["image/svg+xml"] = clean
    body, _ = _exporter().from_notebook_node(nb)
    return sanitize_fragment(body)


_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "section"
    if not base[0].isalpha():
        base = f"s-{base}"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _headings(body: str, levels: tuple[int, ...]) -> tuple[str, list[dict]]:
    used: set[str] = set()
    toc: list[dict] = []

    def fix(match: re.Match) -> str:
        level, inner = int(match.group(1)), _ANCHOR.sub("", match.group(3))
        text = html_lib.unescape(_TAGS.sub("", inner)).strip()
        slug = _slug(text, used)
        if level in levels:
            toc.append({"level": level, "id": slug, "text": text})
        return f'<h{level} id="{slug}">{inner.strip()}</h{level}>'

    return _HEADING.sub(fix, body), toc


def render_html(nb: nbformat.NotebookNode, meta: ReportMeta, *, toc_levels: tuple[int, ...] | None = None) -> str:
    """Render an executed notebook as a complete, self-contained, inert HTML page.

    Parameters
    ----------
    nb : NotebookNode
        The executed (and normalised) notebook.
    meta : ReportMeta
        Client, audience, period, brand colours.
    toc_levels : tuple of int, optional
        Heading levels listed in the table of contents (default: h2 for the executive report,
        h2 and h3 for the analyst report).

    Returns
    -------
    str
        The page.

    Raises
    ------
    UnsafeReport
        When the final page still holds anything live (it never should: this is the last check).
    """
    import cxlib

    reader = audiences.audience(meta.audience)
    levels = toc_levels or reader.toc_levels
    body, toc = _headings(body_html(nb), levels)
    if not reader.detail and toc_levels is None:
        toc = []  # the executive report opens on its answer, not on a table of contents
    kicker = reader.label + (f" \u00b7 {meta.period}" if meta.period else "")
    page = _page_template().render(
        title=meta.title, display_name=meta.display_name, audience=re.sub(r"[^a-z]", "", meta.audience),
        kicker=kicker, subtitle="Customer experience across the journey", toc=toc, body=body,
        footer=meta.footer, css=_css(meta.brand), version=cxlib.__version__,
    )
    problems = inert_problems(page)
    if problems:
        raise UnsafeReport(f"The rendered report for {meta.client} is not inert: " + "; ".join(problems[:5]))
    return page
