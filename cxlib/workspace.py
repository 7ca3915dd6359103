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

import difflib
import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cxlib.errors import ConfigError, DataError
from cxlib.schema import CHANNELS, TABLE_ORDER, TABLES

__all__ = [
    "Touchpoint",
    "TableSource",
    "ClientConfig",
    "Workspace",
    "open_client",
    "list_clients",
    "project_root",
    "load_config",
    "brand_colours",
    "DEFAULT_BRAND",
]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FORMATS = ("csv", "excel", "parquet", "spss", "qualtrics")
_SOURCE_KEYS = {"path", "format", "encoding", "delimiter", "sheet", "skip_rows", "columns", "scales", "missing_codes",
                "dayfirst"}
_TOP_KEYS = {"display_name", "currency", "period", "stages", "sale_stage", "segments", "channels", "touchpoints",
             "min_n", "min_n_quotes", "brand", "quality", "tables", "codebook"}
DEFAULT_BRAND = {"primary": "#1F3A5F", "accent": "#E07A1F", "neutral": "#6B7280"}
DEFAULT_QUALITY = {
    "speeder_fraction": 0.33,
    "exclude_speeders": True,
    "exclude_straightliners": False,
    "exclude_duplicate_respondents": True,
    "duplicate_window_days": 7,
}


def brand_colours(brand: dict | None = None) -> dict[str, str]:
    """The brand's ``primary``, ``accent`` and ``neutral`` colours; the defaults for anything missing or not ``#RRGGBB``.

    >>> brand_colours({"primary": "#0B3C5D", "accent": "orange"})["accent"]
    '#E07A1F'
    """
    out = dict(DEFAULT_BRAND)
    for key in out:
        value = (brand or {}).get(key)
        if isinstance(value, str) and _HEX.match(value):
            out[key] = value
    return out


@dataclass(frozen=True)
class Touchpoint:
    """A touchpoint of the client's journey (client.yaml ``touchpoints``)."""

    id: str
    label: str
    stage: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class TableSource:
    """Where one table comes from and how its raw columns map to the canonical ones."""

    table: str
    paths: tuple[Path, ...]
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    skip_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    scales: dict[str, str] = field(default_factory=dict)
    missing_codes: dict[str, list] = field(default_factory=dict)
    dayfirst: bool | None = None
    pattern: str = ""

    @property
    def path(self) -> Path:
        """The first file (most tables have exactly one)."""
        return self.paths[0]

    @property
    def label(self) -> str:
        """File name(s) as shown to people."""
        return ", ".join(p.name for p in self.paths) if len(self.paths) <= 3 else f"{self.pattern} ({len(self.paths)} files)"


def _expand(folder: Path, spec, key: str, cfg_path: Path) -> tuple[tuple[Path, ...], str]:
    """Resolve `path` (a file, a glob such as ``responses-*.csv``, or a list of them) to files, sorted."""
    items = spec if isinstance(spec, list) else [spec]
    files: list[Path] = []
    for item in items:
        item = str(item)
        if any(ch in item for ch in "*?["):
            # glob.glob accepts absolute patterns too (Path.glob does not)
            matches = sorted(Path(m) for m in glob.glob(str(folder / item)))
            if not matches:
                raise _fail(cfg_path, key, f"the pattern {item!r} matches no file in {folder}",
                            "Check the file names, or fix the pattern.")
            files.extend(m.resolve() for m in matches)
        else:
            files.append((folder / item).resolve())
    seen: list[Path] = []
    for f in files:
        if f not in seen:
            seen.append(f)
    return tuple(seen), " + ".join(str(i) for i in items)


@dataclass(frozen=True)
class ClientConfig:
    """The parsed, checked contents of a client's ``client.yaml``."""

    name: str
    display_name: str
    stages: list[str]
    sale_stage: str
    segments: list[str]
    touchpoints: list[Touchpoint]
    sources: dict[str, TableSource]
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))
    min_n: int = 30
    min_n_quotes: int = 50
    currency: str = "EUR"
    brand: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BRAND))
    quality: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_QUALITY))
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    codebook: Path | None = None
    path: Path | None = None

    @property
    def touchpoint_ids(self) -> list[str]:
        return [t.id for t in self.touchpoints]

    def allowed(self, name: str) -> list[str]:
        """The values a column may take, by the client.yaml list it refers to."""
        return {
            "stages": self.stages,
            "segments": self.segments,
            "channels": self.channels,
            "touchpoints": self.touchpoint_ids,
        }[name]


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


