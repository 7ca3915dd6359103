"""Tidy frames as report tables: escaped, page-width, suppression shown in words.

Every cell is escaped where it enters (customer text is untrusted; ``DataFrame.style.to_html``
does not escape), numbers are formatted for reading, confidence intervals can be folded into
their estimate's cell to save width, and a row whose group is below the client's minimum size
(``suppressed``) shows **insufficient responses** instead of its scores. Tables wider than a
printed page are split into several tables that repeat the label columns.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"segment": ["<b>smb</b>", "tiny"], "n": [120, 4], "nps": [12.34, float("nan")],
...                    "ci_low": [3.1, float("nan")], "ci_high": [21.0, float("nan")], "suppressed": [False, True]})
>>> html = table(df, formats={"nps": "signed1"}, ci={"nps": ("ci_low", "ci_high")}).html
>>> "&lt;b&gt;smb&lt;/b&gt;" in html, '+12.3<span class="cx-ci">(+3.1 to +21.0)</span>' in html, "insufficient responses" in html
(True, True, True)
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from cxlib.present.formatting import Format, format_value
from cxlib.present.formatting import MISSING, is_missing

__all__ = [
    "INSUFFICIENT",
    "HtmlTable",
    "table",
    "format_value",
    "label_map",
    "with_labels",
    "quarantine_summary",
    "suppress_small",
]

#: What a suppressed score cell says.
INSUFFICIENT = "insufficient responses"

@dataclass(frozen=True)
class HtmlTable:
    """Escaped HTML of one or more tables; displays itself in Jupyter.

    Attributes
    ----------
    html : str
        The markup (safe to embed: every value was escaped).
    n_rows : int
        Rows shown.
    """

    html: str
    n_rows: int = 0

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _header(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _csv_link(frame: pd.DataFrame, names: list[str], headers: Mapping[str, str], ci: Mapping[str, tuple[str, str]],
              is_suppressed: np.ndarray, keep: set, caption: str | None) -> str:
    """A download link holding the whole table as CSV (a ``data:`` URI: no script, nothing fetched).

    Suppressed cells stay suppressed, and text that a spreadsheet would run as a formula is
    prefixed (:func:`cxlib.text.export.safe_cell`).
    """
    import base64
    import csv
    import io

    from cxlib.text.export import safe_cell

    cols: list[tuple[str, str]] = []
    for c in names:
        cols.append((headers[c], c))
        if c in ci:
            cols += [(f"{headers[c]}: 95 % CI low", ci[c][0]), (f"{headers[c]}: 95 % CI high", ci[c][1])]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([h for h, _ in cols])
    for pos, (_, row) in enumerate(frame.iterrows()):
        out = []
        for _, c in cols:
            base = next((k for k, pair in ci.items() if c in pair), c)
            if is_suppressed[pos] and base not in keep:
                out.append(INSUFFICIENT)
                continue
            value = row[c]
            out.append("" if is_missing(value) else safe_cell(value if not isinstance(value, float) else round(value, 6)))
        writer.writerow(out)
    payload = base64.b64encode(("\ufeff" + buffer.getvalue()).encode("utf-8")).decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "-", (caption or "table").lower()).strip("-")[:60] or "table"
    return (f'<p class="cx-download"><a class="cx-csv" href="data:text/csv;charset=utf-8;base64,{payload}" '
            f'download="{name}.csv">Download this table (CSV)</a></p>')


def _table_html(cells: list[list[tuple[str, str]]], names: list[str], headers: Mapping[str, str], numeric: set,
                ci: Mapping, caption: str | None, key_columns: int, max_columns: int) -> str:
    key = names[:key_columns]
    rest = names[key_columns:]
    width = max(1, max_columns - len(key))
    chunks = [rest[i:i + width] for i in range(0, len(rest), width)] or [[]]
    parts = []
    n = len(cells)
    # row groups: the first and the last rows stay with their neighbours, so a page break never leaves
    # a lone row or two at the top or the foot of a page
    groups = [(0, n)] if n <= 6 else [(0, 3), (3, n - 3), (n - 3, n)]
    for number, chunk in enumerate(chunks):
        cols = key + chunk
        idx = [names.index(c) for c in cols]
        head = "".join(
            f'<th scope="col" class="{"cx-num" if c in numeric else ""}">{_html.escape(headers[c])}'
            + (" (95 % CI)" if c in ci else "") + "</th>" for c in cols)
        bodies = []
        for k, (a, b) in enumerate(groups):
            if a >= b:
                continue
            cls = ' class="cx-rows-edge"' if len(groups) > 1 and k != 1 else ""
            bodies.append(f"<tbody{cls}>" + "".join(
                "<tr>" + "".join(f'<td class="{cells[r][i][1]}">{cells[r][i][0]}</td>' for i in idx) + "</tr>"
                for r in range(a, b)) + "</tbody>")
        cap = ""
        if caption:
            suffix = f" ({number + 1}/{len(chunks)})" if len(chunks) > 1 else ""
            # a paragraph rather than <caption>: print engines keep it with its table (break-after: avoid)
            cap = f'<p class="cx-caption">{_html.escape(caption + suffix)}</p>'
        parts.append(f'{cap}<table class="cx-table"><thead><tr>{head}</tr></thead>{"".join(bodies)}</table>')
    return "\n".join(parts)


def table(data: pd.DataFrame | None, *, columns: Mapping[str, str] | Sequence[str] | None = None,
          formats: Mapping[str, Format] | None = None, ci: Mapping[str, tuple[str, str]] | None = None,
          caption: str | None = None, note: str | None = None, suppressed: str | None = "suppressed",
          keep_when_suppressed: Sequence[str] | None = None, max_rows: int | None = None, max_columns: int = 10,
          key_columns: int = 1, download: bool = True) -> HtmlTable:
    """Render a tidy frame as an escaped, page-width HTML table.

    Parameters
    ----------
    data : DataFrame or None
        Tidy rows; not modified. None (an analysis that had too little data) or an empty frame
        shows nothing (an empty string): a report never shows an empty table.
    columns : mapping or sequence, optional
        Columns to show, in order; a mapping also gives their headers. Default: every column
        except the interval bounds folded by ``ci`` and the ``suppressed`` flag.
    formats : mapping, optional
        column -> format (see :func:`cxlib.present.formatting.format_value`).
    ci : mapping, optional
        column -> (low column, high column): the cell reads ``estimate`` with ``(low to high)`` in
        small print under it.
    caption, note : str, optional
        Title above and small print below (escaped).
    suppressed : str, optional
        Boolean column marking groups below the minimum size; their score cells read
        "insufficient responses".
    keep_when_suppressed : sequence, optional
        Columns still shown for suppressed rows (default: text columns and counts ``n``, ``n_*``).
    max_rows : int, optional
        Show the first ``max_rows`` rows, and every row behind a "show all" expander (in print the
        whole table is printed): a report never has a truncated table without its full version.
    max_columns : int
        Split wider tables into several, each repeating the first ``key_columns`` columns.
    download : bool
        Add a link that downloads the whole table as CSV (an embedded ``data:`` URI; hidden in print).

    Returns
    -------
    HtmlTable
    """
    if data is None or not len(data):
        return HtmlTable(html="")
    frame = data
    formats = dict(formats or {})
    ci = dict(ci or {})
    folded = {c for pair in ci.values() for c in pair}
    if columns is None:
        names = [c for c in frame.columns if c not in folded and c != suppressed]
        headers = {c: _header(str(c)) for c in names}
    elif isinstance(columns, Mapping):
        names, headers = list(columns), {k: str(v) for k, v in columns.items()}
    else:
        names = list(columns)
        headers = {c: _header(str(c)) for c in names}
    missing = [c for c in names + [c for pair in ci.values() for c in pair] if c not in frame.columns]
    if missing:
        raise KeyError(f"table(): columns {missing} are not in the frame (columns: {list(frame.columns)}).")
    numeric = {c for c in names if _is_numeric(frame[c])}
    if keep_when_suppressed is None:
        keep = {c for c in names if c not in numeric or c == "n" or str(c).startswith("n_")}
    else:
        keep = set(keep_when_suppressed)
    is_suppressed = (frame[suppressed].fillna(False).astype(bool).to_numpy()
                     if suppressed and suppressed in frame.columns else np.zeros(len(frame), dtype=bool))

    cells: list[list[tuple[str, str]]] = []  # (escaped cell HTML, css class)
    for pos, (_, row) in enumerate(frame.iterrows()):
        out = []
        for col in names:
            if is_suppressed[pos] and col not in keep:
                out.append((_html.escape(INSUFFICIENT), "cx-suppressed"))
                continue
            cell = _html.escape(format_value(row[col], formats.get(col)))
            if col in ci:
                low, high = (format_value(row[c], formats.get(col)) for c in ci[col])
                if low != "–" and high != "–":
                    cell += f'<span class="cx-ci">({_html.escape(low)} to {_html.escape(high)})</span>'
            out.append((cell, "cx-num" if col in numeric else ""))
        cells.append(out)

    full = _table_html(cells, names, headers, numeric, ci, caption, key_columns, max_columns)
    short = max_rows is not None and len(frame) > max_rows
    if short:
        preview = _table_html(cells[:max_rows], names, headers, numeric, ci, caption, key_columns, max_columns)
        body = (f'<div class="cx-preview">{preview}<p class="cx-table-note">The first {max_rows} of {len(frame):,} rows: '
                'every row is in the full table below and in the download.</p></div>'
                f'<details class="cx-full"><summary>Show all {len(frame):,} rows</summary>{full}</details>')
    else:
        body = full
    notes = []
    if is_suppressed.any():
        notes.append(f"Groups below the minimum size show \u201c{INSUFFICIENT}\u201d.")
    if note:
        notes.append(note)
    if notes:
        body += f'<p class="cx-table-note">{_html.escape(" ".join(notes))}</p>'
    if download:
        body += _csv_link(frame, names, headers, ci, is_suppressed, keep, caption)
    keep_together = " cx-keep" if len(frame) <= 12 and not short else ""
    return HtmlTable(html=f'<div class="cx-table-wrap{keep_together}">{body}</div>', n_rows=len(cells))


def label_map(config: Any) -> dict[str, str]:
    """Touchpoint id -> label from a client's config (``ws.config``), plus readable stage names.

    >>> from types import SimpleNamespace as NS
    >>> label_map(NS(touchpoints=[NS(id="support_call", label="Support call")], stages=["buy"]))
    {'buy': 'Buy', 'support_call': 'Support call'}
    """
    out = {stage: _header(stage) for stage in getattr(config, "stages", [])}
    out.update({tp.id: tp.label for tp in getattr(config, "touchpoints", [])})
    return out


def with_labels(data: pd.DataFrame, labels: Mapping[str, str], *, column: str, to: str | None = None) -> pd.DataFrame:
    """A copy of ``data`` with ``to`` (default ``<column>_label``): ids mapped to readable labels.

    Unknown ids are shown with underscores as spaces.

    >>> with_labels(pd.DataFrame({"tp": ["billing", "app_store"]}), {"billing": "Billing"}, column="tp")["tp_label"].tolist()
    ['Billing', 'App store']
    """
    target = to or f"{column}_label"
    values = data[column].astype("string")
    mapped = values.map(lambda v: labels.get(v, _header(str(v))) if not is_missing(v) else MISSING)
    return data.assign(**{target: mapped.astype("string")})


def quarantine_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows counted by table and reason, with the first example.

    Parameters
    ----------
    quarantine : DataFrame
        ``ws.quarantine`` (columns ``table, file, row, column, reason_code, reason, value``).

    Returns
    -------
    DataFrame
        ``table, reason_code, column, rows, first_row, example`` sorted by ``rows`` descending.
        The example is the validator's reason text, redacted (it may quote a raw value).
    """
    cols = ["table", "reason_code", "column", "rows", "first_row", "example"]
    if quarantine is None or not len(quarantine):
        return pd.DataFrame(columns=cols)
    grouped = (quarantine.groupby(["table", "reason_code", "column"], dropna=False, observed=True)
               .agg(rows=("row", "size"), first_row=("row", "min"), example=("reason", "first"))
               .reset_index().sort_values(["rows", "table"], ascending=[False, True], kind="stable"))
    out = grouped[cols].reset_index(drop=True)
    try:
        from cxlib.text.redact import redact_series

        out["example"] = redact_series(out["example"].astype("string"), corpus_vocabulary=False)["text"]
    except ImportError:  # the text helpers are optional here; escaping still applies
        pass
    return out


def suppress_small(data: pd.DataFrame, *, n: str = "n", min_n: int, flag: str = "suppressed") -> pd.DataFrame:
    """Add (or tighten) a ``suppressed`` flag for rows with fewer than ``min_n`` responses.

    For frames from analyses that report ``n`` but do not suppress themselves. The analyses of
    :mod:`cxlib.analysis.metrics` already suppress (including complementary suppression); use theirs.

    >>> suppress_small(pd.DataFrame({"n": [3, 50]}), min_n=30)["suppressed"].tolist()
    [True, False]
    """
    small = data[n].astype("float64").fillna(0) < min_n
    if flag in data.columns:
        small = small | data[flag].fillna(False).astype(bool)
    return data.assign(**{flag: small.to_numpy()})
