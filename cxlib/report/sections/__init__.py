"""Report sections as units: each declares who reads it and the data it needs, computes a result
(numbers, tables and findings with their evidence) and shows it.

================================  ==================================================================
``base``                          :class:`Section`, :class:`Part`, :class:`SectionResult`, notes, data checks
``registry``                      the one list of sections (every module declaring ``SECTION``) and
                                  :func:`coverage` ("What the data supports")
``run``                           :class:`ReportRun`: compute each section once, show it per audience
one module per section            ``headline``, ``journey_curve``, ``delivery_gap``, ``drivers``, ``friction``,
                                  ``voice``, ``scores_by_group``, ``consistency``, ``scorecard``, ``churn_value``,
                                  ``journey_vs_touchpoints``, ``actions``, ``about_data``
================================  ==================================================================

Adding a section: one new module here with ``compute``, ``show`` and ``SECTION = Section(...)``, its
tests in ``tests/report/sections/``, and a ``show("<id>")`` cell (with its prose) in
``notebooks/report.ipynb``. See ``docs/reports.md``.
"""

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import (SECTION_MIME, TABLE_NAMES, Attempts, Needs, Note, Part, Section, SectionResult,
                                        has_data, lacking, unavailable_text)
from cxlib.report.sections.registry import COVERAGE_COLUMNS, coverage, section, sections
from cxlib.report.sections.run import ReportRun

__all__ = [
    "Cited", "Finding", "SECTION_MIME", "TABLE_NAMES", "Attempts", "Needs", "Note", "Part", "Section", "SectionResult",
    "has_data", "lacking", "unavailable_text", "COVERAGE_COLUMNS", "coverage", "section", "sections", "ReportRun",
]
