"""Client workspaces: where a client's files are, what its client.yaml says, and its validated tables.

A workspace is ``<root>/data/<client>/`` (inputs, never written by the tool) plus
``<root>/build/<client>/`` (the validated DuckDB store, rebuilt when an input changes).

Examples
--------
>>> ws = open_client("acme-telecom", root=demo_root)      # doctest: +SKIP
>>> ws.config.stages                                      # doctest: +SKIP
['discover', 'buy', 'onboard', 'use', 'support', 'renew']
>>> ws.responses.columns[:3].tolist()                     # doctest: +SKIP
['response_id', 'customer_id', 'interaction_id']
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from cxlib import config as _config
from cxlib.config import (DEFAULT_BRAND, DEFAULT_QUALITY, CLIENT_NAME, ClientConfig, TableSource, Touchpoint,
                          brand_colours, config_label, expand_paths)
from cxlib.errors import ConfigError, DataError
from cxlib.schema import LABEL_PREFIX, TABLE_ORDER, TABLES, VOICE_TABLES, best_outcome, family_columns

__all__ = [
    "Workspace",
    "open_client",
    "list_clients",
    "project_root",
    "HAND_CODE_COLUMNS",
    "load_config",
    "within_period",
    # re-exported from cxlib.config, where client.yaml is read
    "ClientConfig",
    "TableSource",
    "Touchpoint",
    "brand_colours",
    "DEFAULT_BRAND",
    "DEFAULT_QUALITY",
]


def load_config(path: str | os.PathLike) -> ClientConfig:
    """Read and check a ``client.yaml`` (:func:`cxlib.config.load_config`), formats included.

    The ``format:`` of each table must be one the reader registry knows
    (:func:`cxlib.ingest.readers.formats`); the registry sits in the input layer, above
    :mod:`cxlib.config`, so the check is made here.

    Raises
    ------
    ConfigError
        Naming the key that is wrong, what was expected and how to fix it.
    """
    from cxlib.ingest import readers

    config = _config.load_config(path)
    known = readers.formats()
    for name, source in config.sources.items():
        if source.format is not None and source.format not in known:
            raise ConfigError(f"{config_label(Path(path))}, key `tables.{name}.format`: {source.format!r} is not a known "
                              f"format. Use one of {', '.join(known)}.")
    return config


#: Columns of hand codes (the text layer's hand-coded file: :data:`cxlib.text.reliability.HAND_CODED_COLUMNS`).
HAND_CODE_COLUMNS = ["comment_ref", "coder", "theme", "coded_at"]
_STORE_ONLY = ("quarantine", "reconciliation", "fields")


def project_root(root: str | os.PathLike | None = None) -> Path:
    """The project folder holding ``data/``.

    Order: the ``root`` argument, the ``CX_ROOT`` environment variable, then the nearest
    folder upwards from the current directory that has a ``data/`` folder, else the current directory.
    """
    if root is not None:
        return Path(root).resolve()
    if os.environ.get("CX_ROOT"):
        return Path(os.environ["CX_ROOT"]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data").is_dir() and ((folder / "pyproject.toml").exists() or any((folder / "data").glob("*/client.yaml"))):
            return folder
    return here


def list_clients(root: str | os.PathLike | None = None) -> list[str]:
    """Names of the client workspaces under ``<root>/data`` (folders with a client.yaml), sorted."""
    data = project_root(root) / "data"
    if not data.is_dir():
        return []
    return sorted(p.parent.name for p in data.glob("*/client.yaml"))


class Workspace:
    """One client's workspace: its configuration and its validated tables.

    Tables are read from the DuckDB store in ``build/<client>/cx.duckdb``; the store is
    (re)built by validation whenever an input file or client.yaml changed.
    """

    def __init__(self, name: str, root: str | os.PathLike | None = None):
        if not CLIENT_NAME.match(name):
            raise ConfigError(f"{name!r} is not a valid client name: use lower-case letters, digits, '-' and '_'.")
        self.name = name
        self.root = project_root(root)
        self.data_dir = self.root / "data" / name
        if not (self.data_dir / "client.yaml").exists():
            import difflib

            clients = list_clients(self.root)
            close = difflib.get_close_matches(name, clients, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ConfigError(
                f"No client {name!r}: {self.data_dir / 'client.yaml'} does not exist.{hint} "
                f"Clients here: {', '.join(clients) or 'none'}. "
                "Run `cx demo` for the demo clients or `cx init <client> --from <folder>`."
            )
        self.config = load_config(self.data_dir / "client.yaml")
        self.build_dir = self.root / "build" / name
        self.store_path = self.build_dir / "cx.duckdb"
        self.codebook_path = self.config.codebook
        self.planted_path = self.data_dir / "planted.yaml"
        self._cache: dict[str, pd.DataFrame | None] = {}
        self._hashes: dict[str, tuple[tuple[int, ...], str]] = {}  # path -> (stat signature, sha256)

    def __repr__(self) -> str:
        return f"Workspace({self.name!r}, root={str(self.root)!r})"

    # -- store -----------------------------------------------------------------------------------
    def refresh(self, *, force: bool = False, progress=None) -> "Workspace":
        """Validate the inputs and rebuild the store if any input changed (or ``force``)."""
        from cxlib.ingest import store, validate

        if force or store.is_stale(self.store_path, self.input_fingerprint()):
            self.config = load_config(self.data_dir / "client.yaml")  # picks up new files matching a pattern
            result = validate.validate_client(self.config, progress=progress)
            if not result.ok:
                raise DataError(f"{self.name}: the data cannot be used yet. " + " ".join(result.problems)
                                + f" Run `cx validate {self.name}` for the full picture.")
            store.write_store(self.store_path, result, fingerprint=self.input_fingerprint())
        self._cache.clear()  # table() hands out copies: holding every table read so far only costs memory
        return self

    def forget_tables(self) -> None:
        """Let go of the tables read so far (each is read from the store again when asked for)."""
        self._cache.clear()

    def input_fingerprint(self) -> dict[str, str]:
        """sha256 of client.yaml and of every table's input file (the codebook is read by the analyses, not stored)."""
        files = {"client.yaml": self.config.path}
        for name, src in self.config.sources.items():
            # re-expand globs so that a newly added monthly export is noticed
            spec = src.pattern.split(" + ") if src.pattern else [str(p) for p in src.paths]
            try:
                paths, _ = expand_paths(self.data_dir, spec, f"tables.{name}.path", self.config.path)
            except ConfigError:
                paths = src.paths
            files.update({f"{name}:{p.name}": p for p in paths})
        out = {key: self._file_hash(p) if p is not None and Path(p).exists() else "missing"
               for key, p in files.items()}
        import cxlib

        out["cxlib"] = cxlib.__version__
        return out

    def _file_hash(self, path) -> str:
        """sha256 of an input file, hashed again only when the file changed since this workspace last hashed it.

        A file counts as unchanged while its inode, size, modification and status-change times are
        the same (the status-change time moves on every write or rename and cannot be set back), so
        each report kernel's table reads check the inputs without reading them again.
        """
        from cxlib.ingest.store import file_sha256

        st = os.stat(path)
        signature = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        known = self._hashes.get(str(path))
        if known is None or known[0] != signature:
            known = (signature, file_sha256(path))
            self._hashes[str(path)] = known
        return known[1]

    def connect(self):
        """A read-only DuckDB connection to the validated store (tables by their canonical names)."""
        from cxlib.ingest import store

        self.refresh()
        return store.connect(self.store_path)

    def table(self, name: str) -> pd.DataFrame | None:
        """A validated table as a DataFrame, or None when the client has no such table.

        With a benchmark in client.yaml, responses and mentions hold the client's own rows
        (:meth:`benchmark` gives the others).
        """
        if name not in TABLES and name not in _STORE_ONLY:
            raise ConfigError(f"Unknown table {name!r}. Tables: {', '.join(TABLE_ORDER)}, {', '.join(_STORE_ONLY)}.")
        frame = self._stored(name)
        return None if frame is None else _client_rows(frame) if "is_client" in frame else frame.copy()

    def _stored(self, name: str) -> pd.DataFrame | None:
        from cxlib.ingest import store

        if name not in self._cache:
            self.refresh()
            self._cache[name] = store.read_table(self.store_path, name)
        return self._cache[name]

    def table_in_period(self, name: str, column: str, start: pd.Timestamp | None = None,
                        end: pd.Timestamp | None = None) -> pd.DataFrame | None:
        """``within_period(self.table(name), column, start, end)``, without loading the rows outside the period.

        The store is asked for the rows dated from the day before ``start`` to two days after
        ``end`` (DuckDB, :func:`cxlib.ingest.store.read_dated`), and :func:`within_period` keeps the
        period's rows of those: for a touchpoint log of ten million rows, the kernel never holds
        the years outside the period, nor a second copy of the whole table.

        Examples
        --------
        >>> ws.table_in_period("interactions", "occurred_at", pd.Timestamp("2024-01-01"), None)  # doctest: +SKIP
        """
        from cxlib.ingest import store

        if (start is None and end is None) or name in self._cache:
            return within_period(self.table(name), column, start, end)
        if name not in TABLES:
            raise ConfigError(f"Unknown table {name!r}. Tables: {', '.join(TABLE_ORDER)}.")
        self.refresh()
        day = pd.Timedelta(days=1)
        frame = store.read_dated(self.store_path, name, column, None if start is None else start - day,
                                 None if end is None else end + 2 * day, where="is_client")
        if frame is not None and "is_client" in frame:
            frame = _client_rows(frame)  # the query kept only the client's rows: this drops the column
        return within_period(frame, column, start, end)

    def one_value_per_column(self, name: str) -> pd.DataFrame | None:
        """One row holding a value of each column of a validated table (missing where the column has none), or
        None without such a table: which columns hold data, without loading the table (the client's own
        rows only, as :meth:`table`)."""
        from cxlib.ingest import store

        if name not in TABLES and name not in _STORE_ONLY:
            raise ConfigError(f"Unknown table {name!r}. Tables: {', '.join(TABLE_ORDER)}, {', '.join(_STORE_ONLY)}.")
        self.refresh()
        one = store.read_one_value_per_column(self.store_path, name, where="is_client")
        return one.drop(columns="is_client", errors="ignore") if one is not None else None

    def benchmark(self, name: str = "responses") -> pd.DataFrame | None:
        """The rows of a table that are not the client's (client.yaml ``benchmark``); None without a benchmark.

        :meth:`table` (and ``ws.responses``, ``ws.mentions``) give the client's own rows only.
        """
        if name not in VOICE_TABLES:
            raise ConfigError(f"Only {', '.join(VOICE_TABLES)} have a benchmark, not {name!r}.")
        frame = self._stored(name)
        if frame is None or "is_client" not in frame:
            return None
        return _client_rows(frame, client=False)

    @property
    def outcome(self) -> str | None:
        """The outcome the headline and the key drivers report: client.yaml ``outcome`` when the survey
        answers it, else the best one present (:func:`cxlib.schema.best_outcome`); for a client without
        survey answers, the reviews' stars or recommend flag; None when there is none."""
        for name in VOICE_TABLES:
            frame = self.one_value_per_column(name)  # which columns hold answers, without loading the table
            if frame is not None:
                found = best_outcome(frame, self.config.outcome)
                if found:
                    return found
        return None

    @property
    def fields(self) -> pd.DataFrame:
        """Where each stored column came from: ``table, column, source, question``."""
        return self.table("fields")

    def hand_codes(self) -> pd.DataFrame:
        """The client's own labels (``label_<x>`` columns) as hand codes, one row per (comment, label).

        Columns :data:`HAND_CODE_COLUMNS` (the text layer's hand-coded format): ``comment_ref`` is the
        response_id / mention_id, ``coder`` ``client:<label column>``, ``theme`` the label's value
        in lower case with ``_`` for spaces, ``coded_at`` empty. A post the client labelled with
        several label columns (sentiment and reason) has one row per column.
        """
        rows = []
        for name, key in (("responses", "response_id"), ("mentions", "mention_id")):
            frame = self.table(name)
            if frame is None:
                continue
            for col in family_columns(frame.columns, "label"):
                got = frame[[key, col]].dropna()
                theme = got[col].astype("string").str.strip().str.lower().str.replace(r"[^\w]+", "_", regex=True) \
                    .str.strip("_")
                rows.append(pd.DataFrame({"comment_ref": got[key].astype("string"),
                                          "coder": f"client:{col[len(LABEL_PREFIX):]}", "theme": theme,
                                          "coded_at": pd.NaT}))
        if not rows:
            return pd.DataFrame({"comment_ref": pd.Series(dtype="string"), "coder": pd.Series(dtype="string"),
                                 "theme": pd.Series(dtype="string"), "coded_at": pd.Series(dtype="datetime64[ns]")})
        return pd.concat(rows, ignore_index=True)

    @property
    def customers(self) -> pd.DataFrame:
        return self.table("customers")

    @property
    def interactions(self) -> pd.DataFrame:
        return self.table("interactions")

    @property
    def responses(self) -> pd.DataFrame:
        return self.table("responses")

    @property
    def mentions(self) -> pd.DataFrame | None:
        return self.table("mentions")

    @property
    def self_assessment(self) -> pd.DataFrame | None:
        return self.table("self_assessment")

    @property
    def quarantine(self) -> pd.DataFrame:
        return self.table("quarantine")

    @property
    def reconciliation(self) -> pd.DataFrame:
        return self.table("reconciliation")

    @property
    def tables(self) -> dict[str, pd.DataFrame | None]:
        return {name: self.table(name) for name in TABLE_ORDER}


