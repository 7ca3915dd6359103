"""Validation in batches gives what the whole-file validation gives: the same clean rows, quarantine,
reconciliation and store, with faults planted across batch boundaries. The whole-file path is the reference."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cxlib.demo import generate_client
from cxlib.ingest import store
from cxlib.ingest.streaming import SpilledTable
from cxlib.ingest.validate import validate_client
from cxlib.workspace import load_config

SMALL_BATCH = 24 * 1024  # a few hundred rows per batch: the demo files make dozens of batches


def _planted(inter):
    """Rows that break the rules, made from a log's own rows: an early id reused with other content, an early id
    reused pointing to nobody, an unknown customer, a missing id."""
    n = len(inter)
    other = inter.iloc[[5]].copy()
    other["channel"] = "phone" if other["channel"].iat[0] != "phone" else "email"
    ghost = inter.iloc[[7]].copy()
    ghost["customer_id"] = "NOBODY"
    unknown = inter.iloc[[n // 3]].copy()
    unknown["interaction_id"] = "UNK-1"
    unknown["customer_id"] = "C-NOT-THERE"
    missing = inter.iloc[[n // 4]].copy()
    missing["interaction_id"] = pd.NA
    return other, ghost, unknown, missing


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A demo client with customers and interactions as CSV, faults planted in and across batches."""
    root = tmp_path_factory.mktemp("stream")
    folder = generate_client("acme-telecom", root, n_customers=240, seed=11)
    inter = pd.read_parquet(folder / "interactions.parquet").astype("string")
    (folder / "interactions.parquet").unlink()
    n = len(inter)
    rows = [inter]
    # an exact copy of an early row, late in the file (another batch): duplicate_row
    rows.append(inter.iloc[[3]])
    # an early id reused late with other content (duplicate_key), and one pointing to nobody (the key reason
    # wins over the reference); an unknown customer, a missing id, and a bad value
    other, ghost, unknown, missing = _planted(inter)
    bad = inter.iloc[[n // 2]].copy()
    bad["interaction_id"] = "BAD-1"
    bad["wait_minutes"] = "lots"
    rows += [other, ghost, bad, unknown, missing]
    # a duplicate of a row that is itself bad: not live, so never a duplicate
    rows.append(bad)
    frame = pd.concat(rows, ignore_index=True)
    text = frame.to_csv(index=False, lineterminator="\n")
    lines = text.splitlines(keepends=True)
    empty = "," * (frame.shape[1] - 1) + "\n"
    lines.insert(len(lines) // 2, empty)          # an interior empty row: excluded, counted
    lines.insert(len(lines) // 2, empty)
    lines.insert(10, '"' + lines.pop(10).rstrip("\n").replace(",", '","') + '"\n')  # a quoted record
    lines += [empty, empty]                       # trailing empty rows: layout, not data
    (folder / "interactions.csv").write_text("".join(lines), encoding="utf-8")
    cfg_path = folder / "client.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["tables"]["interactions"] = {"path": "interactions.csv", "format": "csv"}
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return folder


def _both(folder):
    config = load_config(folder / "client.yaml")
    whole = validate_client(config, stream_bytes=1 << 40)
    messages = []
    batched = validate_client(config, stream_bytes=1, batch_bytes=SMALL_BATCH, progress=messages.append)
    return whole, batched, messages


def _same(whole, batched):
    pd.testing.assert_frame_equal(batched.reconciliation, whole.reconciliation)
    pd.testing.assert_frame_equal(batched.quarantine, whole.quarantine)
    pd.testing.assert_frame_equal(batched.fields, whole.fields)
    for name, frame in whole.tables.items():
        got = batched.tables[name]
        if isinstance(got, SpilledTable):
            got = got.to_pandas()
        if frame is None:
            assert got is None
        else:
            pd.testing.assert_frame_equal(got.reset_index(drop=True), frame.reset_index(drop=True), check_dtype=True)


def test_batches_give_the_whole_file_result(client):
    whole, batched, messages = _both(client)
    assert isinstance(batched.tables["interactions"], SpilledTable)
    assert isinstance(batched.tables["customers"], SpilledTable)
    assert sum("interactions" in m and "batch" in m for m in messages) > 10  # really in many batches
    _same(whole, batched)
    q = whole.quarantine.query("table == 'interactions'")
    codes = set(q["reason_code"])
    assert {"duplicate_row", "duplicate_key", "bad_value", "unknown_reference", "missing_value",
            "excluded_at_read"} <= codes, codes
    assert whole.ok and batched.ok


def test_ids_whose_hashes_collide_are_told_apart_by_their_text(client, monkeypatch):
    """Every id hashed to the same number: the text decides, so the result is still the whole file's."""
    import numpy as np

    from cxlib.ingest import streaming

    monkeypatch.setattr(streaming, "_key_hash", lambda key: np.zeros(len(key), dtype=np.uint64))
    whole, batched, _ = _both(client)
    _same(whole, batched)


def test_the_key_reason_wins_over_a_later_reference(client):
    whole, batched, _ = _both(client)
    for result in (whole, batched):
        q = result.quarantine.query("table == 'interactions' and reason_code == 'duplicate_key'")
        assert len(q) == 2  # the changed channel and the id pointing to nobody
        assert not result.quarantine.query("table == 'interactions' and value == 'NOBODY'").shape[0]


@pytest.mark.parametrize("fixture", ["client", "parquet_client"])
def test_the_store_is_the_same(fixture, request, tmp_path):
    whole, batched, _ = _both(request.getfixturevalue(fixture))
    a, b = tmp_path / "whole.duckdb", tmp_path / "batched.duckdb"
    store.write_store(a, whole, fingerprint={"x": "1"})
    store.write_store(b, batched, fingerprint={"x": "1"})
    for name in ("customers", "interactions", "responses", "quarantine", "reconciliation"):
        pd.testing.assert_frame_equal(store.read_table(b, name), store.read_table(a, name))


def test_responses_are_checked_against_spilled_interactions(client, tmp_path):
    folder = tmp_path / "c"
    import shutil

    shutil.copytree(client, folder)
    responses = pd.read_csv(folder / "responses.csv", dtype=str, keep_default_na=False)
    linked = responses.index[responses["interaction_id"] != ""][:2]
    responses.loc[linked[0], "customer_id"] = responses["customer_id"].iat[int(linked[1])] \
        if responses["customer_id"].iat[int(linked[1])] != responses["customer_id"].iat[int(linked[0])] else "C-OTHER"
    responses.to_csv(folder / "responses.csv", index=False)
    whole, batched, _ = _both(folder)
    _same(whole, batched)
    assert (whole.quarantine["reason_code"] == "inconsistent").any()


def test_a_ragged_line_falls_back_to_the_whole_file(client, tmp_path):
    import shutil

    folder = tmp_path / "r"
    shutil.copytree(client, folder)
    path = folder / "interactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(400, "only,three,fields\n")
    path.write_text("".join(lines), encoding="utf-8")
    whole, batched, _ = _both(folder)
    assert not isinstance(batched.tables["interactions"], SpilledTable)
    note = batched.reconciliation.set_index("table").loc["interactions", "notes"]
    assert "validated in one piece, not in batches: a line with the wrong number of fields" in note
    assert (whole.quarantine["reason_code"] == "bad_line").sum() == 1
    pd.testing.assert_frame_equal(batched.quarantine, whole.quarantine)


def test_day_month_order_read_per_batch_only_when_every_batch_agrees(tmp_path):
    """Dates like 03/04/2025: each batch infers the order from its own dates; when a batch could
    decide otherwise than the whole column, the table is validated whole (no date read differently)."""
    folder = generate_client("acme-telecom", tmp_path, n_customers=120, seed=5)
    inter = pd.read_parquet(folder / "interactions.parquet")
    (folder / "interactions.parquet").unlink()
    day_first = inter.copy()
    when = pd.to_datetime(day_first["occurred_at"])
    day_first["occurred_at"] = when.dt.strftime("%d/%m/%Y %H:%M")
    # only the last rows show that the day comes first: earlier batches see only ambiguous dates
    early = when.dt.day <= 12
    day_first = pd.concat([day_first[early], day_first[~early]], ignore_index=True)
    day_first.to_csv(folder / "interactions.csv", index=False)
    cfg_path = folder / "client.yaml"
    cfg = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    cfg["tables"]["interactions"] = {"path": "interactions.csv", "format": "csv"}
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    whole, batched, _ = _both(folder)
    note = batched.reconciliation.set_index("table").loc["interactions", "notes"]
    assert "order of day and month in `occurred_at`" in note
    pd.testing.assert_frame_equal(batched.quarantine, whole.quarantine)
    got = batched.tables["interactions"]
    pd.testing.assert_frame_equal(got.reset_index(drop=True), whole.tables["interactions"].reset_index(drop=True))


@pytest.mark.parametrize("dayfirst", [None, False])
def test_a_real_public_export_in_batches_equals_it_read_whole(tmp_path, dayfirst):
    """The CFPB complaints export (US public domain, tests/fixtures/README.md) as a touchpoint log: US dates,
    quoted fields with commas, a trailing row of empty fields; read in batches of a few records."""
    import shutil
    from pathlib import Path

    folder = tmp_path / "data" / "cfpb"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "exports" / "cfpb-complaints" / "complaints.csv", folder)
    table = {"path": "complaints.csv", "format": "csv",
             "columns": {"Complaint ID": "interaction_id", "Date received": "occurred_at", "Submitted via": "channel",
                         "Product": "touchpoint", "Company": "department"},
             "constants": {"customer_id": "one-customer", "stage": "support"}}
    if dayfirst is not None:
        table["dayfirst"] = dayfirst
    posts = {"path": "complaints.csv", "format": "csv", "constants": {"source": "cfpb"},
             "columns": {"Complaint ID": "mention_id", "Date received": "posted_at",
                         "Consumer complaint narrative": "text", "Company": "company"}}
    (folder / "client.yaml").write_text(yaml.safe_dump({"channels": ["Web", "Email"],
                                                         "tables": {"interactions": table, "mentions": posts}}),
                                        encoding="utf-8")
    config = load_config(folder / "client.yaml")
    whole = validate_client(config, stream_bytes=1 << 40)
    batched = validate_client(config, stream_bytes=1, batch_bytes=600)
    _same(whole, batched)
    recon = whole.reconciliation.set_index("table").loc["interactions"]
    assert recon.status == "ok", recon.problem
    assert (recon.rows_read, recon.rows_used) == (5, 5)  # the trailing empty row is layout, not data
    if dayfirst is False:  # the order declared: every batch reads its dates the same way, so it streams
        assert isinstance(batched.tables["interactions"], SpilledTable)
        assert whole.tables["interactions"]["occurred_at"].dt.month.tolist() == [9, 9, 1, 10, 11]


@pytest.fixture(scope="module")
def parquet_client(tmp_path_factory):
    """The demo's own touchpoint log (typed Parquet, in row groups), with faults planted across batches."""
    root = tmp_path_factory.mktemp("stream-pq")
    folder = generate_client("acme-telecom", root, n_customers=240, seed=12)
    inter = pd.read_parquet(folder / "interactions.parquet")
    n = len(inter)
    other, ghost, unknown, missing = _planted(inter)
    late = inter.iloc[[n // 2]].copy()
    late["interaction_id"] = "LATE-1"
    late["wait_minutes"] = -3.0  # a negative wait: bad value
    frame = pd.concat([inter, inter.iloc[[3]], other, ghost, unknown, missing, late], ignore_index=True)
    frame.to_parquet(folder / "interactions.parquet", row_group_size=1_000)
    return folder


def test_a_parquet_log_in_batches_gives_the_whole_file_result(parquet_client):
    whole, batched, messages = _both(parquet_client)
    assert isinstance(batched.tables["interactions"], SpilledTable)
    assert sum("interactions" in m and "batch" in m for m in messages) > 10
    _same(whole, batched)
    codes = set(whole.quarantine.query("table == 'interactions'")["reason_code"])
    assert {"duplicate_row", "duplicate_key", "unknown_reference", "missing_value"} <= codes, codes
    recon = whole.reconciliation.set_index("table").loc["interactions"]
    assert recon.rows_read == len(pd.read_parquet(parquet_client / "interactions.parquet"))


def test_a_parquet_column_of_categories_falls_back_to_the_whole_file(parquet_client, tmp_path):
    import shutil

    folder = tmp_path / "cat"
    shutil.copytree(parquet_client, folder)
    path = folder / "interactions.parquet"
    frame = pd.read_parquet(path)
    frame["channel"] = frame["channel"].astype("category")
    frame.to_parquet(path, row_group_size=1_000)
    whole, batched, _ = _both(folder)
    assert not isinstance(batched.tables["interactions"], SpilledTable)
    note = batched.reconciliation.set_index("table").loc["interactions", "notes"]
    assert "validated in one piece, not in batches: column `channel` holds categories (dictionary<" in note
    pd.testing.assert_frame_equal(batched.quarantine, whole.quarantine)
    pd.testing.assert_frame_equal(batched.tables["interactions"], whole.tables["interactions"])


def test_a_real_public_export_as_parquet_in_batches_equals_it_read_whole(tmp_path):
    """The CFPB complaints export (US public domain, tests/fixtures/README.md) saved as Parquet the way a
    client's data team would (pandas, typed dates and ids, one row group per record): batches of one record
    give the whole file's result."""
    from pathlib import Path

    raw = pd.read_csv(Path(__file__).parents[1] / "fixtures" / "exports" / "cfpb-complaints" / "complaints.csv",
                      dtype={"Complaint ID": "Int64"}, parse_dates=["Date received"])
    folder = tmp_path / "data" / "cfpb"
    folder.mkdir(parents=True)
    raw.to_parquet(folder / "complaints.parquet", row_group_size=1)
    table = {"path": "complaints.parquet", "format": "parquet",
             "columns": {"Complaint ID": "interaction_id", "Date received": "occurred_at", "Submitted via": "channel",
                         "Product": "touchpoint", "Company": "department"},
             "constants": {"customer_id": "one-customer", "stage": "support"}}
    posts = {"path": "complaints.parquet", "format": "parquet", "constants": {"source": "cfpb"},
             "columns": {"Complaint ID": "mention_id", "Date received": "posted_at",
                         "Consumer complaint narrative": "text", "Company": "company"}}
    (folder / "client.yaml").write_text(yaml.safe_dump({"channels": ["Web", "Email"],
                                                         "tables": {"interactions": table, "mentions": posts}}),
                                        encoding="utf-8")
    config = load_config(folder / "client.yaml")
    whole = validate_client(config, stream_bytes=1 << 40)
    batched = validate_client(config, stream_bytes=1, batch_bytes=1)
    assert isinstance(batched.tables["interactions"], SpilledTable)
    _same(whole, batched)
    recon = whole.reconciliation.set_index("table").loc["interactions"]
    assert recon.status == "ok", recon.problem
    assert recon.rows_read == len(raw)
