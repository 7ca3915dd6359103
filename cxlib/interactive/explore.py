"""The interactive explorer behind notebooks/explore.ipynb (JupyterLab, ipywidgets).

Pick a client, filter by segment / channel / stage / period, and the headline numbers, the
charts and the verbatims update. The logic is plain functions on DataFrames
(:func:`filter_responses`, :func:`headline`, :func:`verbatims`), tested without widgets;
:class:`Explorer` only wires them to ipywidgets (imported when it is built). Verbatims are
redacted (:func:`cxlib.text.redact_series`) and only shown when the filtered group holds at least
the client's ``min_n_quotes`` comments; scores of groups below ``min_n`` are suppressed.

Examples
--------
>>> explorer = Explorer(client="acme-telecom")     # doctest: +SKIP
>>> explorer.widget                                          # doctest: +SKIP
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["Filters", "filter_responses", "headline", "verbatims", "Explorer", "no_clients_message"]


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


def no_clients_message(root) -> str:
    """What the explorer says when ``<root>/data`` holds no client workspace."""
    return (f"No client workspace under {root}/data (a folder with a client.yaml). Run `cx demo` for the demo "
            "clients, or `cx init <client> --from <folder>` for a real one, then run this cell again. "
            "(The project folder is found as `cx` finds it: the `root` parameter, CX_ROOT, or the nearest "
            "folder upwards holding data/.)")


class Explorer:
    """Widgets: client picker, filters, headline numbers, NPS-by-segment chart, verbatims.

    Parameters
    ----------
    root : str, optional
        Project folder holding ``data/``. Default: found as ``cx`` finds it
        (:func:`cxlib.workspace.project_root`: ``CX_ROOT``, else the nearest folder upwards
        holding ``data/``), so the notebook opened from ``notebooks/`` in JupyterLab finds it.
    client : str, optional
        Client to open first (default: the first one found).

    Attributes
    ----------
    message : ipywidgets.HTML
        What went wrong, in words (no client, a client that cannot be opened); empty when all is well.
    ws : Workspace or None
        The open client (None when there is none).
    """

    def __init__(self, root: str | None = None, client: str | None = None) -> None:
        import ipywidgets as w

        from cxlib.workspace import list_clients, project_root

        self.root = project_root(root)
        clients = list_clients(self.root)
        self.w = w
        self.message = w.HTML()
        self.client_box = w.Dropdown(options=clients, value=None, description="Client")
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
        self.widget = w.VBox([self.message, filters, self.numbers, self.chart,
                              w.HTML("<b>Verbatims (redacted)</b>"), self.quotes])
        if not clients:
            self._say(no_clients_message(self.root))
            return
        if client is not None and client not in clients:
            import difflib

            close = difflib.get_close_matches(client, clients, n=1)
            self._say(f"No client {client!r} under {self.root}/data." + (f" Did you mean {close[0]}?" if close else "")
                      + f" Clients here: {', '.join(clients)}. Showing {clients[0]}.")
            client = None
        self.client_box.value = client or clients[0]  # observed: loads the client

    def _say(self, text: str) -> None:
        self.message.value = (f'<div style="padding:6px 10px;border-left:4px solid #C0392B;background:#FDF2F0">'
                              f"{html.escape(text)}</div>") if text else ""

    def load(self) -> None:
        """Open the selected client and reset the filters to its segments, channels and stages."""
        from cxlib.analysis import metrics
        from cxlib.errors import CxError
        from cxlib.workspace import open_client

        try:
            ws = open_client(self.client_box.value, root=self.root)
            context = metrics.with_context(ws.responses, customers=ws.customers, interactions=ws.interactions)
        except CxError as exc:
            self.ws, self.context = None, None
            self._say(f"{self.client_box.value}: {exc}")
            return
        self.ws, self.context = ws, context
        cfg = self.ws.config
        self._loading = True
        self.segments.options, self.channels.options, self.stages.options = cfg.segments, cfg.channels, cfg.stages
        self.start.value = cfg.period_start.date() if cfg.period_start is not None else None
        self.end.value = cfg.period_end.date() if cfg.period_end is not None else None
        self._loading = False
        self.refresh()

    def reconciliation_table(self):
        """The open client's reconciliation (rows read = used + quarantined), or a note saying why there is none."""
        from cxlib.present import narrative, tables

        if self.ws is None:
            return narrative.note_html(self.message_text or no_clients_message(self.root))
        return tables.table(self.ws.reconciliation, columns=["table", "file", "rows_read", "rows_used",
                                                             "rows_quarantined"], suppressed=None,
                            caption="Reconciliation")

    def coding_panel(self, *, coder: str, n: int = 200):
        """The hand-coding panel for the open client's comments, or a note when no client is open."""
        from cxlib.interactive.panel import coding_panel
        from cxlib.present import narrative
        from cxlib.text import load_codebook, starter_codebook

        if self.ws is None:
            return narrative.note_html(self.message_text or no_clients_message(self.root))
        path = self.ws.codebook_path
        codebook = load_codebook(path) if path and path.exists() else starter_codebook()
        return coding_panel(self.ws.responses, codebook, self.ws.data_dir / "hand_coded.csv", coder=coder, n=n)

    @property
    def message_text(self) -> str:
        """The message shown, as plain text."""
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", self.message.value))

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

