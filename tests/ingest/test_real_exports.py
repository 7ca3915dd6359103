"""Validation of files as clients send them: no ids, no dates, several comments, long files, constants,
outcomes other than NPS, survey segments, a benchmark of other companies, mentions-only clients."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from cxlib.errors import DataError
from cxlib.ingest.columns import generated_ids
from cxlib.ingest.validate import validate_client
from cxlib.workspace import load_config, open_client


def client(root, tables: dict, files: dict, **settings):
    """A client folder with only the given tables and files (no customers, no interactions)."""
    folder = root / "data" / "c"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "client.yaml").write_text(yaml.safe_dump({"display_name": "C", "min_n": 2, **settings,
                                                        "tables": tables}), encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "client.yaml"


def result(root, tables, files, **settings):
    out = validate_client(load_config(client(root, tables, files, **settings)))
    assert out.ok, out.problems
    return out


SURVEY = """Score,Why?,Why not?,Travel class,Airline
10,Friendly crew,,Business,Virgin America
3,,Lost my bag,Economy,Delta
9,On time,,Economy,Virgin America
6,,Seat broken,Economy,Virgin America
"""


def test_no_id_no_date_several_comments_and_a_survey_segment(tmp_path):
    out = result(tmp_path, {"responses": {"path": "s.csv", "scales": {"nps": "0-10"},
                                          "columns": {"Score": "nps", "Why?": "comment", "Why not?": "comment_why_not",
                                                      "Travel class": "segment"}}}, {"s.csv": SURVEY})
    r = out.tables["responses"]
    assert r["response_id"].tolist() == ["s-2", "s-3", "s-4", "s-5"]  # stable: file stem and line
    assert r["answered_at"].isna().all()
    assert r["comment"].tolist()[:2] == ["Friendly crew", None] or r["comment"].isna().iloc[1]
    assert r["comment_why_not"].dropna().tolist() == ["Lost my bag", "Seat broken"]
    assert r["segment"].tolist() == ["Business", "Economy", "Economy", "Economy"]
    notes = out.reconciliation.set_index("table").loc["responses", "notes"]
    assert "ids made from the file name and row number" in notes and "undated" in notes
    fields = out.fields.set_index("column")
    assert fields.loc["response_id", "source"] == "(generated)"
    assert fields.loc["comment_why_not", "source"] == "Why not?"


def test_generated_ids_are_stable_across_runs_and_unique_across_files():
    import numpy as np

    a = generated_ids("Survey 2024.csv", np.array([2, 3]))
    assert a.tolist() == generated_ids("Survey 2024.csv", np.array([2, 3])).tolist() == ["survey-2024-2", "survey-2024-3"]
    assert set(a).isdisjoint(generated_ids("Survey 2025.csv", np.array([2, 3])))


def test_the_benchmark_splits_client_from_the_other_companies(tmp_path):
    cfg = client(tmp_path, {"responses": {"path": "s.csv", "scales": {"nps": "0-10"},
                                          "columns": {"Score": "nps", "Airline": "company"}}}, {"s.csv": SURVEY},
                 benchmark={"client": "virgin america"})
    ws = open_client("c", root=tmp_path)
    assert ws.responses["nps"].tolist() == [10, 9, 6]  # the client's own answers only
    assert ws.benchmark("responses")["nps"].tolist() == [3]
    assert ws.outcome == "nps"
    raw = yaml.safe_load(cfg.read_text())
    raw["benchmark"] = {"client": "Virgin"}
    cfg.write_text(yaml.safe_dump(raw))
    with pytest.raises(DataError, match=r"'Virgin' is not a value of `company`.*'Virgin America'"):
        ws.refresh(force=True)


def test_outcomes_other_than_nps(tmp_path):
    text = ("id,Overall,Stars,Recommended,LTR web,LTR app\n"
            "1,satisfied,5,Yes.,9,10\n2,neutral or dissatisfied,2,No.,3,\n3,Satisfied,4,Not sure.,8,7\n"
            "4,dissatisfied,1,No,0,2\n")
    out = result(tmp_path, {"responses": {"path": "s.csv", "scales": {"nps": "0-10", "nps_app": "0-10"},
                                          "columns": {"id": "response_id", "Overall": "satisfied", "Stars": "stars",
                                                      "Recommended": "recommend", "LTR web": "nps",
                                                      "LTR app": "nps_app"}}}, {"s.csv": text})
    r = out.tables["responses"]
    assert r["satisfied"].tolist() == [True, False, True, False]
    assert r["stars"].tolist() == [5, 2, 4, 1]
    assert r["recommend"].tolist()[:2] == [True, False] and pd.isna(r["recommend"].iloc[2])
    assert r["nps_app"].tolist()[0] == 10 and pd.isna(r["nps_app"].iloc[1])


def test_a_yes_no_answer_that_is_neither_is_quarantined_with_the_value(tmp_path):
    out = result(tmp_path, {"responses": {"path": "s.csv", "columns": {"Recommended": "recommend"}}},
                 {"s.csv": "Recommended\nYes\nperhaps later\nNo\n"})
    q = out.quarantine
    assert q["reason"].tolist() == ["column `recommend`: 'perhaps later' is not a yes/no answer for recommend"]
    assert q["row"].tolist() == [3]


def test_likert_words_map_to_the_five_point_scale(tmp_path):
    out = result(tmp_path, {"responses": {"path": "s.csv", "columns": {"How satisfied": "csat",
                                                                      "Pace": "rating_pace"}}},
                 {"s.csv": "How satisfied,Pace\nVery satisfied,Strongly agree\nDissatisfied,Disagree\n"
                           "Neither satisfied nor dissatisfied,Agree\n"})
    r = out.tables["responses"]
    assert r["csat"].tolist() == [5, 2, 3] and r["rating_pace"].tolist() == [5, 2, 4]


def test_a_long_file_is_pivoted_and_reconciled(tmp_path):
    long = ("RespondentID,Date,Question,Answer\n"
            "r1,2025-03-01,How likely are you to recommend us?,9\n"
            "r1,2025-03-01,Why?,Great staff\n"
            "r2,2025-03-02,How likely are you to recommend us?,4\n"
            ",2025-03-02,Why?,orphan answer\n"
            "r2,2025-03-02,Why?,Slow\n"
            "r3,2025-03-03,How likely are you to recommend us?,10\n")
    out = result(tmp_path, {"responses": {"path": "long.csv", "scales": {"nps": "0-10"},
                                          "pivot": {"id": "RespondentID", "question": "Question", "answer": "Answer"},
                                          "columns": {"RespondentID": "response_id", "Date": "answered_at",
                                                      "How likely are you to recommend us?": "nps",
                                                      "Why?": "comment"}}}, {"long.csv": long})
    r = out.tables["responses"]
    assert r["response_id"].tolist() == ["r1", "r2", "r3"] and r["nps"].tolist() == [9, 4, 10]
    assert r["comment"].tolist()[:2] == ["Great staff", "Slow"]
    q = out.quarantine
    assert q["reason_code"].tolist() == ["missing_id"] and q["row"].tolist() == [5]
    recon = out.reconciliation.set_index("table").loc["responses"]
    assert (recon["rows_read"], recon["rows_used"], recon["rows_quarantined"]) == (4, 3, 1)
    assert "pivoted to 3 respondents" in recon["notes"]
    assert out.fields.set_index("column").loc["nps", "question"] == "How likely are you to recommend us?"


def test_a_mentions_only_client_with_a_constant_source_and_client_labels(tmp_path):
    tweets = ("tweet_id,tweet_created,text,airline_sentiment,negativereason,retweet_count\n"
              "1,2015-02-24 11:35:52 -0800,@united late again,negative,Late Flight,0\n"
              "2,2015-02-24 11:15:59 -0800,@united thanks!,positive,,3\n")
    cfg = client(tmp_path, {"mentions": {"path": "t.csv", "constants": {"source": "twitter"},
                                         "columns": {"tweet_id": "mention_id", "tweet_created": "posted_at",
                                                     "airline_sentiment": "label_sentiment",
                                                     "negativereason": "label_reason",
                                                     "retweet_count": "engagement"}}}, {"t.csv": tweets})
    out = validate_client(load_config(cfg))
    assert out.ok and out.tables["responses"] is None
    m = out.tables["mentions"]
    assert m["source"].tolist() == ["twitter", "twitter"]
    assert str(m["posted_at"].iloc[0]) == "2015-02-24 19:35:52"  # -0800 to UTC
    ws = open_client("c", root=tmp_path)
    codes = ws.hand_codes()
    assert codes.columns.tolist() == ["comment_ref", "coder", "theme", "coded_at"]
    assert codes[["comment_ref", "coder", "theme"]].values.tolist() == [
        ["1", "client:sentiment", "negative"], ["2", "client:sentiment", "positive"], ["1", "client:reason", "late_flight"]]
    assert ws.outcome is None  # posts without stars: no score to headline


def test_hand_code_columns_are_the_text_layers_format():
    from cxlib.text.reliability import HAND_CODED_COLUMNS
    from cxlib.workspace import HAND_CODE_COLUMNS

    assert HAND_CODE_COLUMNS == HAND_CODED_COLUMNS


def test_reviews_only_client_reports_stars(tmp_path):
    reviews = "Review Title,Review Text,Star Rating,Review Date\nGreat,Loved it,5,2024-01-02\nMeh,Broke fast,2,2024-01-05\n"
    client(tmp_path, {"mentions": {"path": "r.csv", "constants": {"source": "google play"},
                                   "columns": {"Review Title": "title", "Review Text": "text", "Star Rating": "stars",
                                               "Review Date": "posted_at"}}}, {"r.csv": reviews})
    ws = open_client("c", root=tmp_path)
    assert ws.mentions["stars"].tolist() == [5, 2] and ws.outcome == "stars"


def test_a_client_with_neither_survey_nor_posts_is_refused(tmp_path):
    from cxlib.errors import ConfigError

    with pytest.raises(ConfigError, match="responses \\(or mentions\\)"):
        load_config(client(tmp_path, {"customers": {"path": "c.csv"}}, {"c.csv": "customer_id\n1\n"}))


def test_constant_and_column_of_the_same_name_is_refused(tmp_path):
    out = validate_client(load_config(client(tmp_path, {"mentions": {"path": "t.csv", "constants": {"source": "x"}}},
                                             {"t.csv": "text,source\nhi,web\n"})))
    assert not out.ok and "both a column of the file and a constant" in out.problems[0]
