"""The commented ``client.yaml`` that ``cx init`` writes, and confirming its flagged items.

Every item the tool is unsure of is written with a marker line right above it::

    # CONFIRM[tables.responses.scales.nps]: column `Q1` ("How likely are you to recommend…") has values
    nps: 1-10

:func:`pending` lists the markers of a file; :func:`confirm_file` removes them,
optionally replacing the value below a marker with another answer. Markers that
belong to no single line (a file left out, a missing table) sit in the header,
followed by a blank line; they can be confirmed but not answered.

Examples
--------
>>> text = "# CONFIRM[sale_stage]: `buy`? confirm\\nsale_stage: buy\\n"
>>> [item.id for item in parse_pending(text)]
['sale_stage']
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

import yaml

from cxlib.errors import ConfigError

__all__ = ["render", "apply_answer", "PendingItem", "parse_pending", "pending", "confirm_file", "confirm_text"]

_MARK = re.compile(r"^(?P<indent>\s*)# CONFIRM\[(?P<id>[^\]]+)\]: (?P<message>.*)$")
_TOP_ORDER = ("display_name", "currency", "period", "outcome", "benchmark", "stages", "sale_stage", "segments",
              "channels", "touchpoints", "min_n", "min_n_quotes", "codebook")


def _one_line(text: str | None) -> str | None:
    """Comments must stay on one line: a newline in a raw column name would end the comment."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    # YAML refuses control characters even inside comments: show them escaped
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class _OneLineDumper(yaml.SafeDumper):
    """Safe dumper that double-quotes (and so escapes) strings holding line breaks or control characters."""


def _represent_str(dumper: yaml.SafeDumper, data: str):
    style = '"' if not data.isprintable() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_OneLineDumper.add_representer(str, _represent_str)


def _flow(value: Any) -> str:
    """One-line YAML for a value (flow style for lists and mappings)."""
    text = yaml.dump(value, Dumper=_OneLineDumper, default_flow_style=True, width=10**9, allow_unicode=True,
                     sort_keys=False)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return text


@dataclass(frozen=True)
class PendingItem:
    """A ``# CONFIRM[...]`` marker found in a client.yaml: its id, message and 1-based line."""

    id: str
    message: str
    line: int


# --------------------------------------------------------------------------- rendering
class _Writer:
    def __init__(self, proposal):
        self.p = proposal
        self.lines: list[str] = []
        self.by_key: dict[tuple, list] = {}
        for f in proposal.flags:
            self.by_key.setdefault(tuple(f.key), []).append(f)
        self.done: set[str] = set()

    def marks(self, key: tuple, indent: int) -> None:
        for f in self.by_key.get(tuple(key), []):
            self.lines.append(" " * indent + f"# CONFIRM[{f.id}]: {_one_line(f.message)}")
            self.done.add(f.id)

    def item(self, key: tuple, value: Any, indent: int) -> None:
        self.marks(key, indent)
        comment = _one_line(self.p.comments.get(tuple(key)))
        line = " " * indent + f"{_flow(key[-1])}: {_flow(value)}"
        self.lines.append(line + (f"  # {comment}" if comment else ""))

    def block(self, key: tuple, indent: int, comment: str | None = None) -> None:
        self.marks(key, indent)
        comment = _one_line(comment or self.p.comments.get(tuple(key)))
        self.lines.append(" " * indent + f"{_flow(key[-1])}:" + (f"  # {comment}" if comment else ""))


