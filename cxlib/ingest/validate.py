"""Validation: every input row is either used or quarantined with a reason.

Each table is read (:mod:`cxlib.ingest.readers`), its columns mapped to the canonical names
(:mod:`cxlib.schema`), every cell coerced and range-checked (:mod:`cxlib.ingest.parsing`,
:mod:`cxlib.ingest.scales`), then keys, references between tables and survey quality
(speeders, straight-liners, duplicate respondents) are checked. A row with any
problem goes to the quarantine with its file, row number, column and reason.
The reconciliation proves nothing was dropped: rows read = rows used + rows quarantined.

Examples
--------
>>> result = validate_client(load_config("data/acme-telecom/client.yaml"))   # doctest: +SKIP
>>> result.reconciliation[["table", "rows_read", "rows_used", "rows_quarantined"]]   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxlib.ingest import parsing, readers, scales
from cxlib.errors import DataError
from cxlib.schema import RATING_PREFIX, TABLE_ORDER, TABLES, Column, TableSpec, rating_columns
from cxlib.config import ClientConfig, TableSource

__all__ = [
    "ValidationResult",
    "validate_client",
    "validate_table",
    "check_reconciliation",
    "QUARANTINE_COLUMNS",
    "FIX_HINTS",
]

QUARANTINE_COLUMNS = ["table", "file", "row", "column", "reason_code", "reason", "value"]

#: What to tell the user to do, by reason code.
FIX_HINTS: dict[str, str] = {
    "bad_value": "Fix the value in the file, or map the column/scale in client.yaml.",
    "missing_value": "Fill the value in, or leave the row out of the export.",
    "not_allowed": "Fix the value, or add it to the matching list in client.yaml.",
    "duplicate_row": "The same row appears twice; the first copy is used.",
    "duplicate_key": "Two different rows share one id; the first is used. Check the export.",
    "unknown_reference": "The row points to an id that is missing from the referenced table (or was quarantined there).",
    "inconsistent": "The row contradicts itself or another table; check the source system.",
    "excluded_at_read": "Excluded by its survey status (preview, test or spam), or a row with no value at all.",
    "bad_line": "The line has more or fewer fields than the header (e.g. cut off at the end of an export); "
                "the rest of the file is used. Re-export the file to recover it.",
    "speeder": "Answered much faster than the median; set quality.exclude_speeders: false to keep such rows.",
    "straightliner": "Gave the same answer to every rating; set quality.exclude_straightliners: false to keep.",
    "duplicate_respondent": "Same customer answered the same survey again within the window; the first answer is used.",
}

_DTYPES = {"id": "string", "str": "string", "category": "string", "text": "string", "int": "Int64", "bool": "boolean"}
_SCORE_TARGETS = {"nps": "nps", "csat": "csat", "ces": "ces"}


@dataclass(frozen=True)
class ValidationResult:
    """The validated tables of one client, the quarantine and the reconciliation.

    Attributes
    ----------
    tables : dict
        Canonical name -> clean DataFrame (None when the client has no such table).
    quarantine : DataFrame
        One row per rejected input row: table, file, row, column, reason_code, reason, value.
    reconciliation : DataFrame
        One row per table: table, file, rows_read, rows_used, rows_quarantined, rows_flagged,
        status (``ok`` | ``unusable`` | ``absent``), problem, notes.
    problems : list of str
        Table-level problems that make a table unusable (missing column, unreadable file, …).
    """

    client: str
    tables: dict[str, pd.DataFrame | None]
    quarantine: pd.DataFrame
    reconciliation: pd.DataFrame
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every provided table is usable and every required one is provided."""
        status = self.reconciliation.set_index("table")["status"]
        provided_ok = all(s in ("ok", "absent") for s in status)
        return provided_ok and all(status.get(t) == "ok" for t in TABLE_ORDER if TABLES[t].required_table)


@dataclass
class _Outcome:
    frame: pd.DataFrame | None
    quarantine: pd.DataFrame
    rows_read: int
    flagged: int = 0
    problem: str | None = None
    notes: list[str] = field(default_factory=list)


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else "string") for c in QUARANTINE_COLUMNS})


