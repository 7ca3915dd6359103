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
    # docs/benchmarks/scale.md: one analyst kernel alone peaked at 3.7 GB with 11.7 million stored rows
    # (ten million touchpoints); at 1.2 million (65,000 customers) both kernels and cx report together
    # peaked at 1.76 GB, under the 2.0 GB the estimate gives them
    assert audience_plan(rows=11_700_000, audiences=2, available_mb=None).kernel_mb == pytest.approx(3_910)
    assert audience_plan(rows=11_700_000, audiences=1, available_mb=None).kernel_mb >= 3_700
    small = audience_plan(rows=1_200_000, audiences=2, available_mb=None)
    assert small.kernel_mb == pytest.approx(760) and small.needed_mb >= 1_760
    assert audience_plan(rows=0, audiences=2, available_mb=None).kernel_mb == capacity.KERNEL_BASE_MB


@pytest.mark.parametrize("available, side_by_side", [(11_000, True), (8_320 / 0.8, True), (8_320 / 0.8 - 1, False),
                                                     (6_000, False), (None, True)])
def test_side_by_side_only_when_the_estimate_fits_in_the_headroom(available, side_by_side):
    plan = audience_plan(rows=11_700_000, audiences=2, available_mb=available)
    assert plan.needed_mb == pytest.approx(capacity.PARENT_MB + 2 * 3_910)
    assert (plan.side_by_side, plan.reason) == (side_by_side, "estimate")


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


def test_a_job_that_asks_is_not_counted(tmp_path, monkeypatch):
    write_workspace(tmp_path, "alpha")
    monkeypatch.setattr(capacity, "store_rows", lambda path: pytest.fail("counted"))
    job = ReportJob(client="alpha", root=str(tmp_path), notebook=NOTEBOOK, formats=("html",),
                    settings=ExecutionSettings(cell_timeout=60, start_timeout=60), parallel_audiences=False)
    assert render_client(job).ok
    assert read_manifest(tmp_path / "reports" / "alpha" / "manifest.json")["settings"]["audience_plan"] == \
        AudiencePlan(False, "asked").as_dict()
