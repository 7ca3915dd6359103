"""Each section on small hand-made data: known answers, escaped output, picklable results, pure computation."""

from __future__ import annotations

import dataclasses
import pickle
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cxlib.report.audiences import AUDIENCES
from cxlib.report.sanitize import inert_problems
from cxlib.report.sections import ReportRun, section, sections
from cxlib.report.sections.actions import compute as actions_compute

from .conftest import config, hand_data, relationship


# --------------------------------------------------------------------------- known answers
def test_headline_known_nps_and_the_finding_cites_the_table():
    nps = [10] * 20 + [8] * 10 + [3] * 10  # 50 % promoters - 25 % detractors
    result = section("headline").compute(hand_data(responses=relationship(nps)))
    row = result.nps.iloc[0]
    assert row["n"] == 40 and row["nps"] == pytest.approx(25.0)
    finding = result.finding("outcome_level")
    cited = finding.numbers[0]
    assert (cited.value, cited.n, cited.ci, cited.unit) == (25.0, 40, (row["ci_low"], row["ci_high"]), "NPS points")
    assert finding.said.startswith("Relationship NPS is +25 (95 % CI ") and finding.said.endswith("; 40 respondents).")
    assert [c.label for c in result.cards] == ["Relationship NPS"]   # no interaction log: no broken-journey card
    assert [a.subject for a in result.answer] == ["sure", "first"]    # nothing wrong to name; the answer says so
    assert result.answer[-1].said.startswith("No single problem")


def test_headline_trend_cites_first_and_last_quarter():
    nps = [10] * 40 + [3] * 40
    responses = relationship(nps).assign(answered_at=pd.to_datetime(["2025-02-01"] * 40 + ["2025-05-01"] * 40))
    trend = section("headline").compute(hand_data(responses=responses)).finding("outcome_trend")
    assert [c.label for c in trend.numbers] == ["Relationship NPS 2025Q1", "Relationship NPS 2025Q2"]
    assert [c.value for c in trend.numbers] == [100.0, -100.0]
    assert "it fell in 2025Q2 (−200 points on the quarter before), beyond chance" in trend.said


def gap_data():
    ratings_billing = [5] * 10 + [3] * 30   # 25 % give 5/5
    ratings_app = [5] * 8 + [4] * 32        # 20 %
    responses = relationship([9] * 40, rating_billing=ratings_billing, rating_app=ratings_app)
    sa = pd.DataFrame({"touchpoint": ["billing", "app"], "self_rating": [5, 3], "believes_superior": [True, False],
                       "expected_top_box_pct": [80.0, 20.0]})
    return hand_data(responses=responses, self_assessment=sa)


def test_delivery_gap_known_gaps_and_headline():
    data = gap_data()
    run = ReportRun(data, theme=False)
    result = run.result("delivery_gap")
    gaps = result.table.set_index("touchpoint")
    assert gaps.loc["billing", "customer_pct"] == pytest.approx(25.0) and gaps.loc["billing", "gap"] == pytest.approx(55.0)
    assert gaps.loc["app", "gap"] == pytest.approx(0.0) and gaps.loc["billing", "touchpoint_label"] == "Billing"
    head = result.headline
    assert (head.company_pct, head.customer_pct, head.touchpoints) == (80.0, 25.0, ("billing",))
    finding = result.finding("gap_headline")
    company, customers = finding.numbers
    assert company.value == 80.0 and customers.value == 25.0 and customers.n == 40
    assert finding.said.startswith("Test Co rates itself best at Billing and expects 80 % of customers")


def journey_data():
    """Buy rated 4.5 on average, use 2.5: a two-point drop after the sale."""
    n = 40
    interactions = pd.DataFrame({
        "interaction_id": [f"I{i:03d}" for i in range(2 * n)], "customer_id": [f"C{i % n:03d}" for i in range(2 * n)],
        "occurred_at": pd.to_datetime("2025-03-01") + pd.to_timedelta(np.arange(2 * n), unit="h"),
        "stage": ["buy"] * n + ["use"] * n, "channel": ["web", "app"] * n, "touchpoint": ["app"] * n + ["billing"] * n})
    csat = [5] * 20 + [4] * 20 + [3, 2] * 20
    transactional = pd.DataFrame({
        "response_id": [f"T{i:03d}" for i in range(2 * n)], "customer_id": interactions["customer_id"],
        "interaction_id": interactions["interaction_id"], "answered_at": interactions["occurred_at"],
        "survey": "transactional", "nps": pd.array([pd.NA] * 2 * n, dtype="Int64"), "csat": csat,
        "ces": [6, 4] * n})
    responses = pd.concat([relationship([9] * n).assign(customer_id=[f"C{i:03d}" for i in range(n)]), transactional],
                          ignore_index=True)
    return hand_data(responses=responses, interactions=interactions)


def test_journey_curve_known_stage_means_and_decay():
    result = section("journey_curve").compute(journey_data())
    curve = result.curve.set_index("stage")
    assert curve.loc["buy", "mean"] == pytest.approx(4.5) and curve.loc["use", "mean"] == pytest.approx(2.5)
    assert curve.loc["discover", "n"] == 0
    decay = result.finding("decay")
    assert decay.numbers[0].value == pytest.approx(-2.0) and decay.numbers[0].n_unit == "rated contacts"
    assert "worse after the sale (Buy): later stages are rated 2.00 points lower on the 1-5 scale" in decay.said


