"""Mapping survey answer scales onto the canonical scales of the data model.

Canonical scales: ``nps`` 0-10, ``csat`` 1-5, ``ces`` 1-7 (7 = very easy),
touchpoint ``rating`` 1-5. Client surveys arrive on other scales (NPS asked on
1-10, as labelled text "10 - Extremely likely", with 11 = not applicable, on a
0-100 slider, SPSS codes with 99 = don't know). :func:`detect_scale` says what
a column looks like; :func:`map_scale` maps it or refuses when it is ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from cxlib.errors import ScaleError
from cxlib.parsing import Coerced

__all__ = ["ScaleGuess", "detect_scale", "map_scale", "TARGET_RANGES"]

Target = Literal["nps", "csat", "ces", "rating"]

#: Canonical (low, high) of each target scale.
TARGET_RANGES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5)}


@dataclass(frozen=True)
class ScaleGuess:
    """What a column's values look like.

    Attributes
    ----------
    scale : str or None
        ``"0-10"``, ``"1-10"``, ``"0-100"``, ``"1-5"``, ``"labelled"``... or None when unrecognised.
    ambiguous : bool
        True when the values fit more than one scale and a declaration is needed.
    evidence : str
        Why, in words, for messages.
    """

    scale: str | None
    ambiguous: bool
    evidence: str


def detect_scale(series: pd.Series, *, target: Target) -> ScaleGuess:
    """Guess the answer scale of ``series`` for a ``target`` scale."""
    raise NotImplementedError


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
) -> Coerced:
    """Map survey answers onto the canonical ``target`` scale.

    Raises :class:`ScaleError` when no scale is declared and the values are ambiguous.
    """
    raise NotImplementedError
