"""Kernel files left behind by a killed run, and their clean-up.

Every kernel a report starts gets its own folder under one parent,
``<tmp>/cx-kernels-<user>/`` (``CX_KERNEL_DIR`` overrides it): the connection file
(``kernel.json``, which holds the kernel's HMAC key), its IPC sockets and its log. A normal
exit removes the folder (:meth:`cxlib.report.execute.Kernel.shutdown`). A run killed with
SIGKILL cannot clean up after itself, so each folder's *name* records its owner
(``<pid>-<process start, ms>-<random>``: written in the one call that creates the folder, so a
sweep running in another process at the same moment can never find a folder without its owner),
and the next kernel started on the machine removes the folders whose owner is gone
(:func:`sweep`). Names that are not ours are left alone. The kernel itself exits once its parent
dies (``JPY_PARENT_PID``).

Examples
--------
>>> folder = new_kernel_dir()            # doctest: +SKIP
>>> owner(folder) == (os.getpid(), process_started_ms(os.getpid()))   # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["kernels_root", "new_kernel_dir", "sweep", "owner", "process_started_ms"]

_NAME = re.compile(r"^(\d+)-(\d+)-[A-Za-z0-9_]+$")


def kernels_root() -> Path:
    """The parent of every kernel folder (``CX_KERNEL_DIR``, else ``<tmp>/cx-kernels-<uid>``)."""
    if os.environ.get("CX_KERNEL_DIR"):
        return Path(os.environ["CX_KERNEL_DIR"])
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"cx-kernels-{user}"


def process_started_ms(pid: int) -> int | None:
    """Start time of process ``pid`` in milliseconds since the epoch, or None when there is none."""
    import psutil

    try:
        return int(psutil.Process(pid).create_time() * 1000)
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def owner(folder: Path) -> tuple[int, int] | None:
    """(pid, start ms) of the process that made a kernel folder, from its name; None if not ours."""
    m = _NAME.match(Path(folder).name)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _owner_alive(pid: int, started_ms: int) -> bool:
    now = process_started_ms(pid)
    # a reused pid belongs to a process started later than the folder's owner
    return now is not None and abs(now - started_ms) < 1000


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the kernel folders whose owning process is gone; returns the folders removed."""
    root = kernels_root() if root is None else Path(root)
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        who = owner(folder) if folder.is_dir() else None
        if who is not None and not _owner_alive(*who):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


def new_kernel_dir() -> Path:
    """A fresh folder for one kernel's files, owned by this process (leftovers of dead runs swept first)."""
    root = kernels_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(root)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-{process_started_ms(os.getpid())}-", dir=root))
