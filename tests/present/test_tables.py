"""Report tables: escaped where text enters, suppression in words, page-width splitting."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.report.sanitize import inert_problems
from cxlib.present.tables import INSUFFICIENT, format_value, label_map, quarantine_summary, suppress_small, table, with_labels

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![](https://tracker.example/p.png)",
           "file:///etc/passwd", r"\input{/etc/passwd}", '"><svg onload=alert(1)>', "&amp; &lt;"]


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cur, self.in_cell, self.headers = [], None, False, []
        self.in_th = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.cur = []
        elif tag in ("td", "th"):
            self.in_cell, self.in_th = True, tag == "th"
            self.buf = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            (self.headers if self.in_th else self.cur).append(self.buf)
            self.in_cell = False
        elif tag == "tr" and self.cur:
            self.rows.append(self.cur)

    def handle_data(self, data):
        if self.in_cell:
            self.buf += data


def cells(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_customer_text_is_escaped_and_round_trips_as_text():
    frame = pd.DataFrame({"comment": HOSTILE, "n": range(len(HOSTILE))})
    html = table(frame, suppressed=None).html
    assert inert_problems(html) == []
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    parsed = cells(html)
    assert [row[0] for row in parsed.rows] == HOSTILE  # the reader sees exactly what the customer wrote


def test_caption_note_and_headers_are_escaped_too():
    frame = pd.DataFrame({"<b>col</b>": [1]})
    html = table(frame, caption="<i>cap</i>", note="<u>note</u>", columns={"<b>col</b>": "<h1>x</h1>"}).html
    assert "<i>" not in html and "<u>" not in html and "<h1>" not in html and "<b>" not in html
    assert "&lt;i&gt;cap&lt;/i&gt;" in html


def test_suppressed_rows_say_insufficient_responses_and_hide_every_score():
    frame = pd.DataFrame({"segment": ["big", "small"], "n": [120, 4], "nps": [12.3, 80.0], "ci_low": [1.0, 60.0],
                          "ci_high": [20.0, 95.0], "pct_promoters": [40.0, 90.0], "suppressed": [False, True]})
    parsed = cells(table(frame, formats={"nps": "signed1"}, ci={"nps": ("ci_low", "ci_high")}).html)
    big, small = parsed.rows
    assert small == ["small", "4", INSUFFICIENT, INSUFFICIENT]  # label and n kept; scores (even 80) hidden
    assert big[2] == "+12.3(+1.0 to +20.0)" and big[3] == "40.00"
    assert "80" not in "".join(small) and "95" not in "".join(small)


def test_formats_known_answers():
    assert format_value(-3.25, "signed1") == "\u22123.2"
    assert format_value(3.25, "signed0") == "+3"
    assert format_value(0.0004, "p") == "< 0.001" and format_value(0.0123, "p") == "0.012"
    assert format_value(1234567, "int") == "1,234,567"
    assert format_value(12.345, "pct1") == "12.3 %" and format_value(0.123, "frac0") == "12 %"
    assert format_value(True, "bool") == "yes" and format_value(np.nan, "2") == "\u2013"
    assert format_value(pd.NA) == "\u2013" and format_value(None, "signed1") == "\u2013"
    with pytest.raises(ValueError):
        format_value(1, "percent")


def test_wide_tables_are_split_repeating_the_label_column():
    frame = pd.DataFrame({"driver": ["a", "b"], **{f"c{i}": [i, i + 1] for i in range(14)}})
    html = table(frame, max_columns=6, caption="Wide").html
    assert html.count("<table") == 3  # 1 label + 5 per table -> 14 columns in 3 tables
    for part in re.findall(r"<table.*?</table>", html, re.S):
        assert cells(part).headers[0] == "Driver"
    assert "Wide (1/3)" in html and "Wide (3/3)" in html


def test_max_rows_and_missing_columns():
    frame = pd.DataFrame({"x": range(50)})
    html = table(frame, max_rows=10, suppressed=None).html
    # a preview of 10 rows, and every row behind the expander and in the download: nothing is truncated
    assert len(cells(html).rows) == 10 + 50 and "The first 10 of 50 rows" in html
    assert '<details class="cx-full"><summary>Show all 50 rows</summary>' in html
    assert 'href="data:text/csv;charset=utf-8;base64,' in html
    with pytest.raises(KeyError, match="not in the frame"):
        table(frame, columns=["y"])
    assert table(None, caption="Drivers").html == "" and table(frame.iloc[:0]).html == ""  # never an empty table


def test_the_csv_download_holds_every_row_keeps_suppression_and_defuses_formulas():
    import base64
    import re

    frame = pd.DataFrame({"group": ["=HYPERLINK(1)", "small"], "n": [120, 4], "nps": [12.5, 80.0],
                          "ci_low": [3.0, 70.0], "ci_high": [20.0, 90.0], "suppressed": [False, True]})
    html = table(frame, columns={"group": "Group", "n": "n", "nps": "NPS"}, ci={"nps": ("ci_low", "ci_high")}).html
    payload = re.search(r'base64,([A-Za-z0-9+/=]+)"', html).group(1)
    text = base64.b64decode(payload).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Group,n,NPS,NPS: 95 % CI low,NPS: 95 % CI high"
    assert lines[1].startswith("'=HYPERLINK(1)") and "12.5,3.0,20.0" in lines[1]
    assert lines[2] == "small,4,insufficient responses,insufficient responses,insufficient responses"
    assert "80" not in lines[2] and inert_problems(html) == []


def test_table_does_not_modify_its_input():
    frame = pd.DataFrame({"a": ["<b>"], "n": [3], "suppressed": [True]})
    before = frame.copy()
    table(frame)
    pd.testing.assert_frame_equal(frame, before)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_any_text_stays_inert_and_is_shown_verbatim(texts):
    html = table(pd.DataFrame({"comment": texts}), suppressed=None).html
    assert inert_problems(html) == []
    shown = [row[0] if row else "" for row in cells(html).rows]
    assert shown == texts


def test_labels_and_suppression_helpers():
    from types import SimpleNamespace as NS

    cfg = NS(stages=["buy", "post_sale"], touchpoints=[NS(id="billing", label="Billing & <invoices>")])
    labels = label_map(cfg)
    assert labels == {"buy": "Buy", "post_sale": "Post sale", "billing": "Billing & <invoices>"}
    out = with_labels(pd.DataFrame({"touchpoint": ["billing", "unknown_tp", None]}), labels, column="touchpoint")
    assert out["touchpoint_label"].tolist() == ["Billing & <invoices>", "Unknown tp", "\u2013"]
    flagged = suppress_small(pd.DataFrame({"n": [29, 30, None], "suppressed": [False, False, True]}), min_n=30)
    assert flagged["suppressed"].tolist() == [True, False, True]


def test_quarantine_summary_counts_by_reason_and_redacts_examples():
    q = pd.DataFrame({"table": ["responses"] * 3 + ["customers"], "file": "f.csv", "row": [5, 3, 9, 2],
                      "column": ["nps", "nps", "comment", "segment"],
                      "reason_code": ["bad_value", "bad_value", "bad_value", "not_allowed"],
                      "reason": ["11 outside 0-10", "12 outside 0-10", "mail me at jane.doe@example.com", "x"],
                      "value": ["11", "12", "jane.doe@example.com", "x"]})
    s = quarantine_summary(q)
    assert s.columns.tolist() == ["table", "reason_code", "column", "rows", "first_row", "example"]
    top = s.iloc[0]
    assert (top["table"], top["column"], top["rows"], top["first_row"]) == ("responses", "nps", 2, 3)
    assert not s["example"].str.contains("jane.doe@example.com").any()
    assert quarantine_summary(q.iloc[0:0]).empty
