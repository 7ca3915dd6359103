"""Safe quotes (always redacted, quote minimum) and formula-safe exports."""

import openpyxl
import pandas as pd
import pytest

from cxlib.text.codebook import codebook_from_dict
from cxlib.text.coding import code_comments
from cxlib.text.export import code_matrix, export_code_matrix, safe_cell, safe_frame, to_csv_safe, to_xlsx_safe
from cxlib.text.quotes import select_quotes

CB = codebook_from_dict({"themes": [{"id": "bill", "label": "Billing", "include": ["bill*"]},
                                    {"id": "wait", "label": "Waiting", "include": ["wait*"]}]})


def _comments():
    rows = []
    for i in range(60):
        if i % 3 == 0:
            t = f"My bill was wrong again, call me on 07911 123456 (case {i})."
        elif i % 3 == 1:
            t = f"The bill is fine and clear, lovely {i}."
        else:
            t = f"Awful bill, terrible, email me at person{i}@example.com"
        rows.append(t)
    rows += ["Long wait, awful."] * 5
    return pd.DataFrame({"response_id": [f"r{i}" for i in range(len(rows))], "comment": rows,
                         "segment": ["a"] * 40 + ["b"] * (len(rows) - 40)})


def test_quotes_are_redacted_and_respect_the_minimum():
    df = _comments()
    coded = code_comments(df, CB)
    q = select_quotes(coded, df, codebook=CB, min_n_quotes=50)
    bill = q[q["theme"] == "bill"]
    assert set(bill["kind"]) == {"typical", "negative", "positive"} and not bill["suppressed"].any()
    assert bill["label"].eq("Billing").all() and (bill["n"] == 60).all()
    for quote in bill["quote"]:
        assert "07911" not in quote and "@example.com" not in quote
    neg = bill[bill["kind"] == "negative"].iloc[0]
    assert neg["sentiment"] < 0 and "[EMAIL]" in neg["quote"] and neg["redacted"] == ("email",)
    wait = q[q["theme"] == "wait"]
    assert len(wait) == 1 and wait["suppressed"].all() and wait["quote"].isna().all() and wait["n"].iloc[0] == 5
    assert bill["comment_ref"].nunique() == len(bill)  # no comment used twice for one theme


def test_quotes_by_group_apply_the_minimum_per_group():
    df = _comments()
    coded = code_comments(df, CB)
    ctx = df[["response_id", "segment"]].rename(columns={"response_id": "comment_ref"})
    q = select_quotes(coded, df, context=ctx, by="segment", min_n_quotes=30)
    assert q[(q["segment"] == "b") & (q["theme"] == "bill")]["suppressed"].all()  # 20 comments < 30
    assert not q[(q["segment"] == "a") & (q["theme"] == "bill")]["suppressed"].any()


def test_long_comments_are_cut_to_the_evidence_sentence():
    long = "I like the shop. " * 30 + "But the bill was double what I expected. " + "Fine. " * 20
    df = pd.DataFrame({"response_id": [f"r{i}" for i in range(3)], "comment": [long] * 3})
    q = select_quotes(code_comments(df, CB), df, min_n_quotes=1, kinds=["typical"], max_chars=120)
    assert q["quote"].iloc[0] == "But the bill was double what I expected."


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x","y")'])
def test_safe_cell_prefixes_formula_starts(value):
    assert safe_cell(value) == "'" + value


def test_safe_cell_leaves_other_values():
    assert safe_cell("fine = ok") == "fine = ok" and safe_cell(-3) == -3 and safe_cell(None) is None


def test_csv_and_xlsx_exports_are_formula_safe(tmp_path):
    df = pd.DataFrame({"quote": ["=cmd|' /C calc'!A0", "ok", None], "n": [1, -2, 3],
                       "themes": [["a", "b"], [], ["=x"]]}).astype({"quote": "string"})
    p = to_csv_safe(df, tmp_path / "q.csv")
    back = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["quote"][0] == "'=cmd|' /C calc'!A0" and back["n"][1] == "-2" and back["themes"][0] == "a; b"
    assert back["themes"][2] == "'=x"
    x = to_xlsx_safe(df, tmp_path / "q.xlsx")
    ws = openpyxl.load_workbook(x).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[1][0] == "'=cmd|' /C calc'!A0" and ws.cell(2, 1).data_type == "s"
    assert cells[2][1] == -2
    assert df["quote"][0].startswith("=")  # input not mutated
    assert safe_frame(df.rename(columns={"quote": "=q"})).columns[0] == "'=q"


def test_code_matrix_export(tmp_path):
    df = _comments()
    coded = code_comments(pd.concat([df, pd.DataFrame({"response_id": ["=evil"], "comment": ["nothing"]})]), CB)
    mat = code_matrix(coded)
    assert list(mat.columns) == ["comment_ref", "bill", "wait", "uncoded"] and len(mat) == len(df) + 1
    assert mat.set_index("comment_ref").loc["=evil", "uncoded"] == 1
    p = export_code_matrix(coded, tmp_path / "m.csv")
    assert "'=evil" in p.read_text(encoding="utf-8-sig")
    assert export_code_matrix(coded, tmp_path / "m.xlsx").exists()
    with pytest.raises(Exception, match="csv or .xlsx"):
        export_code_matrix(coded, tmp_path / "m.json")
