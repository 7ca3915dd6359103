"""``cx report`` and ``cx batch``: the report commands of the ``cx`` CLI.

:func:`register` adds both commands to the lead's Typer app (``cxlib/cli.py`` calls it).

Examples
--------
``cx report acme-telecom``, ``cx report acme-telecom --audience executive --format pdf``,
``cx batch``, ``cx batch acme-telecom nordic-bank --workers 2``,
``cx batch --scheduler tcp://10.0.0.5:8786``,
``cx batch --scheduler tcp://10.0.0.5:8786 --storage s3://cx-projects/2026-q1``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import typer

from cxlib.cli.errors import EXIT_DATA, friendly_errors
from cxlib.errors import ConfigError, CxError

__all__ = ["register", "parse_param", "parse_params", "split_list", "preflight", "with_view", "RESULTS_MODES",
           "parse_storage_option"]

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


def parse_storage_option(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``--storage-option`` (the value kept as text: fsspec options are strings here).

    >>> parse_storage_option("endpoint_url=http://127.0.0.1:9000")
    ('endpoint_url', 'http://127.0.0.1:9000')
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--storage-option {text!r}: write it as name=value, e.g. endpoint_url=http://127.0.0.1:9000.")
    return name.strip(), value.strip()


def parse_params(texts: list[str] | None, notebook: Path | str) -> tuple[tuple[str, Any], ...]:
    """Every ``-p name=value``, read as :func:`parse_param` does, then matched to the notebook's defaults.

    A value typed for a text parameter stays text even when it looks like a number
    (``-p client=2024`` against ``client = "acme"`` gives ``"2024"``, not ``2024``).
    """
    pairs = [parse_param(t) for t in (texts or [])]
    if not pairs:
        return ()
    from cxlib.report.params import declared_parameters

    try:
        declared = declared_parameters(notebook)
    except CxError:
        return tuple(pairs)  # no parameters cell, no notebook: validate_parameters says so
    out = []
    for text, (name, value) in zip(texts or [], pairs):
        default = str(declared.get(name, {}).get("default", ""))
        if default[:1] in ("'", '"') and not isinstance(value, str) and value is not None:
            value = text.split("=", 1)[1]
        out.append((name, value))
    return tuple(out)


def with_view(job, view: str, base: Path, out: Path | None):
    """The job rendering a saved explorer view: the ``view`` parameter, and its own output folder.

    The view must exist (a command error otherwise, with the saved views listed); its reports go
    to ``<root>/reports/views/<view>/<client>/`` unless ``--out`` says otherwise, so the client's
    full reports are not overwritten.
    """
    from cxlib.analysis.selection import load_view

    load_view(base / "data" / job.client, view)
    if any(name == "view" for name, _ in job.parameters):
        raise CxError("Give the view once: --view NAME, not also -p view=NAME.")
    out_dir = str(out) if out else str(base / "reports" / "views" / view)
    return replace(job, parameters=(*job.parameters, ("view", view)), out_dir=out_dir)


def preflight(client: str, root: Path, notebook: Path, parameters: dict[str, Any]) -> None:
    """What ``cx report`` checks before any kernel starts (each a command error, exit status 2).

    The client exists (with a suggestion for a near miss: "Did you mean acme-telecom?"), the
    notebook exists and declares a ``parameters`` cell, every ``-p`` name is declared there and
    every value has the type of the notebook's default (``-p seed=[1,2]`` against ``seed = 7``
    is refused here, not by numpy half-way through the notebook).
    """
    from cxlib.report.params import validate_parameters
    from cxlib.workspace import Workspace

    Workspace(client, root)
    validate_parameters(notebook, parameters)


def _say_plan(console, job) -> None:
    """How the audiences ran and why, from the client's manifest (nothing when there was no choice)."""
    from cxlib.report.capacity import AudiencePlan
    from cxlib.report.manifest import read_manifest

    try:
        kept = read_manifest(job.client_dir / "manifest.json")["settings"]["audience_plan"]
        line = AudiencePlan(**kept).describe()
    except (OSError, KeyError, TypeError, ValueError):  # an older manifest, or none: nothing to say
        return
    if line:
        console.print(f"  {line}", highlight=False, style="dim")


