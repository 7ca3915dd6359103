"""Reading client files: every bad-input case of shared/TESTING.md "Bad input files".

Each test builds its own small fixture file in ``tmp_path``.
"""

from __future__ import annotations

import datetime as dt
import os
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.errors import DataError
from cxlib.ingest.io import (
    QUALTRICS_EXCLUDED_STATUS,
    QUALTRICS_STATUS,
    RawTable,
    detect_encoding,
    detect_format,
    read_table,
    sniff_delimiter,
)


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# --------------------------------------------------------------------------- CSV basics
def test_csv_keeps_every_cell_as_text(tmp_path):
    p = write(tmp_path, "customers.csv", "customer_id,region,annual_value\n007,NA,12.50\n0100,,\n")
    t = read_table(p)
    assert isinstance(t, RawTable)
    assert t.frame["customer_id"].tolist() == ["007", "0100"]  # leading zeros survive
    assert t.frame["region"].iloc[0] == "NA"  # customer text "NA" is not missing
    assert t.frame["region"].isna().tolist() == [False, True]  # only empty cells are
    assert t.frame["annual_value"].tolist()[0] == "12.50"
    assert all(str(d) == "string" for d in t.frame.dtypes)
    assert isinstance(t.frame.index, pd.RangeIndex)
    assert t.row_numbers.tolist() == [2, 3]
    assert t.row_numbers.dtype == np.int64
    assert list(t.excluded.columns) == ["row", "reason"] and len(t.excluded) == 0
    assert t.encoding == "utf-8" and t.source == p
    assert t.n_read == 2


def test_utf8_bom_is_decoded_and_not_in_header(tmp_path):
    p = write(tmp_path, "r.csv", "response_id,comment\nr1,très bien\n", "utf-8-sig")
    t = read_table(p)
    assert t.encoding == "utf-8-sig" == detect_encoding(p)
    assert list(t.frame.columns) == ["response_id", "comment"]
    assert t.frame["comment"].iloc[0] == "très bien"


@pytest.mark.parametrize("encoding, expected", [("utf-16", "utf-16"), ("utf-32", "utf-32")])
def test_utf16_with_bom_and_tabs(tmp_path, encoding, expected):
    # Excel's "Unicode text" and Qualtrics' TSV export are UTF-16 with a BOM, tab-separated
    p = write(tmp_path, "r.tsv", "id\tcomment\n1\tZażółć gęślą jaźń\n2\t日本語\n", encoding)
    t = read_table(p)
    assert t.encoding == expected
    assert t.frame["comment"].tolist() == ["Zażółć gęślą jaźń", "日本語"]


def test_cp1252_detected_when_unambiguous_and_noted(tmp_path):
    text = "id,comment\n1,Très “bon” service – merci à l’équipe\n2,Größe: 5€\n3,plain\n"
    p = write(tmp_path, "r.csv", text, "cp1252")
    assert detect_encoding(p) == "cp1252"
    t = read_table(p)
    assert t.encoding == "cp1252"
    assert t.frame["comment"].tolist()[:2] == ["Très “bon” service – merci à l’équipe", "Größe: 5€"]
    assert any("cp1252" in n and "line 2" in n for n in t.notes)
    assert not t.frame.apply(lambda c: c.str.contains("\ufffd").any()).any()


def test_other_code_page_is_a_loud_error_not_replacement_characters(tmp_path):
    # Polish cp1250 bytes decode as cp1252 too, into nonsense like 'Obs³uga': refuse
    p = write(tmp_path, "r.csv", "id,comment\n1,ok\n2,Obsługa była świetna\n", "cp1250")
    with pytest.raises(DataError) as e:
        read_table(p)
    msg = str(e.value)
    offset = "id,comment\n1,ok\n2,Obs".encode().__len__()
    assert "r.csv" in msg and f"byte offset {offset}" in msg and "line 3" in msg and "encoding:" in msg


def test_cyrillic_code_page_is_refused(tmp_path):
    p = write(tmp_path, "r.csv", "id,k\n" + "1,Очень хорошо обслуживание, спасибо\n" * 20, "cp1251")
    with pytest.raises(DataError, match="not UTF-8"):
        read_table(p)


def test_replacement_characters_already_in_the_file_are_noted(tmp_path):
    t = read_table(write(tmp_path, "r.csv", "id,c\n1,caf\ufffd\n2,ok\n"))
    assert t.frame["c"].iloc[0] == "caf\ufffd"  # kept as written, but said out loud
    assert any("U+FFFD" in n and n.startswith("1 cell") for n in t.notes)


