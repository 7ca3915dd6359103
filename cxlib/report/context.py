"""What the report notebook starts from: a client's validated tables for the report period.

The notebook calls :func:`report_data` once, right after its parameters cell, and hands the
result to :class:`cxlib.report.sections.ReportRun`; the sections compute from these tables.
Nothing here computes a statistic: it opens the workspace, checks the audience, applies the
reporting period, joins the context columns the analyses need (segment, stage, channel) and
fixes the seeds.

Examples
--------
>>> data = report_data("acme-telecom", root=demo_root, audience="executive")   # doctest: +SKIP
>>> data.relationship["survey"].unique().tolist()                              # doctest: +SKIP
['relationship']
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxlib.errors import ReportError
from cxlib.report.audiences import AUDIENCES, check_audience

__all__ = ["ReportData", "report_data", "attempt", "AUDIENCE_VALUES", "PROCESSES_ENV", "processes_from_env",
           "SHARED_ENV"]

#: The audiences (the registry is :mod:`cxlib.report.audiences`).
AUDIENCE_VALUES = AUDIENCES
#: Processes a report kernel's analyses may use, set by ``cx report`` for each notebook
#: (:attr:`cxlib.report.pipeline.ReportJob.cores`); unset: one.
PROCESSES_ENV = "CX_PROCESSES"
#: Set (to ``1``) by ``cx report`` when it renders more than one audience: the survey comments' coding and
#: sentiment, which sections of both audiences read, are then computed by the first notebook that needs them
#: and loaded by the other through the results cache (:meth:`ReportData.coded_comments`), whether the two
#: run side by side on kernels of their own or one after the other on one kernel (reset between them).
SHARED_ENV = "CX_SHARED_TABLES"


def processes_from_env() -> int:
    """:data:`PROCESSES_ENV` as a whole number of at least one (1 when unset or unreadable).

    >>> import os; os.environ.pop(PROCESSES_ENV, None) and None; processes_from_env()
    1
    """
    try:
        return max(1, int(os.environ.get(PROCESSES_ENV, "1")))
    except ValueError:
        return 1


@dataclass(frozen=True)
class ReportData:
    """A client's tables as the report uses them.

    Attributes
    ----------
    ws : Workspace
        The opened workspace (``ws.config``, ``ws.reconciliation``, ``ws.quarantine`` …).
    audience : str
    labels : dict
        Touchpoint and stage id -> readable label.
    customers, interactions, responses : DataFrame
        Validated tables; interactions and responses restricted to the period. customers and
        interactions are None for a client that sent only survey data (see :meth:`lacks`).
    relationship, transactional : DataFrame
        Responses of each survey type with ``segment``, ``region``, ``stage``, ``channel``,
        ``touchpoint``, ``month``, ``quarter`` joined (:func:`cxlib.analysis.metrics.with_context`).
    mentions, self_assessment : DataFrame or None
        responses, relationship and transactional are None too for a client that sent only
        posts or reviews (mentions).
    period : str
        The reporting period as text.
    seed : int
        The report's seed: every analysis that draws random numbers takes it.
    selection : str
        When the report renders a saved explorer view: the view's name and selection in words
        ("" otherwise).
    outcome : str or None
        The outcome the headline and the key drivers report (:attr:`cxlib.workspace.Workspace.outcome`:
        client.yaml ``outcome``, else the best one the data has).
    benchmark : DataFrame or None
        Relationship answers about competitors for the period (a ``company`` column naming each), where
        the client's data holds them (client.yaml ``benchmark``); None otherwise.
    benchmark_client : str or None
        The client's own value of ``company``.
    processes : int
        Processes the analyses may use (this one and helpers; VADER's sentiment of a long list,
        :mod:`cxlib.text.vader`): :func:`processes_from_env` in a report kernel, else 1. The
        numbers never depend on it.
    """

    ws: Any
    audience: str
    labels: dict
    customers: pd.DataFrame | None
    interactions: pd.DataFrame | None
    responses: pd.DataFrame
    relationship: pd.DataFrame
    transactional: pd.DataFrame
    mentions: pd.DataFrame | None
    self_assessment: pd.DataFrame | None
    period: str
    seed: int = 7
    selection: str = ""
    outcome: str | None = None
    benchmark: pd.DataFrame | None = None
    benchmark_client: str | None = None
    processes: int = 1
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def config(self):
        return self.ws.config

    def codebook(self):
        """The client's codebook (``codebook.yaml``; the starter codebook without one), read once.

        Examples
        --------
        >>> data.codebook().themes[0].id        # doctest: +SKIP
        'billing'
        """
        if "codebook" not in self._memo:
            from cxlib import text

            path = self.ws.codebook_path
            self._memo["codebook"] = text.load_codebook(path) if path and path.exists() else text.starter_codebook()
        return self._memo["codebook"]

    def coded_comments(self) -> pd.DataFrame:
        """The survey comments coded with :meth:`codebook` (:func:`cxlib.text.code_comments`), once.

        The journey map, the voice of the customer, the owners' briefs and the social section all
        read the same coding; the frame is shared, so callers filter it and never change it in place.
        """
        if "coded" not in self._memo:
            from cxlib import text

            self._memo["coded"] = self._shared("coded", lambda: text.code_comments(self.responses, self.codebook()))
        return self._memo["coded"]

    def comment_mentions(self) -> pd.DataFrame:
        """:meth:`coded_comments` with each mention's sentence and sentiment (:func:`cxlib.text.mention_sentiment`), once."""
        if "mentions" not in self._memo:
            from cxlib import text

            self._memo["mentions"] = self._shared("mentions", lambda: text.mention_sentiment(
                self.coded_comments(), self.responses, n_jobs=self.processes))
        return self._memo["mentions"]

    def results_cache(self):
        """This client's results cache for these parameters (:func:`cxlib.report.results.open_results`), opened
        once; None when the cache is off (``CX_RESULTS_CACHE``)."""
        if "results_cache" not in self._memo:
            from cxlib.report.results import open_results

            self._memo["results_cache"] = open_results(self) if hasattr(self.ws, "build_dir") else None
        return self._memo["results_cache"]

    def _shared(self, name: str, compute):
        """``compute()``, or what another notebook of this run computed.

        With :data:`SHARED_ENV` set and the results cache on, the first kernel to get here computes under the
        table's lock and saves it (``_<name>`` beside the section results, not listed as a section); another
        kernel side by side waits for the lock and loads it, and so does the next audience's notebook one
        after the other (the kernel's reset between notebooks empties this object's memo). Otherwise (one
        audience, or no cache) it is simply computed.
        """
        cache = self.results_cache() if os.environ.get(SHARED_ENV) == "1" else None
        if cache is None:
            return compute()
        return cache.load_or_compute(f"_{name}", compute, journal=False)[0]

    def lacks(self, *tables: str, section: str) -> bool:
        """True (and a plain note in the report) when the client provided none of some table a section needs.

        For a consultant's own notebook cells; the report's sections declare what they need and
        the registry writes their notes (:class:`cxlib.report.sections.ReportRun`).

        Examples
        --------
        >>> if not data.lacks("interactions", section="The journey curve"):   # doctest: +SKIP
        ...     curve = lifecycle.stage_curve(data.interactions, data.responses, stages=cfg.stages)
        """
        missing = {t: () for t in tables if getattr(self, t) is None}
        if missing:
            from IPython.display import display

            from cxlib.present.narrative import note_html
            from cxlib.report.sections.base import unavailable_text

            display(note_html(unavailable_text(section, missing, {t: None for t in missing},
                                               "provide it in the client's workspace.")))
        return bool(missing)