def open_client(name: str, root: str | os.PathLike | None = None, *, refresh: bool = True) -> Workspace:
    """Open a client workspace, validating its inputs first if they changed since the last run.

    Parameters
    ----------
    name : str
        The client's folder name under ``<root>/data``.
    root : path, optional
        The project folder (see :func:`project_root`).
    refresh : bool
        Validate now (default) rather than on first table access.

    Examples
    --------
    >>> ws = open_client("acme-telecom", root=demo_root)   # doctest: +SKIP
    >>> ws.reconciliation[["table", "rows_read", "rows_used"]]   # doctest: +SKIP
    """
    ws = Workspace(name, root)
    if refresh:
        ws.refresh()
    return ws


def _client_rows(frame: pd.DataFrame, *, client: bool = True) -> pd.DataFrame:
    """The client's own rows of a table with a benchmark (``is_client``; ``client=False``: the others' rows),
    without that column."""
    mine = frame["is_client"].fillna(False).to_numpy(dtype=bool)
    return frame[mine if client else ~mine].drop(columns="is_client").reset_index(drop=True)


def within_period(frame: pd.DataFrame | None, column: str, start: pd.Timestamp | None,
                  end: pd.Timestamp | None) -> pd.DataFrame | None:
    """The rows dated from ``start`` to ``end`` inclusive (whole days: before the day after ``end``).

    A table without any date in ``column`` (or without the column) cannot be placed in a period:
    all of it is the period. Rows without a date in a dated table are outside.

    Examples
    --------
    >>> t = pd.DataFrame({"at": pd.to_datetime(["2024-01-01 09:00", "2024-01-31 23:59", "2024-02-01 00:00", None])})
    >>> len(within_period(t, "at", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-31")))
    2
    """
    if frame is None or column not in frame or not frame[column].notna().any():
        return frame
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame[column] >= start
    if end is not None:
        keep &= frame[column] < end + pd.Timedelta(days=1)
    keep = keep.fillna(False).to_numpy(dtype=bool)
    if keep.all() and isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return frame  # the whole table is in the period (the workspace handed out its own copy): no second copy
    return frame.loc[keep].reset_index(drop=True)
