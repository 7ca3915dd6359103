"""Kernel files left behind by a killed run, and their clean-up.

Every kernel a report starts gets its own folder under one parent,
``<tmp>/cx-kernels-<user>/`` (``CX_KERNEL_DIR`` overrides it): the connection file
(``kernel.json``, which holds the kernel's HMAC key), its IPC sockets and its log. A normal
exit removes the folder (:meth:`cxlib.report.execute.Kernel.shutdown`). A run killed with
SIGKILL cannot clean up after itself, so each folder records its owner (pid and process start
time) and the next kernel started on the machine removes the folders whose owner is gone
(:func:`sweep`). The kernel itself exits once its parent dies (``JPY_PARENT_PID``).

Examples
--------
>>> folder = new_kernel_dir()            # doctest: +SKIP
>>> (folder / "owner.json").exists()     # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["kernels_root", "new_kernel_dir", "sweep", "OWNER_FILE"]

OWNER_FILE = "owner.json"


def kernels_root() -> Path:
    """The parent of every kernel folder (``CX_KERNEL_DIR``, else ``<tmp>/cx-kernels-<uid>``)."""
    if os.environ.get("CX_KERNEL_DIR"):
        return Path(os.environ["CX_KERNEL_DIR"])
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"cx-kernels-{user}"


def _started(pid: int) -> float | None:
    """Start time of process ``pid`` (seconds since the epoch), or None when there is none."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def _owner_alive(folder: Path) -> bool:
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
        pid, started = int(owner["pid"]), float(owner["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no readable owner: a half-made folder of a killed run
    now = _started(pid)
    # a reused pid belongs to a process started later than the folder's owner
    return now is not None and abs(now - started) < 1.0


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the kernel folders whose owning process is gone; returns the folders removed."""
    root = kernels_root() if root is None else Path(root)
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        if folder.is_dir() and not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                removed.append(folder)
    return removed


def new_kernel_dir() -> Path:
    """A fresh folder for one kernel's files, owned by this process (leftovers of dead runs swept first)."""
    root = kernels_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    owner = {"pid": os.getpid(), "started": _started(os.getpid())}
    (folder / OWNER_FILE).write_text(json.dumps(owner), encoding="utf-8")
    return folder
