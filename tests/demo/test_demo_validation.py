"""The demo clients go through validation exactly as planted: every planted bad row quarantined, nothing else lost."""

from __future__ import annotations

import pytest
import yaml

from cxlib.ingest.validate import check_reconciliation


@pytest.fixture(scope="module")
def planted(demo_workspaces):
    return {name: yaml.safe_load(ws.planted_path.read_text()) for name, ws in demo_workspaces.items()}


def test_every_demo_client_validates(demo_workspaces):
    for name, ws in demo_workspaces.items():
        recon = ws.reconciliation
        assert set(recon.query("status == 'ok'")["table"]) == {"customers", "interactions", "responses", "mentions",
                                                               "self_assessment"}, name
        check_reconciliation(recon, ws.quarantine)
        assert (recon["rows_read"] == recon["rows_used"] + recon["rows_quarantined"]).all()


def test_planted_invalid_rows_are_quarantined(demo_workspaces, planted):
    key = {"customers": "customer_id", "interactions": "interaction_id", "responses": "response_id",
           "mentions": "mention_id"}
    for name, ws in demo_workspaces.items():
        quality = planted[name]["data_quality"]
        for table, ids in quality["invalid_ids"].items():
            used = ws.table(table)[key[table]]
            assert not used.isin(ids).any(), f"{name}.{table}: a planted invalid row was used"
            q = ws.quarantine.query("table == @table and reason_code not in ['speeder', 'duplicate_respondent', "
                                    "'excluded_at_read']")
            assert len(q) == sum(quality["invalid_rows"][table].values()), f"{name}.{table}"


def test_planted_survey_quality_problems_are_found(demo_workspaces, planted):
    for name, ws in demo_workspaces.items():
        quality = planted[name]["data_quality"]
        q = ws.quarantine
        speeders = (q["reason_code"] == "speeder").sum()
        assert quality["speeders"] <= speeders <= quality["speeders"] * 1.2 + 3, name
        assert (q["reason_code"] == "duplicate_respondent").sum() == quality["duplicate_respondents"], name
        assert ws.responses["flag_straightliner"].sum() >= quality["straightliners_planted"], name


def test_identifying_survey_columns_are_never_stored(demo_workspaces):
    for ws in demo_workspaces.values():
        columns = {c.lower() for c in ws.responses.columns}
        assert not columns & {"ipaddress", "recipientemail", "recipientlastname", "recipientfirstname",
                              "locationlatitude", "locationlongitude"}
