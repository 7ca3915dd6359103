"""SPSS ``.sav`` / ``.zsav`` files read with pyreadstat: value labels and user-missing codes kept.

User-missing codes (e.g. 99 = don't know) are listed in :attr:`RawTable.missing_codes` so
they are never averaged as scores.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cxlib.errors import DataError
from cxlib.ingest.readers.base import RawTable, ReadOptions
from cxlib.ingest.readers.parquet import text_columns
from cxlib.ingest.readers.registry import Reader

__all__ = ["READER"]


def _read(path: Path, options: ReadOptions) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(path, user_missing=True, dates_as_pandas_datetime=True)
    except Exception as e:  # pyreadstat.ReadstatError and friends
        raise DataError(f"{path.name}: cannot be read as an SPSS .sav file ({type(e).__name__}: {e}).") from None
    frame = text_columns(frame.reset_index(drop=True))
    if len(frame) == 0:
        raise DataError(f"{path.name} has variables but no cases. Expected at least one case.")
    missing: dict[str, list] = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        codes = []
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            codes.append(lo if lo == hi else (lo, hi))
        missing[col] = codes
    labels = {k: dict(v) for k, v in (meta.variable_value_labels or {}).items()}
    notes = [f"SPSS file, {len(frame)} cases."]
    if missing:
        notes.append("User-missing codes (never scores): "
                     + "; ".join(f"{c}: {', '.join(map(str, v))}" for c, v in missing.items()) + ".")
    questions = {k: str(v) for k, v in (getattr(meta, "column_names_to_labels", None) or {}).items()
                 if v and str(v) != k}
    return RawTable(frame=frame, source=path, row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64),
                    encoding=getattr(meta, "file_encoding", None), value_labels=labels, missing_codes=missing,
                    notes=tuple(notes), questions=questions)


READER = Reader(name="spss", read=_read, extensions=(".sav", ".zsav"),
                description="SPSS .sav (value labels and user-missing codes kept)")