def _fail(path: Path, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{path.name}, key `{key}`: {problem}. {fix}")


def _str_list(raw: dict, key: str, path: Path, *, required: bool = True, default=None) -> list[str]:
    value = raw.get(key, default)
    if value is None:
        if required:
            raise _fail(path, key, "is missing", f"Add a list `{key}: [...]` to {path}.")
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, (str, int)) for v in value):
        raise _fail(path, key, f"expected a non-empty list of names, got {value!r}", f"Write it as `{key}: [a, b, c]`.")
    values = [str(v) for v in value]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise _fail(path, key, f"lists {', '.join(dupes)} more than once", "Each name must appear once.")
    return values


def _date(raw: Any, path: Path, key: str) -> pd.Timestamp | None:
    if raw is None:
        return None
    try:
        return pd.Timestamp(raw).normalize()
    except (ValueError, TypeError):
        raise _fail(path, key, f"{raw!r} is not a date", "Write dates as YYYY-MM-DD.") from None


def _touchpoints(raw: dict, path: Path, stages: list[str]) -> list[Touchpoint]:
    items = raw.get("touchpoints")
    if not isinstance(items, list) or not items:
        raise _fail(path, "touchpoints", "is missing or empty",
                    "List the touchpoints as `- {id: billing, label: Billing, stage: use}`.")
    out: list[Touchpoint] = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"id": item}
        if not isinstance(item, dict) or "id" not in item:
            raise _fail(path, f"touchpoints[{i}]", f"expected a mapping with an `id`, got {item!r}",
                        "Write `- {id: billing, label: Billing}`.")
        tid = str(item["id"])
        if not re.fullmatch(r"[A-Za-z0-9_]+", tid):
            raise _fail(path, f"touchpoints[{i}].id", f"{tid!r} has characters other than letters, digits and _",
                        "Use ids like `support_call`; put the display text in `label`.")
        stage = item.get("stage")
        if stage is not None and str(stage) not in stages:
            raise _fail(path, f"touchpoints[{i}].stage", f"{stage!r} is not one of the stages {stages}",
                        "Use a stage from `stages` or add it there.")
        out.append(Touchpoint(tid, str(item.get("label", tid.replace("_", " ").capitalize())),
                              None if stage is None else str(stage), item.get("department")))
    ids = [t.id for t in out]
    dupes = sorted({t for t in ids if ids.count(t) > 1})
    if dupes:
        raise _fail(path, "touchpoints", f"id {', '.join(dupes)} appears more than once", "Touchpoint ids must be unique.")
    return out


