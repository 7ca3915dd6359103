"""Validation of a large file in batches: memory that does not grow with the file.

A CRM extract or a touchpoint log of millions of rows (delimited text or Parquet) is read in batches of about
:data:`BATCH_BYTES` (:func:`cxlib.ingest.readers.read_batches`). Each batch goes through the same
row checks as a whole file (:func:`cxlib.ingest.table_checks.check_rows`) and the references to
tables validated before it; its usable rows are spilled to a Parquet part on disk. What only the
whole file can decide is decided at the end, exactly as for a whole file:

* **keys**: an id used by an earlier row (in any batch) quarantines the later row, as
  ``duplicate_row`` when the whole row repeats (compared by a 64-bit hash of its cells) and
  ``duplicate_key`` otherwise; the batch's Parquet part is rewritten without it. Ids are compared
  by hash, then by text for the few whose hash repeats;
* **references** of later tables to a spilled one (answers to their interactions) are checked by
  DuckDB against the Parquet parts (:class:`SpilledIds`), not in Python;
* **date order**: when numeric day/month dates are read without a declared order, each batch
  infers it from its own dates; if a batch's evidence differs from the whole file's, the table is
  validated whole instead (with a note), so no date is read differently.

The quarantine, the reconciliation and the clean table are those of the whole-file validation
(``tests/ingest/test_streaming.py`` compares them row by row). A file that turns out to need the
whole-file reader (lines with the wrong number of fields, nameless columns) is validated whole.

Only tables whose checks are all per row, per key or per reference stream: ``customers`` and
``interactions`` (:data:`STREAMED_TABLES`). Survey answers need the whole table (median answer
times, repeated respondents, scales inferred from every answer) and are read whole.

Examples
--------
>>> result = validate_client(config, stream_bytes=64 * 2**20)    # doctest: +SKIP
>>> result.tables["interactions"]                                 # doctest: +SKIP
SpilledTable(interactions: 11,268,412 rows in 35 parts)
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxlib.config import ClientConfig, TableSource
from cxlib.errors import DataError
from cxlib.ingest import readers
from cxlib.ingest.background import PartWriter, prefetch
from cxlib.ingest.parsing import day_month_evidence
from cxlib.ingest.readers.base import CannotStream
from cxlib.ingest.rules import check_references, short_value
from cxlib.ingest.table_checks import TableOutcome, check_rows, read_exclusions
from cxlib.schema import TableSpec

__all__ = ["SpilledTable", "SpilledIds", "STREAMED_TABLES", "STREAM_BYTES", "BATCH_BYTES", "streams", "validate_in_batches",
           "WholeFileNeeded"]

#: Tables validated in batches when their file is large.
STREAMED_TABLES = frozenset({"customers", "interactions"})
#: A delimited file at least this large (a Parquet file holding this much data, decompressed) is validated in batches.
STREAM_BYTES = 64 * 2**20
#: Text per batch (about 90,000 rows of a touchpoint log).
BATCH_BYTES = 8 * 2**20


class WholeFileNeeded(Exception):
    """The table must be validated whole; says why (shown as a note)."""


@dataclass(eq=False)
class SpilledTable:
    """A validated table kept on disk as Parquet parts (in file order), not in memory.

    Written to the store by :func:`cxlib.ingest.store.write_store` without passing through pandas.
    The parts are removed when the object is garbage-collected (or by :meth:`remove`).
    """

    name: str
    parts: list[Path]
    n_rows: int
    columns: list[str]
    folder: Path
    _cleanup: Callable = field(default=None, repr=False)

    def __post_init__(self):
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.folder), True)

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        return f"SpilledTable({self.name}: {self.n_rows:,} rows in {len(self.parts)} parts)"

    def column(self, name: str) -> pa.ChunkedArray:
        """One column of every part, as Arrow (compact: no Python object per cell)."""
        return pa.chunked_array([pq.read_table(p, columns=[name]).column(0) for p in self.parts])

    def to_pandas(self) -> pd.DataFrame:
        """The whole table in memory, with the dtypes of a validated DataFrame (small tables and tests)."""
        from cxlib.ingest.store import arrow_to_frame

        return arrow_to_frame(pa.concat_tables([pq.read_table(p) for p in self.parts]))

    def lookup(self, key: str, value: str) -> Callable[[pd.Series], pd.Series]:
        """``f(ids) -> values``: the ``value`` of the row whose ``key`` is each id (NA when none), via DuckDB."""
        def find(ids: pd.Series) -> pd.Series:
            got = _against_parts(self, ids, f'select q.pos, t."{value}" from q left join read_parquet($files) t '
                                            f'on q.id = t."{key}" order by q.pos')
            out = got.column(1).to_pandas(types_mapper=lambda t: pd.StringDtype())
            return pd.Series(out.to_numpy(), index=ids.index, dtype="string")
        return find

    def ids(self, column: str) -> "SpilledIds":
        """The values of ``column``, for reference checks of later tables (:func:`cxlib.ingest.rules.check_references`)."""
        return SpilledIds(self, column)

    def remove(self) -> None:
        self._cleanup()


@dataclass(frozen=True)
class SpilledIds:
    """The ids of a spilled table: ``contains(values)`` answers from the Parquet parts, via DuckDB, in
    bounded memory (the ids are never loaded into Python)."""

    table: SpilledTable
    column: str

    def contains(self, values: pd.Series) -> np.ndarray:
        """Whether each value is an id of the table (missing values never are)."""
        hit = _against_parts(self.table, values,
                             f'select pos from q semi join read_parquet($files) t on q.id = t."{self.column}"')
        out = np.zeros(len(values), dtype=bool)
        out[hit.column(0).to_numpy()] = True
        return out


def _against_parts(table: SpilledTable, values: pd.Series, sql: str) -> pa.Table:
    """Run ``sql`` in DuckDB (512 MB at most) with ``q`` = (``pos``, ``id`` = the values as text) and ``$files``
    = the table's Parquet parts."""
    import duckdb

    query = pa.table({"pos": np.arange(len(values)), "id": pa.array(values.astype("string"), type=pa.string())})
    with duckdb.connect() as con:
        con.execute("set memory_limit='512MB'")
        con.register("q", query)
        return con.sql(sql, params={"files": [str(p) for p in table.parts]}).to_arrow_table()


