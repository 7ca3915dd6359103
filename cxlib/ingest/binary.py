"""Yes/no outcomes read from the words clients' exports use: satisfied or not, would recommend or not.

A satisfaction question is often exported as two or three labels ("satisfied" / "neutral or
dissatisfied", "Good" / "Bad" in ticket tools), a recommend question as "Yes." / "No." or
"Recommended" / "Not recommended", or as 1/0 and true/false. :func:`map_binary` reads them all;
"don't know"-like answers are missing (never counted), anything else is an error naming the value.

Examples
--------
>>> s = pd.Series(["satisfied", "neutral or dissatisfied", "Satisfied", "N/A", "meh"])
>>> c = map_binary(s, target="satisfied")
>>> c.values.tolist(), c.errors.tolist()[-1]
([True, False, True, <NA>, <NA>], "'meh' is not a yes/no answer for satisfied")
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cxlib.ingest.parsing import FALSE_TOKENS, NA_TOKENS, TRUE_TOKENS, Coerced, in_missing

__all__ = ["BINARY_TARGETS", "YES_WORDS", "NO_WORDS", "DONT_KNOW", "map_binary", "looks_binary"]

#: Canonical yes/no outcome columns.
BINARY_TARGETS = ("satisfied", "recommend")

_WORD = r"(?:very|completely|extremely|somewhat|fairly|quite|mostly)\s+"
#: Words meaning yes / no, per target (lower case, trailing punctuation ignored), beside true/false/yes/no/1/0.
YES_WORDS: dict[str, re.Pattern] = {
    "satisfied": re.compile(rf"^(?:{_WORD})?(?:satisfied|happy|good|positive|pleased|content)$"),
    "recommend": re.compile(r"^(?:recommended|would recommend|i would recommend|recommend|promoter|"
                            r"definitely|probably|definitely yes|probably yes|yes,? definitely|yes,? probably)$"),
}
NO_WORDS: dict[str, re.Pattern] = {
    "satisfied": re.compile(rf"^(?:(?:{_WORD})?(?:dissatisfied|unsatisfied|unhappy|bad|negative|not satisfied)|"
                            r"neutral or dissatisfied|neutral/dissatisfied|neutral or unsatisfied|neutral|"
                            r"neither satisfied nor dissatisfied|neither)$"),
    "recommend": re.compile(r"^(?:not recommended|would not recommend|wouldn't recommend|i would not recommend|"
                            r"don'?t recommend|do not recommend|detractor|definitely not|probably not|no,? never)$"),
}
#: Answers that are no answer: never yes, never no.
DONT_KNOW = re.compile(r"^(?:n\s*/\s*a|na|not sure|unsure|don'?t know|do not know|i don'?t know|i don'?t remember|"
                       r"don'?t remember|can'?t remember|not applicable|no opinion|prefer not to (?:say|answer)|"
                       r"maybe|offered|unoffered|not offered)$")


def _norm(value) -> str:
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    return text.rstrip(".!")


def looks_binary(values, target: str) -> bool:
    """True when at least nine in ten of the distinct ``values`` read as yes/no (or no answer) for ``target``.

    >>> looks_binary(["Yes.", "No.", "Not sure."], "recommend")
    True
    """
    texts = [_norm(v) for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if not texts:
        return False
    yes, no = YES_WORDS[target], NO_WORDS[target]
    known = [t for t in texts if t in TRUE_TOKENS | FALSE_TOKENS or yes.match(t) or no.match(t)
             or DONT_KNOW.match(t) or t in NA_TOKENS]
    decisive = [t for t in known if not (DONT_KNOW.match(t) or t in NA_TOKENS)]
    return len(known) >= 0.9 * len(texts) and len(decisive) >= 1


def map_binary(series: pd.Series, *, target: str, missing_codes: Iterable = (),
               value_labels: dict | None = None) -> Coerced:
    """Read a yes/no outcome column.

    Parameters
    ----------
    series : Series
        Raw answers (text, 0/1 numbers, booleans, SPSS codes).
    target : {"satisfied", "recommend"}
    missing_codes : iterable
        Codes that mean no answer.
    value_labels : dict, optional
        SPSS value labels; a code is read through its label.

    Returns
    -------
    Coerced
        ``values`` (``boolean``) and ``errors`` (why a cell is not a yes/no answer).
    """
    if target not in BINARY_TARGETS:
        raise ValueError(f"unknown yes/no target {target!r}; expected one of {BINARY_TARGETS}")
    index = series.index
    s = pd.Series(series, copy=False).reset_index(drop=True)
    out = pd.array([pd.NA] * len(s), dtype="boolean")
    errors = pd.Series(pd.NA, index=s.index, dtype="string")
    missing = s.isna().to_numpy(dtype=bool) | in_missing(s, missing_codes)
    labels = {}
    for code, label in (value_labels or {}).items():
        try:
            labels[float(code)] = label
        except (TypeError, ValueError):
            labels[code] = label
    yes, no = YES_WORDS[target], NO_WORDS[target]
    cache: dict = {}
    for i, v in enumerate(s.tolist()):
        if missing[i]:
            continue
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
            continue
        if labels:
            try:
                v = labels.get(float(v), v)
            except (TypeError, ValueError):
                v = labels.get(v, v)
        key = _norm(v)
        if key not in cache:
            if key in TRUE_TOKENS or yes.match(key):
                cache[key] = True
            elif key in FALSE_TOKENS or no.match(key):
                cache[key] = False
            elif key == "" or key in NA_TOKENS or DONT_KNOW.match(key):
                cache[key] = None
            else:
                cache[key] = "error"
        found = cache[key]
        if found == "error":
            shown = str(v).strip()
            errors.iat[i] = f"{shown[:40]!r} is not a yes/no answer for {target}"
        elif found is not None:
            out[i] = found
    return Coerced(values=pd.Series(out, index=index), errors=pd.Series(errors.array, index=index))
