"""Parquet files, read with pyarrow: the file's own types, text as ``string`` (empty text is missing).

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
>>> pd.DataFrame({"id": ["a", ""], "nps": [9, 3]}).to_parquet(p)
>>> READER.read(p, ReadOptions()).frame["id"].tolist()
['a', <NA>]
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.ingest.readers.base import CannotStream, RawTable, ReadOptions
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER", "text_columns", "read_parquet_batches"]


def text_columns(frame: pd.DataFrame, *, text_objects: set | None = None) -> pd.DataFrame:
    """Text columns as ``string`` with ``<NA>``; empty text is missing. Other columns unchanged.

    An object column is text when all its values are (so an entirely missing one is), or, when
    ``text_objects`` is given, when its name is in it (a batch decides as its whole file would).
    """
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_string_dtype(col.dtype) and not isinstance(col.dtype, pd.CategoricalDtype):
            if col.dtype == object and not (col.dropna().map(lambda v: isinstance(v, str)).all()
                                            if text_objects is None else name in text_objects):
                out[name] = col
                continue
            s = col.astype("string")
            out[name] = s.mask(s == "")
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _index_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A saved index other than 0, 1, 2 ... back as columns (unnamed: dropped)."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
        frame = frame.reset_index(drop=all(n is None for n in frame.index.names))
    return frame


def _open(path: Path):
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataError(f"{path.name}: cannot be read as Parquet ({type(e).__name__}: {e}).") from None


def _bytes_per_row(pf) -> float:
    """Bytes a row takes in memory as Arrow, measured on the first rows (at most 10,000)."""
    n = pf.metadata.num_rows
    if n == 0:
        return 0.0
    first = next(pf.iter_batches(batch_size=min(n, 10_000)))
    return first.nbytes / max(first.num_rows, 1)


def _data_bytes(path: Path) -> int:
    """Bytes of the file's data once read (Arrow, decompressed and decoded): what the whole table takes in
    memory before pandas, estimated from its first rows."""
    pf = _open(path)
    return int(_bytes_per_row(pf) * pf.metadata.num_rows)


def _streamable(kind) -> bool:
    """Arrow types whose pandas conversion does not depend on other rows of the column (see :func:`read_parquet_batches`)."""
    import pyarrow as pa

    t = pa.types
    return (t.is_integer(kind) or t.is_floating(kind) or t.is_boolean(kind) or t.is_string(kind)
            or t.is_large_string(kind) or t.is_timestamp(kind) or t.is_date(kind) or t.is_null(kind)
            or (hasattr(t, "is_string_view") and t.is_string_view(kind)))


def _kind_of(kind) -> str:
    """An Arrow type in a consultant's words."""
    import pyarrow as pa

    t = pa.types
    for test, words in ((t.is_dictionary, "categories"), (t.is_decimal, "decimal numbers"),
                        (t.is_binary, "bytes"), (t.is_large_binary, "bytes"), (t.is_nested, "nested values")):
        if test(kind):
            return f"{words} ({kind})"
    return f"values of type {kind}"


def _null_counts(pf, names: list[str]) -> dict[str, int]:
    """Missing values per column in the whole file: from the row groups' statistics, or counted column by column."""
    meta = pf.metadata
    position = {meta.schema.column(j).path: j for j in range(meta.num_columns)}
    counts: dict[str, int] = {}
    for name in names:
        j = position.get(name)
        stats = [meta.row_group(i).column(j).statistics for i in range(meta.num_row_groups)] if j is not None else [None]
        if all(s is not None and s.has_null_count for s in stats):
            counts[name] = int(sum(s.null_count for s in stats))
        else:
            counts[name] = int(sum(b.column(0).null_count for b in pf.iter_batches(columns=[name])))
    return counts


