"""The ``cx`` command line: demo data, validation, reports.

Examples
--------
``cx demo``, ``cx validate acme-telecom``, ``cx validate --all``, ``cx report acme-telecom``, ``cx batch``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxlib.cli.errors import err_console, friendly_errors
from cxlib.errors import CxError

__all__ = ["app", "main"]

app = typer.Typer(
    name="cx",
    help="CX Workbench: validate a client's data, analyse it, render its reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

ROOT_OPTION = typer.Option(None, "--root", help="Project folder holding data/ (default: CX_ROOT or the nearest parent with data/).")


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
        with console.status(f"generating {name} ({customers:,} customers)…"):
            path = generate_client(name, base, n_customers=customers, seed=seed)
        console.print(f"[green]✓[/] {name}: {path} ({time.perf_counter() - start:.1f} s)")


def _reconciliation_table(result) -> Table:
    table = Table(title=f"{result.client}: rows read = rows used + rows quarantined", title_justify="left")
    for col in ("table", "file", "read", "used", "quarantined", "flagged", "status"):
        table.add_column(col, justify="right" if col in ("read", "used", "quarantined", "flagged") else "left")
    for row in result.reconciliation.itertuples():
        status = {"ok": "[green]ok[/]", "absent": "[dim]absent[/]"}.get(row.status, f"[bold red]{row.status}[/]")
        fmt = lambda v: "–" if pd.isna(v) else f"{int(v):,}"  # noqa: E731
        table.add_row(row.table, row.file or "–", fmt(row.rows_read), fmt(row.rows_used), fmt(row.rows_quarantined),
                      fmt(row.rows_flagged), status)
    return table


def _reasons_table(result, top: int) -> tuple[Table, list[str]] | None:
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
    table = Table(title="Top quarantine reasons", title_justify="left")
    for col in ("table", "reason", "rows", "first example"):
        table.add_column(col, justify="right" if col == "rows" else "left", overflow="fold")
    for row in grouped.itertuples():
        table.add_row(row.table, row.reason_code, f"{row.rows:,}", escape(f"{row.file} row {row.first_row}: {row.example}"))
    hints = [f"[bold]{code}[/]: {escape(FIX_HINTS[code])}" for code in dict.fromkeys(grouped["reason_code"]) if code in FIX_HINTS]
    return table, hints


@app.command()
@friendly_errors
def validate(
    client: Optional[str] = typer.Argument(None, help="Client folder name under data/."),
    all_clients: bool = typer.Option(False, "--all", help="Validate every client under data/."),
    top: int = typer.Option(8, "--top", help="How many quarantine reasons to show."),
    root: Optional[Path] = ROOT_OPTION,
) -> None:
    """Validate a client's files, rebuild its store, print the reconciliation and quarantine reasons.

    Exits 1 when a required table is unusable.
    """
    from cxlib.ingest import store
    from cxlib.ingest.validate import validate_client
    from cxlib.workspace import Workspace, list_clients

    if all_clients == (client is not None):
        raise CxError("Give one client name, or --all.")
    names = list_clients(root) if all_clients else [client]
    if not names:
        raise CxError("No clients found under data/. Run `cx demo` or `cx init <client> --from <folder>`.")
    failed = []
    from cxlib.onboard.confirm import pending

    for name in names:
        ws = Workspace(name, root)
        unconfirmed = pending(ws.config.path)
        if unconfirmed:
            console.print(f"[yellow]![/] {name}: {len(unconfirmed)} proposed setting(s) still to confirm in client.yaml "
                          f"({escape(', '.join(i.id for i in unconfirmed[:5]))}{' …' if len(unconfirmed) > 5 else ''}). "
                          f"`cx init {name} --pending` lists them.", highlight=False)
        start = time.perf_counter()
        with console.status(f"validating {name}…") as status:
            result = validate_client(ws.config, progress=lambda msg: status.update(f"{name}: {msg}"))
            if result.ok:
                store.write_store(ws.store_path, result, fingerprint=ws.input_fingerprint())
        console.print(_reconciliation_table(result))
        reasons = _reasons_table(result, top)
        if reasons is not None:
            console.print(reasons[0])
            for hint in reasons[1]:
                console.print(f"  {hint}", highlight=False)
        for row in result.reconciliation.itertuples():
            if row.notes:
                console.print(f"[dim]{row.table}: {escape(row.notes)}[/]", highlight=False)
        for problem in result.problems:
            err_console.print(f"[bold red]error:[/] {escape(problem)}", highlight=False, soft_wrap=True)
        if result.ok:
            console.print(f"[green]✓[/] {name}: store {ws.store_path} ({time.perf_counter() - start:.1f} s)\n")
        else:
            failed.append(name)
            console.print(f"[bold red]✗[/] {name}: unusable; store not updated\n")
    if failed:
        raise typer.Exit(1)


@app.command()
@friendly_errors
def clients(root: Optional[Path] = ROOT_OPTION) -> None:
    """List the client workspaces under data/."""
    from cxlib.workspace import list_clients, load_config, project_root

    base = project_root(root)
    for name in list_clients(base):
        cfg = load_config(base / "data" / name / "client.yaml")
        console.print(f"{name}\t{cfg.display_name}", highlight=False)


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


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="cx")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
