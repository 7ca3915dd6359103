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

import numpy as np
import pandas as pd

from cxlib.errors import DataError
from cxlib.ingest.readers.base import RawTable, ReadOptions
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER", "text_columns"]


def text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as ``string`` with ``<NA>``; empty text is missing. Other columns unchanged."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_string_dtype(col.dtype) and not isinstance(col.dtype, pd.CategoricalDtype):
            if col.dtype == object and not col.dropna().map(lambda v: isinstance(v, str)).all():
                out[name] = col
                continue
            s = col.astype("string")
            out[name] = s.mask(s == "")
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _read(path: Path, options: ReadOptions) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataError(f"{path.name}: cannot be read as Parquet ({type(e).__name__}: {e}).") from None
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
        frame = frame.reset_index(drop=all(n is None for n in frame.index.names))
    frame = text_columns(frame)
    if len(frame) == 0:
        raise DataError(f"{path.name} has columns but no rows. Expected at least one row.")
    return RawTable(frame=frame, source=path, row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
                    notes=(f"Parquet file, {len(frame)} rows.",))


READER = Reader(name="parquet", read=_read, extensions=(".parquet", ".pq"), size_limited=False,
                description="Parquet (read column by column: no size limit)")
