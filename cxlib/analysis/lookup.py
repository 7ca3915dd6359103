"""Where each value sits in a column of unique keys: one hash pass instead of an index and its checks.

Answers point to the touchpoints they rate by ``interaction_id``; the journey analyses find each
answer's row with :func:`positions`. ``pd.Index(keys).get_indexer(values)`` does the same, but on
the Arrow-backed strings of the validated tables it converts every key to a Python object, hashes
them to check that they are unique, and hashes them again to look the values up: 6.4 s for five
million touchpoints and half a million answers, against about 1.1 s for one :func:`pandas.factorize`
of keys and values together (the ten-million-touchpoint client of ``docs/benchmarks/scale.md``). A
key's code from that factorisation is its position exactly when no key repeats an earlier one,
which the same codes tell.

Examples
--------
>>> keys = pd.Series(["i1", "i2", "i3"], dtype="string")
>>> positions(keys, pd.Series(["i3", "x", "i1", None], dtype="string")).tolist()
[2, -1, 0, -1]
>>> positions(pd.Series(["i1", "i1"]), pd.Series(["i1"])) is None
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["positions"]


def positions(keys: pd.Series, values: pd.Series) -> np.ndarray | None:
    """The position in ``keys`` of each of ``values`` (-1 where absent), or None when ``keys`` repeat.

    Parameters
    ----------
    keys : Series
        The column looked in (e.g. the touchpoints' ``interaction_id``); expected unique.
    values : Series
        The values looked up (e.g. the answers' ``interaction_id``); missing values are absent (-1).

    Returns
    -------
    ndarray of int64 or None
        Equal to ``pd.Index(keys).get_indexer(values)`` for unique keys without missing values
        (``tests/analysis/test_lookup.py``); None when a key appears twice. Keys with missing
        values are looked up with ``pd.Index`` itself.
    """
    n = len(keys)
    if n == 0:
        return np.full(len(values), -1, dtype=np.int64)
    if keys.isna().any():  # a missing key: pd.Index's own matching of missing values
        index = pd.Index(keys)
        return index.get_indexer(values).astype(np.int64) if index.is_unique else None
    codes, _ = pd.factorize(_together(keys, values))  # codes in order of first appearance; missing values -1
    # key i gets code i exactly when no earlier key equals it: the keys are unique iff their
    # largest code is n - 1 (codes are given in order, so fewer distinct keys give a smaller one)
    if codes[:n].max() != n - 1:
        return None
    found = codes[n:].astype(np.int64)
    found[found >= n] = -1
    return found


def _arrow_strings(column: pd.Series) -> pa.Array | None:
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return pa.array(column)  # one contiguous array of the column's strings
    return None


def _together(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Keys then values in one column; Arrow strings joined as one Arrow array (``pd.concat`` of two
    is 2.5 times slower to factorise: 3.1 s against 1.2 s on the ten-million-touchpoint client)."""
    a, b = _arrow_strings(keys), _arrow_strings(values)
    if a is not None and b is not None:
        return pd.Series(pd.arrays.ArrowStringArray(pa.concat_arrays([a, b.cast(a.type)])), copy=False)
    return pd.concat([keys.reset_index(drop=True), values.reset_index(drop=True)], ignore_index=True)
