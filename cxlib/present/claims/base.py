"""The claim registry: every kind of claim a report makes, the rule it follows, and its check.

A claim kind is registered once, with the condition in words and a function that reads the claim
again from the finding's own evidence (``supported(finding) -> bool``). The builders in the
family modules (:mod:`~cxlib.present.claims.scores`, ``journey``, ``drivers``, ``gap``, ``voice``,
``actions``, ``answer``) set :attr:`Finding.holds` with the same rule; :func:`check` recomputes it,
so a finding whose ``holds`` was set by hand, or whose evidence was changed after it was
written, is caught. The report check (``tests/report/test_report_check.py``) runs
:func:`problems` on every finding of every demo report.

Examples
--------
>>> from cxlib.present.findings import Finding
>>> _ = register(Claim("always", "nothing to check", lambda f: True))
>>> problems([Finding("always", "Fine."), Finding("never_registered", "Said.")])
['never_registered: no such claim kind is registered (say it through a claim builder)']
>>> _ = CLAIMS.pop("always")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from cxlib.present.findings import Finding
from cxlib.present.rereading import Check, finite, has_evidence, number

__all__ = ["Claim", "CLAIMS", "register", "register_family", "check", "problems", "number", "row_of", "finite", "condition", "ALPHA"]

#: The significance level every claim uses (two-sided 95 % intervals).
ALPHA = 0.05


@dataclass(frozen=True)
class Claim:
    """One kind of claim.

    Attributes
    ----------
    kind : str
        :attr:`Finding.kind` of its findings.
    condition : str
        When it may be said, in words (the method notes and ``docs/reports.md`` quote it).
    supported : callable
        ``supported(finding) -> bool``: whether the finding's evidence supports what it says.
    """

    kind: str
    condition: str
    supported: Callable[[Finding], bool]


#: kind -> Claim, for every kind a report can make.
CLAIMS: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    """Add a claim kind (a second registration of the same kind replaces the first)."""
    CLAIMS[claim.kind] = claim
    return claim


def register_family(checks: Mapping[str, Check], conditions: Mapping[str, str]) -> None:
    """Register a family's claim kinds (:mod:`cxlib.present.journey_findings` …): a kind is supported when its
    finding has evidence and its check holds, so the report check re-reads them too."""
    for kind, rule in checks.items():
        register(Claim(kind, conditions[kind], lambda f, rule=rule: has_evidence(f) and bool(rule(f))))


def condition(kind: str) -> str:
    """The registered condition of ``kind``, in words."""
    return CLAIMS[kind].condition


def check(finding: Finding) -> str | None:
    """What is wrong with a finding, or None: said against its evidence, or of an unknown kind."""
    claim = CLAIMS.get(finding.kind)
    if claim is None:
        return f"{finding.kind}: no such claim kind is registered (say it through a claim builder)"
    try:
        ok = bool(claim.supported(finding))
    except (KeyError, IndexError, TypeError, ValueError) as exc:  # evidence without what the claim needs
        return f"{finding.kind}: its evidence cannot be read ({type(exc).__name__}: {exc})"
    if finding.holds and not ok:
        return f"{finding.kind}: said against its evidence: {finding.text!r}"
    if not finding.holds and ok and finding.alternative:
        return f"{finding.kind}: withheld although its evidence supports it: {finding.text!r}"
    return None


def problems(findings: Iterable[Finding | None]) -> list[str]:
    """:func:`check` of every finding (None entries skipped)."""
    return [p for f in findings if f is not None and (p := check(f))]



def row_of(frame: pd.DataFrame | None, column: str, key: Any) -> Mapping[str, Any] | None:
    """The row of ``frame`` whose ``column`` equals ``key`` (None when absent)."""
    if frame is None or column not in frame.columns:
        return None
    hit = frame[frame[column].astype("string") == str(key)]
    return hit.iloc[0].to_dict() if len(hit) else None

