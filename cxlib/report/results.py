"""Section results computed once per run and shared by every audience (and every later run on the same inputs).

A report run computes a client's sections once: the first kernel that needs a section computes
it and saves the result here; the other audience's kernel (and a later ``cx report`` on
unchanged inputs) loads it instead of computing it again. Results are kept per client, under
``build/<client>/results/<key>/<section>.pkl``, one file per section, each written atomically.

The key is the sha256 of everything a result depends on:

- ``client``: the client's name (a result is never read for another client: the folder is the
  client's own and the name is in the key);
- ``inputs``: the sha256 of every file in ``data/<client>/`` (client.yaml, the tables, the
  codebook, hand codes, saved views): any changed input is a new key;
- ``parameters``: the report parameters that shape the numbers (period, seed, selection, …:
  every primitive field of :class:`cxlib.report.context.ReportData` but the audience and the processes);
- ``code``: cxlib's version and a digest of its source files, the versions of the numerical
  packages, and the kernel settings that change float sums and orderings (hash seed, BLAS threads).

The folder holds ``key.json`` (the key in full, compared on every read: a digest collision or a
hand-edited folder is a miss, never a wrong result). Only the most recently used keys are kept.

Whether a run uses the cache is decided by ``CX_RESULTS_CACHE`` in the kernel's environment,
which ``cx report`` and ``cx batch`` set: ``on`` (read and write), ``fresh`` (compute again
and overwrite), ``off`` (default outside cx: plain papermill or JupyterLab compute as before).

Examples
--------
>>> cache = open_results(data, mode="on")                      # doctest: +SKIP
>>> cache.key.digest[:12], cache.folder.name[:12]              # doctest: +SKIP
('3f9a0c…', '3f9a0c…')
>>> cache.save("headline", result); cache.load("headline")[1] == sha   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping

from cxlib.report.files import TEMP_PREFIX, atomic_write_bytes, sha256_bytes, sha256_file

__all__ = ["RESULTS_ENV", "JOURNAL_ENV", "RESULTS_MIME", "CacheMode", "ResultsKey", "ResultsCache", "results_key", "open_results",
           "cache_mode", "code_digest", "snapshot", "prune", "KEEP_KEYS"]

#: Environment variable deciding whether a kernel uses the results cache (``on``, ``fresh``, ``off``).
RESULTS_ENV = "CX_RESULTS_CACHE"
#: Environment variable naming a file where a kernel lists the sections it computed (one id a line),
#: for the client manifest (set by :func:`cxlib.report.pipeline.render_client`).
JOURNAL_ENV = "CX_RESULTS_JOURNAL"
#: MIME type of the (invisible) record a section cell leaves of the result it showed.
RESULTS_MIME = "application/vnd.cxlib.results+json"
#: Keys kept per client (the rest are removed, least recently used first).
KEEP_KEYS = 3

CacheMode = Literal["on", "fresh", "off"]

_MODES = {"on": "on", "1": "on", "true": "on", "yes": "on", "fresh": "fresh", "off": "off", "0": "off",
          "false": "off", "no": "off", "": "off"}
#: Packages whose version can change a number (the others only change how it is shown).
_NUMERIC_PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "duckdb", "pyarrow",
                     "vaderSentiment", "krippendorff")
#: Kernel settings that change float sums (BLAS threads) or orderings (string hashing).
_ENV_IN_KEY = ("PYTHONHASHSEED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_RESULTS_DIR = "results"
#: Fields of the report data that change no number.
_NOT_IN_KEY = frozenset({"audience", "processes"})


def cache_mode(mode: str | None = None) -> CacheMode:
    """``mode`` or, when None, ``$CX_RESULTS_CACHE`` read as ``on``, ``fresh`` or ``off``.

    >>> cache_mode("1"), cache_mode("fresh"), cache_mode("no")
    ('on', 'fresh', 'off')
    """
    raw = os.environ.get(RESULTS_ENV, "") if mode is None else mode
    value = _MODES.get(str(raw).strip().lower())
    if value is None:
        from cxlib.errors import ReportError

        raise ReportError(f"{RESULTS_ENV}={raw!r}: use on, fresh or off.")
    return value  # type: ignore[return-value]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 of cxlib's source files (path and content), so that any change to the code is a new key."""
    import cxlib

    package = Path(cxlib.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code() -> dict[str, Any]:
    from importlib import metadata

    import cxlib

    versions = {}
    for name in _NUMERIC_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cxlib": cxlib.__version__, "source_sha256": code_digest(), "packages": versions}


def _inputs(data_dir: Path) -> dict[str, str]:
    if not data_dir.is_dir():
        return {}
    return {p.relative_to(data_dir).as_posix(): sha256_file(p)
            for p in sorted(data_dir.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _parameters(data: Any) -> dict[str, Any]:
    """Every primitive field of the report data but the audience and the processes (results do not depend on who
    reads them, nor on how many processes shared the work: ``tests/text/test_vader_helpers.py``)."""
    if dataclasses.is_dataclass(data):
        items = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    else:
        items = dict(vars(data))
    return {k: v for k, v in sorted(items.items())
            if k not in _NOT_IN_KEY and (v is None or isinstance(v, (str, int, float, bool)))}


@dataclass(frozen=True)
class ResultsKey:
    """What a client's section results depend on (see the module docstring); ``digest`` names its folder."""

    client: str
    inputs: Mapping[str, str]
    parameters: Mapping[str, Any]
    code: Mapping[str, Any]
    env: Mapping[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"client": self.client, "inputs": dict(self.inputs), "parameters": dict(self.parameters),
                "code": dict(self.code), "env": dict(self.env)}

    @property
    def digest(self) -> str:
        blob = json.dumps(self.as_dict(), sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]


def results_key(data: Any) -> ResultsKey:
    """The key of ``data``'s section results (a :class:`cxlib.report.context.ReportData`)."""
    ws = data.ws
    return ResultsKey(client=ws.name, inputs=_inputs(Path(ws.data_dir)), parameters=_parameters(data),
                      code=_code(), env={k: os.environ.get(k) for k in _ENV_IN_KEY})


class ResultsCache:
    """One key's folder of section results: :meth:`load` and :meth:`save` one section at a time.

    Parameters
    ----------
    root : path
        The client's results folder (``build/<client>/results``).
    key : ResultsKey
    mode : {"on", "fresh"}
        ``fresh`` never loads (every section is computed again and saved over the old file).
    journal : path, optional
        A file where :meth:`save` adds the id of each section it saves.

    Notes
    -----
    Two kernels of one client running at once (``cx report`` runs the audiences in parallel)
    compute a shared section once: :meth:`computing` holds a lock on the section while one
    computes it, and the other then loads the result instead of computing it again.
    """

    def __init__(self, root: str | os.PathLike, key: ResultsKey, *, mode: CacheMode = "on",
                 journal: str | os.PathLike | None = None) -> None:
        self.root = Path(root)
        self.key = key
        self.mode = mode
        self.folder = self.root / key.digest
        self.journal = Path(journal) if journal else None
        self._key_ok: bool | None = None

    def __repr__(self) -> str:
        return f"ResultsCache({str(self.folder)!r}, mode={self.mode!r})"

    def _path(self, section_id: str) -> Path:
        return self.folder / f"{section_id}.pkl"

    def _key_matches(self) -> bool:
        # only a match is remembered: a kernel that looked before another one wrote key.json must look again
        if self._key_ok is not True:
            try:
                stored = json.loads((self.folder / "key.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = None
            self._key_ok = stored == json.loads(json.dumps(self.key.as_dict(), sort_keys=True, default=str))
        return self._key_ok

    def load(self, section_id: str) -> tuple[Any, str] | None:
        """``(result, sha256 of its file)``, or None when it is not cached (or unreadable: then it is recomputed)."""
        if self.mode != "on" or not self._key_matches():
            return None
        path = self._path(section_id)
        try:
            blob = path.read_bytes()
            result = pickle.loads(blob)  # noqa: S301 - our own file, in the tool's build folder, under a checked key
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a stale or damaged file is a miss, never a failed report
            return None
        _touch(self.folder)
        return result, sha256_bytes(blob)

    def save(self, section_id: str, result: Any, *, journal: bool = True) -> str | None:
        """Write the result atomically; returns its sha256 (None when it cannot be pickled: then it is not cached).

        ``journal=False``: not listed in the journal of computed sections (a table the sections share, not one).
        """
        try:
            blob = pickle.dumps(result, protocol=5)
        except Exception:  # noqa: BLE001 - an unpicklable result is recomputed next time, not an error
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        key_file = self.folder / "key.json"
        if not key_file.exists() or not self._key_matches():
            atomic_write_bytes(key_file, (json.dumps(self.key.as_dict(), indent=1, sort_keys=True, default=str)
                                          + "\n").encode("utf-8"))
            self._key_ok = True
        atomic_write_bytes(self._path(section_id), blob)
        _touch(self.folder)
        if journal and self.journal is not None:
            with open(self.journal, "a", encoding="utf-8") as fh:
                fh.write(section_id + "\n")
        prune(self.root, keep=KEEP_KEYS)
        return sha256_bytes(blob)

    def load_or_compute(self, section_id: str, compute, *, wait: bool = True,
                        journal: bool = True) -> tuple[Any, str | None] | None:
        """``(result, sha256)`` under the section's lock: loaded when kept, else ``compute()`` and saved.

        None when ``wait=False`` and another kernel holds the lock (nothing computed). The sha256 is None
        for a computed result that cannot be pickled (it is then not kept).
        """
        with self.computing(section_id, wait=wait) as mine:
            if not mine:
                return None
            cached = self.load(section_id)
            if cached is not None:
                return cached
            result = compute()
            return result, self.save(section_id, result, journal=journal)

    @contextmanager
    def computing(self, section_id: str, *, wait: bool = True) -> Iterator[bool]:
        """Hold the section's lock while computing it (another kernel of the client waits, then loads it).

        Yields True once the lock is held. With ``wait=False`` it yields False at once (holding
        nothing) when another kernel holds the lock.
        """
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{section_id}.lock", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def busy(self, section_id: str) -> bool:
        """Whether another kernel holds the section's lock now (it is computing the section)."""
        with self.computing(section_id, wait=False) as mine:
            return not mine

    def has(self, section_id: str) -> bool:
        """Whether the section's result is kept under this key (:meth:`load` would find it)."""
        return self.mode == "on" and self._key_matches() and self._path(section_id).exists()

    def record(self) -> dict[str, Any]:
        """What the notebook keeps of the cache (for the audit): the key in full and its digest."""
        return {"key": self.key.digest, "folder": f"build/{self.key.client}/{_RESULTS_DIR}/{self.key.digest}",
                "mode": "read and write" if self.mode == "on" else "computed again",
                "depends_on": self.key.as_dict()}


def _touch(folder: Path) -> None:
    try:
        os.utime(folder)
    except OSError:
        pass


def prune(root: str | os.PathLike, *, keep: int = KEEP_KEYS) -> list[Path]:
    """Remove all but the ``keep`` most recently used key folders under ``root``; returns those removed."""
    root = Path(root)
    try:
        folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    removed = folders[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def open_results(data: Any, *, mode: str | None = None) -> ResultsCache | None:
    """The results cache of ``data``'s client and parameters, or None when the cache is off.

    Parameters
    ----------
    data : ReportData
    mode : {"on", "fresh", "off"}, optional
        Default: ``$CX_RESULTS_CACHE`` (off when unset).
    """
    chosen = cache_mode(mode)
    if chosen == "off":
        return None
    return ResultsCache(Path(data.ws.build_dir) / _RESULTS_DIR, results_key(data), mode=chosen,
                        journal=os.environ.get(JOURNAL_ENV) or None)


def snapshot(build_dir: str | os.PathLike) -> dict[str, tuple[int, int, int]]:
    """``key/section.pkl`` -> (inode, size, mtime_ns) of every cached result of a client (to tell, after a
    run, which results it computed and which it loaded)."""
    root = Path(build_dir) / _RESULTS_DIR
    out = {}
    if not root.is_dir():
        return out
    for path in root.glob("*/*.pkl"):
        try:
            st = path.stat()
        except OSError:
            continue
        out[f"{path.parent.name}/{path.stem}"] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out
