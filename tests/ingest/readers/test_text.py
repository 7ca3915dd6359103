"""Delimited text: a bad physical line is set aside with its line number and the rest kept."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlib.workspace import load_config
from cxlib.errors import DataError
from cxlib.ingest.readers import read_table
from cxlib.ingest.validate import validate_client
from tests.conftest import RESPONSES, write_workspace


def _rows(n: int) -> list[str]:
    return [f"{i},{i % 11},comment {i}" for i in range(1, n + 1)]


def test_a_truncated_last_line_is_set_aside_and_the_rest_kept(tmp_path):
    lines = ["id,nps,comment", *_rows(380), "381,"]  # the export was cut mid-record
    p = tmp_path / "big.csv"
    p.write_text("\n".join(lines), encoding="utf-8")
    t = read_table(p)
    assert len(t.frame) == 380 and t.frame["id"].iloc[-1] == "380"
    assert t.excluded["row"].tolist() == [382]
    assert "line 382 has 2 field(s) but the header (line 1) has 3 (the line is cut short)" == t.excluded["reason"][0]
    assert t.row_numbers[:3].tolist() == [2, 3, 4] and t.row_numbers[-1] == 381
    assert t.n_read == 381


def test_one_stray_delimiter_in_a_long_file_keeps_line_numbers_right(tmp_path):
    rows = _rows(60)
    rows[9] = '10,5,"multi\nline",extra'  # a stray field on the record starting on line 11
    rows[20] = '21,4,"two\nlines"'
    p = tmp_path / "s.csv"
    p.write_text("\n".join(["id,nps,comment", *rows]) + "\n", encoding="utf-8")
    t = read_table(p)
    assert t.excluded["row"].tolist() == [11]
    assert "(a stray delimiter?)" in t.excluded["reason"][0]
    # records after the multi-line cells keep their physical line numbers
    numbers = dict(zip(t.frame["id"], t.row_numbers))
    assert numbers["9"] == 10 and numbers["11"] == 13 and numbers["21"] == 23 and numbers["22"] == 25


def test_many_bad_lines_still_refuse_the_file(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("id,nps\n" + "".join(f"{i},{i},x\n" if i % 3 == 0 else f"{i},{i}\n" for i in range(40)),
                 encoding="utf-8")
    with pytest.raises(DataError, match="fields but the header"):
        read_table(p)


def test_validation_quarantines_the_bad_line_and_reconciles(tmp_path):
    cut = RESPONSES + "R07,C003,,2025-06-0"
    folder = write_workspace(tmp_path, files={"responses.csv": cut})
    result = validate_client(load_config(folder / "client.yaml"))
    assert result.ok
    q = result.quarantine
    bad = q[q["reason_code"] == "bad_line"]
    assert bad["row"].tolist() == [8] and bad["table"].tolist() == ["responses"]
    recon = result.reconciliation.set_index("table").loc["responses"]
    assert recon["rows_read"] == 7 and recon["rows_used"] + recon["rows_quarantined"] == 7


def test_a_saved_dataframe_index_is_ignored_in_validation(tmp_path):
    frame = pd.read_csv(pd.io.common.StringIO(RESPONSES), dtype=str)
    text = frame.to_csv(index=True)  # pandas writes an unnamed index column first
    folder = write_workspace(tmp_path, files={"responses.csv": text})
    result = validate_client(load_config(folder / "client.yaml"))
    assert result.ok and len(result.tables["responses"]) == 6
    assert "row index" in result.reconciliation.set_index("table").loc["responses", "notes"]
