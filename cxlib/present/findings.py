"""Findings as data: a claim, the numbers it cites, its evidence, and when it may be said.

A report sentence is a :class:`Finding`, not a string: the text a reader sees, every number in it
as a :class:`Cited` value (estimate, unit, n, interval), the evidence table it was read from, and
the condition under which the claim may be made. A finding whose condition does not hold is not
said; its ``alternative`` (the honest thing to say instead) is, when there is one.

Sections (``cxlib.report.sections``) build findings from the analyses' results; the narrative
functions write their text. Today every finding keeps the sentence the reports have always
printed, and its ``condition`` records the rule the sentence already follows; the checks that
judge claims against their evidence build on these fields.

Examples
--------
>>> nps = Cited("Relationship NPS", -38.2, unit="NPS points", n=1468, ci=(-41.4, -34.3))
>>> f = Finding("nps_level", "Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).", numbers=(nps,),
...             condition="the score is not suppressed (n >= the client's minimum)")
>>> f.said, f.numbers[0].n
('Relationship NPS is −38 (95 % CI −41 to −34; 1,468 respondents).', 1468)
>>> Finding("driver_top", "Billing is the strongest driver.", holds=False,
...         alternative="No single touchpoint stands out.").said
'No single touchpoint stands out.'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import pandas as pd

__all__ = ["Cited", "Finding", "said"]


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
        Its unit as the report names it: "NPS points" (−100…100), "% of ratings", "points on 1-5" …
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
        What sort of claim ("nps_level", "trend", "decay", "driver_top", "gap", "friction_cost",
        "theme_cost", "churn_link", …); the report checks are written per kind.
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
    """

    kind: str
    text: str
    numbers: tuple[Cited, ...] = ()
    evidence: pd.DataFrame | None = field(default=None, repr=False)
    condition: str = ""
    holds: bool = True
    alternative: str = ""

    @property
    def said(self) -> str:
        """The sentence the report prints: ``text`` when the condition holds, else ``alternative``."""
        return self.text if self.holds else self.alternative


def said(findings: Iterable[Finding | str | None]) -> list[str]:
    """The sentences to print, in order (plain strings pass through; empty ones are dropped).

    >>> said([Finding("a", "Said."), Finding("b", "Not said.", holds=False), "", "Plain."])
    ['Said.', 'Plain.']
    """
    out = []
    for f in findings:
        text = f.said if isinstance(f, Finding) else (f or "")
        if text:
            out.append(text)
    return out
