"""A project on S3-compatible storage: staging, atomic publication, a batch read from and written to s3://.

Runs against moto's S3-compatible server (a real HTTP endpoint on 127.0.0.1, ``moto[server]``)
through s3fs, the way workers on other machines would reach object storage; no AWS account,
no network. The Dask half (warm kernels on workers, a worker killed mid-batch) is in
``test_cluster.py`` and uses the fixtures here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from pathlib import Path

import pytest
import s3fs
from typer.testing import CliRunner

from cxlib.report.storage import Storage, is_url
from tests.conftest import write_workspace

# Credentials are read by s3fs from the environment of every process (the test process, the local
# pool's forkserver, Dask workers): set before any of them starts. moto accepts any key.
for _var, _value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                     ("AWS_DEFAULT_REGION", "us-east-1")):
    os.environ.setdefault(_var, _value)

NOTEBOOK = str(Path(__file__).parents[1] / "fixtures" / "notebooks" / "client_report.ipynb")


@pytest.fixture(scope="module")
def s3_endpoint():
    """``http://127.0.0.1:<port>`` of a moto S3 server running for this module."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint) -> tuple[s3fs.S3FileSystem, str]:
    """A fresh, empty bucket: (file system, bucket name)."""
    fs = s3fs.S3FileSystem(endpoint_url=s3_endpoint, skip_instance_cache=True)
    name = f"cx-{uuid.uuid4().hex[:10]}"
    fs.mkdir(name)
    return fs, name


def upload_project(fs: s3fs.S3FileSystem, bucket: str, local_root: Path) -> str:
    """Copy ``local_root/data`` to ``s3://bucket/project/data``; returns the project URL."""
    for path in sorted((local_root / "data").rglob("*")):
        if path.is_file():
            fs.pipe_file(f"{bucket}/project/{path.relative_to(local_root).as_posix()}", path.read_bytes())
    return f"s3://{bucket}/project"


def temporary_keys(fs: s3fs.S3FileSystem, prefix: str) -> list[str]:
    fs.invalidate_cache()
    return [k for k in fs.find(prefix) if ".cx-tmp-" in k]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_is_url_tells_storage_from_a_folder():
    assert is_url("s3://b/p") and is_url("file:///srv/p") and not is_url("/srv/p") and not is_url(None)


def test_staging_copies_the_client_and_then_only_what_changed(bucket, tmp_path, s3_endpoint):
    fs, name = bucket
    write_workspace(tmp_path / "src", "alpha")
    write_workspace(tmp_path / "src", "beta")
    (tmp_path / "src" / "data" / "alpha" / "notes.txt").write_text("to be removed")
    url = upload_project(fs, name, tmp_path / "src")
    store = Storage(url, {"endpoint_url": s3_endpoint})
    assert store.list_clients() == ["alpha", "beta"]
    assert store.client_size("alpha") == sum(p.stat().st_size for p in (tmp_path / "src/data/alpha").iterdir())

    stage = tmp_path / "stage"
    store.stage_client("alpha", stage)
    local = {p.name: p.read_bytes() for p in (stage / "data" / "alpha").iterdir()}
    remote = {p.name: p.read_bytes() for p in (tmp_path / "src" / "data" / "alpha").iterdir()}
    assert local == remote and not (stage / "data" / "beta").exists()
    untouched = (stage / "data" / "alpha" / "customers.csv").stat()

    # one input changed, one gone: exactly those two change locally (the same Storage instance,
    # as on a long-lived worker: fsspec's listing cache must not hide the change)
    fs.pipe_file(f"{name}/project/data/alpha/responses.csv", b"response_id\n")
    fs.rm_file(f"{name}/project/data/alpha/notes.txt")
    store.stage_client("alpha", stage)
    assert (stage / "data" / "alpha" / "responses.csv").read_bytes() == b"response_id\n"
    assert not (stage / "data" / "alpha" / "notes.txt").exists()
    again = (stage / "data" / "alpha" / "customers.csv").stat()
    assert (again.st_ino, again.st_mtime_ns) == (untouched.st_ino, untouched.st_mtime_ns)  # not copied again

    from cxlib.errors import ConfigError

    with pytest.raises(ConfigError, match="No client 'gamma'"):
        store.stage_client("gamma", tmp_path / "stage2")


def test_publication_writes_every_file_whole_the_manifest_last_and_no_temporary_key(bucket, s3_endpoint,
                                                                                      monkeypatch):
    fs, name = bucket
    store = Storage(f"s3://{name}/project", {"endpoint_url": s3_endpoint})
    moved: list[str] = []
    real_move = store._move
    monkeypatch.setattr(store, "_move", lambda tmp, final: (moved.append(final.rsplit("/", 1)[1]),
                                                            real_move(tmp, final)))
    # a run killed during an earlier publication left temporary keys: the next publication removes them
    fs.pipe_file(f"{name}/project/reports/alpha/.cx-tmp-deadbeef0000/alpha-executive.html", b"<p>half")
    files = {"alpha-executive.html": b"<p>v1</p>", "alpha-executive.pdf": b"%PDF v1"}
    written = store.publish("alpha", files, manifest=b'{"v": 1}')
    assert written == ["alpha-executive.html", "alpha-executive.pdf", "manifest.json"]
    assert moved == written  # the manifest is moved to its final key after every report
    fs.invalidate_cache()
    assert fs.cat_file(f"{name}/project/reports/alpha/alpha-executive.html") == b"<p>v1</p>"
    assert fs.cat_file(f"{name}/project/reports/alpha/manifest.json") == b'{"v": 1}'
    assert temporary_keys(fs, f"{name}/project") == []


