"""The ``cx`` command line: demo data, validation, reports.

Starting ``cx`` imports only typer (and click): each command imports what it needs when it runs,
so ``cx --help`` and ``cx --version`` answer at once (``tests/cli/test_startup.py`` keeps pandas,
numpy and the analysis stack out of ``import cxlib.cli``). Help is click's plain layout: the
rich layout costs a third of a second at every start and prints ``<bool>`` after each flag.

Examples
--------
``cx demo``, ``cx validate acme-telecom``, ``cx validate --all``, ``cx report acme-telecom``, ``cx batch``,
``cx --version``, ``python -m cxlib --help``.
"""

from __future__ import annotations

import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Optional

import typer

from cxlib import __version__
from cxlib.cli.errors import EXIT_DATA, friendly_errors, print_error
from cxlib.errors import CxError

__all__ = ["app", "main", "console"]

app = typer.Typer(
    name="cx",
    help="CX Workbench: validate a client's data, analyse it, render its reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

ROOT_OPTION = typer.Option(None, "--root", help="Project folder holding data/ (default: CX_ROOT or the nearest parent with data/).")


@lru_cache(maxsize=1)
def console():
    """The stdout console (rich is imported by the first command that prints)."""
    from rich.console import Console

    return Console()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cx (CX Workbench) {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                 help="Print the version and exit."),
) -> None:
    """CX Workbench: validate a client's data, analyse it, render its reports.

    Exit status: 0 done; 1 the client's data or a report failed; 2 the command itself is wrong
    (unknown client, option or parameter).
    """


@app.command()
@friendly_errors
def demo(
    customers: int = typer.Option(3000, "--customers", "-n", min=50, help="Customers per demo client."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same files)."),
    client: Optional[list[str]] = typer.Option(None, "--client", help="Only these demo clients (repeatable)."),
    root: Optional[Path] = ROOT_OPTION,
) -> None:
    """Generate the synthetic demo clients (with planted effects) into data/."""
    from cxlib.demo import DEMO_CLIENTS, generate_client
    from cxlib.workspace import project_root

    base = project_root(root)
    names = list(client) if client else list(DEMO_CLIENTS)
    unknown = sorted(set(names) - set(DEMO_CLIENTS))
    if unknown:
        raise CxError(f"Unknown demo client(s) {', '.join(unknown)}. Demo clients: {', '.join(DEMO_CLIENTS)}.")
    for name in names:
        start = time.perf_counter()
        with console().status(f"generating {name} ({customers:,} customers)…"):
            path = generate_client(name, base, n_customers=customers, seed=seed)
        console().print(f"[green]✓[/] {name}: {path} ({time.perf_counter() - start:.1f} s)")


def _reconciliation_table(result):
    import pandas as pd
    from rich.table import Table

    table = Table(title=f"{result.client}: rows read = rows used + rows quarantined", title_justify="left")
    for col in ("table", "file", "read", "used", "quarantined", "flagged", "status"):
        table.add_column(col, justify="right" if col in ("read", "used", "quarantined", "flagged") else "left")
    for row in result.reconciliation.itertuples():
        status = {"ok": "[green]ok[/]", "absent": "[dim]absent[/]"}.get(row.status, f"[bold red]{row.status}[/]")
        fmt = lambda v: "–" if pd.isna(v) else f"{int(v):,}"  # noqa: E731
        table.add_row(row.table, row.file or "–", fmt(row.rows_read), fmt(row.rows_used), fmt(row.rows_quarantined),
                      fmt(row.rows_flagged), status)
    return table


def _reasons_table(result, top: int):
    from rich.markup import escape
    from rich.table import Table

    from cxlib.ingest.validate import FIX_HINTS

    q = result.quarantine
    if not len(q):
        return None
    grouped = (
        q.groupby(["table", "reason_code", "column"], dropna=False, observed=True)
        .agg(rows=("row", "size"), file=("file", "first"), first_row=("row", "first"), example=("reason", "first"))
        .reset_index()
        .sort_values("rows", ascending=False)
        .head(top)
    )
    # the reason quotes the raw value, which may be personal data: the terminal (and any log of it) is an output
    from cxlib.text.redact import redact_series

    grouped["example"] = redact_series(grouped["example"].astype("string"), corpus_vocabulary=False)["text"]
    table = Table(title="Top quarantine reasons", title_justify="left")
    for col in ("table", "reason", "rows", "first example"):
        table.add_column(col, justify="right" if col == "rows" else "left", overflow="fold")
    for row in grouped.itertuples():
        table.add_row(row.table, row.reason_code, f"{row.rows:,}", escape(f"{row.file} row {row.first_row}: {row.example}"))
    hints = [f"[bold]{code}[/]: {escape(FIX_HINTS[code])}" for code in dict.fromkeys(grouped["reason_code"]) if code in FIX_HINTS]
    return table, hints


