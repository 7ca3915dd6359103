"""The interactive explorer behind notebooks/explore.ipynb (JupyterLab, ipywidgets).

Pick a client (or open a saved view); filter by segment, channel, stage and period; and the
explorer shows, for the selection:

* **headline**: NPS by survey type with its interval, and the counts that reconcile with it
  (responses selected = NPS answers by survey type + answers without NPS);
* **chart**: NPS by segment, touchpoint, stage, channel, quarter, region or comment theme; every
  bar is a button: click it to **drill down** to the comments and customers behind it, "Back" to
  return; the chart exports as PNG or SVG and the table in front of you as XLSX (formula-safe);
* **verbatims**: search by word, "a phrase", theme and sentiment; hits counted and marked;
  filler ("ok", "no comment") is never quoted;
* **compare**: the selection against the rest, the previous period, or a saved view: both NPS,
  the difference and its 95 % interval (:func:`cxlib.analysis.metrics.compare_groups`);
* **social**: mentions and reviews in the same period and segments, by source, with the search;
* **save view**: the filters and the sections shown, under a name, as
  ``data/<client>/views/<name>.yaml``; ``cx report <client> --view <name>`` renders the same
  selection as a report.

Everything is computed by :class:`cxlib.interactive.explore_data.ExplorerData` (no widgets, tested
on its own); this module only wires it to ipywidgets, imported when an :class:`Explorer` is built.
Comments are redacted and escaped; scores of groups below ``min_n`` and quotes of groups below
``min_n_quotes`` are not shown.

Examples
--------
>>> explorer = Explorer(client="acme-telecom")                 # doctest: +SKIP
>>> explorer.set_filters(segments=["enterprise"])              # doctest: +SKIP
>>> explorer.search('"on hold"'); explorer.drill_down("billing")   # doctest: +SKIP
>>> explorer.save_view("enterprise-hold")                      # doctest: +SKIP
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import pandas as pd

from cxlib.analysis.selection import SECTIONS, Filters, View, filter_responses

__all__ = ["Filters", "filter_responses", "headline", "verbatims", "Explorer", "no_clients_message"]


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
    """A reproducible sample of redacted comments from the filtered responses (filler left out).

    Returns
    -------
    DataFrame
        ``quote`` (redacted), ``nps``, ``segment``, ``needs_review``; empty below the minimum.
    """
    from cxlib.interactive.verbatims import is_filler
    from cxlib.text import redact_series

    cols = ["quote", "nps", "segment", "needs_review"]
    if "comment" not in filtered:
        return pd.DataFrame(columns=cols)
    text = filtered["comment"].astype("string")
    comments = filtered[text.notna() & (text.str.strip() != "")]
    if len(comments) < min_n_quotes:
        return pd.DataFrame(columns=cols)
    comments = comments[~comments["comment"].map(is_filler).to_numpy(bool)]
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


_SECTION_TITLES = {"headline": "Headline", "chart": "Chart and drill-down", "verbatims": "Verbatims",
                   "compare": "Compare", "social": "Social mentions and reviews"}


class Explorer:
    """The explorer's widgets (see the module notes).

    Parameters
    ----------
    root : str, optional
        Project folder holding ``data/``. Default: found as ``cx`` finds it
        (:func:`cxlib.workspace.project_root`: ``CX_ROOT``, else the nearest folder upwards
        holding ``data/``), so the notebook opened from ``notebooks/`` in JupyterLab finds it.
    client : str, optional
        Client to open first (default: the first one found).
    view : str, optional
        A saved view of that client to open.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What the notebook displays.
    message : ipywidgets.HTML
        What went wrong, in words; empty when all is well.
    ws : Workspace or None
    data : ExplorerData or None
    last_refresh_seconds : float
        How long the last filter change took to recompute and redraw.
    """

    def __init__(self, root: str | None = None, client: str | None = None, *, view: str | None = None) -> None:
        import ipywidgets as w

        from cxlib.interactive.explore_data import CHART_BY, COMPARE_WITH
        from cxlib.workspace import list_clients, project_root

        self.w = w
        self.root = project_root(root)
        clients = list_clients(self.root)
        self.ws = None
        self.data = None
        self.context = None
        self.drilled: tuple[str, str] | None = None
        self.last_refresh_seconds = 0.0
        self._loading = False
        wide = w.Layout(width="auto")
        self.message = w.HTML()
        self.client_box = w.Dropdown(options=clients, value=None, description="Client")
        self.view_box = w.Dropdown(options=[("(no saved view)", "")], value="", description="View")
        self.segments = w.SelectMultiple(description="Segment", rows=4)
        self.channels = w.SelectMultiple(description="Channel", rows=4)
        self.stages = w.SelectMultiple(description="Stage", rows=4)
        self.start = w.DatePicker(description="From")
        self.end = w.DatePicker(description="To")
        self.section_boxes = {s: w.Checkbox(value=True, description=_SECTION_TITLES[s], indent=False, layout=wide)
                              for s in SECTIONS}
        self.numbers = w.HTML()
        self.chart_by = w.Dropdown(options=list(CHART_BY), value="segment", description="Chart by")
        self.bars = w.VBox()
        self.chart_note = w.HTML()
        self.export_png = w.Button(description="Export PNG", icon="download")
        self.export_svg = w.Button(description="Export SVG", icon="download")
        self.export_xlsx = w.Button(description="Export table (XLSX)", icon="table", layout=wide)
        self.export_status = w.HTML()
        self.back_button = w.Button(description="Back", icon="arrow-left")
        self.drill_html = w.HTML()
        self.drill_box = w.VBox([self.back_button, self.drill_html], layout=w.Layout(display="none"))
        self.query = w.Text(placeholder='a word, or "a phrase"', description="Search", continuous_update=False)
        self.theme_box = w.Dropdown(options=[("any theme", "")], value="", description="Theme")
        self.sentiment_box = w.Dropdown(options=[("any sentiment", ""), ("negative", "negative"),
                                                 ("neutral", "neutral"), ("positive", "positive")], value="",
                                        description="Sentiment")
        self.quotes = w.HTML()
        self.compare_with = w.Dropdown(options=list(COMPARE_WITH), value=COMPARE_WITH[0], description="Against")
        self.compare_html = w.HTML()
        self.social_html = w.HTML()
        self.view_name = w.Text(placeholder="e.g. enterprise-q2", description="View name")
        self.save_button = w.Button(description="Save view", icon="save", button_style="primary")
        self.save_status = w.HTML()
        self.timing = w.HTML()

        self.client_box.observe(lambda _: self.load(), names="value")
        self.view_box.observe(lambda change: self.open_view(change["new"]) if change["new"] and not self._loading
                              else None, names="value")
        for control in (self.segments, self.channels, self.stages, self.start, self.end):
            control.observe(lambda _: self.refresh(), names="value")
        for control in (self.chart_by, self.query, self.theme_box, self.sentiment_box, self.compare_with,
                        *self.section_boxes.values()):
            control.observe(lambda _: self.refresh(), names="value")
        self.back_button.on_click(lambda _: self.back())
        self.export_png.on_click(lambda _: self.export_chart("png"))
        self.export_svg.on_click(lambda _: self.export_chart("svg"))
        self.export_xlsx.on_click(lambda _: self.export_table())
        self.save_button.on_click(lambda _: self.save_view(self.view_name.value))

        self.sections = {
            "headline": w.VBox([self.numbers]),
            "chart": w.VBox([self.chart_by, self.bars, self.chart_note,
                             w.HBox([self.export_png, self.export_svg, self.export_xlsx]), self.export_status,
                             self.drill_box]),
            "verbatims": w.VBox([w.HBox([self.query, self.theme_box, self.sentiment_box]), self.quotes]),
            "compare": w.VBox([self.compare_with, self.compare_html]),
            "social": w.VBox([self.social_html]),
        }
        titled = [w.VBox([w.HTML(f"<h3 style='margin:10px 0 4px'>{html.escape(_SECTION_TITLES[s])}</h3>"),
                          self.sections[s]]) for s in SECTIONS]
        self._titled = dict(zip(SECTIONS, titled))
        filters = w.VBox([w.HBox([self.client_box, self.view_box]),
                          w.HBox([self.segments, self.channels, self.stages]), w.HBox([self.start, self.end]),
                          w.HBox([w.HTML("<b>Show:</b>&nbsp;"), *self.section_boxes.values()])])
        saving = w.HBox([self.view_name, self.save_button, self.save_status])
        self.widget = w.VBox([self.message, filters, *titled, saving, self.timing])
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
        if view:
            self.open_view(view)

    # -- messages -------------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        from cxlib.interactive.explore_html import warning

        self.message.value = warning(text) if text else ""

    @property
    def message_text(self) -> str:
        """The message shown, as plain text."""
        from cxlib.interactive.explore_html import strip_tags

        return strip_tags(self.message.value)

    # -- loading --------------------------------------------------------------------------------------
    def load(self) -> None:
        """Open the selected client, reset the filters to its segments, channels, stages and period."""
        from cxlib.errors import CxError
        from cxlib.interactive.explore_data import ExplorerData
        from cxlib.workspace import open_client

        import gc

        gc.unfreeze()  # the previous client's tables may go now
        self.ws, self.data, self.context = None, None, None
        try:
            ws = open_client(self.client_box.value, root=self.root)
            data = ExplorerData(ws)
        except CxError as exc:
            self.ws, self.data, self.context = None, None, None
            self._say(f"{self.client_box.value}: {exc}")
            self._load_failed = True
            return
        if getattr(self, "_load_failed", False):
            self._say("")  # the previous client's error no longer applies
        self._load_failed = False
        self.ws, self.data, self.context = ws, data, data.context
        cfg = ws.config
        self._loading = True
        try:
            self.segments.options, self.channels.options, self.stages.options = cfg.segments, cfg.channels, cfg.stages
            self.start.value = cfg.period_start.date() if cfg.period_start is not None else None
            self.end.value = cfg.period_end.date() if cfg.period_end is not None else None
            labels = data.theme_labels() if data.has_comment.any() else {}
            self.theme_box.options = [("any theme", "")] + [(f"{label} ({tid})", tid) for tid, label in labels.items()]
            self.theme_box.value = ""
            self._refresh_view_list()
            self.drilled = None
        finally:
            self._loading = False
        self.refresh()

    def _refresh_view_list(self, selected: str = "") -> None:
        from cxlib.analysis.selection import list_views
        from cxlib.interactive.explore_data import COMPARE_WITH

        names = list_views(self.ws.data_dir) if self.ws is not None else []
        self.view_box.options = [("(no saved view)", "")] + [(n, n) for n in names]
        self.view_box.value = selected if selected in names else ""
        current = self.compare_with.value
        self.compare_with.options = list(COMPARE_WITH) + [f"view: {n}" for n in names]
        self.compare_with.value = current if current in self.compare_with.options else COMPARE_WITH[0]

    # -- state ------------------------------------------------------------------------------------------
    def current_filters(self) -> Filters:
        return Filters(segments=tuple(self.segments.value), channels=tuple(self.channels.value),
                       stages=tuple(self.stages.value),
                       start=pd.Timestamp(self.start.value) if self.start.value else None,
                       end=pd.Timestamp(self.end.value) if self.end.value else None)

    def current_query(self):
        from cxlib.interactive.explore_data import SearchQuery

        return SearchQuery(text=self.query.value, theme=self.theme_box.value or None,
                           sentiment=self.sentiment_box.value or None)

    def shown_sections(self) -> tuple[str, ...]:
        return tuple(s for s in SECTIONS if self.section_boxes[s].value)

    def set_filters(self, *, segments=None, channels=None, stages=None, start=None, end=None) -> None:
        """Set several filters at once (one refresh), as a consultant would with the widgets."""
        self._loading = True
        try:
            for box, value in ((self.segments, segments), (self.channels, channels), (self.stages, stages)):
                if value is not None:
                    box.value = tuple(value)
            for box, value in ((self.start, start), (self.end, end)):
                if value is not None:
                    box.value = pd.Timestamp(value).date() if value != "" else None
        finally:
            self._loading = False
        self.refresh()

    def search(self, text: str = "", *, theme: str | None = None, sentiment: str | None = None) -> None:
        """Search the verbatims (as typing in the Search box and picking a theme and sentiment)."""
        self._loading = True
        try:
            self.query.value, self.theme_box.value, self.sentiment_box.value = text, theme or "", sentiment or ""
        finally:
            self._loading = False
        self.refresh()

    # -- drawing ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute what the visible sections show for the current filters."""
        if self.data is None or self._loading:
            return
        from cxlib.interactive import explore_html as H

        began = time.perf_counter()
        filters, query, shown = self.current_filters(), self.current_query(), self.shown_sections()
        colour = self.ws.config.brand.get("primary", "#1F3A5F") if isinstance(self.ws.config.brand, dict) \
            else "#1F3A5F"
        for name, box in self._titled.items():
            box.layout.display = "" if name in shown else "none"
        if "headline" in shown:
            self.numbers.value = H.headline_block(self.data.headline(filters), display_name=self.ws.config.display_name)
        if "chart" in shown:
            self._draw_bars(filters)
            self._draw_drill(filters, query, colour)
        if "verbatims" in shown:
            self.quotes.value = H.search_block(self.data.search(filters, query), colour=colour)
        if "compare" in shown:
            self.compare_html.value = H.compare_block(self._comparison(filters))
        if "social" in shown:
            self.social_html.value = H.social_block(self.data.social(filters, query), colour=colour,
                                                    terms=query.terms)
        self._freeze_long_lived()
        self.last_refresh_seconds = time.perf_counter() - began
        self.timing.value = H.note(f"Updated in {self.last_refresh_seconds:.2f} s.")

    def _freeze_long_lived(self) -> None:
        """Keep the session's long-lived objects out of every later garbage collection.

        The client's tables and what is loaded on first use (themes, sentiment, the redaction and
        phone-number metadata) live as long as the session; statsmodels' Holm correction, behind
        each comparison, calls ``gc.collect()``, which walked them all at every filter change
        (a quarter of a second on the 65,000-customer client). Frozen once after each load.
        """
        import gc

        if self.data is not None and getattr(self, "_frozen_at", None) != self.data.generation:
            gc.collect()
            gc.freeze()
            self._frozen_at = self.data.generation

    def _comparison(self, filters: Filters):
        choice = self.compare_with.value
        if choice.startswith("view: "):
            from cxlib.analysis.selection import load_view

            view = load_view(self.ws.data_dir, choice[len("view: "):])
            return self.data.compare(filters, other=view.filters, other_label=f"the view {view.name}")
        return self.data.compare(filters, choice)

    def bar_label(self, by: str, value: str) -> str:
        """How a bar is named: theme and touchpoint labels, readable stage and segment names."""
        if by == "theme":
            return self.data.theme_labels().get(value, value)
        if by in ("touchpoint", "stage"):
            from cxlib.present.tables import label_map

            return label_map(self.ws.config).get(value, str(value).replace("_", " "))
        return str(value).replace("_", " ")

    def _draw_bars(self, filters: Filters) -> None:
        from cxlib.interactive import explore_html as H

        w, by = self.w, self.chart_by.value
        table = self.data.breakdown(filters, by)
        self._chart_table = table
        if not len(table):
            self.bars.children = ()
            self.chart_note.value = H.note(f"No NPS answers to chart by {by} in this selection.")
            return
        top = max(1.0, float(table["nps"].abs().max(skipna=True) if table["nps"].notna().any() else 1.0))
        rows = []
        for _, row in table.iterrows():
            value = str(row[by])
            label = self.bar_label(by, value)
            hidden = bool(row["suppressed"]) or pd.isna(row["nps"])
            width = 4 if hidden else max(4, int(round(60 * abs(float(row["nps"])) / top)))
            bar = w.Button(description="not scored" if hidden else f"{row['nps']:+.1f}",
                           tooltip=(f"{label}: fewer than {self.ws.config.min_n} answers, not scored; " if hidden
                                    else f"{label}: ") + "click for the comments and customers behind it",
                           layout=w.Layout(width=f"{width}%", min_width="90px"),
                           button_style="" if hidden else ("danger" if row["nps"] < 0 else "info"))
            bar.on_click(lambda _b, v=value: self.drill_down(v))
            interval = "" if hidden else f" · 95 % {row['ci_low']:+.1f} to {row['ci_high']:+.1f}"
            rows.append(w.HBox([w.HTML(f"<span title='{html.escape(value)}'>{html.escape(label)}</span>",
                                       layout=w.Layout(width="220px")), bar,
                                w.HTML(f"&nbsp;n = {int(row['n']):,}{interval}")]))
        self.bars.children = tuple(rows)
        self._bar_buttons = {str(r[by]): row.children[1] for (_, r), row in zip(table.iterrows(), rows)}
        self.chart_note.value = H.note(f"NPS by {by} (95 % interval); groups under {self.ws.config.min_n} "
                                       "answers are not scored. Click a bar for what lies behind it.")

    def _draw_drill(self, filters: Filters, query, colour: str) -> None:
        from cxlib.interactive import explore_html as H

        if self.drilled is None:
            self.drill_box.layout.display = "none"
            return
        by, value = self.drilled
        drill = self.data.drill(filters, by, value)
        self._drill = drill
        self.drill_html.value = H.drill_block(drill, label=f"{by} = {self.bar_label(by, value)}", colour=colour,
                                              terms=query.terms)
        self.drill_box.layout.display = ""

    # -- drill down ------------------------------------------------------------------------------------
    def drill_down(self, value: str) -> None:
        """Show the comments and customers behind one bar of the chart (as clicking it)."""
        if self.data is None:
            return
        self.drilled = (self.chart_by.value, str(value))
        self.refresh()

    def click_bar(self, value: str) -> None:
        """Click the bar of ``value`` (what a browser click does; for tests and scripts)."""
        self._bar_buttons[str(value)].click()

    def back(self) -> None:
        """Leave the drill-down: back to the chart alone."""
        self.drilled = None
        self.refresh()

    # -- views -----------------------------------------------------------------------------------------
    def current_view(self, name: str) -> View:
        return View(name=name, filters=self.current_filters(), sections=self.shown_sections(),
                    chart_by=self.chart_by.value, search=self.query.value)

    def save_view(self, name: str) -> Path | None:
        """Save the filters and the sections shown as ``data/<client>/views/<name>.yaml``."""
        from cxlib.analysis.selection import save_view
        from cxlib.errors import CxError
        from cxlib.interactive import explore_html as H

        if self.ws is None:
            return None
        try:
            path = save_view(self.ws.data_dir, self.current_view(name.strip()))
        except CxError as exc:
            self.save_status.value = H.warning(str(exc))
            return None
        self._loading = True
        try:
            self._refresh_view_list(selected=name.strip())
        finally:
            self._loading = False
        self.save_status.value = H.note(f"Saved {path}. Render it with `cx report {self.ws.name} --view {name.strip()}`.")
        return path

    def open_view(self, name: str) -> None:
        """Apply a saved view: its filters, sections, chart grouping and search."""
        from cxlib.analysis.selection import load_view
        from cxlib.errors import CxError

        if self.ws is None or not name:
            return
        try:
            view = load_view(self.ws.data_dir, name)
        except CxError as exc:
            self._say(str(exc))
            return
        f = view.filters
        self._loading = True
        try:
            self.segments.value = tuple(v for v in f.segments if v in self.segments.options)
            self.channels.value = tuple(v for v in f.channels if v in self.channels.options)
            self.stages.value = tuple(v for v in f.stages if v in self.stages.options)
            self.start.value = f.start.date() if f.start is not None else None
            self.end.value = f.end.date() if f.end is not None else None
            for s, box in self.section_boxes.items():
                box.value = s in view.sections
            if view.chart_by in self.chart_by.options:
                self.chart_by.value = view.chart_by
            self.query.value = view.search
            self.view_name.value = view.name
            if self.view_box.value != name and name in [v for _, v in self.view_box.options]:
                self.view_box.value = name
            self.drilled = None
        finally:
            self._loading = False
        self.refresh()

    # -- exports ---------------------------------------------------------------------------------------
    @property
    def export_dir(self) -> Path:
        """``reports/<client>/explore``: where the explorer's exports go."""
        return self.ws.root / "reports" / self.ws.name / "explore"

    def export_chart(self, fmt: str = "png") -> Path | None:
        """The chart in front of you as PNG or SVG (matplotlib, the client's colours, the intervals drawn)."""
        import matplotlib.pyplot as plt

        from cxlib.interactive import explore_html as H
        from cxlib.present import charts

        if self.data is None or fmt not in ("png", "svg"):
            return None
        by, filters = self.chart_by.value, self.current_filters()
        table = self.data.breakdown(filters, by)
        if not len(table):
            self.export_status.value = H.note("Nothing to export: the chart is empty.")
            return None
        table = table.assign(label=[self.bar_label(by, v) for v in table[by].astype(str)])
        charts.set_theme(self.ws.config.brand)
        ax = charts.bar_chart(table, x="nps", y="label", low="ci_low", high="ci_high", xlabel="NPS",
                              title=f"NPS by {by} (95 % interval): {filters.describe()}")
        path = self.export_dir / f"nps-by-{by}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"Date": None} if fmt == "svg" else {"Software": None}
        # an exported SVG goes into slides and documents on machines without the chart's font: its text as
        # outlines there (the report's own charts keep text as text, in a font stack the page controls)
        with plt.rc_context({"svg.fonttype": "path"}):
            ax.figure.savefig(path, format=fmt, bbox_inches="tight", metadata=meta, dpi=150)
        plt.close(ax.figure)
        self.export_status.value = H.note(f"Chart saved: {path}")
        return path

    def export_table(self) -> Path | None:
        """The table in front of you as XLSX, formula-safe (:func:`cxlib.text.export.to_xlsx_safe`).

        Drilled down: the comments (redacted) behind the bar; otherwise the verbatims matching the
        search (redacted, up to 5,000). The chart's numbers go to a second file beside it.
        """
        from cxlib.interactive import explore_html as H
        from cxlib.text.export import to_xlsx_safe

        if self.data is None:
            return None
        filters, query, by = self.current_filters(), self.current_query(), self.chart_by.value
        self.export_dir.mkdir(parents=True, exist_ok=True)
        if self.drilled is not None:
            dby, value = self.drilled
            drill = self.data.drill(filters, dby, value, limit=5000)
            frame, name = drill.comments, f"comments-{dby}-{value}"
            to_xlsx_safe(drill.customers, self.export_dir / f"customers-{dby}-{value}.xlsx".replace("/", "-"),
                         sheet="customers")
        else:
            frame, name = self.data.search(filters, query, limit=5000).shown, "verbatims"
        path = to_xlsx_safe(frame.drop(columns=["needs_review"], errors="ignore"),
                            self.export_dir / f"{name}.xlsx".replace("/", "-"), sheet="comments")
        to_xlsx_safe(self.data.breakdown(filters, by), self.export_dir / f"nps-by-{by}.xlsx", sheet=f"nps by {by}")
        self.export_status.value = H.note(f"Table saved: {path} ({len(frame):,} rows; the chart's numbers in "
                                          f"nps-by-{by}.xlsx beside it).")
        return path

    # -- the other notebook cells ------------------------------------------------------------------------
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

        if self.ws is None:
            return narrative.note_html(self.message_text or no_clients_message(self.root))
        return coding_panel(self.ws.responses, self.data.codebook, self.ws.data_dir / "hand_coded.csv",
                            coder=coder, n=n)

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)
