"""Turning raw cells into canonical types, cell by cell, with a reason for each bad cell.

:func:`coerce` never raises for a bad cell: it returns the converted values and,
beside them, a short reason for every cell that could not be converted, so the
validator can quarantine exactly those rows and say why.

Canonical dtypes (docs/data-model.md): ids, categories and text ``string``;
ints ``Int64``; floats ``float64``; bools ``boolean``; dates and datetimes
``datetime64[ns]`` (dates at midnight, datetimes naive UTC).

Examples
--------
>>> c = coerce(pd.Series(["7", "7.0", "7.5", "abc", ""]), "int", low=0, high=10)
>>> c.values.tolist()
[7, 7, <NA>, <NA>, <NA>]
>>> c.errors.tolist()
[<NA>, <NA>, "'7.5' is not a whole number", "'abc' is not a number", <NA>]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["Coerced", "coerce", "NA_TOKENS"]

Kind = Literal["id", "str", "category", "int", "float", "bool", "date", "datetime", "text"]

#: Cell texts read as missing in number, bool and date columns (never in text, id or category
#: columns, where "NA" can be North America or a customer's words).
NA_TOKENS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Coerced:
    """Converted values and, per cell, why it could not be converted.

    Attributes
    ----------
    values : Series
        Canonical dtype, same index as the input; ``<NA>``/``NaN``/``NaT`` for
        missing or bad cells.
    errors : Series
        dtype ``string``, same index; ``<NA>`` where the cell is fine (or empty),
        else a short reason such as ``"'abc' is not a number"``.
    """

    values: pd.Series
    errors: pd.Series

    @property
    def ok(self) -> pd.Series:
        """Boolean mask of cells without an error."""
        return self.errors.isna()


def coerce(
    series: pd.Series,
    kind: Kind,
    *,
    low: float | None = None,
    high: float | None = None,
    dayfirst: bool | None = None,
    missing: Iterable = (),
) -> Coerced:
    """Convert a column of raw cells to the canonical dtype of ``kind``.

    Parameters
    ----------
    series : Series
        Raw cells: text (CSV), or typed values (Excel, Parquet, SPSS).
    kind : {"id", "str", "category", "int", "float", "bool", "date", "datetime", "text"}
        Target kind (:data:`cxlib.schema.Kind`).
    low, high : float, optional
        Inclusive bounds for "int" and "float".
    dayfirst : bool, optional
        Order of numeric day/month dates ("03/04/2025"). Default: inferred from
        the column (a value with a first part > 12 means day first); when
        nothing in the column decides, ambiguous cells get an error asking for it.
    missing : iterable
        Extra values read as missing (e.g. SPSS user-missing codes, ``99``);
        compared as values and as text.

    Returns
    -------
    Coerced
        ``values`` in the canonical dtype and ``errors`` (reason or ``<NA>``).
    """
    raise NotImplementedError
