"""Report charts: one client-branded seaborn/matplotlib theme, readable in print.

Every plot takes tidy data (already computed by the analysis modules), keyword-only column
names and ``ax=None``, draws, and returns the Axes. Nothing is computed here: no means, no
intervals, no sorting beyond the order of the rows given. Suppressed groups (NaN scores) are
left out of the marks and named in the axis label as "(insufficient responses)".

:func:`set_theme` applies the client's ``brand`` colours (client.yaml ``primary``, ``accent``,
``neutral``) and print-friendly sizes: 9-10 pt text at the printed size (figures are drawn
7.2 in wide, the A4 text width), light grids, no top/right spines, and fixed SVG/PNG metadata
so reruns give identical images. Chart text stays text in the SVG (``svg.fonttype: none``), not
outlines: it can be searched and copied in the HTML and the PDF, and WeasyPrint draws a chart 2-3x
faster than from one outline per glyph (``docs/benchmarks/scale.md``).

Examples
--------
>>> import pandas as pd
>>> set_theme({"primary": "#0B3C5D", "accent": "#F2A900", "neutral": "#6B7B8C"})["primary"]
'#0B3C5D'
>>> ax = bar_chart(pd.DataFrame({"segment": ["a", "b"], "nps": [12.0, -3.0]}), x="nps", y="segment")
>>> [t.get_text() for t in ax.get_yticklabels()]
['a', 'b']
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import re
from typing import Iterator, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cxlib.config import DEFAULT_BRAND, brand_colours

__all__ = [
    "DEFAULT_BRAND",
    "brand_colours",
    "set_theme",
    "bar_chart",
    "trend_chart",
    "stage_chart",
    "gap_chart",
    "driver_chart",
    "priority_chart",
    "mix_chart",
    "contrast_chart",
    "QUADRANT_COLOURS",
    "has_marks",
    "svg",
    "CHART_FONTS",
    "show",
    "captured_charts",
    "WIDE",
    "TALL",
]

#: Figure sizes in inches: the A4 text width, short and tall.
WIDE = (7.2, 3.4)
TALL = (7.2, 4.6)
#: The priority matrix: wide enough for its names, short enough that the next section's chart can share its page.
MATRIX = (7.2, 4.0)
_THEME: dict[str, str] = dict(DEFAULT_BRAND)

#: Print sizes, light grids, no top/right spines, fixed SVG/PNG metadata (reruns give identical images).
_PRINT_RC = {
    "figure.figsize": WIDE, "figure.dpi": 150, "savefig.dpi": 150, "figure.constrained_layout.use": True,
    "font.size": 9.5, "axes.titlesize": 10.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "axes.labelsize": 9.5, "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 8.5,
    "legend.frameon": False, "axes.edgecolor": "#9CA3AF", "axes.labelcolor": "#1F2937",
    "xtick.color": "#374151", "ytick.color": "#374151", "grid.color": "#E5E7EB", "grid.linewidth": 0.6,
    "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0, "lines.markersize": 6,
    "svg.hashsalt": "cx-workbench", "svg.fonttype": "none", "pdf.fonttype": 42,
    "image.cmap": "cividis",
}

#: What ``seaborn.set_theme(context="paper", style="whitegrid")`` sets (seaborn 0.13), written out:
#: importing seaborn costs a report kernel about half a second (it loads scipy.stats too) for
#: nothing else. ``tests/present/test_theme.py`` checks that the result equals seaborn's.
_PAPER_WHITEGRID = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 9.600000000000001, "axes.linewidth": 1.0, "axes.titlesize": 9.600000000000001,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 9.600000000000001, "grid.color": ".8", "legend.fontsize": 8.8,
    "legend.title_fontsize": 9.600000000000001, "lines.linewidth": 1.2000000000000002,
    "lines.markersize": 4.800000000000001, "lines.solid_capstyle": "round", "patch.edgecolor": "w",
    "patch.force_edgecolor": True, "patch.linewidth": 0.8, "text.color": ".15", "xtick.bottom": False,
    "xtick.color": ".15", "xtick.labelsize": 8.8, "xtick.major.size": 4.800000000000001, "xtick.major.width": 1.0,
    "xtick.minor.size": 3.2, "xtick.minor.width": 0.8, "ytick.color": ".15", "ytick.labelsize": 8.8,
    "ytick.left": False, "ytick.major.size": 4.800000000000001, "ytick.major.width": 1.0, "ytick.minor.size": 3.2,
    "ytick.minor.width": 0.8,
}


def has_marks(ax) -> bool:
    """Whether the chart shows any data (a bar, a point or a line with a finite value)."""
    for artist in [*ax.patches, *ax.lines, *ax.collections]:
        if getattr(artist, "get_label", lambda: "")().startswith("_cx_ref"):
            continue
        data = None
        if hasattr(artist, "get_width") and hasattr(artist, "get_height"):
            data = np.array([artist.get_width(), artist.get_height()], dtype=float)
            if np.isfinite(data).all() and abs(data).sum() > 0:
                return True
            continue
        if hasattr(artist, "get_segments"):  # interval whiskers: an empty collection still has a (0, 0) offset
            segments = [np.asarray(s, dtype=float).reshape(-1, 2) for s in artist.get_segments()]
            data = np.concatenate(segments) if segments else np.empty((0, 2))
        elif hasattr(artist, "get_xydata"):
            data = np.asarray(artist.get_xydata(), dtype=float)
        elif hasattr(artist, "get_offsets"):
            data = np.asarray(artist.get_offsets(), dtype=float)
        if data is not None and data.size and np.isfinite(data).all(axis=-1).any():
            return True
    return False


#: Where the chart's font (DejaVu Sans, which matplotlib measured the labels with) is missing, the
#: nearest in width first (Verdana, which DejaVu's Vera design matches), then narrower sans fonts: a
#: label never grows past the place it was laid out for, and never falls back to a serif default.
CHART_FONTS = "'DejaVu Sans', Verdana, 'Liberation Sans', Arial, sans-serif"


def svg(figure) -> str:
    """The figure as SVG text: vector, so print is sharp; no date and fixed ids, so reruns are identical.

    Text is kept as ``<text>`` in the font stack :data:`CHART_FONTS`.

    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Billing & fees")
    >>> out = svg(fig); plt.close(fig)
    >>> ">Billing &amp; fees<" in out, CHART_FONTS in out
    (True, True)
    """
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return _FONT_FAMILY.sub("font-family: " + CHART_FONTS, buffer.getvalue())


_FONT_FAMILY = re.compile(r"font-family: ?'[^';\"]*'")


#: While :func:`captured_charts` is active: the list its charts go to (PNG bytes) instead of the display.
_CAPTURED: contextvars.ContextVar[list | None] = contextvars.ContextVar("captured_charts", default=None)


@contextlib.contextmanager
def captured_charts() -> Iterator[list[bytes]]:
    """Charts :func:`show` draws inside the block are kept as PNG bytes, in order, instead of displayed.

    The editable deck (:mod:`cxlib.report.deck`) places the report's own charts on its slides this
    way: PowerPoint needs raster images, the report keeps vector ones.

    >>> with captured_charts() as pngs:
    ...     show(bar_chart(pd.DataFrame({"segment": ["a"], "nps": [1.0]}), x="nps", y="segment"))
    >>> pngs[0][:4]
    b'\\x89PNG'
    """
    kept: list[bytes] = []
    token = _CAPTURED.set(kept)
    try:
        yield kept
    finally:
        _CAPTURED.reset(token)


def show(ax) -> None:
    """Display the chart now as a vector image, in order with the text around it, and release its figure.

    A chart with nothing to show (every value missing or suppressed) is not drawn at all. The
    image is SVG (sanitised where the report is rendered, :func:`cxlib.report.sanitize.sanitize_svg`).
    """
    from IPython.display import SVG, display

    figure = ax.figure
    try:
        if not has_marks(ax):
            return
        kept = _CAPTURED.get()
        if kept is not None:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
            kept.append(buffer.getvalue())
            return
        display(SVG(svg(figure)))
    finally:
        plt.close(figure)


def set_theme(brand: Mapping[str, str] | None = None) -> dict[str, str]:
    """Apply the report theme (seaborn ``whitegrid`` + brand colours + print sizes).

    Parameters
    ----------
    brand : mapping, optional
        client.yaml ``brand`` (``ws.config.brand``).

    Returns
    -------
    dict
        The colours in use (``primary``, ``accent``, ``neutral``).
    """
    from cycler import cycler
    from matplotlib.colors import to_rgb

    colours = brand_colours(brand)
    _THEME.clear()
    _THEME.update(colours)
    cycle = [colours["primary"], colours["accent"], colours["neutral"], "#2E8B57", "#8B3A62", "#4682B4"]
    plt.rcParams.update({
        **_PAPER_WHITEGRID, "axes.prop_cycle": cycler("color", [to_rgb(c) for c in cycle]),
        "font.family": ["DejaVu Sans"],
        **_PRINT_RC,
    })
    return dict(colours)


def _ax(ax, size=WIDE):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _labels(data: pd.DataFrame, y: str, value: str) -> list[str]:
    return [f"{label} (insufficient responses)" if pd.isna(v) else str(label)
            for label, v in zip(data[y].astype("string").fillna("–"), data[value])]


def _err(data: pd.DataFrame, x: str, low: str | None, high: str | None):
    if not low or not high:
        return None
    values = data[x].astype("float64").to_numpy()
    lo = values - data[low].astype("float64").to_numpy()
    hi = data[high].astype("float64").to_numpy() - values
    return np.vstack([np.nan_to_num(lo), np.nan_to_num(hi)])


def bar_chart(data: pd.DataFrame, *, x: str, y: str, low: str | None = None, high: str | None = None,
              highlight: str | None = None, xlabel: str | None = None, title: str | None = None,
              ax=None, zero_line: bool = True):
    """Horizontal bars of ``x`` per ``y`` (rows in the order given), with optional interval whiskers.

    Parameters
    ----------
    data : DataFrame
        One row per bar.
    x, y : str
        Value and label columns.
    low, high : str, optional
        Interval bounds drawn as whiskers.
    highlight : str, optional
        Boolean column: those bars in the accent colour.
    xlabel, title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, (WIDE[0], max(1.6, 0.27 * len(data) + 0.8)))
    pos = np.arange(len(data))[::-1]
    values = data[x].astype("float64").to_numpy()
    colours = [(_THEME["accent"] if (highlight and bool(h)) else _THEME["primary"])
               for h in (data[highlight].fillna(False) if highlight else [False] * len(data))]
    ax.barh(pos, np.nan_to_num(values), color=colours, height=0.62,
            xerr=_err(data, x, low, high), error_kw={"ecolor": "#374151", "elinewidth": 1, "capsize": 2.5})
    ax.set_yticks(pos, _labels(data, y, x))
    if zero_line:
        ax.axvline(0, color="#9CA3AF", linewidth=0.8, label="_cx_ref_zero")
    ax.set_xlabel(xlabel if xlabel is not None else x.replace("_", " "))
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def trend_chart(data: pd.DataFrame, *, x: str, y: str, low: str | None = "ci_low", high: str | None = "ci_high",
                ylabel: str | None = None, title: str | None = None, ax=None, include_zero: bool = True,
                note: str | None = None):
    """A line over periods with its interval as a band; suppressed periods break the line.

    Parameters
    ----------
    include_zero : bool
        The value axis always includes zero (for NPS: a scale anchored at the neutral point, so a
        change within chance does not fill the height of the chart).
    note : str, optional
        A line under the chart (e.g. "No change from one quarter to the next is beyond chance.").

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, (WIDE[0], 2.4))
    labels = data[x].astype("string").tolist()
    pos = np.arange(len(labels))
    values = data[y].astype("float64").to_numpy()
    if low and high:
        ax.fill_between(pos, data[low].astype("float64"), data[high].astype("float64"),
                        color=_THEME["primary"], alpha=0.15, linewidth=0, label="95 % interval")
    ax.plot(pos, values, marker="o", color=_THEME["primary"], label=ylabel or y)
    for p, v in zip(pos, values):
        if not np.isnan(v):
            ax.annotate(f"{v:+.0f}" if y == "nps" else f"{v:.1f}", (p, v), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=8.5, color="#1F2937")
    ax.set_xticks(pos, labels)
    ax.set_ylabel(ylabel if ylabel is not None else y)
    ax.set_xlabel("")
    if include_zero:
        bounds = [0.0, *[v for c in (low, high, y) if c for v in data[c].astype("float64") if np.isfinite(v)]]
        lo, hi = min(bounds), max(bounds)
        pad = max(5.0, 0.08 * (hi - lo))
        ax.set_ylim(lo - pad, hi + pad)
        ax.axhline(0, color="#9CA3AF", linewidth=0.8, label="_cx_ref_zero")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    if note:
        ax.figure.text(0.01, -0.02, note, fontsize=8.5, color="#374151", ha="left", va="top")
    return ax


def stage_chart(data: pd.DataFrame, *, x: str = "stage", y: str = "mean", low: str = "ci_low",
                high: str = "ci_high", highlight: str | None = None, ylabel: str = "Mean rating (1-5)",
                title: str | None = None, ax=None):
    """The journey curve: one point per lifecycle stage (rows in stage order) with intervals.

    Parameters
    ----------
    highlight : str, optional
        The stage label to mark (the sale stage), in the accent colour.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
    labels = _labels(data, x, y)
    pos = np.arange(len(labels))
    values = data[y].astype("float64").to_numpy()
    ax.plot(pos, values, color=_THEME["primary"], marker="o", zorder=3)
    ax.errorbar(pos, np.nan_to_num(values, nan=np.nan), yerr=_err(data, y, low, high), fmt="none",
                ecolor="#374151", elinewidth=1, capsize=3, zorder=2)
    if highlight is not None:
        for p, label, v in zip(pos, data[x].astype("string"), values):
            if label == highlight and not np.isnan(v):
                ax.scatter([p], [v], s=110, color=_THEME["accent"], zorder=4, label=f"sale ({label})")
                ax.legend(loc="upper right")
    ax.set_xticks(pos, [lab.replace(" (insufficient responses)", "\n(insufficient\nresponses)") for lab in labels])
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    if title:
        ax.set_title(title)
    return ax