def streams(spec: TableSpec, source: TableSource, *, stream_bytes: int) -> bool:
    """Whether a table is validated in batches: a streamed table, one file of a format read in batches (delimited
    text, Parquet) holding at least ``stream_bytes`` of data (decompressed, for Parquet)."""
    if spec.name not in STREAMED_TABLES or len(source.paths) != 1 or source.pivot:
        return False
    path = Path(source.paths[0])
    try:
        fmt = source.format or readers.detect_format(path)
        reader = readers.get(fmt)
        if reader.read_batches is None:
            return False
        size = reader.data_bytes(path) if reader.data_bytes is not None else path.stat().st_size
    except (OSError, DataError):  # the whole-file reader says what is wrong with the file
        return False
    return size >= stream_bytes


@dataclass
class _Rows:
    """Per-row facts of every batch, kept to decide keys at the end: 18 bytes a row, no strings.

    The keys themselves and the row numbers are spilled with each batch (``keys`` parts) and read
    back only for the rows whose key hash was seen before.
    """

    key_hashes: list[np.ndarray] = field(default_factory=list)
    row_hashes: list[np.ndarray] = field(default_factory=list)
    live: list[np.ndarray] = field(default_factory=list)      # usable before the key check
    used: list[np.ndarray] = field(default_factory=list)      # usable after every batch check
    keys: list[Path] = field(default_factory=list)            # per batch: key and row number of every row


