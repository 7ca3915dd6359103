"""A client's ``client.yaml``: read, checked, and turned into a :class:`ClientConfig`.

Every wrong setting gets an error naming the key, what was expected and how to fix it; unknown
keys are refused with a "did you mean" suggestion.

Examples
--------
>>> cfg = load_config(demo_root / "data" / "acme-telecom" / "client.yaml")   # doctest: +SKIP
>>> cfg.stages                                                              # doctest: +SKIP
['discover', 'buy', 'onboard', 'use', 'support', 'renew']
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

from cxlib.errors import ConfigError
from cxlib.schema import CHANNELS, OUTCOMES, TABLE_ORDER, TABLES, VOICE_TABLES, family_of, is_outcome

__all__ = [
    "Touchpoint",
    "TableSource",
    "Benchmark",
    "ClientConfig",
    "load_config",
    "brand_colours",
    "DEFAULT_BRAND",
    "DEFAULT_QUALITY",
    "CLIENT_NAME",
    "expand_paths",
    "DEFAULT_STAGES",
    "config_label",
]

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SOURCE_KEYS = {"path", "format", "encoding", "delimiter", "sheet", "skip_rows", "columns", "scales", "missing_codes",
                "dayfirst", "constants", "pivot"}
_TOP_KEYS = {"display_name", "currency", "period", "stages", "sale_stage", "segments", "channels", "touchpoints",
             "min_n", "min_n_quotes", "brand", "quality", "tables", "codebook", "outcome", "benchmark"}
_PIVOT_KEYS = ("id", "question", "answer")
#: Lifecycle stages used when client.yaml lists none (a survey-only or reviews-only client).
DEFAULT_STAGES = ["discover", "buy", "onboard", "use", "support", "renew"]
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
    #: canonical column -> one value for every row (``source: twitter``)
    constants: dict[str, Any] = field(default_factory=dict)
    #: long format (one row per respondent and question): ``{"id": raw, "question": raw, "answer": raw}``
    pivot: dict[str, str] | None = None

    @property
    def path(self) -> Path:
        """The first file (most tables have exactly one)."""
        return self.paths[0]

    @property
    def label(self) -> str:
        """File name(s) as shown to people."""
        return ", ".join(p.name for p in self.paths) if len(self.paths) <= 3 else f"{self.pattern} ({len(self.paths)} files)"


def expand_paths(folder: Path, spec, key: str, cfg_path: Path) -> tuple[tuple[Path, ...], str]:
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
class Benchmark:
    """A file that covers several companies (client.yaml ``benchmark``): which one is the client.

    Rows whose ``column`` (canonical, default ``company``) equals ``client`` are the client's;
    the others are its benchmark.
    """

    client: str
    column: str = "company"


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
    #: the outcome the headline and the key drivers report (None: the best one the data has)
    outcome: str | None = None
    benchmark: Benchmark | None = None

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


def config_label(path: Path) -> str:
    """How messages name a client.yaml: with its client's folder (``acme/client.yaml``).

    >>> config_label(Path("data/acme/client.yaml"))
    'acme/client.yaml'
    """
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _fail(path: Path, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{config_label(path)}, key `{key}`: {problem}. {fix}")


def _str_list(raw: dict, key: str, path: Path, *, default=None) -> list[str]:
    """A list of names (stages, segments, channels): left out it is empty (the caller's default applies)."""
    value = raw.get(key, default)
    if value is None:
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
    if items is None:
        return []  # a client without touchpoint data: ratings and interactions cannot be used
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
        raise _fail(path, "tables", "is missing",
                    "Add `tables:` with at least `responses` or `mentions` (and ideally customers, interactions).")
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
        # the known formats are the reader registry's (cxlib.ingest.readers, a layer above this module):
        # cxlib.workspace.load_config checks them
        if fmt is not None and (not isinstance(fmt, str) or not fmt.strip()):
            raise _fail(path, f"tables.{name}.format", f"{fmt!r} is not a known format",
                        "Write the format's name, e.g. `format: qualtrics`, or leave it out to have it detected.")
        paths, pattern = expand_paths(path.parent, spec["path"], f"tables.{name}.path", path)
        columns = spec.get("columns") or {}
        if not isinstance(columns, dict):
            raise _fail(path, f"tables.{name}.columns", "expected a mapping raw name -> canonical name",
                        "Write `columns: {RespID: response_id}`.")
        constants = spec.get("constants") or {}
        if not isinstance(constants, dict) or any(isinstance(v, (dict, list)) for v in constants.values()):
            raise _fail(path, f"tables.{name}.constants", "expected a mapping canonical name -> one value",
                        "Write `constants: {source: twitter}` (the value every row gets).")
        unknown_const = [c for c in constants if str(c) not in TABLES[name].names and family_of(str(c), name) is None]
        if unknown_const:
            raise _fail(path, f"tables.{name}.constants", f"{', '.join(map(str, unknown_const))} is not a column of "
                        f"{name}", f"Columns of {name}: {', '.join(TABLES[name].names)}.")
        pivot = spec.get("pivot")
        if pivot is not None and (not isinstance(pivot, dict) or sorted(pivot) != sorted(_PIVOT_KEYS)
                                  or not all(isinstance(v, str) and v for v in pivot.values())):
            raise _fail(path, f"tables.{name}.pivot", f"expected the three columns of a long file, got {pivot!r}",
                        "Write `pivot: {id: RespondentID, question: Question, answer: Answer}` (raw column names).")
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
            constants={str(k): v for k, v in constants.items()},
            pivot={k: str(v) for k, v in pivot.items()} if pivot else None,
        )
    missing = [t for t in TABLE_ORDER if TABLES[t].required_table and t not in sources]
    if not any(t in sources for t in VOICE_TABLES):
        missing = ["responses (or mentions)", *missing]
    if missing:
        raise _fail(path, "tables", f"has no entry for {', '.join(missing)}",
                    "Every client needs survey answers (`responses`) or posts and reviews (`mentions`); customers "
                    "and interactions unlock the journey analyses.")
    return sources


