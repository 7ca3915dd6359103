"""Whether a client's audiences can run side by side, one kernel each, in this machine's memory.

``cx report`` runs the executive and analyst notebooks at once, one kernel each, so that one
client uses every core. Each kernel holds the client's tables for the period, so two kernels
need twice the memory: on a client of ten million touchpoints that is about 7 GB, more than a
consultant's 8 GB laptop has free. :func:`audience_plan` estimates a kernel's peak from the
rows in the client's store and runs the audiences one after the other when the side-by-side
estimate does not fit in the memory available now (``--parallel`` / ``--sequential`` decide
instead of it).

The estimate is a line from a kernel's 400 MB before it loads anything, fitted to the one kernel
peak measured alone (``docs/benchmarks/scale.md``: 3.7 GB for an analyst kernel at 11.7 million
stored rows, ten million touchpoints) and rounded up: 300 MB per million rows, 3.9 GB there. At
65,000 customers (1.2 million rows) it gives 0.76 GB a kernel, 2.0 GB for both kernels and the
report process, against a measured 1.76 GB for that whole process tree.

Examples
--------
>>> plan = audience_plan(rows=11_700_000, audiences=2, available_mb=6_000)
>>> plan.side_by_side, round(plan.kernel_mb)
(False, 3910)
>>> audience_plan(rows=1_200_000, audiences=2, available_mb=6_000).side_by_side
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["KERNEL_BASE_MB", "KERNEL_MB_PER_MILLION_ROWS", "PARENT_MB", "HEADROOM", "AudiencePlan",
           "audience_plan", "store_rows", "available_mb", "usable_cores"]

#: A report kernel's memory before it loads a client (imports, empty frames), MB.
KERNEL_BASE_MB = 400.0
#: What a kernel's peak grows by per million rows in the client's store (touchpoints, answers,
#: customers, posts), MB: fitted to the measured peak, rounded up (module docstring).
KERNEL_MB_PER_MILLION_ROWS = 300.0
#: The ``cx report`` process itself while it renders the PDFs, MB.
PARENT_MB = 500.0
#: Share of the available memory the side-by-side estimate may use (the rest for everything else).
HEADROOM = 0.8
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
    """

    side_by_side: bool
    reason: str
    rows: int = 0
    kernel_mb: float = 0.0
    needed_mb: float = 0.0
    available_mb: float | None = None

    def as_dict(self) -> dict:
        return {k: (round(v) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def store_rows(store_path: str | Path) -> int:
    """Rows in the tables of a client's store that a report kernel loads (DuckDB's table statistics)."""
    from cxlib.ingest.store import connect

    names = ", ".join(f"'{t}'" for t in _DATA_TABLES)
    with connect(Path(store_path)) as con:
        got = con.execute(f"select coalesce(sum(estimated_size), 0) from duckdb_tables() where table_name in ({names})")
        return int(got.fetchone()[0])


def available_mb() -> float:
    """Memory available to new processes now (``psutil``: free plus reclaimable cache), MB."""
    import psutil

    return psutil.virtual_memory().available / 2**20


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it, else the machine's)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def audience_plan(*, rows: int, audiences: int, available_mb: float | None, asked: bool | None = None) -> AudiencePlan:
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

    Returns
    -------
    AudiencePlan
    """
    kernel = KERNEL_BASE_MB + KERNEL_MB_PER_MILLION_ROWS * rows / 1e6
    needed = PARENT_MB + kernel * audiences
    if audiences < 2:
        return AudiencePlan(False, "one audience", rows, kernel, PARENT_MB + kernel, available_mb)
    if asked is not None:
        return AudiencePlan(asked, "asked", rows, kernel, needed, available_mb)
    fits = available_mb is None or needed <= HEADROOM * available_mb
    return AudiencePlan(fits, "estimate", rows, kernel, needed, available_mb)
