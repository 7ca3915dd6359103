"""Make an executed notebook reproducible: the same inputs give the same file.

papermill and nbclient stamp start/end times and durations on the notebook and every cell, a
warm kernel continues its execution counter, and fresh cells get random ids. None of that is
content; it is removed or renumbered here so two runs on the same inputs are byte-identical.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_code_cell("1", execution_count=7)]
>>> nb.cells[0].metadata["papermill"] = {"start_time": "2025-01-01T00:00:00", "status": "completed"}
>>> out = normalize_notebook(nb)
>>> out.cells[0].execution_count, dict(out.cells[0].metadata["papermill"])
(1, {'status': 'completed'})
"""

from __future__ import annotations

import copy
import os

import nbformat

__all__ = ["normalize_notebook", "strip_outputs", "notebook_bytes"]

_VOLATILE_CELL = ("start_time", "end_time", "duration")
_KEEP_NB_PAPERMILL = ("default_parameters", "parameters", "environment_variables", "version", "input_path")


def normalize_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without timestamps, durations or run-dependent counters.

    Notes
    -----
    Removed: ``metadata.papermill`` start/end times, duration, exception flag and output path;
    each cell's papermill times and nbclient ``execution`` timings; widget state. Execution
    counts are renumbered 1, 2, … in cell order (also in ``execute_result`` outputs). The input
    path is reduced to its file name. Cells without an id get ``cell-<index>``.
    """
    nb = copy.deepcopy(nb)
    pm = nb.metadata.get("papermill")
    if pm is not None:
        kept = {k: pm[k] for k in _KEEP_NB_PAPERMILL if k in pm}
        if kept.get("input_path"):
            kept["input_path"] = os.path.basename(str(kept["input_path"]))
        nb.metadata["papermill"] = kept
    nb.metadata.pop("widgets", None)
    count = 0
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):
            cell["id"] = f"cell-{index}"
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        if "papermill" in meta:
            for key in _VOLATILE_CELL:
                meta["papermill"].pop(key, None)
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
            for out in cell.get("outputs", []):
                if out.get("output_type") == "execute_result":
                    out["execution_count"] = count
    return nb


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` as it should be committed: no outputs, no counts, no papermill metadata."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The notebook serialised the way it is written to disk (UTF-8 JSON, sorted keys, final newline)."""
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")
