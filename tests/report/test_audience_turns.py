"""Audiences one after the other (``cx report --sequential``): each is rendered while the next one runs.

The notebooks are replaced by a stand-in that records what ran when, so that these tests wait on events,
not on clocks: the overlap is shown by the next audience having started while the caller still holds the
previous one's outcome.
"""

from __future__ import annotations

import threading

import pytest

from cxlib.report import pipeline
from cxlib.report.pipeline import ReportJob

WAIT = 30.0  # seconds an event may take before the test fails (never reached when the code is right)


class Notebooks:
    """Stands in for ``pipeline._run_audience``: records starts and ends; an audience named ``fails`` fails."""

    def __init__(self, *, hold: str | None = None):
        self.started: list[str] = []
        self.finished: list[str] = []
        self.events = {}
        self.release = threading.Event()
        self.hold = hold  # this audience runs until ``release`` is set
        self.lock = threading.Lock()

    def event(self, name: str) -> threading.Event:
        with self.lock:
            return self.events.setdefault(name, threading.Event())

    def __call__(self, job, audience, kernel, notebook_env, progress=None):
        self.started.append(audience)
        self.event(f"start:{audience}").set()
        if audience == self.hold:
            assert self.release.wait(WAIT), "never released"
        self.finished.append(audience)
        outcome = {"audience": audience, "kernel": kernel, "params": {}, "seconds": 0.0, "computed": []}
        if audience == "fails":
            outcome["error"] = RuntimeError("the notebook failed")
        return outcome


@pytest.fixture
def notebooks(monkeypatch):
    def install(**kwargs) -> Notebooks:
        fake = Notebooks(**kwargs)
        monkeypatch.setattr(pipeline, "_run_audience", fake)
        return fake

    return install


def _job(audiences) -> ReportJob:
    return ReportJob(client="alpha", root=".", audiences=tuple(audiences))


def test_the_next_audience_runs_while_the_caller_holds_the_previous_one(notebooks):
    fake = notebooks()
    kernel = object()
    outcomes = pipeline._run_audiences(_job(["executive", "analyst"]), kernel, {}, side_by_side=False)
    first = next(outcomes)
    assert first["audience"] == "executive"
    # the caller has not asked for the analyst yet (it would be rendering the executive report now)
    assert fake.event("start:analyst").wait(WAIT), "the analyst waited for the executive report to be rendered"
    second = next(outcomes)
    assert second["audience"] == "analyst" and second["kernel"] is kernel and first["kernel"] is kernel
    assert list(outcomes) == []
    assert fake.started == ["executive", "analyst"]


def test_they_run_one_at_a_time_in_audience_order(notebooks):
    fake = notebooks(hold="executive")
    outcomes = pipeline._run_audiences(_job(["executive", "analyst"]), None, {}, side_by_side=False)
    getting = threading.Thread(target=lambda: fake.got.extend(outcomes))
    fake.got = []
    getting.start()
    assert fake.event("start:executive").wait(WAIT)
    assert not fake.event("start:analyst").wait(0.2)  # held back: one kernel, one notebook at a time
    fake.release.set()
    getting.join(WAIT)
    assert [o["audience"] for o in fake.got] == ["executive", "analyst"]
    assert fake.finished == ["executive", "analyst"]


def test_after_a_failed_audience_none_is_started(notebooks):
    fake = notebooks()
    outcomes = list(pipeline._run_audiences(_job(["fails", "analyst"]), None, {}, side_by_side=False))
    assert [o["audience"] for o in outcomes] == ["fails"] and "error" in outcomes[0]
    assert fake.started == ["fails"]


def test_a_caller_that_stops_reading_gets_its_kernel_back_free(notebooks):
    fake = notebooks(hold="analyst")
    outcomes = pipeline._run_audiences(_job(["executive", "analyst", "third"]), None, {}, side_by_side=False)
    assert next(outcomes)["audience"] == "executive"
    assert fake.event("start:analyst").wait(WAIT)
    closing = threading.Thread(target=outcomes.close)
    closing.start()
    closing.join(0.2)
    assert closing.is_alive()  # close waits for the audience still running on the kernel ...
    fake.release.set()
    closing.join(WAIT)
    assert not closing.is_alive()
    assert fake.finished == ["executive", "analyst"]  # ... and starts no other
    assert fake.started == ["executive", "analyst"]