def test_declared_encoding_that_does_not_decode_names_offset_and_line(tmp_path):
    p = write(tmp_path, "r.csv", "id,c\n1,a\n2,café\n", "cp1252")
    with pytest.raises(DataError) as e:
        read_table(p, encoding="utf-8")
    offset = len(b"id,c\n1,a\n2,caf")  # the first byte of the cp1252 'é'
    assert f"byte offset {offset}" in str(e.value) and "line 3" in str(e.value)
    assert read_table(p, encoding="cp1252").frame["c"].tolist() == ["a", "café"]


def test_unknown_declared_encoding(tmp_path):
    p = write(tmp_path, "r.csv", "a\n1\n")
    with pytest.raises(DataError, match="unknown encoding"):
        read_table(p, encoding="klingon")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(min_size=1, max_size=200))
def test_arbitrary_bytes_never_crash_and_never_invent_replacement_chars(tmp_path, body):
    p = tmp_path / "x.csv"
    p.write_bytes(b"a,b\n" + body)
    try:
        t = read_table(p, format="csv")
    except DataError:
        return
    cells = t.frame.stack().astype(str)
    assert not cells.str.contains("\ufffd").any() or "\ufffd".encode() in body


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delim):
    other = ";" if delim == "," else ","
    rows = [["id", "comment", "score"], ["1", f'fine{other} thanks', "9"], ["2", f'"quoted {delim} inside"', "7"]]
    p = write(tmp_path, "r.csv", "\n".join(delim.join(r) for r in rows) + "\n")
    t = read_table(p)
    assert list(t.frame.columns) == ["id", "comment", "score"]
    assert t.frame["comment"].tolist() == [f"fine{other} thanks", f"quoted {delim} inside"]
    assert sniff_delimiter(p.read_text()) == delim


def test_declared_delimiter_wins(tmp_path):
    p = write(tmp_path, "r.csv", "a;b\n1,5;2\n")
    assert read_table(p, delimiter=";").frame["a"].tolist() == ["1,5"]


# --------------------------------------------------------------------------- empty, header-only, large
def test_empty_file(tmp_path):
    p = write(tmp_path, "responses.csv", "")
    with pytest.raises(DataError, match=r"responses\.csv is empty \(0 bytes\)\. Expected a header row"):
        read_table(p)


def test_blank_file(tmp_path):
    p = write(tmp_path, "responses.csv", "\n \n", "utf-8-sig")
    with pytest.raises(DataError, match="responses.csv holds no text"):
        read_table(p)


@pytest.mark.parametrize("text", ["response_id,nps\n", "response_id,nps", "response_id,nps\n\n\n"])
def test_header_only_file(tmp_path, text):
    p = write(tmp_path, "responses.csv", text)
    with pytest.raises(DataError) as e:
        read_table(p)
    assert "responses.csv has a header (2 columns, line 1) but no data rows" in str(e.value)


def test_file_above_max_bytes_is_refused_with_parquet_advice(tmp_path):
    p = write(tmp_path, "interactions.csv", "a,b\n1,2\n")
    os.truncate(p, 2 * 1024**3 + 1)  # sparse: no real disk use
    with pytest.raises(DataError) as e:
        read_table(p)
    assert "interactions.csv is 2.0 GiB" in str(e.value) and "Parquet" in str(e.value)
    with pytest.raises(DataError, match="Parquet"):
        read_table(write(tmp_path, "small.csv", "a,b\n1,2\n"), max_bytes=4)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(DataError, match="is not a file"):
        read_table(tmp_path / "d.csv")


# --------------------------------------------------------------------------- structure
def test_ragged_row_too_many_fields_names_physical_line(tmp_path):
    text = 'id,comment,nps\n1,"two\nlines",9\n2,fine, thanks,7\n3,ok,8\n'
    p = write(tmp_path, "r.csv", text)
    with pytest.raises(DataError) as e:
        read_table(p)
    assert "r.csv line 4 has 4 fields but the header (line 1) has 3" in str(e.value)


def test_ragged_row_too_few_fields_is_an_error_not_padding(tmp_path):
    p = write(tmp_path, "r.csv", "id,comment,nps\n1,a,9\n2,b\n3,c,8\n4,d\n")
    with pytest.raises(DataError) as e:
        read_table(p)
    assert "line 3 has 2 fields" in str(e.value) and "Other lines like this: 5" in str(e.value)