def render(proposal) -> str:
    """The commented YAML text of a :class:`cxlib.onboard.core.Proposal`.

    ``yaml.safe_load(render(p)) == p.config``; every flag of ``p`` appears as one
    ``# CONFIRM[<id>]: <message>`` line, above the line it concerns.
    """
    p = proposal
    w = _Writer(p)
    cfg = p.config
    for key in _TOP_ORDER:
        if key not in cfg:
            continue
        if key == "touchpoints":
            w.block(("touchpoints",), 0)
            for tp in cfg["touchpoints"]:
                w.lines.append(f"  - {_flow(tp)}")
        elif key == "benchmark" and isinstance(cfg[key], dict):
            w.block((key,), 0)
            for sub, val in cfg[key].items():
                w.item((key, sub), val, 2)
        else:
            w.item((key,), cfg[key], 0)
    w.lines.append("# brand: {primary: \"#1F3A5F\", accent: \"#E07A1F\", neutral: \"#6B7280\"}   # report colours")
    w.lines.append("# quality: {speeder_fraction: 0.33, exclude_speeders: true, exclude_straightliners: false, "
                   "exclude_duplicate_respondents: true, duplicate_window_days: 7}")
    w.block(("tables",), 0)
    for table, entry in cfg.get("tables", {}).items():
        base = ("tables", table)
        if base in p.comments:
            w.lines.append(f"  # {_one_line(p.comments[base])}")
        w.marks(base, 2)
        w.lines.append(f"  {_flow(table)}:")
        for key, value in entry.items():
            if key in ("columns", "scales", "missing_codes", "constants") and isinstance(value, dict) and value:
                w.block(base + (key,), 4)
                for sub, val in value.items():
                    w.item(base + (key, sub), val, 6)
            else:
                w.item(base + (key,), value, 4)
        if "columns" not in entry and base + ("columns",) in w.by_key:
            w.marks(base + ("columns",), 4)
            w.lines.append("    # columns: {Raw name: canonical_name}")
        gone = p.unmapped.get(table) or []
        if gone:
            w.lines.append("    # Columns not used (kept in the file, never stored). To use one, add "
                           "`Raw name: canonical_name` under `columns:`:")
            for raw, note in gone:
                w.lines.append(f"    #   {_one_line(raw)}: {_one_line(note)}")
    rest = [f for f in p.flags if f.id not in w.done]
    head = _header(p, len(p.flags))
    for f in rest:
        head.append(f"# CONFIRM[{f.id}]: {_one_line(f.message)}")
    return "\n".join([_one_line(h) if h.startswith("#") else h for h in head] + [""] + w.lines) + "\n"


def _header(p, n_flags: int) -> list[str]:
    absolute = any(os.path.isabs(str(_first_path(e))) for e in p.config.get("tables", {}).values())
    lines = [
        f"# client.yaml for {p.client}, proposed by `cx init {p.client} --from {p.source.name}/` after reading the "
        "files listed below (they are never changed).",
        "# Paths are " + ("absolute (the client's folder is outside the project)." if absolute else
                          f"relative to this file's folder (data/{p.client}/)."),
        "# Every key is explained in docs/client-yaml.md.",
    ]
    if n_flags:
        lines.append(f"# {n_flags} item(s) to confirm, each marked `# CONFIRM[<id>]:` above its line: check the "
                     "value, change it if needed, then delete the marker")
        lines.append(f"# (or run `cx init {p.client} --confirm all` to accept what is written).")
    lines.append("# Files read:")
    used = p.assignments
    for f in p.files:
        if f.path.name in used:
            how = "; ".join(n.rstrip(".") for n in f.notes[:2] if len(n) < 140)
            lines.append(f"#   {f.path.name} -> {used[f.path.name]}" + (f" ({how})" if how else ""))
    for name, why in p.unused_files:
        lines.append(f"#   {name} -> not used: {why}")
    return lines


def _first_path(entry: dict) -> str:
    path = entry.get("path", "")
    return path[0] if isinstance(path, list) and path else path


# --------------------------------------------------------------------------- answers
def apply_answer(config: dict, key: tuple, value: Any) -> dict:
    """A copy of ``config`` with the setting at ``key`` set to ``value`` (None removes a mapping entry).

    Keys that name no setting (a file left out, a missing table) leave the config unchanged.

    Examples
    --------
    >>> apply_answer({"tables": {"responses": {"scales": {"nps": "1-10"}}}},
    ...              ("tables", "responses", "scales", "nps"), "0-10")
    {'tables': {'responses': {'scales': {'nps': '0-10'}}}}
    """
    out = copy.deepcopy(config)
    if key[0] in ("files", "unused") or key == ("touchpoints", "ids"):
        return out
    node = out
    for part in key[:-1]:
        if not isinstance(node, dict):
            return out
        if part not in node or node[part] is None:
            if value is None:
                return out
            node[part] = {}
        node = node[part]
    if value is None:
        node.pop(key[-1], None)  # an emptied mapping stays, as `{}`, the way confirm_text leaves the file
    else:
        node[key[-1]] = value
    return out


