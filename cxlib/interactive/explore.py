"""The interactive explorer behind notebooks/explore.ipynb (JupyterLab, ipywidgets).

Pick a client, filter by segment / channel / stage / period, and the headline numbers, the
charts and the verbatims update. The logic is plain functions on DataFrames
(:func:`filter_responses`, :func:`headline`, :func:`verbatims`), tested without widgets;
:class:`Explorer` only wires them to ipywidgets (imported when it is built). Verbatims are
redacted (:func:`cxlib.text.redact_series`) and only shown when the filtered group holds at least
the client's ``min_n_quotes`` comments; scores of groups below ``min_n`` are suppressed.

Examples
--------
>>> explorer = Explorer(root=".", client="acme-telecom")     # doctest: +SKIP
>>> explorer.widget                                          # doctest: +SKIP
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Filters", "filter_responses", "headline", "verbatims", "Explorer"]


@dataclass(frozen=True)
class Filters:
    """What the consultant selected. Empty tuples mean "all"."""

    segments: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


def filter_responses(context: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Responses (with context columns) matching the filters.

    Parameters
    ----------
    context : DataFrame
        :func:`cxlib.analysis.metrics.with_context` output (``segment``, ``channel``, ``stage``,
        ``answered_at`` …). Relationship responses have no channel or stage: a channel or stage
        filter keeps only the transactional responses that match it.
    filters : Filters

    Returns
    -------
    DataFrame
        The matching rows (a copy), same columns.
    """
    keep = pd.Series(True, index=context.index)
    for column, values in (("segment", filters.segments), ("channel", filters.channels), ("stage", filters.stages)):
        if values and column in context:
            keep &= context[column].astype("string").isin(list(values)).fillna(False)
    if filters.start is not None:
        keep &= (context["answered_at"] >= pd.Timestamp(filters.start)).fillna(False)
    if filters.end is not None:
        keep &= (context["answered_at"] < pd.Timestamp(filters.end) + pd.Timedelta(days=1)).fillna(False)
    return context.loc[keep.to_numpy()].copy()


def headline(filtered: pd.DataFrame, *, min_n: int) -> pd.DataFrame:
    """NPS of the filtered responses by survey type, suppressed below ``min_n``.

    Returns
    -------
    DataFrame
        ``survey, n, nps, pct_promoters, pct_detractors, ci_low, ci_high, method, suppressed``
        (from :func:`cxlib.analysis.metrics.nps`).
    """
    from cxlib.analysis import metrics

    rows = filtered[filtered["nps"].notna()] if "nps" in filtered else filtered
    if not len(rows):
        return pd.DataFrame(columns=["survey", "n", "nps", "ci_low", "ci_high", "suppressed"])
    return metrics.nps(rows, by="survey", min_n=min_n, complementary=False)


def verbatims(filtered: pd.DataFrame, *, min_n_quotes: int, n: int = 8, seed: int = 0) -> pd.DataFrame:
    """A reproducible sample of redacted comments from the filtered responses.

    Parameters
    ----------
    filtered : DataFrame
        Filtered responses with ``comment``.
    min_n_quotes : int
        No comments are shown from a selection with fewer comments than this.
    n : int
        How many to show.

    Returns
    -------
    DataFrame
        ``quote`` (redacted), ``nps``, ``segment``, ``needs_review``; empty below the minimum.
    """
    from cxlib.text import redact_series

    cols = ["quote", "nps", "segment", "needs_review"]
    if "comment" not in filtered:
        return pd.DataFrame(columns=cols)
    comments = filtered[filtered["comment"].notna() & (filtered["comment"].astype("string").str.strip() != "")]
    if len(comments) < min_n_quotes:
        return pd.DataFrame(columns=cols)
    sample = comments.sample(n=min(n, len(comments)), random_state=seed).sort_values("answered_at", kind="stable")
    red = redact_series(sample["comment"].astype("string"))
    return pd.DataFrame({"quote": red["text"].to_numpy(), "nps": sample["nps"].to_numpy(),
                         "segment": sample.get("segment", pd.Series(pd.NA, index=sample.index)).to_numpy(),
                         "needs_review": red["needs_review"].to_numpy()})


