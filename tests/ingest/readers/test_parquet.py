"""A Parquet file read in batches gives, batch after batch, exactly the frame the whole-file reader gives
(``pandas.read_parquet`` then ``text_columns``): the same values, the same dtypes, the same row numbers.
The whole-file reader is the reference; files come from pyarrow (no pandas metadata, with and without
statistics) and from pandas (its metadata: nullable dtypes, a saved index)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.ingest import readers
from cxlib.ingest.readers.base import CannotStream, ReadOptions
from cxlib.ingest.readers.parquet import read_parquet_batches

READER = readers.get("parquet")


def _whole_and_batched(path, batch_bytes):
    whole = READER.read(path, ReadOptions())
    batches = list(read_parquet_batches(path, ReadOptions(), batch_bytes=batch_bytes))
    return whole, batches


def _assert_same(path, batch_bytes):
    whole, batches = _whole_and_batched(path, batch_bytes)
    got = pd.concat([b.frame for b in batches], ignore_index=True)
    pd.testing.assert_frame_equal(got, whole.frame, check_dtype=True, check_index_type=True)
    for b in batches:  # every batch has the whole file's dtypes, not only the concatenation
        pd.testing.assert_series_equal(b.frame.dtypes, whole.frame.dtypes)
    assert np.concatenate([b.row_numbers for b in batches]).tolist() == whole.row_numbers.tolist()
    assert all(b.notes == whole.notes for b in batches)
    return batches


# one column type per strategy: values with gaps, in an Arrow type pandas converts with a rule of its own
_COLUMNS = {
    "int64": (pa.int64(), st.integers(-2**53, 2**53)),
    "int8": (pa.int8(), st.integers(-128, 127)),
    "uint32": (pa.uint32(), st.integers(0, 2**32 - 1)),
    "float": (pa.float64(), st.floats(allow_nan=False)),
    "bool": (pa.bool_(), st.booleans()),
    "text": (pa.string(), st.text(max_size=6)),
    "large_text": (pa.large_string(), st.sampled_from(["", "NA", "a", "é", "null"])),
    "date": (pa.date32(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1))),
    "timestamp": (pa.timestamp("ms"), st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1))),
    "timestamp_tz": (pa.timestamp("us", tz="Europe/Paris"),
                     st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.timezone.utc))),
}


@st.composite
def _files(draw):
    n = draw(st.integers(1, 40))
    names = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), min_size=1, max_size=5, unique=True))
    columns = {}
    for name in names:
        kind, values = _COLUMNS[name]
        gaps = draw(st.sampled_from(["none", "some", "all", "one_late"]))
        cells = [draw(values) for _ in range(n)]
        if gaps == "some":
            cells = [None if draw(st.booleans()) else c for c in cells]
        elif gaps == "all":
            cells = [None] * n
        elif gaps == "one_late":  # a gap only in the last batch: earlier batches have none
            cells[-1] = None
        columns[name] = pa.array(cells, type=kind)
    if draw(st.booleans()):
        columns["nothing"] = pa.nulls(n)
    table = pa.table(columns)
    return table, draw(st.integers(1, 12)), draw(st.booleans()), draw(st.integers(1, 400))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=_files())
def test_any_file_in_batches_equals_it_read_whole(tmp_path_factory, spec):
    table, row_group, statistics, batch_bytes = spec
    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    pq.write_table(table, path, row_group_size=row_group, write_statistics=statistics)
    _assert_same(path, batch_bytes)


def test_a_pandas_file_with_nullable_types_and_its_index(tmp_path):
    """The demo's way of writing: pandas metadata with Int64 / boolean / string columns, and a default
    index (a range in the metadata) that each batch restarts at 0."""
    n = 1_000
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "interaction_id": [f"I{i:05d}" for i in range(n)],
        "resolved": pd.array(np.where(rng.random(n) < .3, None, rng.random(n) < .5), dtype="boolean"),
        "updates_sent": pd.array(np.where(rng.random(n) < .5, None, rng.integers(0, 5, n)), dtype="Int64"),
        "wait_minutes": np.where(rng.random(n) < .5, np.nan, rng.exponential(5, n)),
        "occurred_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
        "channel": pd.array(rng.choice(["web", "phone", ""], n), dtype="string"),
    })
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=300)
    batches = _assert_same(path, batch_bytes=4_000)
    assert len(batches) > 5


def test_a_saved_index_column_comes_back_as_a_column_in_every_batch(tmp_path):
    frame = pd.DataFrame({"v": range(50)}, index=pd.Index([f"k{i}" for i in range(50)], name="key"))
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=7)
    batches = _assert_same(path, batch_bytes=50)
    assert batches[0].frame.columns.tolist() == ["key", "v"]


@pytest.mark.parametrize("column, why", [
    (pa.array(["a", "b", "a"]).dictionary_encode(), "dictionary"),
    (pa.array([b"x", None, b"y"]), "binary"),
    (pa.array([[1], None, [2, 3]]), "list"),
    (pa.array([1, None, 2], type=pa.decimal128(5, 2)), "decimal"),
])
def test_a_column_converted_from_the_whole_column_is_read_whole(tmp_path, column, why):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": ["1", "2", "3"], "odd": column}), path)
    with pytest.raises(CannotStream, match="`odd`"):
        list(read_parquet_batches(path, ReadOptions(), batch_bytes=1))
    assert len(READER.read(path, ReadOptions()).frame) == 3  # the whole-file reader still reads it


def test_an_index_that_does_not_count_from_zero_is_read_whole(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"v": range(4)}, index=pd.RangeIndex(10, 14, name="n")).to_parquet(path)
    with pytest.raises(CannotStream, match="index"):
        list(read_parquet_batches(path, ReadOptions(), batch_bytes=1))


def test_a_large_parquet_file_is_streamed_by_its_decompressed_size(tmp_path):
    """A compressed file far smaller than the threshold still streams when its data is larger."""
    from cxlib.config import TableSource
    from cxlib.ingest.streaming import streams
    from cxlib.schema import TABLES

    path = tmp_path / "interactions.parquet"
    pq.write_table(pa.table({"interaction_id": [f"I{i}" for i in range(20_000)], "channel": ["web"] * 20_000}), path)
    data = READER.data_bytes(path)
    assert data > 2 * path.stat().st_size  # compression: the file is much smaller than its data
    source = TableSource(table="interactions", paths=(path,), format="parquet")
    assert streams(TABLES["interactions"], source, stream_bytes=data)
    assert not streams(TABLES["interactions"], source, stream_bytes=data + 1)
    assert not streams(TABLES["responses"], source, stream_bytes=1)  # answers are validated whole
