"""Survey scales mapped onto the canonical ones, or refused with a message that says how to fix it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.errors import ScaleError
from cxlib.ingest.scales import TARGET_RANGES, ScaleGuess, detect_scale, map_scale, mapping_note, parse_scale


def nps_by_groups(scores, *, promoters=(9, 10), detractors=range(0, 7)) -> float:
    """Hand-rolled NPS: %promoters - %detractors (Reichheld 2003)."""
    s = pd.Series(scores).dropna()
    return 100 * (s.isin(promoters).mean() - s.isin(list(detractors)).mean())


# --------------------------------------------------------------------------- NPS 0-10 and 1-10
def test_nps_0_10_is_identity():
    s = pd.Series(list(range(11)) * 3)
    c = map_scale(s, target="nps")
    assert c.values.tolist() == s.tolist() and c.errors.isna().all()
    assert str(c.values.dtype) == "Int64"


def test_nps_1_10_declared_known_mapping():
    c = map_scale(pd.Series(range(1, 11)), target="nps", scale="1-10")
    assert c.values.tolist() == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10), min_size=1, max_size=200))
def test_nps_1_10_mapping_keeps_the_groups_practitioners_use(raw):
    """NPS on the raw 1-10 answers (9-10 promoters, 1-6 detractors) == NPS after mapping to 0-10."""
    mapped = map_scale(pd.Series(raw), target="nps", scale="1-10").values.astype(float)
    assert nps_by_groups(mapped) == pytest.approx(nps_by_groups(raw, detractors=range(1, 7)))


def test_nps_only_1_to_10_without_declaration_is_refused_with_fix():
    s = pd.Series([str(v) for v in [1, 4, 7, 8, 9, 10, 10, 9]])
    with pytest.raises(ScaleError) as e:
        map_scale(s, target="nps", column="Q1_NPS", file="responses.csv", row_numbers=np.arange(2, 10))
    msg = str(e.value)
    assert msg.startswith("responses.csv, column `Q1_NPS`: ")
    assert "1-10 scale, or 0-10 where nobody answered 0" in msg
    assert "(e.g. row 7: '10')" in msg  # example row as people see it
    assert "Expected nps on 0-10" in msg and "scales: {nps:" in msg
    guess = detect_scale(s, target="nps")
    assert guess.scale is None and guess.ambiguous


def test_zeros_decide_0_10():
    assert detect_scale(pd.Series([0, 3, 10]), target="nps") == ScaleGuess("0-10", False, "values 0-10, including 0")


# --------------------------------------------------------------------------- labelled answers and N/A
def test_labelled_text_leading_or_trailing_numbers():
    s = pd.Series(["10 - Extremely likely", "0 - Not at all likely", "7", "9 = very", "Extremely likely 10",
                   "Not at all likely (0)", "5: neutral"])
    c = map_scale(s, target="nps")
    assert c.values.tolist() == [10, 0, 7, 9, 10, 0, 5] and c.errors.isna().all()
    assert detect_scale(s, target="nps").evidence.startswith("labelled values 0-10")
    assert map_scale(s, target="nps", scale="labelled").values.tolist() == c.values.tolist()


def test_not_applicable_text_is_missing_never_a_score():
    s = pd.Series(["0", "10", "N/A", "n/a", "11 - Not applicable", "Don't know", "Prefer not to say", "", None])
    c = map_scale(s, target="nps")
    assert c.values.tolist() == [0, 10] + [pd.NA] * 7
    assert c.errors.isna().all()


def test_11_as_not_applicable_declared_or_labelled():
    s = pd.Series([0, 5, 9, 10, 11, 7, 8, 3, 10, 9, 6, 2])
    assert map_scale(s, target="nps", missing_codes=[11]).values.tolist()[4] is pd.NA
    labelled = map_scale(s, target="nps", value_labels={0: "Not at all likely", 11: "Not applicable"})
    assert labelled.values.tolist()[4] is pd.NA and labelled.errors.isna().all()


def test_undeclared_11_is_a_cell_error_with_a_hint():
    s = pd.Series([0, 5, 9, 10, 11, 7, 8, 3, 10, 9, 6, 2])
    guess = detect_scale(s, target="nps")
    assert guess.scale == "0-10" and "coded 11" in guess.evidence and "missing_codes" in guess.evidence
    c = map_scale(s, target="nps")
    assert c.errors.iloc[4] == "11 is outside 0-10 (a code for 'not applicable'? list it in missing_codes)"
    assert c.values.isna().sum() == 1


def test_words_without_numbers_use_value_labels_or_fail():
    labels = {1: "Very dissatisfied", 5: "Very satisfied", 9: "Don't know"}
    c = map_scale(pd.Series(["very satisfied", "1", 9, "meh"]), target="csat", value_labels=labels)
    assert c.values.tolist() == [5, 1, pd.NA, pd.NA]
    assert c.errors.tolist() == [pd.NA, pd.NA, pd.NA, "'meh' is not a score"]


# --------------------------------------------------------------------------- 0-100 sliders
def test_slider_declared_maps_by_tenths_rounding_half_up():
    c = map_scale(pd.Series([0, 4, 5, 45, 55, 64, 65, 100, 100.5]), target="nps", scale="0-100")
    assert c.values.tolist() == [0, 0, 1, 5, 6, 6, 7, 10, pd.NA]
    assert c.errors.iloc[-1].startswith("100.5 is outside 0-100")


def test_slider_in_steps_of_10_is_recognised():
    s = pd.Series([0, 30, 70, 90, 100])
    assert detect_scale(s, target="nps").scale == "0-100"
    assert map_scale(s, target="nps").values.tolist() == [0, 3, 7, 9, 10]


def test_free_slider_is_refused_unless_declared():
    s = pd.Series([0, 37, 64, 88, 100])
    with pytest.raises(ScaleError, match=r"0-100 slider.*scales: \{nps:"):
        map_scale(s, target="nps", file="r.csv", column="LTR")
    assert map_scale(s, target="nps", scale="0-100").values.tolist() == [0, 4, 6, 9, 10]


# --------------------------------------------------------------------------- SPSS codes
def test_spss_user_missing_codes_never_averaged():
    raw = pd.Series([5.0, 4.0, 99.0, 99.0, 1.0])
    c = map_scale(raw, target="csat", missing_codes=[99.0], value_labels={99: "Refused"})
    assert c.values.tolist() == [5, 4, pd.NA, pd.NA, 1]
    assert c.values.mean() == pytest.approx(10 / 3)
    ranged = map_scale(pd.Series([1, 3, 97, 98]), target="csat", missing_codes=[(90, 99)])
    assert ranged.values.tolist() == [1, 3, pd.NA, pd.NA]


def test_undeclared_spss_code_is_reported_not_scored():
    s = pd.Series([1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 99])
    c = map_scale(s, target="rating")
    assert c.values.iloc[-1] is pd.NA and "99 is outside 1-5" in c.errors.iloc[-1]


# --------------------------------------------------------------------------- other targets
@pytest.mark.parametrize("target, values, scale", [
    ("csat", [1, 2, 5], "1-5"), ("rating", [1, 3, 4], "1-5"), ("ces", [1, 4, 7], "1-7"),
])
def test_canonical_ranges_recognised(target, values, scale):
    assert detect_scale(pd.Series(values), target=target).scale == scale


@pytest.mark.parametrize("target, values, word", [
    ("csat", [1, 3, 7], "1-7"), ("csat", [0, 4, 10], "0-10"), ("ces", [1, 2, 5], "1-5 effort scale"),
])
def test_ambiguous_other_targets(target, values, word):
    guess = detect_scale(pd.Series(values), target=target)
    assert guess.ambiguous and guess.scale is None and word in guess.evidence
    with pytest.raises(ScaleError, match=f"scales: {{{target}:"):
        map_scale(pd.Series(values), target=target)


def test_declared_other_scales_and_reversed():
    assert map_scale(pd.Series([1, 3, 5]), target="ces", scale="1-5").values.tolist() == [1, 4, 7]
    assert map_scale(pd.Series([1, 2, 3, 4, 5]), target="csat", scale="5-1").values.tolist() == [5, 4, 3, 2, 1]
    assert map_scale(pd.Series([1, 10]), target="csat", scale="1-10").values.tolist() == [1, 5]


def test_rating_suggests_its_own_key():
    with pytest.raises(ScaleError, match=r"scales: \{rating_billing:"):
        map_scale(pd.Series([1, 7, 10]), target="rating", column="rating_billing")


def test_fractions_and_unknown_scales():
    c = map_scale(pd.Series([7.5, 8]), target="nps", scale="0-10")
    assert c.errors.iloc[0] == "7.5 is not a whole number"
    with pytest.raises(ScaleError, match="unknown scale 'ten'"):
        map_scale(pd.Series([1]), target="nps", scale="ten")
    with pytest.raises(ScaleError, match="fit no known nps scale"):
        map_scale(pd.Series([-5, 300]), target="nps")
    with pytest.raises(ScaleError, match="no answers"):
        map_scale(pd.Series([None, "N/A"]), target="nps")
    with pytest.raises(ValueError):
        map_scale(pd.Series([1]), target="loyalty")


def test_index_kept_and_input_untouched():
    s = pd.Series(["10 - yes", "0"], index=[7, 3])
    before = s.copy()
    c = map_scale(s, target="nps")
    assert c.values.index.tolist() == [7, 3] == c.errors.index.tolist()
    pd.testing.assert_series_equal(s, before)


def test_mapping_note():
    assert "groups are unchanged" in mapping_note("nps", "1-10")
    assert mapping_note("nps", "0-10") == "nps answered on its canonical 0-10 scale."
    assert parse_scale("labelled", target="ces") == (1.0, 7.0)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(TARGET_RANGES)), st.integers(-5, 5), st.integers(1, 100), st.data())
def test_declared_mapping_stays_in_range_and_is_monotone(target, lo, width, data):
    hi = lo + width
    xs = data.draw(st.lists(st.integers(lo, hi), min_size=1, max_size=40))
    c = map_scale(pd.Series(sorted(xs)), target=target, scale=f"{lo}-{hi}")
    tlo, thi = TARGET_RANGES[target]
    v = c.values.astype(float).to_numpy()
    assert c.errors.isna().all()
    assert np.all((v >= tlo) & (v <= thi)) and np.all(np.diff(v) >= 0)
    ends = map_scale(pd.Series([lo, hi]), target=target, scale=f"{lo}-{hi}").values.tolist()
    assert ends == [tlo, thi]
