"""Reading client files: the public names of :mod:`cxlib.ingest.readers`, kept at their old path.

The readers now live one format per module in :mod:`cxlib.ingest.readers` (with a registry);
``from cxlib.ingest.io import read_table`` keeps working.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("id;region\\n007;NA\\n", encoding="utf-8")
>>> t = read_table(p)
>>> t.frame["id"].tolist(), t.frame["region"].tolist(), t.row_numbers.tolist()
(['007'], ['NA'], [2])
"""

from __future__ import annotations

from cxlib.ingest.readers import RawTable, detect_encoding, detect_format, read_table
from cxlib.ingest.readers.qualtrics import QUALTRICS_EXCLUDED_STATUS, QUALTRICS_STATUS
from cxlib.ingest.readers.text import sniff_delimiter

__all__ = [
    "RawTable",
    "read_table",
    "detect_encoding",
    "detect_format",
    "sniff_delimiter",
    "QUALTRICS_STATUS",
    "QUALTRICS_EXCLUDED_STATUS",
]
