"""Report charts: one client-branded seaborn/matplotlib theme, readable in print.

Every plot takes tidy data (already computed by the analysis modules), keyword-only column
names and ``ax=None``, draws, and returns the Axes. Nothing is computed here: no means, no
intervals, no sorting beyond the order of the rows given. Suppressed groups (NaN scores) are
left out of the marks and named in the axis label as "(insufficient responses)".

:func:`set_theme` applies the client's ``brand`` colours (client.yaml ``primary``, ``accent``,
``neutral``) and print-friendly sizes: 9-10 pt text at the printed size (figures are drawn
7.2 in wide, the A4 text width), light grids, no top/right spines, and fixed SVG/PNG metadata
so reruns give identical images.

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

from typing import Mapping

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
    "show",
    "WIDE",
    "TALL",
]

#: Figure sizes in inches: the A4 text width, short and tall.
WIDE = (7.2, 3.4)
TALL = (7.2, 4.6)
_THEME: dict[str, str] = dict(DEFAULT_BRAND)

#: Print sizes, light grids, no top/right spines, fixed SVG/PNG metadata (reruns give identical images).
_PRINT_RC = {
    "figure.figsize": WIDE, "figure.dpi": 150, "savefig.dpi": 150, "figure.constrained_layout.use": True,
    "font.size": 9.5, "axes.titlesize": 10.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
    "axes.labelsize": 9.5, "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 8.5,
    "legend.frameon": False, "axes.edgecolor": "#9CA3AF", "axes.labelcolor": "#1F2937",
    "xtick.color": "#374151", "ytick.color": "#374151", "grid.color": "#E5E7EB", "grid.linewidth": 0.6,
    "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2.0, "lines.markersize": 6,
    "svg.hashsalt": "cx-workbench", "svg.fonttype": "path", "pdf.fonttype": 42,
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


def show(ax) -> None:
    """Display the chart now, in order with the text and tables around it, and release its figure.

    A figure left open is drawn only when the notebook cell ends, after everything else the
    cell displayed; report sections display text, charts and tables in one cell.
    """
    from IPython.display import display

    figure = ax.figure
    # Draw once before the image is made, as the notebook's own end-of-cell display does: the first
    # draw settles the layout (constrained layout, label offsets), so the picture is the same either way.
    figure.canvas.draw()
    display(figure)
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
    ax = _ax(ax, (WIDE[0], max(1.6, 0.32 * len(data) + 0.9)))
    pos = np.arange(len(data))[::-1]
    values = data[x].astype("float64").to_numpy()
    colours = [(_THEME["accent"] if (highlight and bool(h)) else _THEME["primary"])
               for h in (data[highlight].fillna(False) if highlight else [False] * len(data))]
    ax.barh(pos, np.nan_to_num(values), color=colours, height=0.62,
            xerr=_err(data, x, low, high), error_kw={"ecolor": "#374151", "elinewidth": 1, "capsize": 2.5})
    ax.set_yticks(pos, _labels(data, y, x))
    if zero_line:
        ax.axvline(0, color="#9CA3AF", linewidth=0.8)
    ax.set_xlabel(xlabel if xlabel is not None else x.replace("_", " "))
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def trend_chart(data: pd.DataFrame, *, x: str, y: str, low: str | None = "ci_low", high: str | None = "ci_high",
                ylabel: str | None = None, title: str | None = None, ax=None):
    """A line over periods with its interval as a band; suppressed periods break the line.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax)
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
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
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


def priority_chart(data: pd.DataFrame, *, x: str = "performance", y: str = "share", label: str = "driver",
                   highlight: str | None = "fix_first", label_rows: int | None = 5,
                   x_ref: float | None = None, y_ref: float | None = None,
                   xlabel: str = "Performance (mean rating, 1-5)", ylabel: str = "Importance (% of explained)",
                   title: str | None = None, ax=None):
    """Priority matrix: importance against performance, each driver labelled.

    Parameters
    ----------
    label_rows : int, optional
        Name only the first ``label_rows`` rows (rank order) and the highlighted ones, so that
        labels of the many small drivers do not pile up; None names every point.
    x_ref, y_ref : float, optional
        Where the quadrant lines go (e.g. the medians the analysis used); none drawn when absent.

    Returns
    -------
    matplotlib Axes
    """
    ax = _ax(ax, TALL)
    flags = data[highlight].fillna(False).astype(bool) if highlight and highlight in data.columns else \
        pd.Series(False, index=data.index)
    xs, ys = data[x].astype("float64"), data[y].astype("float64")
    ax.scatter(xs[~flags], ys[~flags], color=_THEME["primary"], s=40, zorder=3, label="other drivers")
    if flags.any():
        ax.scatter(xs[flags], ys[flags], color=_THEME["accent"], s=90, zorder=4, label="fix first")
    named = 0
    for pos, (xv, yv, text, flag) in enumerate(zip(xs, ys, data[label].astype("string"), flags)):
        if np.isnan(xv) or np.isnan(yv) or not (flag or label_rows is None or pos < label_rows):
            continue
        # alternate above/below so neighbours at similar importance do not overwrite each other
        offset = (6, 5) if named % 2 == 0 else (6, -11)
        ax.annotate(str(text), (xv, yv), textcoords="offset points", xytext=offset, fontsize=8.5)
        named += 1
    if x_ref is not None:
        ax.axvline(x_ref, color="#9CA3AF", linestyle="--", linewidth=0.8)
    if y_ref is not None:
        ax.axhline(y_ref, color="#9CA3AF", linestyle="--", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper right")
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


