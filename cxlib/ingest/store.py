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

__all__ = ["write_store", "read_table", "connect", "is_stale", "file_sha256", "arrow_to_frame"]

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
        present = json.loads(con.execute(f"select tables from {_META}").fetchall()[0][0])
        if name not in present:
            return None
        return arrow_to_frame(con.sql(f'select * from "{name}"').to_arrow_table())