def gap_chart(data: pd.DataFrame, *, y: str = "touchpoint", company: str = "company_pct",
              customer: str = "customer_pct", low: str | None = "ci_low", high: str | None = "ci_high",
              xlabel: str = "Share rating 5/5 (%)", title: str | None = None, ax=None):
    """The delivery gap as a dumbbell: the company's expected top-box share against its customers'.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, (WIDE[0], max(2.0, 0.34 * len(data) + 1.0)))
    pos = np.arange(len(data))[::-1]
    comp = data[company].astype("float64").to_numpy()
    cust = data[customer].astype("float64").to_numpy()
    ax.hlines(pos, np.fmin(comp, cust), np.fmax(comp, cust), color="#D1D5DB", linewidth=3, zorder=1)
    ax.scatter(comp, pos, color=_THEME["accent"], s=46, zorder=3, label="company expects")
    ax.errorbar(cust, pos, xerr=_err(data, customer, low, high), fmt="o", color=_THEME["primary"], ms=6.5,
                ecolor="#374151", elinewidth=1, capsize=2.5, zorder=4, label="customers give")
    ax.set_yticks(pos, _labels(data, y, customer))
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def driver_chart(data: pd.DataFrame, *, y: str = "driver", x: str = "share", low: str | None = "share_ci_low",
                 high: str | None = "share_ci_high", highlight: str | None = "fix_first",
                 xlabel: str = "Share of explained variation (%)", title: str | None = None, ax=None):
    """Relative importance of the drivers (rows in rank order); fix-first drivers in the accent colour.

    Returns
    -------
    matplotlib Axes
    """
    return bar_chart(data, x=x, y=y, low=low, high=high,
                     highlight=highlight if highlight in data.columns else None,
                     xlabel=xlabel, title=title, ax=ax, zero_line=False)


#: Colour of each priority quadrant (:func:`cxlib.present.claims.drivers.priority`); others are grey.
QUADRANT_COLOURS = {"fix first": "accent", "maintain strength": "primary", "negative association": "#B91C1C",
                    "no clear effect": "#6B7280", "monitor": "#A3AAB4", "lower priority": "#CDD2D8"}


def _spread(values: list[float], gap: float, low: float | None = None) -> list[float]:
    """Move sorted label positions apart by at least ``gap``, keeping their mean (and none below ``low``).

    >>> [round(v, 2) for v in _spread([0.0, 0.0, 0.0], 1.0, low=-0.5)]
    [-0.5, 0.5, 1.5]
    """
    if not values:
        return values
    order = np.argsort(values)
    placed = [values[order[0]]]
    for k in order[1:]:
        placed.append(max(values[k], placed[-1] + gap))
    shift = (np.mean(placed) - np.mean([values[k] for k in order]))
    if low is not None and placed[0] - shift < low:  # a name pushed below the axis would sit on its tick labels
        shift = placed[0] - low
    out = [0.0] * len(values)
    for k, v in zip(order, placed):
        out[k] = v - shift
    return out


def priority_chart(data: pd.DataFrame, *, x: str = "performance", y: str = "share", label: str = "driver",
                   quadrant: str | None = "quadrant", highlight: str | None = "fix_first", label_rows: int | None = None,
                   x_ref: float | None = None, y_ref: float | None = None,
                   xlabel: str = "Performance (mean rating, 1-5)", ylabel: str = "Importance (% of explained)",
                   title: str | None = None, ax=None):
    """Priority matrix: importance against performance, quadrant lines at the rule's cut-offs, every point named.

    Parameters
    ----------
    quadrant : str, optional
        Column naming each point's quadrant (colours and the legend); without it ``highlight`` marks
        the fix-first points.
    label_rows : int, optional
        Name only the first ``label_rows`` rows (rank order) and the highlighted ones; None names every point.
    x_ref, y_ref : float, optional
        Where the quadrant lines go (the medians the rule used); the quadrants are named in the corners.

    Notes
    -----
    Each name sits to the right of its point, joined to it by a thin line when it had to move to
    stay clear of its neighbours, so a name is never read against the wrong dot; the legend lies
    below the plot, away from the data.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, MATRIX)
    xs, ys = data[x].astype("float64").to_numpy(), data[y].astype("float64").to_numpy()
    if quadrant and quadrant in data.columns:
        groups = data[quadrant].astype("string").fillna("other").to_numpy()
    else:
        flags = data[highlight].fillna(False).astype(bool).to_numpy() if highlight and highlight in data.columns \
            else np.zeros(len(data), bool)
        groups = np.where(flags, "fix first", "other drivers")
    shown = []
    for name in dict.fromkeys(groups):
        colour = QUADRANT_COLOURS.get(str(name), "#9CA3AF")
        colour = _THEME.get(colour, colour)
        pick = groups == name
        ax.scatter(xs[pick], ys[pick], color=colour, s=70 if name == "fix first" else 42, zorder=4,
                   edgecolor="white", linewidth=0.6, label=str(name))
        shown.append(name)
    if x_ref is not None:
        ax.axvline(x_ref, color="#6B7280", linestyle="--", linewidth=0.9, zorder=1, label="_cx_ref_x")
    if y_ref is not None:
        ax.axhline(y_ref, color="#6B7280", linestyle="--", linewidth=0.9, zorder=1, label="_cx_ref_y")
    finite = np.isfinite(xs) & np.isfinite(ys)
    if finite.any():
        xlo, xhi = np.nanmin(xs[finite]), np.nanmax(xs[finite])
        ylo, yhi = min(0.0, np.nanmin(ys[finite])), np.nanmax(ys[finite])
        xpad, ypad = max(0.15, 0.08 * (xhi - xlo)), max(2.0, 0.08 * (yhi - ylo))
        ax.set_xlim(xlo - xpad, xhi + xpad + 0.35 * (xhi - xlo + 2 * xpad))
        ax.set_ylim(ylo - ypad, yhi + ypad)
    if x_ref is not None and y_ref is not None:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        for text, (xa, ya, ha, va) in {"fix first": (x0, y1, "left", "top"), "maintain strength": (x1, y1, "right", "top"),
                                       "monitor": (x0, y0, "left", "bottom"),
                                       "lower priority": (x1, y0, "right", "bottom")}.items():
            ax.text(xa + (0.01 if ha == "left" else -0.01) * (x1 - x0), ya + (-0.02 if va == "top" else 0.02) * (y1 - y0),
                    text.capitalize(), ha=ha, va=va, fontsize=8, color="#6B7280", style="italic", zorder=2)
    names = data[label].astype("string").fillna("–").tolist()
    keep = [k for k in range(len(data)) if finite[k] and (label_rows is None or k < label_rows or groups[k] == "fix first")]
    y0, y1 = ax.get_ylim()
    # names stay inside the plot, clear of the axis and of the corner names of the quadrants
    targets = _spread([float(ys[k]) for k in keep], gap=0.034 * (y1 - y0), low=y0 + 0.07 * (y1 - y0))
    if targets and max(targets) > y1 - 0.03 * (y1 - y0):
        y1 = max(targets) + 0.05 * (y1 - y0)
        ax.set_ylim(y0, y1)
    x0, x1 = ax.get_xlim()
    for k, ty in zip(keep, targets):
        moved = abs(ty - ys[k]) > 0.01 * (y1 - y0)
        ax.annotate(names[k], (xs[k], ys[k]), xytext=(xs[k] + 0.03 * (x1 - x0), ty), textcoords="data", fontsize=8,
                    va="center", ha="left", color="#111827", zorder=5,
                    # a name stays legible where it crosses a quadrant line or a grid line
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                    arrowprops={"arrowstyle": "-", "color": "#9CA3AF", "linewidth": 0.6} if moved else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(shown) > 1 or (shown and shown[0] != "other drivers"):
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=min(4, len(shown)), frameon=False,
                  title=None)
    if title:
        ax.set_title(title)
    return ax


