"""Notebook execution faults, on tiny fixture notebooks (tests/fixtures/notebooks/).

A failing cell, ``sys.exit(0)`` half-way, an infinite loop, a killed kernel, a kernel that does
not start (retried a bounded number of times) and a warm kernel that must give exactly what a
cold one gives.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from cxlib.report.exceptions import (
    CellTimeout,
    KernelDied,
    KernelStartError,
    NotebookFailed,
    NotebookIncomplete,
    ParameterError,
)
from cxlib.report.execute import SENTINEL_MIME, ExecutionSettings, Kernel, check_complete, execute_notebook
from cxlib.report.normalize import normalize_notebook, notebook_bytes

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"
FAST = ExecutionSettings(cell_timeout=20, start_timeout=30, start_attempts=3)

_LAUNCHER = '''
import os, sys, time
counter = os.environ["CX_TEST_COUNTER"]
with open(counter, "a") as fh:
    fh.write("x")
launches = len(open(counter).read())
mode = os.environ.get("CX_TEST_MODE", "ok")
if mode == "broken" or (mode == "flaky" and launches == 1):
    sys.exit(3)
if mode == "hang":
    time.sleep(600)
from ipykernel.kernelapp import launch_new_instance
launch_new_instance(argv=["-f", sys.argv[1]])
'''


def kernel_processes() -> list[psutil.Process]:
    """Kernels (and fake kernels) started by this test process that are still alive."""
    out = []
    for proc in psutil.Process().children(recursive=True):
        try:
            cmd = " ".join(proc.cmdline())
            if ("ipykernel" in cmd or "cx_launch.py" in cmd) and proc.status() != psutil.STATUS_ZOMBIE:
                out.append(proc)
        except psutil.NoSuchProcess:
            pass
    return out


def wait_no_kernels(timeout: float = 10.0) -> list[psutil.Process]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        left = kernel_processes()
        if not left:
            return []
        time.sleep(0.2)
    return kernel_processes()


@pytest.fixture
def fake_kernel(tmp_path, monkeypatch):
    """A kernelspec ``cxfake`` whose launcher counts its launches and can fail, flake or hang."""
    spec = tmp_path / "jupyter" / "kernels" / "cxfake"
    spec.mkdir(parents=True)
    launcher = tmp_path / "cx_launch.py"
    launcher.write_text(_LAUNCHER)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "{connection_file}"], "display_name": "cx fake", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    counter = tmp_path / "launches.txt"

    def settings(mode: str, **kw) -> ExecutionSettings:
        return ExecutionSettings(kernel_name="cxfake", env={"CX_TEST_COUNTER": str(counter), "CX_TEST_MODE": mode},
                                 **{"cell_timeout": 20, "start_timeout": 20, **kw})

    settings.launches = lambda: len(counter.read_text()) if counter.exists() else 0
    return settings


def outputs_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_notebook_runs_to_its_sentinel_with_only_its_audiences_cells():
    run = execute_notebook(FIXTURES / "ok.ipynb", {"client": "c1", "greeting": "hi"}, settings=FAST,
                           drop_tags={"analyst"})
    text = outputs_text(run.notebook)
    assert "hi c1 3" in text and "executive only" in text and "analyst only" not in text
    assert SENTINEL_MIME in json.dumps(run.notebook.cells[-1].outputs)
    assert run.start_attempts == 1 and not run.warm
    # normalised for publishing: no timestamps, counts renumbered
    text = notebook_bytes(normalize_notebook(run.notebook)).decode()
    for key in ('"start_time"', '"end_time"', '"duration"', '"iopub.execute_input"'):
        assert key not in text
    counts = [c.execution_count for c in normalize_notebook(run.notebook).cells if c.get("execution_count")]
    assert counts == list(range(1, len(counts) + 1))
    assert wait_no_kernels() == []


def test_failing_cell_fails_with_its_error_keeps_the_notebook_and_is_never_retried(fake_kernel):
    with pytest.raises(NotebookFailed) as info:
        execute_notebook(FIXTURES / "failing_cell.ipynb", {}, settings=fake_kernel("ok"))
    assert fake_kernel.launches() == 1  # a data error is not a kernel start failure: no retry
    exc = info.value
    assert exc.ename == "ValueError" and "planted failure" in str(exc)
    nb = exc.notebook
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert "never runs" not in outputs_text(nb)
    assert wait_no_kernels() == []


def test_sys_exit_zero_is_detected_as_incomplete():
    # papermill itself treats sys.exit(0) as success; the sentinel does not
    with pytest.raises(NotebookIncomplete, match="sys.exit"):
        execute_notebook(FIXTURES / "sys_exit.ipynb", {}, settings=FAST)


def test_missing_or_wrong_sentinel_is_incomplete():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=1)])
    with pytest.raises(NotebookIncomplete, match="sentinel missing"):
        check_complete(nb, "abc")
    sentinel = nbformat.v4.new_code_cell("x", metadata={"tags": ["cx-sentinel"]}, outputs=[
        nbformat.v4.new_output("display_data", data={SENTINEL_MIME: {"token": "other"}})])
    nb.cells.append(sentinel)
    with pytest.raises(NotebookIncomplete):
        check_complete(nb, "abc")
    nb.cells[-1].outputs[0]["data"][SENTINEL_MIME]["token"] = "abc"
    check_complete(nb, "abc")


def test_infinite_loop_fails_within_the_cell_timeout_and_leaves_no_process():
    settings = ExecutionSettings(cell_timeout=2, start_timeout=30)
    start = time.monotonic()
    with pytest.raises(CellTimeout, match="cell timeout") as info:
        execute_notebook(FIXTURES / "infinite_loop.ipynb", {}, settings=settings)
    assert time.monotonic() - start < 45  # kernel start + 2 s + kill, with room for a loaded machine
    assert info.value.cell_index is not None
    assert wait_no_kernels() == []


def test_killed_kernel_fails_fast_and_leaves_no_process():
    start = time.monotonic()
    with pytest.raises(KernelDied):
        execute_notebook(FIXTURES / "killed_kernel.ipynb", {}, settings=FAST)
    assert time.monotonic() - start < 45
    assert wait_no_kernels() == []


def test_parameter_errors_come_before_any_kernel_start(fake_kernel):
    settings = fake_kernel("ok")
    with pytest.raises(ParameterError):
        execute_notebook(FIXTURES / "ok.ipynb", {"clinet": "x"}, settings=settings)
    with pytest.raises(ParameterError):
        execute_notebook(FIXTURES / "no_parameters.ipynb", {}, settings=settings)
    assert fake_kernel.launches() == 0


def test_kernel_start_failures_are_retried_a_bounded_number_of_times(fake_kernel):
    with pytest.raises(KernelStartError, match="after 2 attempts") as info:
        execute_notebook(FIXTURES / "ok.ipynb", {}, settings=fake_kernel("broken", start_attempts=2))
    assert fake_kernel.launches() == 2
    assert info.value.start_attempts == 2
    assert wait_no_kernels() == []


@pytest.mark.slow
def test_a_flaky_kernel_start_is_retried_and_the_notebook_runs_once(fake_kernel):
    run = execute_notebook(FIXTURES / "ok.ipynb", {"client": "flaky"}, settings=fake_kernel("flaky"))
    assert run.start_attempts == 2 and fake_kernel.launches() == 2
    assert outputs_text(run.notebook).count("hello flaky 3") == 1


@pytest.mark.slow
def test_a_kernel_that_never_answers_is_given_up_within_the_start_timeout(fake_kernel):
    start = time.monotonic()
    with pytest.raises(KernelStartError):
        execute_notebook(FIXTURES / "ok.ipynb", {}, settings=fake_kernel("hang", start_timeout=2, start_attempts=2))
    assert fake_kernel.launches() == 2
    assert time.monotonic() - start < 30
    assert wait_no_kernels() == []


def test_warm_kernel_gives_exactly_what_a_cold_kernel_gives():
    """State left by one notebook (globals, rcParams, pandas options, RNG, counters) never leaks."""
    with Kernel(FAST) as kernel:
        first = execute_notebook(FIXTURES / "state.ipynb", {"client": "a"}, kernel=kernel)
        warm = execute_notebook(FIXTURES / "state.ipynb", {"client": "b"}, kernel=kernel)
    assert (first.warm, warm.warm) == (False, True)
    cold = execute_notebook(FIXTURES / "state.ipynb", {"client": "b"}, settings=FAST)
    assert notebook_bytes(normalize_notebook(warm.notebook)) == notebook_bytes(normalize_notebook(cold.notebook))
    assert "leaked: []" in outputs_text(warm.notebook) and "rc: 1.5 white" in outputs_text(warm.notebook)
    assert wait_no_kernels() == []


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_a_warm_kernel_gives_back_the_memory_its_last_notebook_freed(tmp_path):
    """Freed memory stays with the allocators (1.0 GB after three sections of a ten-million-touchpoint
    client): the prelude hands it back (gc, Arrow's pool, malloc_trim) before the next notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("client = 'a'", metadata={"tags": ["parameters"]}),
                # 200 MB in malloc'd blocks, then a block after them kept past %reset (on a module), so that
                # freeing the 200 MB leaves a hole glibc does not give back by itself
                nbformat.v4.new_code_cell("import json\nblocks = [bytes(1000) + bytes([i % 256]) for i in range(200_000)]\n"
                                          "json._cx_test_pin = bytes(2000) + b'x'")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "alloc.ipynb"
    nbformat.write(nb, path)
    with Kernel(FAST) as kernel:
        execute_notebook(path, {"client": "a"}, kernel=kernel)
        holding = kernel.rss_mb()
        kernel.prepare()
        after = kernel.rss_mb()
    assert holding - after > 150, (holding, after)


def test_a_kernel_gives_arrow_the_system_allocator(tmp_path):
    """Arrow's buffers and numpy's share one allocator in a report kernel (KERNEL_ENV)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("client = 'a'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import pyarrow\nprint('pool:', pyarrow.default_memory_pool().backend_name)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "pool.ipynb"
    nbformat.write(nb, path)
    done = execute_notebook(path, {"client": "a"}, settings=FAST)
    assert "pool: system" in outputs_text(done.notebook)


def test_a_kernel_scores_sentiment_with_helpers_on_the_cores_it_is_given(tmp_path):
    """The cores ``cx report`` gives a notebook reach its analyses, and VADER's helpers work from a kernel
    (a process with threads, whose main module is no script)."""
    nb = nbformat.v4.new_notebook()
    code = ("from cxlib.report.context import processes_from_env\nfrom cxlib.text import vader\n"
            "vader.MIN_PER_PROCESS = 5\nstarted = []\nreal = vader._start_helper\n"
            "vader._start_helper = lambda part: started.append(len(part)) or real(part)\n"
            "texts = ['Great staff!', 'Awful wait.', 'ok', 'never again', 'fine'] * 6\n"
            "same = vader.compound_scores_in(texts, processes_from_env()) == vader.compound_scores(texts)\n"
            "print('processes', processes_from_env(), 'helpers', len(started), 'same', same)")
    nb.cells = [nbformat.v4.new_code_cell("client = 'a'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "helpers.ipynb"
    nbformat.write(nb, path)
    with Kernel(FAST) as kernel:
        done = execute_notebook(path, {"client": "a"}, kernel=kernel, environment={"CX_PROCESSES": "3"})
        assert "processes 3 helpers 2 same True" in outputs_text(done.notebook)
        again = execute_notebook(path, {"client": "a"}, kernel=kernel)  # the next notebook is told nothing
        assert "processes 1 helpers 0 same True" in outputs_text(again.notebook)


def test_a_warm_kernel_is_replaced_after_a_failure():
    with Kernel(FAST) as kernel:
        with pytest.raises(NotebookFailed):
            execute_notebook(FIXTURES / "failing_cell.ipynb", {}, kernel=kernel)
        run = execute_notebook(FIXTURES / "ok.ipynb", {}, kernel=kernel)
        assert not run.warm and run.start_attempts == 1
    assert wait_no_kernels() == []