def parse_pending(text: str) -> list[PendingItem]:
    """The ``# CONFIRM[...]`` markers in a client.yaml text, in order."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _MARK.match(line)
        if m:
            out.append(PendingItem(m.group("id"), m.group("message"), number))
    return out


def pending(path: str | os.PathLike) -> list[PendingItem]:
    """The items of a client.yaml still marked ``# CONFIRM[...]``.

    Examples
    --------
    >>> [i.id for i in pending("data/acme/client.yaml")]   # doctest: +SKIP
    ['stages', 'tables.responses.scales.nps']
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path} does not exist. Run `cx init <client> --from <folder>` first.")
    return parse_pending(path.read_text(encoding="utf-8"))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def confirm_text(text: str, ids: Iterable[str] | Literal["all"] = "all", *,
                 answers: Mapping[str, Any] | None = None) -> str:
    """``text`` with the markers of ``ids`` (and of ``answers``) removed, answered values written in.

    Raises
    ------
    ConfigError
        An id that is not pending, or an answer for a marker that has no ``key: value`` line of its own.
    """
    answers = dict(answers or {})
    lines = text.splitlines()
    marks = {i.id: i for i in parse_pending(text)}
    chosen = set(marks) if ids == "all" else set(ids)
    unknown = sorted((chosen | set(answers)) - set(marks))
    if unknown:
        raise ConfigError(f"Cannot confirm {', '.join(unknown)}: no such `# CONFIRM[...]` marker. "
                          f"Pending: {', '.join(marks) or 'nothing'}.")
    # answers first, bottom-up so line numbers stay valid
    for fid in sorted(answers, key=lambda f: -marks[f].line):
        i = marks[fid].line - 1
        j = i + 1
        while j < len(lines) and lines[j].lstrip().startswith("#"):
            j += 1
        if j >= len(lines) or not lines[j].strip():
            raise ConfigError(f"CONFIRM[{fid}] is a note without a value of its own: edit client.yaml by hand, "
                              "then confirm it without an answer.")
        end = j + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > _indent(lines[j])):
            if not lines[end].strip():
                break
            end += 1
        try:
            parsed = yaml.safe_load(lines[j].split("  #")[0].strip())
        except yaml.YAMLError:
            parsed = None
        if not isinstance(parsed, dict) or len(parsed) != 1:
            raise ConfigError(f"CONFIRM[{fid}]: line {j + 1} is not a `key: value` line; edit it by hand.")
        key = next(iter(parsed))
        pad = " " * _indent(lines[j])
        value = answers[fid]
        if value is None:
            new = [f"{pad}# {_one_line(str(key))}: left out (confirmed)"]
            parent = next((k for k in range(j - 1, -1, -1) if lines[k].strip() and not lines[k].lstrip().startswith("#")
                           and _indent(lines[k]) < _indent(lines[j])), None)
            after = lines[end:]
            still = any(line.strip() and not line.lstrip().startswith("#") and _indent(line) >= _indent(lines[j])
                        for line in after[: next((n for n, line in enumerate(after) if line.strip()
                                                   and not line.lstrip().startswith("#")
                                                   and _indent(line) < _indent(lines[j])), len(after))])
            siblings = any(line.strip() and not line.lstrip().startswith("#") for line in lines[parent + 1: i]) \
                if parent is not None else True
            if parent is not None and not still and not siblings and lines[parent].rstrip().endswith(":"):
                lines[parent] = lines[parent].rstrip() + " {}"
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            new = [f"{pad}{_flow(key)}:"] + [f"{pad}  - {_flow(v)}" for v in value]
        else:
            new = [f"{pad}{_flow(key)}: {_flow(value)}"]
        lines[j:end] = new
    done = chosen | set(answers)
    lines = [line for line in lines if not ((m := _MARK.match(line)) and m.group("id") in done)]
    return "\n".join(lines) + "\n"  # answers are written by yaml.safe_dump itself, so the text stays valid


def confirm_file(path: str | os.PathLike, ids: Iterable[str] | Literal["all"] = "all", *,
                 answers: Mapping[str, Any] | None = None) -> list[str]:
    """Confirm flagged items of a client.yaml in place; return the ids still pending.

    Parameters
    ----------
    path : path
        The client.yaml written by ``cx init``.
    ids : iterable of str or "all"
        Markers to accept as written (default: all).
    answers : mapping, optional
        Marker id -> value written instead (a scale such as ``"0-10"``, a list of stages, a
        canonical column name, or None to leave a column unmapped). Confirms that marker too.

    Examples
    --------
    >>> confirm_file("data/acme/client.yaml", answers={"tables.responses.scales.nps": "0-10"})   # doctest: +SKIP
    ['stages']
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else None
    if text is None:
        raise ConfigError(f"{path} does not exist. Run `cx init <client> --from <folder>` first.")
    new = confirm_text(text, ids, answers=answers)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
    return [i.id for i in parse_pending(new)]