def _sources(raw: dict, path: Path) -> dict[str, TableSource]:
    tables = raw.get("tables")
    if not isinstance(tables, dict):
        raise _fail(path, "tables", "is missing", "Add `tables:` with at least `responses` (and ideally customers, interactions).")
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise _fail(path, "tables", f"unknown table(s) {', '.join(unknown)}", f"Known tables: {', '.join(TABLE_ORDER)}.")
    sources: dict[str, TableSource] = {}
    for name in TABLE_ORDER:
        spec = tables.get(name)
        if spec is None:
            continue
        if isinstance(spec, str):
            spec = {"path": spec}
        if not isinstance(spec, dict) or "path" not in spec:
            raise _fail(path, f"tables.{name}", f"expected a mapping with `path`, got {spec!r}",
                        f"Write `{name}: {{path: {name}.csv}}`.")
        unknown_keys = sorted(set(spec) - _SOURCE_KEYS)
        if unknown_keys:
            raise _fail(path, f"tables.{name}", f"unknown setting(s) {', '.join(unknown_keys)}",
                        f"Known settings: {', '.join(sorted(_SOURCE_KEYS))}.")
        delimiter = spec.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            raise _fail(path, f"tables.{name}.delimiter", f"{delimiter!r} is not a single character",
                        'Write one character in quotes, e.g. `delimiter: ";"`, or leave it out to have it detected.')
        fmt = spec.get("format")
        if fmt is not None and fmt not in _FORMATS:
            raise _fail(path, f"tables.{name}.format", f"{fmt!r} is not a known format", f"Use one of {', '.join(_FORMATS)}.")
        paths, pattern = _expand(path.parent, spec["path"], f"tables.{name}.path", path)
        columns = spec.get("columns") or {}
        if not isinstance(columns, dict):
            raise _fail(path, f"tables.{name}.columns", "expected a mapping raw name -> canonical name",
                        "Write `columns: {RespID: response_id}`.")
        sources[name] = TableSource(
            table=name,
            paths=paths,
            pattern=pattern,
            format=fmt,
            encoding=spec.get("encoding"),
            delimiter=spec.get("delimiter"),
            sheet=spec.get("sheet", 0),
            skip_rows=int(spec.get("skip_rows", 0)),
            columns={str(k): str(v) for k, v in columns.items()},
            scales={str(k): str(v) for k, v in (spec.get("scales") or {}).items()},
            missing_codes={str(k): list(v) for k, v in (spec.get("missing_codes") or {}).items()},
            dayfirst=spec.get("dayfirst"),
        )
    missing = [t for t in TABLE_ORDER if TABLES[t].required_table and t not in sources]
    if missing:
        raise _fail(path, "tables", f"has no entry for {', '.join(missing)}",
                    "Every client needs at least `responses`; customers and interactions unlock the journey analyses.")
    return sources


