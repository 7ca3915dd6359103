"""The registry of input formats: one list that config, onboarding and validation all read."""

from __future__ import annotations

import importlib

import pytest

from cxlib.workspace import load_config
from cxlib.errors import ConfigError, DataError
from cxlib.ingest import readers
from cxlib.ingest.readers import Reader, ReadOptions, detect_format, read_table, register
from cxlib.ingest.readers.base import RawTable
from tests.conftest import write_workspace


def test_every_module_with_a_reader_is_a_format():
    names = set(readers.formats())
    assert {"csv", "excel", "parquet", "spss", "qualtrics", "jsonl"} <= names
    # every reader module of the package is registered under its READER.name
    for name in ("text", "excel", "parquet", "spss", "qualtrics", "jsonl"):
        module = importlib.import_module(f"cxlib.ingest.readers.{name}")
        assert readers.readers()[module.READER.name] is module.READER


def test_extensions_are_unique_and_lower_case():
    seen = {}
    for reader in readers.readers().values():
        for ext in reader.extensions:
            assert ext == ext.lower() and ext.startswith(".")
            assert ext not in seen, f"{ext} claimed by {seen.get(ext)} and {reader.name}"
            seen[ext] = reader.name
    assert readers.extensions()[".jsonl"] == "jsonl" and readers.extensions()[".csv"] == "csv"


def test_onboarding_and_config_read_the_registry(tmp_path, monkeypatch):
    from cxlib.ingest.readers import registry
    from cxlib.onboard import inspect_folder

    def read_psv(path, options):
        return readers.get("csv").read(path, ReadOptions(delimiter="|"))

    # a new format, registered from outside: config accepts it, cx init finds its files
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry.readers()))
    register(Reader("psv", read_psv, extensions=(".psv",), text=True))
    assert "psv" in readers.formats()
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "survey.psv").write_text("response_id|nps\nR1|9\nR2|3\n", encoding="utf-8")
    found = inspect_folder(folder)
    assert [f.path.name for f in found] == ["survey.psv"] and found[0].format == "psv"
    assert read_table(folder / "survey.psv").frame["nps"].tolist() == ["9", "3"]
    root = tmp_path / "proj"
    write_workspace(root, config={"tables": {"responses": {"path": "r.psv", "format": "psv"}}},
                    files={"r.psv": "response_id|answered_at|nps\nR1|2025-01-01|9\n"})
    assert load_config(root / "data" / "tiny" / "client.yaml").sources["responses"].format == "psv"


def test_register_refuses_a_taken_name_or_extension(monkeypatch):
    from cxlib.ingest.readers import registry

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry.readers()))
    with pytest.raises(ValueError, match="already registered"):
        register(Reader("csv", lambda p, o: None))
    with pytest.raises(ValueError, match="already belong to 'csv'"):
        register(Reader("mine", lambda p, o: None, extensions=(".csv",)))
    with pytest.raises(ValueError, match="refines unknown"):
        register(Reader("mine", lambda p, o: None, refines="nope"))


def test_unknown_format_in_client_yaml_lists_the_registry(tmp_path):
    write_workspace(tmp_path, config={"tables": {"responses": {"path": "responses.csv", "format": "sas"}}})
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path / "data" / "tiny" / "client.yaml")
    assert ", ".join(readers.formats()) in str(e.value)


def test_detection_refines_by_content(tmp_path):
    plain = tmp_path / "a.csv"
    plain.write_text("id,nps\n1,9\n", encoding="utf-8")
    assert detect_format(plain) == "csv"
    q = tmp_path / "b.csv"
    q.write_text("StartDate,EndDate,Status,ResponseId,Q1\nStart Date,End Date,Response Type,Response ID,Q?\n"
                 '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},{"ImportId":"_recordId"},'
                 '{"ImportId":"QID1"}\n2025-01-01,2025-01-01,0,R_1,9\n', encoding="utf-8")
    assert detect_format(q) == "qualtrics"
    assert detect_format(tmp_path / "c.ndjson") == "jsonl"
    with pytest.raises(DataError, match="save as .xlsx"):
        detect_format(tmp_path / "old.xls")
    assert ".xls" in readers.data_extensions()


def test_reader_options_reach_the_reader(tmp_path):
    seen = {}

    def spy(path, options):
        seen["options"] = options
        return RawTable(frame=__import__("pandas").DataFrame({"a": ["1"]}), source=path,
                        row_numbers=__import__("numpy").array([2]))

    from cxlib.ingest.readers import registry

    old = dict(registry._REGISTRY)
    try:
        register(Reader("spy", spy, extensions=(".spy",)))
        p = tmp_path / "x.spy"
        p.write_text("x", encoding="utf-8")
        read_table(p, encoding="cp1252", delimiter=";", sheet="S", skip_rows=2)
        assert seen["options"] == ReadOptions(encoding="cp1252", delimiter=";", sheet="S", skip_rows=2)
    finally:
        registry._REGISTRY.clear()
        registry._REGISTRY.update(old)