def broken_client_message(name: str, exc: Exception) -> str:
    """``"acme: client.yaml, key `tables`: is missing…"``: every problem names its client."""
    text = str(exc)
    return text if text.startswith(f"{name}:") else f"{name}: {text}"


@app.command()
@friendly_errors
def validate(
    client: Optional[str] = typer.Argument(None, help="Client folder name under data/."),
    all_clients: bool = typer.Option(False, "--all", help="Validate every client under data/."),
    top: int = typer.Option(8, "--top", help="How many quarantine reasons to show."),
    root: Optional[Path] = ROOT_OPTION,
) -> None:
    """Validate a client's files, rebuild its store, print the reconciliation and quarantine reasons.

    Exits 1 when a required table is unusable or a client.yaml cannot be read (the other clients
    of --all are still validated).
    """
    from rich.markup import escape

    from cxlib.ingest import store
    from cxlib.ingest.validate import validate_client
    from cxlib.onboard.confirm import pending
    from cxlib.workspace import Workspace, list_clients, project_root

    if all_clients == (client is not None):
        raise CxError("Give one client name, or --all.")
    base = project_root(root)
    names = list_clients(base) if all_clients else [client]
    if not names:
        raise CxError("No clients found under data/. Run `cx demo` or `cx init <client> --from <folder>`.")
    if not all_clients and not (base / "data" / client / "client.yaml").exists():
        Workspace(client, base)  # raises: an unknown client is a command error (exit 2), with a suggestion
    failed = []
    out = console()
    for name in names:
        try:
            ws = Workspace(name, base)
        except CxError as exc:
            print_error(broken_client_message(name, exc))
            out.print(f"[bold red]✗[/] {name}: client.yaml cannot be read; not validated\n", highlight=False)
            failed.append(name)
            continue
        unconfirmed = pending(ws.config.path)
        if unconfirmed:
            out.print(f"[yellow]![/] {name}: {len(unconfirmed)} proposed setting(s) still to confirm in client.yaml "
                      f"({escape(', '.join(i.id for i in unconfirmed[:5]))}{' …' if len(unconfirmed) > 5 else ''}). "
                      f"`cx init {name} --pending` lists them.", highlight=False)
        start = time.perf_counter()
        try:
            with out.status(f"validating {name}…") as status:
                result = validate_client(ws.config, progress=lambda msg: status.update(f"{name}: {msg}"))
                if result.ok:
                    store.write_store(ws.store_path, result, fingerprint=ws.input_fingerprint())
        except CxError as exc:
            print_error(broken_client_message(name, exc))
            out.print(f"[bold red]✗[/] {name}: not validated\n", highlight=False)
            failed.append(name)
            continue
        out.print(_reconciliation_table(result))
        reasons = _reasons_table(result, top)
        if reasons is not None:
            out.print(reasons[0])
            for hint in reasons[1]:
                out.print(f"  {hint}", highlight=False)
        for row in result.reconciliation.itertuples():
            if row.notes:
                out.print(f"[dim]{row.table}: {escape(row.notes)}[/]", highlight=False)
        for problem in result.problems:
            print_error(problem)
        if result.ok:
            out.print(f"[green]✓[/] {name}: store {ws.store_path} ({time.perf_counter() - start:.1f} s)\n")
        else:
            failed.append(name)
            out.print(f"[bold red]✗[/] {name}: unusable; store not updated\n")
    if failed:
        if len(names) > 1:
            print_error(f"{len(failed)} of {len(names)} clients not usable: {', '.join(failed)}.", prefix="summary")
        raise typer.Exit(EXIT_DATA)


@app.command()
@friendly_errors
def clients(root: Optional[Path] = ROOT_OPTION) -> None:
    """List the client workspaces under data/ (a client whose client.yaml is broken is named, with why).

    Exits 1 when any client.yaml cannot be read; the others are still listed.
    """
    from cxlib.workspace import list_clients, load_config, project_root

    base = project_root(root)
    names = list_clients(base)
    if not names:
        raise CxError("No clients found under data/. Run `cx demo` or `cx init <client> --from <folder>`.")
    broken = 0
    for name in names:
        try:
            cfg = load_config(base / "data" / name / "client.yaml")
        except CxError as exc:
            broken += 1
            console().print(f"{name}\t[bold red](client.yaml cannot be read: see below)[/]", highlight=False)
            print_error(broken_client_message(name, exc))
            continue
        console().print(f"{name}\t{cfg.display_name}", highlight=False, markup=False)
    if broken:
        raise typer.Exit(EXIT_DATA)


def _register_optional() -> None:
    """Commands from modules that register themselves (reports, onboarding)."""
    import importlib

    for module in ("cxlib.cli.report", "cxlib.cli.init"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


_register_optional()


def main(prog_name: str = "cx") -> None:  # pragma: no cover - console entry point
    """Run the ``cx`` application (the ``cx`` script and ``python -m cxlib``)."""
    app(prog_name=prog_name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
