"""Where each value sits in a column of unique keys: one hash pass instead of an index and its checks.

Answers point to the touchpoints they rate by ``interaction_id``; the journey analyses find each
answer's row with :func:`positions`. ``pd.Index(keys).get_indexer(values)`` does the same, but on
the Arrow-backed strings of the validated tables it converts every key to a Python object, hashes
them to check that they are unique, and hashes them again to look the values up: 3.0–3.5 s with
five million touchpoints and half a million answers (the ten-million-touchpoint client of
``docs/benchmarks/scale.md``; three runs in one process), against 1.0–2.9 s for one
:func:`pandas.factorize` of keys and values together, the first call the slowest. A key's code from that factorisation is its
position exactly when no key repeats an earlier one, which the same codes tell.

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
    both = pd.concat([keys.reset_index(drop=True), values.reset_index(drop=True)], ignore_index=True)
    codes, _ = pd.factorize(both)  # codes in order of first appearance; missing values -1
    # key i gets code i exactly when no earlier key equals it: the keys are unique iff their
    # largest code is n - 1 (codes are given in order, so fewer distinct keys give a smaller one)
    if codes[:n].max() != n - 1:
        return None
    found = codes[n:].astype(np.int64)
    found[found >= n] = -1
    return found