def report_data(client: str, *, root: str, audience: str = "executive", period_start: str | None = None,
                period_end: str | None = None, seed: int = 7, view: str | None = None) -> ReportData:
    """Open a client and prepare its tables for the report.

    Parameters
    ----------
    client : str
        Client folder under ``<root>/data``.
    root : str
        Project folder.
    audience : {"executive", "analyst"}
    period_start, period_end : str, optional
        ``YYYY-MM-DD``; default the client.yaml period (no filter when that is absent too).
    seed : int
        Seeds Python's and numpy's global generators (analyses take their own ``seed=`` too).
    view : str, optional
        A saved explorer view (``data/<client>/views/<view>.yaml``): its period (unless
        ``period_start``/``period_end`` are given) and its segments, channels and stages
        (:func:`cxlib.analysis.selection.select_tables`).

    Returns
    -------
    ReportData

    Raises
    ------
    ReportError
        An unknown audience or an unreadable period date.
    """
    from cxlib.analysis import metrics
    from cxlib.present.tables import label_map
    from cxlib.workspace import open_client

    check_audience(audience)
    random.seed(seed)
    np.random.seed(seed)
    ws = open_client(client, root=root)
    cfg = ws.config
    saved = None
    if view:
        from cxlib.analysis.selection import load_view

        saved = load_view(ws.data_dir, view)
    default_start = saved.filters.start if saved is not None and saved.filters.start is not None else cfg.period_start
    default_end = saved.filters.end if saved is not None and saved.filters.end is not None else cfg.period_end
    try:
        start = pd.Timestamp(period_start) if period_start else default_start
        end = pd.Timestamp(period_end) if period_end else default_end
    except ValueError as exc:
        raise ReportError(f"period_start/period_end: {exc}. Write dates as YYYY-MM-DD.") from None
    customers = ws.customers
    interactions = ws.table_in_period("interactions", "occurred_at", start, end)
    responses = ws.table_in_period("responses", "answered_at", start, end)
    mentions = ws.table_in_period("mentions", "posted_at", start, end)
    selection = ""
    if saved is not None:
        from cxlib.analysis.selection import Filters, select_tables

        within = Filters(segments=saved.filters.segments, channels=saved.filters.channels, stages=saved.filters.stages)
        picked = select_tables(within, customers=customers, interactions=interactions, responses=responses,
                               mentions=mentions)
        customers, interactions = picked["customers"], picked["interactions"]
        responses, mentions = picked["responses"], picked["mentions"]
        shown = Filters(segments=within.segments, channels=within.channels, stages=within.stages, start=start, end=end)
        selection = f"Saved view {saved.name}: {shown.describe()}." + (f" {saved.note}" if saved.note else "")
    if responses is not None:
        context = metrics.with_context(responses, customers=customers, interactions=interactions)
        survey = context["survey"].astype("string")
        relationship = context[(survey == "relationship").fillna(False).to_numpy()].reset_index(drop=True)
        transactional = context[(survey == "transactional").fillna(False).to_numpy()].reset_index(drop=True)
    else:  # a client with only posts or reviews
        relationship = transactional = None
    period = "" if start is None and end is None else \
        f"{start:%d %b %Y} to {end:%d %b %Y}" if start is not None and end is not None else \
        f"from {start:%d %b %Y}" if start is not None else f"until {end:%d %b %Y}"
    benchmark, benchmark_client = _benchmark(ws, start, end)
    self_assessment = ws.self_assessment
    ws.forget_tables()  # the report holds its period's tables; a whole table kept here only costs memory
    return ReportData(
        ws=ws, audience=audience, labels=label_map(cfg), customers=customers, interactions=interactions,
        responses=responses, relationship=relationship, transactional=transactional,
        mentions=mentions, self_assessment=self_assessment, period=period, seed=seed, selection=selection,
        outcome=ws.outcome, benchmark=benchmark, benchmark_client=benchmark_client, processes=processes_from_env(),
    )