def test_title_rows_above_header(tmp_path):
    text = "Customer survey export\nGenerated 2025-03-01\nid,nps\n1,9\n2,10\n"
    p = write(tmp_path, "r.csv", text)
    t = read_table(p, skip_rows=2)
    assert list(t.frame.columns) == ["id", "nps"]
    assert t.row_numbers.tolist() == [4, 5]
    with pytest.raises(DataError, match="skip_rows"):
        read_table(p)  # title line read as header: loud, with the fix


def test_row_numbers_are_physical_lines_with_multiline_cells_and_crlf(tmp_path):
    text = 'id,comment\r\n1,"line one\r\nline two\r\nline three"\r\n2,short\r\n3,"a\nb"\r\n4,end\r\n'
    t = read_table(write(tmp_path, "r.csv", text))
    assert t.row_numbers.tolist() == [2, 5, 6, 8]
    assert t.frame["comment"].iloc[0] == "line one\r\nline two\r\nline three"


def test_empty_rows_are_excluded_with_their_line_not_silently(tmp_path):
    text = "id,nps\n1,9\n\n2,7\n,\n3,8\n\n\n"
    t = read_table(write(tmp_path, "r.csv", text))
    assert t.frame["id"].tolist() == ["1", "2", "3"]
    assert t.row_numbers.tolist() == [2, 4, 6]
    assert t.excluded.to_dict("list") == {"row": [3, 5], "reason": ["empty row", "empty row"]}
    assert t.n_read == 5  # trailing blank lines are layout, not rows


def test_duplicate_column_names(tmp_path):
    with pytest.raises(DataError, match="'nps' appears twice"):
        read_table(write(tmp_path, "r.csv", "id,nps,nps\n1,2,3\n"))


def test_trailing_delimiters_make_no_column(tmp_path):
    t = read_table(write(tmp_path, "r.csv", "id,nps,\n1,9,\n2,8,\n"))
    assert list(t.frame.columns) == ["id", "nps"]
    assert any("without a name" in n for n in t.notes)
    kept = read_table(write(tmp_path, "s.csv", "id,nps,\n1,9,x\n"))
    assert list(kept.frame.columns) == ["id", "nps", "column_3"]  # a nameless column with values is kept, named
    assert any("column_3" in n for n in kept.notes)


@pytest.mark.parametrize("first", ["", "Unnamed: 0", "index"])
def test_a_saved_row_index_is_ignored(tmp_path, first):
    t = read_table(write(tmp_path, "r.csv", f"{first},id,nps\n0,a,9\n1,b,8\n2,c,7\n"))
    assert list(t.frame.columns) == ["id", "nps"]
    assert any("row index" in n for n in t.notes)
    # a first column that does not count the rows is data, not an index
    t = read_table(write(tmp_path, "s.csv", ",id,nps\n7,a,9\n3,b,8\n"))
    assert list(t.frame.columns) == ["column_1", "id", "nps"]


# --------------------------------------------------------------------------- Qualtrics
QUALTRICS_IDS = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                 "RecordedDate", "ResponseId", "RecipientEmail", "Q1", "Q2"]
QUALTRICS_TEXT = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
                  "Finished", "Recorded Date", "Response ID", "Recipient Email",
                  "How likely are you to recommend Acme to a friend or colleague?\n(0 = not at all likely)",
                  "What is the main reason for your score?"]


def _import_row():
    ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
           "_recordId", "recipientEmail", "QID1", "QID2_TEXT"]
    cells = []
    for i in ids:
        extra = ',""timeZone"":""Europe/Berlin""' if "Date" in i else ""
        cells.append(f'"{{""ImportId"":""{i}""{extra}}}"')
    return ",".join(cells)


def _quote(cell):
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


def _qualtrics_csv(rows, *, headers=3):
    lines = [",".join(QUALTRICS_IDS)]
    if headers >= 2:
        lines.append(",".join(_quote(c) for c in QUALTRICS_TEXT))
    if headers >= 3:
        lines.append(_import_row())
    for status, rid, q1, q2 in rows:
        cells = ["2025-03-01 10:00:00", "2025-03-01 10:05:00", status, "10.0.0.1", "100", "300", "True",
                 "2025-03-01 10:05:01", rid, "", q1, q2]
        lines.append(",".join(_quote(c) for c in cells))
    return "\n".join(lines) + "\n"


RESPONSES = [("IP Address", "R_1", "9", "Great, fast"), ("Survey Preview", "R_2", "0", "test"),
             ("IP Address", "R_3", "10", 'Said "wow"\nsecond line'), ("Spam", "R_4", "10", "buy now"),
             ("Survey Test", "R_5", "5", "x"), ("IP Address", "R_6", "6", "")]