def _write_extras(console, job, todo, engine: str) -> None:
    """The deck, the owners' briefs and the follow-up list, when asked for (:mod:`cxlib.report.deliverables`)."""
    from cxlib.report.deliverables import extra_files, write_files

    if not (todo.deck or todo.briefs or todo.follow_up):
        return
    with console.status(f"writing {job.client}'s deliverables…") as status:
        files = extra_files(job.client, todo, root=job.root, parameters=dict(job.parameters), engine=engine,
                            progress=lambda text: status.update(f"{job.client}: {text}…"))
    for path in write_files(files, job.client_dir):
        console.print(f"[green]✓[/] {path}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``report`` and ``batch`` commands to ``app``."""

    @app.command(short_help="Render one client's reports (HTML, PDF; executive, analyst).")
    @friendly_errors
    def report(
        client: str = typer.Argument(..., help="Client folder name under data/."),
        audience: str = typer.Option("executive,analyst", "--audience", "-a", help="executive, analyst and/or owners (one-page briefs), comma-separated."),
        fmt: str = typer.Option("html,pdf", "--format", "-f", help="html, pdf and/or pptx (the executive deck), comma-separated."),
        follow_up: bool = typer.Option(False, "--follow-up", help="Also write the internal follow-up list (<client>-follow-up.xlsx) for account teams."),
        root: Optional[Path] = typer.Option(None, "--root", help="Project folder holding data/ (default: CX_ROOT or the nearest parent with data/)."),
        notebook: Optional[Path] = typer.Option(None, "--notebook", help="Report notebook (default notebooks/report.ipynb)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default <root>/reports)."),
        pdf_engine: str = typer.Option("weasyprint", "--pdf-engine", help="weasyprint (default) or chromium."),
        cell_timeout: float = typer.Option(600.0, "--cell-timeout", min=1, help="Seconds a notebook cell may run."),
        start_attempts: int = typer.Option(3, "--start-attempts", min=1, help="Kernel start tries (start failures only)."),
        param: Optional[list[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE", help="Extra notebook parameter name=value (repeatable)."),
        view: Optional[str] = typer.Option(None, "--view", metavar="NAME", help="Render a view saved in the explorer "
                                           "(data/<client>/views/NAME.yaml): its selection, into reports/views/NAME/."),
        results: str = typer.Option("on", "--results", help="Section results shared by the audiences and kept for reruns on unchanged inputs: on, fresh (compute again) or off."),
        parallel: Optional[bool] = typer.Option(None, "--parallel/--sequential", show_default=False,
                                                help="Run the audiences at once, one kernel each (shared sections are still computed once), "
                                                     "or one after the other. Default: at once when their estimated memory fits in what is available."),
        memory: Optional[str] = typer.Option(None, "--memory", metavar="SIZE", help="The most memory the run may use, e.g. 4GB: the audiences run "
                                             "side by side only when their estimate fits in it (and in what is available), else one after the other."),
    ) -> None:
        """Render one client's reports: reports/<client>/<client>-<audience>.html|pdf (+ executed notebook, manifest).

        Exit status 1 when the report failed (its executed notebook is kept), 2 when the command
        is wrong (unknown client, unknown parameter or one of the wrong type): checked before any
        kernel starts.
        """
        from rich.console import Console

        from cxlib.report.audiences import CHOICES
        from cxlib.report.deliverables import FORMAT_CHOICES, plan
        from cxlib.report.execute import ExecutionSettings, Kernel
        from cxlib.report.capacity import parse_memory, usable_cores
        from cxlib.report.pipeline import AUDIENCES, ReportJob, render_client
        from cxlib.workspace import project_root

        console = Console()
        if memory is not None and parallel is not None:
            raise ConfigError("--memory lets cx report choose between side by side and one after the other; "
                              "give it or --parallel/--sequential, not both.")
        budget = parse_memory(memory) if memory is not None else None
        base = project_root(root)
        engine = split_list(pdf_engine, ("weasyprint", "chromium"), "PDF engine")[0]
        settings = ExecutionSettings(cell_timeout=cell_timeout, start_attempts=start_attempts)
        todo = plan(split_list(audience, CHOICES, "audience"), split_list(fmt, FORMAT_CHOICES, "format"),
                    follow_up=follow_up)
        job = ReportJob(client=client, root=str(base), audiences=todo.report_audiences or AUDIENCES[:1],
                        formats=todo.report_formats or ("html",), notebook=str(notebook) if notebook else None,
                        out_dir=str(out) if out else None, pdf_engine=engine, settings=settings,
                        results=split_list(results, RESULTS_MODES, "results mode")[0], parallel_audiences=parallel,
                        memory_mb=budget, cores=usable_cores())
        job = replace(job, parameters=parse_params(param, job.notebook_path))
        if view is not None:
            from cxlib.workspace import Workspace

            Workspace(client, base)  # an unknown client first: its message is the useful one
            job = with_view(job, view, base, out)
        preflight(client, base, job.notebook_path,
                  {"client": client, "audience": job.audiences[0], "root": str(base), **dict(job.parameters)})
        if not todo.renders_reports:
            _write_extras(console, job, todo, engine)
            return
        from rich.markup import escape

        with console.status(f"rendering {escape(client)}…") as status, Kernel(settings) as kernel:
            result = render_client(job, kernel=kernel, progress=lambda line: status.update(escape(line)))
        if result.ok:
            for name in result.outputs:
                console.print(f"[green]✓[/] {job.client_dir / name}", highlight=False)
            console.print(f"{client}: {len(result.outputs)} files in {result.seconds:.1f} s", highlight=False)
            _say_plan(console, job)
            _write_extras(console, job, todo, engine)
            return
        console.print(f"[bold red]✗ {client} failed[/]: {escape(f'{result.error_type}: {result.error}')}", highlight=False)
        for name in result.kept:
            console.print(f"  executed notebook kept for debugging: {job.client_dir / name}", highlight=False)
        raise typer.Exit(EXIT_DATA)

    @app.command(short_help="Render every client's reports in parallel, with a summary.")
    @friendly_errors
    def batch(
        clients: Optional[list[str]] = typer.Argument(None, help="Clients to render (default: every data/*/client.yaml)."),
        audience: str = typer.Option("executive,analyst", "--audience", "-a", help="executive, analyst or both."),
        fmt: str = typer.Option("html,pdf", "--format", "-f", help="html, pdf or both."),
        root: Optional[Path] = typer.Option(None, "--root", help="Project folder holding data/."),
        workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Local worker processes (default: cores)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler: tcp://host:8786, or local / local:N for a Dask cluster on this machine."),
        storage: Optional[str] = typer.Option(None, "--storage", help="Project on shared storage (fsspec URL, e.g. s3://bucket/project): inputs read from <url>/data, reports published to <url>/reports; --root/--out unused. Credentials come from the workers' environment (AWS_ACCESS_KEY_ID ...)."),
        storage_option: Optional[list[str]] = typer.Option(None, "--storage-option", metavar="NAME=VALUE", help="fsspec option for --storage (repeatable), e.g. endpoint_url=http://127.0.0.1:9000."),
        warm: bool = typer.Option(True, "--warm/--cold", help="Keep a kernel warm per worker (reset between reports)."),
        notebook: Optional[Path] = typer.Option(None, "--notebook", help="Report notebook (default notebooks/report.ipynb)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default <root>/reports)."),
        pdf_engine: str = typer.Option("weasyprint", "--pdf-engine", help="weasyprint (default) or chromium."),
        cell_timeout: float = typer.Option(600.0, "--cell-timeout", min=1, help="Seconds a notebook cell may run."),
        client_timeout: Optional[float] = typer.Option(None, "--client-timeout", min=1, help="Seconds per client before its worker is killed (local)."),
        start_attempts: int = typer.Option(3, "--start-attempts", min=1, help="Kernel start tries (start failures only)."),
        param: Optional[list[str]] = typer.Option(None, "--param", "-p", metavar="NAME=VALUE", help="Extra notebook parameter name=value (repeatable)."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the live progress display."),
        results: str = typer.Option("on", "--results", help="Section results shared by the audiences and kept for reruns on unchanged inputs: on, fresh (compute again) or off."),
        memory: Optional[str] = typer.Option(None, "--memory", metavar="SIZE", help="The most memory the batch may use, e.g. 8GB: no more local "
                                             "workers than fit in it, each estimated for the largest client."),
    ) -> None:
        """Render every client's reports in parallel; a summary table at the end; exit 1 if any client failed."""
        from rich.console import Console

        from cxlib.report.batch import run_batch, summary_table
        from cxlib.report.execute import ExecutionSettings
        from cxlib.report.pipeline import AUDIENCES, FORMATS

        from cxlib.report.params import validate_parameters
        from cxlib.report.capacity import parse_memory
        from cxlib.report.pipeline import default_notebook
        from cxlib.workspace import project_root

        console = Console()
        budget = parse_memory(memory) if memory is not None else None
        engine = split_list(pdf_engine, ("weasyprint", "chromium"), "PDF engine")[0]
        nb_path = notebook or (default_notebook(project_root(root)) if not storage else None)
        extra = parse_params(param, nb_path) if nb_path is not None else tuple(parse_param(p) for p in param or ())
        if extra and nb_path is not None:  # a wrong name or type fails every client alike: say so once, before any worker starts
            validate_parameters(nb_path, dict(extra))
        options = dict(parse_storage_option(o) for o in storage_option or ())
        if options and not storage:
            raise ConfigError("--storage-option needs --storage (the URL of the project on shared storage).")
        result = run_batch(
            clients or None, root=root, audiences=split_list(audience, AUDIENCES, "audience"),
            formats=split_list(fmt, FORMATS, "format"), workers=workers, scheduler=scheduler,
            settings=ExecutionSettings(cell_timeout=cell_timeout, start_attempts=start_attempts), warm_kernels=warm,
            pdf_engine=engine, notebook=str(notebook) if notebook else None, out_dir=str(out) if out else None,
            client_timeout=client_timeout, parameters=extra,
            progress=progress, console=console, results=split_list(results, RESULTS_MODES, "results mode")[0],
            storage=storage, storage_options=options or None, memory_mb=budget,
        )
        console.print(summary_table(result))
        if result.describe_memory():
            console.print(result.describe_memory(), highlight=False, style="dim")
        console.print(f"manifest: {result.manifest}", highlight=False)
        if not result.ok:
            raise typer.Exit(EXIT_DATA)
