"""The answer on page 1: what is wrong, how sure we are, what to fix first and what it is worth.

Three sentences, each built from findings that were checked against their own evidence: an answer
sentence is said only when every finding it quotes holds, and it quotes only what they say.

Examples
--------
>>> from cxlib.present.findings import Finding
>>> a = answer_sentence("wrong", [Finding("x", "Half the journeys broke."), Finding("y", "", holds=False)])
>>> a.said, a.kind
('Half the journeys broke.', 'answer')
"""

from __future__ import annotations

from typing import Sequence

from cxlib.present.claims.base import Claim, check, condition, register
from cxlib.present.findings import Finding

__all__ = ["ANSWER_PARTS", "answer_sentence"]

#: The three sentences of the answer, in order.
ANSWER_PARTS = ("wrong", "sure", "first")


def _answer_supported(f: Finding) -> bool:
    parts = f.params.get("parts", ())
    return bool(parts) and all(p.holds and check(p) is None for p in parts)


register(Claim("answer", "page 1 quotes only findings that hold on their own evidence (each checked by its own "
                         "rule)", _answer_supported))


def answer_sentence(part: str, findings: Sequence[Finding | None], *, lead: str = "") -> Finding:
    """One answer sentence: ``lead`` then what each finding that holds says (the others are left out)."""
    if part not in ANSWER_PARTS:
        raise ValueError(f"part={part!r}: use one of {', '.join(ANSWER_PARTS)}")
    kept = tuple(f for f in findings if f is not None and f.holds and f.text)
    text = " ".join(f.text for f in kept)
    if text and lead:
        text = f"{lead} {text[:1].lower()}{text[1:]}" if not text[:2].isupper() else f"{lead} {text}"
    numbers = tuple(c for f in kept for c in f.numbers)
    return Finding("answer", text, numbers=numbers, holds=bool(kept), subject=part, params={"parts": kept},
                   condition=condition("answer"))
