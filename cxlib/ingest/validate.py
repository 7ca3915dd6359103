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

import pandas as pd

from cxlib.config import ClientConfig, TableSource
from cxlib.errors import DataError
from cxlib.ingest import readers, streaming
from cxlib.ingest.rules import KnownIds, check_keys, check_references, quality_flags
from cxlib.ingest.table_checks import (
    QUARANTINE_COLUMNS,
    TableOutcome,
    check_rows,
    read_exclusions,
)
from cxlib.schema import TABLE_ORDER, TABLES, VOICE_TABLES, TableSpec

__all__ = [
    "ValidationResult",
    "validate_client",
    "validate_table",
    "check_reconciliation",
    "QUARANTINE_COLUMNS",
    "FIELD_COLUMNS",
    "FIX_HINTS",
]

#: The store's ``fields`` table: where each canonical column came from and the question it answers.
FIELD_COLUMNS = ["table", "column", "source", "question"]

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
    "missing_id": "A row of a long file (one row per answer) without a respondent id or a question; fill it in.",
}

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
    fields : DataFrame
        One row per stored column: ``table``, ``column`` (canonical), ``source`` (the file's column,
        ``(generated)`` or ``(constant …)``), ``question`` (the survey question it answers, or "").
    """

    client: str
    tables: dict[str, pd.DataFrame | None]
    quarantine: pd.DataFrame
    reconciliation: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    fields: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIELD_COLUMNS, dtype="string"))

    @property
    def ok(self) -> bool:
        """True when every provided table is usable, every required one is provided, and there is customer voice
        (survey answers or posts and reviews)."""
        status = self.reconciliation.set_index("table")["status"]
        provided_ok = all(s in ("ok", "absent") for s in status)
        return (provided_ok and all(status.get(t) == "ok" for t in TABLE_ORDER if TABLES[t].required_table)
                and any(status.get(t) == "ok" for t in VOICE_TABLES))


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c == "row" else "string") for c in QUARANTINE_COLUMNS})


def validate_table(
    raws: list[readers.RawTable],
    spec: TableSpec,
    source: TableSource,
    config: ClientConfig,
    *,
    known_ids: dict[tuple[str, str], pd.Series | KnownIds] | None = None,
    interaction_owner: pd.Series | Callable[[pd.Series], pd.Series] | None = None,
) -> TableOutcome:
    """Validate one table read from one or more files. See the module docstring."""
    rows = check_rows(raws, spec, source, config)
    table, rejects, frame, combined, notes = rows.table, rows.rejects, rows.frame, rows.combined, rows.notes
    check_keys(spec, table, rejects, frame)
    check_references(spec, table, rejects, known_ids or {})
    if spec.name == "responses" and interaction_owner is not None and "interaction_id" in table:
        owner = interaction_owner(table["interaction_id"]) if callable(interaction_owner) \
            else table["interaction_id"].map(interaction_owner)
        mismatch = (owner.notna() & (owner != table["customer_id"])).fillna(False).to_numpy(dtype=bool)
        rejects.add(mismatch, "inconsistent", "interaction_id",
                    "column `interaction_id`: the interaction belongs to another customer", table["interaction_id"])
    flagged = 0
    if spec.name == "responses":
        flagged = quality_flags(table, rejects, config)
    _mark_client(spec, table, config, notes)

    quarantine = rejects.frame(spec.name, combined.files, combined.rows)
    if len(combined.excluded):
        quarantine = pd.concat([quarantine, read_exclusions(spec.name, combined.excluded)], ignore_index=True)
    used = table.loc[~rejects.rejected].reset_index(drop=True)
    return TableOutcome(used, quarantine, combined.rows_read, flagged, None, notes, rows.fields)


def _mark_client(spec: TableSpec, table: pd.DataFrame, config: ClientConfig, notes: list[str]) -> None:
    """Add ``is_client`` (client.yaml ``benchmark``): the client's own rows; the others are its benchmark."""
    bench = config.benchmark
    if bench is None or spec.name not in VOICE_TABLES:
        return
    if bench.column not in table or table[bench.column].isna().all():
        raise DataError(f"{spec.name}: client.yaml `benchmark` says the client is {bench.client!r} in column "
                        f"`{bench.column}`, but the table has no `{bench.column}` values. Map the file's company "
                        f"column to `{bench.column}` in `tables.{spec.name}.columns`, or remove `benchmark`.")
    values = table[bench.column].astype("string")
    norm = values.str.strip().str.casefold()
    mine = (norm == bench.client.strip().casefold()).fillna(False)
    if not mine.any():
        top = values.value_counts().head(8).index.tolist()
        raise DataError(f"{spec.name}: client.yaml `benchmark.client` {bench.client!r} is not a value of "
                        f"`{bench.column}` (most frequent: {', '.join(map(repr, top))}). Write the client's name "
                        "exactly as the file has it.")
    table["is_client"] = pd.array(mine.to_numpy(dtype=bool), dtype="boolean")
    others = values[~mine].nunique()
    notes.append(f"benchmark: {int(mine.sum()):,} rows are {bench.client!r}, {int((~mine).sum()):,} rows of "
                 f"{others} other(s) are its benchmark")


