"""The closed loop: the follow-up section's counts (known answer, suppression) and the account teams' XLSX.

The answers are made here: which are detractors in the last 30 days, and at which touchpoint
each rated lowest, is decided by the row number, and the expected counts are recomputed from
the same rows by plain Python, independently of the section's pandas code.
"""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cxlib.report.followup import follow_up_table, follow_up_xlsx
from cxlib.report.sections import ReportRun
from cxlib.report.sections.follow_up import compute

from .conftest import hand_data, relationship

OWNERS = {"billing": "Finance", "app": "Digital", "store": "Retail"}


def _answers(n: int = 1800) -> pd.DataFrame:
    i = np.arange(n)
    nps = np.where(i % 3 == 0, 3, 9)  # a third are detractors (NPS 3)
    worst = np.select([i % 20 < 11, i % 20 < 19], ["billing", "app"], "store")  # 55 % / 40 % / 5 %
    ratings = {f"rating_{tp}": np.where(worst == tp, 1, 5) for tp in OWNERS}
    r = relationship(list(nps), **ratings)
    r.loc[int(np.flatnonzero((i % 3 == 0) & (i % 150 == 147))[0]), "customer_id"] = "=HYPERLINK(\"http://evil\",\"x\")"
    return r


def _expected(r: pd.DataFrame) -> tuple[int, Counter]:
    end = max(r["answered_at"])
    start = end - pd.Timedelta(days=30)
    owners = Counter()
    customers = set()
    for _, row in r.iterrows():
        if row["nps"] <= 6 and start < row["answered_at"] <= end:
            worst = min(OWNERS, key=lambda tp: row[f"rating_{tp}"])
            owners[OWNERS[worst]] += 1
            customers.add(row["customer_id"])
    return len(customers), owners


@pytest.fixture
def data():
    sa = pd.DataFrame({"touchpoint": list(OWNERS), "owner": list(OWNERS.values()), "promise_pct": [0.8, 0.8, 0.8]})
    return hand_data(responses=_answers(), self_assessment=sa)


def test_follow_up_counts_match_a_hand_count_and_small_owners_are_suppressed(data):
    n_customers, owners = _expected(data.responses)
    res = compute(data)
    assert res.n_customers == n_customers == res.n_events == sum(owners.values())  # one answer per customer here
    by_owner = res.by_owner.set_index("owner")
    for owner, k in owners.items():
        assert by_owner.loc[owner, "customers"] == k
    # the policy (min_n 30): Retail (5 %) is below it, and Digital goes too (complementary suppression),
    # so neither can be recovered as the total minus the others; Finance keeps its counts
    assert owners["Retail"] < 30 <= owners["Digital"]
    assert by_owner.loc["Retail", "suppressed"] and np.isnan(by_owner.loc["Retail", "events"])
    assert by_owner.loc["Digital", "suppressed"] and np.isnan(by_owner.loc["Digital", "call_first"])
    assert not by_owner.loc["Finance", "suppressed"] and by_owner.loc["Finance", "events"] == owners["Finance"]
    assert by_owner.loc["Finance", "call_first"] == owners["Finance"]  # detractors are severity 3
    assert res.by_reason.set_index("reason").loc["detractor", "customers"] == n_customers
    f = res.finding("follow_up_count")
    assert f.holds and f.numbers[0].value == n_customers and f.numbers[0].n == n_customers
    from cxlib.present.claims import problems

    assert problems(res.findings) == []
    # no customer id leaves the section
    shown = pd.concat([res.by_owner.astype(str), res.by_reason.astype(str)])
    assert not shown.apply(lambda c: c.str.contains("C0|HYPERLINK", regex=True)).any().any()


def test_follow_up_is_never_in_the_executive_report(data, monkeypatch):
    import IPython.display

    from cxlib.report.sections import section

    assert section("follow_up").audiences == ("analyst",)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *o, **k: shown.extend(o))
    ReportRun(data, audience="executive", theme=False).show("follow_up")
    assert all(isinstance(o, dict) and not next(iter(o.values()))["shown"] for o in shown)


def test_follow_up_xlsx_keeps_crafted_ids_as_text_and_holds_no_free_text(data):
    table = follow_up_table(data)
    payload = follow_up_xlsx(table, client="Test Co")
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert book.sheetnames == ["Follow up", "About"]
    rows = list(book["Follow up"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "Customer" in header and "Suggested owner" in header and "What went wrong" in header
    assert len(body) == len(table)
    cells = [c for row in body for c in row if isinstance(c, str)]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)  # every formula-like cell is neutralised
    ids = [row[header.index("Customer")] for row in body]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in ids  # listed, as text
    assert all(book["Follow up"].cell(r, 1).data_type == "s" for r in range(2, len(body) + 2))
    wrong = set(row[header.index("What went wrong")] for row in body)
    assert wrong == {"detractor: NPS 3 of 10"}  # the fixed vocabulary, never the customer's words


def test_an_empty_list_is_said_plainly():
    r = relationship([9] * 40)
    res = compute(hand_data(responses=r))
    assert res.n_events == 0 and res.finding("follow_up_count").holds
    assert "No recent detractor" in res.finding("follow_up_count").said
