"""The one list of report sections, and what a client's data supports of it.

Every module of this package that declares ``SECTION`` (or ``SECTIONS``, for a module holding
a few closely related ones) is a section; :func:`sections` lists them in report order. Adding
a section is adding one module: nothing here, in the coverage table or in ``cx init`` changes.

:func:`coverage` is the "What the data supports" table of the analyst report and of ``cx init``
(:func:`cxlib.onboard.coverage.missing_data_sections` reads it).

Examples
--------
>>> [s.id for s in sections("executive")][:3]
['headline', 'benchmark', 'journey_curve']
>>> section("delivery_gap").title
'The delivery gap'
>>> from types import SimpleNamespace
>>> t = coverage(SimpleNamespace(sources={"responses": object()})).set_index("section")
>>> t.loc["What drives NPS, and what to fix first", "status"], t.loc["The delivery gap", "status"]
('available', 'partial')
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Any, Mapping

import pandas as pd

from cxlib.errors import ReportError
from cxlib.report.audiences import check_audience
from cxlib.report.sections.base import Section, has_column, needs_text

__all__ = ["sections", "section", "coverage", "COVERAGE_COLUMNS"]

#: Columns of :func:`coverage`.
COVERAGE_COLUMNS = ["section", "needs", "status", "what_to_provide"]
_NOT_SECTIONS = {"base", "registry", "run", "breaks", "contrasts"}


@lru_cache(maxsize=1)
def _all() -> tuple[Section, ...]:
    package = importlib.import_module(__package__)
    found: list[Section] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_SECTIONS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        declared = getattr(module, "SECTIONS", None) or ((module.SECTION,) if hasattr(module, "SECTION") else ())
        found.extend(declared)
    ids = [s.id for s in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ReportError(f"Two report sections share the id {', '.join(duplicates)}; give each module its own id.")
    known = set(ids)
    for s in found:
        unknown = [u for u in s.uses if u not in known]
        if unknown:
            raise ReportError(f"Section {s.id!r} uses {unknown}, which no section module declares.")
    cycle = _cycle({s.id: s.uses for s in found})
    if cycle:
        raise ReportError(f"Report sections use each other in a circle: {' -> '.join(cycle)}; one of them must not "
                          "use the next.")
    return tuple(sorted(found, key=lambda s: (s.order, s.id)))


def _cycle(uses: Mapping[str, tuple[str, ...]]) -> list[str]:
    """One circle of sections using each other (first == last), or [] (the headline may use later sections:
    it summarises them, answer first; what matters is that no section depends on itself)."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in uses.get(node, ()):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(uses):
        if node not in state and (found := visit(node)):
            return found
    return []


def sections(audience: str | None = None) -> tuple[Section, ...]:
    """Every report section in report order, or those ``audience`` gets.

    Parameters
    ----------
    audience : {"executive", "analyst"}, optional

    Returns
    -------
    tuple of Section
    """
    if audience is None:
        return _all()
    check_audience(audience)
    return tuple(s for s in _all() if s.for_audience(audience))


def section(section_id: str) -> Section:
    """The section called ``section_id``.

    Raises
    ------
    ReportError
        No section has that id (the message lists them).
    """
    for s in _all():
        if s.id == section_id:
            return s
    raise ReportError(f"No report section {section_id!r}; the sections are {', '.join(s.id for s in _all())}.")


def coverage(config: Any, *, tables: Mapping[str, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """Which report sections a client's data supports, and what would unlock the others.

    Parameters
    ----------
    config : ClientConfig
        The client's configuration: a table counts as provided when client.yaml has a
        ``tables:`` entry for it (``config.sources``).
    tables : mapping, optional
        Table name -> validated DataFrame (None when absent). With it, a column counts as
        present only when it has at least one value.

    Returns
    -------
    DataFrame
        One row per section that needs data, in report order: ``section`` (its title), ``needs`` (the tables
        and columns it and its optional parts use), ``status`` (``available``: everything present;
        ``partial``: the section runs without some optional part, or has some but not all of what it
        needs; ``missing``: none of what it needs), ``what_to_provide`` (empty when available; otherwise
        what the section, and each optional part it lacks, would need).
    """
    provided = set(getattr(config, "sources", {}) or {})

    def present(table: str, column: str) -> bool:
        if "|" in table:  # either table will do
            return any(present(t, column) for t in table.split("|"))
        if table not in provided:
            return False
        return True if tables is None or not column else has_column(tables.get(table), column)

    def met(needs) -> list[bool]:
        # a need without columns is the table itself
        return [present(t, c) for t, cols in needs.items() for c in (cols or ("",))]

    rows = []
    for s in _all():
        if not s.needs and not s.parts:  # needs nothing, so there is nothing to unlock
            continue
        own = met(s.needs)
        parts = [(p, met(p.needs)) for p in s.parts]
        if all(own):
            status = "available" if all(f for _, fl in parts for f in fl) else "partial"
        else:  # the section itself cannot run; its parts do not count
            status = "partial" if any(own) else "missing"
        provide = []
        if not all(own):
            provide.append(s.unlock)
        provide += [f"{p.name}: {p.unlock[:1].lower()}{p.unlock[1:]}" for p, fl in parts if not all(fl)]
        rows.append({"section": s.title, "needs": needs_text(s.all_needs), "status": status,
                     "what_to_provide": "" if status == "available" else " ".join(provide)})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS).astype("string")
