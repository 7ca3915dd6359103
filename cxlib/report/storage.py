"""A project on shared storage: inputs and reports given as fsspec URLs (``s3://…``, ``file://…``).

The batch past one machine (:mod:`cxlib.report.batch` with a Dask scheduler) cannot rely on every
worker seeing the same local folders. The project then lives at one URL, laid out as on disk::

    <url>/data/<client>/…                 inputs (client.yaml, tables, codebook), never written
    <url>/notebooks/report.ipynb          optional: the project's own report notebook
    <url>/reports/<client>/…              published reports and the client's manifest
    <url>/reports/batch-manifest.json     written last, after every client

A worker copies a client's inputs into a local staging folder (:meth:`Storage.stage_client`: only
files that changed since it last saw them), renders there exactly as ``cx report`` does, and
publishes with :meth:`Storage.publish`: every file is first written under a temporary key,
then copied to its final key (an object store replaces an object whole: a reader sees the old
object or the new one, never a part), the temporary keys are removed, and the client's manifest
is written the same way *after* every report. A worker killed before publication leaves nothing;
killed during it, every report is the previous object or the new one, whole, the manifest still
describes the previous complete publication (sha256 per file), and the temporary keys left are
removed by the next run of that client. Never a half-written object.

Credentials never enter a job or a manifest: storage options given here (for instance an
``endpoint_url``) travel with the job, but keys are read by the workers from their own
environment (``AWS_ACCESS_KEY_ID`` …), and manifests record the option names only.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> (root / "data" / "acme").mkdir(parents=True)
>>> _ = (root / "data" / "acme" / "client.yaml").write_text("display_name: Acme")
>>> store = Storage(root.as_uri())
>>> store.list_clients()
['acme']
>>> store.publish("acme", {"acme-executive.html": b"<p>ok</p>"}, manifest=b"{}")
['acme-executive.html', 'manifest.json']
>>> sorted(p.name for p in (root / "reports" / "acme").iterdir())
['acme-executive.html', 'manifest.json']
"""

from __future__ import annotations

import json
import os
import posixpath
import uuid
from pathlib import Path
from typing import Any, Iterable, Mapping

from cxlib.errors import ConfigError
from cxlib.report.files import TEMP_PREFIX, atomic_write_bytes

__all__ = ["Storage", "is_url", "REPORTS", "STAGE_RECORD"]

#: Folder (key prefix) of the published reports under the project URL.
REPORTS = "reports"
#: What a staging folder remembers of the files it copied (to copy only changed ones next time).
STAGE_RECORD = ".cx-staged.json"


def is_url(text: str | os.PathLike | None) -> bool:
    """True for ``scheme://…`` (``s3://``, ``file://``, ``memory://``); False for a plain path.

    >>> is_url("s3://bucket/project"), is_url("/srv/project"), is_url(None)
    (True, False, False)
    """
    return isinstance(text, str) and "://" in text


