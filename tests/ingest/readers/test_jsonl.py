"""JSON lines: one record per line, nested fields dotted, a broken line set aside with its line number."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.errors import DataError
from cxlib.ingest.readers import read_table


def _write(tmp_path, lines, name="posts.jsonl"):
    p = tmp_path / name
    p.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return p


def test_records_types_and_line_numbers(tmp_path):
    rows = [{"id": "t1", "text": "Great flight", "likes": 3, "verified": True, "score": 4.5,
             "user": {"name": "a", "followers": 10}, "tags": ["x", "y"]},
            {"id": "t2", "text": "Lost my bag", "likes": 0, "verified": False, "score": 2,
             "user": {"name": "b", "followers": 7}, "tags": []}]
    t = read_table(_write(tmp_path, [json.dumps(r) for r in rows]))
    f = t.frame
    assert f.columns.tolist() == ["id", "text", "likes", "verified", "score", "user.name", "user.followers", "tags"]
    assert str(f["id"].dtype) == "string" and str(f["likes"].dtype) == "Int64"
    assert str(f["verified"].dtype) == "boolean" and f["score"].tolist() == [4.5, 2.0]
    assert f["tags"].tolist() == ['["x", "y"]', None] or f["tags"].isna().iloc[1]
    assert t.row_numbers.tolist() == [1, 2] and t.excluded.empty and t.n_read == 2


def test_a_cut_last_line_is_set_aside_with_its_line_number(tmp_path):
    lines = [json.dumps({"id": i, "text": f"post {i}"}) for i in range(1, 30)]
    lines.append('{"id": 30, "text": "this export was cu')
    t = read_table(_write(tmp_path, lines))
    assert len(t.frame) == 29 and t.excluded["row"].tolist() == [30]
    assert t.excluded["reason"].iloc[0].startswith("line 30 is not valid JSON")
    assert t.n_read == 30  # rows read = kept + set aside
    assert any("set aside" in n for n in t.notes)


def test_blank_lines_and_non_objects(tmp_path):
    t = read_table(_write(tmp_path, ['{"id": 1}', "", '{"id": 2}', "[1, 2]"] + [f'{{"id": {i}}}' for i in range(3, 20)]
                          + ["", ""]))
    assert t.frame["id"].tolist() == [1, 2] + list(range(3, 20))
    assert t.excluded.to_dict("list") == {"row": [2, 4], "reason": ["empty row", "line 4 is a JSON list, not an "
                                                                                 "object with named fields"]}


def test_mixed_types_become_text_and_missing_fields_are_missing(tmp_path):
    t = read_table(_write(tmp_path, ['{"id": 1, "rating": 5}', '{"id": "x2", "text": "hi"}']))
    assert t.frame["id"].tolist() == ["1", "x2"]
    assert t.frame["rating"].isna().tolist() == [False, True]
    assert t.frame["text"].isna().tolist() == [True, False]


def test_a_json_array_file_is_refused_with_the_fix(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps([{"id": 1}, {"id": 2}], indent=2), encoding="utf-8")
    with pytest.raises(DataError, match=r"jq -c"):
        read_table(p)


def test_strict_utf8(tmp_path):
    p = tmp_path / "b.ndjson"
    p.write_bytes('{"text": "caf\u00e9"}\n'.encode("utf-8"))
    assert read_table(p).frame["text"].tolist() == ["café"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=8), st.booleans()), min_size=1, max_size=15),
       st.lists(st.integers(0, 14), max_size=2))
def test_rows_read_equal_rows_kept_plus_set_aside(tmp_path_factory, values, broken):
    tmp = tmp_path_factory.mktemp("j")
    lines = [json.dumps({"id": i, "v": v}) for i, v in enumerate(values)]
    for b in set(broken):
        if b < len(lines):
            lines[b] = lines[b][:-3]
    bad = sum(1 for b in set(broken) if b < len(lines))
    if bad > 0.1 * len(lines) and bad > 1 or bad == len(lines):
        return
    t = read_table(_write(tmp, lines))
    assert t.n_read == len(lines) and len(t.excluded) == bad
    assert sorted(t.row_numbers.tolist() + t.excluded["row"].tolist()) == list(range(1, len(lines) + 1))
    kept = pd.Series([json.loads(x)["id"] for x in lines if x.endswith("}")])
    assert t.frame["id"].astype("int64").tolist() == kept.tolist()
