"""Turning raw cells into canonical types, cell by cell, with a reason for each bad cell.

:func:`coerce` never raises for a bad cell: it returns the converted values and,
beside them, a short reason for every cell that could not be converted, so the
validator can quarantine exactly those rows and say why.

Canonical dtypes (docs/data-model.md): ids, categories and text ``string``;
ints ``Int64``; floats ``float64``; bools ``boolean``; dates and datetimes
``datetime64[ns]`` (dates at midnight, datetimes naive UTC).

Examples
--------
>>> c = coerce(pd.Series(["7", "7.0", "7.5", "abc", ""]), "int", low=0, high=10)
>>> c.values.tolist()
[7, 7, <NA>, <NA>, <NA>]
>>> c.errors.tolist()
[<NA>, <NA>, "'7.5' is not a whole number", "'abc' is not a number", <NA>]
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["Coerced", "coerce", "in_missing", "day_month_evidence", "NA_TOKENS", "TRUE_TOKENS", "FALSE_TOKENS"]

Kind = Literal["id", "str", "category", "int", "float", "bool", "date", "datetime", "text"]

#: Cell texts read as missing in number, bool and date columns (compared lower-case), never in
#: text, id or category columns, where "NA" can be North America or a customer's words.
NA_TOKENS: frozenset[str] = frozenset({"na", "n/a", "n.a.", "#n/a", "nan", "null", "none", "-", "--", "#null!"})
#: Texts read as True / False in bool columns (compared lower-case).
TRUE_TOKENS: frozenset[str] = frozenset({"true", "t", "yes", "y", "1", "1.0"})
FALSE_TOKENS: frozenset[str] = frozenset({"false", "f", "no", "n", "0", "0.0"})

# Excel's 1900 date system: serial 1 = 1900-01-01; origin 1899-12-30 absorbs Lotus' 1900 leap-day bug.
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")
# Serial numbers accepted as dates: 1954-10-03 .. 2119-01-10. Wider would read counts and ids as dates.
_SERIAL_RANGE = (20_000, 80_000)

_PLAIN = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_COMMA_DEC = r"[+-]?\d+,\d+"
_COMMA_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_DOT_GROUPED_COMMA_DEC = r"[+-]?\d{1,3}(?:\.\d{3})+,\d+"
_DOT_GROUPED = r"[+-]?\d{1,3}(?:\.\d{3}){2,}"
_DOT_AMBIGUOUS = r"[+-]?\d{1,3}\.\d{3}"  # 1.234: a decimal, or 1234 with a grouping dot

_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)"
_ISO = rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:[T ]{_TIME})?\s*{_ZONE}?"
_SERIAL = r"\d{5}(?:\.\d+)?"
_MONTH_WORD = r"(?i).*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b.*"


@dataclass(frozen=True)
class Coerced:
    """Converted values and, per cell, why it could not be converted.

    Attributes
    ----------
    values : Series
        Canonical dtype, same index as the input; ``<NA>``/``NaN``/``NaT`` for
        missing or bad cells.
    errors : Series
        dtype ``string``, same index; ``<NA>`` where the cell is fine (or empty),
        else a short reason such as ``"'abc' is not a number"``.
    """

    values: pd.Series
    errors: pd.Series

    @property
    def ok(self) -> pd.Series:
        """Boolean mask of cells without an error."""
        return self.errors.isna()


def coerce(
    series: pd.Series,
    kind: Kind,
    *,
    low: float | None = None,
    high: float | None = None,
    dayfirst: bool | None = None,
    missing: Iterable = (),
) -> Coerced:
    """Convert a column of raw cells to the canonical dtype of ``kind``.

    Parameters
    ----------
    series : Series
        Raw cells: text (CSV), or typed values (Excel, Parquet, SPSS), or a mix
        (an Excel column holding date cells and text dates). Not modified.
    kind : {"id", "str", "category", "int", "float", "bool", "date", "datetime", "text"}
        Target kind (:data:`cxlib.schema.Kind`).
    low, high : float, optional
        Inclusive bounds for "int" and "float".
    dayfirst : bool, optional
        Order of numeric day/month dates ("03/04/2025"). Default: inferred from
        the column (a value whose first part is above 12 means day first); when
        nothing in the column decides, ambiguous cells get an error asking for it.
    missing : iterable
        Extra values read as missing (e.g. SPSS user-missing codes ``[99]``, or
        ``(lo, hi)`` ranges); compared as numbers and as text.

    Returns
    -------
    Coerced
        ``values`` in the canonical dtype and ``errors`` (reason or ``<NA>``).

    Notes
    -----
    Missing is: a null, an empty or blank text, a value in ``missing``, and,
    for number, bool and date kinds only, a token of :data:`NA_TOKENS`.
    Missing cells get no error; whether a column may be empty is the
    validator's decision.

    - id, str, category: text stripped of surrounding blanks; whole numbers
      from typed files lose their ``.0`` (``1234.0`` -> ``"1234"``).
    - text: kept exactly (only blank text is missing).
    - int: ``"7"``, ``"7.0"``, ``" +7 "``; ``"7.5"`` is an error.
    - float: a decimal comma is accepted only when the column is unambiguous:
      some value such as ``"3,5"`` or ``"1.234,5"`` shows the comma is decimal
      and no value shows a decimal point. ``"1,234"`` alone is an error (1234
      or 1.234?); with decimal points elsewhere it is 1234.
    - bool: :data:`TRUE_TOKENS` / :data:`FALSE_TOKENS`, any case.
    - date, datetime: ISO 8601 (``2025-03-01``, ``2025-03-01T10:00:00+01:00``,
      ``...Z``), ``2025/03/01``, ``01/03/2025`` (day/month order as above),
      ``20250301``, month names (``1 March 2025``, ``Mar 1, 2025``), date cells
      of typed files, and Excel serial numbers between 20000 and 80000 (1954-2119;
      1900 date system). Values with a time zone are converted to UTC, then the
      zone is dropped; values without one are taken as UTC already. A "date"
      keeps the calendar day as written (no zone conversion) at midnight.

    Examples
    --------
    >>> coerce(pd.Series(["3,5", "4"]), "float").values.tolist()
    [3.5, 4.0]
    >>> coerce(pd.Series(["yes", "N", "maybe"]), "bool").errors.tolist()
    [<NA>, <NA>, "'maybe' is not yes/no"]
    >>> c = coerce(pd.Series(["2025-03-01T10:00:00+01:00", "2025-03-01T09:30:00Z"]), "datetime")
    >>> [str(v) for v in c.values]
    ['2025-03-01 09:00:00', '2025-03-01 09:30:00']
    """
    if kind not in ("id", "str", "category", "int", "float", "bool", "date", "datetime", "text"):
        raise ValueError(f"unknown kind {kind!r}")
    s = pd.Series(series, copy=False)
    index = s.index
    s = s.reset_index(drop=True)
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    null = s.isna().to_numpy(dtype=bool) | in_missing(s, missing)

    if kind in ("id", "str", "category", "text"):
        values = _to_text(s, null, strip=kind != "text")
    else:
        text, num, other = _split(s, null)
        if kind in ("int", "float", "bool", "date", "datetime") and text.any():
            lowered = s[text].astype("string").str.strip().str.lower()
            na_tok = lowered.isin(NA_TOKENS) | (lowered == "")
            idx = np.flatnonzero(text)[na_tok.to_numpy(dtype=bool)]
            null[idx] = True
            text[idx] = False
        if kind in ("int", "float"):
            values = _to_number(s, text, num, other, errors, integer=kind == "int", low=low, high=high)
        elif kind == "bool":
            values = _to_bool(s, text, num, other, errors)
        else:
            values = _to_datetime(s, text, num, other, errors, date_only=kind == "date", dayfirst=dayfirst)
    values.index = index
    errors.index = index
    return Coerced(values=values, errors=errors)


# --------------------------------------------------------------------------- helpers
def _show(v) -> str:
    """A cell as shown in a reason: text quoted and shortened, numbers plain."""
    if isinstance(v, str):
        v = v.strip()
        return repr(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


def in_missing(s: pd.Series, missing: Iterable) -> np.ndarray:
    """Mask of the cells of ``s`` that are one of the ``missing`` codes (numbers, texts or ``(lo, hi)`` ranges).

    >>> in_missing(pd.Series(["99", "7", "98.0"]), [99, (97, 98)]).tolist()
    [True, False, True]
    """
    codes = list(missing)
    out = np.zeros(len(s), dtype=bool)
    if not codes:
        return out
    points = [c for c in codes if not isinstance(c, tuple)]
    ranges = [c for c in codes if isinstance(c, tuple)]
    as_text = s.astype("string").str.strip()
    as_num = pd.to_numeric(as_text, errors="coerce").astype("float64").to_numpy()
    num_points = [float(c) for c in points if _is_number(c)]
    out |= as_text.isin([str(c) for c in points]).fillna(False).to_numpy(dtype=bool)
    if num_points:
        out |= np.isin(as_num, num_points)
    for lo, hi in ranges:
        with np.errstate(invalid="ignore"):
            out |= (as_num >= float(lo)) & (as_num <= float(hi))
    return out


def _is_number(v) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return False
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _split(s: pd.Series, null: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks of text cells, number cells and other cells (not null)."""
    n = len(s)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return np.zeros(n, bool), np.zeros(n, bool), ~null
    if pd.api.types.is_numeric_dtype(dtype):
        return np.zeros(n, bool), ~null, np.zeros(n, bool)
    if pd.api.types.is_string_dtype(dtype) and dtype != object:
        return ~null, np.zeros(n, bool), np.zeros(n, bool)
    if dtype != object:
        return np.zeros(n, bool), np.zeros(n, bool), ~null
    kinds = s.map(lambda v: 1 if isinstance(v, str) else 2 if _is_number(v) and not isinstance(v, np.datetime64) else 3)
    kinds = kinds.to_numpy()
    return (kinds == 1) & ~null, (kinds == 2) & ~null, (kinds == 3) & ~null


