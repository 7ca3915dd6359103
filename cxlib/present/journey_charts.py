"""The journey map as one picture: a row per stage › touchpoint (› channel), a column per measure.

:func:`journey_map_chart` draws the table :func:`cxlib.analysis.journey.journey_map` computed (with the
section's top negative theme per cell): each measure's cells shaded from white (the best of the
column) to the accent colour (the worst), the value written in each cell, a cell without enough
data in grey with "–". Like :mod:`cxlib.present.charts`, it computes nothing: the shading is the
cell's rank within its column, the direction of "worse" is given per measure.

Examples
--------
>>> import pandas as pd
>>> cells = pd.DataFrame({"cell": ["Use › Billing", "Support › Call"], "n": [900, 400], "rating": [3.9, 2.1],
...     "asked_again_rate": [0.05, 0.5], "silent_wait_rate": [None, 0.2], "repeat_rate": [None, 0.4],
...     "churn_difference": [0.01, 0.2], "top_theme": ["Bill shock", None]})
>>> ax = journey_map_chart(cells)
>>> [t.get_text() for t in ax.get_yticklabels()]
['Use › Billing', 'Support › Call']
>>> [t.get_text() for t in ax.texts][:4]
['900', '400', '3.9', '2.1']
"""

from __future__ import annotations

import textwrap

from dataclasses import dataclass
from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, to_rgb

from cxlib.present.formatting import format_value

__all__ = ["Column", "MAP_COLUMNS", "journey_map_chart"]


@dataclass(frozen=True)
class Column:
    """One column of the map: the data column, its heading, how its values read, which way is worse."""

    key: str
    heading: str
    fmt: str | Callable
    worse: int = 1  # +1: higher is worse; -1: lower is worse; 0: not shaded (counts, text)


#: The measures of the map, in order (a column missing from the data is left out).
MAP_COLUMNS: tuple[Column, ...] = (
    Column("n", "Contacts", "int", 0),
    Column("rating", "Rating\n(1-5)", "1", -1),
    Column("asked_again_rate", "Asked\nagain", "frac0", 1),
    Column("silent_wait_rate", "Silent\nwait", "frac0", 1),
    Column("repeat_rate", "Repeat\ncontact", "frac0", 1),
    Column("churn_difference", "Churn with\nfriction", lambda v: format_value(100 * v, "signed0") + " pts", 1),
    Column("top_theme", "Top negative theme", "text", 0),
)


def _accent() -> str:
    cycle = list(plt.rcParams["axes.prop_cycle"].by_key().get("color", [])) + ["#1F3A5F", "#E07A1F"]
    return cycle[1]


def _shade(values: np.ndarray, worse: int) -> np.ndarray:
    """0 (best of the column) .. 1 (worst), by rank; NaN stays NaN."""
    out = np.full(len(values), np.nan)
    ok = ~np.isnan(values)
    if worse == 0 or ok.sum() == 0:
        return out
    ranks = pd.Series(worse * values[ok]).rank(method="average").to_numpy()
    out[ok] = (ranks - 1) / max(ok.sum() - 1, 1)
    return out


def journey_map_chart(cells: pd.DataFrame, *, label: str = "cell", columns: Sequence[Column] = MAP_COLUMNS,
                      highlight: str | None = "matters", title: str | None = None, ax=None):
    """The journey map: one row per cell (in the order given), one column per measure.

    Parameters
    ----------
    cells : DataFrame
        One row per journey-map cell with ``label`` and the columns of ``columns`` (shares 0-1,
        ``churn_difference`` 0-1, ``top_theme`` text); NaN for a measure without enough data.
    label : str, keyword-only
        The row label column (e.g. "Support › Support call › phone").
    columns : sequence of Column, keyword-only
        The measures, in order.
    highlight : str, optional
        A boolean column: those rows' labels in bold (the cells that matter).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    cols = [c for c in columns if c.key in cells.columns]
    n_rows = len(cells)
    widths = np.array([2.2 if c.key == "top_theme" else 0.95 for c in cols])
    edges = np.concatenate([[0.0], np.cumsum(widths)])
    if ax is None:
        _, ax = plt.subplots(figsize=(7.2, 0.36 * n_rows + 1.1))
    cmap = LinearSegmentedColormap.from_list("cx_worse", ["#FFFFFF", _accent()])
    for j, col in enumerate(cols):
        raw = cells[col.key]
        numeric = col.worse != 0 or pd.api.types.is_numeric_dtype(raw)
        values = pd.to_numeric(raw, errors="coerce").astype("float64").to_numpy() if numeric else None
        shade = _shade(values, col.worse) if values is not None else np.full(n_rows, np.nan)
        for i in range(n_rows):
            y = n_rows - 1 - i
            v = raw.iloc[i]
            missing = v is None or (isinstance(v, float) and np.isnan(v)) or pd.isna(v)
            if missing:
                face = "#F3F4F6"
            elif col.worse and not np.isnan(shade[i]):
                face = cmap(0.85 * shade[i])
            else:
                face = "#FFFFFF"
            ax.add_patch(plt.Rectangle((edges[j], y), widths[j], 1, facecolor=face, edgecolor="#E5E7EB", lw=0.8))
            text = "–" if missing else format_value(v, col.fmt)
            if col.key == "top_theme" and len(text) > 16:  # two short lines stay inside the cell
                lines = textwrap.wrap(text, 16)
                text = "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
            dark = not missing and col.worse and not np.isnan(shade[i]) and shade[i] > 0.75
            lum = np.dot(to_rgb(face), [0.299, 0.587, 0.114]) if not isinstance(face, str) else 1.0
            ax.text(edges[j] + widths[j] / 2, y + 0.5, text, ha="center", va="center",
                    fontsize=7 if "\n" in text else 8, linespacing=1.0,
                    color="#FFFFFF" if (dark and lum < 0.55) else "#111827")
    ax.set_xlim(0, edges[-1])
    ax.set_ylim(0, n_rows)
    ax.set_xticks((edges[:-1] + edges[1:]) / 2, [c.heading for c in cols], fontsize=8)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0)
    labels = cells[label].astype("string").fillna("–").tolist()
    ax.set_yticks(np.arange(n_rows)[::-1] + 0.5, labels, fontsize=8.5)
    if highlight and highlight in cells.columns:
        for tick, flag in zip(ax.get_yticklabels(), cells[highlight].fillna(False).astype(bool).tolist()):
            tick.set_fontweight("bold" if flag else "normal")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(False)
    if title:
        ax.set_title(title, pad=28)
    return ax
