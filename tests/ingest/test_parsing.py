"""Raw cells to canonical types: known answers, per-cell reasons, and properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib.ingest.parsing import FALSE_TOKENS, NA_TOKENS, TRUE_TOKENS, Coerced, coerce


def run(values, kind, **kw) -> Coerced:
    return coerce(pd.Series(values, dtype="string" if all(isinstance(v, str) or v is None for v in values) else object),
                  kind, **kw)


# --------------------------------------------------------------------------- dtypes and contract
@pytest.mark.parametrize("kind, dtype", [
    ("id", "string"), ("str", "string"), ("category", "string"), ("text", "string"), ("int", "Int64"),
    ("float", "float64"), ("bool", "boolean"), ("date", "datetime64[ns]"), ("datetime", "datetime64[ns]"),
])
def test_canonical_dtypes_and_index_kept(kind, dtype):
    s = pd.Series(["1", None], index=[10, 20], dtype="string")
    before = s.copy()
    c = coerce(s, kind)
    assert str(c.values.dtype) == dtype
    assert str(c.errors.dtype) == "string"
    assert c.values.index.tolist() == [10, 20] == c.errors.index.tolist()
    pd.testing.assert_series_equal(s, before)  # input not mutated


def test_unknown_kind():
    with pytest.raises(ValueError):
        coerce(pd.Series(["1"]), "number")


def test_missing_is_not_an_error():
    c = run(["", "  ", None], "int")
    assert c.values.isna().all() and c.errors.isna().all() and c.ok.all()


# --------------------------------------------------------------------------- text kinds
def test_ids_keep_leading_zeros_and_lose_float_noise():
    c = coerce(pd.Series([" 007 ", 1234.0, 12, None, "A-1"], dtype=object), "id")
    assert c.values.tolist() == ["007", "1234", "12", pd.NA, "A-1"]
    assert c.errors.isna().all()


def test_na_text_stays_text_in_text_columns_but_is_missing_in_numbers():
    assert run(["NA", " EU "], "category").values.tolist() == ["NA", "EU"]
    assert run(["NA"], "text").values.tolist() == ["NA"]
    assert run([" keep  spaces "], "text").values.tolist() == [" keep  spaces "]
    for tok in sorted(NA_TOKENS):
        c = run([tok.upper(), "3"], "float")
        assert pd.isna(c.values.iloc[0]) and pd.isna(c.errors.iloc[0]), tok


def test_text_from_typed_cells():
    c = coerce(pd.Series([dt.datetime(2025, 3, 1), pd.Timestamp("2025-03-01 10:30"), 2.5], dtype=object), "str")
    assert c.values.tolist() == ["2025-03-01", "2025-03-01T10:30:00", "2.5"]


# --------------------------------------------------------------------------- numbers
def test_ints_known_answers_and_reasons():
    c = run(["7", "7.0", " +7 ", "7.5", "abc", "11", "-1", "1e1"], "int", low=0, high=10)
    assert c.values.tolist() == [7, 7, 7, pd.NA, pd.NA, pd.NA, pd.NA, 10]
    assert c.errors.tolist() == [pd.NA, pd.NA, pd.NA, "'7.5' is not a whole number", "'abc' is not a number",
                                 "'11' is outside 0-10", "'-1' is outside 0-10", pd.NA]


def test_typed_numbers():
    c = coerce(pd.Series([1.0, 2.5, np.nan, 11.0]), "int", high=10)
    assert c.values.tolist() == [1, pd.NA, pd.NA, pd.NA]
    assert c.errors.tolist() == [pd.NA, "2.5 is not a whole number", pd.NA, "11 is above 10"]
    c = coerce(pd.Series([-0.5, 3.0]), "float", low=0)
    assert c.errors.tolist() == ["-0.5 is below 0", pd.NA]
    c = coerce(pd.Series([1, "2", dt.date(2025, 1, 1), True], dtype=object), "float")
    assert c.values.tolist()[:2] == [1.0, 2.0]
    assert c.errors.iloc[2] == "2025-01-01 is not a number" and c.errors.iloc[3] == "True is not a number"


def test_infinite_and_huge():
    c = run(["inf", "1e30"], "int")
    assert c.errors.tolist() == ["'inf' is not a number", "'1e30' is too large"]


@pytest.mark.parametrize("values, expected", [
    (["3,5", "4", "1.234,5"], [3.5, 4.0, 1234.5]),          # decimal comma shown by 3,5 and 1.234,5
    (["0,25", "1.234"], [0.25, 1234.0]),                     # ... so 1.234 groups thousands
    (["2.75", "1,234", "1,234,567.5"], [2.75, 1234.0, 1234567.5]),  # decimal point: commas group
    (["1.5", "2"], [1.5, 2.0]),
])
def test_decimal_comma_when_unambiguous(values, expected):
    c = run(values, "float")
    assert c.values.tolist() == expected and c.errors.isna().all()


def test_decimal_comma_ambiguous_or_mixed_is_an_error():
    c = run(["1,234", "3"], "float")
    assert c.values.isna().tolist() == [True, False]
    assert "ambiguous" in c.errors.iloc[0]
    c = run(["3,5", "2.5"], "float")
    assert "mixes decimal commas ('3,5') and decimal points ('2.5')" in c.errors.iloc[0]
    assert c.values.iloc[1] == 2.5


def test_missing_codes_values_and_ranges():
    c = coerce(pd.Series(["99", "5", "97", "x"]), "int", missing=[99, (96, 98)], low=0, high=10)
    assert c.values.tolist() == [pd.NA, 5, pd.NA, pd.NA]
    assert c.errors.tolist() == [pd.NA, pd.NA, pd.NA, "'x' is not a number"]
    c = coerce(pd.Series([99.0, 3.0]), "float", missing=["99"])
    assert c.values.isna().tolist() == [True, False]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=30))
def test_int_text_round_trip(xs):
    c = coerce(pd.Series([str(x) for x in xs], dtype="string"), "int")
    assert c.values.tolist() == xs and c.errors.isna().all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=30))
def test_float_text_round_trip(xs):
    c = coerce(pd.Series([repr(x) for x in xs], dtype="string"), "float")
    assert c.values.tolist() == xs and c.errors.isna().all()


# --------------------------------------------------------------------------- bools
@pytest.mark.parametrize("token", sorted(TRUE_TOKENS | FALSE_TOKENS))
def test_bool_tokens_any_case(token):
    for variant in (token, token.upper(), f" {token.title()} "):
        c = run([variant], "bool")
        assert c.values.iloc[0] == (token in TRUE_TOKENS) and c.ok.all()


def test_bool_errors_and_typed():
    c = run(["maybe", "2"], "bool")
    assert c.errors.tolist() == ["'maybe' is not yes/no", "'2' is not yes/no"]
    c = coerce(pd.Series([1, 0, 2, True], dtype=object), "bool")
    assert c.values.tolist()[:2] == [True, False] and c.errors.iloc[2] == "2 is not yes/no"
    assert coerce(pd.Series([True, False]), "bool").values.tolist() == [True, False]


# --------------------------------------------------------------------------- dates and times
def test_datetime_formats_known_answers():
    c = run(["2025-03-01T10:00:00+01:00", "2025-03-01T09:30:00Z", "2025-03-01 08:00", "2025/03/04 07:15",
             "20250301", "45717", "45717.75", "1 March 2025", "Mar 1, 2025 10:00 PM", "2025-03-01 10:00 UTC"],
            "datetime")
    assert c.errors.isna().all(), c.errors.tolist()
    assert [str(v) for v in c.values] == [
        "2025-03-01 09:00:00", "2025-03-01 09:30:00", "2025-03-01 08:00:00", "2025-03-04 07:15:00",
        "2025-03-01 00:00:00", "2025-03-01 00:00:00", "2025-03-01 18:00:00", "2025-03-01 00:00:00",
        "2025-03-01 22:00:00", "2025-03-01 10:00:00"]


def test_mixed_time_zones_become_naive_utc():
    c = run(["2025-03-01T10:00:00+01:00", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00-05:00"], "datetime")
    assert [str(v) for v in c.values] == ["2025-03-01 09:00:00", "2025-03-01 10:00:00", "2025-03-01 15:00:00"]
    assert c.values.dt.tz is None


def test_bad_dates_get_reasons():
    c = run(["2025-13-45", "garbage", "31/02/2025", "12345"], "date")
    assert c.errors.tolist() == ["'2025-13-45' is not a date", "'garbage' is not a date", "'31/02/2025' is not a date",
                                 "'12345' is not a date"]


def test_ambiguous_day_month_asks_for_the_order():
    c = run(["03/04/2025", "03/03/2025", "05/06/2025"], "date")
    assert c.values.tolist()[1] == pd.Timestamp("2025-03-03")  # the same either way
    assert "ambiguous" in c.errors.iloc[0] and "dayfirst" in c.errors.iloc[0]
    assert c.errors.isna().tolist() == [False, True, False]
    assert run(["03/04/2025"], "date", dayfirst=True).values.tolist() == [pd.Timestamp("2025-04-03")]
    assert run(["03/04/2025"], "date", dayfirst=False).values.tolist() == [pd.Timestamp("2025-03-04")]


def test_day_month_order_inferred_from_the_column():
    c = run(["03/04/2025", "13/04/2025", "05.06.25"], "date")
    assert c.values.tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-04-13"), pd.Timestamp("2025-06-05")]
    c = run(["03/04/2025", "04/13/2025"], "date")
    assert c.values.tolist() == [pd.Timestamp("2025-03-04"), pd.Timestamp("2025-04-13")]
    c = run(["03/04/2025", "13/04/2025", "04/13/2025"], "date")
    assert "mixes day-first" in c.errors.iloc[0] and c.errors.iloc[1:].isna().all()


def test_date_keeps_the_written_day():
    c = run(["2025-03-01T23:30:00-05:00", "2025-03-01T10:00"], "date")
    assert c.values.tolist() == [pd.Timestamp("2025-03-01")] * 2


def test_typed_date_cells_and_serials():
    cells = pd.Series([dt.datetime(2025, 3, 1, 10), "2025-03-02", 45717, dt.date(2025, 3, 4), dt.time(10), 12],
                      dtype=object)
    c = coerce(cells, "date")
    assert c.values.tolist()[:4] == [pd.Timestamp(f"2025-03-0{d}") for d in (1, 2, 1, 4)]
    assert c.errors.iloc[4] == "10:00:00 is a time of day, not a date"
    assert "Excel serial" in c.errors.iloc[5]
    c = coerce(pd.Series([45717.5]), "datetime")
    assert c.values.tolist() == [pd.Timestamp("2025-03-01 12:00")]


def test_datetime_columns_pass_through():
    s = pd.Series(pd.to_datetime(["2025-03-01 10:00", "2025-03-02 11:00"]).tz_localize("Europe/Berlin"))
    assert [str(v) for v in coerce(s, "datetime").values] == ["2025-03-01 09:00:00", "2025-03-02 10:00:00"]
    assert [str(v) for v in coerce(s, "date").values] == ["2025-03-01 00:00:00", "2025-03-02 00:00:00"]
    assert str(coerce(s, "datetime").values.dtype) == "datetime64[ns]"


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)),
       st.integers(-14 * 60, 14 * 60))
def test_iso_with_any_offset_is_converted_to_utc(moment, minutes):
    moment = moment.replace(microsecond=0)
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    c = coerce(pd.Series([aware.isoformat()], dtype="string"), "datetime")
    expected = aware.astimezone(dt.timezone.utc).replace(tzinfo=None)
    assert c.values.iloc[0] == pd.Timestamp(expected)


def test_chunked_arrow_columns_as_read_from_big_files():
    import pyarrow as pa

    arr = pa.chunked_array([pa.array(["03/04/2025", "13/04/2025"]), pa.array(["2025-03-01T10:00Z", "05.06.25", "x"])])
    s = pd.Series(pd.array(arr, dtype="string"))
    c = coerce(s, "date")
    assert c.values.tolist()[:4] == [pd.Timestamp(d) for d in ("2025-04-03", "2025-04-13", "2025-03-01", "2025-06-05")]
    assert c.errors.tolist() == [pd.NA] * 4 + ["'x' is not a date"]
