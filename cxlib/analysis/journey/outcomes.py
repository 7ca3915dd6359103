"""How customers' journeys end: relationship NPS and churn, and good touchpoints that add up to a poor journey.

* :func:`customer_outcomes` -- relationship NPS and churn per customer;
* :func:`touchpoint_vs_journey` -- good touchpoints but a poor journey (and the reverse).

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis.journey.common import as_flag, as_float, require
from cxlib.analysis.journey.scores import relationship_answers

__all__ = ["customer_outcomes", "touchpoint_vs_journey"]


def customer_outcomes(customers: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                      exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """The relationship outcomes of every customer: relationship NPS and churn.

    Parameters
    ----------
    customers : DataFrame
        Canonical customers (``customer_id``, ``churned``; ``segment`` and ``region`` are kept).
    responses : DataFrame, optional
        Canonical responses; the customer's latest relationship-survey answer gives ``nps``.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        One row per customer: ``customer_id``, ``segment``/``region`` when present, ``churned``
        (float 1/0/NaN), ``nps`` (0-10 from the latest relationship answer, NaN if none),
        ``nps_answered_at``.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b"], "churned": [True, False]})
    >>> r = pd.DataFrame({"response_id": ["1", "2"], "customer_id": ["a", "a"], "survey": "relationship",
    ...     "answered_at": pd.to_datetime(["2025-01-01", "2025-06-01"]), "nps": [9, 3]})
    >>> customer_outcomes(c, r)[["customer_id", "churned", "nps"]].to_dict("records")
    [{'customer_id': 'a', 'churned': 1.0, 'nps': 3.0}, {'customer_id': 'b', 'churned': 0.0, 'nps': nan}]
    """
    require(customers, ["customer_id"], "customers")
    keep = [c for c in ("customer_id", "segment", "region") if c in customers.columns]
    out = customers[keep].copy()
    out["churned"] = as_flag(customers["churned"]) if "churned" in customers.columns else np.nan
    out["nps"] = np.nan
    out["nps_answered_at"] = pd.NaT
    if responses is not None and len(responses) and "nps" in responses.columns:
        r = relationship_answers(responses, exclude_flags=exclude_flags)
        r = r.assign(_nps=as_float(r["nps"])).dropna(subset=["_nps"])
        sort = ["customer_id", "answered_at", "response_id"] if "answered_at" in r.columns else ["customer_id", "response_id"]
        last = r.sort_values(sort, kind="stable").groupby("customer_id", sort=False).tail(1)
        cols = ["customer_id", "_nps"] + (["answered_at"] if "answered_at" in last.columns else [])
        out = out.drop(columns=["nps", "nps_answered_at"]).merge(
            last[cols].rename(columns={"_nps": "nps", "answered_at": "nps_answered_at"}),
            on="customer_id", how="left")
        if "nps_answered_at" not in out.columns:
            out["nps_answered_at"] = pd.NaT
    return out.reset_index(drop=True)


def touchpoint_vs_journey(index: pd.DataFrame, *, touchpoint: str = "touchpoint_mean",
                          journey: str = "journey_index", touchpoint_cut: float | Literal["median"] = 75.0,
                          journey_cut: float | Literal["median"] = "median") -> pd.DataFrame:
    """Classify customers: good touchpoints but a poor journey, and the reverse.

    Parameters
    ----------
    index : DataFrame
        Per-customer frame with ``customer_id`` and the two columns (e.g. :func:`journey_index`,
        optionally merged with the relationship NPS to use it as the journey measure).
    touchpoint, journey : str, keyword-only
        Columns holding the touchpoint-level and the journey-level score.
    touchpoint_cut, journey_cut : float or "median", keyword-only
        A score at or above its cut is "good". Default: touchpoints good at an average rating of
        4 out of 5 or better (75 on 0-100); journey good at or above the customers' median.

    Returns
    -------
    DataFrame
        ``customer_id`` (and ``period``), the two score columns, ``touchpoint_good``,
        ``journey_good`` (bool), and ``quadrant``: "good touchpoints, poor journey",
        "poor touchpoints, good journey", "both good", "both poor". Customers missing either score
        are left out.

    Examples
    --------
    >>> idx = pd.DataFrame({"customer_id": ["a", "b"], "touchpoint_mean": [90.0, 20.0],
    ...                     "journey_index": [30.0, 80.0]})
    >>> touchpoint_vs_journey(idx, journey_cut=50)["quadrant"].tolist()
    ['good touchpoints, poor journey', 'poor touchpoints, good journey']
    """
    keys = [k for k in ("customer_id", "period") if k in index.columns]
    data = index[[*keys, touchpoint, journey]].dropna(subset=[touchpoint, journey]).copy()
    t_cut = data[touchpoint].median() if touchpoint_cut == "median" else float(touchpoint_cut)
    j_cut = data[journey].median() if journey_cut == "median" else float(journey_cut)
    data["touchpoint_good"] = (data[touchpoint] >= t_cut).astype(bool)
    data["journey_good"] = (data[journey] >= j_cut).astype(bool)
    labels = np.select(
        [data["touchpoint_good"] & ~data["journey_good"], ~data["touchpoint_good"] & data["journey_good"],
         data["touchpoint_good"] & data["journey_good"]],
        ["good touchpoints, poor journey", "poor touchpoints, good journey", "both good"], "both poor")
    data["quadrant"] = pd.Series(labels, index=data.index, dtype="string")
    return data.reset_index(drop=True)
