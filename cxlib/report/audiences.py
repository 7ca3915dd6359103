"""The report's audiences, in one place: who reads each report and what it shows them.

Everything that needs the list reads it here: the notebook parameters check
(:func:`cxlib.report.context.report_data`), the pipeline and batch (which notebook cells run for
whom), the HTML renderer (table of contents depth), the report sections (which sections each
audience gets, what to do with a section the data cannot support) and the command line.

Two kinds of reader: the *reports* (executive, analyst) are the notebook rendered for them, and
are what ``cx report`` and ``cx batch`` render by default (:data:`AUDIENCES`); the *owners* get
one-page briefs, one per owner, written from the same section results without the notebook
(:mod:`cxlib.report.briefs`; ``cx report <client> --audience owners``). :data:`CHOICES` lists
every reader a command accepts.

Examples
--------
>>> AUDIENCES
('executive', 'analyst')
>>> CHOICES
('executive', 'analyst', 'owners')
>>> audience("executive").missing_sections, audience("analyst").toc_levels
('drop', (2, 3))
>>> other_audiences("analyst")
('executive',)
>>> audience("owners").kind
'briefs'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cxlib.errors import ReportError

__all__ = ["Audience", "AudienceName", "REGISTRY", "AUDIENCES", "CHOICES", "audience", "check_audience",
           "other_audiences", "detailed", "is_report"]

AudienceName = Literal["executive", "analyst", "owners"]


@dataclass(frozen=True)
class Audience:
    """One reader of the report.

    Attributes
    ----------
    name : str
        The ``audience`` parameter value and the notebook cell tag (``executive``, ``analyst``).
    label : str
        How the report's cover names it.
    description : str
        What the report gives this reader.
    toc_levels : tuple of int
        Heading levels listed in the HTML table of contents.
    missing_sections : {"drop", "explain"}
        A section the client's data cannot support: left out without a word (``drop``), or
        replaced by one note saying what would unlock it (``explain``).
    detail : bool
        Sections show every table behind their findings (tests, models, n's), not only the
        findings and charts.
    kind : {"report", "briefs"}
        ``report``: the report notebook rendered for this reader (HTML, PDF, and for the
        executive the deck); ``briefs``: one one-page PDF per owner (:mod:`cxlib.report.briefs`).
    """

    name: str
    label: str
    description: str
    toc_levels: tuple[int, ...]
    missing_sections: Literal["drop", "explain"]
    detail: bool
    kind: Literal["report", "briefs"] = "report"


#: Every audience, in the order reports are rendered.
REGISTRY: dict[str, Audience] = {
    a.name: a for a in (
        Audience("executive", "Executive report",
                 "A few pages: what is wrong, how sure we are, what to do first.", (2,), "drop", detail=False),
        Audience("analyst", "Analyst report",
                 "Every table, test, n, method and data-quality note.", (2, 3), "explain", detail=True),
        Audience("owners", "Owner's brief",
                 "One page per owner: their touchpoints' scores, gap to promise, top friction, top theme with a "
                 "quote, one action.", (), "drop", detail=False, kind="briefs"),
    )
}
#: The reports (the notebook's audiences), in the order they are rendered: what ``cx report`` and
#: ``cx batch`` render when no audience is named.
AUDIENCES: tuple[str, ...] = tuple(a.name for a in REGISTRY.values() if a.kind == "report")
#: Every reader a command accepts (``--audience``).
CHOICES: tuple[str, ...] = tuple(REGISTRY)


def check_audience(name: str) -> str:
    """``name`` when it is an audience; a :class:`~cxlib.errors.ReportError` naming the choices otherwise.

    >>> check_audience("analyst")
    'analyst'
    """
    if name not in REGISTRY:
        raise ReportError(f"audience={name!r}: use one of {', '.join(CHOICES)}.")
    return name


def audience(name: str) -> Audience:
    """The :class:`Audience` called ``name`` (a :class:`~cxlib.errors.ReportError` for an unknown one)."""
    return REGISTRY[check_audience(name)]


def detailed(name: str) -> bool:
    """Whether sections show ``name`` every table behind their findings (:attr:`Audience.detail`).

    >>> detailed("analyst"), detailed("executive")
    (True, False)
    """
    return audience(name).detail


def is_report(name: str) -> bool:
    """Whether ``name`` is read as the report notebook (executive, analyst), not as briefs.

    >>> is_report("analyst"), is_report("owners")
    (True, False)
    """
    return audience(name).kind == "report"


def other_audiences(name: str) -> tuple[str, ...]:
    """The audiences whose tagged notebook cells do not run for ``name``."""
    check_audience(name)
    return tuple(a for a in AUDIENCES if a != name)
