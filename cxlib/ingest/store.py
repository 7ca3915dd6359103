"""The validated store: one embedded DuckDB file per client, written atomically.

Holds the clean tables under their canonical names, plus ``quarantine``,
``reconciliation``, ``fields`` (where each column came from, the question it answers) and
``store_meta`` (the input fingerprint the store was built from).

Examples
--------
>>> con = connect(ws.store_path)                             # doctest: +SKIP
>>> con.sql("select segment, count(*) from customers group by 1").df()   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

__all__ = ["write_store", "read_table", "read_dated", "read_one_value_per_column", "connect", "is_stale", "file_sha256",
           "arrow_to_frame"]

_META = "store_meta"


def file_sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (bounded memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def is_stale(store_path: Path, fingerprint: dict[str, str]) -> bool:
    """True when the store is missing or was built from other inputs."""
    if not Path(store_path).exists():
        return True
    try:
        with duckdb.connect(str(store_path), read_only=True) as con:
            rows = con.execute(f"select fingerprint from {_META}").fetchall()
            row = rows[0] if rows else None
    except duckdb.Error:
        return True
    return row is None or json.loads(row[0]) != fingerprint


def write_store(store_path: Path, result, *, fingerprint: dict[str, str]) -> Path:
    """Write a :class:`cxlib.ingest.validate.ValidationResult` to ``store_path`` atomically.

    The database is built in a temporary file in the same folder and renamed over the
    old one, so a reader sees either the previous complete store or the new one.
    """
    store_path = Path(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cx-", suffix=".duckdb", dir=store_path.parent)
    os.close(fd)
    os.unlink(tmp)  # duckdb wants to create the file itself
    try:
        with duckdb.connect(tmp) as con:
            frames = dict(result.tables)
            frames["quarantine"] = result.quarantine
            frames["reconciliation"] = result.reconciliation
            frames["fields"] = getattr(result, "fields", None)
            for name, frame in frames.items():
                if frame is None:
                    continue
                if hasattr(frame, "parts"):  # a table validated in batches: Parquet parts on disk, in file order
                    con.execute(f'create table "{name}" as select * from read_parquet(?)',
                                [[str(p) for p in frame.parts]])
                    continue
                arrow = pa.Table.from_pandas(frame, preserve_index=False)
                con.register("_incoming", arrow)
                con.execute(f'create table "{name}" as select * from _incoming')
                con.unregister("_incoming")
            con.execute(f"create table {_META} (fingerprint varchar, tables varchar)")
            present = [n for n, f in frames.items() if f is not None]
            con.execute(f"insert into {_META} values (?, ?)", [json.dumps(fingerprint), json.dumps(present)])
        os.replace(tmp, store_path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return store_path


def connect(store_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a client's store."""
    return duckdb.connect(str(store_path), read_only=True)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the validated tables' nullable dtypes."""
    mapping = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype(),
               pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=mapping.get)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].astype("datetime64[ns]")
    return frame


def read_table(store_path: Path, name: str) -> pd.DataFrame | None:
    """A table of the store as a DataFrame with nullable dtypes, or None if the client has none."""
    with connect(store_path) as con:
        if not _present(con, name):
            return None
        return arrow_to_frame(con.sql(f'select * from "{name}"').to_arrow_table())


def _present(con, name: str) -> bool:
    return name in json.loads(con.execute(f"select tables from {_META}").fetchall()[0][0])


#: Column types whose DataFrame conversion (:func:`arrow_to_frame`) does not depend on the other rows: a
#: part of the table read by a query has the dtypes the whole table has.
_ROW_BY_ROW_TYPES = frozenset({"VARCHAR", "BIGINT", "INTEGER", "BOOLEAN", "DOUBLE", "TIMESTAMP", "TIMESTAMP_NS"})


def read_dated(store_path: Path, name: str, column: str, low: pd.Timestamp | None,
               high: pd.Timestamp | None, *, where: str | None = None) -> pd.DataFrame | None:
    """The rows of a stored table whose ``column`` is at or after ``low`` and before ``high`` (None: no bound),
    in table order, read by DuckDB without loading the rest; None if the client has no such table.

    The whole table when it cannot be cut this way: ``column`` absent or without any date, or a
    column of a type whose conversion depends on the whole column. Rows are as :func:`read_table`
    gives them (the same dtypes), so a caller applies its own exact period rule to the result.
    ``where`` names a boolean column: when the table has it, only the rows where it is true are the
    table (``is_client``), for the check for dates too.

    Examples
    --------
    >>> part = read_dated(store_path, "interactions", "occurred_at", pd.Timestamp("2024-01-01"), None)  # doctest: +SKIP
    """
    with connect(store_path) as con:
        if not _present(con, name):
            return None
        types = dict(con.execute("select column_name, data_type from information_schema.columns where table_name = ?",
                                 [name]).fetchall())
        only = _only(where, types)
        whole = column not in types or not set(types.values()) <= _ROW_BY_ROW_TYPES \
            or con.execute(f'select count("{column}") from "{name}" where {only}').fetchall()[0][0] == 0
        if whole or (low is None and high is None):
            return arrow_to_frame(con.sql(f'select * from "{name}" where {only}').to_arrow_table())
        dated = " and ".join([only] + ([f'"{column}" >= $low'] if low is not None else [])
                             + ([f'"{column}" < $high'] if high is not None else []))
        params = {k: v.to_pydatetime() for k, v in (("low", low), ("high", high)) if v is not None}
        return arrow_to_frame(con.sql(f'select * from "{name}" where {dated}', params=params).to_arrow_table())


def _only(where: str | None, columns) -> str:
    """The SQL condition keeping the rows where the boolean column ``where`` is true (all rows without it)."""
    return f'coalesce("{where}", false)' if where and where in columns else "true"


def read_one_value_per_column(store_path: Path, name: str, *, where: str | None = None) -> pd.DataFrame | None:
    """One row: for each column of a stored table, one of its values (missing when it has none); None if the
    client has no such table. Enough to tell which columns hold data, without loading the table.

    ``where`` names a boolean column: when the table has it, only the rows where it is true count
    (``is_client``).
    """
    with connect(store_path) as con:
        if not _present(con, name):
            return None
        names = [r[0] for r in con.execute("select column_name from information_schema.columns where table_name = ? "
                                           "order by ordinal_position", [name]).fetchall()]
        values = ", ".join(f'any_value("{c}") as "{c}"' for c in names)
        return arrow_to_frame(con.sql(f'select {values} from "{name}" where {_only(where, names)}').to_arrow_table())
