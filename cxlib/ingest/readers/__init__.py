"""Reading client files: one module per format, and the registry that lists them.

==================  ====================================================================
``registry``        :class:`Reader`, :func:`register`, :func:`formats`, :func:`detect_format`,
                    :func:`read_table`: the one list of formats everything else reads
``base``            :class:`RawTable` (what every reader returns) and the shared row checks
``encoding``        strict encoding detection (BOM, UTF-8, unambiguous cp1252)
``text``            delimited text (CSV, TSV, ``;`` and ``|``)
``qualtrics``       Qualtrics CSV exports (three header rows, survey statuses)
``surveymonkey``    SurveyMonkey CSV exports (question row + answer-option row)
``excel``           ``.xlsx`` / ``.xlsm`` workbooks
``parquet``         Parquet
``spss``            SPSS ``.sav`` with value labels and user-missing codes
``jsonl``           JSON lines (one object per line)
==================  ====================================================================

A new format is one new module here defining ``READER = Reader(...)`` (found on first use),
plus its tests; client.yaml's ``format:``, ``cx init``'s file discovery and format detection
all pick it up.
"""

from cxlib.ingest.readers.base import RawTable, ReadOptions
from cxlib.ingest.readers.encoding import detect_encoding
from cxlib.ingest.readers.registry import (UNSUPPORTED, Reader, data_extensions, detect_format, extensions, formats,
                                           get, read_batches, read_table, readers, register)

__all__ = ["RawTable", "ReadOptions", "Reader", "register", "readers", "formats", "extensions", "data_extensions",
           "detect_format", "detect_encoding", "get", "read_table", "read_batches", "UNSUPPORTED"]
