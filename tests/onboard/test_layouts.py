"""Typical export layouts are recognised by their headers: each tiny file below copies a tool's documented
header (Google Play Console reviews, Microsoft Forms, Typeform, Zendesk tickets, a long file) with a few
made-up rows, and `cx init` must map it without help."""

from __future__ import annotations

import pytest

from cxlib.onboard import propose_config

LAYOUTS = {
    # Google Play Console > Reviews > Download (monthly reviews_<package>_<yyyymm>.csv)
    "google_play": ("reviews_com.acme.app_202401.csv",
                    "Package Name,App Version Code,App Version Name,Reviewer Language,Device,Review Submit Date and Time,"
                    "Review Submit Millis Since Epoch,Review Last Update Date and Time,Review Last Update Millis Since "
                    "Epoch,Star Rating,Review Title,Review Text,Developer Reply Date and Time,Developer Reply Millis "
                    "Since Epoch,Developer Reply Text,Review Link\n"
                    "com.acme.app,120,1.2.0,en,a54,2024-01-03T10:00:00Z,1704276000000,2024-01-03T10:00:00Z,"
                    "1704276000000,5,Great,Works well for me now,,,,\n"
                    "com.acme.app,120,1.2.0,en,px7,2024-01-05T11:00:00Z,1704452400000,2024-01-05T11:00:00Z,"
                    "1704452400000,1,Crashes,It crashes every time I log in,,,,\n"
                    "com.acme.app,121,1.2.1,de,a54,2024-01-09T08:30:00Z,1704789000000,2024-01-09T08:30:00Z,"
                    "1704789000000,4,,Much better after the update,,,,\n",
                    "mentions", {"Star Rating": "stars", "Review Title": "title", "Review Text": "text",
                                 "Review Submit Date and Time": "posted_at"}),
    # Microsoft Forms > Responses > Open in Excel, saved as CSV
    "microsoft_forms": ("Customer feedback(1-3).csv",
                        "ID,Start time,Completion time,Email,Name,How likely are you to recommend us to a friend?,"
                        "What is the main reason for your score?,Which store did you visit?\n"
                        "1,3/4/24 9:01:10,3/4/24 9:03:55,anonymous,,9,Friendly staff,North\n"
                        "2,3/4/24 9:10:02,3/4/24 9:12:40,anonymous,,3,Waited a long time at the till,South\n"
                        "3,3/5/24 14:20:00,3/5/24 14:22:31,anonymous,,10,Found what I needed fast,North\n"
                        "4,3/6/24 16:02:00,3/6/24 16:05:12,anonymous,,6,Prices went up again,South\n",
                        "responses", {"ID": "response_id", "Completion time": "answered_at",
                                      "How likely are you to recommend us to a friend?": "nps",
                                      "What is the main reason for your score?": "comment"}),
    # Typeform > Results > Download CSV
    "typeform": ("responses.csv",
                 "#,How satisfied are you with our service?,Why?,Start Date (UTC),Submit Date (UTC),Network ID\n"
                 "a1b2,Very satisfied,Quick answer,2024-02-01 10:00:00,2024-02-01 10:01:12,n1\n"
                 "c3d4,Dissatisfied,Nobody called back,2024-02-02 11:00:00,2024-02-02 11:02:40,n2\n"
                 "e5f6,Satisfied,Fine,2024-02-03 09:00:00,2024-02-03 09:00:50,n3\n"
                 "g7h8,Very dissatisfied,Lost my parcel,2024-02-04 17:00:00,2024-02-04 17:03:10,n4\n",
                 "responses", {"#": "response_id", "How satisfied are you with our service?": "csat",
                               "Why?": "comment", "Submit Date (UTC)": "answered_at"}),
    # Zendesk > Reporting > ticket export with the satisfaction rating
    "zendesk": ("tickets.csv",
                "Id,Requester,Subject,Created at,Satisfaction Score,Satisfaction Comment,Group,Via\n"
                "101,Ann,Refund,2024-03-01 10:00,Good,Solved quickly,Billing,email\n"
                "102,Bob,Login,2024-03-02 11:00,Bad,Still locked out,Support,web\n"
                "103,Cy,Invoice,2024-03-03 12:00,Offered,,Billing,email\n"
                "104,Di,Delivery,2024-03-04 13:00,Good,Thanks for the help,Logistics,chat\n",
                "responses", {"Satisfaction Score": "satisfied", "Created at": "answered_at",
                              "Satisfaction Comment": "comment"}),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_is_recognised(tmp_path, layout):
    name, text, table, expected = LAYOUTS[layout]
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "data").mkdir()
    p = propose_config("client", folder, root=tmp_path)
    assert p.assignments == {name: table}, p.unused_files
    columns = p.config["tables"][table].get("columns", {})
    for raw, canon in expected.items():
        assert columns.get(raw) == canon, (raw, columns)
    used = set(columns)
    assert not used & {"Email", "Name", "Requester"}  # personal data is never mapped
    confirmed = p.confirm("all")
    confirmed.write()
    from cxlib.ingest.validate import validate_client
    from cxlib.workspace import load_config

    result = validate_client(load_config(confirmed.path))
    assert result.ok, result.problems


def test_a_long_file_is_detected_and_pivoted(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    rows = ["RespondentID,Date,Question,Answer"]
    for i, (score, why) in enumerate([(9, "fast"), (3, "slow"), (10, "kind"), (7, "ok")]):
        rows += [f"r{i},2024-05-0{i + 1},How likely are you to recommend us?,{score}", f"r{i},2024-05-0{i + 1},Why?,{why}"]
    (folder / "answers_long.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    p = propose_config("client", folder, root=tmp_path)
    entry = p.config["tables"]["responses"]
    assert entry["pivot"] == {"id": "RespondentID", "question": "Question", "answer": "Answer"}
    assert entry["columns"]["How likely are you to recommend us?"] == "nps"
    assert entry["columns"]["Why?"] == "comment"
    confirmed = p.confirm("all")
    confirmed.write()
    from cxlib.workspace import open_client

    ws = open_client("client", root=tmp_path)
    x = ws.responses["nps"].astype(float)
    assert ws.responses["response_id"].tolist() == ["r0", "r1", "r2", "r3"]
    # no 0 among four answers: proposed as a 1-10 scale, which keeps every promoter, passive and detractor
    assert 100 * ((x >= 9).mean() - (x <= 6).mean()) == 25.0
