"""Mapping survey answer scales onto the canonical scales of the data model.

Canonical scales: ``nps`` 0-10, ``csat`` 1-5, ``ces`` 1-7 (7 = very easy),
touchpoint ``rating`` 1-5. Client surveys arrive on other scales (NPS asked on
1-10, as labelled text "10 - Extremely likely", with 11 = not applicable, on a
0-100 slider, SPSS codes with 99 = don't know). :func:`detect_scale` says what
a column looks like; :func:`map_scale` maps it, or refuses when it is ambiguous
and nothing was declared in client.yaml (``tables: <table>: scales:``).

Examples
--------
>>> s = pd.Series(["10 - Extremely likely", "0 - Not at all likely", "N/A", "7"])
>>> map_scale(s, target="nps").values.tolist()
[10, 0, <NA>, 7]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.errors import ScaleError
from cxlib.ingest.parsing import NA_TOKENS, Coerced, in_missing

__all__ = ["ScaleGuess", "detect_scale", "map_scale", "parse_scale", "mapping_note", "TARGET_RANGES", "WORD_SCALES",
           "word_score"]

Target = Literal["nps", "csat", "ces", "rating", "stars"]

#: Canonical (low, high) of each target scale.
TARGET_RANGES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5),
                                              "stars": (1, 5)}
#: Five-point answer scales exported as words, lowest first (read as 1-5 for csat, ratings and stars).
WORD_SCALES: tuple[tuple[str, ...], ...] = (
    ("very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied", "very satisfied"),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    ("very poor", "poor", "fair", "good", "very good"),
    ("very poor", "poor", "average", "good", "excellent"),
    ("very unfavorably", "somewhat unfavorably", "neither favorably nor unfavorably (neutral)", "somewhat favorably",
     "very favorably"),
    ("very unlikely", "unlikely", "neither likely nor unlikely", "likely", "very likely"),
)
_WORD_SCORES: dict[str, int] = {}
for _scale in WORD_SCALES:
    for _i, _w in enumerate(_scale, start=1):
        _WORD_SCORES.setdefault(_w, _i)
_WORD_SCORES.update({"neutral": 3, "excellent": 5, "very unsatisfied": 1, "unsatisfied": 2, "neither": 3})


def word_score(text) -> int | None:
    """The 1-5 score of a five-point answer written as words (:data:`WORD_SCALES`), or None.

    >>> word_score("Strongly Agree"), word_score(" very satisfied. "), word_score("9")
    (5, 5, None)
    """
    key = " ".join(str(text).strip().lower().rstrip(".!").split())
    return _WORD_SCORES.get(key)

# Labels that mean "no score": the answer is missing, never a number.
_NA_LABEL = re.compile(
    r"(?i)^\W*(n\s*/\s*a|n\.a\.|na|not applicable|does ?n[o']t apply|don'?t know|do not know|dk|no answer|"
    r"prefer not to (say|answer)|refused|not sure|unsure|no opinion|cannot say|can'?t say|"
    r"unfamiliar(?: \(n/a\))?|not familiar|have not heard of (?:it|them)|never used)\W*$"
)
_LEADING = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:[-\u2013\u2014=:.)]\s*|\s+)(.*?)\s*$", re.S)
_TRAILING = re.compile(r"^\s*(.*?\D)\s*\(?(\d+(?:\.\d+)?)\)?\s*$", re.S)
_SCALE = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")
# Codes survey tools use for "not applicable / don't know" beside a scale.
_COMMON_CODES = (98, 99, 999, 9999, -1, -9, -99)


@dataclass(frozen=True)
class ScaleGuess:
    """What a column's values look like.

    Attributes
    ----------
    scale : str or None
        ``"0-10"``, ``"1-10"``, ``"0-100"``, ``"1-5"``, ``"1-7"``... or None when
        no scale can be chosen (unrecognised, or ambiguous).
    ambiguous : bool
        True when the values fit more than one scale and a declaration is needed.
    evidence : str
        Why, in words, for messages.
    """

    scale: str | None
    ambiguous: bool
    evidence: str


def parse_scale(scale: str, *, target: Target) -> tuple[float, float]:
    """The (value meaning lowest, value meaning highest) of a declared scale.

    ``"1-10"`` -> (1, 10); ``"5-1"`` declares a reversed scale (1 = best);
    ``"labelled"`` is the target's own range, numbers read from the labels.

    Examples
    --------
    >>> parse_scale("1-10", target="nps"), parse_scale("labelled", target="csat")
    ((1.0, 10.0), (1.0, 5.0))
    """
    if target not in TARGET_RANGES:
        raise ValueError(f"unknown target {target!r}; expected one of {sorted(TARGET_RANGES)}")
    if str(scale).strip().lower() == "labelled":
        lo, hi = TARGET_RANGES[target]
        return float(lo), float(hi)
    m = _SCALE.match(str(scale))
    if not m or m.group(1) == m.group(2):
        raise ScaleError(f"unknown scale {scale!r} for {target}; expected a range such as \"0-10\", \"1-10\", "
                         "\"0-100\", \"1-5\", \"5-1\" (reversed), or \"labelled\". Fix `scales:` in client.yaml.")
    return float(m.group(1)), float(m.group(2))


def mapping_note(target: Target, scale: str) -> str:
    """One sentence for a report's data-quality notes on how ``scale`` was mapped.

    Examples
    --------
    >>> mapping_note("nps", "1-10")[:60]
    'nps answered on 1-10, mapped to 0-10 by round(0 + (x - 1) × '
    """
    lo, hi = parse_scale(scale, target=target)
    tlo, thi = TARGET_RANGES[target]
    if (lo, hi) == (tlo, thi):
        return f"{target} answered on its canonical {tlo}-{thi} scale."
    factor = (thi - tlo) / (hi - lo)
    note = (f"{target} answered on {scale}, mapped to {tlo}-{thi} by round({tlo} + (x - {_num(lo)}) × "
            f"{factor:.4g}), halves rounded up.")
    if target == "nps" and (lo, hi) == (1, 10):
        note += (" Promoter (9-10), passive (7-8) and detractor (1-6) groups are unchanged; the scale has no 0, "
                 "so comparisons with 0-10 benchmarks are approximate.")
    return note


def detect_scale(series: pd.Series, *, target: Target) -> ScaleGuess:
    """Guess the answer scale of ``series`` for a ``target`` scale.

    Parameters
    ----------
    series : Series
        Raw answers: numbers, number texts, or labelled texts ("10 - Extremely likely").
    target : {"nps", "csat", "ces", "rating"}
        The canonical scale wanted (:data:`TARGET_RANGES`).

    Returns
    -------
    ScaleGuess
        ``scale`` (None when unrecognised or ambiguous), ``ambiguous``, ``evidence``.

    Notes
    -----
    - nps: values within 0-10 that use 0 are "0-10". Values within 1-10 with
      no 0 are ambiguous (a 1-10 scale, or 0-10 where nobody chose 0). Values
      above 10 up to 100 are "0-100" only when all are multiples of 10 (a slider
      in steps of 10); otherwise ambiguous.
    - csat, rating: within 1-5 is "1-5"; values up to 7 or 10, or a 0, are
      ambiguous. ces: within 1-7 reaching 6 or 7 is "1-7"; only 1-5 is ambiguous.
    - A few values just above the scale (11 on 0-10) or common codes (98, 99,
      999, -1...) beside an otherwise clean scale keep the guess and are named
      in the evidence as probable "not applicable" codes; they are errors
      unless declared in ``missing_codes``.

    Examples
    --------
    >>> detect_scale(pd.Series([0, 7, 10]), target="nps")
    ScaleGuess(scale='0-10', ambiguous=False, evidence='values 0-10, including 0')
    >>> detect_scale(pd.Series([1, 7, 10]), target="nps").ambiguous
    True
    """
    if target not in TARGET_RANGES:
        raise ValueError(f"unknown target {target!r}; expected one of {sorted(TARGET_RANGES)}")
    parsed = _parse(pd.Series(series).reset_index(drop=True), missing_codes=(), value_labels=None,
                    word_scale=TARGET_RANGES[target] == (1, 5))
    return _guess(parsed.numbers[parsed.valid], target, labelled=parsed.labelled)


def map_scale(
    series: pd.Series,
    *,
    target: Target,
    scale: str | None = None,
    missing_codes: Iterable = (),
    value_labels: dict | None = None,
    column: str = "",
    file: str = "",
    row_numbers=None,
    key: str | None = None,
) -> Coerced:
    """Map survey answers onto the canonical ``target`` scale.

    Parameters
    ----------
    series : Series
        Raw answers (numbers, number texts, labelled texts, SPSS codes). Not modified.
    target : {"nps", "csat", "ces", "rating"}
        Canonical scale: nps 0-10, csat 1-5, ces 1-7, rating 1-5.
    scale : str, optional
        Declared answer scale (client.yaml ``scales:``): ``"0-10"``, ``"1-10"``,
        ``"0-100"``, ``"1-5"``, ``"5-1"`` (reversed), ``"labelled"``... Default:
        :func:`detect_scale`, refused with :class:`ScaleError` when ambiguous.
    missing_codes : iterable
        Codes that mean "no answer" (SPSS user-missing, client.yaml
        ``missing_codes``): values or ``(lo, hi)`` ranges. Always missing, never scores.
    value_labels : dict, optional
        ``{code: label}`` (SPSS). Codes labelled "N/A", "Don't know"... are
        missing; label texts in the data are read as their codes.
    column, file : str
        For messages.
    row_numbers : array-like, optional
        Row numbers people see (``RawTable.row_numbers``), aligned with ``series``, for messages.
    key : str, optional
        The client.yaml ``scales:`` key to suggest (default: ``target``, or
        ``column`` for ratings).

    Returns
    -------
    Coerced
        ``values`` (Int64 on the target scale) and ``errors`` (per cell: "11 is
        outside 0-10", "'very' is not a score"...).

    Raises
    ------
    ScaleError
        No scale declared and the values are ambiguous or fit no known scale;
        or an unknown declared scale.

    Notes
    -----
    Missing, never a score: nulls, blanks, ``missing_codes``, N/A-like texts
    ("N/A", "Don't know", "11 - Not applicable") and codes whose value label
    is N/A-like.

    A declared scale ``lo-hi`` is mapped linearly onto the target range
    ``tlo-thi``: ``round(tlo + (x - lo) * (thi - tlo) / (hi - lo))``, halves
    up. Values outside the declared range are errors.

    NPS asked on 1-10: practitioners who meet this scale keep Reichheld's
    groups on the raw answer (9-10 promoters, 7-8 passives, 1-6 detractors).
    The linear map above does exactly that: 1, 2, 3, 4, 5 -> 0, 1, 2, 3, 4;
    6..10 unchanged; so the NPS is the one computed on the raw answers, while
    means land on 0-10. A shift ``x - 1`` would instead turn 9 into a passive
    and lower NPS. Caveat: without a 0 the question is a different instrument
    (the scale midpoint and anchor differ), so benchmarks against 0-10 NPS are
    approximate; :func:`mapping_note` says so in reports.

    A 0-100 slider maps to ``round(x / 10)`` (45 -> 5, halves up); refused
    unless declared or all values are multiples of 10, since a slider's
    rounding moves respondents across the 6/7 and 8/9 group boundaries.

    References: Reichheld, F. (2003), "The One Number You Need to Grow",
    Harvard Business Review 81(12) (0-10 scale, groups 0-6/7-8/9-10).

    Examples
    --------
    >>> map_scale(pd.Series([1, 5, 6, 9, 10]), target="nps", scale="1-10").values.tolist()
    [0, 4, 6, 9, 10]
    >>> map_scale(pd.Series([99, 3]), target="csat", missing_codes=[99]).values.tolist()
    [<NA>, 3]
    """
    if target not in TARGET_RANGES:
        raise ValueError(f"unknown target {target!r}; expected one of {sorted(TARGET_RANGES)}")
    index = series.index
    s = pd.Series(series, copy=False).reset_index(drop=True)
    parsed = _parse(s, missing_codes=missing_codes, value_labels=value_labels,
                    word_scale=TARGET_RANGES[target] == (1, 5))
    tlo, thi = TARGET_RANGES[target]
    where = ", ".join(p for p in (file, f"column `{column}`" if column else "") if p) or target
    if key is None:
        key = column if target == "rating" and column else target
    if scale is None:
        guess = _guess(parsed.numbers[parsed.valid], target, labelled=parsed.labelled)
        if guess.scale is None:
            example = _example(s, parsed, row_numbers)
            raise ScaleError(
                f"{where}: {guess.evidence}{example}. Expected {target} on {tlo}-{thi}. "
                f"Declare the answer scale in client.yaml: `tables: <table>: scales: {{{key}: \"...\"}}` "
                f"(e.g. \"0-10\", \"1-10\", \"0-100\", \"labelled\"), and codes meaning no answer in "
                f"`missing_codes: {{{key}: [...]}}`."
            )
        scale = guess.scale
    lo, hi = parse_scale(scale, target=target)
    smin, smax = min(lo, hi), max(lo, hi)
    x = parsed.numbers
    errors = parsed.errors.copy()
    ok = parsed.valid.copy()
    allow_fraction = smax - smin > 20  # sliders
    outside = ok & ((x < smin) | (x > smax))
    fraction = ok & ~outside & (x != np.round(x)) & (not allow_fraction)
    for i in np.flatnonzero(outside):
        hint = " (a code for 'not applicable'? list it in missing_codes)" if x[i] in (smax + 1, *_COMMON_CODES) else ""
        errors.iat[i] = f"{_show(s.iat[i])} is outside {scale}{hint}"
    for i in np.flatnonzero(fraction):
        errors.iat[i] = f"{_show(s.iat[i])} is not a whole number"
    ok &= ~outside & ~fraction
    with np.errstate(invalid="ignore"):
        mapped = tlo + (x - lo) * (thi - tlo) / (hi - lo)
        mapped = np.floor(mapped + 0.5 + 1e-9)
    values = pd.array(np.where(ok, mapped, 0).astype(np.int64), dtype="Int64")
    values[~ok] = pd.NA
    return Coerced(values=pd.Series(values, index=index), errors=pd.Series(errors.array, index=index))


# --------------------------------------------------------------------------- internals
@dataclass(frozen=True)
class _Parsed:
    numbers: np.ndarray  # float, NaN where no number
    valid: np.ndarray  # a number to score
    errors: pd.Series  # string reasons
    labelled: bool  # numbers were read from labelled texts


def _show(v) -> str:
    if isinstance(v, str):
        v = v.strip()
        return repr(v if len(v) <= 40 else v[:37] + "...")
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _parse(s: pd.Series, *, missing_codes: Iterable, value_labels: dict | None, word_scale: bool = False) -> _Parsed:
    n = len(s)
    numbers = np.full(n, np.nan)
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    labels = {}
    for code, label in (value_labels or {}).items():
        try:
            labels[float(code)] = str(label)
        except (TypeError, ValueError):
            continue
    by_label = {lab.strip().lower(): code for code, lab in labels.items()}
    na_codes = {code for code, lab in labels.items() if _NA_LABEL.match(lab)}
    missing = s.isna().to_numpy(dtype=bool) | in_missing(s, missing_codes)
    labelled = False
    # fast path: plain numbers (typed, or text that parses); the loop below sees the rest
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        numbers = s.astype("float64").to_numpy(copy=True)
        todo = np.zeros(n, dtype=bool)
    else:
        plain = pd.to_numeric(s.astype("string").str.strip(), errors="coerce").astype("float64").to_numpy()
        is_bool = s.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool) if s.dtype == object \
            else np.zeros(n, dtype=bool)
        numbers = np.where(is_bool, np.nan, plain)
        todo = np.isnan(numbers) & ~missing
    for i in np.flatnonzero(todo):
        v = s.iat[i]
        if isinstance(v, (bool, np.bool_)):
            errors.iat[i] = f"{v} is not a score"
            continue
        if isinstance(v, (int, float, np.integer, np.floating)):
            numbers[i] = float(v)
            continue
        text = str(v).strip()
        if text == "" or text.lower() in NA_TOKENS or _NA_LABEL.match(text):
            missing[i] = True
            continue
        try:
            numbers[i] = float(text)
            continue
        except ValueError:
            pass
        m = _LEADING.match(text)
        number, label = (m.group(1), m.group(2)) if m else (None, None)
        if number is None:
            m = _TRAILING.match(text)
            number, label = (m.group(2), m.group(1)) if m else (None, None)
        if number is not None:
            if label and _NA_LABEL.match(label):
                missing[i] = True
                continue
            numbers[i] = float(number)
            labelled = True
        elif text.lower() in by_label:
            numbers[i] = by_label[text.lower()]
        elif word_scale and word_score(text) is not None:
            numbers[i] = word_score(text)
            labelled = True
        else:
            errors.iat[i] = f"{_show(text)} is not a score"
    with np.errstate(invalid="ignore"):
        for code in na_codes:
            missing |= numbers == code
    numbers[missing] = np.nan
    valid = ~np.isnan(numbers)
    return _Parsed(numbers=numbers, valid=valid, errors=errors, labelled=labelled)


def _example(s: pd.Series, parsed: _Parsed, row_numbers) -> str:
    idx = np.flatnonzero(parsed.valid)
    if len(idx) == 0:
        return ""
    x = parsed.numbers
    i = idx[np.argmax(x[idx])]
    if row_numbers is None:
        return f" (e.g. {_show(s.iat[i])})"
    return f" (e.g. row {row_numbers[i]}: {_show(s.iat[i])})"


def _guess(x: np.ndarray, target: str, *, labelled: bool) -> ScaleGuess:
    tlo, thi = TARGET_RANGES[target]
    how = "labelled values" if labelled else "values"
    if len(x) == 0:
        return ScaleGuess(None, False, "no answers to recognise a scale from")
    whole = bool(np.all(x == np.round(x)))
    inside = (x >= tlo) & (x <= thi)
    outliers = x[~inside]
    extra = ""
    if len(outliers) and set(np.unique(outliers)) <= {thi + 1, *_COMMON_CODES} and len(outliers) <= 0.2 * len(x):
        codes = ", ".join(_num(c) for c in np.unique(outliers))
        extra = f"; {len(outliers)} answer(s) coded {codes}, probably 'not applicable' (declare them in missing_codes)"
        x = x[inside]
    mn, mx = float(np.min(x)), float(np.max(x))
    span = f"{_num(mn)}-{_num(mx)}"
    if not whole and mx <= thi:
        return ScaleGuess(None, False, f"{how} include fractions such as {_num(x[x != np.round(x)][0])}")
    if target == "nps":
        if mn >= 0 and mx <= 10:
            if mn == 0:
                return ScaleGuess("0-10", False, f"{how} 0-10, including 0" + extra)
            return ScaleGuess(None, True, f"{how} are {span} with no 0: this looks like a 1-10 scale, or 0-10 "
                                          "where nobody answered 0" + extra)
        if mn >= 0 and 20 < mx <= 100 or mn >= 0 and mx <= 100 and np.all(x % 10 == 0):
            if np.all(x % 10 == 0):
                return ScaleGuess("0-100", False, f"{how} {span}, all multiples of 10: a 0-100 slider in steps of 10")
            return ScaleGuess(None, True, f"{how} go up to {_num(mx)} and are not all multiples of 10: this looks "
                                          "like a 0-100 slider, whose mapping to 0-10 must be declared")
    else:
        if mn >= tlo and mx <= thi and whole:
            if target == "ces" and mx <= 5:
                return ScaleGuess(None, True, f"{how} are {span}: a 1-5 effort scale, or 1-7 where nobody "
                                              "answered 6 or 7" + extra)
            return ScaleGuess(f"{tlo}-{thi}", False, f"{how} {span}, within {tlo}-{thi}" + extra)
        if mn >= 0 and mx <= 10 and whole:
            options = [r for r in ("0-4", "0-5", "0-6", "1-7", "0-10", "1-10")
                       if _fits(r, mn, mx)]
            return ScaleGuess(None, True, f"{how} are {span}, outside {tlo}-{thi}: the scale could be "
                                          f"{' or '.join(options)}")
    return ScaleGuess(None, False, f"{how} {span} fit no known {target} scale")


def _fits(scale: str, mn: float, mx: float) -> bool:
    lo, hi = (float(p) for p in scale.split("-"))
    return lo <= mn and hi - 3 <= mx <= hi