def test_drivers_find_the_planted_driver():
    rng = np.random.default_rng(1)
    a, b = rng.integers(1, 6, 300), rng.integers(1, 6, 300)
    nps = np.clip(np.round(2 * a - 1 + rng.normal(0, 1, 300)), 0, 10).astype(int)
    result = section("drivers").compute(hand_data(responses=relationship(list(nps), rating_billing=a, rating_app=b)))
    top = result.table.sort_values("rank").iloc[0]
    assert top["driver"] == "billing" and result.table["share"].sum() == pytest.approx(100.0)
    assert result.finding("driver_top").said.startswith("Billing matters most")
    assert result.caption.startswith("Key drivers of NPS (OLS, R² = ") and result.n == 300


def test_a_driver_model_that_explains_little_names_no_driver():
    rng = np.random.default_rng(2)
    a, b = rng.integers(1, 6, 400), rng.integers(1, 6, 400)
    nps = rng.integers(0, 11, 400)   # the ratings explain nothing
    result = section("drivers").compute(hand_data(responses=relationship(list(nps), rating_billing=a, rating_app=b)))
    assert result.r2 < 0.1 and not result.stands_out
    top, fix = result.finding("driver_top"), result.finding("fix_first")
    assert not top.holds and top.said.startswith("No single touchpoint stands out: together the touchpoint ratings "
                                                 "explain only") and not fix.said
    actions = actions_compute(hand_data(responses=relationship(list(nps), rating_billing=a, rating_app=b)),
                              drivers=result)
    assert actions.actions == () and not any(c.startswith("touchpoint:") for c in actions.candidates["id"])


def test_actions_are_read_from_the_results_they_use():
    rng = np.random.default_rng(1)
    a, b = rng.integers(1, 5, 300), rng.integers(2, 6, 300)   # billing is rated lower than the app
    nps = np.clip(np.round(3 * a - 2 + rng.normal(0, 1, 300)), 0, 10).astype(int)
    data = hand_data(responses=relationship(list(nps), rating_billing=a, rating_app=b),
                     cfg=config(touchpoints=[SimpleNamespace(id="billing", label="Billing", department="finance")]))
    drivers = section("drivers").compute(data)
    table = drivers.table.set_index("driver")
    # billing matters most and is rated below the median of two: fix first (the rule, not a fallback)
    assert table.loc["billing", "quadrant"] == "fix first"
    result = actions_compute(data, drivers=drivers)
    (action,) = result.actions
    assert action.title == "Fix Billing" and action.owner == "Finance"
    assert action.measure.startswith("share of customers rating Billing 4 or 5 of 5 (today ")
    assert action.worth.startswith("Worth up to +") and "NPS points (95 % CI +" in action.worth
    assert result.findings[0].kind == "action" and result.findings[0].holds
    assert actions_compute(hand_data(responses=relationship([9] * 5))).actions == ()


def test_basis_counts_what_the_report_rests_on():
    data = journey_data()
    text = section("basis").compute(data).text
    assert text.startswith("Based on 40 relationship-survey answers, 80 answers given right after a contact and 80 "
                           "recorded contacts.")
    assert "smaller than 30 respondents" in text and "at least 50 comments" in text


# --------------------------------------------------------------------------- every section, hostile text
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory):
    """The small `tiny` client, with markup in touchpoint labels and in a comment."""
    from tests.conftest import CLIENT_YAML, RESPONSES, write_workspace

    from cxlib.report.context import report_data

    root = tmp_path_factory.mktemp("hostile")
    touchpoints = [dict(tp, label=f"{HOSTILE} {tp['label']}") for tp in CLIENT_YAML["touchpoints"]]
    responses = RESPONSES + f"R07,C003,,2025-06-04T10:00:00,4,,,3,2,,,{HOSTILE} <img src=x onerror=alert(2)>,160\n"
    write_workspace(root, config={"touchpoints": touchpoints, "display_name": f"{HOSTILE} Telco"},
                    files={"responses.csv": responses})
    return report_data("tiny", root=str(root), audience="analyst")


# the `tiny` client is far below every minimum: the analyses' numerical warnings on it are expected
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_section_shows_escaped_output(hostile_data, audience, shown):
    run = ReportRun(hostile_data, theme=False)
    for spec in sections(audience):
        run.show(spec.id, audience=audience)
    html = shown.html()
    assert inert_problems(f"<html><body>{html}</body></html>") == []
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
    assert "&lt;script&gt;" in html  # the labels did reach the page, as text


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_every_result_is_frozen_picklable_and_pure(hostile_data, monkeypatch):
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: pytest.fail("compute displayed something"))
    state = np.random.get_state()[1].copy()
    first = ReportRun(hostile_data, theme=False)
    again = ReportRun(hostile_data, theme=False)
    for spec in sections():
        result = first.result(spec.id)
        assert (result is None) == bool(first.missing(spec.id)), spec.id
        if result is None:  # tiny has no self-assessment
            continue
        copy = pickle.loads(pickle.dumps(result))
        assert type(copy) is type(result) and [f.said for f in copy.findings] == [f.said for f in result.findings]
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.findings = ()
        assert [f.said for f in again.result(spec.id).findings] == [f.said for f in result.findings], spec.id
    assert (np.random.get_state()[1] == state).all()  # no draw from the global generator


def test_a_finding_whose_condition_fails_says_its_alternative(shown):
    from cxlib.present.findings import Finding
    from cxlib.present.narrative import findings_html

    html = findings_html([Finding("x", "Claim.", holds=False, alternative="Honest alternative."), "Plain."]).html
    assert "Claim." not in html and "Honest alternative." in html and "Plain." in html


def test_hand_data_config_is_what_sections_read():
    cfg = config()
    assert cfg.min_n == 30 and cfg.sale_stage == "buy"
