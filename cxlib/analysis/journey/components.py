"""The journey index's components and how they combine (shared by the pandas and DuckDB engines).

Examples
--------
>>> COMPONENTS[:3]
('rating', 'effort', 'resolution')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["COMPONENTS", "Aggregate", "component_weights", "finish_index"]

#: The components of the journey index, each on 0-100 (higher = better experience).
COMPONENTS: tuple[str, ...] = (
    "rating", "effort", "resolution", "first_contact", "known_info", "no_silent_wait", "wait",
)

Aggregate = Literal["peak_end", "recency", "mean"]


def component_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Every component's weight: unit weights, updated by ``weights`` (checked: known names, >= 0, positive sum).

    >>> component_weights({"rating": 2})["rating"], component_weights(None)["wait"]
    (2.0, 1.0)
    """
    w = {k: 1.0 for k in COMPONENTS}
    if weights:
        unknown = set(weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"Unknown component(s) in weights: {sorted(unknown)}; expected some of {COMPONENTS}.")
        w.update({k: float(v) for k, v in weights.items()})
    if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError(f"weights must be ≥ 0 with a positive sum; got {w}.")
    return w


def finish_index(out: pd.DataFrame, keys: list[str], weights: dict[str, float]) -> pd.DataFrame:
    """The journey index from its components (weighted mean of those available), columns in their order."""
    comp = out[list(COMPONENTS)].astype("float64")
    w = pd.Series(weights)[list(COMPONENTS)].to_numpy(float)
    avail = comp.notna().to_numpy() & (w > 0)
    wsum = (avail * w).sum(axis=1)
    total = np.nansum(comp.to_numpy(float) * w * avail, axis=1)
    out["journey_index"] = np.where(wsum > 0, total / np.where(wsum > 0, wsum, 1), np.nan)
    out["n_components"] = avail.sum(axis=1).astype("int64")
    cols = [*keys, "journey_index", "n_components", "n_interactions", "n_rated", "n_cases",
            "touchpoint_mean", "rating_worst", "rating_last", *COMPONENTS]
    out = out[cols].sort_values(keys, kind="stable").reset_index(drop=True)
    for c in ("n_interactions", "n_rated"):
        out[c] = out[c].astype("int64")
    return out