def read_parquet_batches(path: Path, options: ReadOptions, *, batch_bytes: int) -> Iterator[RawTable]:
    """A Parquet file as batches of about ``batch_bytes`` of decompressed data, each converted exactly as
    the whole file is (:func:`pandas.read_parquet`, then :func:`text_columns`).

    pandas converts a column with a missing value differently from one without: whole numbers with a gap
    become float, true/false with a gap become objects, and a column of dates (or true/false) that is
    entirely missing becomes text. So each batch takes the types the whole column has, decided from the
    file's per-column missing counts (the row groups' statistics, or one pass over those columns).

    Raises
    ------
    CannotStream
        A column whose conversion depends on the whole column (categories, decimals, bytes, lists,
        structures), a saved row index other than 0, 1, 2 ..., or a pandas without ``DataFrame.from_arrow``
        (before 3.0).
    DataError
        A file that is not Parquet, or has no rows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> pq.write_table(pa.table({"n": [1, 2, None, 4, 5]}), p)  # whole numbers with a gap: float when read whole
    >>> batches = list(read_parquet_batches(p, ReadOptions(), batch_bytes=1))  # one row per batch
    >>> [b.row_numbers.tolist() for b in batches], {str(b.frame["n"].dtype) for b in batches}
    ([[1], [2], [3], [4], [5]], {'float64'})
    """
    import json

    import pyarrow as pa

    from_arrow = getattr(pd.DataFrame, "from_arrow", None)
    if from_arrow is None:
        raise CannotStream("this pandas (before 3.0) has no public Arrow conversion to match pandas.read_parquet")
    pf = _open(path)
    meta = pf.metadata
    if meta.num_rows == 0:
        raise DataError(f"{path.name} has columns but no rows. Expected at least one row.")
    schema = pf.schema_arrow
    odd = [f for f in schema if not _streamable(f.type)]
    if odd:
        raise CannotStream(f"column `{odd[0].name}` holds {_kind_of(odd[0].type)}, which pandas converts "
                           "from the whole column")
    pandas_meta = json.loads((schema.metadata or {}).get(b"pandas", b"{}") or b"{}")
    for index in pandas_meta.get("index_columns", []):
        if isinstance(index, dict) and not (index.get("kind") == "range" and index.get("name") is None
                                            and index.get("start") == 0 and index.get("step") == 1):
            raise CannotStream("a saved row index that does not count 0, 1, 2 ...")
    t = pa.types
    gaps = _null_counts(pf, [f.name for f in schema if t.is_integer(f.type) or t.is_boolean(f.type) or t.is_date(f.type)])
    n = meta.num_rows
    as_float = [name for name, k in gaps.items() if k and t.is_integer(schema.field(name).type)]
    as_object = [name for name, k in gaps.items() if k and t.is_boolean(schema.field(name).type)]
    textual = {f.name for f in schema if not (t.is_integer(f.type) or t.is_boolean(f.type) or t.is_date(f.type))
               } | {name for name, k in gaps.items() if k == n}
    rows = max(1, int(batch_bytes / max(_bytes_per_row(pf), 1.0)))
    start = 1
    note = (f"Parquet file, {n} rows.",)
    try:
        for batch in pf.iter_batches(batch_size=rows, use_pandas_metadata=True):
            if batch.num_rows == 0:
                continue
            frame = _index_as_columns(from_arrow(pa.Table.from_batches([batch])))
            for name in as_float:
                if isinstance(frame[name].dtype, np.dtype) and frame[name].dtype.kind in "iu":  # not Int64
                    frame[name] = frame[name].astype("float64")
            for name in as_object:
                if isinstance(frame[name].dtype, np.dtype) and frame[name].dtype.kind == "b":  # not boolean
                    frame[name] = frame[name].astype(object)
            frame = text_columns(frame, text_objects=textual)
            yield RawTable(frame=frame, source=path, row_numbers=np.arange(start, start + len(frame), dtype=np.int64),
                           notes=note)
            start += len(frame)
    except (OSError, pa.ArrowException) as e:
        raise DataError(f"{path.name}: cannot be read as Parquet ({type(e).__name__}: {e}).") from None


def _read_batches(path: Path, options: ReadOptions, batch_bytes: int) -> Iterator[RawTable]:
    return read_parquet_batches(path, options, batch_bytes=batch_bytes)


def _read(path: Path, options: ReadOptions) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataError(f"{path.name}: cannot be read as Parquet ({type(e).__name__}: {e}).") from None
    frame = text_columns(_index_as_columns(frame))
    if len(frame) == 0:
        raise DataError(f"{path.name} has columns but no rows. Expected at least one row.")
    return RawTable(frame=frame, source=path, row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
                    notes=(f"Parquet file, {len(frame)} rows.",))


READER = Reader(name="parquet", read=_read, extensions=(".parquet", ".pq"), size_limited=False,
                read_batches=_read_batches, data_bytes=_data_bytes,
                description="Parquet (read column by column: no size limit)")
