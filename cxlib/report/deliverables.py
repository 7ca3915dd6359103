"""What ``cx report`` writes besides the notebook reports: the deck, the owners' briefs, the follow-up list.

The reports (executive, analyst; HTML, PDF) are the rendered notebook (:mod:`cxlib.report.pipeline`).
The other deliverables are written from the same section results, in this process:

============================  ==============================================  ==========================
asked for                     written                                         module
============================  ==============================================  ==========================
``--format pptx``             ``<client>-executive.pptx`` (the deck)          :mod:`cxlib.report.deck`
``--audience owners``         ``<client>-owner-<owner>.pdf|html``, one page   :mod:`cxlib.report.briefs`
``--follow-up``               ``<client>-follow-up.xlsx`` (account teams)     :mod:`cxlib.report.followup`
============================  ==============================================  ==========================

:func:`plan` splits a request into what the notebook pipeline renders and what is written here.

Examples
--------
>>> p = plan(("executive", "owners"), ("pdf", "pptx"))
>>> p.report_audiences, p.report_formats, p.deck, p.briefs
(('executive',), ('pdf',), True, ('pdf',))
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from cxlib.report.audiences import AUDIENCES, CHOICES

__all__ = ["EXTRA_FORMATS", "FORMAT_CHOICES", "Plan", "plan", "extra_files", "write_files"]

#: Formats written here rather than by the notebook pipeline.
EXTRA_FORMATS = ("pptx",)
#: Every ``--format`` ``cx report`` accepts.
FORMAT_CHOICES = ("html", "pdf", *EXTRA_FORMATS)


@dataclass(frozen=True)
class Plan:
    """What one ``cx report`` call produces: the notebook reports, and the deliverables written beside them."""

    report_audiences: tuple[str, ...]
    report_formats: tuple[str, ...]
    deck: bool
    briefs: tuple[str, ...]
    follow_up: bool

    @property
    def renders_reports(self) -> bool:
        return bool(self.report_audiences and self.report_formats)


def plan(audiences: tuple[str, ...], formats: tuple[str, ...], *, follow_up: bool = False) -> Plan:
    """Split a request: the deck is the executive report's (asked by ``pptx``), briefs take html/pdf.

    >>> plan(("executive", "analyst"), ("pptx",)).renders_reports
    False
    """
    unknown = [a for a in audiences if a not in CHOICES]
    if unknown:
        from cxlib.errors import ReportError

        raise ReportError(f"audience {unknown[0]!r}: use one of {', '.join(CHOICES)}.")
    page_formats = tuple(f for f in formats if f in ("html", "pdf"))
    return Plan(report_audiences=tuple(a for a in audiences if a in AUDIENCES), report_formats=page_formats,
                deck="pptx" in formats, briefs=(page_formats or ("pdf",)) if "owners" in audiences else (),
                follow_up=follow_up)


def extra_files(client: str, the_plan: Plan, *, root: str, parameters: Mapping[str, Any] | None = None,
                engine: str = "weasyprint", progress: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """The deck, briefs and follow-up list the plan asks for: file name -> bytes."""
    params = dict(parameters or {})
    say = progress or (lambda _message: None)
    files: dict[str, bytes] = {}
    if the_plan.deck:
        from cxlib.report.deck import deck_files

        say("writing the deck")
        files.update(deck_files(client, root=root, parameters=params))
    if the_plan.briefs:
        from cxlib.report.briefs import owner_briefs

        say("writing the owners' briefs")
        files.update(owner_briefs(client, root=root, parameters=params, formats=the_plan.briefs, engine=engine))
    if the_plan.follow_up:
        from cxlib.report.followup import follow_up_files

        say("writing the follow-up list")
        files.update(follow_up_files(client, root=root, parameters=params))
    return files


def write_files(files: Mapping[str, bytes], folder: str | Path) -> list[Path]:
    """Write each file into ``folder`` (created), atomically (a temporary name, then a rename)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, payload in files.items():
        target = out / name
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_bytes(payload)
        tmp.replace(target)
        written.append(target)
    return written