def _short(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Rejects:
    """Collects the first reason each input row is rejected for."""

    def __init__(self, n: int):
        self.code = np.full(n, None, dtype=object)
        self.column = np.full(n, None, dtype=object)
        self.reason = np.full(n, None, dtype=object)
        self.value = np.full(n, None, dtype=object)

    def add(self, mask, code: str, column: str, reasons, values=None) -> None:
        mask = np.asarray(mask, dtype=bool) & pd.isna(self.code)
        if not mask.any():
            return
        self.code[mask] = code
        self.column[mask] = column
        self.reason[mask] = np.asarray(reasons, dtype=object)[mask] if not isinstance(reasons, str) else reasons
        if values is not None:
            self.value[mask] = [_short(v) for v in np.asarray(values, dtype=object)[mask]]

    @property
    def rejected(self) -> np.ndarray:
        return pd.notna(self.code)

    def frame(self, table: str, files: np.ndarray, row_numbers: np.ndarray) -> pd.DataFrame:
        idx = np.flatnonzero(self.rejected)
        return pd.DataFrame(
            {
                "table": pd.Series([table] * len(idx), dtype="string"),
                "file": pd.Series(np.asarray(files, dtype=object)[idx], dtype="string"),
                "row": pd.Series(np.asarray(row_numbers)[idx], dtype="Int64"),
                "column": pd.Series(self.column[idx], dtype="string"),
                "reason_code": pd.Series(self.code[idx], dtype="string"),
                "reason": pd.Series(self.reason[idx], dtype="string"),
                "value": pd.Series(self.value[idx], dtype="string"),
            }
        )


def _messages(mask: np.ndarray, prefix: str, texts: pd.Series) -> np.ndarray:
    """Per-row messages, built only for the rows in ``mask`` (string building is costly at 1M rows)."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = (prefix + texts[mask].astype("string")).to_numpy(dtype=object)
    return out


def _isin(values: pd.Series, allowed) -> np.ndarray:
    """``values.isin(allowed)`` for string columns, via Arrow's hash set.

    pandas' own ``isin`` on Arrow strings builds one Python scalar per allowed value, which took
    ~15 s for a 1M-row reference check; ``pyarrow.compute.is_in`` takes well under a second.
    Missing values are never "in".
    """
    haystack = pa.array(pd.Series(allowed, dtype="string").dropna().unique(), type=pa.large_string())
    needles = pa.array(values.astype("string"), type=pa.large_string())
    return pc.fill_null(pc.is_in(needles, value_set=haystack), False).to_numpy(zero_copy_only=False)


def _target_for(column: str) -> str | None:
    if column in _SCORE_TARGETS:
        return _SCORE_TARGETS[column]
    if column.startswith(RATING_PREFIX):
        return "rating"
    return None


def _map_columns(raw: readers.RawTable, source: TableSource, spec: TableSpec) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Rename one file's raw columns to canonical names; return frame, canonical->raw, unused raw columns."""
    frame = raw.frame
    mapping = dict(source.columns)
    absent = [r for r in mapping if r not in frame.columns and mapping[r] not in frame.columns]
    if absent:
        raise DataError(
            f"{raw.source.name}: client.yaml maps column(s) {', '.join(f'{a!r} (to {mapping[a]})' for a in absent)} "
            "but the file has no such column and no column of the canonical name either. "
            f"The file's columns are: {', '.join(map(str, frame.columns[:30]))}. Fix `tables.{spec.name}.columns`."
        )
    canonical_of = {c: mapping.get(c, c) for c in frame.columns}
    known = set(spec.names)
    keep = {raw_name: canon for raw_name, canon in canonical_of.items()
            if canon in known or (spec.name == "responses" and canon.startswith(RATING_PREFIX))}
    targets = list(keep.values())
    dupes = sorted({t for t in targets if targets.count(t) > 1})
    if dupes:
        raise DataError(f"{raw.source.name}: more than one column maps to {', '.join(dupes)}. Map each canonical column once.")
    unused = [str(c) for c in frame.columns if c not in keep]
    out = frame[list(keep)].rename(columns=keep)
    return out, {v: k for k, v in keep.items()}, unused


@dataclass
class _Combined:
    frame: pd.DataFrame
    raw_of: dict[str, str]
    unused: list[str]
    files: np.ndarray
    rows: np.ndarray
    excluded: pd.DataFrame
    value_labels: dict
    missing_codes: dict
    notes: list[str]
    rows_read: int


def _combine(raws: list[readers.RawTable], source: TableSource, spec: TableSpec) -> _Combined:
    """Stack one table's files (e.g. monthly exports) into one frame, remembering each row's file and line."""
    frames, files, rows, excluded, notes = [], [], [], [], []
    raw_of: dict[str, str] = {}
    unused: list[str] = []
    labels: dict = {}
    codes: dict = {}
    for raw in raws:
        frame, mapping, extra = _map_columns(raw, source, spec)
        frames.append(frame)
        files.append(np.full(len(frame), raw.source.name, dtype=object))
        rows.append(np.asarray(raw.row_numbers))
        if len(raw.excluded):
            excluded.append(raw.excluded.assign(file=raw.source.name))
        raw_of.update(mapping)
        unused += [u for u in extra if u not in unused]
        for canon, raw_name in mapping.items():
            if raw_name in raw.value_labels:
                labels[raw_name] = raw.value_labels[raw_name]
            if raw_name in raw.missing_codes:
                codes[raw_name] = raw.missing_codes[raw_name]
        notes += [f"{raw.source.name}: {note}" if len(raws) > 1 else note for note in raw.notes]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return _Combined(
        frame=frame,
        raw_of=raw_of,
        unused=unused,
        files=np.concatenate(files) if files else np.array([], dtype=object),
        rows=np.concatenate(rows) if rows else np.array([], dtype="int64"),
        excluded=pd.concat(excluded, ignore_index=True) if excluded else pd.DataFrame(columns=["row", "reason", "file"]),
        value_labels=labels,
        missing_codes=codes,
        notes=notes,
        rows_read=sum(r.n_read for r in raws),
    )


def _check_required(frame: pd.DataFrame, spec: TableSpec, file: str) -> None:
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: required column(s) {', '.join(f'`{m}`' for m in missing)} missing for table {spec.name}. "
            f"The file has: {', '.join(map(str, frame.columns[:30]))}. Rename them in the file or map them with "
            f"`tables.{spec.name}.columns` in client.yaml."
        )