def validate_client(config: ClientConfig, *, progress: Callable[[str], None] | None = None,
                    stream_bytes: int = streaming.STREAM_BYTES,
                    batch_bytes: int = streaming.BATCH_BYTES) -> ValidationResult:
    """Read and validate every table of a client, in reference order.

    Parameters
    ----------
    config : ClientConfig
        The client's parsed client.yaml (:func:`cxlib.workspace.load_config`).
    progress : callable, optional
        Called with a short message as each table is read and checked.
    stream_bytes, batch_bytes : int
        A CRM or touchpoint file (``customers``, ``interactions``) of at least ``stream_bytes`` is
        validated in batches of about ``batch_bytes`` (:mod:`cxlib.ingest.streaming`): the same
        result in memory that does not grow with the file; its table is then a
        :class:`~cxlib.ingest.streaming.SpilledTable`.

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
    fields: list[dict] = []
    for name in TABLE_ORDER:
        spec = TABLES[name]
        source = config.sources.get(name)
        if source is None:
            tables[name] = None
            recon.append(dict(table=name, file="", rows_read=0, rows_used=0, rows_quarantined=0, rows_flagged=0,
                              status="absent", problem="not provided", notes=""))
            continue
        try:
            outcome, whole_note = None, None
            if streaming.streams(spec, source, stream_bytes=stream_bytes):
                try:
                    outcome = streaming.validate_in_batches(spec, source, config, known_ids=known,
                                                            batch_bytes=batch_bytes, progress=progress)
                except streaming.WholeFileNeeded as exc:
                    whole_note = f"validated in one piece, not in batches: {exc}"
            if outcome is None:
                raws = []
                for path in source.paths:
                    if progress:
                        progress(f"{name}: reading {path.name}")
                    raws.append(readers.read_table(path, format=source.format, encoding=source.encoding,
                                                   delimiter=source.delimiter, sheet=source.sheet,
                                                   skip_rows=source.skip_rows))
                outcome = validate_table(raws, spec, source, config, known_ids=known,
                                         interaction_owner=owner if name == "responses" else None)
                if whole_note:
                    outcome.notes.append(whole_note)
        except DataError as exc:
            problems.append(str(exc))
            tables[name] = None
            recon.append(dict(table=name, file=source.label, rows_read=pd.NA, rows_used=0, rows_quarantined=pd.NA,
                              rows_flagged=0, status="unusable", problem=str(exc), notes=""))
            continue
        tables[name] = outcome.frame
        quarantines.append(outcome.quarantine)
        fields += outcome.fields
        spilled = isinstance(outcome.frame, streaming.SpilledTable)
        if spec.key and outcome.frame is not None:
            known[(name, spec.key)] = outcome.frame.ids(spec.key) if spilled else KnownIds(outcome.frame[spec.key])
        if name == "interactions":
            owner = outcome.frame.lookup("interaction_id", "customer_id") if spilled \
                else outcome.frame.set_index("interaction_id")["customer_id"]
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
    if not any(config.sources.get(t) for t in VOICE_TABLES):
        problems.append("no survey answers (responses) and no posts or reviews (mentions): a report needs one of them.")
    field_frame = pd.DataFrame(fields, columns=FIELD_COLUMNS).astype("string")
    return ValidationResult(config.name, tables, quarantine, reconciliation, problems, field_frame)


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
