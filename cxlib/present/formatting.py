"""One formatter for every number a report shows: tables, sentences, cards and charts' labels.

A report that says "NPS −0" in a sentence and "+0" in the table beside it, or formats the same
interval two ways, makes a reader doubt both. Every number reaches the page through
:func:`format_value` (tables, by format name) or one of its short forms (:func:`signed`,
:func:`percent`, :func:`count`), so the same value always reads the same.

Rules, for every format: a true minus sign (U+2212); thousands separators; a value that rounds
to zero at the digits shown is written without a sign ("0", "0.00"), never "−0" or "+0.0";
missing values (None, NaN, NA, NaT) read "–".

Examples
--------
>>> signed(-3.2), signed(4), signed(-0.2), signed(0.25, 1)
('−3', '+4', '0', '+0.2')
>>> format_value(-3.25, "signed1"), format_value(0.0004, "p"), format_value(1234, "int"), format_value(12.5, "pct0")
('−3.2', '< 0.001', '1,234', '12 %')
>>> format_value(-0.001, "2"), percent(0.5, 1), count(12345.0)
('0.00', '0.5 %', '12,345')
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pandas as pd

__all__ = ["MISSING", "MINUS", "Format", "FORMATS", "CURRENCY_SYMBOLS", "is_missing", "format_value", "signed",
           "decimal", "percent", "count", "p_value", "money", "rounded", "interval", "label"]

#: What a missing value reads.
MISSING = "\u2013"
#: The minus sign used in reports (a hyphen reads as a dash in print).
MINUS = "\u2212"
#: A format name (see :func:`format_value`) or a callable returning text.
Format = str | Callable[[Any], str]
#: Currencies written with a symbol; any other ISO code is written before the amount ("CHF 1,200").
CURRENCY_SYMBOLS = {"EUR": "\u20ac", "GBP": "\u00a3", "USD": "$", "JPY": "\u00a5", "INR": "\u20b9"}
#: The format names :func:`format_value` accepts (digits ``0``-``9`` may follow ``pct``, ``frac``, ``signed``).
FORMATS = ("int", "0-9", "pct<d>", "frac<d>", "signed<d>", "p", "bool", "text")


def is_missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` or ``NaT``.

    >>> is_missing(None), is_missing(float("nan")), is_missing(pd.NA), is_missing(0)
    (True, True, True, False)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fixed(number: float, digits: int, *, sign: bool) -> str:
    text = f"{number:{'+' if sign else ''},.{digits}f}"
    if float(text.replace(",", "")) == 0:  # rounds to zero at the digits shown: no sign
        text = f"{0:.{digits}f}"
    return text.replace("-", MINUS)


def signed(value: Any, digits: int = 0) -> str:
    """A number with an explicit sign (NPS, changes, differences): ``-3.2 -> '−3'``, ``4 -> '+4'``.

    >>> signed(-3.2), signed(4), signed(0.25, 1), signed(float("nan"))
    ('−3', '+4', '+0.2', '–')
    """
    return format_value(value, f"signed{int(digits)}")


def decimal(value: Any, digits: int = 0) -> str:
    """A number with ``digits`` decimals: ``decimal(3.456, 2) -> '3.46'``.

    >>> decimal(3.456, 2), decimal(-1234.5)
    ('3.46', '−1,234')
    """
    return format_value(value, str(int(digits)))


def percent(value: Any, digits: int = 0) -> str:
    """A value already in percent: ``percent(12.34, 1) -> '12.3 %'``.

    >>> percent(12.34, 1), percent(None)
    ('12.3 %', '–')
    """
    return format_value(value, f"pct{int(digits)}")


def count(value: Any) -> str:
    """A whole count with thousands separators: ``count(12345) -> '12,345'``.

    >>> count(12345), count(float("nan"))
    ('12,345', '–')
    """
    return format_value(value, "int")


def p_value(value: Any) -> str:
    """A p-value: ``< 0.001`` below a thousandth, three decimals otherwise.

    >>> p_value(0.0004), p_value(0.0123)
    ('< 0.001', '0.012')
    """
    return format_value(value, "p")


def format_value(value: Any, fmt: Format | None = None) -> str:
    """Format one value for a report (unescaped text).

    Parameters
    ----------
    value : any
    fmt : str or callable, optional
        ``"int"`` (thousands separators), ``"0"``-``"9"`` (decimals), ``"pct0"``/``"pct1"``
        (value already in percent), ``"frac0"``/``"frac1"`` (a 0-1 fraction shown in percent),
        ``"signed0"``/``"signed1"`` (explicit +/−, for NPS and differences), ``"p"`` (p-value,
        ``< 0.001``), ``"bool"`` (yes/no), ``"text"``, or a callable returning text. Default: by type.

    Returns
    -------
    str
        ``"–"`` for missing values.

    Raises
    ------
    ValueError
        An unknown format name.

    Examples
    --------
    >>> format_value(-3.25, "signed1"), format_value(0.123, "frac0"), format_value(True), format_value(2.5)
    ('−3.2', '12 %', 'yes', '2.50')
    """
    if callable(fmt):
        return str(fmt(value))
    if is_missing(value):
        return MISSING
    if fmt in (None, "text"):
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (int, np.integer)):
            return f"{int(value):,}"
        if isinstance(value, (float, np.floating)):
            return f"{float(value):,.2f}"
        if isinstance(value, (tuple, list)):
            return ", ".join(str(v) for v in value)
        return str(value)
    if fmt == "bool":
        return "yes" if bool(value) else "no"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if fmt == "int":
        return _fixed(number, 0, sign=False)
    if fmt == "p":
        return "< 0.001" if number < 0.001 else f"{number:.3f}"
    for prefix, scale, suffix, sign in (("frac", 100.0, " %", False), ("pct", 1.0, " %", False),
                                        ("signed", 1.0, "", True)):
        if fmt.startswith(prefix) and (fmt[len(prefix):] == "" or fmt[len(prefix):].isdigit()):
            return _fixed(scale * number, int(fmt[len(prefix):] or 0), sign=sign) + suffix
    if fmt.isdigit():
        return _fixed(number, int(fmt), sign=False)
    raise ValueError(f"Unknown format {fmt!r}; use int, 0-9, pct0/pct1, frac0/frac1, signed0/signed1, p, bool, "
                     "text or a callable.")


def rounded(value: Any) -> float:
    """A large amount rounded for reading: two significant figures above 1,000, whole units below.

    >>> rounded(29345.2), rounded(1234), rounded(987.6), rounded(-15500)
    (29000.0, 1200.0, 988.0, -16000.0)
    """
    number = float(value)
    if is_missing(number) or number == 0:
        return number
    if abs(number) < 1000:
        return float(round(number))
    digits = int(math.floor(math.log10(abs(number)))) - 1
    return float(round(number, -digits))


def money(value: Any, currency: str, *, exact: bool = False) -> str:
    """An amount of money, always with its currency: ``money(29345, "EUR") -> '€29,000'``.

    Parameters
    ----------
    value : number
    currency : str
        ISO 4217 code from client.yaml (``currency``); an empty code raises, so no amount is ever
        printed without one.
    exact : bool
        Whole units instead of two significant figures.

    >>> money(29345, "EUR"), money(9351, "GBP", exact=True), money(-1200, "CHF"), money(None, "EUR")
    ('€29,000', '£9,351', '−CHF 1,200', '–')
    """
    if not currency:
        raise ValueError("money(): no currency; set `currency:` in client.yaml.")
    if is_missing(value):
        return MISSING
    number = float(value) if exact else rounded(value)
    amount = _fixed(abs(number), 0, sign=False)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    text = f"{symbol}{amount}" if symbol else f"{currency.upper()} {amount}"
    return (MINUS + text) if number < 0 and amount != "0" else text


def interval(low: Any, high: Any, fmt: Format = "0", *, level: float = 0.95) -> str:
    """``95 % CI a to b`` with both ends written by :func:`format_value` (``–`` ends: empty string).

    >>> interval(-41.4, -34.3, "signed0"), interval(12.3, 15.6, "pct0"), interval(None, 1)
    ('95 % CI −41 to −34', '95 % CI 12 % to 16 %', '')
    """
    if is_missing(low) or is_missing(high):
        return ""
    return f"{round(level * 100):d} % CI {format_value(low, fmt)} to {format_value(high, fmt)}"


def label(key: Any) -> str:
    """A code turned into words for a reader: ``customer_care -> 'Customer care'``, ``tp_billing -> 'Billing'``.

    Client labels (client.yaml) come first wherever a report has them; this is the fallback, so no
    snake_case code ever reaches a page.

    >>> label("customer_care"), label("small_business"), label("north_west"), label("tp_billing"), label("NPS")
    ('Customer care', 'Small business', 'North west', 'Billing', 'NPS')
    """
    if is_missing(key):
        return MISSING
    text = str(key).strip()
    for prefix in ("tp_", "rating_", "n_"):
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
    text = text.replace("_", " ").replace(".", " ").strip()
    if not text:
        return str(key)
    return text if text.isupper() else text[:1].upper() + text[1:]