def _coerce_column(frame, col: Column, name: str, combined: _Combined, source: TableSource):
    series = frame[name]
    raw_name = combined.raw_of[name]
    target = _target_for(name)
    if target is not None and series.isna().all():  # nobody answered: nothing to map, nothing wrong
        return parsing.Coerced(pd.Series(pd.NA, index=series.index, dtype="Int64"),
                               pd.Series(pd.NA, index=series.index, dtype="string"))
    if target is not None:
        return scales.map_scale(
            series,
            target=target,
            scale=source.scales.get(name),
            missing_codes=list(source.missing_codes.get(name, [])) + list(combined.missing_codes.get(raw_name, [])),
            value_labels=combined.value_labels.get(raw_name),
            column=name,
            file=source.label,
            row_numbers=combined.rows,
        )
    labels = combined.value_labels.get(raw_name)
    if labels and col is not None and col.kind in ("category", "str"):
        series = series.map(lambda v: labels.get(v, labels.get(_num(v), v)) if pd.notna(v) else v).astype("string")
    missing = list(source.missing_codes.get(name, [])) + list(combined.missing_codes.get(raw_name, []))
    return parsing.coerce(series, col.kind, low=col.low, high=col.high, dayfirst=source.dayfirst, missing=missing)


def _num(v):
    try:
        f = float(v)
        return int(f) if f.is_integer() else f
    except (TypeError, ValueError):
        return v


