"""Where each value sits in a column of unique keys: one hash pass instead of an index and its checks.

Answers point to the touchpoints they rate by ``interaction_id``; the journey analyses find each
answer's row with :func:`positions`. ``pd.Index(keys).get_indexer(values)`` does the same, but on
the Arrow-backed strings of the validated tables it converts every key to a Python object, hashes
them to check that they are unique, and hashes them again to look the values up: 3.0–3.5 s with
five million touchpoints and half a million answers (the ten-million-touchpoint client of
``docs/benchmarks/scale.md``; three runs in one process). On Arrow strings :func:`positions` builds
one hash table of the keys (:func:`pyarrow.compute.index_in`) and looks up keys and values
together: 2.2 s at a peak of 0.42 GB above its inputs, against 2.4 s at 0.91 GB for one
:func:`pandas.factorize` of keys and values together (the way it takes for other columns; same
client, one process). A key found at its own position is the first of its value; the keys are
unique exactly when every key is. Arrow arrays never change, so a key column found unique once is
remembered as long as it lives (by the array itself, through a weak reference): the next lookup in
it probes only the values: 1.62 s instead of 2.15 s (medians of 5, alternating in one process) for the
half-million answers among the ten-million client's five million period touchpoints. The journey
analyses look answers up in the same touchpoint column seven times in a report: about 3.5 s a kernel there.

Examples
--------
>>> keys = pd.Series(["i1", "i2", "i3"], dtype="string")
>>> positions(keys, pd.Series(["i3", "x", "i1", None], dtype="string")).tolist()
[2, -1, 0, -1]
>>> positions(pd.Series(["i1", "i1"]), pd.Series(["i1"])) is None
True
>>> among(keys, ["i3", "i9"]).tolist()
[False, False, True]

:func:`among` is ``column.isin(values)``: pandas' Arrow-string ``isin`` makes a pyarrow scalar of
every value in Python before its hash lookup, 0.45 s a call for the half-million comment references
of that client (40 such calls were 18 s of its voice-of-the-customer section); :func:`among` hands
the values to :func:`pyarrow.compute.is_in` as one array. Validation, a layer below, has its own
:func:`cxlib.ingest.rules.isin` for the allowed-values check (any column read as strings, a missing
value never allowed); :func:`among` keeps ``isin``'s answers exactly, missing values included.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

__all__ = ["positions", "among"]

#: Arrow key columns found unique: ``id(array) -> weak reference`` (an entry goes when its array does).
_UNIQUE: dict[int, weakref.ref] = {}


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
    if _arrow_strings(keys) and _arrow_strings(values) and n < 2**31:
        return _arrow_positions(keys, values)
    both = pd.concat([keys.reset_index(drop=True), values.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)  # codes in order of first appearance; missing values -1
    # key i gets code i exactly when no earlier key equals it: the keys are unique iff their
    # largest code is n - 1 (codes are given in order, so fewer distinct keys give a smaller one)
    if codes[:n].max() != n - 1:
        return None
    found = codes[n:].astype(np.int64)
    found[found >= n] = -1
    return found


def _arrow_strings(column) -> bool:
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _arrow_positions(keys: pd.Series, values: pd.Series) -> np.ndarray | None:
    """:func:`positions` of Arrow strings: one hash table of the keys, probed by the keys and the values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    k, v = keys.array.__arrow_array__(), values.array.__arrow_array__()  # ChunkedArrays: no copy of the strings
    known = _UNIQUE.get(id(k))
    if known is not None and known() is k:  # these very keys were found unique: look up the values only
        found = pc.index_in(v.cast(k.type), value_set=k)
        return found.fill_null(-1).to_numpy().astype(np.int64)
    both = pa.chunked_array([*k.chunks, *v.cast(k.type).chunks], type=k.type)
    found = pc.index_in(both, value_set=k)  # each one's first position among the keys; null where absent
    n = len(keys)
    first = found.slice(0, n).to_numpy()  # no missing key: every key finds itself, so no null here
    if not np.array_equal(first, np.arange(n, dtype=first.dtype)):
        return None  # a key found at an earlier position repeats it
    # the table is bound now: at interpreter exit a late callback finds it even after the module's globals are gone
    _UNIQUE[id(k)] = weakref.ref(k, lambda _, key=id(k), table=_UNIQUE: table.pop(key, None))
    return found.slice(n).fill_null(-1).to_numpy().astype(np.int64)


def among(column: pd.Series, values) -> np.ndarray:
    """``column.isin(values)`` as a boolean array; Arrow strings looked up without a Python object per value.

    Parameters
    ----------
    column : Series
    values : Series, Index, array or iterable
        The values looked for (duplicates and missing values allowed).

    Returns
    -------
    ndarray of bool
        What ``column.isin(values).to_numpy(bool)`` gives: a missing value matches when ``values``
        holds one; values that are not strings match nothing in a column of strings.
    """
    if _arrow_strings(column):
        found = _arrow_among(column, values)
        if found is not None:
            return found
    return np.asarray(column.isin(values), dtype=bool)


def _arrow_among(column: pd.Series, values) -> np.ndarray | None:
    """:func:`among` of Arrow strings, or None for values that are not all strings or missing (pandas decides)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = column.array.__arrow_array__()
    if isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)) and _arrow_strings(values):
        array = values if isinstance(values, pd.api.extensions.ExtensionArray) else values.array
        value_set = array.__arrow_array__().cast(col.type)
    else:
        if isinstance(values, (set, frozenset, dict)) or not hasattr(values, "__len__"):
            values = list(values)
        try:
            value_set = pa.array(np.asarray(values, dtype=object), type=col.type, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            return None
    if len(value_set) == 0:
        return np.zeros(len(column), dtype=bool)
    return np.asarray(pc.is_in(col, value_set=value_set).to_numpy(zero_copy_only=False), dtype=bool)
