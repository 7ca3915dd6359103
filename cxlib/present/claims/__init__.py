"""Claims: every kind of sentence a report says, the rule it follows, and the check that reads it again.

===============  ==========================================================================
module           claim kinds
===============  ==========================================================================
``base``         the registry (:data:`CLAIMS`), :func:`check`, :func:`problems`
``scores``       ``outcome_level``, ``outcome_trend``, ``churn_level`` (outcome as a parameter)
``journey``      ``broken_share``, ``break_gap``, ``costliest_break``, ``decay``
``drivers``      ``driver_top``, ``fix_first`` and the priority rule (:func:`priority`)
``gap``          ``gap_headline``, ``widest_gap``
``voice``        ``theme_top``, ``theme_cost``
``actions``      ``action`` (ranked by worth in one unit, with owner and measure)
``answer``       ``answer`` (page 1: only findings that hold)
``counts``       ``volume``, ``follow_up_count``, and the newer sections' kinds (journey map, social …)
===============  ==========================================================================

A builder returns a :class:`cxlib.present.findings.Finding` whose ``holds`` is its rule applied to
its evidence; a finding that does not hold says its ``alternative``. :func:`problems` re-reads
every finding from its evidence (the report check runs it on every demo report).
"""

from cxlib.present.claims import actions, answer, counts, drivers, gap, journey, scores, voice
from cxlib.present.claims.base import ALPHA, CLAIMS, Claim, check, condition, problems, register

__all__ = ["ALPHA", "CLAIMS", "Claim", "check", "condition", "problems", "register",
           "actions", "answer", "counts", "drivers", "gap", "journey", "scores", "voice"]
