"""Publishing files safely: never a half-written report.

Every output is written to a temporary file in the *same* folder and then moved into place
with :func:`os.replace`, which is atomic on POSIX: a reader (or a crash) sees either nothing,
the previous complete file, or the new complete file.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "r.html"
>>> atomic_write_bytes(target, b"<p>ok</p>").read_bytes()
b'<p>ok</p>'
>>> sha256_bytes(b"")[:12]
'e3b0c44298fc'
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "sha256_bytes", "sha256_file", "remove_stale_temps"]

TEMP_PREFIX = ".cx-tmp-"


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remove_stale_temps(folder: str | os.PathLike) -> int:
    """Delete temp files a killed run left in ``folder``; returns how many."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    count = 0
    for tmp in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            tmp.unlink()
            count += 1
        except OSError:
            pass
    return count
