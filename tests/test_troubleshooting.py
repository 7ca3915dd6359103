"""Every message in docs/troubleshooting.md is produced by the tool, with the text the page shows.

The page is parsed: each ``### heading`` holds one fenced ```` ```message ```` block whose ``«…»``
parts stand for what varies. For each heading a trigger below makes the tool raise (or
quarantine) and the message must match the block. A heading without a trigger, or a trigger
without a heading, fails; so does a raise site in the onboarding path whose text the page does
not show.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cxlib import errors as cx_errors
from cxlib.ingest import io
from cxlib.errors import CxError
from tests.conftest import CLIENT_YAML, CUSTOMERS, INTERACTIONS, RESPONSES, SCALES, write_workspace

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "troubleshooting.md"
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"


# --------------------------------------------------------------------------- the page
def doc_entries(text: str | None = None) -> dict[str, str]:
    """heading -> message pattern, for every ``### heading`` followed by a ```message block."""
    lines = (text if text is not None else DOC.read_text(encoding="utf-8")).splitlines()
    entries: dict[str, str] = {}
    heading = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            heading = line[4:].strip()
        elif line.strip() == "```message":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            if heading is None or heading in entries:
                raise AssertionError(f"troubleshooting.md line {i + 1}: a message block needs its own ### heading")
            entries[heading] = "\n".join(lines[i + 1: j]).strip()
            i = j
        i += 1
    return entries


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def pattern_regex(pattern: str) -> re.Pattern:
    """«…» parts match anything (possibly nothing); everything else literally; whitespace runs as one."""
    parts = re.split(r"«[^»]*»", _norm(pattern))
    return re.compile(".*?".join(re.escape(p) for p in parts), re.S)


def test_pattern_regex_is_not_vacuous():
    rx = pattern_regex("«file» line «n» has «k» fields")
    assert rx.search("a.csv line 3 has 4 fields")
    assert not rx.search("a.csv line 3 has four columns")
    assert doc_entries("### A\n```message\nx «y» z\n```\n") == {"A": "x «y» z"}


# --------------------------------------------------------------------------- helpers
@dataclasses.dataclass
class Ctx:
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def file(self, name: str, content: str | bytes = "") -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path


def raised(fn: Callable, exc: type[BaseException] = CxError) -> str:
    try:
        fn()
    except exc as e:  # noqa: PERF203
        return str(e)
    raise AssertionError(f"{fn} raised nothing")


_DELETE = object()


def config_error(ctx: Ctx, changes: dict | None = None, *, raw: str | None = None, files: dict | None = None) -> str:
    """Write the tiny client with client.yaml changed (a value _DELETE removes the key); load it."""
    from cxlib.workspace import load_config

    folder = write_workspace(ctx.tmp, files=files)
    path = folder / "client.yaml"
    if raw is not None:
        path.write_text(raw, encoding="utf-8")
    else:
        cfg = yaml.safe_load(yaml.safe_dump(CLIENT_YAML))
        for key, value in (changes or {}).items():
            *parents, last = key.split(".")
            target = cfg
            for part in parents:
                target = target[part]
            if value is _DELETE:
                target.pop(last)
            else:
                target[last] = value
        path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return raised(lambda: load_config(path))


def validation_problem(ctx: Ctx, files: dict, config: dict | None = None) -> str:
    from cxlib.ingest.validate import validate_client
    from cxlib.workspace import load_config

    folder = write_workspace(ctx.tmp, files=files, config=config)
    result = validate_client(load_config(folder / "client.yaml"))
    assert result.problems, "expected a table-level problem"
    return result.problems[0]


def cli(*args: str) -> str:
    from cxlib.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code != 0, result.output
    return result.output


