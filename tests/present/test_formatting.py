"""One formatter: the same number reads the same in a sentence, a card and a table."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxlib.present import formatting as fm
from cxlib.present import narrative, tables


def test_known_formats():
    assert fm.signed(-3.2) == "\u22123" and fm.signed(4) == "+4" and fm.signed(0.25, 1) == "+0.2"
    assert fm.decimal(-1234.5) == "\u22121,234" and fm.decimal(3.456, 2) == "3.46"
    assert fm.percent(12.34, 1) == "12.3 %" and fm.format_value(0.123, "frac0") == "12 %"
    assert fm.count(12345) == "12,345" and fm.p_value(0.0004) == "< 0.001" and fm.p_value(0.0123) == "0.012"
    assert fm.format_value(True) == "yes" and fm.format_value(pd.NA) == fm.MISSING == "\u2013"
    with pytest.raises(ValueError, match="Unknown format 'percent'"):
        fm.format_value(1, "percent")


@pytest.mark.parametrize("value, fmt", [(-0.2, "signed0"), (0.04, "signed1"), (-0.001, "2"), (-0.4, "int"),
                                        (-0.0, "pct1"), (-0.004, "frac0")])
def test_zero_never_carries_a_sign(value, fmt):
    assert not re.search(r"[+\u2212-]", fm.format_value(value, fmt))


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, st.integers(0, 3))
def test_sentence_and_table_format_a_number_the_same(value, digits):
    assert fm.signed(value, digits) == fm.format_value(value, f"signed{digits}") == \
        tables.format_value(value, f"signed{digits}")
    assert narrative.signed(value, digits) == fm.signed(value, digits)


@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_the_nps_in_the_sentence_is_the_nps_in_the_table(nps):
    row = {"nps": nps, "ci_low": nps - 3, "ci_high": nps + 3, "n": 500, "suppressed": False}
    sentence = narrative.nps_sentence(row)
    cell = re.search(r'<td class="cx-num">([^<]*)<span', tables.table(pd.DataFrame([row]), columns=["nps"],
                                                                     formats={"nps": "signed0"},
                                                                     ci={"nps": ("ci_low", "ci_high")}).html).group(1)
    assert sentence.startswith(f"Relationship NPS is {cell} ")


@given(finite, st.integers(0, 3))
def test_the_text_parses_back_to_the_rounded_value(value, digits):
    text = fm.decimal(value, digits)
    back = float(text.replace(",", "").replace("\u2212", "-"))
    assert math.isclose(back, round(value, digits), abs_tol=10 ** -digits)


def test_missing_values_read_as_a_dash():
    for v in (None, float("nan"), np.nan, pd.NA, pd.NaT):
        assert fm.signed(v) == fm.percent(v) == fm.count(v) == "\u2013"
