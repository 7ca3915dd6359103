"""Findings and the three recommended actions: written from the numbers, escaped, and they change
when the numbers change."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from cxlib.present import narrative as nv
from cxlib.report.sanitize import inert_problems

LABELS = {"billing": "Billing", "support_call": "Support call", "app": "App", "buy": "Buy"}


def drivers(fix: str = "billing") -> pd.DataFrame:
    return pd.DataFrame({"rank": [1, 2, 3], "driver": ["billing", "support_call", "app"], "share": [62.0, 25.0, 13.0],
                         "share_ci_low": [50.0, 15.0, 5.0], "share_ci_high": [70.0, 33.0, 20.0],
                         "performance": [3.1, 2.4, 4.2], "fix_first": [d == fix for d in ("billing", "support_call", "app")]})


def gaps() -> pd.DataFrame:
    return pd.DataFrame({"touchpoint": ["billing", "support_call", "app"], "company_pct": [72.0, 74.0, 20.0],
                         "customer_pct": [4.0, 1.6, 21.0], "ci_low": [2.7, 0.7, 15.0], "ci_high": [5.6, 3.6, 27.0],
                         "gap": [68.0, 72.4, -1.0], "significant": [True, True, False], "suppressed": [False] * 3})


def friction() -> pd.DataFrame:
    return pd.DataFrame({"signal": ["n_known_info", "n_silent_cases", "n_silent_cases"], "outcome": ["nps", "nps", "churn"],
                         "n": [718, 718, 1500], "n_exposed": [517, 104, 197], "effect_per_event": [-0.17, -0.94, 2.9],
                         "effect_ci_low": [-0.23, -1.16, 2.4], "effect_ci_high": [-0.10, -0.72, 3.7],
                         "suppressed": [False] * 3})


def test_nps_sentence_known_answer_and_suppression():
    row = {"nps": -39.69, "ci_low": -44.61, "ci_high": -34.44, "n": 718, "suppressed": False}
    assert nv.nps_sentence(row) == "Relationship NPS is \u221240 (95 % CI \u221245 to \u221234; 718 respondents)."
    assert "insufficient responses" in nv.nps_sentence({**row, "suppressed": True})
    assert "insufficient responses" in nv.nps_sentence(None)
    assert nv.signed(0.2) == "0" and nv.signed(-0.2) == "0" and nv.signed(12.6) == "+13"


def test_trend_sentence_names_significant_changes_only():
    trend = pd.DataFrame({"quarter": ["Q1", "Q2", "Q3"], "nps": [-42.0, -35.0, -20.0], "suppressed": [False] * 3,
                          "change": [np.nan, 7.0, 15.0], "significant_change": [False, False, True]})
    text = nv.trend_sentence(trend, period="quarter")
    assert text.startswith("NPS moved from \u221242 in Q1 to \u221220 in Q3") and "Q3 (+15)" in text and "Q2" not in text.split(";")[1]
    flat = trend.assign(significant_change=False)
    assert "no period-on-period change is statistically significant" in nv.trend_sentence(flat, period="quarter")


def test_decay_sentence_reads_the_interval():
    worse = pd.DataFrame({"estimate": [-1.17], "ci_low": [-1.42], "ci_high": [-0.92], "n": [1167], "suppressed": [False]})
    assert "worse after the sale (Buy)" in nv.decay_sentence(worse, sale_stage="buy", labels=LABELS)
    unclear = worse.assign(ci_high=[0.1])
    assert "no clear change" in nv.decay_sentence(unclear, sale_stage="buy", labels=LABELS)


def test_driver_sentence_reports_share_interval_and_fix_first():
    text = nv.driver_sentence(drivers(), labels=LABELS)
    assert text == ("Billing is the strongest driver of NPS: 62 % of the explained variation (95 % CI 50-70 %). "
                    "Fix first (important and rated below the others): Billing.")


def test_three_actions_come_from_three_pieces_of_evidence():
    actions = nv.recommend_actions(drivers=drivers(), gap=gaps(), friction=friction(), labels=LABELS)
    assert [a.source for a in actions] == ["Key drivers", "Delivery gap", "Friction"]
    assert actions[0].title == "Fix Billing first" and "62 %" in actions[0].detail and "3.1 of 5" in actions[0].detail
    # the widest significant gap is support_call (72.4 points), and it is another touchpoint than action 1
    assert actions[1].title == "Close the delivery gap at Support call" and "74 %" in actions[1].detail
    # the costliest friction per event for NPS: silent cases (-0.94), not the churn row
    assert actions[2].title == "Send proactive updates on open cases" and "0.9 fewer NPS points" in actions[2].detail


def test_actions_change_when_the_numbers_change():
    other = nv.recommend_actions(drivers=drivers(fix="support_call"), gap=gaps(), friction=friction(), labels=LABELS)
    assert other[0].title == "Fix Support call first"
    assert other[1].title == "Close the delivery gap at Billing"  # support_call already taken by action 1
    no_friction = nv.recommend_actions(drivers=drivers(), gap=gaps(), friction=friction().assign(effect_ci_high=0.5),
                                       themes=pd.DataFrame({"label": ["Reliability"], "coef": [-40.0], "ci_high": [-30.0],
                                                            "pct_comments": [4.8], "suppressed": [False]}),
                                       labels=LABELS)
    assert no_friction[2].title == "Act on \u201cReliability\u201d"
    assert nv.recommend_actions() == []


def test_repeated_info_action_names_the_worst_channel():
    fr = friction().assign(effect_per_event=[-1.5, -0.2, 2.9])
    repeated = pd.DataFrame({"channel": ["phone", "web"], "rate": [0.48, 0.06], "lift": [4.07, 0.53],
                             "suppressed": [False, False]})
    action = nv.recommend_actions(friction=fr, repeated_info=repeated)[0]
    assert action.title == "Stop asking for information you already hold"
    assert "most on phone (48 % of contacts, 4.1\u00d7 the average)" in action.detail


def test_every_html_block_escapes_customer_and_client_text():
    hostile = "<script>alert(1)</script>"
    blocks = [
        nv.findings_html([hostile]),
        nv.kpi_cards([(hostile, hostile, hostile)]),
        nv.actions_html([nv.Action(hostile, hostile, hostile)]),
        nv.quotes_html(pd.DataFrame({"quote": [hostile, "<img src=x onerror=alert(1)>"], "label": [hostile, "x"],
                                     "kind": ["negative", None], "suppressed": [False, False]})),
        nv.note_html(hostile),
        nv.paragraph_html(hostile),
    ]
    for block in blocks:
        assert inert_problems(block.html) == [] and "<script" not in block.html
        assert "&lt;script&gt;" in block.html or "&lt;img" in block.html


def test_headline_cards_and_quote_themes():
    nps = pd.DataFrame({"nps": [-40.0], "ci_low": [-45.0], "ci_high": [-34.0], "n": [718], "suppressed": [False]})
    index = pd.DataFrame({"mean": [81.2], "ci_low": [80.4], "ci_high": [82.0], "n": [1485], "suppressed": [False]})
    churn = SimpleNamespace(n=1485, n_churned=222)
    gap = SimpleNamespace(company_pct=73.0, customer_pct=3.1)
    html = nv.headline_cards(nps=nps, index=index, gap=gap, churn=churn).html
    assert "\u221240" in html and "81" in html and "73 % vs 3 %" in html and "15 %" in html
    impact = pd.DataFrame({"theme": ["a", "b", "c", "d"], "coef": [-40.0, -10.0, -5.0, 20.0],
                           "n_mentions": [20, 80, 60, 90], "suppressed": [False] * 4})
    assert nv.quote_themes(impact, min_n_quotes=50) == ["b", "c"]