def validate_in_batches(spec: TableSpec, source: TableSource, config: ClientConfig, *, known_ids: dict,
                        batch_bytes: int = BATCH_BYTES, progress: Callable[[str], None] | None = None):
    """Validate one large table batch by batch (see the module docstring).

    Returns
    -------
    cxlib.ingest.table_checks.TableOutcome
        With ``frame`` a :class:`SpilledTable`.

    Raises
    ------
    WholeFileNeeded
        The file or its dates need the whole-file validation; the message says why.
    """
    path = Path(source.paths[0])
    batches = readers.read_batches(path, format=source.format, encoding=source.encoding,
                                   delimiter=source.delimiter, skip_rows=source.skip_rows, batch_bytes=batch_bytes)
    folder = Path(tempfile.mkdtemp(prefix=f"cx-{spec.name}-"))
    facts = _Rows()
    rejected: list[pd.DataFrame] = []
    excluded: list[pd.DataFrame] = []
    notes: list[str] = []
    extra_notes: list[str] = []
    parts: list[Path] = []
    evidence: dict[str, list[tuple[bool, bool]]] = {}
    fields: list[dict] = []
    rows_read = 0
    date_columns = [c.name for c in spec.columns if c.kind in ("date", "datetime")]
    try:
        # the next batch is read, and the last one's parts written, in helper threads while this one is checked
        with PartWriter() as writer, contextlib.closing(prefetch(batches)) as ahead:
            for i, raw in enumerate(ahead):
                checked = check_rows([raw], spec, source, config)
                table, rejects, frame, combined = checked.table, checked.rejects, checked.frame, checked.combined
                if source.dayfirst is None:
                    for name in date_columns:
                        if name in frame:
                            d, m, any_dmy = day_month_evidence(frame[name])
                            if any_dmy:
                                evidence.setdefault(name, []).append((d, m))
                live = ~rejects.rejected
                check_references(spec, table, rejects, known_ids)
                used = ~rejects.rejected
                if spec.key:
                    key = table[spec.key].astype("string")
                    facts.key_hashes.append(_key_hash(key))
                    facts.row_hashes.append(pd.util.hash_pandas_object(frame, index=False).to_numpy())
                    facts.keys.append(folder / f"keys-{i:05d}.parquet")
                    writer.write(pa.table({"key": pa.array(key, type=pa.string()),
                                           "row": pa.array(np.asarray(combined.rows, dtype=np.int64))}), facts.keys[-1])
                facts.live.append(live & (table[spec.key].notna().to_numpy(dtype=bool) if spec.key else True))
                facts.used.append(used)
                rejected.append(rejects.frame(spec.name, combined.files, combined.rows))
                if len(combined.excluded):
                    excluded.append(read_exclusions(spec.name, combined.excluded))
                part = folder / f"part-{i:05d}.parquet"
                writer.write(pa.Table.from_pandas(table.loc[used].reset_index(drop=True), preserve_index=False), part)
                parts.append(part)
                rows_read += combined.rows_read
                notes += [n for n in combined.notes if n not in notes]
                for n in checked.notes:
                    if n not in combined.notes and n not in extra_notes:
                        extra_notes.append(n)
                if not fields:
                    fields = checked.fields
                if progress:
                    progress(f"{spec.name}: {rows_read:,} rows checked (batch {i + 1})")
    except CannotStream as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise WholeFileNeeded(str(exc)) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    for name, seen in evidence.items():
        whole = (any(d for d, _ in seen), any(m for _, m in seen))
        if any(e != whole for e in seen):
            shutil.rmtree(folder, ignore_errors=True)
            raise WholeFileNeeded(f"the order of day and month in `{name}` is inferred from the whole column")
    dropped, quarantine_keys = _decide_keys(spec, facts)
    n_used = 0
    offsets = np.cumsum([0] + [len(u) for u in facts.used])
    for i, part in enumerate(parts):
        drop = dropped[offsets[i]:offsets[i + 1]][facts.used[i]]
        if drop.any():
            pq.write_table(pq.read_table(part).filter(pa.array(~drop)), part)
        n_used += int((~drop).sum())
    quarantine = _merge_quarantine(rejected, quarantine_keys, excluded, table=spec.name, file=path.name)
    spilled = SpilledTable(spec.name, parts, n_used, list(pq.read_schema(parts[0]).names), folder)
    return TableOutcome(spilled, quarantine, rows_read, 0, None, notes + extra_notes, fields)


