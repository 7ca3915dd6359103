"""Findings as data: a claim, the numbers it cites, its evidence, and when it may be said.

A report sentence is a :class:`Finding`, not a string: the text a reader sees, every number in it
as a :class:`Cited` value (estimate, unit, n, interval), the evidence table it was read from, the
row it names (``subject``), the thresholds it applied (``params``) and the condition under which
the claim may be made. A finding whose condition does not hold is not said; its ``alternative``
(the honest thing to say instead) is, when there is one.

Each claim kind (``"driver_top"``, ``"fix_first"``, ``"break_gap"`` …) is written by one builder
in :mod:`cxlib.present.claims`, which also registers a check that reads the claim again from its
evidence: :func:`cxlib.present.claims.check` finds any finding said against its evidence.

Plain language for executives, method words for analysts: ``text`` (and ``alternative``) is
what everyone reads; ``method`` (e.g. "Holm-adjusted p = 0.41; odds ratio 3.1") is appended for
analysts only (:meth:`Finding.said_to`).

Examples
--------
>>> nps = Cited("Relationship NPS", -38.2, unit="NPS points", n=1468, ci=(-41.4, -34.3))
>>> f = Finding("outcome_level", "Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).",
...             numbers=(nps,), condition="the client's own score, always given with its interval")
>>> f.said, f.numbers[0].n
('Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).', 1468)
>>> g = Finding("driver_top", "Billing is the strongest driver.", holds=False,
...             alternative="No single touchpoint stands out.", method="R² = 0.01")
>>> g.said, g.said_to("analyst")
('No single touchpoint stands out.', 'No single touchpoint stands out. (R² = 0.01)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

__all__ = ["Cited", "Finding", "said", "said_to"]


@dataclass(frozen=True)
class Cited:
    """One number a finding cites, with what a reader needs to weigh it.

    Attributes
    ----------
    label : str
        What it measures, in the reader's words ("Relationship NPS").
    value : float
        The estimate (NaN when suppressed).
    unit : str
        Its unit as the report names it: "NPS points" (−100…100), "% of customers", "points on 1-5",
        a currency code ("EUR") for money, "customers" for a count …
    n : int, optional
        How many it rests on.
    n_unit : str
        What ``n`` counts ("respondents", "customers", "ratings").
    ci : (float, float), optional
        The interval (same unit), at ``level``.
    level : float
        Confidence level of ``ci``.
    """

    label: str
    value: float
    unit: str = ""
    n: int | None = None
    n_unit: str = "respondents"
    ci: tuple[float, float] | None = None
    level: float = 0.95

    @property
    def has_interval(self) -> bool:
        return self.ci is not None and not any(_nan(v) for v in self.ci)

    @property
    def is_money(self) -> bool:
        """The unit is a currency code (three capital letters)."""
        return len(self.unit) == 3 and self.unit.isalpha() and self.unit.isupper()


def _nan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True, eq=False)
class Finding:
    """A claim with its evidence.

    Attributes
    ----------
    kind : str
        What sort of claim (a key of :data:`cxlib.present.claims.CLAIMS`); the checks are per kind.
    text : str
        The sentence as the report prints it (unescaped; escaped where it is shown).
    numbers : tuple of Cited
        Every number the sentence cites.
    evidence : DataFrame, optional
        The table the claim was read from (the row it names included).
    condition : str
        The rule under which the claim may be said, in words.
    holds : bool
        Whether ``condition`` holds for this evidence.
    alternative : str
        What to say instead when it does not ("" = say nothing).
    subject : str
        The row of ``evidence`` the claim names (a driver, a touchpoint, a theme …), "" for none.
    params : mapping
        The thresholds and choices the claim applied (``{"min_r2": 0.1}``), read by its check.
    method : str
        Method words for analysts (tests, corrections, model terms), appended to what is said.
    """

    kind: str
    text: str
    numbers: tuple[Cited, ...] = ()
    evidence: pd.DataFrame | None = field(default=None, repr=False)
    condition: str = ""
    holds: bool = True
    alternative: str = ""
    subject: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, repr=False)
    method: str = ""

    @property
    def said(self) -> str:
        """The sentence the report prints: ``text`` when the condition holds, else ``alternative``."""
        return self.text if self.holds else self.alternative

    def said_to(self, audience: str) -> str:
        """What ``audience`` reads: :attr:`said`, with the method words for analysts."""
        text = self.said
        if text and self.method and audience != "executive":
            text = f"{text} ({self.method})"
        return text

    def cited(self) -> tuple[Cited, ...]:
        """The numbers of what is said (none when the claim is replaced by an alternative that cites none)."""
        return self.numbers if self.holds or self.alternative else ()


def said(findings: Iterable[Finding | str | None]) -> list[str]:
    """The sentences to print, in order (plain strings pass through; empty ones are dropped).

    >>> said([Finding("a", "Said."), Finding("b", "Not said.", holds=False), "", "Plain."])
    ['Said.', 'Plain.']
    """
    return said_to(findings, "executive")


def said_to(findings: Iterable[Finding | str | None], audience: str) -> list[str]:
    """:func:`said` for ``audience`` (analysts also read each finding's method words)."""
    out = []
    for f in findings:
        text = f.said_to(audience) if isinstance(f, Finding) else (f or "")
        if text:
            out.append(text)
    return out