def load_config(path: str | os.PathLike) -> ClientConfig:
    """Read and check a ``client.yaml``.

    Raises
    ------
    ConfigError
        Naming the key that is wrong, what was expected and how to fix it.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path} does not exist. Create it (see docs/data-model.md) or run `cx init`.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path.name}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level.")
    name = path.parent.name
    unknown = sorted(set(map(str, raw)) - _TOP_KEYS)
    if unknown:
        hints = [f"`{k}` (did you mean `{m[0]}`?)" if (m := difflib.get_close_matches(k, _TOP_KEYS, n=1)) else f"`{k}`"
                 for k in unknown]
        raise ConfigError(f"{path.name}: unknown key(s) {', '.join(hints)}. "
                          f"Known keys: {', '.join(sorted(_TOP_KEYS))} (see docs/client-yaml.md).")
    stages = _str_list(raw, "stages", path)
    sale_stage = str(raw.get("sale_stage", stages[min(1, len(stages) - 1)]))
    if sale_stage not in stages:
        raise _fail(path, "sale_stage", f"{sale_stage!r} is not one of the stages {stages}", "Name the buying stage.")
    channels = _str_list(raw, "channels", path, required=False) or list(CHANNELS)
    brand = {**DEFAULT_BRAND, **(raw.get("brand") or {})}
    for key, colour in brand.items():
        if not isinstance(colour, str) or not _HEX.match(colour):
            raise _fail(path, f"brand.{key}", f"{colour!r} is not a colour", 'Write colours as "#RRGGBB" (quoted).')
    quality = {**DEFAULT_QUALITY, **(raw.get("quality") or {})}
    min_n, min_n_quotes = raw.get("min_n", 30), raw.get("min_n_quotes", 50)
    for key, value in (("min_n", min_n), ("min_n_quotes", min_n_quotes)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _fail(path, key, f"expected a whole number of at least 1, got {value!r}", "For example `min_n: 30`.")
    period = raw.get("period") or {}
    codebook = raw.get("codebook", "codebook.yaml")
    return ClientConfig(
        name=name,
        display_name=str(raw.get("display_name", name)),
        stages=stages,
        sale_stage=sale_stage,
        segments=_str_list(raw, "segments", path),
        touchpoints=_touchpoints(raw, path, stages),
        sources=_sources(raw, path),
        channels=channels,
        min_n=min_n,
        min_n_quotes=min_n_quotes,
        currency=str(raw.get("currency", "EUR")),
        brand=brand,
        quality=quality,
        period_start=_date(period.get("start"), path, "period.start"),
        period_end=_date(period.get("end"), path, "period.end"),
        codebook=(path.parent / codebook).resolve() if codebook else None,
        path=path.resolve(),
    )


class Workspace:
    """One client's workspace: its configuration and its validated tables.

    Tables are read from the DuckDB store in ``build/<client>/cx.duckdb``; the store is
    (re)built by validation whenever an input file or client.yaml changed.
    """

    def __init__(self, name: str, root: str | os.PathLike | None = None):
        if not _SLUG.match(name):
            raise ConfigError(f"{name!r} is not a valid client name: use lower-case letters, digits, '-' and '_'.")
        self.name = name
        self.root = project_root(root)
        self.data_dir = self.root / "data" / name
        if not (self.data_dir / "client.yaml").exists():
            known = ", ".join(list_clients(self.root)) or "none"
            raise ConfigError(
                f"No client {name!r}: {self.data_dir / 'client.yaml'} does not exist (clients here: {known}). "
                "Run `cx demo` for the demo clients or `cx init <client> --from <folder>`."
            )
        self.config = load_config(self.data_dir / "client.yaml")
        self.build_dir = self.root / "build" / name
        self.store_path = self.build_dir / "cx.duckdb"
        self.codebook_path = self.config.codebook
        self.planted_path = self.data_dir / "planted.yaml"
        self._cache: dict[str, pd.DataFrame | None] = {}

    def __repr__(self) -> str:
        return f"Workspace({self.name!r}, root={str(self.root)!r})"

    # -- store -----------------------------------------------------------------------------------
    def refresh(self, *, force: bool = False, progress=None) -> "Workspace":
        """Validate the inputs and rebuild the store if any input changed (or ``force``)."""
        from cxlib import store, validate

        if force or store.is_stale(self.store_path, self.input_fingerprint()):
            self.config = load_config(self.data_dir / "client.yaml")  # picks up new files matching a pattern
            result = validate.validate_client(self.config, progress=progress)
            if not result.ok:
                raise DataError(f"{self.name}: the data cannot be used yet. " + " ".join(result.problems)
                                + f" Run `cx validate {self.name}` for the full picture.")
            store.write_store(self.store_path, result, fingerprint=self.input_fingerprint())
        self._cache.clear()
        return self

    def input_fingerprint(self) -> dict[str, str]:
        """sha256 of client.yaml and of every table's input file (the codebook is read by the analyses, not stored)."""
        from cxlib.store import file_sha256

        files = {"client.yaml": self.config.path}
        for name, src in self.config.sources.items():
            # re-expand globs so that a newly added monthly export is noticed
            spec = src.pattern.split(" + ") if src.pattern else [str(p) for p in src.paths]
            try:
                paths, _ = _expand(self.data_dir, spec, f"tables.{name}.path", self.config.path)
            except ConfigError:
                paths = src.paths
            files.update({f"{name}:{p.name}": p for p in paths})
        out = {key: file_sha256(p) if p is not None and Path(p).exists() else "missing" for key, p in files.items()}
        import cxlib

        out["cxlib"] = cxlib.__version__
        return out

    def connect(self):
        """A read-only DuckDB connection to the validated store (tables by their canonical names)."""
        from cxlib import store

        self.refresh()
        return store.connect(self.store_path)

    def table(self, name: str) -> pd.DataFrame | None:
        """A validated table as a DataFrame, or None when the client has no such table."""
        from cxlib import store

        if name not in TABLES and name not in ("quarantine", "reconciliation"):
            raise ConfigError(f"Unknown table {name!r}. Tables: {', '.join(TABLE_ORDER)}, quarantine, reconciliation.")
        if name not in self._cache:
            self.refresh()
            self._cache[name] = store.read_table(self.store_path, name)
        frame = self._cache[name]
        return None if frame is None else frame.copy()

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