def contrast_chart(data: pd.DataFrame, *, label: str = "label", affected: str = "score_affected",
                   rest: str = "score_rest", xlabel: str = "NPS", title: str | None = None,
                   affected_name: str = "customers it happened to", rest_name: str = "the rest", ax=None):
    """The affected against the rest, one row per split: two points with their intervals on an axis through zero.

    Parameters
    ----------
    data : DataFrame
        :func:`cxlib.report.sections.contrasts.outcome_contrast` rows with a ``label`` (rows in the order given);
        interval columns ``<affected>_low``/``_high`` and ``<rest>_low``/``_high``.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, (WIDE[0], max(1.8, 0.42 * len(data) + 1.1)))
    pos = np.arange(len(data))[::-1]
    a, b = data[affected].astype("float64").to_numpy(), data[rest].astype("float64").to_numpy()
    ax.hlines(pos, np.fmin(a, b), np.fmax(a, b), color="#D1D5DB", linewidth=3, zorder=1)
    ax.errorbar(b, pos, xerr=_err(data, rest, f"{rest}_low", f"{rest}_high"), fmt="o", color=_THEME["neutral"],
                ms=6, ecolor="#9CA3AF", elinewidth=1, capsize=2.5, zorder=3, label=rest_name)
    ax.errorbar(a, pos, xerr=_err(data, affected, f"{affected}_low", f"{affected}_high"), fmt="o",
                color=_THEME["primary"], ms=7, ecolor="#374151", elinewidth=1, capsize=2.5, zorder=4,
                label=affected_name)
    ax.set_yticks(pos, _labels(data, label, affected))
    values = [0.0, *[v for c in (f"{affected}_low", f"{affected}_high", f"{rest}_low", f"{rest}_high")
                     if c in data for v in data[c].astype("float64") if np.isfinite(v)]]
    lo, hi = min(values), max(values)
    pad = max(5.0, 0.06 * (hi - lo))
    ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(0, color="#9CA3AF", linewidth=0.8, label="_cx_ref_zero")
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22 if len(data) < 4 else -0.12), ncol=2)
    if title:
        ax.set_title(title)
    return ax


def mix_chart(data: pd.DataFrame, *, y: str, parts: Mapping[str, str], title: str | None = None,
              xlabel: str = "% of respondents", ax=None):
    """100 % stacked bars (e.g. detractors / passives / promoters per segment).

    Parameters
    ----------
    parts : mapping
        column -> legend label, stacked left to right (values in percent).

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, (WIDE[0], max(1.6, 0.34 * len(data) + 1.0)))
    pos = np.arange(len(data))[::-1]
    left = np.zeros(len(data))
    colours = ["#B91C1C", "#D1D5DB", _THEME["primary"], _THEME["accent"], _THEME["neutral"]]
    for (col, label), colour in zip(parts.items(), colours):
        values = np.nan_to_num(data[col].astype("float64").to_numpy())
        ax.barh(pos, values, left=left, color=colour, height=0.62, label=label)
        left = left + values
    first = next(iter(parts))
    ax.set_yticks(pos, _labels(data, y, first))
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts))
    if title:
        ax.set_title(title, pad=22)
    return ax


