"""The list of input formats: one :class:`Reader` per format, found in this package or registered.

Every module of :mod:`cxlib.ingest.readers` that defines ``READER`` is a format: the
registry finds them on first use, so a new format is one new file (plus its tests).
client.yaml's ``format:`` values, the file extensions ``cx init`` looks at and the
detection of a file's format all come from here. Formats of other packages are added
with :func:`register`.

A reader may *refine* another: Qualtrics and SurveyMonkey exports are CSV files with a
layout of their own, told apart by their ``sniff`` function on the file's content.

Examples
--------
>>> "csv" in formats() and "jsonl" in formats()
True
>>> extensions()[".ndjson"]
'jsonl'
>>> detect_format("survey.XLSX")
'excel'
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cxlib.errors import DataError
from cxlib.ingest.readers.base import RawTable, ReadOptions

__all__ = ["Reader", "register", "readers", "formats", "extensions", "data_extensions", "detect_format", "get",
           "read_table", "read_batches", "UNSUPPORTED", "DEFAULT_MAX_BYTES"]

#: Extensions that look like data but no reader takes, and what to do instead.
UNSUPPORTED: dict[str, str] = {
    ".xls": "old binary Excel (.xls) is not supported. Open it in Excel and save as .xlsx (or export CSV/Parquet).",
    ".numbers": "Apple Numbers files are not supported. Export the sheet as CSV or .xlsx.",
    ".ods": "OpenDocument spreadsheets are not supported. Save the sheet as .xlsx or CSV.",
}
#: Files above this size are refused (except formats read column by column) with advice to convert.
DEFAULT_MAX_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Reader:
    """One input format.

    Attributes
    ----------
    name : str
        The ``format:`` value in client.yaml (``csv``, ``excel``, ``qualtrics`` ...).
    read : callable
        ``read(path, options: ReadOptions) -> RawTable``; raises :class:`cxlib.errors.DataError`
        for a file it cannot read, naming the file, the place and the fix.
    extensions : tuple of str
        Lower-case file extensions (with the dot) that mean this format.
    refines : str, optional
        The format whose files this one is a special layout of; chosen over it when
        ``sniff(path)`` is true.
    sniff : callable, optional
        ``sniff(path) -> bool`` on the file's content (first records only: cheap).
    priority : int
        Among several refinements of one format, higher is tried first.
    text : bool
        Encoding and delimiter settings apply.
    size_limited : bool
        Refuse files above the size limit (False for formats read column by column).
    read_batches : callable, optional
        ``read_batches(path, options, batch_bytes) -> Iterator[RawTable]``: the file in batches of about
        ``batch_bytes``, for validation in bounded memory; raises
        :class:`~cxlib.ingest.readers.base.CannotStream` when the file must be read whole. None: the
        format is read whole.
    data_bytes : callable, optional
        ``data_bytes(path) -> int``: how much data the file holds once decompressed, to decide whether
        it is validated in batches. None: the file's size (text formats).
    description : str
        One line for documentation and messages.
    """

    name: str
    read: Callable[[Path, ReadOptions], RawTable]
    extensions: tuple[str, ...] = ()
    refines: str | None = None
    sniff: Callable[[Path], bool] | None = None
    priority: int = 0
    text: bool = False
    size_limited: bool = True
    description: str = ""
    read_batches: Callable[[Path, ReadOptions, int], Iterator[RawTable]] | None = None
    data_bytes: Callable[[Path], int] | None = None


_REGISTRY: dict[str, Reader] = {}
_BUILTINS_LOADED = False


def _load_builtins() -> None:
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    _BUILTINS_LOADED = True
    package = __name__.rsplit(".", 1)[0]
    folder = Path(__file__).resolve().parent
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if info.name.startswith("_") or info.name in ("base", "encoding", "registry"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        reader = getattr(module, "READER", None)
        if isinstance(reader, Reader) and reader.name not in _REGISTRY:
            _REGISTRY[reader.name] = reader


def register(reader: Reader, *, replace: bool = False) -> Reader:
    """Add a format (e.g. from a consultant's own package); returns ``reader``.

    Raises
    ------
    ValueError
        When the name is taken (and ``replace`` is False) or an extension belongs to another format.

    Examples
    --------
    >>> def read_psv(path, options):  # doctest: +SKIP
    ...     return get("csv").read(path, ReadOptions(delimiter="|"))
    >>> register(Reader("psv", read_psv, extensions=(".psv",)))  # doctest: +SKIP
    """
    _load_builtins()
    if reader.name in _REGISTRY and not replace:
        raise ValueError(f"a reader named {reader.name!r} is already registered; pass replace=True to replace it")
    taken = {ext: r.name for r in _REGISTRY.values() if r.name != reader.name for ext in r.extensions}
    clash = [e for e in reader.extensions if e in taken]
    if clash:
        raise ValueError(f"extension(s) {', '.join(clash)} already belong to {taken[clash[0]]!r}")
    if reader.refines is not None and reader.refines not in _REGISTRY:
        raise ValueError(f"{reader.name!r} refines unknown format {reader.refines!r}")
    _REGISTRY[reader.name] = reader
    return reader


def readers() -> dict[str, Reader]:
    """Every registered format by name (built-in ones first, in name order)."""
    _load_builtins()
    return dict(_REGISTRY)


def formats() -> tuple[str, ...]:
    """The ``format:`` values client.yaml accepts, in name order."""
    return tuple(sorted(readers()))


def get(name: str, *, path: Path | None = None) -> Reader:
    """The reader of a format; :class:`DataError` naming the known ones otherwise."""
    found = readers().get(name)
    if found is None:
        where = f"{Path(path).name}: " if path is not None else ""
        raise DataError(f"{where}unknown format {name!r}; expected one of {', '.join(formats())}.")
    return found


def extensions() -> dict[str, str]:
    """Extension (lower case, with the dot) -> format."""
    return {ext: r.name for r in readers().values() for ext in r.extensions}


def data_extensions() -> frozenset[str]:
    """Extensions of files that hold data: readable ones and the ones refused with advice (``.xls``)."""
    return frozenset(extensions()) | frozenset(UNSUPPORTED)


def detect_format(path) -> str:
    """The format of ``path``: by extension, then refined by content (a Qualtrics CSV is "qualtrics").

    Raises :class:`DataError` for an extension no reader takes (``.xls`` with the fix).

    Examples
    --------
    >>> detect_format("reviews.jsonl")
    'jsonl'
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext in UNSUPPORTED:
        raise DataError(f"{path.name}: {UNSUPPORTED[ext]}")
    fmt = extensions().get(ext)
    if fmt is None:
        raise DataError(f"{path.name}: cannot tell the format from the extension {ext!r}. Use one of "
                        f"{', '.join(sorted(extensions()))}, or set `format:` for this table in client.yaml.")
    if path.is_file() and path.stat().st_size > 0:
        variants = sorted((r for r in readers().values() if r.refines == fmt and r.sniff is not None),
                          key=lambda r: -r.priority)
        for variant in variants:
            try:
                if variant.sniff(path):
                    return variant.name
            except (DataError, UnicodeError, ValueError, IndexError):
                continue  # a sniff that cannot tell is a no
    return fmt


def read_table(
    path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
    skip_rows: int = 0,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RawTable:
    """Read one client file into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
        The file.
    format : str, optional
        One of :func:`formats` (``csv``, ``excel``, ``jsonl``, ``parquet``, ``qualtrics``, ``spss``,
        ``surveymonkey`` ...). Default: :func:`detect_format`.
    encoding : str, optional
        Text encoding; detected when absent (:func:`cxlib.ingest.readers.encoding.detect_encoding`).
        Decoding is strict: a byte that does not decode raises :class:`DataError` naming the byte
        offset and line, never a replacement character.
    delimiter : str, optional
        CSV delimiter; sniffed among ``, ; tab |`` when absent.
    sheet : str or int
        Excel sheet name or 0-based position.
    skip_rows : int
        Title rows above the header (CSV lines or Excel sheet rows).
    max_bytes : int
        Larger files are refused with advice to convert them to Parquet (Parquet files are not
        limited: they are read column by column).

    Returns
    -------
    RawTable
        ``frame``, ``row_numbers``, ``excluded`` (columns ``row``, ``reason``), ``encoding``,
        ``value_labels``, ``missing_codes``, ``notes``, ``questions``.

    Raises
    ------
    DataError
        Missing, empty, header-only, too large or undecodable files; duplicate column names;
        a file whose lines mostly disagree with its header.

    Notes
    -----
    Rows that hold no value at all are not data: they are listed in ``excluded`` with reason
    "empty row", except trailing ones after the last data row. A line with the wrong number of
    fields (a truncated last line) is listed in ``excluded`` with its line number when such
    lines are rare. Qualtrics responses whose ``Status`` is a preview, test, spam or synthetic
    response are listed in ``excluded`` with their status.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,nps\\n1,9\\n2,1", encoding="utf-8")
    >>> read_table(p).frame["nps"].tolist()
    ['9', '1']
    """
    path = Path(path)
    reader = _reader_for(path, format, max_bytes)
    return reader.read(path, ReadOptions(encoding=encoding, delimiter=delimiter, sheet=sheet, skip_rows=skip_rows))


def _reader_for(path: Path, format: str | None, max_bytes: int) -> Reader:
    """The reader of an existing, non-empty file within the size limit; a DataError naming the fix otherwise."""
    if not path.exists():
        raise DataError(f"{path}: file not found. Check the `path:` of this table in client.yaml.")
    if not path.is_file():
        raise DataError(f"{path}: is not a file. Point the table's `path:` in client.yaml at a file.")
    reader = get(format or detect_format(path), path=path)
    size = path.stat().st_size
    if reader.size_limited and size > max_bytes:
        raise DataError(
            f"{path.name} is {size / 1024**3:.1f} GiB, above the {max_bytes / 1024**3:.1f} GiB limit for "
            f"{reader.name} files. Convert it to Parquet (e.g. `duckdb -c \"COPY (SELECT * FROM '{path.name}') TO "
            f"'{path.stem}.parquet'\"`) and point client.yaml at the .parquet file."
        )
    if size == 0:
        raise DataError(f"{path.name} is empty (0 bytes). Expected a header row and at least one data row.")
    return reader


def read_batches(
    path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    skip_rows: int = 0,
    batch_bytes: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[RawTable] | None:
    """One client file as batches of :class:`RawTable` (see :func:`read_table`), or None when its
    format is read whole (only formats with ``read_batches`` stream).

    The iterator raises :class:`~cxlib.ingest.readers.base.CannotStream` when the file turns out to
    need the whole-file reader.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,nps\\n1,9\\n2,1\\n", encoding="utf-8")
    >>> [len(b.frame) for b in read_batches(p, batch_bytes=1 << 20)]
    [2]
    """
    path = Path(path)
    reader = _reader_for(path, format, max_bytes)
    if reader.read_batches is None:
        return None
    return reader.read_batches(path, ReadOptions(encoding=encoding, delimiter=delimiter, skip_rows=skip_rows),
                               batch_bytes)