def _key_hash(key: pd.Series) -> np.ndarray:
    """64-bit hashes of ids (equal ids, equal hashes; a collision is resolved by comparing the text)."""
    return pd.util.hash_pandas_object(key, index=False).to_numpy()


def _decide_keys(spec: TableSpec, facts: _Rows) -> tuple[np.ndarray, pd.DataFrame]:
    """(rows to drop from the parts, their quarantine rows): the key check of the whole file.

    Among the rows usable before the key check, a key seen before marks the row; it is a
    ``duplicate_row`` when the whole row was seen before too. A row a later check (a reference)
    quarantined keeps the key reason instead, as in the whole-file order of checks.

    Keys are compared by a 64-bit hash first (a stable sort, ~26 bytes a row for a moment); the rows
    whose hash repeats are then compared by their key text, so a collision never makes a duplicate.
    """
    live = np.concatenate(facts.live) if facts.live else np.zeros(0, dtype=bool)
    n = len(live)
    empty = pd.DataFrame(columns=["row", "column", "reason_code", "reason", "value"])
    if spec.key is None or n == 0:
        return np.zeros(n, dtype=bool), empty
    idx = np.flatnonzero(live)
    hashes = np.concatenate(facts.key_hashes)[idx]
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeats = ordered[1:] == ordered[:-1]
    suspects = np.unique(ordered[1:][repeats])
    del order, ordered, repeats
    if not len(suspects):
        return np.zeros(n, dtype=bool), empty
    # every live row whose key hash repeats, with its key text, row number and row hash, in file order
    in_suspect = np.zeros(n, dtype=bool)
    in_suspect[idx[np.isin(hashes, suspects)]] = True
    offsets = np.cumsum([0] + [len(x) for x in facts.live])
    found = []
    for i, path in enumerate(facts.keys):
        mine = np.flatnonzero(in_suspect[offsets[i]:offsets[i + 1]])
        if len(mine):
            part = pq.read_table(path).take(pa.array(mine)).to_pandas()
            found.append(part.assign(at=offsets[i] + mine, row_hash=facts.row_hashes[i][mine]))
    rows = pd.concat(found, ignore_index=True)  # in file order
    is_dup = rows.duplicated("key", keep="first").to_numpy()
    exact = rows.duplicated(["key", "row_hash"], keep="first").to_numpy()
    hit = rows[is_dup]
    exact = exact[is_dup]
    dup = np.zeros(n, dtype=bool)
    dup[hit["at"].to_numpy()] = True
    k = spec.key
    out = pd.DataFrame({
        "row": hit["row"].to_numpy(), "column": k,
        "reason_code": np.where(exact, "duplicate_row", "duplicate_key"),
        "reason": np.where(exact, f"the same row appears earlier in the file ({k} repeated)",
                           f"column `{k}`: this id is already used by an earlier row with different content"),
        "value": [short_value(v) for v in hit["key"]]})
    return dup & np.concatenate(facts.used), out


def _merge_quarantine(rejected: list[pd.DataFrame], keys: pd.DataFrame, excluded: list[pd.DataFrame], *,
                      table: str, file: str) -> pd.DataFrame:
    """The batches' quarantine with the key decisions applied, in the whole-file order (checks by row, then
    rows set aside at read time)."""
    q = pd.concat(rejected, ignore_index=True)
    if len(keys):
        keyed = keys.assign(table=table, file=file)
        q = q[~q["row"].isin(keyed["row"])]  # a reference reason gives way to the key reason
        q = pd.concat([q, keyed[q.columns]], ignore_index=True)
    q = q.sort_values("row", kind="stable", ignore_index=True)
    if excluded:
        ex = pd.concat(excluded, ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
        q = pd.concat([q, ex], ignore_index=True)
    return q.astype({"table": "string", "file": "string", "column": "string", "reason_code": "string",
                     "reason": "string", "value": "string"}).astype({"row": "Int64"})
