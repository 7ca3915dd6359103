"""Reading ahead and writing behind while a batch is checked (cxlib.ingest.background)."""

from __future__ import annotations

import threading

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxlib.ingest.background import PartWriter, prefetch

WAIT = 30.0


def test_prefetch_gives_every_item_in_order_then_raises_what_reading_raised():
    def items():
        yield from range(3)
        raise ValueError("line 4: wrong number of fields")

    got = []
    with pytest.raises(ValueError, match="line 4"):
        for item in prefetch(items()):
            got.append(item)
    assert got == [0, 1, 2]


def test_prefetch_reads_at_most_depth_items_ahead():
    read, release = [], threading.Event()

    def items():
        for i in range(10):
            read.append(i)
            yield i

    ahead = prefetch(items(), depth=2)
    assert next(ahead) == 0
    # one item handed over, two waiting, one read and blocked on the full queue: never the rest
    for _ in range(200):
        if len(read) >= 4:
            break
        release.wait(0.01)
    assert len(read) <= 4
    assert list(ahead) == list(range(1, 10))


def test_a_consumer_that_stops_early_closes_the_source_and_leaves_no_thread():
    closed = threading.Event()

    def items():
        try:
            for i in range(1000):
                yield i
        finally:
            closed.set()

    ahead = prefetch(items())
    assert next(ahead) == 0
    ahead.close()
    assert closed.wait(WAIT)
    assert not [t for t in threading.enumerate() if t.name == "cx-read-ahead"]


def test_part_writer_writes_every_part_before_it_is_left(tmp_path):
    with PartWriter(depth=1) as writer:
        for i in range(5):
            writer.write(pa.table({"x": list(range(i + 1))}), tmp_path / f"part-{i}.parquet")
    assert [pq.read_table(tmp_path / f"part-{i}.parquet").num_rows for i in range(5)] == [1, 2, 3, 4, 5]


def test_a_failed_write_raises_in_the_caller(tmp_path):
    with pytest.raises(OSError):
        with PartWriter() as writer:
            writer.write(pa.table({"x": [1]}), tmp_path / "no-such-folder" / "part-0.parquet")


def test_leaving_on_an_error_waits_for_the_writes_under_way(tmp_path):
    with pytest.raises(RuntimeError, match="check failed"):
        with PartWriter() as writer:
            writer.write(pa.table({"x": [1]}), tmp_path / "part-0.parquet")
            raise RuntimeError("check failed")
    assert pq.read_table(tmp_path / "part-0.parquet").num_rows == 1  # finished, so the caller can remove the folder
