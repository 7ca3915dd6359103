"""Proposing a client.yaml from a folder of client files (``cx init``), and writing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from cxlib.errors import ConfigError
from cxlib.onboard.entry import table_entry
from cxlib.onboard.inspect import FileInspection, inspect_folder
from cxlib.onboard.mapping import ColumnMapping, eligible, map_columns, short_text, why_not
from cxlib.onboard.proposal import Builder, Proposal
from cxlib.onboard.settings import propose_settings
from cxlib.schema import TABLE_ORDER

__all__ = ["PathMode", "yaml_path", "glob_for", "propose_config", "init_client"]

PathMode = Literal["auto", "relative", "absolute"]

# --------------------------------------------------------------------------- proposal
def yaml_path(file: Path, workspace: Path, root: Path, mode: PathMode) -> str:
    file = file.resolve()
    if mode == "absolute" or (mode == "auto" and not _inside(file, root)):
        return str(file)
    return os.path.relpath(file, workspace.resolve())


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def glob_for(names: list[str], all_names: list[str]) -> str | None:
    """A pattern ``prefix*suffix`` matching exactly ``names`` among ``all_names``, or None."""
    import fnmatch

    prefix = os.path.commonprefix(names)
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    if re.search(r"\d", prefix[-1:] or ""):  # "nps-2025-0" -> "nps-": next year's files match too
        m = re.match(r"^(.*?[^\d_-])([_-]?)[\d_-]*$", prefix)
        prefix = m.group(1) + m.group(2) if m else ""
    if not prefix or len(prefix) + len(suffix) >= min(len(n) for n in names):
        return None
    pattern = f"{prefix}*{suffix}"
    matched = sorted(n for n in all_names if fnmatch.fnmatchcase(n, pattern))
    return pattern if matched == sorted(names) else None


def propose_config(
    client: str,
    source: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    paths: PathMode = "auto",
    codebook: bool = True,
) -> Proposal:
    """Inspect the client's folder and propose a ``client.yaml`` (nothing is written).

    Parameters
    ----------
    client : str
        Client name: the workspace is ``<root>/data/<client>/``.
    source : path
        Folder holding the client's exported files (only read).
    root : path, optional
        Project folder (:func:`cxlib.workspace.project_root`).
    paths : {"auto", "relative", "absolute"}
        How file paths are written: relative to ``data/<client>/`` when the source folder is
        inside the project (``auto``, portable with the project), absolute otherwise.
    codebook : bool
        Propose the bundled starter codebook (copied to ``data/<client>/codebook.yaml`` by
        :meth:`Proposal.write`) when neither the workspace nor the source folder has one.

    Returns
    -------
    Proposal
        ``config`` (the YAML as data), ``flags`` (to confirm), ``unmapped`` columns, ``unused_files``.

    Notes
    -----
    Each file is scored against each table: ``10 × share of the table's required columns
    found + 0.5 × optional columns found + 3 if its key column is found + 4 if the file name
    says so (survey, contacts, crm…)``; survey answers add 6 for a Qualtrics or SurveyMonkey
    export and 3 per outcome column, posts 3 for a text column named like one and 2 for each of
    title, stars, engagement and date. A file goes to its best table among those it can be:
    survey answers need a score, rating or comment; posts a text; the other tables their key
    column and half of their required columns (ids of answers and posts are made when absent). Several files for one table are combined when they are read the same
    way and map the same columns (monthly exports), as a ``prefix*suffix`` pattern when one
    matches exactly those files. Columns are matched, strongest first, by exact canonical name,
    by synonym (:data:`SYNONYMS`), by survey question text, then by values; a match whose values
    do not fit the column's type is refused.

    Examples
    --------
    >>> p = propose_config("acme", "incoming/acme", root=".")   # doctest: +SKIP
    >>> p.config["tables"]["responses"]["scales"]                # doctest: +SKIP
    {'nps': '1-10', 'csat': '1-5'}
    """
    from cxlib.config import CLIENT_NAME
    from cxlib.workspace import project_root

    if not CLIENT_NAME.match(client):
        raise ConfigError(f"{client!r} is not a valid client name: use lower-case letters, digits, '-' and '_'.")
    base = project_root(root)
    workspace = base / "data" / client
    source = Path(source).resolve()
    inspections = inspect_folder(source)
    b = Builder()
    unused: list[tuple[str, str]] = []
    best: dict[str, list[tuple[FileInspection, ColumnMapping]]] = {}
    for insp in inspections:
        if insp.format is None:
            unused.append((insp.path.name, f"cannot be read: {insp.error}"))
            continue
        scored = [(t, map_columns(insp, t)) for t in TABLE_ORDER]
        ok = [(t, m) for t, m in scored if eligible(t, m, insp)]
        if not ok:
            cols = ", ".join(short_text(c, 40) for c in insp.columns["column"].head(8)) + \
                (" …" if len(insp.columns) > 8 else "")
            missing = "; ".join(why_not(t, m, insp) for t, m in sorted(scored, key=lambda tm: -tm[1].score)[:2])
            unused.append((insp.path.name, f"its columns ({cols}) match no table: {missing}. Rename a column "
                                           "in the export or map it by hand under `tables:`"))
            continue
        table, mapping = max(ok, key=lambda tm: tm[1].score)
        best.setdefault(table, []).append((insp, mapping))
    chosen: dict[str, tuple[list[FileInspection], ColumnMapping]] = {}
    tables: dict[str, dict] = {}
    unmapped: dict[str, list] = {}
    assignments: dict[str, str] = {}
    all_names = [p.name for p in source.iterdir() if p.is_file()]
    for table in TABLE_ORDER:
        if table not in best:
            continue
        groups: dict[tuple, list[tuple[FileInspection, ColumnMapping]]] = {}
        for insp, m in best[table]:
            sig = (insp.format, insp.encoding, insp.delimiter, insp.skip_rows, str(insp.sheet),
                   tuple(sorted(m.columns.items())))
            groups.setdefault(sig, []).append((insp, m))
        ranked = sorted(groups.values(), key=lambda g: (-max(m.score for _, m in g), -sum(i.n_rows for i, _ in g)))
        group = ranked[0]
        for other in ranked[1:]:
            for insp, _ in other:
                unused.append((insp.path.name, f"also looks like {table}, but is read differently or has other "
                                               f"columns than {group[0][0].path.name}"))
                b.flag(("files", insp.path.name), f"{insp.path.name} also looks like {table} but differs from "
                                                  f"{group[0][0].path.name} (columns or format): left out; confirm "
                                                  "(or make the exports alike and list both under `path`)")
        files = [i for i, _ in group]
        m = group[0][1]
        yaml_paths = [yaml_path(f.path, workspace, base, paths) for f in files]
        pattern = None
        if len(files) > 1 and not os.path.isabs(yaml_paths[0]):
            glob = glob_for([f.path.name for f in files], all_names)
            if glob:
                pattern = str(Path(yaml_paths[0]).parent / glob) if Path(yaml_paths[0]).parent != Path(".") else glob
        chosen[table] = (files, m)
        assignments.update({f.path.name: table for f in files})
        tables[table] = table_entry(b, table, files, m, yaml_paths, pattern)
        if "dayfirst" in tables[table]:
            b.dayfirst[table] = tables[table]["dayfirst"]
        unmapped[table] = m.unmapped
    if "responses" not in tables and "mentions" not in tables:
        why = "; ".join(f"{name}: {w}" for name, w in unused) or "no data file"
        b.flag(("tables", "responses"), "no file looks like survey answers (a score, rating or comment column) or "
                                        f"posts and reviews (a text column) ({why}): add the export to the folder, "
                                        "or write `tables: responses:` by hand")
    settings = propose_settings(b, client, chosen)
    config: dict[str, Any] = {**settings}
    copy_from = None
    if (source / "codebook.yaml").exists():
        config["codebook"] = yaml_path(source / "codebook.yaml", workspace, base, paths)
    else:
        config["codebook"] = "codebook.yaml"
        if codebook and not (workspace / "codebook.yaml").exists():
            # the file cxlib.text.codebook.starter_codebook_path() names; importing cxlib.text would load
            # its models' libraries just to name a file
            copy_from = Path(__file__).resolve().parents[1] / "resources" / "codebook_starter.yaml"
            b.flag(("codebook",), "no codebook in the client's folder: the generic starter codebook is copied to "
                                  f"data/{client}/codebook.yaml; adapt its themes to the client (see docs/guide.md)",
                   "codebook.yaml")
    config["tables"] = tables
    for fname, why in unused:
        b.comments.setdefault(("unused", fname), why)
    top = [*config, "files"]
    flags = sorted(b.flags, key=lambda f: (top.index(f.key[0]) if f.key[0] in top else len(top),
                                           TABLE_ORDER.index(f.key[1]) if f.key[0] == "tables" and len(f.key) > 1
                                           and f.key[1] in TABLE_ORDER else 0))
    return Proposal(client=client, source=source, path=workspace / "client.yaml", config=config,
                    flags=tuple(flags), files=tuple(inspections), comments=b.comments, unmapped=unmapped,
                    unused_files=tuple(unused), assignments=assignments, copy_codebook=copy_from)


def init_client(
    client: str,
    source: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    paths: PathMode = "auto",
    codebook: bool = True,
    overwrite: bool = False,
) -> Proposal:
    """What ``cx init <client> --from <folder>`` does: propose a config and write it.

    Returns the :class:`Proposal` written to ``<root>/data/<client>/client.yaml`` (its
    ``flags`` are the ``# CONFIRM`` items in the file). The client's files are only read.

    Examples
    --------
    >>> p = init_client("acme", "incoming/acme", root=".")      # doctest: +SKIP
    >>> from cxlib.onboard.confirm import confirm_file
    >>> confirm_file(p.path)                                     # doctest: +SKIP
    []
    """
    proposal = propose_config(client, source, root=root, paths=paths, codebook=codebook)
    proposal.write(overwrite=overwrite)
    return proposal
