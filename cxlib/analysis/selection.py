"""A selection of a client's data (segments, channels, stages, a period) and saved views.

One definition of "the responses a consultant selected", shared by the explorer
(:mod:`cxlib.interactive.explore`) and the report (``cx report <client> --view <name>``), so a
view gives the same selection in both.

A *view* is a selection plus the explorer sections shown, saved under a name as a small YAML
file in the client's workspace, ``data/<client>/views/<name>.yaml``, to share with a colleague:

.. code-block:: yaml

    name: business-support-q2
    filters: {segments: [business], channels: [], stages: [support], start: 2025-04-01, end: 2025-06-30}
    sections: [headline, chart, verbatims]
    chart_by: touchpoint
    search: ""
    note: business customers in support, second quarter

Examples
--------
>>> f = Filters(segments=("business",), stages=("support",))
>>> f.describe()
'segment business; stage support'
>>> Filters().describe()
'all responses'
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxlib.errors import ConfigError

__all__ = ["Filters", "View", "SECTIONS", "VIEW_NAME", "filter_responses", "selection_mask", "select_tables",
           "views_dir", "save_view", "load_view", "list_views"]

#: Explorer sections a view can show, in display order.
SECTIONS: tuple[str, ...] = ("headline", "chart", "verbatims", "compare", "social")
#: A view's name: the file name without ``.yaml``.
VIEW_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Filters:
    """What the consultant selected. Empty tuples mean "all"; dates are inclusive."""

    segments: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def describe(self) -> str:
        """The selection in words (for captions and report notes)."""
        parts = [f"{label} {', '.join(values)}" for label, values in
                 (("segment", self.segments), ("channel", self.channels), ("stage", self.stages)) if values]
        if self.start is not None or self.end is not None:
            start = f"{self.start:%d %b %Y}" if self.start is not None else "the start"
            end = f"{self.end:%d %b %Y}" if self.end is not None else "the end"
            parts.append(f"{start} to {end}")
        return "; ".join(parts) or "all responses"

    def as_dict(self) -> dict[str, Any]:
        """Plain types for YAML: lists and ISO dates."""
        return {"segments": list(self.segments), "channels": list(self.channels), "stages": list(self.stages),
                "start": None if self.start is None else f"{self.start:%Y-%m-%d}",
                "end": None if self.end is None else f"{self.end:%Y-%m-%d}"}

    @classmethod
    def from_dict(cls, raw: dict | None, *, where: str = "view") -> "Filters":
        raw = raw or {}
        unknown = sorted(set(raw) - {"segments", "channels", "stages", "start", "end"})
        if unknown:
            raise ConfigError(f"{where}: unknown filter key(s) {', '.join(unknown)}; use segments, channels, stages, "
                              "start, end.")
        values = {}
        for key in ("segments", "channels", "stages"):
            items = raw.get(key) or []
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, (list, tuple)):
                raise ConfigError(f"{where}: filters.{key} must be a list, e.g. [business].")
            values[key] = tuple(str(v) for v in items)
        for key in ("start", "end"):
            value = raw.get(key)
            try:
                values[key] = None if value in (None, "") else pd.Timestamp(str(value))
            except ValueError:
                raise ConfigError(f"{where}: filters.{key} {value!r} is not a date; write YYYY-MM-DD.") from None
        return cls(**values)


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

    Examples
    --------
    >>> ctx = pd.DataFrame({"segment": ["a", "b"], "answered_at": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> filter_responses(ctx, Filters(segments=("b",)))["segment"].tolist()
    ['b']
    """
    return context.loc[selection_mask(context, filters)].copy()


def selection_mask(context: pd.DataFrame, filters: Filters, *, date: str = "answered_at"):
    """The boolean mask (numpy) of :func:`filter_responses`, for callers that cache columns."""
    import numpy as np

    keep = np.ones(len(context), dtype=bool)
    for column, values in (("segment", filters.segments), ("channel", filters.channels), ("stage", filters.stages)):
        if values and column in context:
            col = context[column]
            if not (isinstance(col.dtype, (pd.CategoricalDtype, pd.StringDtype))):
                col = col.astype("string")  # ids read as numbers or objects: compare as text
            keep &= col.isin(list(values)).fillna(False).to_numpy(bool)
    if date in context:
        when = context[date]
        if filters.start is not None:
            keep &= (when >= pd.Timestamp(filters.start)).fillna(False).to_numpy(bool)
        if filters.end is not None:
            keep &= (when < pd.Timestamp(filters.end) + pd.Timedelta(days=1)).fillna(False).to_numpy(bool)
    return keep


