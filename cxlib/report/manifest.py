"""Manifests: what went into a report and what came out, for audit and for reruns.

``reports/<client>/manifest.json`` (one per client, written after the client's reports) holds
the parameters, the sha256 of every input file and of the notebook, the versions of the
packages that shaped the numbers, the status and error, and the sha256 of every published
file. ``reports/batch-manifest.json`` (written last, after every client) lists the clients
of a batch with their status; a batch killed half-way leaves the previous batch manifest.

Examples
--------
>>> versions = package_versions()
>>> {"cxlib", "pandas", "papermill"} <= set(versions)
True
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

from cxlib.report.files import atomic_write_text, sha256_file

__all__ = ["PACKAGES", "package_versions", "input_hashes", "write_client_manifest", "write_batch_manifest",
           "batch_manifest_text",
           "read_manifest", "MANIFEST_NAME", "BATCH_MANIFEST_NAME"]

MANIFEST_NAME = "manifest.json"
BATCH_MANIFEST_NAME = "batch-manifest.json"

#: Packages whose versions can change a report's numbers or its rendering.
PACKAGES = ("cxlib", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "duckdb", "pyarrow", "matplotlib",
            "seaborn", "vaderSentiment", "krippendorff", "papermill", "nbconvert", "nbformat", "nbclient",
            "jupyter_client", "ipykernel", "weasyprint", "bleach", "pypdf")


def package_versions(packages: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each package (``"not installed"`` when absent), plus Python's."""
    out = {}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["python"] = platform.python_version()
    return dict(sorted(out.items()))


def input_hashes(folder: str | os.PathLike) -> dict[str, str]:
    """sha256 of every file under a client's data folder, by path relative to it (sorted)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def write_client_manifest(folder: str | os.PathLike, *, client: str, status: str, parameters: Mapping[str, Any],
                          notebook: str | os.PathLike, data_dir: str | os.PathLike, outputs: Mapping[str, str],
                          error: Mapping[str, Any] | None = None, run: Mapping[str, Any] | None = None,
                          settings: Mapping[str, Any] | None = None) -> Path:
    """Write ``<folder>/manifest.json`` atomically and return its path.

    Parameters
    ----------
    folder : path
        ``reports/<client>``.
    client, status : str
        ``status`` is ``"ok"`` or ``"failed"``.
    parameters : mapping
        audience -> the parameters the notebook ran with.
    notebook : path
        The report notebook (its sha256 is recorded).
    data_dir : path
        ``data/<client>`` (every file's sha256 is recorded).
    outputs : mapping
        Published file name -> sha256 (empty when the client failed).
    error : mapping, optional
        ``type``, ``message``, ``cell_index`` …; kept notebooks for debugging are listed here.
    run : mapping, optional
        Timings, warm/cold kernel, kernel start attempts.
    settings : mapping, optional
        Execution settings (timeouts, PDF engine).
    """
    notebook = Path(notebook)
    body = {
        "client": client,
        "status": status,
        "error": dict(error) if error else None,
        "parameters": dict(parameters),
        "notebook": {"name": notebook.name, "sha256": sha256_file(notebook) if notebook.exists() else None},
        "inputs": input_hashes(data_dir),
        "packages": package_versions(),
        "outputs": dict(sorted(outputs.items())),
        "settings": dict(settings or {}),
        "run": {**dict(run or {}), "finished_at": _now(), "host": platform.node(), "pid": os.getpid(),
                "argv0": Path(sys.argv[0]).name if sys.argv else ""},
    }
    return atomic_write_text(Path(folder) / MANIFEST_NAME, json.dumps(body, indent=2, sort_keys=False, default=str) + "\n")


def batch_manifest_text(results: Iterable[Mapping[str, Any]], *, settings: Mapping[str, Any] | None = None,
                        seconds: float | None = None) -> str:
    """The batch manifest as JSON text (:func:`write_batch_manifest` writes it; a storage batch publishes it)."""
    rows = [dict(r) for r in results]
    body = {
        "finished_at": _now(),
        "seconds": None if seconds is None else round(seconds, 3),
        "clients": rows,
        "failed": [r["client"] for r in rows if r.get("status") != "ok"],
        "settings": dict(settings or {}),
        "packages": package_versions(),
    }
    return json.dumps(body, indent=2, default=str) + "\n"


def write_batch_manifest(folder: str | os.PathLike, results: Iterable[Mapping[str, Any]], *,
                         settings: Mapping[str, Any] | None = None, seconds: float | None = None) -> Path:
    """Write ``<folder>/batch-manifest.json`` atomically (call it after every client is done)."""
    text = batch_manifest_text(results, settings=settings, seconds=seconds)
    return atomic_write_text(Path(folder) / BATCH_MANIFEST_NAME, text)


def read_manifest(path: str | os.PathLike) -> dict[str, Any]:
    """Read a manifest written by this module."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