def _outcome(raw: dict, path: Path) -> str | None:
    value = raw.get("outcome")
    if value is None:
        return None
    if not isinstance(value, str) or not is_outcome(value):
        raise _fail(path, "outcome", f"{value!r} is not an outcome",
                    f"Use one of {', '.join(OUTCOMES)} or a further likelihood-to-recommend question `nps_<name>`, "
                    "or leave it out to report the best one the data has.")
    return value


def _benchmark(raw: dict, path: Path) -> Benchmark | None:
    value = raw.get("benchmark")
    if value is None:
        return None
    if isinstance(value, (str, int)):
        value = {"client": value}
    if not isinstance(value, dict) or "client" not in value or set(value) - {"client", "column"} \
            or not str(value["client"]).strip():
        raise _fail(path, "benchmark", f"expected `client:` (and optionally `column:`), got {value!r}",
                    "Write `benchmark: {client: Virgin America}`: the value of the `company` column that is the "
                    "client; the other values become its benchmark.")
    column = str(value.get("column", "company"))
    if column not in ("company", "segment") and family_of(column) is None:
        raise _fail(path, "benchmark.column", f"{column!r} is not a column that can name a company",
                    "Use `company` (map the file's company column to it) or leave `column:` out.")
    return Benchmark(client=str(value["client"]), column=column)


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
        raise ConfigError(f"{config_label(path)}{where}: not valid YAML ({getattr(exc, 'problem', exc)}).") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_label(path)}: expected a mapping of settings at the top level.")
    name = path.parent.name
    unknown = sorted(set(map(str, raw)) - _TOP_KEYS)
    if unknown:
        hints = [f"`{k}` (did you mean `{m[0]}`?)" if (m := difflib.get_close_matches(k, _TOP_KEYS, n=1)) else f"`{k}`"
                 for k in unknown]
        raise ConfigError(f"{config_label(path)}: unknown key(s) {', '.join(hints)}. "
                          f"Known keys: {', '.join(sorted(_TOP_KEYS))} (see docs/client-yaml.md).")
    stages = _str_list(raw, "stages", path) or list(DEFAULT_STAGES)
    sale_stage = str(raw.get("sale_stage", stages[min(1, len(stages) - 1)]))
    if sale_stage not in stages:
        raise _fail(path, "sale_stage", f"{sale_stage!r} is not one of the stages {stages}", "Name the buying stage.")
    channels = _str_list(raw, "channels", path) or list(CHANNELS)
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
        outcome=_outcome(raw, path),
        benchmark=_benchmark(raw, path),
    )
