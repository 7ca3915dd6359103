"""cx report's live progress line: each audience's section, the analyses computed so far, the step after."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import nbformat
import pytest

from cxlib.report.execute import ExecutionSettings, execute_notebook
from cxlib.report.pipeline import ReportJob, render_client
from cxlib.report.progress import RunProgress, section_of
from tests.conftest import write_workspace

FAST = ExecutionSettings(cell_timeout=60, start_timeout=60)
NOTEBOOK = str(Path(__file__).parents[1] / "fixtures" / "notebooks" / "client_report.ipynb")


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("client = 'a'", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(s) for s in sources)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


REPORT_CELLS = ("data = report_data(client)", 'show("headline")', "x = 1", 'show( "journey_map" )')
SETUP = "def report_data(c):\n    return c\ndef show(s):\n    print(s)"


def test_section_of_reads_the_section_a_cell_shows():
    assert section_of('show("journey_map")') == "journey_map"
    assert section_of("# a note\nshow('drivers')  # why") == "drivers"
    assert section_of('print("show(\\"x\\")")') is None and section_of("") is None


def test_the_line_names_each_audience_s_section_by_its_place_among_those_it_shows():
    now = [0.0]
    lines: list[str] = []
    p = RunProgress("acme", ("executive", "analyst"), lines.append, clock=lambda: now[0])
    nb = _notebook(SETUP, *REPORT_CELLS)
    hook = p.cell_hook("analyst")
    hook(2, nb)
    assert lines[-1] == "acme 0:00 · executive starting · analyst loading tables"
    now[0] = 61.5
    hook(3, nb)
    assert lines[-1] == "acme 1:01 · executive starting · analyst 1/2 headline"
    hook(4, nb)  # a cell that shows nothing leaves the line as it was
    assert lines[-1] == "acme 1:01 · executive starting · analyst 1/2 headline"
    hook(5, nb)
    assert lines[-1].endswith("analyst 2/2 journey map")


def test_the_analyses_come_from_the_kernels_journals_each_counted_once(tmp_path):
    lines: list[str] = []
    p = RunProgress("acme", ("executive", "analyst"), lines.append, clock=lambda: 0.0)
    exec_journal, analyst_journal = tmp_path / "e.log", tmp_path / "a.log"
    exec_journal.write_text("journey_map\ndrivers\n")
    analyst_journal.write_text("")
    p.journal("executive", exec_journal)
    p.journal("analyst", analyst_journal)
    p.journal("missing", tmp_path / "gone.log")  # a journal not written yet is no analysis, and no error
    assert p.line() == "acme 0:00 · executive starting · analyst starting · 2 analyses (drivers)"
    p.finished("executive", ["journey_map", "drivers", "friction"])
    analyst_journal.write_text("owners\n")
    p.step("executive PDF")
    assert lines[-1] == "acme 0:00 · analyst starting · 4 analyses (owners) · executive PDF"
    p.finished("analyst", ["owners", "journey_map"])
    p.step("")
    assert lines[-1] == "acme 0:00 · 4 analyses (owners)"  # each once, in the order first seen


def test_without_a_listener_nothing_is_tracked_and_a_failing_one_stops_nothing():
    quiet = RunProgress("acme", ("executive",), None)
    assert quiet.cell_hook("executive") is None
    with quiet:
        quiet.step("executive PDF")
    assert quiet._thread is None

    def broken(line):
        raise RuntimeError("the terminal went away")

    loud = RunProgress("acme", ("executive",), broken)
    loud.step("executive PDF")  # does not raise
    loud.cell_hook("executive")(1, _notebook('show("headline")'))


def test_the_line_is_told_again_every_tick_while_the_run_lasts():
    told = threading.Event()
    lines: list[str] = []

    def say(line):
        lines.append(line)
        if len(lines) >= 3:
            told.set()

    with RunProgress("acme", ("executive",), say, every=0.01):
        assert told.wait(30), lines
    count = len(lines)
    time.sleep(0.05)  # five ticks' worth
    assert len(lines) == count  # stopped with the run


def test_the_kernel_reports_each_cell_as_it_starts_and_a_failing_hook_changes_nothing(tmp_path):
    path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(SETUP, *REPORT_CELLS), path)
    seen: list[str] = []
    run = execute_notebook(path, {"client": "a"}, settings=FAST,
                           on_cell=lambda i, nb: seen.append(section_of(nb.cells[i].source) or ""))
    assert [s for s in seen if s] == ["headline", "journey_map"]
    assert len(seen) == sum(1 for c in run.notebook.cells if c.cell_type == "code")

    def fails(i, nb):
        raise RuntimeError("display gone")

    again = execute_notebook(path, {"client": "a"}, settings=FAST, on_cell=fails)
    assert "journey_map" in str(again.notebook.cells[-2].outputs)


@pytest.mark.parametrize("side_by_side", [True, False])
def test_render_client_tells_each_step_of_both_audiences(tmp_path, side_by_side):
    write_workspace(tmp_path, "alpha")
    lines: list[str] = []
    job = ReportJob(client="alpha", root=str(tmp_path), notebook=NOTEBOOK, formats=("html",), settings=FAST,
                    parallel_audiences=side_by_side)
    result = render_client(job, progress=lines.append)
    assert result.ok, result.error
    assert all(line.startswith("alpha ") for line in lines)
    for step in ("executive HTML", "analyst HTML", "writing the files"):
        assert any(line.endswith(step) for line in lines), (step, lines)
    assert any("analyst loading tables" in line or "analyst starting" in line for line in lines)
    # an audience's HTML is rendered only after its notebook ended: the executive is no longer on that line
    printing = [line for line in lines if line.endswith("executive HTML")]
    assert printing and not any("executive starting" in line or "executive 1/" in line for line in printing)
    assert "executive" not in lines[-1] and "analyst" not in lines[-1]  # both done when the files are written
