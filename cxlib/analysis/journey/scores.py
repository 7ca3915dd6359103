"""Scored touchpoints: every interaction with the rating its customer gave it.

* :func:`touchpoint_scores` -- one row per interaction with its transactional answer's rating,
  CES and NPS, on their own scales and on 0-100;
* :func:`relationship_answers` -- the relationship-survey answers (the outcome the journey is
  judged against), quality-flagged rows left out.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis.journey.common import as_float, mean_at, require
from cxlib.analysis.lookup import positions
from cxlib.errors import DataError
from cxlib.schema import rating_column

__all__ = ["touchpoint_scores", "relationship_answers"]


def touchpoint_scores(interactions: pd.DataFrame, responses: pd.DataFrame | None, *,
                      exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Each interaction with the transactional survey answers that rate it.

    Parameters
    ----------
    interactions : DataFrame
        Canonical ``interactions`` table.
    responses : DataFrame or None
        Canonical ``responses`` table. Only transactional answers (``survey == "transactional"``,
        or a non-empty ``interaction_id`` when ``survey`` is absent) are used.
    exclude_flags : sequence of str, keyword-only
        Quality-flag columns of ``responses`` (e.g. ``"flag_speeder"``) whose True rows are left out.

    Returns
    -------
    DataFrame
        The interactions (same rows, same order) plus:
        ``rating`` (1-5: the answer's ``rating_<touchpoint>`` for the interaction's touchpoint, else its
        ``csat``; NaN if unrated), ``ces`` (1-7), ``t_nps`` (0-10, the transactional NPS),
        ``experience`` (rating on 0-100: (rating − 1) / 4 · 100), ``effort_score`` (CES on 0-100:
        (ces − 1) / 6 · 100). Several answers to one interaction are averaged.

    Notes
    -----
    0-100 rescaling is linear (POMP, "percent of maximum possible": Cohen et al. 1999).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["i1"], "customer_id": ["c1"], "touchpoint": ["billing"],
    ...                   "occurred_at": pd.to_datetime(["2025-01-01"])})
    >>> r = pd.DataFrame({"response_id": ["r1"], "customer_id": ["c1"], "interaction_id": ["i1"],
    ...                   "rating_billing": [4], "ces": [7]})
    >>> touchpoint_scores(i, r)[["rating", "experience", "effort_score"]].to_dict("records")
    [{'rating': 4.0, 'experience': 75.0, 'effort_score': 100.0}]
    """
    require(interactions, ["interaction_id", "customer_id", "touchpoint"], "interactions")
    n = len(interactions)
    rating, ces, t_nps = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    if responses is not None and len(responses):
        require(responses, ["interaction_id"], "responses")
        resp = responses
        if "survey" in resp.columns:
            resp = resp[resp["survey"].astype("string").eq("transactional").fillna(False).to_numpy(bool)]
        for f in exclude_flags:
            if f in resp.columns:
                resp = resp[~resp[f].fillna(False).astype(bool).to_numpy()]
        resp = resp[resp["interaction_id"].notna().to_numpy(bool)]
        # positions instead of joins: one hash pass over the interactions' and the answers' ids
        pos = positions(interactions["interaction_id"], resp["interaction_id"])
        if pos is None:
            ids = interactions["interaction_id"]
            dup = ids[ids.duplicated()].iloc[:3].tolist()
            raise DataError(f"`interactions.interaction_id` must be unique; {dup} appear more than once. "
                            "Load the table through open_client(), which quarantines duplicate keys.")
        keep = pos >= 0
        resp, pos = resp[keep], pos[keep]
        # the answered rows' touchpoints only (the whole column as Python objects: 0.35 GB with five million rows)
        tp = interactions["touchpoint"].take(pos).to_numpy(dtype=object, na_value=None)
        pick = np.full(len(resp), np.nan)
        for t in pd.unique(tp):
            col = rating_column(str(t)) if t is not None else None
            if col in resp.columns:
                mask = tp == t
                pick[mask] = as_float(resp[col]).to_numpy()[mask]
        if "csat" in resp.columns:
            pick = np.where(np.isnan(pick), as_float(resp["csat"]).to_numpy(), pick)
        rating = mean_at(pos, pick, n)
        if "ces" in resp.columns:
            ces = mean_at(pos, as_float(resp["ces"]).to_numpy(), n)
        if "nps" in resp.columns:
            t_nps = mean_at(pos, as_float(resp["nps"]).to_numpy(), n)
    # a shallow copy: with copy-on-write the caller's frame is never modified
    out = interactions.copy(deep=False)
    out["rating"] = rating
    out["ces"] = ces
    out["t_nps"] = t_nps
    out["experience"] = (rating - 1) / 4 * 100
    out["effort_score"] = (ces - 1) / 6 * 100
    return out


def relationship_answers(responses: pd.DataFrame, *, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Relationship-survey answers (``survey`` column, else no ``interaction_id``), flagged rows left out.

    >>> r = pd.DataFrame({"survey": ["relationship", "transactional"], "flag_speeder": [False, False]})
    >>> len(relationship_answers(r, exclude_flags=["flag_speeder"]))
    1
    """
    r = responses
    if "survey" in r.columns:
        rel = r["survey"].astype("string").eq("relationship")
    else:
        rel = r["interaction_id"].isna() if "interaction_id" in r.columns else pd.Series(True, index=r.index)
    r = r[rel.fillna(False).to_numpy(bool)]
    for f in exclude_flags:
        if f in r.columns:
            r = r[~r[f].fillna(False).astype(bool).to_numpy()]
    return r
