"""Side by side or one after the other: the audiences' kernels must fit in the memory available."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cxlib.report import capacity
from cxlib.report.capacity import AudiencePlan, audience_plan, store_rows
from cxlib.report.execute import ExecutionSettings
from cxlib.report.manifest import read_manifest
from cxlib.report.pipeline import ReportJob, render_client
from tests.conftest import write_workspace

NOTEBOOK = str(Path(__file__).parents[1] / "fixtures" / "notebooks" / "client_report.ipynb")


def test_the_estimate_covers_the_measured_peaks():
    # docs/benchmarks/scale.md: cx report --sequential on ten million touchpoints (11.7 million stored rows)
    # peaked at 3,481 MB, the kernel 3,215 MB of it; side by side at 6,134 MB; at 1.2 million rows
    # (65,000 customers) both kernels and cx report together peaked at 1,540 MB
    ten_million = audience_plan(rows=11_700_000, audiences=2, available_mb=None)
    assert ten_million.kernel_mb == pytest.approx(3_442) and ten_million.kernel_mb >= 3_215
    assert ten_million.needed_mb >= 6_134
    alone = audience_plan(rows=11_700_000, audiences=1, available_mb=None)
    assert alone.needed_mb == pytest.approx(3_942) and alone.needed_mb >= 3_481
    small = audience_plan(rows=1_200_000, audiences=2, available_mb=None)
    assert small.kernel_mb == pytest.approx(712) and small.needed_mb >= 1_540
    assert audience_plan(rows=0, audiences=2, available_mb=None).kernel_mb == capacity.KERNEL_BASE_MB


@pytest.mark.parametrize("available, side_by_side", [(11_000, True), (7_384 / 0.8, True), (7_384 / 0.8 - 1, False),
                                                     (6_000, False), (None, True)])
def test_side_by_side_only_when_the_estimate_fits_in_the_headroom(available, side_by_side):
    plan = audience_plan(rows=11_700_000, audiences=2, available_mb=available)
    assert plan.needed_mb == pytest.approx(capacity.PARENT_MB + 2 * 3_442)
    assert (plan.side_by_side, plan.reason) == (side_by_side, "estimate")


@pytest.mark.parametrize("budget, available, side_by_side, over", [
    (4_096, 20_000, False, False),   # issue 17: ten million touchpoints within 4 GB, one after the other
    (3_000, 20_000, False, True),    # not even one kernel fits: still one after the other, and said so
    (7_384, 20_000, True, False),    # the whole budget may be used (no headroom taken from it)
    (7_383, 20_000, False, False),
    (8_000, 9_000, False, False),    # the budget allows it, the machine does not (80 % of 9 GB)
    (8_000, None, True, False),
])
def test_a_memory_budget_is_met_before_speed(budget, available, side_by_side, over):
    plan = audience_plan(rows=11_700_000, audiences=2, available_mb=available, budget_mb=budget)
    assert (plan.side_by_side, plan.reason, plan.over_budget, plan.budget_mb) == (side_by_side, "estimate", over, budget)


def test_a_small_client_runs_side_by_side_within_a_small_budget():
    assert audience_plan(rows=1_200_000, audiences=2, available_mb=20_000, budget_mb=2_048).side_by_side


@pytest.mark.parametrize("text, mb", [("4GB", 4096), ("4 gb", 4096), ("4G", 4096), ("3.5GiB", 3584), ("3500MB", 3500),
                                      ("512m", 512), ("2", 2048), (" 1.5 ", 1536)])
def test_parse_memory(text, mb):
    assert capacity.parse_memory(text) == mb


@pytest.mark.parametrize("text", ["", "four", "4TB", "-1GB", "0", "4 GB RAM"])
def test_parse_memory_refuses_what_is_not_a_size(text):
    from cxlib.errors import ConfigError

    with pytest.raises(ConfigError, match="give a size such as 4GB"):
        capacity.parse_memory(text)


def _cgroup(tmp_path, limit: str, usage: str, name: str = "v2"):
    (tmp_path / f"{name}.max").write_text(limit + "\n")
    (tmp_path / f"{name}.current").write_text(usage + "\n")
    return (str(tmp_path / f"{name}.max"), str(tmp_path / f"{name}.current"))


def test_a_container_limit_is_what_is_left_of_it(tmp_path):
    files = (_cgroup(tmp_path, str(4 * 2**30), str(2**30)),)
    assert capacity.container_available_mb(files) == 3 * 1024
    full = (_cgroup(tmp_path, str(2**30), str(2**30 + 5), "full"),)
    assert capacity.container_available_mb(full) == 0


def test_no_container_limit(tmp_path):
    assert capacity.container_available_mb((_cgroup(tmp_path, "max", "123"),)) is None
    assert capacity.container_available_mb((_cgroup(tmp_path, str(2**63 - 4096), "123", "v1"),)) is None  # v1 unlimited
    assert capacity.container_available_mb(((str(tmp_path / "none"), str(tmp_path / "none2")),)) is None
    # the first readable pair decides: v2 missing, v1 present
    v1 = _cgroup(tmp_path, str(2 * 2**30), str(2**29), "v1b")
    assert capacity.container_available_mb(((str(tmp_path / "none"), str(tmp_path / "x")), v1)) == 1536


def test_available_memory_is_the_smaller_of_the_machine_and_the_container(monkeypatch):
    import psutil

    machine = psutil.virtual_memory().available / 2**20
    monkeypatch.setattr(capacity, "container_available_mb", lambda: 100.0)
    assert capacity.available_mb() == 100.0
    monkeypatch.setattr(capacity, "container_available_mb", lambda: None)
    assert capacity.available_mb() == pytest.approx(machine, rel=0.2)


def test_the_plan_is_said_in_words():
    said = audience_plan(rows=11_700_000, audiences=2, available_mb=20_000, budget_mb=4_096).describe()
    assert said == ("audiences one after the other (one kernel): side by side would need about 7.2 GB (estimate), "
                    "which is above the 4.0 GB budget")
    fits = audience_plan(rows=1_200_000, audiences=2, available_mb=20_000).describe()
    assert fits == ("audiences side by side (one kernel each): side by side would need about 1.9 GB (estimate), "
                    "which fits in 80 % of the 19.5 GB available")
    machine = audience_plan(rows=11_700_000, audiences=2, available_mb=6_000, budget_mb=8_000).describe()
    assert machine.endswith("which is above 80 % of the 5.9 GB available")
    over = audience_plan(rows=11_700_000, audiences=2, available_mb=20_000, budget_mb=3_000).describe()
    assert over.endswith("one after the other is estimated at 3.8 GB, above the budget too: "
                         "this is the least memory cx report can use")
    assert AudiencePlan(False, "asked").describe() == "audiences one after the other (one kernel), as asked"
    assert AudiencePlan(False, "one audience").describe() == ""


def test_asked_and_one_audience_are_not_estimated_away():
    assert audience_plan(rows=10**9, audiences=2, available_mb=100, asked=True).side_by_side
    assert not audience_plan(rows=0, audiences=2, available_mb=10**6, asked=False).side_by_side
    assert audience_plan(rows=0, audiences=1, available_mb=10**6).reason == "one audience"


def test_store_rows_counts_the_tables_a_kernel_loads(tmp_path):
    path = tmp_path / "cx.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table interactions as select range as i from range(1234)")
        con.execute("create table responses as select range as i from range(56)")
        con.execute("create table quarantine as select range as i from range(999)")  # not loaded by a kernel
    assert store_rows(path) == 1234 + 56


@pytest.mark.parametrize("available, side_by_side", [(10**7, True), (1.0, False)])
def test_cx_report_runs_the_audiences_side_by_side_only_when_they_fit(tmp_path, monkeypatch, available, side_by_side):
    write_workspace(tmp_path, "alpha")
    monkeypatch.setattr(capacity, "available_mb", lambda: available)
    job = ReportJob(client="alpha", root=str(tmp_path), notebook=NOTEBOOK, formats=("html",),
                    settings=ExecutionSettings(cell_timeout=60, start_timeout=60), parallel_audiences=None)
    result = render_client(job)
    assert result.ok, result.error
    settings = read_manifest(tmp_path / "reports" / "alpha" / "manifest.json")["settings"]
    assert settings["parallel_audiences"] is side_by_side
    plan = settings["audience_plan"]
    assert plan["reason"] == "estimate" and plan["side_by_side"] is side_by_side and plan["rows"] > 0
    assert plan["available_mb"] == round(available)


def test_cx_report_memory_keeps_to_the_budget_and_says_how(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cxlib.cli import app

    write_workspace(tmp_path, "alpha")
    monkeypatch.setattr(capacity, "available_mb", lambda: 10.0**6)
    args = ["report", "alpha", "--root", str(tmp_path), "--notebook", NOTEBOOK, "-f", "html"]
    result = CliRunner().invoke(app, [*args, "--memory", "0.5GB"], terminal_width=300)
    assert result.exit_code == 0, result.output
    plan = read_manifest(tmp_path / "reports" / "alpha" / "manifest.json")["settings"]["audience_plan"]
    assert (plan["side_by_side"], plan["reason"], plan["budget_mb"], plan["over_budget"]) == (False, "estimate", 512, True)
    assert "audiences one after the other (one kernel)" in result.output and "above the 0.5 GB budget" in result.output
    roomy = CliRunner().invoke(app, [*args, "--memory", "64GB"], terminal_width=300)
    assert roomy.exit_code == 0, roomy.output
    assert read_manifest(tmp_path / "reports" / "alpha" / "manifest.json")["settings"]["audience_plan"]["side_by_side"]
    assert "fits in the 64.0 GB budget" in roomy.output


@pytest.mark.parametrize("extra, words", [(["--memory", "4GB", "--sequential"], "not both"),
                                          (["--memory", "lots"], "give a size such as 4GB")])
def test_cx_report_refuses_a_budget_it_cannot_keep_before_any_kernel_starts(tmp_path, monkeypatch, extra, words):
    from typer.testing import CliRunner

    from cxlib.cli import app
    from cxlib.report import pipeline

    write_workspace(tmp_path, "alpha")
    monkeypatch.setattr(pipeline, "render_client", lambda *a, **k: pytest.fail("ran"))
    result = CliRunner().invoke(app, ["report", "alpha", "--root", str(tmp_path), *extra], terminal_width=300)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def test_a_job_that_asks_is_not_counted(tmp_path, monkeypatch):
    write_workspace(tmp_path, "alpha")
    monkeypatch.setattr(capacity, "store_rows", lambda path: pytest.fail("counted"))
    job = ReportJob(client="alpha", root=str(tmp_path), notebook=NOTEBOOK, formats=("html",),
                    settings=ExecutionSettings(cell_timeout=60, start_timeout=60), parallel_audiences=False)
    assert render_client(job).ok
    assert read_manifest(tmp_path / "reports" / "alpha" / "manifest.json")["settings"]["audience_plan"] == \
        AudiencePlan(False, "asked").as_dict()


# -- cx batch --memory: no more local workers than fit -------------------------------------------------------
def test_workers_within_a_budget():
    assert capacity.workers_within(4_096, 11_700_000, wanted=2) == (1, 3_942.0)  # ten million touchpoints: one
    assert capacity.workers_within(4_096, 1_200_000, wanted=2) == (2, 1_212.0)
    assert capacity.workers_within(4_096, 1_200_000, wanted=8) == (3, 1_212.0)
    assert capacity.workers_within(100, 0, wanted=4) == (1, 900.0)  # below one worker: still one


def test_a_batch_budget_counts_a_validated_store_and_else_the_files(tmp_path):
    from cxlib.report.batch import client_size, make_jobs, memory_plan
    from cxlib.workspace import open_client

    write_workspace(tmp_path, "alpha")
    write_workspace(tmp_path, "beta")
    store = open_client("alpha", root=tmp_path).store_path  # validated: its store's rows count
    stored = store_rows(store)
    from_files = capacity.rows_from_bytes(client_size(tmp_path, "beta"))  # not validated: its files' bytes
    assert 0 < stored < from_files  # tiny CSVs: far fewer rows than the densest client's bytes per row
    plan = memory_plan(make_jobs(root=tmp_path), tmp_path, 2_000, wanted=2)
    assert (plan["largest_client"], plan["largest_rows"]) == ("beta", from_files)
    assert (plan["workers"], plan["worker_mb"], plan["over_budget"]) == (2, round(900 + 0.26 * from_files / 1e3), False)
    assert memory_plan(make_jobs(root=tmp_path), tmp_path, 1_000, wanted=2)["workers"] == 1
    assert memory_plan(make_jobs(root=tmp_path), tmp_path, 500, wanted=2)["over_budget"]


def test_cx_batch_memory_runs_fewer_workers_and_says_so(tmp_path):
    from cxlib.cli import app
    from typer.testing import CliRunner

    write_workspace(tmp_path, "alpha")
    write_workspace(tmp_path, "beta")
    result = CliRunner().invoke(app, ["batch", "--root", str(tmp_path), "--notebook", NOTEBOOK, "-a", "executive",
                                      "-f", "html", "--no-progress", "--workers", "2", "--memory", "1GB"],
                                terminal_width=300)
    assert result.exit_code == 0, result.output
    assert "memory: 1 of 2 worker(s) within the 1.0 GB budget" in result.output
    batch = read_manifest(tmp_path / "reports" / "batch-manifest.json")
    assert batch["settings"]["workers"] == 1 and batch["settings"]["memory"]["workers"] == 1
    assert all((tmp_path / "reports" / c / f"{c}-executive.html").exists() for c in ("alpha", "beta"))


def test_a_batch_budget_is_for_the_local_pool_only(tmp_path):
    from cxlib.errors import ConfigError
    from cxlib.report.batch import run_batch

    write_workspace(tmp_path, "alpha")
    for where in ({"scheduler": "local:2"}, {"storage": "s3://bucket/project"}):
        with pytest.raises(ConfigError, match="--memory sizes the local pool"):
            run_batch(root=tmp_path, memory_mb=4_096, progress=False, **where)