def test_an_interrupted_publication_leaves_the_previous_manifest_and_whole_files(bucket, s3_endpoint,
                                                                                 monkeypatch):
    fs, name = bucket
    store = Storage(f"s3://{name}/project", {"endpoint_url": s3_endpoint})
    v1 = {"alpha-executive.html": b"<p>v1</p>", "alpha-executive.pdf": b"%PDF v1"}
    store.publish("alpha", v1, manifest=json.dumps({k: sha256(v) for k, v in v1.items()}).encode())
    v2 = {"alpha-executive.html": b"<p>v2, longer</p>", "alpha-executive.pdf": b"%PDF v2, longer"}
    real_move = store._move
    calls = []

    def failing_move(tmp, final):
        calls.append(final)
        if len(calls) == 2:  # the connection drops between the two reports
            raise ConnectionError("storage went away")
        real_move(tmp, final)

    monkeypatch.setattr(store, "_move", failing_move)
    with pytest.raises(ConnectionError):
        store.publish("alpha", v2, manifest=b"{}")
    fs.invalidate_cache()
    folder = f"{name}/project/reports/alpha"
    for key, old in v1.items():  # each report is the old one or the new one, whole; never a mix of bytes
        assert fs.cat_file(f"{folder}/{key}") in (old, v2[key])
    manifest = json.loads(fs.cat_file(f"{folder}/manifest.json"))
    assert manifest == {k: sha256(v) for k, v in v1.items()}  # still the previous, complete publication
    assert temporary_keys(fs, f"{name}/project") == []


def test_cx_batch_reads_from_and_publishes_to_s3(bucket, s3_endpoint, tmp_path, monkeypatch):
    """`cx batch --storage s3://… --storage-option endpoint_url=…` end to end, on the local pool."""
    from cxlib.cli.report import register
    import typer

    monkeypatch.setenv("CX_STAGE_DIR", str(tmp_path / "stage"))  # read by the workers started below
    fs, name = bucket
    for client in ("alpha", "bad"):
        write_workspace(tmp_path / "src", client, config={"display_name": f"{client.title()} <Co>"})
    url = upload_project(fs, name, tmp_path / "src")
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["batch", "--storage", url, "--storage-option", f"endpoint_url={s3_endpoint}",
                                      "--notebook", NOTEBOOK, "--audience", "executive", "--format", "html",
                                      "--workers", "1", "--no-progress", "--param", "fail_client=bad"])
    assert result.exit_code == 1, result.output  # bad fails, alpha is published
    assert "alpha" in result.output and "NotebookFailed" in result.output and f"{url}/reports" in result.output
    fs.invalidate_cache()
    folder = f"{name}/project/reports"
    manifest = json.loads(fs.cat_file(f"{folder}/alpha/manifest.json"))
    assert manifest["status"] == "ok" and set(manifest["outputs"]) == {"alpha-executive.html", "alpha-executive.ipynb"}
    for key, digest in manifest["outputs"].items():  # the manifest describes exactly the published bytes
        assert sha256(fs.cat_file(f"{folder}/alpha/{key}")) == digest
    assert "Alpha &lt;Co&gt;" in fs.cat_file(f"{folder}/alpha/alpha-executive.html").decode()
    assert manifest["storage"] == {"url": url, "options": ["endpoint_url"],
                                   "staged_at": manifest["storage"]["staged_at"]}  # option names, never values
    assert set(manifest["inputs"]) == {"client.yaml", "customers.csv", "interactions.csv", "responses.csv"}
    bad = json.loads(fs.cat_file(f"{folder}/bad/manifest.json"))
    assert bad["status"] == "failed" and fs.ls(f"{folder}/bad", detail=False) == [
        f"{folder}/bad/bad-executive.failed.ipynb", f"{folder}/bad/manifest.json"]
    batch = json.loads(fs.cat_file(f"{folder}/batch-manifest.json"))
    assert batch["failed"] == ["bad"] and batch["settings"]["storage"] == {"url": url, "options": ["endpoint_url"]}
    assert temporary_keys(fs, f"{name}/project") == []
    assert not (tmp_path / "src" / "reports").exists()  # nothing written beside the local copy of the inputs

    lone = CliRunner().invoke(app, ["batch", "--storage-option", "endpoint_url=http://x", "--no-progress"])
    assert lone.exit_code == 2 and "--storage-option needs --storage" in lone.output