def test_qualtrics_export_auto_detected_and_cleaned(tmp_path):
    p = write(tmp_path, "responses.csv", _qualtrics_csv(RESPONSES))
    assert detect_format(p) == "qualtrics"
    t = read_table(p)
    assert list(t.frame.columns) == QUALTRICS_IDS
    assert t.frame["ResponseId"].tolist() == ["R_1", "R_3", "R_6"]
    assert t.frame["Q2"].iloc[1] == 'Said "wow"\nsecond line'
    # line 1 ids, lines 2-3 question text (2 physical lines), line 4 ImportId, responses from line 5;
    # R_3's comment spans 2 lines
    assert t.row_numbers.tolist() == [5, 7, 11]
    assert t.excluded["row"].tolist() == [6, 9, 10]
    assert t.excluded["reason"].tolist() == ["Qualtrics Status 'Survey Preview'", "Qualtrics Status 'Spam'",
                                             "Qualtrics Status 'Survey Test'"]
    assert t.n_read == 6  # rows in = rows kept + rows excluded
    notes = " ".join(t.notes)
    assert "1 Survey Preview" in notes and "1 Spam" in notes and "1 Survey Test" in notes
    assert "Europe/Berlin" in notes and "ImportId" in notes


def test_qualtrics_numeric_status_codes(tmp_path):
    rows = [(code, f"R_{code}", "8", "") for code in ("0", "1", "2", "4", "8", "9", "16", "17")]
    t = read_table(write(tmp_path, "r.csv", _qualtrics_csv(rows)), format="qualtrics")
    assert t.frame["Status"].tolist() == ["0", "4", "16"]  # IP Address, Imported, Offline are respondents
    assert t.excluded["reason"].tolist()[:2] == ["Qualtrics Status '1' (Survey Preview)",
                                                 "Qualtrics Status '2' (Survey Test)"]
    assert len(t.excluded) == 5


def test_qualtrics_status_tables_agree():
    assert {QUALTRICS_STATUS[c] for c in (1, 2, 8)} <= QUALTRICS_EXCLUDED_STATUS
    assert QUALTRICS_STATUS[0] not in QUALTRICS_EXCLUDED_STATUS
    assert QUALTRICS_EXCLUDED_STATUS <= set(QUALTRICS_STATUS.values())


def test_qualtrics_resaved_with_one_header_row_is_detected_and_noted(tmp_path):
    p = write(tmp_path, "r.csv", _qualtrics_csv(RESPONSES, headers=1))
    assert detect_format(p) == "qualtrics"  # no ImportId row, but the Qualtrics column ids give it away
    t = read_table(p)
    assert t.frame["ResponseId"].tolist() == ["R_1", "R_3", "R_6"]
    assert t.row_numbers.tolist() == [2, 4, 8]
    assert len(t.excluded) == 3
    assert any("one header row" in n for n in t.notes)


def test_qualtrics_resaved_with_two_header_rows(tmp_path):
    t = read_table(write(tmp_path, "r.csv", _qualtrics_csv(RESPONSES, headers=2)), format="qualtrics")
    assert t.frame["ResponseId"].tolist() == ["R_1", "R_3", "R_6"]
    assert t.row_numbers.tolist() == [4, 6, 10]
    assert any("two header rows" in n for n in t.notes)


def test_qualtrics_with_no_responses_is_header_only(tmp_path):
    with pytest.raises(DataError, match="no data rows"):
        read_table(write(tmp_path, "r.csv", _qualtrics_csv([])))


def test_plain_csv_is_not_taken_for_qualtrics(tmp_path):
    t = read_table(write(tmp_path, "r.csv", "id,Status\n1,Spam\n"))
    assert t.frame["Status"].tolist() == ["Spam"] and not t.notes


# --------------------------------------------------------------------------- Excel
def _workbook(path, rows, *, epoch1904=False, formats=None, sheet="Data"):
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    other = wb.create_sheet("Other")
    other.append(["x"])
    other.append([1])
    wb.save(path)
    return path