def validate_table(
    raws: list[readers.RawTable],
    spec: TableSpec,
    source: TableSource,
    config: ClientConfig,
    *,
    known_ids: dict[tuple[str, str], pd.Series] | None = None,
    interaction_owner: pd.Series | None = None,
) -> _Outcome:
    """Validate one table read from one or more files. See the module docstring."""
    combined = _combine(raws, source, spec)
    frame, unused = combined.frame, combined.unused
    _check_required(frame, spec, source.label)
    n = len(frame)
    rejects = _Rejects(n)
    clean: dict[str, pd.Series] = {}
    columns = [c for c in spec.names if c in frame.columns]
    if spec.name == "responses":
        columns += rating_columns(frame.columns)
    for name in columns:
        col = spec.column(name) if name in spec.names else Column(name, "int", nullable=True, low=1, high=5)
        coerced = _coerce_column(frame, col, name, combined, source)
        values = coerced.values
        errors = coerced.errors
        bad = errors.notna().to_numpy()
        if bad.any():
            rejects.add(bad, "bad_value", name, _messages(bad, f"column `{name}`: ", errors), frame[name])
        if isinstance(col.allowed, (str, tuple)):
            allowed = config.allowed(col.allowed) if isinstance(col.allowed, str) else list(col.allowed)
            outside = values.notna().to_numpy(dtype=bool) & ~_isin(values, allowed)
            if outside.any():
                listed = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
                text = "'" + values.astype("string").fillna("") + f"' is not one of: {listed}"
                rejects.add(outside, "not_allowed", name, _messages(outside, f"column `{name}`: ", text), frame[name])
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

    _check_table_rules(spec.name, table, rejects, frame, config)
    _check_keys(spec, table, rejects, frame)
    _check_references(spec, table, rejects, known_ids or {})
    if spec.name == "responses" and interaction_owner is not None and "interaction_id" in table:
        owner = table["interaction_id"].map(interaction_owner)
        mismatch = (owner.notna() & (owner != table["customer_id"])).fillna(False).to_numpy(dtype=bool)
        rejects.add(mismatch, "inconsistent", "interaction_id",
                    "column `interaction_id`: the interaction belongs to another customer", table["interaction_id"])
    flagged = 0
    if spec.name == "responses":
        flagged = _quality_flags(table, rejects, config)

    quarantine = rejects.frame(spec.name, combined.files, combined.rows)
    ex = combined.excluded
    if len(ex):
        bad_line = ex["reason"].astype("string").str.match(r"line \d+ (?:has|is) ").fillna(False).to_numpy(dtype=bool)
        excluded = pd.DataFrame(
            {
                "table": spec.name,
                "file": ex["file"].astype("string"),
                "row": ex["row"].astype("Int64"),
                "column": pd.Series(np.where(bad_line, "", np.where(ex["reason"] == "empty row", "", "Status")),
                                    dtype="string"),
                "reason_code": pd.Series(np.where(bad_line, "bad_line", "excluded_at_read"), dtype="string"),
                "reason": ex["reason"].astype("string"),
                "value": pd.Series([""] * len(ex), dtype="string"),
            }
        ).astype({c: "string" for c in QUARANTINE_COLUMNS if c != "row"})
        quarantine = pd.concat([quarantine, excluded], ignore_index=True)
    used = table.loc[~rejects.rejected].reset_index(drop=True)
    return _Outcome(used, quarantine, combined.rows_read, flagged, None, notes)


def _check_table_rules(name: str, table: pd.DataFrame, rejects: _Rejects, frame: pd.DataFrame, config: ClientConfig) -> None:
    if name == "customers" and "churned_on" in table:
        before = (table["churned_on"] < table["acquired_on"]).fillna(False).to_numpy(dtype=bool)
        rejects.add(before, "inconsistent", "churned_on", "column `churned_on`: before `acquired_on`", frame["churned_on"])
        not_churned = (table["churned_on"].notna() & (table["churned"] == False)).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        rejects.add(not_churned, "inconsistent", "churned_on",
                    "column `churned_on` has a date but `churned` is false", frame["churned_on"])
    if name == "responses":
        if "survey" not in table:
            survey = np.where(table["interaction_id"].notna(), "transactional", "relationship") \
                if "interaction_id" in table else "relationship"
            table["survey"] = pd.Series(survey, index=table.index, dtype="string")
        else:
            table["survey"] = table["survey"].fillna(
                pd.Series(np.where(table.get("interaction_id", pd.Series(pd.NA, index=table.index)).notna(),
                                   "transactional", "relationship"), index=table.index)).astype("string")
        if "interaction_id" in table:
            wrong = ((table["survey"] == "transactional") & table["interaction_id"].isna()).fillna(False).to_numpy(dtype=bool)
            rejects.add(wrong, "inconsistent", "interaction_id",
                        "column `interaction_id` is empty but the survey is transactional")


