"""Reading the next batch and writing the last one while a batch is checked.

The validation of a large file (:mod:`cxlib.ingest.streaming`) reads a batch, checks it in
Python, and writes its rows to Parquet. Arrow reads and writes without holding the interpreter
lock, so on a second core they can run while the checks run: :func:`prefetch` reads the next
batch in a helper thread, :class:`PartWriter` writes the finished parts in another. At most
``depth`` batches wait to be checked and ``depth`` parts to be written, so memory still does not
grow with the file; what either thread raises is raised in the caller, at the batch it concerns.

Examples
--------
>>> list(prefetch(iter(range(5))))
[0, 1, 2, 3, 4]
>>> import pyarrow as pa, pyarrow.parquet as pq, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with PartWriter() as writer:
...     writer.write(pa.table({"x": [1, 2]}), folder / "part-0.parquet")
>>> pq.read_table(folder / "part-0.parquet").num_rows
2
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator, TypeVar

__all__ = ["prefetch", "PartWriter"]

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """``items`` in order, the next ``depth`` of them read ahead in a helper thread.

    An exception raised while reading is raised here, after the items read before it. When the
    consumer stops early (an exception, ``close()``), the helper stops at its next item and closes
    ``items`` (a generator's ``finally`` runs, its file is closed) before this returns.
    """
    ready: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(value) -> bool:
        while not stop.is_set():
            try:
                ready.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        source = iter(items)
        try:
            for item in source:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put((False, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=read, name="cx-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            ok, value = ready.get()
            if not ok:
                raise value
            if value is _DONE:
                return
            yield value
    finally:
        stop.set()
        thread.join()


class PartWriter:
    """Writes Parquet files in a helper thread, at most ``depth`` waiting; a failed write raises in the caller.

    Use as a context manager: leaving it waits for every write (and raises the first that failed).
    """

    def __init__(self, depth: int = 2) -> None:
        self.depth = max(1, depth)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cx-write-parts")
        self._pending: deque[Future] = deque()

    def write(self, table, path: str | Path) -> None:
        """Write ``table`` (a pyarrow Table) to ``path`` as Parquet, in the helper thread."""
        import pyarrow.parquet as pq

        while len(self._pending) >= self.depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(pq.write_table, table, str(path)))

    def wait(self) -> None:
        """Wait for every write so far; raise the first that failed."""
        while self._pending:
            self._pending.popleft().result()

    def __enter__(self) -> "PartWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None:
                self.wait()
        finally:
            self._pool.shutdown(wait=True)
