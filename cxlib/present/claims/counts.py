"""Claims of the newer sections (journey map, departments, benchmark, owners, social) and plain counts.

The sections of the journey map, the good touchpoints and poor journeys, the departments, the
benchmark, the owners' briefs and social listening write their findings in
:mod:`cxlib.present.journey_findings`, :mod:`cxlib.present.view_findings` and
:mod:`cxlib.present.social_findings`, each with its own table of checks (``CHECKS``) and
conditions. They are registered here in the one registry (:data:`~cxlib.present.claims.base.CLAIMS`)
so that :func:`~cxlib.present.claims.base.problems` reads every finding of a report again, not
only the older kinds. A finding without evidence is never supported (as in those modules'
own ``problems``).

Three counts are claims too: ``responses`` (survey responses, when the survey asks no score),
``volume`` (posts, reviews and complaints in the period: the total said is the sum of the
sources) and ``follow_up_count`` (events on the follow-up list: the number said is the sum over
the reasons).

Examples
--------
>>> import pandas as pd
>>> from cxlib.present.findings import Cited, Finding
>>> from cxlib.present.claims.base import check
>>> v = pd.DataFrame({"source": ["X", "Trustpilot"], "n": [30, 12]})
>>> check(Finding("volume", "42 posts.", numbers=(Cited("Posts", 42.0, unit="posts", n=42),), evidence=v)) is None
True
>>> check(Finding("volume", "50 posts.", numbers=(Cited("Posts", 50.0, unit="posts", n=50),), evidence=v))
"volume: said against its evidence: '50 posts.'"
"""

from __future__ import annotations

from typing import Callable

from cxlib.present import journey_findings, social_findings, view_findings
from cxlib.present.claims.base import Claim, number, register
from cxlib.present.findings import Finding

__all__ = ["SECTION_MODULES"]

#: The modules whose claim kinds are registered here (each has ``CHECKS`` and ``CONDITIONS``).
SECTION_MODULES = (journey_findings, view_findings, social_findings)


def _with_evidence(check: Callable[[Finding], bool]) -> Callable[[Finding], bool]:
    def supported(f: Finding) -> bool:
        return f.evidence is not None and len(f.evidence) > 0 and bool(check(f))

    return supported


for _module in SECTION_MODULES:
    for _kind, _check in _module.CHECKS.items():
        register(Claim(_kind, _module.CONDITIONS[_kind], _with_evidence(_check)))


def _volume_supported(f: Finding) -> bool:
    return bool(f.numbers) and int(f.evidence["n"].sum()) == int(number(f.numbers[0].value))


def _responses_supported(f: Finding) -> bool:
    n = int(f.evidence["n"].iloc[0])
    return f.text.startswith(f"{n:,} survey response")


register(Claim("responses", "a count: the survey responses read, when the survey asks no score",
               _with_evidence(_responses_supported)))
register(Claim("volume", "a count: the total said is the sum over the sources", _with_evidence(_volume_supported)))
