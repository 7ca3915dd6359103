"""Report text as HTML blocks: the sentences the claim builders write, laid out and escaped."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from cxlib.present import narrative as nv
from cxlib.present.findings import Finding
from cxlib.report.sanitize import inert_problems

LABELS = {"billing": "Billing", "support_call": "Support call", "app": "App", "buy": "Buy"}


def drivers() -> pd.DataFrame:
    return pd.DataFrame({"rank": [1, 2, 3, 4], "driver": ["billing", "support_call", "app", "store"],
                         "driver_label": ["Billing", "Support call", "App", "Store"], "share": [62.0, 25.0, 8.0, 5.0],
                         "share_ci_low": [50.0, 15.0, 3.0, 1.0], "share_ci_high": [70.0, 33.0, 12.0, 9.0],
                         "coef": [1.2, 0.4, 0.1, 0.05], "coef_ci_low": [1.0, 0.1, -0.1, -0.2],
                         "coef_ci_high": [1.4, 0.7, 0.3, 0.3], "performance": [3.1, 2.4, 4.2, 2.0],
                         "performance_n": [700, 650, 600, 500]})


def test_nps_sentence_known_answer_and_suppression():
    row = {"nps": -39.69, "ci_low": -44.61, "ci_high": -34.44, "n": 718, "suppressed": False}
    assert nv.nps_sentence(row) == "Relationship NPS is \u221240 (95 % CI \u221245 to \u221234; 718 respondents)."
    assert "insufficient responses" in nv.nps_sentence({**row, "suppressed": True})
    assert "insufficient responses" in nv.nps_sentence(None)
    assert nv.signed(0.2) == "0" and nv.signed(-0.2) == "0" and nv.signed(12.6) == "+13"


def test_trend_sentence_names_a_rise_only_where_it_is_significant():
    trend = pd.DataFrame({"quarter": ["Q1", "Q2", "Q3"], "nps": [-42.0, -35.0, -20.0], "suppressed": [False] * 3,
                          "n": [300] * 3, "ci_low": [-50.0, -43.0, -28.0], "ci_high": [-34.0, -27.0, -12.0],
                          "change": [np.nan, 7.0, 15.0], "significant_change": [False, False, True]})
    text = nv.trend_sentence(trend, period="quarter")
    assert text.startswith("NPS was \u221242 in Q1 (95 % CI \u221250 to \u221234) and \u221220 in Q3") and "rose in Q3 (+15 points" in text
    assert "Q2" not in text
    flat = nv.trend_sentence(trend.assign(significant_change=False), period="quarter")
    assert "no change from one quarter to the next is beyond chance" in flat and "rose" not in flat


def test_decay_sentence_reads_the_interval():
    worse = pd.DataFrame({"estimate": [-1.17], "ci_low": [-1.42], "ci_high": [-0.92], "n": [1167], "suppressed": [False]})
    assert "gets worse after the sale (Buy)" in nv.decay_sentence(worse, sale_stage="buy", labels=LABELS)
    unclear = worse.assign(ci_high=[0.1])
    assert "No clear change" in nv.decay_sentence(unclear, sale_stage="buy", labels=LABELS)


def test_driver_sentence_follows_the_stated_rule():
    text = nv.driver_sentence(drivers(), r2=0.4, n=700)
    # Billing matters most but is rated at or above the median (3.1 against 2.75): a strength, not the fix;
    # Store is rated lowest (2.0) but matters less than the median: not the fix either
    assert text.startswith("Billing matters most") and "Fix first: Support call." in text
    assert "Store" not in text and "below the median (2.40 against 2.75 of 5" in text
    assert nv.driver_sentence(drivers(), r2=0.01, n=700).startswith("No single touchpoint stands out")


def test_every_html_block_escapes_customer_and_client_text():
    hostile = "<script>alert(1)</script>"
    blocks = [
        nv.findings_html([hostile]),
        nv.kpi_cards([(hostile, hostile, hostile)]),
        nv.actions_html([nv.Action(hostile, hostile, hostile, owner=hostile, measure=hostile, worth=hostile)]),
        nv.quotes_html(pd.DataFrame({"quote": [hostile, "<img src=x onerror=alert(1)>"], "label": [hostile, "x"],
                                     "kind": ["negative", None], "suppressed": [False, False]})),
        nv.answer_html([Finding("answer", hostile, subject="wrong")]),
        nv.note_html(hostile),
        nv.paragraph_html(hostile),
    ]
    for block in blocks:
        assert inert_problems(block.html) == [] and "<script" not in block.html
        assert "&lt;script&gt;" in block.html or "&lt;img" in block.html


def test_nothing_to_say_shows_nothing():
    assert nv.findings_html([Finding("x", "Not said.", holds=False)]).html == ""
    assert nv.quotes_html(None).html == "" and nv.quotes_html(pd.DataFrame()).html == ""
    assert nv.answer_html([]).html == ""


def test_actions_name_their_owner_and_measure():
    html = nv.actions_html([nv.Action("Send updates", "Why.", "Friction", owner="Customer care",
                                      measure="share of cases without an update (today 19 %)",
                                      worth="Worth up to +4 NPS points (95 % CI +3 to +5).")]).html
    assert "Owner: Customer care" in html and "Track: share of cases" in html and "+4 NPS points" in html
    assert "Owner: not named in the data" in nv.actions_html([nv.Action("A", "B", "C")]).html
    assert "No action stands out" in nv.actions_html([]).html


def test_headline_cards_carry_n_and_interval():
    nps = pd.DataFrame({"nps": [-40.0], "ci_low": [-45.0], "ci_high": [-34.0], "n": [718], "suppressed": [False]})
    churn = SimpleNamespace(n=1485, n_churned=222)
    gap = SimpleNamespace(company_pct=73.0, customer_pct=3.1, ci_low=2.2, ci_high=4.3, n_ratings=900)
    html = nv.headline_cards(nps=nps, gap=gap, churn=churn).html
    assert "\u221240" in html and "95 % CI \u221245 to \u221234 \u00b7 n = 718" in html
    assert "73 % vs 3 %" in html and "95 % CI 2 % to 4 % \u00b7 n = 900" in html and "222 of 1,485" in html