class Explorer:
    """Widgets: client picker, filters, headline numbers, NPS-by-segment chart, verbatims.

    Parameters
    ----------
    root : str
        Project folder holding ``data/``.
    client : str, optional
        Client to open first (default: the first one found).
    """

    def __init__(self, root: str = ".", client: str | None = None) -> None:
        import ipywidgets as w

        from cxlib.workspace import list_clients

        self.root = root
        clients = list_clients(root)
        self.w = w
        self.client_box = w.Dropdown(options=clients, value=client or (clients[0] if clients else None),
                                     description="Client")
        self.segments = w.SelectMultiple(description="Segment", rows=4)
        self.channels = w.SelectMultiple(description="Channel", rows=4)
        self.stages = w.SelectMultiple(description="Stage", rows=4)
        self.start = w.DatePicker(description="From")
        self.end = w.DatePicker(description="To")
        self.numbers = w.HTML()
        self.chart = w.Output()
        self.quotes = w.HTML()
        self.ws = None
        self.context = None
        self.client_box.observe(lambda _: self.load(), names="value")
        for control in (self.segments, self.channels, self.stages, self.start, self.end):
            control.observe(lambda _: self.refresh(), names="value")
        filters = w.VBox([self.client_box, w.HBox([self.segments, self.channels, self.stages]),
                          w.HBox([self.start, self.end])])
        self.widget = w.VBox([filters, self.numbers, self.chart, w.HTML("<b>Verbatims (redacted)</b>"), self.quotes])
        if self.client_box.value:
            self.load()

    def load(self) -> None:
        """Open the selected client and reset the filters to its segments, channels and stages."""
        from cxlib.analysis import metrics
        from cxlib.workspace import open_client

        self.ws = open_client(self.client_box.value, root=self.root)
        cfg = self.ws.config
        self.context = metrics.with_context(self.ws.responses, customers=self.ws.customers,
                                            interactions=self.ws.interactions)
        self._loading = True
        self.segments.options, self.channels.options, self.stages.options = cfg.segments, cfg.channels, cfg.stages
        self.start.value = cfg.period_start.date() if cfg.period_start is not None else None
        self.end.value = cfg.period_end.date() if cfg.period_end is not None else None
        self._loading = False
        self.refresh()

    def current_filters(self) -> Filters:
        return Filters(segments=tuple(self.segments.value), channels=tuple(self.channels.value),
                       stages=tuple(self.stages.value),
                       start=pd.Timestamp(self.start.value) if self.start.value else None,
                       end=pd.Timestamp(self.end.value) if self.end.value else None)

    def refresh(self) -> None:
        """Recompute the numbers, the chart and the verbatims for the current filters."""
        if self.ws is None or getattr(self, "_loading", False):
            return
        import matplotlib.pyplot as plt

        from cxlib.present import charts, narrative, tables
        from cxlib.analysis import metrics

        cfg = self.ws.config
        filtered = filter_responses(self.context, self.current_filters())
        numbers = headline(filtered, min_n=cfg.min_n)
        self.numbers.value = tables.table(
            numbers, columns={"survey": "Survey", "n": "n", "nps": "NPS"}, formats={"nps": "signed1"},
            ci={"nps": ("ci_low", "ci_high")}, caption=f"{cfg.display_name}: {len(filtered):,} responses selected").html
        self.chart.clear_output(wait=True)
        with self.chart:
            by_segment = metrics.nps(filtered[filtered["nps"].notna()], by="segment", min_n=cfg.min_n) \
                if filtered["nps"].notna().any() else None
            if by_segment is not None and len(by_segment):
                charts.set_theme(cfg.brand)
                charts.bar_chart(by_segment, x="nps", y="segment", low="ci_low", high="ci_high", xlabel="NPS",
                                 title="NPS by segment (95 % interval)")
                plt.show()
        quotes = verbatims(filtered, min_n_quotes=cfg.min_n_quotes)
        if len(quotes):
            self.quotes.value = narrative.quotes_html(quotes.assign(label=quotes["segment"].astype("string")),
                                                      kind=None).html
        else:
            self.quotes.value = html.escape(f"Fewer than {cfg.min_n_quotes} comments in this selection: "
                                            "no verbatims shown.")

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)

