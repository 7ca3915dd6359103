"""``cx report`` and ``cx batch``: the report commands of the ``cx`` CLI.

:func:`register` adds both commands to the lead's Typer app (``cxlib/cli.py`` calls it).

Examples
--------
``cx report acme-telecom``, ``cx report acme-telecom --audience executive --format pdf``,
``cx batch``, ``cx batch acme-telecom nordic-bank --workers 2``,
``cx batch --scheduler tcp://10.0.0.5:8786``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from cxlib.cli.errors import friendly_errors
from cxlib.errors import CxError

__all__ = ["register", "parse_param", "split_list", "RESULTS_MODES"]

#: ``--results``: how section results are shared and kept (:mod:`cxlib.report.results`).
RESULTS_MODES = ("on", "fresh", "off")


def split_list(value: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """``"executive,analyst"`` -> ``("executive", "analyst")``, checked against ``allowed``.

    >>> split_list("pdf, html", ("html", "pdf"), "format")
    ('pdf', 'html')
    """
    if value is None or not value.strip():
        return allowed
    items = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in allowed]
    if bad:
        raise CxError(f"Unknown {what} {', '.join(map(repr, bad))}; choose from {', '.join(allowed)} (comma-separated).")
    return items


def parse_param(text: str) -> tuple[str, Any]:
    """``"name=value"`` -> ``(name, value)``; the value is read as a JSON number/bool/null when it is one.

    >>> parse_param("seed=7"), parse_param("period_start=2025-01-01"), parse_param("flag=true")
    (('seed', 7), ('period_start', '2025-01-01'), ('flag', True))
    """
    if "=" not in text:
        raise CxError(f"--param {text!r}: write it as name=value.")
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
        if isinstance(value, (list, dict)):
            value = raw
    except ValueError:
        value = raw
    return name.strip(), value


def register(app: typer.Typer) -> None:
    """Add the ``report`` and ``batch`` commands to ``app``."""

    @app.command()
    @friendly_errors
    def report(
        client: str = typer.Argument(..., help="Client folder name under data/."),
        audience: str = typer.Option("executive,analyst", "--audience", "-a", help="executive, analyst or both (comma-separated)."),
        fmt: str = typer.Option("html,pdf", "--format", "-f", help="html, pdf or both (comma-separated)."),
        root: Optional[Path] = typer.Option(None, "--root", help="Project folder holding data/ (default: CX_ROOT or the nearest parent with data/)."),
        notebook: Optional[Path] = typer.Option(None, "--notebook", help="Report notebook (default notebooks/report.ipynb)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default <root>/reports)."),
        pdf_engine: str = typer.Option("weasyprint", "--pdf-engine", help="weasyprint (default) or chromium."),
        cell_timeout: float = typer.Option(600.0, "--cell-timeout", min=1, help="Seconds a notebook cell may run."),
        start_attempts: int = typer.Option(3, "--start-attempts", min=1, help="Kernel start tries (start failures only)."),
        param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="Extra notebook parameter name=value (repeatable)."),
        results: str = typer.Option("on", "--results", help="Section results shared by the audiences and kept for reruns on unchanged inputs: on, fresh (compute again) or off."),
        parallel: bool = typer.Option(True, "--parallel/--sequential", help="Run the audiences at once, one kernel each (shared sections are still computed once)."),
    ) -> None:
        """Render one client's reports: reports/<client>/<client>-<audience>.html|pdf (+ executed notebook, manifest)."""
        from rich.console import Console

        from cxlib.report.execute import ExecutionSettings, Kernel
        from cxlib.report.pipeline import AUDIENCES, FORMATS, ReportJob, render_client
        from cxlib.workspace import project_root

        console = Console()
        base = project_root(root)
        engine = split_list(pdf_engine, ("weasyprint", "chromium"), "PDF engine")[0]
        settings = ExecutionSettings(cell_timeout=cell_timeout, start_attempts=start_attempts)
        job = ReportJob(client=client, root=str(base), audiences=split_list(audience, AUDIENCES, "audience"),
                        formats=split_list(fmt, FORMATS, "format"), notebook=str(notebook) if notebook else None,
                        out_dir=str(out) if out else None, pdf_engine=engine, settings=settings,
                        parameters=tuple(parse_param(p) for p in (param or [])),
                        results=split_list(results, RESULTS_MODES, "results mode")[0], parallel_audiences=parallel)
        with console.status(f"rendering {client}…"), Kernel(settings) as kernel:
            result = render_client(job, kernel=kernel)
        if result.ok:
            for name in result.outputs:
                console.print(f"[green]✓[/] {job.client_dir / name}", highlight=False)
            console.print(f"{client}: {len(result.outputs)} files in {result.seconds:.1f} s", highlight=False)
            return
        from rich.markup import escape

        console.print(f"[bold red]✗ {client} failed[/]: {escape(f'{result.error_type}: {result.error}')}", highlight=False)
        for name in result.kept:
            console.print(f"  executed notebook kept for debugging: {job.client_dir / name}", highlight=False)
        raise typer.Exit(1)

    @app.command()
    @friendly_errors
    def batch(
        clients: Optional[list[str]] = typer.Argument(None, help="Clients to render (default: every data/*/client.yaml)."),
        audience: str = typer.Option("executive,analyst", "--audience", "-a", help="executive, analyst or both."),
        fmt: str = typer.Option("html,pdf", "--format", "-f", help="html, pdf or both."),
        root: Optional[Path] = typer.Option(None, "--root", help="Project folder holding data/."),
        workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Local worker processes (default: cores)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Existing Dask scheduler, e.g. tcp://10.0.0.5:8786."),
        warm: bool = typer.Option(True, "--warm/--cold", help="Keep a kernel warm per worker (reset between reports)."),
        notebook: Optional[Path] = typer.Option(None, "--notebook", help="Report notebook (default notebooks/report.ipynb)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default <root>/reports)."),
        pdf_engine: str = typer.Option("weasyprint", "--pdf-engine", help="weasyprint (default) or chromium."),
        cell_timeout: float = typer.Option(600.0, "--cell-timeout", min=1, help="Seconds a notebook cell may run."),
        client_timeout: Optional[float] = typer.Option(None, "--client-timeout", min=1, help="Seconds per client before its worker is killed (local)."),
        start_attempts: int = typer.Option(3, "--start-attempts", min=1, help="Kernel start tries (start failures only)."),
        param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="Extra notebook parameter name=value (repeatable)."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the live progress display."),
        results: str = typer.Option("on", "--results", help="Section results shared by the audiences and kept for reruns on unchanged inputs: on, fresh (compute again) or off."),
    ) -> None:
        """Render every client's reports in parallel; a summary table at the end; exit 1 if any client failed."""
        from rich.console import Console

        from cxlib.report.batch import run_batch, summary_table
        from cxlib.report.execute import ExecutionSettings
        from cxlib.report.pipeline import AUDIENCES, FORMATS

        console = Console()
        engine = split_list(pdf_engine, ("weasyprint", "chromium"), "PDF engine")[0]
        result = run_batch(
            clients or None, root=root, audiences=split_list(audience, AUDIENCES, "audience"),
            formats=split_list(fmt, FORMATS, "format"), workers=workers, scheduler=scheduler,
            settings=ExecutionSettings(cell_timeout=cell_timeout, start_attempts=start_attempts), warm_kernels=warm,
            pdf_engine=engine, notebook=str(notebook) if notebook else None, out_dir=str(out) if out else None,
            client_timeout=client_timeout, parameters=tuple(parse_param(p) for p in (param or [])),
            progress=progress, console=console, results=split_list(results, RESULTS_MODES, "results mode")[0],
        )
        console.print(summary_table(result))
        console.print(f"manifest: {result.manifest}", highlight=False)
        if not result.ok:
            raise typer.Exit(1)
