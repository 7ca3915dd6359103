"""Whether a client's audiences can run side by side, one kernel each, in this machine's memory.

``cx report`` runs the executive and analyst notebooks at once, one kernel each, so that one
client uses every core. Each kernel holds the client's tables for the period, so two kernels
need twice the memory: on a client of ten million touchpoints that is about 7 GB, more than a
consultant's 8 GB laptop has free. :func:`audience_plan` estimates a kernel's peak from the
rows in the client's store and runs the audiences one after the other when the side-by-side
estimate does not fit in the memory available now, or in the budget given (``cx report --memory
4GB``); ``--parallel`` / ``--sequential`` decide instead of it. The memory available is the
machine's (``psutil``) or, inside a container with a memory limit (cgroup), what the limit leaves.

The estimate is a line from a kernel's 400 MB before it loads anything, fitted to the kernel
peaks measured (``docs/benchmarks/scale.md``: 3.2 GB for the one kernel of ``cx report
--sequential`` at 11.7 million stored rows, ten million touchpoints; 3.7 GB at an earlier version)
and rounded up: 260 MB per million rows, 3.4 GB there, 3.9 GB with the report process, which
measured 3.5 GB together. At 65,000 customers (1.2 million rows) it gives 0.71 GB a kernel, 1.9 GB
for both kernels and the report process, against a measured 1.54 GB for that whole process tree.

Examples
--------
>>> plan = audience_plan(rows=11_700_000, audiences=2, available_mb=6_000)
>>> plan.side_by_side, round(plan.kernel_mb)
(False, 3442)
>>> audience_plan(rows=1_200_000, audiences=2, available_mb=6_000).side_by_side
True
>>> audience_plan(rows=11_700_000, audiences=2, available_mb=20_000, budget_mb=parse_memory("4GB")).side_by_side
False
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["KERNEL_BASE_MB", "KERNEL_MB_PER_MILLION_ROWS", "PARENT_MB", "HEADROOM", "AudiencePlan",
           "audience_plan", "store_rows", "available_mb", "container_available_mb", "parse_memory", "usable_cores", "BYTES_PER_ROW", "rows_from_bytes",
           "workers_within", "kernel_estimate_mb"]

#: A report kernel's memory before it loads a client (imports, empty frames), MB.
KERNEL_BASE_MB = 400.0
#: What a kernel's peak grows by per million rows in the client's store (touchpoints, answers,
#: customers, posts), MB: fitted to the measured peak, rounded up (module docstring).
KERNEL_MB_PER_MILLION_ROWS = 260.0
#: The ``cx report`` process itself while it renders the PDFs, MB.
PARENT_MB = 500.0
#: Share of the available memory the side-by-side estimate may use (the rest for everything else).
HEADROOM = 0.8
#: Input bytes per stored row of the densest client measured (ten million touchpoints: 330 MB of Parquet and
#: CSV for 11.7 million rows); a CSV takes 80-120 bytes a row, so rows counted this way are an upper bound.
BYTES_PER_ROW = 28.0
#: The store's tables that a report kernel loads.
_DATA_TABLES = ("customers", "interactions", "responses", "mentions")


@dataclass(frozen=True)
class AudiencePlan:
    """How a client's audiences will run, and why (kept in the client's manifest).

    Attributes
    ----------
    side_by_side : bool
        One kernel per audience at once (True) or one after the other.
    reason : str
        ``"estimate"`` (decided here), ``"asked"`` (``--parallel``/``--sequential``), ``"one audience"``
        or ``"results off"`` (nothing shared between the kernels: one after the other).
    rows : int
        Rows in the client's store (the tables a kernel loads).
    kernel_mb : float
        Estimated peak of one kernel.
    needed_mb : float
        Estimated peak side by side (every kernel and the ``cx report`` process).
    available_mb : float or None
        Memory available when the report started.
    budget_mb : float or None
        The most memory the run was given (``cx report --memory``); None: no budget.
    over_budget : bool
        Even one after the other (one kernel and the report process) the estimate is above the
        budget: the run goes ahead with the least memory ``cx report`` can use, and says so.
    """

    side_by_side: bool
    reason: str
    rows: int = 0
    kernel_mb: float = 0.0
    needed_mb: float = 0.0
    available_mb: float | None = None
    budget_mb: float | None = None
    over_budget: bool = False

    def describe(self) -> str:
        """One line for the consultant: how the audiences ran and why (empty when there was no choice)."""
        how = "side by side (one kernel each)" if self.side_by_side else "one after the other (one kernel)"
        if self.reason == "asked":
            return f"audiences {how}, as asked"
        if self.reason != "estimate":
            return ""
        limit = f"the {_gb(self.budget_mb)} budget" if self.budget_mb is not None else "the memory available"
        if self.available_mb is not None and (self.budget_mb is None or HEADROOM * self.available_mb < self.budget_mb):
            limit = f"{round(HEADROOM * 100)} % of the {_gb(self.available_mb)} available"
        verdict = "fits in" if self.side_by_side else "is above"
        line = f"audiences {how}: side by side would need about {_gb(self.needed_mb)} (estimate), which {verdict} {limit}"
        if self.over_budget:
            line += (f"; one after the other is estimated at {_gb(PARENT_MB + self.kernel_mb)}, above the budget too: "
                     "this is the least memory cx report can use")
        return line

    def as_dict(self) -> dict:
        return {k: (round(v) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def store_rows(store_path: str | Path) -> int:
    """Rows in the tables of a client's store that a report kernel loads (DuckDB's table statistics)."""
    from cxlib.ingest.store import connect

    names = ", ".join(f"'{t}'" for t in _DATA_TABLES)
    with connect(Path(store_path)) as con:
        got = con.execute(f"select coalesce(sum(estimated_size), 0) from duckdb_tables() where table_name in ({names})")
        return int(got.fetchone()[0])


def kernel_estimate_mb(rows: int) -> float:
    """One report kernel's estimated peak for a client of ``rows`` stored rows, MB (the module docstring's line).

    >>> kernel_estimate_mb(11_700_000)
    3442.0
    """
    return KERNEL_BASE_MB + KERNEL_MB_PER_MILLION_ROWS * rows / 1e6


def rows_from_bytes(n_bytes: int) -> int:
    """Rows a client not yet validated may have, from its input files' bytes at :data:`BYTES_PER_ROW` (the
    densest client measured; for CSV files, which take more bytes a row, an upper bound).

    >>> rows_from_bytes(330_000_000)
    11785714
    """
    return int(n_bytes / BYTES_PER_ROW)


def workers_within(budget_mb: float, rows: int, wanted: int) -> tuple[int, float]:
    """How many of ``wanted`` batch workers fit in ``budget_mb``, each rendering a client of ``rows``, and
    the estimate for one (a worker process like ``cx report``'s, and one kernel: a batch worker runs
    a client's audiences one after the other). At least one: a budget too small for one worker
    still gets one, the least a batch can use.

    >>> workers_within(4_096, 11_700_000, wanted=2)
    (1, 3942.0)
    >>> workers_within(4_096, 1_200_000, wanted=2)
    (2, 1212.0)
    """
    per_worker = PARENT_MB + kernel_estimate_mb(rows)
    return max(1, min(int(wanted), int(budget_mb // per_worker))), per_worker


def available_mb() -> float:
    """Memory available to new processes now, MB: the machine's (``psutil``: free plus reclaimable
    cache), or less inside a container whose memory limit leaves less (:func:`container_available_mb`)."""
    import psutil

    machine = psutil.virtual_memory().available / 2**20
    container = container_available_mb()
    return machine if container is None else min(machine, container)


#: Where a cgroup's memory limit and use are read: cgroup v2 (``memory.max``, ``memory.current``), then v1.
CGROUP_FILES = (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"))


def container_available_mb(files=CGROUP_FILES) -> float | None:
    """What this process's memory limit (a container's cgroup: Docker ``--memory``, a CI runner, a
    Kubernetes pod) leaves unused now, MB; None without a limit (``max``, or v1's near-2^63 "unlimited")
    or where the files cannot be read (macOS, Windows, no cgroup).

    ``psutil`` tells the machine's memory, which a container may not use: in a 4 GB container on a
    64 GB host it would say 60 GB are free, and two kernels would be started side by side.

    Examples
    --------
    >>> container_available_mb(files=())  # no cgroup files: no limit known
    """
    for limit_file, usage_file in files:
        try:
            limit = Path(limit_file).read_text(encoding="ascii").strip()
            usage = Path(usage_file).read_text(encoding="ascii").strip()
        except OSError:
            continue
        if limit == "max" or not limit.isdigit() or not usage.isdigit() or int(limit) >= 2**60:
            return None
        return max(0, int(limit) - int(usage)) / 2**20
    return None


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(g|gb|gib|m|mb|mib)?\s*$", re.IGNORECASE)


def parse_memory(text: str) -> float:
    """``"4GB"``, ``"4 G"``, ``"3500MB"``, ``"3.5gib"`` -> MB (GB are 1024 MB, as memory is counted);
    a bare number is GB.

    Examples
    --------
    >>> parse_memory("4GB"), parse_memory("512 MB"), parse_memory("2.5")
    (4096.0, 512.0, 2560.0)
    """
    from cxlib.errors import ConfigError

    found = _SIZE.match(str(text))
    if found is None or float(found.group(1)) <= 0:
        raise ConfigError(f"--memory {text!r}: give a size such as 4GB or 3500MB.")
    unit = (found.group(2) or "g").lower()
    return float(found.group(1)) * (1024.0 if unit.startswith("g") else 1.0)


def _gb(mb: float | None) -> str:
    return "?" if mb is None else f"{mb / 1024:.1f} GB"


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it, else the machine's)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def audience_plan(*, rows: int, audiences: int, available_mb: float | None, asked: bool | None = None,
                  budget_mb: float | None = None) -> AudiencePlan:
    """Run ``audiences`` kernels side by side, or one after the other?

    Parameters
    ----------
    rows : int
        Rows in the client's store (:func:`store_rows`).
    audiences : int
        Notebooks to run.
    available_mb : float or None
        Memory available now (:func:`available_mb`); None: unknown, side by side.
    asked : bool, optional
        ``--parallel`` (True) or ``--sequential`` (False): decides, whatever the estimate.
    budget_mb : float, optional
        The most memory the run may use (``cx report --memory``, :func:`parse_memory`): side by side
        only when the estimate fits in it too (all of it: the budget is the run's own).

    Returns
    -------
    AudiencePlan
    """
    kernel = kernel_estimate_mb(rows)
    needed = PARENT_MB + kernel * audiences
    over = budget_mb is not None and PARENT_MB + kernel > budget_mb
    if audiences < 2:
        return AudiencePlan(False, "one audience", rows, kernel, PARENT_MB + kernel, available_mb, budget_mb, over)
    if asked is not None:
        return AudiencePlan(asked, "asked", rows, kernel, needed, available_mb, budget_mb)
    fits = (available_mb is None or needed <= HEADROOM * available_mb) and (budget_mb is None or needed <= budget_mb)
    return AudiencePlan(fits, "estimate", rows, kernel, needed, available_mb, budget_mb, over)
