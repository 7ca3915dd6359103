"""The explorer as a consultant drives it: widgets set programmatically, what they show checked.

One small demo client (planted hostile comments, filler such as "ok" and "no comment", social
posts) is opened once; each test sets filters, searches, clicks bars, compares, saves and opens
views, exports, and checks the numbers shown against an independent computation on the raw tables.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from cxlib.analysis.selection import Filters, load_view  # noqa: E402
from cxlib.interactive.explore_html import MARK, strip_tags  # noqa: E402

CLIENT = "acme-telecom"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from cxlib.demo import generate_client

    root = tmp_path_factory.mktemp("explorer")
    (root / "pyproject.toml").write_text("[project]\nname='x'\n")
    generate_client(CLIENT, root, n_customers=700, seed=11)
    return root


@pytest.fixture(scope="module")
def tables(project):
    from cxlib.analysis import metrics
    from cxlib.workspace import open_client

    ws = open_client(CLIENT, root=project)
    return ws, metrics.with_context(ws.responses, customers=ws.customers, interactions=ws.interactions)


@pytest.fixture()
def explorer(project):
    from cxlib.interactive.explore import Explorer

    return Explorer(root=project, client=CLIENT)


def _selected(ctx: pd.DataFrame, ws, **filters) -> pd.DataFrame:
    """The selection computed independently of the explorer, from the validated tables."""
    keep = pd.Series(True, index=ctx.index)
    for column, values in filters.items():
        keep &= ctx[column].astype("string").isin(values).fillna(False)
    keep &= (ctx["answered_at"] >= ws.config.period_start) & (ctx["answered_at"] < ws.config.period_end
                                                              + pd.Timedelta(days=1))
    return ctx[keep]


def _nps(scores: pd.Series) -> float:
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def test_a_filter_change_updates_the_numbers_and_they_reconcile(explorer, tables):
    ws, ctx = tables
    segment = ws.config.segments[0]
    explorer.set_filters(segments=[segment])
    sel = _selected(ctx, ws, segment=[segment])
    shown = strip_tags(explorer.numbers.value)
    assert f"{len(sel):,} responses selected" in shown
    with_nps = sel[sel["nps"].notna()]
    per_survey = with_nps["survey"].value_counts()
    assert f"{len(with_nps):,} answered the NPS question" in shown
    for survey, n in per_survey.items():
        assert f"{n:,} {survey}" in shown
    assert f"{len(sel) - len(with_nps):,} did not" in shown  # the counts add up, and the text says why
    rel = with_nps[with_nps["survey"] == "relationship"]["nps"]
    table = explorer.data.headline(explorer.current_filters()).table.set_index("survey")
    assert table.loc["relationship", "nps"] == pytest.approx(_nps(rel))
    f"{_nps(rel):+.1f}".replace("-", "−") in shown


def test_search_counts_marks_and_escapes_the_hits(explorer, tables):
    ws, ctx = tables
    explorer.search("bill")
    sel = _selected(ctx, ws)
    comments = sel["comment"].dropna()
    comments = comments[comments.str.strip() != ""]
    expected = comments.str.contains(r"(?<!\w)bill(?!\w)", case=False, regex=True).sum()
    shown = strip_tags(explorer.quotes.value)
    assert f"{expected:,} of {len(comments):,} comments match bill" in shown
    assert explorer.quotes.value.count(MARK) >= 1
    marked = re.findall(re.escape(MARK) + r"(.*?)</mark>", explorer.quotes.value)
    assert marked and all(m.lower() == "bill" for m in marked)
    explorer.search('"on hold"')
    assert "on hold" in strip_tags(explorer.quotes.value)
    explorer.search("script")  # the demo plants <script>alert(1)</script> in some comments
    page = explorer.quotes.value
    assert "<script" not in page.lower() and "&lt;" in page and "alert(1)" in page


def test_search_by_theme_and_sentiment(explorer):
    theme = next(v for _, v in explorer.theme_box.options if v)
    explorer.search("", theme=theme, sentiment="negative")
    data = explorer.data
    hits = data.search_mask(data.search(explorer.current_filters(), explorer.current_query()).query)
    ids = set(data.themes().query("theme == @theme")["response_id"])
    negative = data.sentiment() == "negative"
    assert hits.sum() == (data.context["response_id"].astype("string").isin(ids) & negative.fillna(False)
                          & data.has_comment).sum()
    assert "negative sentiment" in strip_tags(explorer.quotes.value)


def test_filler_is_never_quoted_and_quotes_do_not_run_into_their_label(explorer):
    explorer.search("")
    explorer.set_filters(segments=[])
    page = explorer.quotes.value
    quotes = [strip_tags(q) for q in re.findall(r"<blockquote[^>]*>\u201c(.*?)\u201d", page)]
    assert quotes and not any(q.strip().lower() in {"ok", "no comment", "-", "fine thanks", "average."} for q in quotes)
    assert "say nothing" in strip_tags(page)  # the filler is counted, not shown
    # the label sits on its own line after the closing quotation mark
    assert re.search("\u201d<span style=\"display:block", page)
    assert not re.search("\u201d[A-Za-z]", strip_tags(page).replace("\u201d\u2014", ""))


def test_clicking_a_bar_drills_down_and_back_returns(explorer, tables):
    ws, ctx = tables
    explorer.chart_by.value = "touchpoint"
    bars = explorer._bar_buttons
    assert len(bars) >= 3
    value = max(bars, key=lambda v: len(_selected(ctx, ws, touchpoint=[v])))
    explorer.click_bar(value)
    assert explorer.drill_box.layout.display == ""
    expected = _selected(ctx, ws, touchpoint=[value])
    shown = strip_tags(explorer.drill_html.value)
    label = explorer.bar_label("touchpoint", value)
    assert f"Behind touchpoint = {label}: {len(expected):,} responses" in shown
    assert f"{expected['nps'].notna().sum():,} of them answered the NPS question" in shown
    customers = explorer._drill.customers
    assert set(customers["customer_id"]) == set(expected["customer_id"].dropna())
    assert customers["responses"].sum() == expected["customer_id"].notna().sum()
    explorer.back()
    assert explorer.drill_box.layout.display == "none" and explorer.drilled is None


def test_compare_gives_the_difference_and_its_interval(explorer, tables):
    from scipy import stats

    ws, ctx = tables
    segment = ws.config.segments[0]
    explorer.set_filters(segments=[segment])
    explorer.compare_with.value = "the rest"
    table = explorer.data.compare(explorer.current_filters(), "the rest").table.set_index("survey")
    sel = _selected(ctx, ws, segment=[segment])
    rest = ctx.drop(index=sel.index)
    a = sel[(sel["survey"] == "relationship") & sel["nps"].notna()]["nps"]
    b = rest[(rest["survey"] == "relationship") & rest["nps"].notna()]["nps"]
    row = table.loc["relationship"]
    assert row["nps_selection"] == pytest.approx(_nps(a)) and row["nps_other"] == pytest.approx(_nps(b))
    assert row["diff"] == pytest.approx(_nps(a) - _nps(b))
    # independent reference: Welch's interval on the +100/0/-100 item coding (scipy)
    code = lambda s: np.select([s >= 9, s <= 6], [100.0, -100.0], 0.0)  # noqa: E731
    ci = stats.ttest_ind(code(a), code(b), equal_var=False).confidence_interval(0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-6)
    assert "a difference of" in strip_tags(explorer.compare_html.value)
    explorer.compare_with.value = "the previous period"
    assert "previous period" in strip_tags(explorer.compare_html.value)


def test_save_a_view_open_it_elsewhere_and_compare_with_it(explorer, project):
    ws = explorer.ws
    explorer.set_filters(segments=[ws.config.segments[1]], stages=["support"], start="2025-04-01", end="2025-09-30")
    explorer.chart_by.value = "touchpoint"
    explorer.section_boxes["social"].value = False
    explorer.search("bill")
    path = explorer.save_view("seg-support")
    assert path == project / "data" / CLIENT / "views" / "seg-support.yaml"
    view = load_view(ws.data_dir, "seg-support")
    assert view.filters == Filters(segments=(ws.config.segments[1],), stages=("support",),
                                   start=pd.Timestamp("2025-04-01"), end=pd.Timestamp("2025-09-30"))
    assert "social" not in view.sections and view.chart_by == "touchpoint" and view.search == "bill"
    from cxlib.interactive.explore import Explorer

    again = Explorer(root=project, client=CLIENT, view="seg-support")  # a colleague opens it
    assert again.current_filters() == view.filters and again.query.value == "bill"
    assert again._titled["social"].layout.display == "none"
    assert strip_tags(again.numbers.value) == strip_tags(explorer.numbers.value)
    explorer.set_filters(segments=[], stages=[])
    explorer.compare_with.value = "view: seg-support"
    assert "the view seg-support" in strip_tags(explorer.compare_html.value)
    assert explorer.save_view("Bad Name!") is None and "lower-case" in strip_tags(explorer.save_status.value)


def test_exports_chart_png_svg_and_a_formula_safe_table(explorer):
    import openpyxl

    explorer.set_filters(segments=[])
    png, svg = explorer.export_chart("png"), explorer.export_chart("svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text()[:400]
    assert "<text" not in svg.read_text()  # outlines: the file looks the same in slides on any machine
    explorer.search("")
    path = explorer.export_table()
    sheet = openpyxl.load_workbook(path).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in v for v in values), "the demo's formula comment should be in the export"
    assert not any(v.startswith(("=", "+", "@")) for v in values)  # prefixed with ' : text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert not any(re.search(r"\b07\d{3} ?\d{6}\b|@example\.", v) for v in values)  # redacted


def test_social_mentions_follow_the_period_filter(explorer, tables):
    ws, _ = tables
    mentions = ws.mentions
    explorer.set_filters(segments=[], start="2025-04-01", end="2025-06-30")
    inside = mentions[(mentions["posted_at"] >= "2025-04-01") & (mentions["posted_at"] < "2025-07-01")]
    assert f"{len(inside):,} social posts and reviews" in strip_tags(explorer.social_html.value)
    explorer.set_filters(segments=[ws.config.segments[0]])
    assert "not linked to a customer" in strip_tags(explorer.social_html.value)


def test_a_small_selection_shows_no_quotes_and_no_scores(explorer, tables):
    ws, _ = tables
    explorer.set_filters(start="2025-03-01", end="2025-03-03")  # a few days: a handful of responses
    assert "insufficient responses" in strip_tags(explorer.numbers.value) or \
        "0 responses selected" in strip_tags(explorer.numbers.value)
    assert "<blockquote" not in explorer.quotes.value  # no quote from a group under min_n_quotes