def _benchmark(ws, start, end) -> tuple[pd.DataFrame | None, str | None]:
    """The competitors' answers of the period and the client's name among them (client.yaml ``benchmark``)."""
    from cxlib.workspace import within_period

    setting = getattr(ws.config, "benchmark", None)
    others = ws.benchmark("responses") if setting is not None and hasattr(ws, "benchmark") else None
    if others is None or not len(others):
        return None, None
    return within_period(others, "answered_at", start, end), str(setting.client)


def attempt(func, *args, what: str | None = None, **kwargs):
    """Run one analysis; when the data are too thin for it, say so in the report and go on.

    Only :class:`cxlib.errors.DataError` (too few responses, no churners, a single group …) is
    caught: it is shown as a note (escaped) and None is returned, so the rest of the report still
    renders. Any other exception is a defect and fails the report as it should.

    Parameters
    ----------
    func : callable
        The analysis, e.g. ``drivers.key_drivers``.
    *args, **kwargs
        Passed to ``func``.
    what : str, optional
        How the note names the analysis (default: the function's name).

    Returns
    -------
    The analysis result, or None.

    Examples
    --------
    >>> from cxlib.errors import DataError
    >>> def thin(): raise DataError("only 3 responses")
    >>> attempt(thin, what="Key drivers") is None        # doctest: +SKIP
    True
    """
    from cxlib.report.sections.base import Attempts

    tried = Attempts()
    out = tried(func, *args, what=what or getattr(func, "__name__", "This analysis"), **kwargs)
    if tried.notes:
        from IPython.display import display

        from cxlib.present.narrative import note_html

        display(note_html(tried.notes[0].text))
    return out