def workbook(path: Path, rows: list[list], *, sheet: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def codebook_error(raw) -> str:
    from cxlib.text.codebook import codebook_from_dict

    return raised(lambda: codebook_from_dict(raw, source="codebook.yaml"))


def theme(**kw) -> dict:
    return {"themes": [{"id": "billing", "label": "Billing", **kw}]}


# --------------------------------------------------------------------------- one messy workspace for the quarantine
BAD_CUSTOMERS = CUSTOMERS + (
    "\n"                                                    # an empty row inside the file
    "C005,consumer,north,2024-01-15,abc,false,\n"           # not a number
    "C006,consumer,north,2024-01-15,10,maybe,\n"            # not yes/no
    "C007,consumer,north,someday,10,false,\n"               # not a date
    "C008,,north,2024-01-15,10,false,\n"                    # missing segment
    "C009,wholesale,north,2024-01-15,10,false,\n"           # not an allowed segment
    "C001,consumer,north,2024-01-15,120.5,false,\n"         # duplicate row
    "C003,business,north,2024-11-30,75,false,\n"            # duplicate key
    "C010,consumer,north,2024-01-15,10,true,2023-01-01\n"   # churned before acquired
    "C011,consumer,north,2024-01-15,10,false,2025-01-01\n"  # churn date, not churned
    "C012,consumer,north,2024-01-15,-5,false,\n"            # below 0
    "C013,consumer,north,13/01/2024,10,false,\n"            # day first ...
    "C014,consumer,north,01/13/2024,10,false,\n"            # ... month first ...
    "C015,consumer,north,02/03/2024,10,false,\n"            # ... so this one is ambiguous in a mixed column
)
BAD_INTERACTIONS = INTERACTIONS + (
    "I07,C999,2025-01-10T09:00:00,buy,store,shop,sales,,true,0,false,0\n"    # unknown customer
    "I08,C001,2025-01-10T09:00:00,buy,store,shop,sales,,true,0,false,1.5\n"  # not a whole number
    "I09,C001,03/04/2025 10:00,buy,store,shop,sales,,true,0,false,0\n"       # ambiguous day/month
    "I10,C001,05/06/2025 10:00,buy,store,shop,sales,,true,0,false,0\n"
)
BAD_RESPONSES = (
    "response_id,customer_id,interaction_id,answered_at,survey,nps,csat,ces,rating_shop,rating_billing,"
    "rating_support_call,rating_app,comment,duration_seconds\n"
    "R01,C001,,2025-06-01T10:00:00,relationship,9,,,5,4,,,Great,200\n"
    "R02,C002,,2025-06-02T10:00:00,relationship,3,,,4,2,1,,Meh,180\n"
    "R03,C002,I03,2025-03-01T12:00:00,transactional,2,1,2,,,,,No,150\n"
    "R04,C003,I05,2025-04-11T13:00:00,transactional,8,4,6,,,,,,170\n"
    "R05,C004,,2025-06-03T10:00:00,relationship,abc,,,5,5,,4,,210\n"       # not a score
    "R06,C004,,2025-07-03T10:00:00,relationship,11,,,5,5,,4,,210\n"        # outside 0-10
    "R07,C003,,2025-08-03T10:00:00,transactional,7,,,,,,,,190\n"           # transactional without interaction
    "R08,C001,I03,2025-03-01T12:00:00,transactional,5,3,4,,,,,,160\n"      # interaction of another customer
    "R09,C003,,2025-09-03T10:00:00,relationship,7,,,3,3,3,3,,200\n"        # straight-liner
    "R10,C004,,2025-10-03T10:00:00,relationship,7,,,,,,,,5\n"              # speeder
    "R11,C001,,2025-06-02T10:00:00,relationship,7,,,,,,,,190\n"            # repeat respondent (R01 + 1 day)
)


@pytest.fixture(scope="module")
def quarantine(tmp_path_factory) -> pd.DataFrame:
    from cxlib.ingest.validate import validate_client
    from cxlib.workspace import load_config

    root = tmp_path_factory.mktemp("messy")
    cfg = {"quality": {"exclude_straightliners": True}}
    folder = write_workspace(root, "messy", config=cfg, files={
        "customers.csv": BAD_CUSTOMERS, "interactions.csv": BAD_INTERACTIONS, "responses.csv": BAD_RESPONSES})
    result = validate_client(load_config(folder / "client.yaml"))
    assert result.ok and not result.problems
    return result.quarantine


def reason(code: str, contains: str = "") -> Callable:
    """A trigger reading one quarantine reason (by reason code and a fragment) from the messy workspace."""

    def trigger(ctx: Ctx, q: pd.DataFrame) -> str:
        rows = q[(q["reason_code"] == code) & q["reason"].str.contains(contains, regex=False)]
        assert len(rows), f"no {code} row containing {contains!r}"
        return rows["reason"].iloc[0]

    trigger.uses_quarantine = True
    return trigger


def qualtrics_exclusion(ctx: Ctx) -> str:
    text = ("StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,Q1\n"
            "Start Date,End Date,Response Type,Progress,Finished,Recorded Date,Response ID,How likely?\n"
            '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},{"ImportId":"progress"},'
            '{"ImportId":"finished"},{"ImportId":"recordedDate"},{"ImportId":"_recordId"},{"ImportId":"QID1"}\n'
            "2025-01-01,2025-01-01,0,100,1,2025-01-01,R_1,9\n"
            "2025-01-01,2025-01-01,1,100,1,2025-01-01,R_2,3\n")
    return io.read_table(ctx.file("survey.csv", text)).excluded["reason"].iloc[0]


# --------------------------------------------------------------------------- onboarding triggers
def _survey_folder(ctx: Ctx) -> Path:
    ctx.file("incoming/survey.csv", "response_id,answered_at,nps\na,2025-01-02,9\nb,2025-01-03,0\n")
    (ctx.tmp / "data").mkdir(exist_ok=True)
    return ctx.tmp / "incoming"


def _already_exists(ctx: Ctx) -> str:
    from cxlib.onboard import init_client

    source = _survey_folder(ctx)
    init_client("acme", source, root=ctx.tmp)
    return raised(lambda: init_client("acme", source, root=ctx.tmp))


def _not_pending(ctx: Ctx) -> str:
    from cxlib.onboard import propose_config

    proposal = propose_config("acme", _survey_folder(ctx), root=ctx.tmp)
    return raised(lambda: proposal.confirm(["no.such.flag"]))


def _confirm_text(text: str, ids, answers=None) -> Callable:
    from cxlib.onboard.confirm import confirm_text

    return lambda ctx: raised(lambda: confirm_text(text, ids, answers=answers))


ONBOARDING: dict[str, Callable] = {
    "Source is not a folder": lambda ctx: raised(lambda: importlib.import_module("cxlib.onboard").inspect_folder(ctx.tmp / "nope")),
    "No data files in the folder": lambda ctx: raised(lambda: importlib.import_module("cxlib.onboard").inspect_folder(ctx.tmp)),
    "client.yaml already exists": _already_exists,
    "Confirming an item that is not pending (Python)": _not_pending,
    "Confirming a marker that is not in the file": _confirm_text("sale_stage: buy\n", ["no.such.flag"]),
    "Answering a note": _confirm_text("# CONFIRM[files.x.csv]: left out\n\nsale_stage: buy\n", [],
                                      {"files.x.csv": "yes"}),
    "Answering a marker above a block": _confirm_text("touchpoints:\n  # CONFIRM[tp]: check\n  - {id: a}\n", [],
                                                      {"tp": "b"}),
    "No client.yaml to confirm": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.onboard.confirm").pending(ctx.tmp / "client.yaml")),
    "Bad `--answer`": lambda ctx: cli("init", "acme", "--root", str(ctx.tmp), "--answer", "stages"),
    "Bad `--paths`": lambda ctx: cli("init", "acme", "--root", str(ctx.tmp), "--from", str(ctx.tmp), "--paths", "x"),
    "`cx init` with nothing to do": lambda ctx: cli("init", "acme", "--root", str(ctx.tmp)),
    "Proposing and confirming in one call": lambda ctx: cli("init", "acme", "--root", str(ctx.tmp), "--from",
                                                            str(_survey_folder(ctx)), "--pending"),
}

# --------------------------------------------------------------------------- client.yaml triggers
TP = "touchpoints"
CONFIG: dict[str, Callable] = {
    "client.yaml not found": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.workspace").load_config(ctx.tmp / "client.yaml")),
    "Not valid YAML": lambda ctx: config_error(ctx, raw="display_name: x\nstages: [a, b\n"),
    "Not a mapping": lambda ctx: config_error(ctx, raw="- a\n- b\n"),
    "A list is empty or not a list": lambda ctx: config_error(ctx, {"segments": []}),
    "A name listed twice": lambda ctx: config_error(ctx, {"segments": ["a", "b", "a"]}),
    "Period dates": lambda ctx: config_error(ctx, {"period": {"start": "soon"}}),
    "Unknown client.yaml key": lambda ctx: config_error(ctx, {"min_n_quote": 5}),
    "Unknown table setting": lambda ctx: config_error(ctx, {"tables.customers.skiprows": 1}),
    "Delimiter is not one character": lambda ctx: config_error(ctx, {"tables.customers.delimiter": ";;"}),
    "Sale stage not a stage": lambda ctx: config_error(ctx, {"sale_stage": "checkout"}),
    "Touchpoints missing": lambda ctx: config_error(ctx, {TP: []}),
    "Touchpoint without an id": lambda ctx: config_error(ctx, {TP: [{"label": "Shop"}]}),
    "Touchpoint id with other characters": lambda ctx: config_error(ctx, {TP: [{"id": "support call"}]}),
    "Touchpoint stage unknown": lambda ctx: config_error(ctx, {TP: [{"id": "shop", "stage": "nowhere"}]}),
    "Touchpoint id twice": lambda ctx: config_error(ctx, {TP: [{"id": "shop"}, {"id": "shop"}]}),
    "Colour": lambda ctx: config_error(ctx, {"brand": {"primary": "blue"}}),
    "Minimum group sizes": lambda ctx: config_error(ctx, {"min_n": 0}),
    "Tables missing": lambda ctx: config_error(ctx, {"tables": _DELETE}),
    "Not an outcome": lambda ctx: config_error(ctx, {"outcome": "happiness"}),
    "Benchmark setting": lambda ctx: config_error(ctx, {"benchmark": {"company": "x"}}),
    "Benchmark column": lambda ctx: config_error(ctx, {"benchmark": {"client": "x", "column": "airline"}}),
    "Constants not a mapping": lambda ctx: config_error(ctx, {"tables.responses.constants": ["twitter"]}),
    "Constant for an unknown column": lambda ctx: config_error(ctx, {"tables.responses.constants": {"colour": "x"}}),
    "Long-file setting": lambda ctx: config_error(ctx, {"tables.responses.pivot": {"id": "a"}}),
    "Unknown table": lambda ctx: config_error(ctx, {"tables.surveys": {"path": "s.csv"}}),
    "Table without a path": lambda ctx: config_error(ctx, {"tables.customers": {"columns": {}}}),
    "Unknown format": lambda ctx: config_error(ctx, {"tables.responses.format": "sas"}),
    "Column mapping not a mapping": lambda ctx: config_error(ctx, {"tables.responses.columns": ["a", "b"]}),
    "No survey table": lambda ctx: config_error(ctx, {"tables.responses": _DELETE}),
    "A file pattern matches nothing": lambda ctx: config_error(ctx, {"tables.responses.path": "answers-*.csv"}),
}


# --------------------------------------------------------------------------- workspace triggers
def _not_usable(ctx: Ctx) -> str:
    from cxlib.workspace import open_client

    write_workspace(ctx.tmp, files={"customers.csv": CUSTOMERS.replace("acquired_on", "since", 1)})
    return raised(lambda: open_client("tiny", root=ctx.tmp))


def _no_benchmark(ctx: Ctx) -> str:
    from cxlib.workspace import Workspace

    write_workspace(ctx.tmp)
    return raised(lambda: Workspace("tiny", ctx.tmp).benchmark("customers"))


def _unknown_table(ctx: Ctx) -> str:
    from cxlib.workspace import Workspace

    write_workspace(ctx.tmp)
    return raised(lambda: Workspace("tiny", ctx.tmp).table("surveys"))


WORKSPACE: dict[str, Callable] = {
    "Client name": lambda ctx: raised(lambda: importlib.import_module("cxlib.workspace").Workspace("Acme Co", ctx.tmp)),
    "No such client": lambda ctx: raised(lambda: (write_workspace(ctx.tmp),
                                                  importlib.import_module("cxlib.workspace").Workspace("acme", ctx.tmp))),
    "Data not usable yet": _not_usable,
    "Unknown table name": _unknown_table,
    "No benchmark for this table": _no_benchmark,
}


# --------------------------------------------------------------------------- reading triggers
def read(ctx: Ctx, name: str, content: str | bytes, **kw) -> str:
    path = ctx.file(name, content)
    return raised(lambda: io.read_table(path, **kw))


def _parquet(ctx: Ctx, frame: pd.DataFrame | None) -> str:
    path = ctx.tmp / "t.parquet"
    if frame is None:
        path.write_bytes(b"PAR1 not really")
    else:
        frame.to_parquet(path)
    return raised(lambda: io.read_table(path))


def _spss_no_cases(ctx: Ctx) -> str:
    import pyreadstat

    path = ctx.tmp / "t.sav"
    pyreadstat.write_sav(pd.DataFrame({"a": pd.Series([], dtype="float64")}), str(path))
    return raised(lambda: io.read_table(path))


def _excel(ctx: Ctx, rows: list[list], **kw) -> str:
    path = workbook(ctx.tmp / "t.xlsx", rows)
    return raised(lambda: io.read_table(path, **kw))


READING: dict[str, Callable] = {
    "File not found": lambda ctx: raised(lambda: io.read_table(ctx.tmp / "missing.csv")),
    "Not a file": lambda ctx: raised(lambda: io.read_table(ctx.tmp)),
    "Unknown format (Python)": lambda ctx: read(ctx, "t.csv", "a\n1\n", format="sas"),
    "File too large for its format": lambda ctx: read(ctx, "t.csv", "a,b\n1,2\n", max_bytes=4),
    "Empty file": lambda ctx: read(ctx, "t.csv", ""),
    "Old Excel": lambda ctx: read(ctx, "t.xls", b"\xd0\xcf\x11\xe0"),
    "Unknown extension": lambda ctx: read(ctx, "t.dat", "a,b\n1,2\n"),
    "Encoding cannot be told": lambda ctx: read(ctx, "t.csv", "id,comment\n1,ok\n2,Obsługa była świetna\n"
                                                .encode("cp1250")),
    "Unknown encoding name": lambda ctx: read(ctx, "t.csv", "a,b\n1,2\n", encoding="klingon"),
    "Wrong encoding declared": lambda ctx: read(ctx, "t.csv", "a,b\n1,café\n".encode("cp1252"), encoding="utf-8"),
    "No text": lambda ctx: read(ctx, "t.csv", "   \n\n"),
    "No header after the title rows": lambda ctx: read(ctx, "t.csv", "a,b\n1,2\n", skip_rows=5),
    "Header but no data (CSV)": lambda ctx: read(ctx, "t.csv", "a,b\n"),
    "Delimited text cannot be read": lambda ctx: read(ctx, "t.csv", 'a,b\n1,"' + "x" * 3_000_000 + '"\n'),
    "Duplicate column names": lambda ctx: read(ctx, "t.csv", "a,a\n1,2\n"),
    "Empty header row": lambda ctx: read(ctx, "t.csv", ",,\n1,2,3\n"),
    "Ragged rows": lambda ctx: read(ctx, "t.csv", "a,b\n1,2\n3,4,5\n"),
    "Not an Excel workbook": lambda ctx: read(ctx, "t.xlsx", b"not a zip"),
    "No such sheet": lambda ctx: _excel(ctx, [["a"], [1]], sheet="Answers"),
    "Empty sheet": lambda ctx: _excel(ctx, []),
    "Values right of the header": lambda ctx: _excel(ctx, [["Export of June"], ["id", "nps"], [1, 9]]),
    "Header but no data (Excel)": lambda ctx: _excel(ctx, [["id", "nps"]]),
    "Not Parquet": lambda ctx: _parquet(ctx, None),
    "Parquet without rows": lambda ctx: _parquet(ctx, pd.DataFrame({"a": pd.Series([], dtype="float64")})),
    "Not SPSS": lambda ctx: read(ctx, "t.sav", b"not spss"),
    "SPSS without cases": _spss_no_cases,
    "JSON lines without records": lambda ctx: read(ctx, "t.jsonl", "\n\n"),
    "Not JSON lines": lambda ctx: read(ctx, "t.jsonl", '[\n  {"id": 1},\n  {"id": 2}\n]\n'),
}


# --------------------------------------------------------------------------- validation and scales
def _reconciliation(ctx: Ctx) -> str:
    from cxlib.ingest.validate import check_reconciliation

    recon = pd.DataFrame({"table": ["responses"], "rows_read": [3], "rows_used": [1], "rows_quarantined": [1],
                          "status": ["ok"]})
    return raised(lambda: check_reconciliation(recon, pd.DataFrame({"table": ["responses"], "reason_code": ["x"]})))


VALIDATION: dict[str, Callable] = {
    "Mapped column not in the file": lambda ctx: validation_problem(
        ctx, {}, {"tables": {**CLIENT_YAML["tables"], "responses": {"path": "responses.csv", "scales": SCALES,
                                                                     "columns": {"Q1": "survey"}}}}),
    "Two columns mapped to one": lambda ctx: validation_problem(
        ctx, {}, {"tables": {**CLIENT_YAML["tables"], "responses": {"path": "responses.csv", "scales": SCALES,
                                                                     "columns": {"csat": "nps"}}}}),
    "Required column missing": lambda ctx: validation_problem(
        ctx, {"customers.csv": CUSTOMERS.replace("acquired_on", "since", 1)}),
    "A constant and a column of the same name": lambda ctx: validation_problem(
        ctx, {}, {"tables": {**CLIENT_YAML["tables"], "responses": {"path": "responses.csv", "scales": SCALES,
                                                                     "constants": {"comment": "x"}}}}),
    "Long-file columns not in the file": lambda ctx: validation_problem(
        ctx, {}, {"tables": {**CLIENT_YAML["tables"], "responses": {
            "path": "responses.csv", "scales": SCALES, "pivot": {"id": "rid", "question": "q", "answer": "a"}}}}),
    "A question of a long file named like a column": lambda ctx: validation_problem(
        ctx, {"long.csv": "rid,when,q,a\nr1,2025-01-01,when,9\nr1,2025-01-01,nps,9\n"},
        {"tables": {"responses": {"path": "long.csv", "pivot": {"id": "rid", "question": "q", "answer": "a"}}}}),
    "Benchmark without company values": lambda ctx: validation_problem(ctx, {}, {"benchmark": {"client": "Acme"}}),
    "Benchmark client not in the file": lambda ctx: validation_problem(
        ctx, {"responses.csv": RESPONSES.replace("comment,", "company,", 1)}, {"benchmark": {"client": "Acme"}}),
    "Reconciliation failed": _reconciliation,
    "Scale ambiguous or unknown": lambda ctx: raised(lambda: importlib.import_module("cxlib.ingest.scales").map_scale(
        pd.Series([1, 5, 10]), target="nps", column="nps", file="responses.csv")),
    "Unknown declared scale": lambda ctx: raised(lambda: importlib.import_module("cxlib.ingest.scales").parse_scale(
        "ten", target="nps")),
}

QUARANTINE: dict[str, Callable] = {
    "Not a number (`bad_value`)": reason("bad_value", "is not a number"),
    "Not a whole number (`bad_value`)": reason("bad_value", "is not a whole number"),
    "Out of range (`bad_value`)": reason("bad_value", "is outside"),
    "Not yes/no (`bad_value`)": reason("bad_value", "is not yes/no"),
    "Not a date (`bad_value`)": reason("bad_value", "is not a date"),
    "Day and month cannot be told apart (`bad_value`)": reason("bad_value", "is ambiguous"),
    "Day-first and month-first mixed (`bad_value`)": reason("bad_value", "mixes day-first"),
    "Not a score (`bad_value`)": reason("bad_value", "is not a score"),
    "Empty required value (`missing_value`)": reason("missing_value"),
    "Value not in the list (`not_allowed`)": reason("not_allowed"),
    "Duplicate row (`duplicate_row`)": reason("duplicate_row"),
    "Duplicate id (`duplicate_key`)": reason("duplicate_key"),
    "Unknown reference (`unknown_reference`)": reason("unknown_reference"),
    "Interaction of another customer (`inconsistent`)": reason("inconsistent", "another customer"),
    "Transactional answer without interaction (`inconsistent`)": reason("inconsistent", "transactional"),
    "Churn date before acquisition (`inconsistent`)": reason("inconsistent", "before"),
    "Churn date but not churned (`inconsistent`)": reason("inconsistent", "is false"),
    "Survey preview or test (`excluded_at_read`)": qualtrics_exclusion,
    "Empty row (`excluded_at_read`)": reason("excluded_at_read", "empty row"),
    "Line with the wrong number of fields (`bad_line`)": lambda ctx: io.read_table(
        ctx.file("cut.csv", "id,nps,comment\n1,9,a\n2,8,b\n3,7")).excluded["reason"].iloc[0],
    "Line that is not a JSON object (`bad_line`)": lambda ctx: io.read_table(
        ctx.file("cut.jsonl", '{"id": 1}\n{"id": 2}\n{"id": 3}\n{"id": 4}\n{"id": 5}\n{"id": 6')).excluded[
        "reason"].iloc[0],
    "Speeder (`speeder`)": reason("speeder"),
    "Straight-liner (`straightliner`)": reason("straightliner"),
    "Repeat respondent (`duplicate_respondent`)": reason("duplicate_respondent"),
}


# --------------------------------------------------------------------------- codebook
def _codebook_file(ctx: Ctx, text: str | None) -> str:
    from cxlib.text.codebook import load_codebook

    path = ctx.tmp / "codebook.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return raised(lambda: load_codebook(path))


CODEBOOK: dict[str, Callable] = {
    "Codebook file not found": lambda ctx: _codebook_file(ctx, None),
    "Codebook not valid YAML": lambda ctx: _codebook_file(ctx, "themes: [\n"),
    "Codebook without themes": lambda ctx: codebook_error([]),
    "Unknown top-level key": lambda ctx: codebook_error({**theme(), "colour": "red"}),
    "Empty theme list": lambda ctx: codebook_error({"themes": []}),
    "Theme not a mapping": lambda ctx: codebook_error({"themes": ["billing"]}),
    "Invalid theme id": lambda ctx: codebook_error({"themes": [{"id": "Billing Issues"}]}),
    "Reserved id": lambda ctx: codebook_error({"themes": [{"id": "uncoded"}]}),
    "Duplicate theme id": lambda ctx: codebook_error({"themes": [{"id": "billing"}, {"id": "billing"}]}),
    "Unknown theme key": lambda ctx: codebook_error(theme(colour="red")),
    "Parent not an id": lambda ctx: codebook_error(theme(parent=3)),
    "`negate` not true/false": lambda ctx: codebook_error(theme(negate="sometimes")),
    "`polarity` not a known value": lambda ctx: codebook_error(theme(polarity="angry")),
    "`when_negated` not an id": lambda ctx: codebook_error(theme(when_negated=3)),
    "`when_negated` names an unknown theme": lambda ctx: codebook_error(theme(when_negated="staff.unhelpful")),
    "Empty pattern": lambda ctx: codebook_error(theme(include=[""])),
    "Invalid regular expression": lambda ctx: codebook_error(theme(include=["re:(unclosed"])),
    "Regex matching everything": lambda ctx: codebook_error(theme(include=["re:x*"])),
    "Star inside a phrase": lambda ctx: codebook_error(theme(include=["over*charge"])),
    "Not a list": lambda ctx: codebook_error(theme(include={"charged": "twice"})),
    "Unknown parent": lambda ctx: codebook_error(theme(parent="biling")),
    "Parent cycle": lambda ctx: codebook_error({"themes": [{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}]}),
    "Negators not words": lambda ctx: codebook_error({**theme(), "sentiment_negators": ["not", False]}),
    "Negation window": lambda ctx: codebook_error({**theme(), "negation_window": 20}),
    "Unknown theme id (Python)": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.text.codebook").starter_codebook().theme("billing.nope")),
}


# --------------------------------------------------------------------------- reports
def _execute(ctx: Ctx, name: str) -> str:
    from cxlib.report.execute import ExecutionSettings, execute_notebook

    settings = ExecutionSettings(cell_timeout=60, start_attempts=2)
    return raised(lambda: execute_notebook(FIXTURES / name, {}, settings=settings))


def _params(name: str, parameters: dict) -> Callable:
    def trigger(ctx: Ctx) -> str:
        from cxlib.report.params import validate_parameters

        return raised(lambda: validate_parameters(FIXTURES / name, parameters))

    return trigger


def _no_chromium(ctx: Ctx) -> str:
    from cxlib.report import pdf

    ctx.monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    return raised(lambda: pdf.html_to_pdf_bytes("<p>x</p>", engine="chromium"))


def _slow(fn: Callable) -> Callable:
    fn.slow = True
    return fn


REPORTS: dict[str, Callable] = {
    "A notebook cell raised": _slow(lambda ctx: _execute(ctx, "failing_cell.ipynb")),
    "The notebook stopped early": _slow(lambda ctx: _execute(ctx, "sys_exit.ipynb")),
    "Report notebook not found": _params("nope.ipynb", {}),
    "No parameters cell": _params("no_parameters.ipynb", {}),
    "Unknown parameter": _params("ok.ipynb", {"audiance": "analyst"}),
    "Parameter name not allowed": _params("ok.ipynb", {"_secret": 1}),
    "Parameter value not a primitive": _params("ok.ipynb", {"client": ["a", "b"]}),
    "Parameter not a finite number": _params("ok.ipynb", {"client": float("nan")}),
    "Parameter of the wrong type": _params("ok.ipynb", {"n": "[1,2]"}),
    "`--param` without `=`": lambda ctx: raised(lambda: importlib.import_module("cxlib.cli.report").parse_param("seed")),
    "`--storage-option` without `=`": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.cli.report").parse_storage_option("endpoint_url")),
    "`--storage-option` without `--storage`": lambda ctx: cli("batch", "--storage-option", "a=b", "--no-progress",
                                                              "--root", str(ctx.tmp)),
    "Unknown audience or format (`cx report`)": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.cli.report").split_list("docx", ("html", "pdf"), "format")),
    "Unknown client in a batch": lambda ctx: raised(lambda: (write_workspace(ctx.tmp), importlib.import_module("cxlib.report.batch").make_jobs(["nobody"], root=ctx.tmp))),
    "No clients for a batch": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.report.batch").make_jobs(None, root=ctx.tmp)),
    "Unknown PDF engine": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.report.pdf").html_to_pdf_bytes("<p>x</p>", engine="latex")),
    "Chromium missing": _no_chromium,
}

COMMAND_LINE: dict[str, Callable] = {
    "`cx validate` without a client": lambda ctx: cli("validate", "--root", str(ctx.tmp)),
    "No clients yet": lambda ctx: cli("validate", "--all", "--root", str(ctx.tmp)),
    "Unknown demo client": lambda ctx: cli("demo", "--client", "nobody", "--root", str(ctx.tmp)),
    "No such view": lambda ctx: (write_workspace(ctx.tmp), cli("report", "tiny", "--root", str(ctx.tmp), "--view",
                                                               "nope"))[1],
    "View given twice": lambda ctx: (write_workspace(ctx.tmp), importlib.import_module("cxlib.analysis.selection")
                                     .save_view(ctx.tmp / "data" / "tiny", importlib.import_module(
                                         "cxlib.analysis.selection").View(name="v")),
                                     cli("report", "tiny", "--root", str(ctx.tmp), "--view", "v", "-p", "view=v"))[2],
    "Memory budget not a size": lambda ctx: (write_workspace(ctx.tmp),
                                             cli("report", "tiny", "--root", str(ctx.tmp), "--memory", "lots"))[1],
    "Memory budget and a plan given together": lambda ctx: (write_workspace(ctx.tmp),
                                                            cli("report", "tiny", "--root", str(ctx.tmp), "--memory",
                                                                "4GB", "--sequential"))[1],
    "Memory budget for a Dask batch": lambda ctx: (write_workspace(ctx.tmp),
                                                   cli("batch", "--root", str(ctx.tmp), "--memory", "4GB",
                                                       "--scheduler", "local:2", "--no-progress"))[1],
    "View name not allowed": lambda ctx: raised(lambda: importlib.import_module("cxlib.analysis.selection")
                                                .load_view(ctx.tmp, "Bad Name")),
}


# --------------------------------------------------------------------------- analyses
def _tiny(ctx: Ctx):
    from cxlib.workspace import open_client

    write_workspace(ctx.tmp)
    return open_client("tiny", root=ctx.tmp)


def _drivers_too_few(ctx: Ctx) -> str:
    from cxlib.analysis.drivers import key_drivers

    ws = _tiny(ctx)
    return raised(lambda: key_drivers(ws.responses, outcome="nps", drivers=["shop", "billing"], min_n=30))


ANALYSES: dict[str, Callable] = {
    "A table the analysis needs is absent": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.analysis.journey").journey_index(None, None)),
    "No self-assessment": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.analysis.gap").delivery_gap(_tiny(ctx).responses, None)),
    "No lifecycle stages": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.analysis.journey.lifecycle").stage_curve(_tiny(ctx).interactions, None, stages=[])),
    "Too few responses for a driver analysis": _drivers_too_few,
    "No churn flag": lambda ctx: raised(lambda: importlib.import_module("cxlib.analysis.churn").churn_link(
        pd.DataFrame({"customer_id": ["a"], "journey_index": [50.0]}))),
    "Score outside its scale": lambda ctx: raised(
        lambda: importlib.import_module("cxlib.analysis.metrics").nps(pd.DataFrame({"nps": [9, 11, 3]}))),
}

TRIGGERS: dict[str, Callable] = {**ONBOARDING, **CONFIG, **WORKSPACE, **READING, **VALIDATION, **QUARANTINE,
                                 **CODEBOOK, **REPORTS, **COMMAND_LINE, **ANALYSES}


# --------------------------------------------------------------------------- the tests
def test_every_documented_message_has_a_trigger_and_back():
    documented = set(doc_entries())
    assert sorted(documented - set(TRIGGERS)) == [], "documented messages without a trigger"
    assert sorted(set(TRIGGERS) - documented) == [], "triggers for messages the page no longer shows"


def _params_for_pytest():
    out = []
    for heading, fn in TRIGGERS.items():
        marks = [pytest.mark.slow] if getattr(fn, "slow", False) else []
        out.append(pytest.param(heading, marks=marks, id=heading))
    return out


@pytest.mark.parametrize("heading", _params_for_pytest())
def test_message_is_produced_as_documented(heading, tmp_path, monkeypatch, request):
    pattern = doc_entries().get(heading)
    assert pattern is not None, f"### {heading} has no message block in troubleshooting.md"
    trigger = TRIGGERS[heading]
    ctx = Ctx(tmp_path, monkeypatch)
    if getattr(trigger, "uses_quarantine", False):
        message = trigger(ctx, request.getfixturevalue("quarantine"))
    else:
        message = trigger(ctx)
    assert pattern_regex(pattern).search(_norm(message)), f"\nexpected: {pattern}\nproduced: {message}"


# Modules on the path from a client's files to a validated workspace: every error they raise on
# purpose must be shown on the page (by at least one literal piece of its text).
COVERED_MODULES = sorted(
    str(p.relative_to(ROOT))
    for p in [ROOT / "cxlib" / "config.py", ROOT / "cxlib" / "workspace.py", ROOT / "cxlib" / "text" / "codebook.py",
              *(ROOT / "cxlib" / "ingest").rglob("*.py"), *(ROOT / "cxlib" / "onboard").rglob("*.py"),
              *(ROOT / "cxlib" / "cli").rglob("*.py")]
    # a module that raises none of the workbench's errors has nothing to document
    if re.search(r"^\s*raise (?:CxError|DataError|ConfigError|ScaleError|CodebookError|ReportError|_fail)\(",
                 p.read_text(encoding="utf-8"), re.M)
)


def _cx_error_names(module) -> set[str]:
    names = {n for n, v in vars(module).items() if isinstance(v, type) and issubclass(v, CxError)}
    names |= {n for n, v in vars(cx_errors).items() if isinstance(v, type) and issubclass(v, CxError)}
    if hasattr(module, "_fail"):
        names.add("_fail")
    return names


def _literals(node: ast.AST) -> list[str]:
    return [_norm(n.value) for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def raise_sites(path: Path) -> list[tuple[int, list[str]]]:
    module = importlib.import_module(str(path.relative_to(ROOT).with_suffix("")).replace("/", ".").removesuffix(".__init__"))
    names = _cx_error_names(module)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in names:
            out.append((node.lineno, [s for s in _literals(node.exc) if len(s) >= 12]))
    return out


@pytest.mark.parametrize("module", COVERED_MODULES)
def test_every_error_of_the_onboarding_path_is_documented(module):
    blocks = _norm(" ".join(doc_entries().values()))
    sites = raise_sites(ROOT / module)
    assert sites, f"no raise sites found in {module}: the scan is broken"
    missing = [f"{module}:{line}: {pieces[:1]}" for line, pieces in sites
               if pieces and not any(p in blocks for p in pieces)]
    assert missing == [], "errors not shown in docs/troubleshooting.md:\n" + "\n".join(missing)


def test_the_coverage_scan_can_fail(tmp_path):
    fake = "from cxlib.errors import DataError\n\ndef f():\n    raise DataError('this message is nowhere in the docs at all')\n"
    tree = ast.parse(fake)
    pieces = [s for n in ast.walk(tree) if isinstance(n, ast.Raise) for s in _literals(n.exc) if len(s) >= 12]
    blocks = _norm(" ".join(doc_entries().values()))
    assert pieces and not any(p in blocks for p in pieces)
