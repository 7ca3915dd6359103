"""A small pool of warm, killable worker processes for batch rendering.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one worker dies (a kernel taking its
worker down, the OOM killer) the whole executor is *broken* and every pending client fails
with it; and a worker that hangs cannot be killed alone. Here each worker has its own pipe:

- a client's job goes to one idle worker at a time, so every client runs exactly once;
- a worker that dies fails only the client it was running; a fresh worker replaces it;
- a job over its wall-clock limit gets its worker *and every process under it* (kernels)
  killed, and only that client fails;
- workers are forked from a *forkserver* that has already imported papermill, nbconvert,
  WeasyPrint and the report templates (``cxlib.report._warm``), so a new or recycled worker is
  warm from its first job; each worker keeps one Jupyter kernel warm across jobs when asked
  (reset between notebooks, replaced after any failure; see :mod:`cxlib.report.execute`);
- a worker retires after ``max_jobs`` jobs (memory does not creep) and is replaced.

Examples
--------
>>> with WorkerPool(2) as pool:                                        # doctest: +SKIP
...     for event in pool.run(jobs): print(event)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

__all__ = ["WorkerPool", "PoolEvent", "kill_tree"]


@dataclass(frozen=True)
class PoolEvent:
    """A job started (``kind="start"``) or finished (``kind="done"``, with its ``result``)."""

    kind: str
    index: int
    worker: int
    result: object = None


def kill_tree(pid: int, sig: int = signal.SIGKILL) -> list[int]:
    """Kill a process and every process under it (kernels in their own sessions included).

    Returns the pids signalled.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return []
    for proc in procs:
        try:
            proc.send_signal(sig)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)
    return [p.pid for p in procs]


def _worker_main(conn: Connection, func: Callable, max_jobs: int) -> None:
    # Runs in the worker process. Ctrl-C goes to the parent, which shuts workers down in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    done = 0
    try:
        while done < max_jobs:
            try:
                message = conn.recv()
            except EOFError:
                break
            if message is None:
                break
            index, job = message
            try:
                result = func(job)
            except BaseException as exc:  # noqa: BLE001 - report, never die silently
                result = exc
            try:
                conn.send((index, result))
            except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                conn.send((index, RuntimeError(f"worker could not return its result: {exc}")))
            done += 1
    finally:
        try:
            from cxlib.report.pipeline import shutdown_worker_kernels

            shutdown_worker_kernels()
        except Exception:  # noqa: BLE001
            pass
        conn.close()


