"""Input: reading a client's files, turning text into typed values, survey scales, validation, the store.

Data flows one way through these modules:

=================  ==========================================================================
``readers``        read a file (one module per format, in a registry: CSV, Qualtrics, SurveyMonkey,
                   Excel, Parquet, SPSS, JSON lines) into raw columns; ``io`` keeps the old names
``parsing``        raw cells -> typed values, with a reason for every cell that fails
``scales``         survey answers -> the canonical scales (NPS 0-10, CSAT 1-5, CES 1-7)
``table_checks``   one table's row-by-row checks (shared by ``validate`` and ``streaming``)
``validate``       one client's tables: types, ranges, keys, references, quarantine, reconciliation
``streaming``      the same validation for a large CRM or touchpoint file, in batches (bounded memory)
``store``          the validated tables in a DuckDB file per client, rebuilt when an input changes
=================  ==========================================================================

Only :mod:`cxlib.workspace` drives this layer; analyses read the validated tables it gives.
"""

__all__: list[str] = []
