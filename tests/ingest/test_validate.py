"""Validation: every row used or quarantined with file, row, column and reason; the store."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.ingest import validate as validate_mod
from cxlib.errors import DataError
from cxlib.ingest.validate import check_reconciliation, validate_client
from cxlib.workspace import Workspace, load_config, open_client
from tests.conftest import CUSTOMERS, RESPONSES, SCALES, write_workspace


def _result(root, name="tiny"):
    return validate_client(load_config(root / "data" / name / "client.yaml"))


def _recon(result, table):
    return result.reconciliation.set_index("table").loc[table]


def test_clean_workspace_uses_every_row(tiny_root):
    result = _result(tiny_root)
    assert result.ok
    assert len(result.quarantine) == 0
    for table, n in (("customers", 4), ("interactions", 6), ("responses", 6)):
        row = _recon(result, table)
        assert (row.rows_read, row.rows_used, row.rows_quarantined) == (n, n, 0)
    assert _recon(result, "mentions").status == "absent"


def test_canonical_dtypes(tiny_root):
    t = _result(tiny_root).tables
    assert str(t["customers"]["customer_id"].dtype) == "string"
    assert str(t["customers"]["churned"].dtype) == "boolean"
    assert str(t["customers"]["acquired_on"].dtype) == "datetime64[ns]"
    assert str(t["interactions"]["occurred_at"].dtype) == "datetime64[ns]"
    assert str(t["responses"]["nps"].dtype) == "Int64"
    assert t["responses"].set_index("response_id").loc["R03", "survey"] == "transactional"
    assert t["responses"].set_index("response_id").loc["R01", "survey"] == "relationship"
    assert {"flag_speeder", "flag_straightliner", "flag_duplicate_respondent"} <= set(t["responses"].columns)


def test_out_of_range_score_is_quarantined_with_file_row_column(tmp_path):
    bad = RESPONSES.replace("R04,C003,I05,2025-04-11T13:00:00,8,", "R04,C003,I05,2025-04-11T13:00:00,11,")
    write_workspace(tmp_path, files={"responses.csv": bad})
    result = _result(tmp_path)
    q = result.quarantine
    assert len(q) == 1
    row = q.iloc[0]
    assert (row.table, row.file, row.row, row.column, row.reason_code) == ("responses", "responses.csv", 5, "nps", "bad_value")
    assert "11" in row.reason
    assert _recon(result, "responses").rows_used == 5


def test_unknown_reference_and_cascade(tmp_path):
    # C002 has a bad segment -> quarantined; its interactions and responses then point to nobody.
    customers = CUSTOMERS.replace("C002,business", "C002,wholesale")
    write_workspace(tmp_path, files={"customers.csv": customers})
    result = _result(tmp_path)
    q = result.quarantine.set_index(["table", "row"])
    assert q.loc[("customers", 3), "reason_code"] == "not_allowed"
    assert "wholesale" in q.loc[("customers", 3), "reason"]
    assert set(result.quarantine.query("table == 'interactions'")["reason_code"]) == {"unknown_reference"}
    assert _recon(result, "interactions").rows_used == 4
    assert _recon(result, "responses").rows_used == 4


def test_duplicate_rows_and_keys(tmp_path):
    customers = CUSTOMERS + "C001,consumer,north,2024-01-15,120.5,false,\nC003,business,north,2024-11-30,75,false,\n"
    write_workspace(tmp_path, files={"customers.csv": customers})
    q = _result(tmp_path).quarantine
    assert list(q["reason_code"]) == ["duplicate_row", "duplicate_key"]
    assert list(q["row"]) == [6, 7]


def test_missing_required_column_makes_table_unusable(tmp_path):
    customers = CUSTOMERS.replace("segment,", "segmnt,")
    write_workspace(tmp_path, files={"customers.csv": customers})
    result = _result(tmp_path)
    assert not result.ok
    assert "`segment`" in result.problems[0] and "customers.csv" in result.problems[0]
    assert "tables.customers.columns" in result.problems[0]
    with pytest.raises(DataError, match="segment"):
        open_client("tiny", root=tmp_path)


def test_column_mapping(tmp_path):
    customers = CUSTOMERS.replace("customer_id,segment", "CustID,Seg")
    cfg = {"tables": {"customers": {"path": "customers.csv", "columns": {"CustID": "customer_id", "Seg": "segment"}},
                      "interactions": {"path": "interactions.csv"}, "responses": {"path": "responses.csv", "scales": SCALES}}}
    write_workspace(tmp_path, config=cfg, files={"customers.csv": customers})
    assert _result(tmp_path).ok


def test_mapping_to_absent_column_is_explained(tmp_path):
    cfg = {"tables": {"customers": {"path": "customers.csv", "columns": {"Cust ID": "customer_id"}},
                      "interactions": {"path": "interactions.csv"}, "responses": {"path": "responses.csv", "scales": SCALES}}}
    write_workspace(tmp_path, config=cfg, files={"customers.csv": CUSTOMERS.replace("customer_id,", "CustID,")})
    result = _result(tmp_path)
    assert "'Cust ID' (to customer_id)" in result.problems[0] and "CustID" in result.problems[0]


def test_interaction_of_another_customer_is_inconsistent(tmp_path):
    bad = RESPONSES.replace("R04,C003,I05", "R04,C004,I05")
    write_workspace(tmp_path, files={"responses.csv": bad})
    q = _result(tmp_path).quarantine
    assert list(q["reason_code"]) == ["inconsistent"] and list(q["column"]) == ["interaction_id"]


def test_churned_on_before_acquired_is_inconsistent(tmp_path):
    customers = CUSTOMERS.replace("2023-06-01,980,true,2025-05-01", "2023-06-01,980,true,2020-05-01")
    write_workspace(tmp_path, files={"customers.csv": customers})
    q = _result(tmp_path).quarantine
    assert q.iloc[0]["reason_code"] == "inconsistent" and q.iloc[0]["column"] == "churned_on"


def _quality_responses():
    header = RESPONSES.splitlines()[0]
    rows = [
        "R01,C001,,2025-06-01T10:00:00,9,,,5,4,,,ok,200",
        "R02,C002,,2025-06-02T10:00:00,3,,,4,2,1,,meh,180",
        "R03,C003,,2025-06-02T10:00:00,6,,,3,3,3,3,fine,190",      # straight-liner
        "R04,C004,,2025-06-03T10:00:00,10,,,5,5,,4,,210",
        "R05,C004,,2025-06-05T10:00:00,10,,,5,5,,4,,205",          # duplicate respondent (2 days later)
        "R06,C001,I02,2025-02-03T11:00:00,7,3,5,,,,,,20",          # transactional speeder? (only one -> median 20)
        "R07,C003,,2025-06-09T10:00:00,8,,,4,4,,,,30",             # relationship speeder (30 < 0.33 * 195)
    ]
    return header + "\n" + "\n".join(rows) + "\n"


def test_quality_flags_are_counted_and_excluded_per_config(tmp_path):
    write_workspace(tmp_path, files={"responses.csv": _quality_responses()})
    result = _result(tmp_path)
    q = result.quarantine.set_index("row")["reason_code"]
    assert q.to_dict() == {6: "duplicate_respondent", 8: "speeder"}
    responses = result.tables["responses"].set_index("response_id")
    assert bool(responses.loc["R03", "flag_straightliner"]) is True
    assert _recon(result, "responses").rows_flagged == 1
    assert "R05" not in responses.index and "R07" not in responses.index


def test_quality_flags_kept_when_not_excluded(tmp_path):
    cfg = {"quality": {"exclude_speeders": False, "exclude_duplicate_respondents": False}}
    write_workspace(tmp_path, config=cfg, files={"responses.csv": _quality_responses()})
    result = _result(tmp_path)
    assert len(result.quarantine) == 0
    responses = result.tables["responses"].set_index("response_id")
    assert bool(responses.loc["R07", "flag_speeder"]) and bool(responses.loc["R05", "flag_duplicate_respondent"])
    assert _recon(result, "responses").rows_flagged == 3


def test_reconciliation_catches_a_dropped_row(tiny_root, monkeypatch):
    original = validate_mod.validate_table

    def dropping(*args, **kwargs):
        outcome = original(*args, **kwargs)
        if args[1].name == "interactions":
            outcome.frame = outcome.frame.iloc[1:]  # a bug that silently loses a row
        return outcome

    monkeypatch.setattr(validate_mod, "validate_table", dropping)
    with pytest.raises(DataError, match="Reconciliation failed for interactions: 6 rows read but 5 used"):
        _result(tiny_root)


def test_check_reconciliation_counts_by_reason():
    recon = pd.DataFrame({"table": ["t"], "rows_read": [5], "rows_used": [3], "rows_quarantined": [2], "status": ["ok"]})
    check_reconciliation(recon, pd.DataFrame({"table": ["t", "t"], "reason_code": ["a", "b"]}))
    with pytest.raises(DataError):
        check_reconciliation(recon, pd.DataFrame({"table": ["t"], "reason_code": ["a"]}))


def test_inputs_never_modified_and_store_outside(tiny_root):
    folder = tiny_root / "data" / "tiny"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    ws = open_client("tiny", root=tiny_root)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after
    assert ws.store_path.exists() and folder not in ws.store_path.parents


def test_store_round_trip_and_staleness(tiny_root):
    ws = open_client("tiny", root=tiny_root)
    assert len(ws.customers) == 4 and ws.mentions is None
    assert str(ws.responses["nps"].dtype) == "Int64"
    with ws.connect() as con:
        assert con.execute("select count(*) from interactions").fetchone()[0] == 6
    mtime = ws.store_path.stat().st_mtime_ns
    open_client("tiny", root=tiny_root)
    assert ws.store_path.stat().st_mtime_ns == mtime  # unchanged inputs: not rebuilt
    (tiny_root / "data" / "tiny" / "customers.csv").write_text(CUSTOMERS + "C005,consumer,north,2024-01-15,1,false,\n")
    assert len(open_client("tiny", root=tiny_root).customers) == 5


def test_workspace_table_copy_is_independent(tiny_root):
    ws = Workspace("tiny", tiny_root)
    first = ws.customers
    first.loc[0, "segment"] = "changed"
    assert ws.customers.loc[0, "segment"] != "changed"


def test_interactions_missing_values_allowed_where_nullable(tiny_root):
    ws = open_client("tiny", root=tiny_root)
    assert ws.interactions["case_id"].isna().sum() == 4


def test_monthly_exports_are_stacked_and_overlaps_not_double_counted(tmp_path):
    header, *rows = RESPONSES.strip().splitlines()
    january = header + "\n" + "\n".join(rows[:4]) + "\n"
    february = header + "\n" + "\n".join(rows[3:]) + "\n"  # R04 exported again
    cfg = {"tables": {"customers": {"path": "customers.csv"}, "interactions": {"path": "interactions.csv"},
                      "responses": {"path": "responses-*.csv", "scales": SCALES}}}
    write_workspace(tmp_path, config=cfg, files={"responses.csv": None, "responses-2025-01.csv": january,
                                                  "responses-2025-02.csv": february})
    result = _result(tmp_path)
    q = result.quarantine
    assert list(zip(q["file"], q["row"], q["reason_code"])) == [("responses-2025-02.csv", 2, "duplicate_row")]
    recon = _recon(result, "responses")
    assert (recon.rows_read, recon.rows_used) == (7, 6)
    assert "2 files" in recon.file or "responses-2025-01.csv" in recon.file


def test_new_monthly_file_triggers_a_rebuild(tmp_path):
    header, *rows = RESPONSES.strip().splitlines()
    cfg = {"tables": {"customers": {"path": "customers.csv"}, "interactions": {"path": "interactions.csv"},
                      "responses": {"path": "responses-*.csv", "scales": SCALES}}}
    folder = write_workspace(tmp_path, config=cfg, files={"responses.csv": None,
                                                          "responses-2025-01.csv": header + "\n" + "\n".join(rows[:3]) + "\n"})
    assert len(open_client("tiny", root=tmp_path).responses) == 3
    (folder / "responses-2025-02.csv").write_text(header + "\n" + "\n".join(rows[3:]) + "\n")
    assert len(open_client("tiny", root=tmp_path).responses) == 6


def test_survey_only_client_is_usable(tmp_path):
    survey = "response_id,answered_at,nps,comment\nS1,2025-03-01,9,great\nS2,2025-03-02,4,slow\nS3,2025-03-02,,\n"
    cfg = {"tables": {"responses": {"path": "survey.csv", "scales": SCALES}}}
    write_workspace(tmp_path, config=cfg, files={"customers.csv": None, "interactions.csv": None,
                                                  "responses.csv": None, "survey.csv": survey})
    ws = open_client("tiny", root=tmp_path)
    assert ws.customers is None and ws.interactions is None
    assert len(ws.responses) == 3 and ws.responses["customer_id"].isna().all()
    assert not ws.responses["flag_duplicate_respondent"].any()
    assert set(ws.reconciliation.query("status == 'absent'")["table"]) == {"customers", "interactions", "mentions",
                                                                           "self_assessment"}


def test_qualtrics_export_through_validation(tmp_path):
    lines = [
        "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,ExternalReference,Q1,Q2",
        'Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,Response ID,'
        'External Data Reference,"How likely are you to recommend us to a friend?",Anything else?',
        '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},{"ImportId":"ipAddress"},'
        '{"ImportId":"progress"},{"ImportId":"duration"},{"ImportId":"finished"},{"ImportId":"recordedDate"},'
        '{"ImportId":"_recordId"},{"ImportId":"externalDataReference"},{"ImportId":"QID1"},{"ImportId":"QID2_TEXT"}',
        "2025-06-01 10:00:00,2025-06-01 10:03:00,IP Address,10.0.0.1,100,180,True,2025-06-01 10:03:00,R_1,C001,10,great",
        "2025-06-01 11:00:00,2025-06-01 11:03:00,Survey Preview,,100,170,True,2025-06-01 11:03:00,R_2,C002,0,test",
        "2025-06-02 10:00:00,2025-06-02 10:03:00,IP Address,10.0.0.2,100,190,True,2025-06-02 10:03:00,R_3,C002,3,slow",
        "2025-06-02 12:00:00,2025-06-02 12:03:00,Spam,10.0.0.3,100,160,True,2025-06-02 12:03:00,R_4,C003,10,buy now",
        "2025-06-03 10:00:00,2025-06-03 10:03:00,IP Address,10.0.0.4,100,200,True,2025-06-03 10:03:00,R_5,C004,0,never again",
    ]
    cfg = {"tables": {"customers": {"path": "customers.csv"}, "interactions": {"path": "interactions.csv"},
                      "responses": {"path": "survey.csv", "format": "qualtrics",
                                    "columns": {"ResponseId": "response_id", "ExternalReference": "customer_id",
                                                "RecordedDate": "answered_at", "Q1": "nps", "Q2": "comment",
                                                "Duration (in seconds)": "duration_seconds"}}}}
    write_workspace(tmp_path, config=cfg, files={"responses.csv": None, "survey.csv": "\n".join(lines) + "\n"})
    result = _result(tmp_path)
    assert result.ok, result.problems
    recon = _recon(result, "responses")
    assert (recon.rows_read, recon.rows_used, recon.rows_quarantined) == (5, 3, 2)
    q = result.quarantine
    assert set(q["reason_code"]) == {"excluded_at_read"} and list(q["row"]) == [5, 7]
    assert "IPAddress" in recon.notes  # identifying columns are listed as unused, never stored
    assert "IPAddress" not in result.tables["responses"].columns


def test_spss_user_missing_codes_are_never_scores(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"response_id": ["S1", "S2", "S3", "S4"], "customer_id": ["C001", "C002", "C003", "C004"],
                          "answered_at": ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"],
                          "nps": [10.0, 0.0, 99.0, 8.0]})
    folder = write_workspace(tmp_path, config={"tables": {"customers": {"path": "customers.csv"},
                                                          "interactions": {"path": "interactions.csv"},
                                                          "responses": {"path": "survey.sav"}}},
                             files={"responses.csv": None})
    pyreadstat.write_sav(frame, folder / "survey.sav", missing_ranges={"nps": [99]},
                         variable_value_labels={"nps": {99: "Don't know"}})
    responses = open_client("tiny", root=tmp_path).responses.set_index("response_id")
    assert pd.isna(responses.loc["S3", "nps"])
    assert responses["nps"].mean() == pytest.approx(6.0)  # (10 + 0 + 8) / 3, the 99 never averaged


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(st.one_of(st.none(), st.text(max_size=3), st.integers(-5, 5)), max_size=30),
       values=st.lists(st.one_of(st.none(), st.text(max_size=3), st.integers(-5, 5)), max_size=30))
def test_known_ids_answer_as_isin_does(ids, values):
    """The ids hashed once (reference checks of every batch) give isin's answers: text compared as text,
    missing values never known."""
    from cxlib.ingest.rules import KnownIds, isin

    known = pd.Series(ids, dtype="object")
    asked = pd.Series(values, dtype="object")
    assert KnownIds(known).contains(asked).tolist() == isin(asked, known).tolist()