def test_excel_title_rows_sheet_rows_and_typed_cells(tmp_path):
    p = _workbook(tmp_path / "customers.xlsx", [
        ["Acme customer extract"],
        [],
        ["customer_id", "acquired_on", "text_date", "annual_value", "region"],
        ["007", dt.datetime(2024, 2, 29), "01/03/2025", 120.5, "NA"],
        [],
        ["008", dt.datetime(2025, 1, 2), "2025-01-02", 80, None],
        [],
    ])
    t = read_table(p, skip_rows=2)
    assert list(t.frame.columns) == ["customer_id", "acquired_on", "text_date", "annual_value", "region"]
    assert t.row_numbers.tolist() == [4, 6]  # sheet rows
    assert t.excluded.to_dict("list") == {"row": [5], "reason": ["empty row"]}
    assert t.frame["customer_id"].tolist() == ["007", "008"]
    assert str(t.frame["acquired_on"].dtype) == "datetime64[ns]"
    assert t.frame["acquired_on"].tolist() == [pd.Timestamp("2024-02-29"), pd.Timestamp("2025-01-02")]
    assert t.frame["text_date"].tolist() == ["01/03/2025", "2025-01-02"]  # text dates stay text
    assert t.frame["annual_value"].tolist() == [120.5, 80.0]
    assert t.frame["region"].iloc[0] == "NA" and pd.isna(t.frame["region"].iloc[1])
    # without skip_rows the first non-empty row is taken as header: the title -> loud error
    with pytest.raises(DataError, match="skip_rows"):
        read_table(p)


def test_excel_1904_date_system(tmp_path):
    # serial 44255 means 2025-03-01 in the 1904 system (45717 = 44255 + 1462 in the 1900 system)
    p = _workbook(tmp_path / "mac.xlsx", [["id", "answered_on", "written"], ["a", 44255, dt.datetime(2025, 3, 1, 14, 30)]],
                  epoch1904=True, formats={"B2": "yyyy-mm-dd"})
    t = read_table(p)
    assert t.frame["answered_on"].tolist() == [pd.Timestamp("2025-03-01")]
    assert t.frame["written"].tolist() == [pd.Timestamp("2025-03-01 14:30")]
    assert any("1904" in n for n in t.notes)
    p1900 = _workbook(tmp_path / "win.xlsx", [["id", "answered_on"], ["a", 45717]], formats={"B2": "yyyy-mm-dd"})
    assert read_table(p1900).frame["answered_on"].tolist() == [pd.Timestamp("2025-03-01")]


def test_excel_sheet_by_name_and_missing_sheet(tmp_path):
    p = _workbook(tmp_path / "w.xlsx", [["id"], [1]])
    assert read_table(p, sheet="Other").frame.columns.tolist() == ["x"]
    assert read_table(p, sheet=1).frame.columns.tolist() == ["x"]
    assert read_table(p, sheet="Data").frame["id"].tolist() == [1]
    with pytest.raises(DataError, match=r"no sheet 'Missing'.*\['Data', 'Other'\]"):
        read_table(p, sheet="Missing")


def test_excel_header_only_and_empty(tmp_path):
    with pytest.raises(DataError, match="has a header .row 1. but no data rows"):
        read_table(_workbook(tmp_path / "h.xlsx", [["id", "nps"]]))
    with pytest.raises(DataError, match="no header row"):
        read_table(_workbook(tmp_path / "e.xlsx", []))


def test_excel_values_outside_header_and_broken_file(tmp_path):
    with pytest.raises(DataError, match=r"row 2, column C: value 'stray'"):
        read_table(_workbook(tmp_path / "w.xlsx", [["id", "nps"], [1, 9, "stray"]]))
    bad = write(tmp_path, "broken.xlsx", "not a zip")
    with pytest.raises(DataError, match="cannot be opened"):
        read_table(bad)


def test_old_xls_and_unknown_extensions(tmp_path):
    with pytest.raises(DataError, match=r"save as \.xlsx"):
        detect_format(tmp_path / "a.xls")
    with pytest.raises(DataError, match="format:"):
        detect_format(tmp_path / "a.json")
    assert [detect_format(f"x{e}") for e in (".csv", ".TSV", ".xlsx", ".parquet", ".sav")] == \
        ["csv", "csv", "excel", "parquet", "spss"]


# --------------------------------------------------------------------------- Parquet
def test_parquet_round_trip(tmp_path):
    df = pd.DataFrame({"id": ["007", "008", ""], "nps": [9, None, 7],
                       "at": pd.to_datetime(["2025-01-01", "2025-01-02", None])})
    p = tmp_path / "r.parquet"
    df.to_parquet(p)
    t = read_table(p)
    assert t.frame["id"].tolist()[:2] == ["007", "008"] and pd.isna(t.frame["id"].iloc[2])
    assert str(t.frame["id"].dtype) == "string"
    assert t.frame["nps"].iloc[0] == 9 and t.frame["at"].iloc[1] == pd.Timestamp("2025-01-02")
    assert t.row_numbers.tolist() == [1, 2, 3]
    assert isinstance(t.frame.index, pd.RangeIndex)