def select_tables(filters: Filters, *, customers: pd.DataFrame | None, interactions: pd.DataFrame | None,
                  responses: pd.DataFrame | None, mentions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame | None]:
    """The client's tables restricted to a selection, consistently.

    Customers: the selected segments. Interactions: of those customers, in the selected channels
    and stages and period. Responses: :func:`filter_responses` on their context. Mentions: the
    period; with a segment filter, only the mentions linked to a selected customer (a post with no
    customer cannot be placed in a segment).

    Returns
    -------
    dict
        ``customers``, ``interactions``, ``responses``, ``mentions`` (same columns as given).
    """
    from cxlib.analysis import metrics

    out: dict[str, pd.DataFrame | None] = {}
    cust = customers
    if cust is not None and filters.segments and "segment" in cust:
        cust = cust[cust["segment"].astype("string").isin(filters.segments).fillna(False).to_numpy(bool)]
    out["customers"] = None if cust is None else cust.reset_index(drop=True)
    inter = interactions
    if inter is not None:
        keep = pd.Series(True, index=inter.index)
        if cust is not None and filters.segments:
            keep &= inter["customer_id"].isin(cust["customer_id"])
        for column, values in (("channel", filters.channels), ("stage", filters.stages)):
            if values and column in inter:
                keep &= inter[column].astype("string").isin(values).fillna(False)
        if "occurred_at" in inter:
            if filters.start is not None:
                keep &= (inter["occurred_at"] >= filters.start).fillna(False)
            if filters.end is not None:
                keep &= (inter["occurred_at"] < filters.end + pd.Timedelta(days=1)).fillna(False)
        inter = inter[keep.to_numpy(bool)].reset_index(drop=True)
    out["interactions"] = inter
    if responses is None:  # a client with only posts or reviews
        out["responses"] = None
    else:
        context = metrics.with_context(responses, customers=customers, interactions=interactions)
        out["responses"] = responses[selection_mask(context, filters)].reset_index(drop=True)
    ment = mentions
    if ment is not None:
        mask = selection_mask(ment.rename(columns={"posted_at": "answered_at"}), Filters(start=filters.start,
                                                                                           end=filters.end))
        if filters.segments:
            ids = set(cust["customer_id"]) if cust is not None else set()
            mask &= ment["customer_id"].isin(ids).to_numpy(bool) if "customer_id" in ment else False
        ment = ment[mask].reset_index(drop=True)
    out["mentions"] = ment
    return out


@dataclass(frozen=True)
class View:
    """A named selection and the explorer sections shown with it.

    Parameters
    ----------
    name : str
        Lower-case letters, digits, ``-`` and ``_`` (the file name).
    filters : Filters
    sections : tuple of str
        Explorer sections shown (:data:`SECTIONS`).
    chart_by : str
        The chart's grouping (``segment``, ``touchpoint``, ``stage``, ``channel``, ``quarter``, ``theme``).
    search : str
        The verbatim search in force ("" for none).
    note : str
        Free text for the colleague who opens it.
    """

    name: str
    filters: Filters = field(default_factory=Filters)
    sections: tuple[str, ...] = SECTIONS
    chart_by: str = "segment"
    search: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["filters"] = self.filters.as_dict()
        out["sections"] = list(self.sections)
        return out


def views_dir(client_dir: str | os.PathLike) -> Path:
    """``data/<client>/views``: where a client's views are saved."""
    return Path(client_dir) / "views"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not VIEW_NAME.match(name):
        raise ConfigError(f"View name {name!r}: use lower-case letters, digits, '-' and '_' (e.g. business-q2).")
    return name


def save_view(client_dir: str | os.PathLike, view: View, *, overwrite: bool = True) -> Path:
    """Write ``view`` to ``data/<client>/views/<name>.yaml`` (atomically) and return the path."""
    import tempfile

    import yaml

    path = views_dir(client_dir) / f"{_check_name(view.name)}.yaml"
    if path.exists() and not overwrite:
        raise ConfigError(f"A view named {view.name!r} exists already ({path}); choose another name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# A saved explorer view: open it in notebooks/explore.ipynb or `cx report <client> --view <name>`.\n"
    text += yaml.safe_dump(view.as_dict(), sort_keys=False, allow_unicode=True)
    fd, tmp = tempfile.mkstemp(prefix=".view-", suffix=".yaml", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return path


def list_views(client_dir: str | os.PathLike) -> list[str]:
    """Names of the views saved for a client, sorted."""
    folder = views_dir(client_dir)
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_view(client_dir: str | os.PathLike, name: str) -> View:
    """Read a saved view.

    Raises
    ------
    ConfigError
        No such view (the message lists the saved ones and suggests a close name), or a file
        that is not a view.
    """
    import difflib

    import yaml

    path = views_dir(client_dir) / f"{_check_name(name)}.yaml"
    if not path.exists():
        saved = list_views(client_dir)
        close = difflib.get_close_matches(name, saved, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise ConfigError(f"No view {name!r} in {path.parent}.{hint} Saved views: {', '.join(saved) or 'none'}. "
                          "Save one from the explorer (Save view).")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping (name, filters, sections).")
    where = str(path)
    sections = tuple(raw.get("sections") or SECTIONS)
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        raise ConfigError(f"{where}: unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}.")
    return View(name=name, filters=Filters.from_dict(raw.get("filters"), where=where), sections=sections,
                chart_by=str(raw.get("chart_by") or "segment"), search=str(raw.get("search") or ""),
                note=str(raw.get("note") or ""))