def test_render_client_frees_the_kernel_when_rendering_fails(notebooks, monkeypatch, tmp_path):
    """A failure while the executive report is rendered: the analyst's notebook, already running, is waited
    for (the kernel is free when the client is reported failed), and the failure is the client's."""
    from types import SimpleNamespace

    from cxlib.report.capacity import AudiencePlan

    fake = notebooks()
    run = SimpleNamespace(warm=False, start_attempts=1, notebook=None)
    real = fake.__class__.__call__
    monkeypatch.setattr(pipeline, "_run_audience", lambda *a: {**real(fake, *a), "run": run})
    monkeypatch.setattr(pipeline, "_audience_plan", lambda job, ws: AudiencePlan(False, "asked"))
    monkeypatch.setattr("cxlib.workspace.open_client", lambda client, root: object())

    def broken(notebook):
        assert fake.event("start:analyst").wait(WAIT)  # the analyst runs while the executive report renders
        raise ValueError("cannot render")

    monkeypatch.setattr(pipeline, "_results_used", broken)
    job = ReportJob(client="alpha", root=str(tmp_path), out_dir=str(tmp_path / "reports"))
    result = pipeline.render_client(job)
    assert not result.ok and result.error_type == "ValueError"
    assert fake.started == ["executive", "analyst"] and fake.finished == ["executive", "analyst"]


@pytest.mark.parametrize("side_by_side, cores, audiences, given", [
    (False, 4, ("executive", "analyst"), "4"),  # one kernel at a time: it may use every core
    (True, 4, ("executive", "analyst"), "2"),   # two at once: half each
    (True, 1, ("executive", "analyst"), "1"),
    (False, 3, ("executive",), "3"),
])
def test_each_kernel_is_told_the_cores_it_may_use(monkeypatch, tmp_path, side_by_side, cores, audiences, given):
    from cxlib.report.capacity import AudiencePlan
    from cxlib.report.context import PROCESSES_ENV, SHARED_ENV

    seen, shared = [], []

    def notebook(job, audience, kernel, notebook_env, progress=None):
        seen.append(notebook_env[PROCESSES_ENV])
        shared.append(notebook_env.get(SHARED_ENV))
        return {"audience": audience, "params": {}, "seconds": 0.0, "computed": [], "error": ValueError("stop")}

    monkeypatch.setattr(pipeline, "_run_audience", notebook)
    monkeypatch.setattr(pipeline, "_audience_plan", lambda job, ws: AudiencePlan(side_by_side, "asked"))
    monkeypatch.setattr("cxlib.workspace.open_client", lambda client, root: object())
    job = ReportJob(client="alpha", root=str(tmp_path), out_dir=str(tmp_path / "reports"), audiences=audiences,
                    cores=cores)
    assert not pipeline.render_client(job).ok
    assert seen and set(seen) == {given}
    # two audiences load the comments' coding from each other, side by side or one after the other (the kernel is
    # reset between the notebooks); one audience computes its own
    assert set(shared) == ({"1"} if len(audiences) > 1 else {None})


@pytest.mark.parametrize("value, processes", [(None, 1), ("3", 3), ("0", 1), ("-2", 1), ("two", 1)])
def test_a_kernel_reads_its_processes_from_the_environment(monkeypatch, value, processes):
    from cxlib.report.context import PROCESSES_ENV, processes_from_env

    if value is None:
        monkeypatch.delenv(PROCESSES_ENV, raising=False)
    else:
        monkeypatch.setenv(PROCESSES_ENV, value)
    assert processes_from_env() == processes


def test_a_batch_shares_the_cores_among_its_workers(monkeypatch, tmp_path):
    from cxlib.report import batch

    got = {}
    monkeypatch.setattr(batch, "usable_cores", lambda: 4)
    monkeypatch.setattr(batch, "_run_local", lambda jobs, n, *a: got.update({j.client: (j.cores, n) for j in jobs})
                        or {})
    for clients, workers, share in ((["a"], None, 4), (["a", "b"], None, 2), (["a", "b", "c", "d", "e"], None, 1),
                                    (["a", "b"], 1, 4)):
        got.clear()
        for c in clients:
            (tmp_path / "data" / c).mkdir(parents=True, exist_ok=True)
            (tmp_path / "data" / c / "client.yaml").write_text("name: x\n")
        batch.run_batch(clients, root=tmp_path, workers=workers, progress=False, out_dir=str(tmp_path / "out"))
        assert {c: v[0] for c, v in got.items()} == {c: share for c in clients}, (clients, workers)
