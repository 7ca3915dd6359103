"""``cx init``: propose a client.yaml from a folder of client files, and confirm its flagged items.

With a terminal, ``cx init acme --from incoming/acme`` asks, item by item, what it could not
decide (which column is the date, which value is the client, which outcome to report), showing
sample values; Enter keeps the proposal. ``--yes`` takes every proposal without asking (scripts,
batches); without a terminal and without ``--yes`` the file is written with ``# CONFIRM`` markers.
The written file is then validated (nothing stored): when it would not validate, the command
says exactly what is missing and exits with status 1.

Examples
--------
``cx init acme --from incoming/acme --yes`` writes ``data/acme/client.yaml``, all confirmed;
``cx init acme --pending`` lists the items marked ``# CONFIRM``;
``cx init acme --answer tables.responses.scales.nps=0-10 --confirm all`` settles them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxlib.cli.errors import friendly_errors
from cxlib.errors import ConfigError, CxError

__all__ = ["register", "init"]

console = Console()
err_console = Console(stderr=True)


def _parse_answers(items: list[str]) -> dict:
    answers = {}
    for item in items:
        fid, sep, value = item.partition("=")
        if not sep or not fid.strip():
            raise ConfigError(f"--answer {item!r}: expected ID=VALUE, e.g. `--answer tables.responses.scales.nps=0-10` "
                              "(VALUE is read as YAML: `[a, b]` is a list, `null` leaves a column unmapped).")
        try:
            answers[fid.strip()] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError:
            answers[fid.strip()] = value
    return answers


def _summary(proposal) -> None:
    table = Table(title=f"{proposal.client}: files in {proposal.source}", title_justify="left")
    for col in ("file", "read as", "table", "columns mapped", "not used"):
        table.add_column(col, overflow="fold")
    for insp in proposal.files:
        name = insp.path.name
        target = proposal.assignments.get(name)
        how = "unreadable" if insp.format is None else ", ".join(
            x for x in (insp.format, insp.encoding, f"delimiter {insp.delimiter!r}" if insp.delimiter else "",
                        f"{insp.skip_rows} title row(s)" if insp.skip_rows else "") if x)
        if target:
            n_cols = len(insp.columns) - len(proposal.unmapped.get(target, []))
            table.add_row(escape(name), escape(how), target, str(n_cols), str(len(proposal.unmapped.get(target, []))))
        else:
            why = next((w for n, w in proposal.unused_files if n == name), "")
            table.add_row(escape(name), escape(how), f"[dim]not used[/]: {escape(why)}", "–", "–")
    console.print(table)
    if proposal.flags:
        console.print(f"[bold yellow]{len(proposal.flags)} item(s) to confirm[/] (marked `# CONFIRM[...]` in "
                      f"{proposal.path}):", highlight=False)
        for flag in proposal.flags:
            console.print(f"  [yellow]{escape(flag.id)}[/]: {escape(flag.message)}", highlight=False, soft_wrap=True)


def _check(path: Path) -> bool:
    """Validate the written client.yaml without storing anything, say how it went; True when it validates."""
    from cxlib.ingest.validate import validate_client
    from cxlib.workspace import load_config

    try:
        result = validate_client(load_config(path))
    except CxError as exc:
        console.print(f"[bold red]check:[/] {path.parent.name}/client.yaml does not validate yet: {escape(str(exc))}",
                      highlight=False, soft_wrap=True)
        return False
    for row in result.reconciliation.itertuples():
        if row.status == "absent":
            continue
        used = "–" if row.rows_used is None else f"{int(row.rows_used):,}"
        read = "–" if row.rows_read is None or str(row.rows_read) == "<NA>" else f"{int(row.rows_read):,}"
        mark = "[green]✓[/]" if row.status == "ok" else "[bold red]✗[/]"
        console.print(f"{mark} {row.table}: {read} rows read, {used} used" + (f" — {escape(row.problem)}" if row.problem else ""),
                      highlight=False, soft_wrap=True)
    if result.ok:
        console.print("[green]check:[/] the proposed client.yaml validates.")
        return True
    for problem in result.problems:
        console.print(f"[bold red]missing:[/] {escape(problem)}", highlight=False, soft_wrap=True)
    return False


def _ask(proposal, interactive_console: Console):
    """Ask about each flagged item; return the proposal with the answers given (Enter keeps a proposal)."""
    from cxlib.onboard.questions import LEAVE_OUT, questions, read_answer

    answers: dict = {}
    keep: list[str] = []
    items = questions(proposal)
    if items:
        interactive_console.print(f"[bold]{len(items)} question(s)[/] about what could not be decided. Enter keeps "
                                  "the proposal; `later` leaves the item marked in client.yaml.", highlight=False)
    for n, q in enumerate(items, start=1):
        interactive_console.print(f"\n[bold yellow]{n}/{len(items)}[/] {escape(q.text)}", highlight=False,
                                  soft_wrap=True)
        if q.samples:
            interactive_console.print("   values: " + escape(", ".join(q.samples)), highlight=False, soft_wrap=True)
        for i, option in enumerate(q.options, start=1):
            interactive_console.print(f"   {i}. {escape(str(option))}", highlight=False)
        hint = f" ({'/'.join(LEAVE_OUT[:1])} to leave it out)" if q.optional else ""
        typed = typer.prompt(f"   answer{hint}", default="", show_default=False)
        if typed.strip().lower() == "later":
            keep.append(q.id)
            continue
        value = read_answer(q, typed)
        if value != q.proposed:
            answers[q.id] = value
    done = [q.id for q in items if q.id not in keep and q.id not in answers]
    return proposal.confirm(done, answers=answers)


def init(
    client: str = typer.Argument(..., help="Client name: the workspace is data/<client>/."),
    source: Optional[Path] = typer.Option(None, "--from", help="Folder holding the client's exported files (only read)."),
    root: Optional[Path] = typer.Option(None, "--root", help="Project folder holding data/ (default: CX_ROOT or the "
                                                             "nearest parent with data/)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing client.yaml (kept as client.yaml.bak)."),
    paths: str = typer.Option("auto", "--paths", help="auto (relative inside the project, else absolute), "
                                                      "relative or absolute."),
    codebook: bool = typer.Option(True, "--codebook/--no-codebook",
                                  help="Copy the starter codebook when the client has none."),
    check: bool = typer.Option(True, "--check/--no-check", help="Validate the proposed client.yaml (stores nothing)."),
    pending_only: bool = typer.Option(False, "--pending", help="List the items of client.yaml still to confirm."),
    confirm: Optional[list[str]] = typer.Option(None, "--confirm", help="Accept a flagged item as written (repeatable; "
                                                                        "`all` for every one)."),
    answer: Optional[list[str]] = typer.Option(None, "--answer", help="ID=VALUE: write VALUE (YAML) for a flagged "
                                                                      "item and confirm it (repeatable)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Take every proposal without asking (for scripts and "
                                                        "batches)."),
    interactive: Optional[bool] = typer.Option(None, "--interactive/--no-interactive",
                                               help="Ask about each unsure item (default: when a terminal is "
                                                    "attached and --yes is not given)."),
) -> None:
    """Propose data/<client>/client.yaml from a folder of client files, or confirm its flagged items.

    The files are only read; the YAML points at them. Items the tool is unsure of are marked
    `# CONFIRM[<id>]:` in the file: review them, then `--confirm all` (or `--answer ID=VALUE`).
    """
    from cxlib.onboard.propose import propose_config
    from cxlib.onboard.confirm import confirm_file, pending
    from cxlib.workspace import project_root

    if paths not in ("auto", "relative", "absolute"):
        raise ConfigError(f"--paths {paths!r}: expected auto, relative or absolute.")
    target = project_root(root) / "data" / client / "client.yaml"
    if source is not None:
        if pending_only or confirm or answer:
            raise ConfigError("Use --from to propose a client.yaml, then --pending / --confirm / --answer in a "
                              "second call, once you have read the proposal.")
        if target.exists() and not force:
            raise ConfigError(f"{target} already exists. Use `cx init {client} --from <folder> --force` "
                              "to replace it (the old one is kept as client.yaml.bak), or edit it by hand.")
        with console.status(f"reading the files in {source}…"):
            proposal = propose_config(client, source, root=root, paths=paths, codebook=codebook)
        _summary(proposal)
        if interactive is None:
            interactive = not yes and sys.stdin.isatty() and sys.stdout.isatty()
        if yes:
            proposal = proposal.confirm("all")
            console.print("--yes: every proposal taken as written.", highlight=False)
        elif interactive and proposal.flags:
            proposal = _ask(proposal, console)
        proposal.write(overwrite=force)
        console.print(f"[green]✓[/] wrote {proposal.path}", highlight=False)
        if not proposal.config.get("tables"):
            for name, why in proposal.unused_files:
                console.print(f"[bold red]missing:[/] {escape(name)}: {escape(why)}", highlight=False, soft_wrap=True)
            console.print(f"Not usable yet: no file of {source} gives survey answers or posts. Fix the files above, "
                          f"or map them by hand in {proposal.path}.", highlight=False, soft_wrap=True)
            raise typer.Exit(1)
        ok = _check(proposal.path) if check else True
        if not ok:
            console.print(f"Not usable yet: fix what is missing above (or map it in {proposal.path}), then "
                          f"`cx validate {client}`.", highlight=False, soft_wrap=True)
            raise typer.Exit(1)
        next_step = (f"review the CONFIRM items, then `cx init {client} --confirm all`" if proposal.flags
                     else f"`cx validate {client}`")
        console.print(f"Next: {next_step}.", highlight=False)
        return
    if not (pending_only or confirm or answer):
        raise ConfigError(f"Nothing to do: give `--from <folder>` to propose data/{client}/client.yaml, or "
                          "`--pending`, `--confirm ID|all`, `--answer ID=VALUE` to settle its flagged items.")
    if confirm or answer:
        ids = "all" if confirm and "all" in confirm else list(confirm or [])
        left = confirm_file(target, ids, answers=_parse_answers(list(answer or [])))
        console.print(f"[green]✓[/] {target}: {len(left)} item(s) still to confirm", highlight=False)
    items = pending(target)
    for item in items:
        console.print(f"line {item.line}  [yellow]{escape(item.id)}[/]: {escape(item.message)}", highlight=False,
                      soft_wrap=True)
    if not items:
        console.print(f"Nothing left to confirm in {target}. Next: `cx validate {client}`.", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``init`` command to the ``cx`` application."""
    app.command("init")(friendly_errors(init))
