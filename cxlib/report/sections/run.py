"""One report's sections: each computed once, on first use, and shown for an audience.

The notebook makes one :class:`ReportRun` from the report data and calls ``show("<id>")`` once
per section. The run decides, from the registry, what each audience sees:

- a section not meant for the audience shows nothing;
- a section whose data is missing is left out (its heading and prose go with it): the
  executive report says nothing, and the analyst report lists it once, with what would unlock
  it, in "What the data supports" (:func:`cxlib.report.sections.coverage`; the same for an
  optional part whose data is missing);
- otherwise the section's notes (analyses that had too little data; analysts only) and then
  its content.

Results do not depend on the audience, so one run can show both reports from the same
results (:attr:`ReportRun.results` holds them; every result is picklable). Under ``cx report``
and ``cx batch`` they are also kept between kernels (:mod:`cxlib.report.results`): the first
audience's kernel computes a section and saves it, the other audience's kernel (and a later run
on unchanged inputs) loads it. The executed notebook then records, invisibly, the key of the
results (setup cell) and the sha256 of each section's result file (its cell), for the audit.

Examples
--------
>>> run = ReportRun(data)              # doctest: +SKIP
>>> run.show("delivery_gap")           # doctest: +SKIP
>>> run.result("headline").findings    # doctest: +SKIP
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from cxlib.report import audiences
from cxlib.report.sections.base import SECTION_MIME, TABLE_NAMES, SectionResult, lacking, unavailable_text
from cxlib.report.sections.registry import section

__all__ = ["ReportRun"]


def _tables(data: Any) -> dict[str, Any]:
    return {name: getattr(data, name, None) for name in TABLE_NAMES}


class ReportRun:
    """The section results of one report.

    Parameters
    ----------
    data : ReportData
        :func:`cxlib.report.context.report_data` (the client's tables for the period).
    audience : {"executive", "analyst"}, optional
        Who :meth:`show` shows to by default (default: ``data.audience``).
    theme : bool
        Apply the client's chart theme (brand colours, print sizes) now.
    cache : {"on", "fresh", "off"}, optional
        Keep results between kernels and runs (:mod:`cxlib.report.results`); default
        ``$CX_RESULTS_CACHE``, which ``cx report`` sets (off when unset).
    """

    def __init__(self, data: Any, *, audience: str | None = None, theme: bool = True,
                 cache: str | None = None) -> None:
        self.data = data
        self.audience = audiences.check_audience(audience or data.audience)
        self._tables = _tables(data)
        self._results: dict[str, SectionResult | None] = {}
        self._sha: dict[str, str] = {}
        self._quoted: set[str] = set()  # the words quoted so far: a comment is quoted once per report
        self._cache = _open_cache(data, cache)
        if self._cache is not None:
            _record({SECTION_MIME: {"section": "results", "shown": True, "results": self._cache.record()}})
        if theme:
            from cxlib.present import charts

            charts.set_theme(data.config.brand)

    @property
    def results(self) -> Mapping[str, SectionResult | None]:
        """Section id -> result (None: its data is missing), for the sections computed so far."""
        return MappingProxyType(self._results)

    def missing(self, section_id: str) -> dict[str, tuple[str, ...]]:
        """What the section needs that the data lacks (table -> columns); empty when it can run."""
        return lacking(self._tables, section(section_id).needs)

    def result(self, section_id: str) -> SectionResult | None:
        """The section's result, computed once (with the results it uses); None when its data is missing."""
        if section_id not in self._results:
            spec = section(section_id)
            if self.missing(section_id):
                self._results[section_id] = None
            else:
                cache = self._cache
                cached = cache.load(section_id) if cache is not None else None
                if cached is not None:
                    self._results[section_id], self._sha[section_id] = cached
                elif cache is None:
                    self._results[section_id] = self._compute(spec)
                elif not self._under_lock(spec, wait=False):
                    # another kernel of this client is computing it: do the report's other work meanwhile
                    self._while_busy(section_id)
                    self._under_lock(spec, wait=True)
        return self._results[section_id]

    def _under_lock(self, spec, *, wait: bool) -> bool:
        """Load or compute (and save) the section holding its lock; False when ``wait=False`` and it is held."""
        got = self._cache.load_or_compute(spec.id, lambda: self._compute(spec), wait=wait)
        if got is None:
            return False
        self._results[spec.id] = got[0]
        if got[1] is not None:
            self._sha[spec.id] = got[1]
        return True

    def _while_busy(self, busy: str) -> None:
        """While another kernel computes ``busy``, compute the sections nobody holds.

        The two audiences of ``cx report`` start at the same headline: without this, one kernel
        computes the headline's sections while the other waits for them. Here the waiting kernel
        takes sections from the end of the report (the analyst-only ones, which the other
        audience's kernel will load: only another kernel of the same client and key can hold a
        lock), each whose uses are already done (pass after pass), until ``busy`` is free. Results
        are the same: each section is still computed once, by whichever kernel takes its lock first.
        """
        from cxlib.report.sections.registry import sections

        cache = self._cache
        failed: set[str] = set()  # raised here once: not tried again in a later pass
        progress = True
        while progress:  # again while a pass took something: what it took may be what the next one uses
            progress = False
            for spec in reversed(sections()):
                if not cache.busy(busy):
                    return
                if spec.id in self._results or spec.id == busy or spec.id in failed or self.missing(spec.id):
                    continue
                if not all(u in self._results or cache.has(u) for u in spec.uses) or cache.has(spec.id):
                    continue
                try:
                    progress = self._under_lock(spec, wait=False) or progress
                except Exception:  # noqa: BLE001 - not this kernel's to report: the kernel showing it computes it again
                    self._results.pop(spec.id, None)
                    failed.add(spec.id)

    def _compute(self, spec) -> SectionResult:
        uses = {name: self.result(name) for name in spec.uses}
        return spec.compute(self.data, **uses)

    def show(self, section_id: str, *, audience: str | None = None) -> None:
        """Display the section for ``audience`` (default: the run's), as the module docstring describes."""
        from IPython.display import display

        from cxlib.present.narrative import note_html, quoting

        reader = audiences.audience(audience or self.audience)
        spec = section(section_id)
        if not spec.for_audience(reader.name) or self.missing(section_id):
            display({SECTION_MIME: {"section": spec.id, "shown": False}}, raw=True)
            return
        result = self.result(section_id)
        for note in result.notes:
            if reader.name in note.audiences:
                display(note_html(note.text))
        with quoting(self._quoted):
            spec.show(result, reader.name)
        if section_id in self._sha:
            # the audit trail of a shared result: which file (by content) this section showed
            _record({SECTION_MIME: {"section": spec.id, "shown": True,
                                    "results": {"key": self._cache.key.digest, "sha256": self._sha[section_id]}}})

    def unavailable(self) -> list[str]:
        """One sentence per section (and optional part) this client's data cannot support, with what would unlock it."""
        from cxlib.report.sections.registry import sections

        out = []
        for spec in sections():
            missing = self.missing(spec.id)
            if missing:
                out.append(unavailable_text(spec.title, missing, self._tables, spec.unlock))
                continue
            for part in spec.parts:
                lacks = lacking(self._tables, part.needs)
                if lacks:
                    out.append(unavailable_text(part.name, lacks, self._tables, part.unlock))
        return out


def _open_cache(data: Any, mode: str | None):
    from cxlib.report.results import open_results

    if not hasattr(data, "ws") or not hasattr(data.ws, "build_dir"):
        return None
    if mode is None and hasattr(data, "results_cache"):  # the one the data's shared tables use
        return data.results_cache()
    return open_results(data, mode=mode)


def _record(payload: dict) -> None:
    """An invisible output (the renderer drops it) kept in the executed notebook; nothing outside a kernel."""
    from IPython.core.interactiveshell import InteractiveShell

    if InteractiveShell.initialized():
        from IPython.display import display

        display(payload, raw=True)
