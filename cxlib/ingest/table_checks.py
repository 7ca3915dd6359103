"""Validating one table: the checks that look at each row alone, and what validating a table gives.

The first stage of validation (:func:`check_rows`: map the file's columns, coerce every cell,
check ranges, lists, required values and the table's own consistency rules) is shared by the
whole-file path (:func:`cxlib.ingest.validate.validate_table`) and the batch path
(:mod:`cxlib.ingest.streaming`); keys and references are checked after it by each.

Examples
--------
>>> read_exclusions("responses", pd.DataFrame({"row": [4], "reason": ["empty row"], "file": ["a.csv"]}))[
...     ["row", "reason_code"]].to_dict("records")
[{'row': 4, 'reason_code': 'excluded_at_read'}]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlib.config import ClientConfig, TableSource
from cxlib.ingest import readers
from cxlib.ingest.columns import (
    Combined,
    check_required,
    coerce_column,
    column_spec,
    combine,
)
from cxlib.ingest.rules import Rejects, check_table_rules, isin, messages
from cxlib.schema import FAMILIES, TableSpec, family_columns

__all__ = ["QUARANTINE_COLUMNS", "TableOutcome", "CheckedRows", "check_rows", "read_exclusions"]

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "reason_code", "reason", "value"]

_DTYPES = {"id": "string", "str": "string", "category": "string", "text": "string", "int": "Int64", "bool": "boolean"}


@dataclass
class TableOutcome:
    """One table validated: its usable rows (a DataFrame, or a SpilledTable when validated in batches),
    its quarantine, the rows read, the rows flagged, notes and where each column came from."""

    frame: pd.DataFrame | None
    quarantine: pd.DataFrame
    rows_read: int
    flagged: int = 0
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)


@dataclass
class CheckedRows:
    """One table's rows after the checks that look at each row alone (types, ranges, lists, required
    values, the table's own consistency rules); keys and references are checked after."""

    table: pd.DataFrame
    rejects: Rejects
    frame: pd.DataFrame
    combined: Combined
    notes: list[str]
    fields: list[dict]


def check_rows(raws: list[readers.RawTable], spec: TableSpec, source: TableSource, config: ClientConfig) -> CheckedRows:
    """Map, coerce and check every row of one table on its own (the first stage of :func:`validate_table`)."""
    combined = combine(raws, source, spec)
    frame, unused = combined.frame, combined.unused
    check_required(frame, spec, source.label)
    n = len(frame)
    rejects = Rejects(n)
    clean: dict[str, pd.Series] = {}
    columns = [c for c in spec.names if c in frame.columns]
    columns += [c for fam in FAMILIES.values() if spec.name in fam.tables for c in family_columns(frame.columns, fam.name)]
    for name in columns:
        col = column_spec(spec, name)
        coerced = coerce_column(frame, col, name, combined, source)
        values = coerced.values
        errors = coerced.errors
        bad = errors.notna().to_numpy()
        if bad.any():
            rejects.add(bad, "bad_value", name, messages(bad, f"column `{name}`: ", errors), frame[name])
        allowed = config.allowed(col.allowed) if isinstance(col.allowed, str) else col.allowed
        if allowed:  # an empty client.yaml list (no segments given) accepts any value
            allowed = list(allowed)
            outside = values.notna().to_numpy(dtype=bool) & ~isin(values, allowed)
            if outside.any():
                listed = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
                text = "'" + values.astype("string").fillna("") + f"' is not one of: {listed}"
                rejects.add(outside, "not_allowed", name, messages(outside, f"column `{name}`: ", text), frame[name])
        if not col.nullable:
            empty = (values.isna() & ~pd.Series(bad, index=values.index)).to_numpy()
            rejects.add(empty, "missing_value", name, f"column `{name}` is empty; a value is required")
        clean[name] = values
    table = pd.DataFrame(clean, index=frame.index)
    for col in spec.columns:  # optional columns the file lacks: present, empty, typed
        if col.name not in table:
            table[col.name] = pd.Series(pd.NA, index=table.index, dtype=_DTYPES[col.kind]) \
                if col.kind not in ("date", "datetime", "float") else \
                pd.Series(np.nan if col.kind == "float" else pd.NaT, index=table.index,
                          dtype="float64" if col.kind == "float" else "datetime64[ns]")
    notes = list(combined.notes)
    if unused:
        notes.append(f"columns not used (not part of the data model, never stored): {', '.join(unused[:20])}")
    date = {"responses": "answered_at", "mentions": "posted_at"}.get(spec.name)
    if date and n and table[date].isna().all():
        notes.append(f"no dates (`{date}`): the report is undated, with no trend")

    check_table_rules(spec.name, table, rejects, frame, config)
    fields = [dict(table=spec.name, column=c, source=str(combined.raw_of.get(c, c)),
                   question=combined.questions.get(c, "")) for c in table.columns if c in combined.raw_of]
    return CheckedRows(table, rejects, frame, combined, notes, fields)


def read_exclusions(table: str, ex: pd.DataFrame) -> pd.DataFrame:
    """Rows set aside by the reader, as quarantine rows with a reason code."""
    reason = ex["reason"].astype("string")
    bad_line = reason.str.match(r"line \d+ (?:has|is) ").fillna(False).to_numpy(dtype=bool)
    long_id = reason.str.startswith("long file").fillna(False).to_numpy(dtype=bool)
    status = ~bad_line & ~long_id & (reason != "empty row").fillna(True).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "table": table,
            "file": ex["file"].astype("string"),
            "row": ex["row"].astype("Int64"),
            "column": pd.Series(np.where(status, "Status", ""), dtype="string"),
            "reason_code": pd.Series(np.where(bad_line, "bad_line", np.where(long_id, "missing_id", "excluded_at_read")),
                                     dtype="string"),
            "reason": reason,
            "value": pd.Series([""] * len(ex), dtype="string"),
        }
    ).astype({c: "string" for c in QUARANTINE_COLUMNS if c != "row"})