def test_parquet_named_index_is_kept_and_empty_refused(tmp_path):
    p = tmp_path / "r.parquet"
    pd.DataFrame({"nps": [1, 2]}, index=pd.Index(["a", "b"], name="response_id")).to_parquet(p)
    assert read_table(p).frame["response_id"].tolist() == ["a", "b"]
    pd.DataFrame({"nps": pd.Series([], dtype="int64")}).to_parquet(p)
    with pytest.raises(DataError, match="no rows"):
        read_table(p)
    with pytest.raises(DataError, match="cannot be read as Parquet"):
        read_table(write(tmp_path, "bad.parquet", "nope"))


# --------------------------------------------------------------------------- SPSS
def _sav(path, df, **kw):
    import pyreadstat

    pyreadstat.write_sav(df, str(path), **kw)
    return path


def test_spss_user_missing_codes_and_value_labels(tmp_path):
    df = pd.DataFrame({"resp": ["a", "b", "c", "d"], "nps": [10.0, 99.0, 0.0, 98.0], "csat": [5.0, 1.0, 9.0, 3.0]})
    p = _sav(tmp_path / "r.sav", df,
             missing_ranges={"nps": [99, 98], "csat": [{"lo": 7, "hi": 9}]},
             variable_value_labels={"nps": {0: "Not at all likely", 10: "Extremely likely", 99: "Don't know",
                                            98: "Refused"}})
    t = read_table(p)
    assert t.frame["nps"].tolist() == [10.0, 99.0, 0.0, 98.0]  # raw codes kept: the scale step decides
    assert sorted(t.missing_codes["nps"]) == [98, 99]
    assert t.missing_codes["csat"] == [(7, 9)]
    assert t.value_labels["nps"][99] == "Don't know"
    assert t.row_numbers.tolist() == [1, 2, 3, 4]
    assert any("never scores" in n for n in t.notes)
    from cxlib.ingest.scales import map_scale

    nps = map_scale(t.frame["nps"], target="nps", missing_codes=t.missing_codes["nps"],
                    value_labels=t.value_labels["nps"])
    assert nps.values.tolist() == [10, pd.NA, 0, pd.NA]
    assert nps.values.mean() == 5.0  # 99 and 98 never averaged
    csat = map_scale(t.frame["csat"], target="csat", missing_codes=t.missing_codes["csat"])
    assert csat.values.tolist() == [5, 1, pd.NA, 3]


def test_spss_strings_dates_and_empty(tmp_path):
    df = pd.DataFrame({"id": ["007", ""], "when": pd.to_datetime(["2025-03-01", "2025-03-02"])})
    t = read_table(_sav(tmp_path / "r.sav", df))
    assert t.frame["id"].tolist()[0] == "007" and pd.isna(t.frame["id"].iloc[1])
    assert t.frame["when"].iloc[0] == pd.Timestamp("2025-03-01")
    with pytest.raises(DataError, match="cannot be read as an SPSS"):
        read_table(write(tmp_path, "bad.sav", "nope"))


def test_read_table_rejects_unknown_format(tmp_path):
    with pytest.raises(DataError, match="unknown format"):
        read_table(write(tmp_path, "r.csv", "a\n1\n"), format="json")


@pytest.mark.parametrize("seed", range(3))
def test_random_csv_round_trips_through_reader(tmp_path, seed):
    """Every cell written (quotes, delimiters, newlines, 'NA') comes back; rows map to lines."""
    rng = np.random.default_rng(seed)
    alphabet = list(string.ascii_letters + " ,;|\"'\n") + ["NA", "é", "€"]
    n = 40
    df = pd.DataFrame({
        "id": [f"{i:04d}" for i in range(n)],
        "text": ["".join(rng.choice(alphabet, size=rng.integers(1, 12))) for _ in range(n)],
    })
    p = tmp_path / "r.csv"
    df.to_csv(p, index=False)
    t = read_table(p)
    assert t.frame["id"].tolist() == df["id"].tolist()
    assert t.frame["text"].fillna("").tolist() == [s if s.strip("") else "" for s in df["text"]]
    lines = p.read_text().split("\n")
    for row, ident in zip(t.row_numbers, t.frame["id"]):
        assert lines[row - 1].startswith(ident)