def _check_keys(spec: TableSpec, table: pd.DataFrame, rejects: _Rejects, frame: pd.DataFrame) -> None:
    if spec.key is None or spec.key not in table:
        return
    live = ~rejects.rejected
    key = table[spec.key]
    dup = np.zeros(len(table), dtype=bool)
    dup[live] = key[live].duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    exact = np.zeros(len(table), dtype=bool)
    exact[live] = frame[live].duplicated(keep="first").to_numpy()
    rejects.add(dup & exact, "duplicate_row", spec.key,
                f"the same row appears earlier in the file ({spec.key} repeated)", key)
    rejects.add(dup & ~exact, "duplicate_key", spec.key,
                f"column `{spec.key}`: this id is already used by an earlier row with different content", key)


def _check_references(spec: TableSpec, table: pd.DataFrame, rejects: _Rejects, known_ids) -> None:
    for column, (target, target_col) in spec.references.items():
        if column not in table or (target, target_col) not in known_ids:
            continue
        values = table[column]
        unknown = values.notna().to_numpy(dtype=bool) & ~_isin(values, known_ids[(target, target_col)])
        rejects.add(unknown, "unknown_reference", column,
                    f"column `{column}`: no usable {target} row has this {target_col}", values)


def _quality_flags(table: pd.DataFrame, rejects: _Rejects, config: ClientConfig) -> int:
    """Flag speeders, straight-liners and duplicate respondents; exclude them when client.yaml says so."""
    q = config.quality
    n = len(table)
    speeder = np.zeros(n, dtype=bool)
    if "duration_seconds" in table:
        live = ~rejects.rejected
        duration = table["duration_seconds"].astype("float64")
        median = duration[live].groupby(table["survey"][live]).median()
        threshold = table["survey"].map(median).astype("float64") * float(q["speeder_fraction"])
        speeder = (duration < threshold).fillna(False).to_numpy(dtype=bool)
    ratings = rating_columns(table.columns)
    straight = np.zeros(n, dtype=bool)
    if len(ratings) >= 4:
        block = table[ratings].astype("float64")
        answered = block.notna().sum(axis=1)
        straight = ((answered >= 4) & (block.max(axis=1) == block.min(axis=1))).to_numpy(dtype=bool)
    dup = np.zeros(n, dtype=bool)
    live = pd.Series(~rejects.rejected & ~(speeder & bool(q["exclude_speeders"])), index=table.index) \
        & table["customer_id"].notna()
    if "answered_at" in table:
        key = table["customer_id"].astype("string") + "|" + table["survey"].astype("string") + "|" + \
            table.get("interaction_id", pd.Series(pd.NA, index=table.index, dtype="string")).astype("string").fillna("")
        order = table.loc[live].assign(_key=key[live]).sort_values(["_key", "answered_at"], kind="stable")
        gap = order.groupby("_key", sort=False)["answered_at"].diff()
        window = pd.Timedelta(days=int(q["duplicate_window_days"]))
        dup_idx = gap[(gap.notna()) & (gap <= window)].index
        dup[table.index.get_indexer(dup_idx)] = True
    table["flag_speeder"] = pd.array(speeder, dtype="boolean")
    table["flag_straightliner"] = pd.array(straight, dtype="boolean")
    table["flag_duplicate_respondent"] = pd.array(dup, dtype="boolean")
    if q["exclude_speeders"]:
        rejects.add(speeder, "speeder", "duration_seconds",
                    f"answered in under {q['speeder_fraction']:.0%} of the median time for its survey",
                    table.get("duration_seconds"))
    if q["exclude_duplicate_respondents"]:
        rejects.add(dup, "duplicate_respondent", "customer_id",
                    f"same customer answered the same survey within {q['duplicate_window_days']} days", table["customer_id"])
    if q["exclude_straightliners"]:
        rejects.add(straight, "straightliner", ratings[0] if ratings else "", "the same rating for every touchpoint")
    kept = ~rejects.rejected
    return int(((speeder | straight | dup) & kept).sum())