class _Worker:
    def __init__(self, ctx, slot: int, func: Callable, max_jobs: int) -> None:
        self.slot = slot
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, func, max_jobs), daemon=False,
                                   name=f"cx-report-worker-{slot}")
        self.process.start()
        child.close()
        self.job: int | None = None
        self.deadline: float | None = None
        self.jobs_done = 0
        self.max_jobs = max_jobs

    def send(self, index: int, job, timeout: float | None) -> None:
        self.conn.send((index, job))
        self.job = index
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def stop(self, grace: float = 10.0) -> None:
        try:
            if self.process.is_alive():
                self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.process.join(grace)
        if self.process.is_alive():
            kill_tree(self.process.pid)
            self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Run a picklable function over jobs in ``n_workers`` warm processes.

    Parameters
    ----------
    n_workers : int
        Processes (default: the number of usable cores).
    func : callable
        Module-level function ``job -> result`` (default :func:`cxlib.report.pipeline.render_client`).
    max_jobs : int
        Jobs a worker runs before it is replaced by a fresh (still warm) one.
    job_timeout : float, optional
        Wall-clock seconds per job; over it the worker and its kernels are killed.
    on_timeout, on_death : callable
        ``(job, message) -> result`` building the failed result for a killed or dead worker's job.
    start_method : str
        ``"forkserver"`` (default on POSIX: warm and thread-safe), ``"spawn"`` or ``"fork"``.
    """

    def __init__(self, n_workers: int | None = None, *, func: Callable | None = None, max_jobs: int = 64,
                 job_timeout: float | None = None, on_timeout: Callable | None = None,
                 on_death: Callable | None = None, start_method: str | None = None) -> None:
        if func is None:
            from cxlib.report.pipeline import render_client as func
        self.func = func
        self.n_workers = max(1, int(n_workers or len(os.sched_getaffinity(0))))
        self.max_jobs = max(1, int(max_jobs))
        self.job_timeout = job_timeout
        self.on_timeout = on_timeout or (lambda job, msg: TimeoutError(msg))
        self.on_death = on_death or (lambda job, msg: RuntimeError(msg))
        method = start_method or ("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
        self.ctx = mp.get_context(method)
        if method == "forkserver":
            self.ctx.set_forkserver_preload(["cxlib.report._warm"])
        self.workers: list[_Worker] = []

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (their warm kernels are shut down with them)."""
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def _spawn(self, slot: int) -> _Worker:
        return _Worker(self.ctx, slot, self.func, self.max_jobs)

    def run(self, jobs: Iterable) -> Iterator[PoolEvent]:
        """Run every job once; yield start/done events as they happen (results in ``done`` events)."""
        jobs = list(jobs)
        pending = list(range(len(jobs)))
        pending.reverse()
        remaining = len(jobs)
        n = min(self.n_workers, max(1, len(jobs)))
        while len(self.workers) < n:
            self.workers.append(self._spawn(len(self.workers)))
        while remaining:
            for worker in self.workers:
                if worker.job is None and pending:
                    if not worker.process.is_alive() or worker.jobs_done >= worker.max_jobs:
                        self._replace(worker)
                        worker = self.workers[worker.slot]
                    index = pending.pop()
                    worker.send(index, jobs[index], self.job_timeout)
                    yield PoolEvent("start", index, worker.slot)
            busy = [w for w in self.workers if w.job is not None]
            if not busy:  # cannot happen while jobs remain; never block on an empty wait
                raise RuntimeError(f"worker pool lost track of {remaining} job(s)")
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            timeout = max(0.05, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
            for worker in busy:
                index = worker.job
                if worker.conn in ready:
                    try:
                        got_index, result = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.process.join(timeout=5)  # reap it, so its exit code is known
                        got_index, result = index, self.on_death(
                            jobs[index], f"worker process died (exit code {worker.process.exitcode})")
                        self._replace(worker)
                    worker.job, worker.deadline = None, None
                    worker.jobs_done += 1
                    remaining -= 1
                    yield PoolEvent("done", got_index, worker.slot, result)
                elif worker.process.sentinel in ready:
                    # the sentinel can fire a moment before the process is reapable: join so exitcode is set
                    worker.process.join(timeout=5)
                    code = worker.process.exitcode
                    worker.job = None
                    remaining -= 1
                    self._replace(worker)
                    hint = ("; a worker that dies at once usually means run_batch was called from a script "
                            "without an `if __name__ == \"__main__\":` guard") if code == 1 else ""
                    yield PoolEvent("done", index, worker.slot, self.on_death(
                        jobs[index], f"worker process died while running it (exit code {code}); "
                                     f"its kernel and children were killed{hint}"))
                elif worker.deadline is not None and time.monotonic() >= worker.deadline:
                    worker.job = None
                    remaining -= 1
                    self._replace(worker, kill=True)
                    yield PoolEvent("done", index, worker.slot, self.on_timeout(
                        jobs[index], f"over the {self.job_timeout:g} s limit per client; its worker and kernel "
                                     "were killed"))

    def _replace(self, worker: _Worker, *, kill: bool = False) -> None:
        if kill or worker.process.is_alive():
            kill_tree(worker.process.pid) if kill else worker.stop()
        else:
            kill_tree(worker.process.pid)  # reap anything the dead worker left
        worker.process.join(5)
        try:
            worker.conn.close()
        except OSError:
            pass
        self.workers[worker.slot] = self._spawn(worker.slot)