class Storage:
    """A project folder at an fsspec URL.

    Parameters
    ----------
    url : str
        ``s3://bucket/prefix``, ``file:///srv/project``, ``memory://…`` or a plain path.
    options : mapping, optional
        fsspec storage options (``endpoint_url`` for an S3-compatible server, …).
    """

    def __init__(self, url: str | os.PathLike, options: Mapping[str, Any] | None = None) -> None:
        import fsspec

        self.url = str(url)
        self.options = dict(options or {})
        self.fs, root = fsspec.core.url_to_fs(self.url, **self.options)
        self.root = root.rstrip("/")
        self.protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]

    def __repr__(self) -> str:
        return f"Storage({self.url!r})"

    def key(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    # -- inputs --------------------------------------------------------------------------------
    def list_clients(self) -> list[str]:
        """The clients of the project: folders ``data/<client>/`` holding a ``client.yaml`` (sorted)."""
        self.fs.invalidate_cache()  # fsspec caches listings per instance (and instances per process)
        found = self.fs.glob(self.key("data", "*", "client.yaml"))
        return sorted(posixpath.basename(posixpath.dirname(p)) for p in found)

    def client_size(self, client: str) -> int:
        """Bytes of the client's input files (the largest clients start first)."""
        try:
            return int(self.fs.du(self.key("data", client)))
        except FileNotFoundError:
            return 0

    def _files(self, prefix: str) -> dict[str, dict]:
        try:
            listing = self.fs.find(prefix, detail=True)
        except FileNotFoundError:
            return {}
        return {posixpath.relpath(path, prefix): info for path, info in listing.items()
                if info.get("type", "file") == "file" and not posixpath.basename(path).startswith(".")}

    def stage_client(self, client: str, local_root: str | os.PathLike) -> Path:
        """Copy ``data/<client>/`` (and ``notebooks/report.ipynb`` when present) into ``local_root``.

        Only files whose size or version (ETag, or modification time) changed since the last
        staging are copied; files gone from storage are removed, so the local copy is exactly the
        remote one and the workspace's own check (sha256 of every input) decides on validation.

        Returns
        -------
        Path
            ``local_root`` (a project folder: ``data/<client>/…``).
        """
        local_root = Path(local_root)
        self.fs.invalidate_cache()  # a long-lived worker must see inputs changed since its last client
        record_path = local_root / STAGE_RECORD
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        staged: dict[str, Any] = {}
        wanted = {f"data/{client}/{rel}": info for rel, info in self._files(self.key("data", client)).items()}
        notebook = self.key("notebooks", "report.ipynb")
        if self.fs.exists(notebook):
            wanted["notebooks/report.ipynb"] = self.fs.info(notebook)
        if not any(k.endswith(f"data/{client}/client.yaml") for k in wanted):
            raise ConfigError(f"No client {client!r} at {self.url}: {self.key('data', client, 'client.yaml')} "
                              "does not exist.")
        for rel, info in sorted(wanted.items()):
            version = [info.get("size"), str(info.get("ETag") or info.get("etag") or info.get("mtime")
                                             or info.get("LastModified") or "")]
            target = local_root / rel
            staged[rel] = version
            if record.get(rel) == version and target.exists():
                continue
            atomic_write_bytes(target, self.fs.cat_file(self.key(rel)))
        for rel in set(record) - set(staged):
            (local_root / rel).unlink(missing_ok=True)
        atomic_write_bytes(record_path, json.dumps(staged, sort_keys=True).encode("utf-8"))
        return local_root

    # -- outputs -------------------------------------------------------------------------------
    def _replace(self, final: str, data: bytes, tmp_prefix: str) -> None:
        tmp = posixpath.join(tmp_prefix, posixpath.basename(final))
        self.fs.pipe_file(tmp, data)
        self._move(tmp, final)

    def _move(self, tmp: str, final: str) -> None:
        if self.protocol in ("file", "local"):
            Path(final).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)  # atomic on one file system
        else:
            self.fs.copy(tmp, final)  # server-side copy: the object is replaced whole
            self.fs.rm_file(tmp)

    def publish(self, client: str, files: Mapping[str, bytes], *, manifest: bytes,
                remove: Iterable[str] = ()) -> list[str]:
        """Publish a client's files under ``reports/<client>/``, the manifest last.

        Every file is written under a temporary key first (``reports/<client>/.cx-tmp-<run>/``)
        and only then moved to its final key; ``remove`` names stale files to delete afterwards
        (a failed notebook from an earlier run). Temporary keys of earlier, killed runs are removed.

        Returns
        -------
        list of str
            The names written, in the order they were published (the manifest last).
        """
        folder = self.key(REPORTS, client)
        self.remove_stale_temps(client)
        tmp_prefix = posixpath.join(folder, f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}")
        if self.protocol in ("file", "local"):
            Path(tmp_prefix).mkdir(parents=True, exist_ok=True)
        written: list[str] = []
        try:
            for name, data in files.items():  # every file complete under a temporary key first
                self.fs.pipe_file(posixpath.join(tmp_prefix, name), data)
            for name in files:
                self._move(posixpath.join(tmp_prefix, name), posixpath.join(folder, name))
                written.append(name)
            for name in remove:
                try:
                    self.fs.rm_file(posixpath.join(folder, name))
                except FileNotFoundError:
                    pass
            self._replace(posixpath.join(folder, "manifest.json"), manifest, tmp_prefix)
            written.append("manifest.json")
        finally:
            self._remove(tmp_prefix)
        return written

    def write_last(self, name: str, data: bytes) -> str:
        """Write ``reports/<name>`` through a temporary key (the batch manifest, after every client)."""
        final = self.key(REPORTS, name)
        tmp_prefix = self.key(REPORTS, f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}")
        if self.protocol in ("file", "local"):
            Path(tmp_prefix).mkdir(parents=True, exist_ok=True)
        try:
            self._replace(final, data, tmp_prefix)
        finally:
            self._remove(tmp_prefix)
        return final

    def _remove(self, prefix: str) -> None:
        try:
            if self.fs.exists(prefix):
                self.fs.rm(prefix, recursive=True)
        except FileNotFoundError:
            pass

    def remove_stale_temps(self, client: str) -> int:
        """Delete temporary keys that killed runs left under ``reports/<client>/``; returns how many prefixes."""
        folder = self.key(REPORTS, client)
        try:
            entries = self.fs.ls(folder, detail=False)
        except FileNotFoundError:
            return 0
        stale = [p for p in entries if posixpath.basename(p.rstrip("/")).startswith(TEMP_PREFIX)]
        for p in stale:
            self._remove(p)
        return len(stale)

    def read_bytes(self, *parts: str) -> bytes:
        return self.fs.cat_file(self.key(*parts))

    def exists(self, *parts: str) -> bool:
        return self.fs.exists(self.key(*parts))

    def listing(self, *parts: str) -> list[str]:
        """Every file under ``parts`` (relative keys, sorted), temporary ones included."""
        prefix = self.key(*parts)
        try:
            return sorted(posixpath.relpath(p, prefix) for p in self.fs.find(prefix))
        except FileNotFoundError:
            return []