def validate_client(config: ClientConfig, *, progress: Callable[[str], None] | None = None) -> ValidationResult:
    """Read and validate every table of a client, in reference order.

    Parameters
    ----------
    config : ClientConfig
        The client's parsed client.yaml (:func:`cxlib.workspace.load_config`).
    progress : callable, optional
        Called with a short message as each table is read and checked.

    Returns
    -------
    ValidationResult
        Clean tables, quarantine, reconciliation (one row per table: ``table, file, rows_read,
        rows_used, rows_quarantined, rows_flagged, status, problem, notes``) and table-level problems.

    Notes
    -----
    Invariant, checked before returning: for every table, rows_read = rows_used + rows_quarantined.
    """
    tables: dict[str, pd.DataFrame | None] = {}
    quarantines: list[pd.DataFrame] = []
    recon: list[dict] = []
    problems: list[str] = []
    known: dict[tuple[str, str], pd.Series] = {}
    owner: pd.Series | None = None
    for name in TABLE_ORDER:
        spec = TABLES[name]
        source = config.sources.get(name)
        if source is None:
            tables[name] = None
            recon.append(dict(table=name, file="", rows_read=0, rows_used=0, rows_quarantined=0, rows_flagged=0,
                              status="absent", problem="not provided", notes=""))
            continue
        try:
            raws = []
            for path in source.paths:
                if progress:
                    progress(f"{name}: reading {path.name}")
                raws.append(readers.read_table(path, format=source.format, encoding=source.encoding,
                                          delimiter=source.delimiter, sheet=source.sheet, skip_rows=source.skip_rows))
            outcome = validate_table(raws, spec, source, config, known_ids=known,
                                     interaction_owner=owner if name == "responses" else None)
        except DataError as exc:
            problems.append(str(exc))
            tables[name] = None
            recon.append(dict(table=name, file=source.label, rows_read=pd.NA, rows_used=0, rows_quarantined=pd.NA,
                              rows_flagged=0, status="unusable", problem=str(exc), notes=""))
            continue
        tables[name] = outcome.frame
        quarantines.append(outcome.quarantine)
        if spec.key and outcome.frame is not None:
            known[(name, spec.key)] = outcome.frame[spec.key]
        if name == "interactions":
            owner = outcome.frame.set_index("interaction_id")["customer_id"]
        recon.append(dict(table=name, file=source.label, rows_read=outcome.rows_read, rows_used=len(outcome.frame),
                          rows_quarantined=len(outcome.quarantine), rows_flagged=outcome.flagged, status="ok",
                          problem="", notes="; ".join(n.rstrip(". ") for n in outcome.notes)))
        if progress:
            progress(f"{name}: {len(outcome.frame):,} rows used, {len(outcome.quarantine):,} quarantined")
    quarantine = pd.concat(quarantines, ignore_index=True) if quarantines else _empty_quarantine()
    quarantine = quarantine.astype({c: "string" for c in QUARANTINE_COLUMNS if c != "row"}).astype({"row": "Int64"})
    reconciliation = pd.DataFrame(recon).astype(
        {"table": "string", "file": "string", "rows_read": "Int64", "rows_used": "Int64", "rows_quarantined": "Int64",
         "rows_flagged": "Int64", "status": "string", "problem": "string", "notes": "string"}
    )
    check_reconciliation(reconciliation, quarantine)
    return ValidationResult(config.name, tables, quarantine, reconciliation, problems)


def check_reconciliation(reconciliation: pd.DataFrame, quarantine: pd.DataFrame) -> None:
    """Raise when any row was lost: rows_read must equal rows_used + Σ quarantined by reason.

    Examples
    --------
    >>> recon = pd.DataFrame({"table": ["t"], "rows_read": [3], "rows_used": [2], "rows_quarantined": [1],
    ...                       "status": ["ok"]})
    >>> q = pd.DataFrame({"table": ["t"], "reason_code": ["bad_value"]})
    >>> check_reconciliation(recon, q)
    """
    counts = quarantine.groupby("table").size() if len(quarantine) else pd.Series(dtype="int64")
    for row in reconciliation.itertuples():
        if row.status != "ok":
            continue
        by_reason = int(counts.get(row.table, 0))
        if row.rows_read != row.rows_used + by_reason or row.rows_quarantined != by_reason:
            raise DataError(
                f"Reconciliation failed for {row.table}: {row.rows_read} rows read but {row.rows_used} used + "
                f"{by_reason} quarantined. This is a bug in the workbench: please report it with the input file."
            )
