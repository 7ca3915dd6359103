"""positions() and among(): rows in the touchpoint log and membership, exactly as pandas finds them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.analysis.lookup import among, positions

IDS = st.text(alphabet="abc1", min_size=0, max_size=3)


@settings(max_examples=300, deadline=None)
@given(keys=st.lists(IDS, max_size=30), values=st.lists(st.one_of(st.none(), IDS), max_size=30),
       dtype=st.sampled_from(["string", "object", "str"]))
def test_positions_are_the_index_lookup_or_none_when_keys_repeat(keys, values, dtype):
    k, v = pd.Series(keys, dtype=dtype), pd.Series(values, dtype=dtype)
    for _ in range(2):  # the second time, keys found unique are not checked again
        got = positions(k, v)
        if pd.Index(k).is_unique:
            assert got is not None and got.dtype == np.int64
            np.testing.assert_array_equal(got, pd.Index(k).get_indexer(v))
        else:
            assert got is None
        v = v.iloc[::-1]


def test_keys_found_unique_are_remembered_while_they_live_and_only_they():
    import gc

    from cxlib.analysis import lookup

    keys = pd.Series([f"i{j}" for j in range(1000)], dtype="string")
    arrow = keys.array.__arrow_array__()
    first = positions(keys, pd.Series(["i5", "x", None, "i999"], dtype="string"))
    assert first.tolist() == [5, -1, -1, 999] and lookup._UNIQUE[id(arrow)]() is arrow
    subset = pd.DataFrame({"interaction_id": keys, "n": 1})[["interaction_id"]]["interaction_id"]
    assert subset.array.__arrow_array__() is arrow  # a column taken from a frame is the same array
    again = positions(subset, pd.Series(["i999", "i0", "i0", "zz"], dtype="str"))  # the values only, now
    np.testing.assert_array_equal(again, pd.Index(keys).get_indexer(["i999", "i0", "i0", "zz"]))
    repeated = pd.Series(["a", "b", "a"], dtype="string")
    assert positions(repeated, pd.Series(["a"], dtype="string")) is None
    assert id(repeated.array.__arrow_array__()) not in lookup._UNIQUE
    key = id(arrow)
    del keys, subset, arrow
    gc.collect()
    assert key not in lookup._UNIQUE  # gone with its array: a new array at that address is checked afresh


def test_a_missing_key_is_looked_up_as_pandas_does():
    k = pd.Series(["a", None, "b"], dtype="string")
    np.testing.assert_array_equal(positions(k, pd.Series(["b", None, "z"], dtype="string")), [2, 1, -1])
    assert positions(pd.Series(["a", None, None], dtype="string"), pd.Series(["a"], dtype="string")) is None


def test_the_frames_own_index_plays_no_part():
    k = pd.Series(["x", "y"], index=[10, 3], dtype="string")
    v = pd.Series(["y", "x", "y"], index=[7, 7, 7], dtype="string")
    assert positions(k, v).tolist() == [1, 0, 1]


@pytest.mark.parametrize("n", [0, 1])
def test_empty_sides(n):
    keys = pd.Series(["a"][:n], dtype="string")
    assert positions(keys, pd.Series([], dtype="string")).tolist() == []
    assert positions(keys, pd.Series(["a", "b"], dtype="string")).tolist() == ([0, -1] if n else [-1, -1])


def test_keys_in_several_arrow_chunks_and_mixed_string_types():
    """The validated tables come from the store in batches: their columns are Arrow arrays of many chunks."""
    keys = pd.concat([pd.Series(["a", "b"], dtype="string"), pd.Series(["c", "d"], dtype="string")],
                     ignore_index=True)
    assert keys.array.__arrow_array__().num_chunks == 2
    values = pd.concat([pd.Series(["d", "x"], dtype="str"), pd.Series(["a", None, "c"], dtype="str")],
                       ignore_index=True)
    np.testing.assert_array_equal(positions(keys, values), pd.Index(keys).get_indexer(values))
    repeated = pd.concat([keys, pd.Series(["b"], dtype="string")], ignore_index=True)  # "b" again, in chunk 3
    assert positions(repeated, values) is None


VALUES = st.lists(st.one_of(st.none(), st.just(float("nan")), IDS, st.integers(0, 3)), max_size=20)
CONTAINERS = {"list": list, "set": lambda v: set(x for x in v if x == x), "tuple": tuple,
              "object series": lambda v: pd.Series(v, dtype=object),
              "string series": lambda v: pd.Series([x if isinstance(x, str) else None for x in v], dtype="string"),
              "index": lambda v: pd.Index([x for x in v if isinstance(x, str)], dtype="string"),
              "array": lambda v: np.array(v, dtype=object),
              "string array": lambda v: pd.array([x for x in v if isinstance(x, str)], dtype="string")}


@settings(max_examples=400, deadline=None)
@given(column=st.lists(st.one_of(st.none(), IDS), max_size=30), values=VALUES,
       dtype=st.sampled_from(["string", "object", "str"]), container=st.sampled_from(sorted(CONTAINERS)))
def test_among_is_pandas_isin(column, values, dtype, container):
    c = pd.Series(column, dtype=dtype)
    v = CONTAINERS[container](values)
    got = among(c, v)
    assert got.dtype == bool and got.shape == (len(c),)
    np.testing.assert_array_equal(got, c.isin(v).to_numpy(bool))


def test_among_arrow_values_in_several_chunks_and_other_string_types():
    import pyarrow as pa

    c = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["a", "b"], [None, "c"]])))
    v = pd.Series(pd.array(["c", None], dtype=pd.ArrowDtype(pa.large_string())))
    assert c.array.__arrow_array__().num_chunks == 2
    assert among(c, v).tolist() == [False, False, True, True] == c.isin(v).tolist()