def _to_text(s: pd.Series, null: np.ndarray, *, strip: bool) -> pd.Series:
    def one(v):
        if isinstance(v, str):
            return v.strip() if strip else v
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        if isinstance(v, (_dt.datetime, pd.Timestamp)):
            ts = pd.Timestamp(v)
            return str(ts.date()) if ts == ts.normalize() else ts.isoformat()
        return str(v)

    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        out = s.astype("string")
        out = out.str.strip() if strip else out
    else:
        out = pd.Series([None if m else one(v) for v, m in zip(s.tolist(), null)], dtype="string")
    blank = (out.str.strip() == "").fillna(True).to_numpy(dtype=bool)
    return out.mask(null | blank)


def _fmt_bound(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# --------------------------------------------------------------------------- numbers
def _parse_number_text(text: pd.Series) -> tuple[np.ndarray, list]:
    """Floats (NaN where bad) and, per cell, a reason or None."""
    t = text.astype("string").str.strip().str.replace(r"^\+", "", regex=True)
    full = lambda pat: t.str.fullmatch(pat).fillna(False).to_numpy(dtype=bool)  # noqa: E731
    plain = full(_PLAIN)
    comma_dec = full(_COMMA_DEC)
    comma_grouped = full(_COMMA_GROUPED)
    dot_grouped_comma = full(_DOT_GROUPED_COMMA_DEC)
    dot_grouped = full(_DOT_GROUPED)
    dot_ambiguous = full(_DOT_AMBIGUOUS)
    has_dot = t.str.contains(".", regex=False).fillna(False).to_numpy(dtype=bool)

    comma_evidence = (comma_dec & ~comma_grouped) | dot_grouped_comma | dot_grouped
    dot_evidence = (plain & has_dot & ~dot_ambiguous) | (comma_grouped & has_dot)
    commas = comma_dec | comma_grouped | dot_grouped_comma | dot_grouped
    norm = t.copy()
    reasons: list = [None] * len(t)
    if comma_evidence.any() and not dot_evidence.any():
        # decimal comma: dots group thousands
        conv = comma_dec | dot_grouped_comma | dot_grouped | dot_ambiguous
        norm[conv] = t[conv].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif dot_evidence.any() and not comma_evidence.any():
        norm[comma_grouped] = t[comma_grouped].str.replace(",", "", regex=False)
    elif commas.any():
        example = t[comma_evidence].iloc[0] if comma_evidence.any() else None
        other = t[dot_evidence].iloc[0] if dot_evidence.any() else None
        for i in np.flatnonzero(commas):
            if example is not None and other is not None:
                reasons[i] = (f"{_show(t.iloc[i])}: the column mixes decimal commas ({example!r}) "
                              f"and decimal points ({other!r})")
            else:
                reasons[i] = (f"{_show(t.iloc[i])} is ambiguous (thousands or decimal comma?); "
                              "write it without the comma")
    values = pd.to_numeric(norm.where(plain | commas), errors="coerce").astype("float64").to_numpy(copy=True)
    for i in np.flatnonzero(np.isnan(values) | ~np.isfinite(values)):
        if reasons[i] is None:
            reasons[i] = f"{_show(t.iloc[i])} is not a number"
        values[i] = np.nan
    for i, r in enumerate(reasons):
        if r is not None:
            values[i] = np.nan
    return values, reasons


def _to_number(s, text, num, other, errors, *, integer: bool, low, high) -> pd.Series:
    n = len(s)
    values = np.full(n, np.nan)
    if num.any():
        values[num] = pd.to_numeric(s[num], errors="coerce").astype("float64").to_numpy()

    def shown(i):
        return _show(s.iat[i]) if text[i] else _show(values[i])

    if text.any():
        parsed, reasons = _parse_number_text(s[text])
        values[text] = parsed
        idx = np.flatnonzero(text)
        for i, r in zip(idx, reasons):
            if r is not None:
                errors.iat[i] = r
    for i in np.flatnonzero(other):
        errors.iat[i] = f"{_show(s.iat[i])} is not a number"
    ok = ~np.isnan(values)
    if integer:
        frac = ok & (np.abs(values) < 2**53) & (values != np.round(values))
        big = ok & (np.abs(values) >= 2**53)
        for i in np.flatnonzero(frac | big):
            errors.iat[i] = f"{shown(i)} is not a whole number" if frac[i] else f"{shown(i)} is too large"
            values[i] = np.nan
        ok = ~np.isnan(values)
    if low is not None or high is not None:
        lo = -np.inf if low is None else float(low)
        hi = np.inf if high is None else float(high)
        bad = ok & ((values < lo) | (values > hi))
        if low is not None and high is not None:
            expect = f"outside {_fmt_bound(lo)}-{_fmt_bound(hi)}"
        elif low is not None:
            expect = f"below {_fmt_bound(lo)}"
        else:
            expect = f"above {_fmt_bound(hi)}"
        for i in np.flatnonzero(bad):
            errors.iat[i] = f"{shown(i)} is {expect}"
            values[i] = np.nan
    if integer:
        out = pd.array(np.where(np.isnan(values), 0, values).astype(np.int64), dtype="Int64")
        out[np.isnan(values)] = pd.NA
        return pd.Series(out)
    return pd.Series(values, dtype="float64")


# --------------------------------------------------------------------------- bools
def _to_bool(s, text, num, other, errors) -> pd.Series:
    out = pd.array([pd.NA] * len(s), dtype="boolean")
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean")
    if text.any():
        idx = np.flatnonzero(text)
        lowered = s.iloc[idx].astype("string").str.strip().str.lower()
        yes = lowered.isin(TRUE_TOKENS).to_numpy(dtype=bool)
        no = lowered.isin(FALSE_TOKENS).to_numpy(dtype=bool)
        out[idx[yes]] = True
        out[idx[no]] = False
        for i in idx[~yes & ~no]:
            errors.iat[i] = f"{_show(s.iat[i])} is not yes/no"
    for i in np.flatnonzero(num | other):
        v = s.iat[i]
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
        elif _is_number(v) and float(v) in (0.0, 1.0):
            out[i] = bool(float(v))
        else:
            errors.iat[i] = f"{_show(v)} is not yes/no"
    return pd.Series(out)


# --------------------------------------------------------------------------- dates
def _to_datetime(s, text, num, other, errors, *, date_only: bool, dayfirst: bool | None) -> pd.Series:
    n = len(s)
    what = "a date"
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")

    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        v = s
        if getattr(v.dt, "tz", None) is not None:
            v = v if date_only else v.dt.tz_convert("UTC")
            v = v.dt.tz_localize(None)
        v = v.astype("datetime64[ns]")
        return v.dt.normalize() if date_only else v

    for i in np.flatnonzero(other):
        v = s.iat[i]
        if isinstance(v, (_dt.datetime, pd.Timestamp, np.datetime64)):
            ts = pd.Timestamp(v)
            if ts.tzinfo is not None:
                ts = ts.tz_localize(None) if date_only else ts.tz_convert("UTC").tz_localize(None)
            out.iat[i] = ts.normalize() if date_only else ts
        elif isinstance(v, _dt.date):
            out.iat[i] = pd.Timestamp(v)
        elif isinstance(v, _dt.time):
            errors.iat[i] = f"{_show(v)} is a time of day, not {what}"
        else:
            errors.iat[i] = f"{_show(v)} is not {what}"

    if num.any():
        vals = pd.to_numeric(s[num], errors="coerce").astype("float64")
        idx = np.flatnonzero(num)
        good = ((vals >= _SERIAL_RANGE[0]) & (vals <= _SERIAL_RANGE[1])).to_numpy()
        conv = _EXCEL_ORIGIN + pd.to_timedelta(vals[good].to_numpy(), unit="D")
        out.iloc[idx[good]] = conv.round("s").normalize() if date_only else conv.round("s")
        for i in idx[~good]:
            errors.iat[i] = (f"{_show(s.iat[i])} is not {what} (numbers are read as Excel serial dates "
                             f"only between {_SERIAL_RANGE[0]} and {_SERIAL_RANGE[1]})")

    if text.any():
        _parse_date_text(s, np.flatnonzero(text), out, errors, date_only=date_only, dayfirst=dayfirst, what=what)
    return out.astype("datetime64[ns]")


def _match(arr, pattern: str) -> np.ndarray:
    """Full-match mask of a pyarrow string array (RE2, vectorised)."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(arr, f"^(?:{pattern})$")
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _extract(arr, pattern: str) -> pd.DataFrame:
    """Named groups of ``pattern`` (full match) as string columns."""
    import pyarrow.compute as pc

    found = pc.extract_regex(arr, f"^(?:{pattern})$")
    if hasattr(found, "combine_chunks"):
        found = found.combine_chunks()
    return pd.DataFrame({found.type.field(i).name: found.field(i).to_pandas(types_mapper=pd.ArrowDtype)
                         .astype("string") for i in range(found.type.num_fields)})


_D_YMD = (r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})"
          r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?")
_D_COMPACT = r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
_D_DMY = (r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
          r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?(?:\s*(?P<p>[AaPp])[Mm])?)?")
_D_ISO_DATE = r"(?P<date>\d{4}-\d{1,2}-\d{1,2}).*"


def _assemble(parts: pd.DataFrame, year, month, day) -> pd.Series:
    """Datetimes from numeric parts; impossible dates (31/02) give NaT."""
    def num(col):
        if col not in parts:
            return np.zeros(len(parts))
        return pd.to_numeric(parts[col], errors="coerce").fillna(0).to_numpy(dtype=float)

    hour = num("H")
    if "p" in parts:
        p = parts["p"].str.lower().fillna("").to_numpy(dtype=object)
        hour = np.where((p == "p") & (hour < 12), hour + 12, np.where((p == "a") & (hour == 12), 0, hour))
    frame = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": num("M"),
                          "second": num("S")})
    return pd.to_datetime(frame, errors="coerce")


def _parse_date_text(s, idx, out, errors, *, date_only, dayfirst, what) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = pa.array(s.iloc[idx].astype("string").array)
    arr = pc.replace_substring_regex(pc.utf8_trim_whitespace(raw), r"\s*UTC$", "Z")
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = pd.Series(pd.array(arr, dtype="string"), index=idx)
    done = np.zeros(len(t), dtype=bool)

    def take(pattern):
        """Positions (into t) not yet done that fully match ``pattern``."""
        rest = np.flatnonzero(~done)
        if len(rest) == 0:
            return rest
        return rest[_match(arr.take(pa.array(rest)), pattern)]

    def store(pos, parsed):
        parsed = pd.Series(np.asarray(parsed, dtype="datetime64[ns]"))
        if date_only:
            parsed = parsed.dt.normalize()
        bad = parsed.isna().to_numpy()
        out.iloc[idx[pos[~bad]]] = parsed.to_numpy()[~bad]
        for j in pos[bad]:
            errors.iat[idx[j]] = f"{_show(s.iat[idx[j]])} is not {what}"
        done[pos] = True

    pos = take(_ISO)
    if len(pos):
        sub = t.iloc[pos]
        if date_only:
            sub = _extract(arr.take(pa.array(pos)), _D_ISO_DATE)["date"]
            store(pos, pd.to_datetime(sub, format="ISO8601", errors="coerce"))
        else:
            store(pos, pd.to_datetime(sub, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None))
    for pattern in (_D_YMD, _D_COMPACT):
        pos = take(pattern)
        if len(pos):
            parts = _extract(arr.take(pa.array(pos)), pattern)
            ymd = [pd.to_numeric(parts[c]).to_numpy() for c in ("y", "m", "d")]
            store(pos, _assemble(parts, *ymd))
    pos = take(_D_DMY)
    if len(pos):
        _parse_dmy(s, t, arr, pos, idx, errors, done, store, dayfirst=dayfirst)
    pos = take(_SERIAL)
    if len(pos):
        vals = pd.to_numeric(t.iloc[pos]).to_numpy()
        good = (vals >= _SERIAL_RANGE[0]) & (vals <= _SERIAL_RANGE[1])
        store(pos[good], (_EXCEL_ORIGIN + pd.to_timedelta(vals[good], unit="D")).round("s"))
        store(pos[~good], pd.Series(pd.NaT, index=range(int((~good).sum())), dtype="datetime64[ns]"))
    pos = take(_MONTH_WORD)
    if len(pos):
        words = t.iloc[pos]
        if date_only:
            words = words.str.replace(r"\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$", "", regex=True)
            store(pos, pd.to_datetime(words, format="mixed", errors="coerce"))
        else:
            store(pos, pd.to_datetime(words, format="mixed", errors="coerce", utc=True).dt.tz_localize(None))
    for j in np.flatnonzero(~done):
        errors.iat[idx[j]] = f"{_show(s.iat[idx[j]])} is not {what}"


def day_month_evidence(s: pd.Series) -> tuple[bool, bool, bool]:
    """What a column's numeric a/b/year dates say about their order, as :func:`coerce` infers it:
    (some can only be day-first, some can only be month-first, there are such dates at all).

    A column read in parts gives the same dates as read whole when every part with such dates
    shows the same evidence as the whole column.

    >>> day_month_evidence(pd.Series(["25/03/2025", "03/04/2025", "2025-01-02", None], dtype="string"))
    (True, False, True)

    Dates stored as dates (Parquet, Excel) print as ISO, never a/b/year: they are not printed to find out.

    >>> day_month_evidence(pd.Series(pd.to_datetime(["2025-03-25", None])))
    (False, False, False)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return False, False, False
    text = s.dropna().astype("string")
    if not len(text):
        return False, False, False
    arr = pc.utf8_trim_whitespace(pa.array(text.array))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    hit = np.flatnonzero(_match(arr, _D_DMY))
    if not len(hit):
        return False, False, False
    parts = _extract(arr.take(pa.array(hit)), _D_DMY)
    a = pd.to_numeric(parts["a"]).to_numpy()
    b = pd.to_numeric(parts["b"]).to_numpy()
    return bool(((a > 12) & (b <= 12)).any()), bool(((b > 12) & (a <= 12)).any()), True


def _parse_dmy(s, t, arr, pos, idx, errors, done, store, *, dayfirst) -> None:
    """Numeric a/b/year dates: day/month order from ``dayfirst`` or from the column."""
    import pyarrow as pa

    parts = _extract(arr.take(pa.array(pos)), _D_DMY)
    a = pd.to_numeric(parts["a"]).to_numpy()
    b = pd.to_numeric(parts["b"]).to_numpy()
    year = pd.to_numeric(parts["y"]).to_numpy()
    year = np.where(year < 100, 2000 + year, year)  # two-digit years: 20yy
    day_first = (a > 12) & (b <= 12)
    month_first = (b > 12) & (a <= 12)
    ambiguous = (a <= 12) & (b <= 12) & (a != b)
    order = dayfirst
    conflict = order is None and day_first.any() and month_first.any()
    if order is None and not conflict:
        order = True if day_first.any() else False if month_first.any() else None
    if order is None:
        for j in np.flatnonzero(ambiguous):
            cell = _show(s.iat[idx[pos[j]]])
            if conflict:
                errors.iat[idx[pos[j]]] = (
                    f"{cell}: the column mixes day-first ({t.iloc[pos[np.argmax(day_first)]]!r}) and "
                    f"month-first ({t.iloc[pos[np.argmax(month_first)]]!r}) dates")
            else:
                errors.iat[idx[pos[j]]] = (f"{cell} is ambiguous (day/month or month/day?); "
                                           "declare the date order (dayfirst) for this column")
        done[pos[ambiguous]] = True
        # what is left decides itself: a > 12 is a day, b > 12 is a day, a == b either way
        day, month = np.where(a > 12, a, b), np.where(a > 12, b, a)
        keep = ~ambiguous
    else:
        day, month = (a, b) if order else (b, a)
        keep = np.ones(len(pos), dtype=bool)
    store(pos[keep], _assemble(parts[keep].reset_index(drop=True), year[keep], month[keep], day[keep]))
