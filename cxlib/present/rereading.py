"""Reading a claim again from its evidence: the helpers every claim family shares.

A leaf module (it imports only :mod:`cxlib.present.findings`), so the family modules
(:mod:`~cxlib.present.journey_findings`, :mod:`~cxlib.present.social_findings`,
:mod:`~cxlib.present.view_findings`) and the claim registry (:mod:`cxlib.present.claims.base`)
all use it without an import cycle.

* :func:`number`, :func:`finite` -- a cell of an evidence table as a float, and whether cells are usable;
* :func:`judged` -- a finding with ``holds`` set by its kind's check;
* :func:`family_problems` -- the findings of one family said against their evidence, or withheld
  although it supports them (a family's checks join the one claim registry through
  :func:`cxlib.present.claims.base.register_family`).

Examples
--------
>>> number("3.5"), number(None) != number(None), finite(1, "2"), finite(1, None)
(3.5, True, True, False)
>>> import pandas as pd
>>> checks = {"big": lambda f: f.numbers[0].value > 10}
>>> from cxlib.present.findings import Cited, Finding
>>> f = Finding("big", "It is big.", numbers=(Cited("size", 5.0),), evidence=pd.DataFrame({"n": [5]}), holds=True)
>>> judged(f, checks).holds
False
>>> family_problems([f, None], checks)
["big: said against its evidence: 'It is big.'"]
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from cxlib.present.findings import Finding

__all__ = ["Check", "number", "finite", "has_evidence", "judged", "family_problems"]

#: ``check(finding) -> bool``: whether the finding's evidence supports what it says.
Check = Callable[[Finding], bool]


def number(value: Any) -> float:
    """A float (NaN for None, NA and text)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def finite(*values: Any) -> bool:
    """Whether every value reads as a finite number."""
    return all(np.isfinite(number(v)) for v in values)


def has_evidence(f: Finding) -> bool:
    """Whether the finding has an evidence table with at least one row."""
    return f.evidence is not None and len(f.evidence) > 0


def judged(f: Finding, checks: Mapping[str, Check]) -> Finding:
    """``f`` with ``holds`` set by its kind's check in ``checks``."""
    return Finding(f.kind, f.text, numbers=f.numbers, evidence=f.evidence, condition=f.condition,
                   holds=bool(checks[f.kind](f)), alternative=f.alternative)


def family_problems(items: Iterable[Finding | None], checks: Mapping[str, Check]) -> list[str]:
    """Findings of the kinds in ``checks`` said against their evidence (or withheld although it supports them).

    Findings of other kinds, and None entries, are skipped; a finding without evidence is not supported.
    """
    out = []
    for f in items:
        if f is None or f.kind not in checks:
            continue
        ok = bool(checks[f.kind](f)) if has_evidence(f) else False
        if f.holds and not ok:
            out.append(f"{f.kind}: said against its evidence: {f.text!r}")
        elif not f.holds and ok and f.alternative:
            out.append(f"{f.kind}: withheld although its evidence supports it: {f.text!r}")
    return out
