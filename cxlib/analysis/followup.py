"""The closed loop: recent detractors and broken journeys, for account teams to follow up (data only).

:func:`follow_up_list` lists, one row per event, the customers to call back: who, what went wrong
(in a fixed vocabulary, never the customer's own words), when, where, and the owner to act.
It is an internal list about individual customers: it never belongs in an executive report, and
its export must be protected against formula injection (the report layer's job).

Methods: ``docs/methods-journey.md`` (the closed loop).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cxlib.analysis.journey.cases import case_table
from cxlib.analysis.journey.common import as_float, require
from cxlib.analysis.lookup import among
from cxlib.schema import RATING_PREFIX

__all__ = ["REASONS", "follow_up_list"]

#: Reason code -> (severity 1-3, how the list words it).
REASONS: dict[str, tuple[int, str]] = {
    "detractor": (3, "detractor: NPS {value:.0f} of 10"),
    "low_rating": (2, "rated the contact {value:.0f} of 5"),
    "silent_wait": (3, "waited {value:.0f} days without an update"),
    "unresolved": (3, "case still unresolved after {value:.0f} contact(s)"),
    "repeat_contacts": (2, "{value:.0f} contacts about one case"),
    "asked_again": (2, "asked {value:.0f} times for information the company held"),
    "handoffs": (1, "passed between {value:.0f} departments"),
}


def follow_up_list(interactions: pd.DataFrame | None, responses: pd.DataFrame | None,
                   customers: pd.DataFrame | None = None, *, as_of: str | pd.Timestamp | None = None,
                   days: int = 30, owners: Mapping[str, str] | pd.DataFrame | None = None,
                   detractor_max: int = 6, low_rating: int = 2, repeat_contacts: int = 3,
                   asked_again: int = 2, handoffs: int = 2, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """Recent detractors and broken journeys: who to call back, about what, and who should act.

    Parameters
    ----------
    interactions, responses : DataFrame or None
        Canonical tables (either may be missing; the list then has what the other gives).
    customers : DataFrame, optional
        Canonical customers: adds ``segment`` and ``annual_value`` (to prioritise).
    as_of : date, keyword-only
        The end of the window (default: the latest date in the data).
    days : int, keyword-only
        Events of the last ``days`` days are listed.
    owners : mapping or DataFrame, optional
        Touchpoint -> owner (or a self-assessment with ``touchpoint`` and ``owner``); without it,
        the department of the contact is the suggested owner.
    detractor_max, low_rating, repeat_contacts, asked_again, handoffs : int, keyword-only
        Thresholds: NPS at most ``detractor_max``; a transactional CSAT / rating at most
        ``low_rating``; a case with at least ``repeat_contacts`` contacts, ``asked_again``
        asked-again contacts, or ``handoffs`` hand-offs.
    silent_minutes : float, keyword-only
        A case with a silent wait of at least this long is listed.

    Returns
    -------
    DataFrame
        One row per event: ``customer_id``, ``when`` (the answer, or the case's last contact),
        ``reason`` (a code of :data:`REASONS`), ``what_went_wrong`` (its wording, with the number),
        ``severity`` (3 = call first), ``touchpoint``, ``channel``, ``suggested_owner``,
        ``case_id``, ``response_id``, and ``segment``, ``annual_value`` with ``customers``. Most
        severe first, then the most valuable customer, then the most recent. No free text.

    Notes
    -----
    A case with several problems gives one row per problem (the account team sees them all);
    a detractor who answered twice gives one row per answer. Cases count in the window by their
    last contact. A relationship answer is placed at its lowest-rated touchpoint (rated 3 or less),
    whose owner is suggested.

    Examples
    --------
    >>> r = pd.DataFrame({"response_id": ["r1", "r2"], "customer_id": ["a", "b"], "nps": [3, 9],
    ...                   "answered_at": pd.to_datetime(["2025-06-01", "2025-06-02"]), "survey": "relationship"})
    >>> follow_up_list(None, r)[["customer_id", "reason", "what_went_wrong"]].to_dict("records")
    [{'customer_id': 'a', 'reason': 'detractor', 'what_went_wrong': 'detractor: NPS 3 of 10'}]
    """
    owner_of = _owner_map(owners)
    events = []
    inter_by_id = None
    if interactions is not None and len(interactions):
        require(interactions, ["interaction_id", "customer_id", "occurred_at"], "interactions")
        inter_by_id = _answered(interactions, responses).set_index("interaction_id")
    if responses is not None and len(responses):
        events += _answers(responses, inter_by_id, detractor_max=detractor_max, low_rating=low_rating)
    if interactions is not None and len(interactions) and "case_id" in interactions.columns:
        events += _cases(interactions, repeat_contacts=repeat_contacts, asked_again=asked_again, handoffs=handoffs,
                         silent_minutes=silent_minutes)
    cols = ["customer_id", "when", "reason", "what_went_wrong", "severity", "touchpoint", "channel",
            "suggested_owner", "case_id", "response_id"]
    table = pd.concat(events, ignore_index=True) if events else pd.DataFrame(columns=[*cols, "_value", "_dept"])
    if table.empty:
        return table.reindex(columns=cols)
    table["when"] = pd.to_datetime(table["when"])
    end = pd.Timestamp(as_of) if as_of is not None else table["when"].max()
    table = table[(table["when"] > end - pd.Timedelta(days=days)) & (table["when"] <= end)].copy()
    table["severity"] = table["reason"].map(lambda r: REASONS[r][0]).astype("int64")
    table["what_went_wrong"] = [REASONS[r][1].format(value=v) for r, v in zip(table["reason"], table["_value"])]
    by_tp = table["touchpoint"].astype("string").map(owner_of) if owner_of else pd.Series(pd.NA, index=table.index)
    table["suggested_owner"] = by_tp.astype("string").fillna(table["_dept"].astype("string"))
    if customers is not None:
        extra = [c for c in ("segment", "annual_value") if c in customers.columns]
        table = table.merge(customers[["customer_id", *extra]].drop_duplicates("customer_id"), on="customer_id",
                            how="left")
        cols += extra
    sort = ["severity"] + (["annual_value"] if "annual_value" in table.columns else []) + ["when", "customer_id"]
    table = table.sort_values(sort, ascending=[False] * (len(sort) - 1) + [True], kind="stable", na_position="last")
    for c in ("customer_id", "reason", "what_went_wrong", "touchpoint", "channel", "case_id", "response_id"):
        table[c] = table[c].astype("string")
    return table[cols].reset_index(drop=True)


def _answered(interactions: pd.DataFrame, responses: pd.DataFrame | None) -> pd.DataFrame:
    """The interactions answers point to, with the columns an answer's context takes (a large touchpoint log
    is neither copied nor indexed whole to look up a few hundred thousand answers)."""
    if responses is None or "interaction_id" not in responses.columns:
        return interactions
    used = among(interactions["interaction_id"], responses["interaction_id"].dropna())
    if not used.any():
        return interactions.iloc[:0]
    cols = [c for c in ("interaction_id", "touchpoint", "channel", "department", "case_id") if c in interactions.columns]
    return interactions.loc[used, cols]


def _owner_map(owners) -> dict[str, str]:
    if owners is None:
        return {}
    if isinstance(owners, pd.DataFrame):
        if not {"touchpoint", "owner"} <= set(owners.columns):
            return {}
        ok = owners.dropna(subset=["owner"])
        return dict(zip(ok["touchpoint"].astype(str), ok["owner"].astype(str)))
    return {str(k): str(v) for k, v in owners.items()}


def _answers(responses: pd.DataFrame, inter_by_id, *, detractor_max: int, low_rating: int) -> list[pd.DataFrame]:
    r = responses
    when = pd.to_datetime(r["answered_at"], errors="coerce") if "answered_at" in r.columns else pd.Series(pd.NaT, index=r.index)
    iid = r["interaction_id"] if "interaction_id" in r.columns else pd.Series(pd.NA, index=r.index)

    def context(col: str) -> pd.Series:
        if inter_by_id is None or col not in inter_by_id.columns:
            return pd.Series(pd.NA, index=r.index, dtype="object")
        return pd.Series(iid.map(inter_by_id[col]).to_numpy(), index=r.index)

    base = pd.DataFrame({"customer_id": r["customer_id"] if "customer_id" in r.columns else pd.NA, "when": when,
                         "touchpoint": context("touchpoint"), "channel": context("channel"), "_dept": context("department"),
                         "case_id": context("case_id"), "response_id": r["response_id"]}, index=r.index)
    # a relationship answer names no touchpoint: its lowest-rated touchpoint (at most 3 of 5) points to the owner
    ratings = [c for c in r.columns if str(c).startswith(RATING_PREFIX)]
    if ratings:
        grid = r[ratings].apply(as_float).to_numpy(float)
        filled = ~np.isnan(grid).all(axis=1)
        pick = np.argmin(np.where(np.isnan(grid), np.inf, grid), axis=1)
        low = filled & (np.nanmin(np.where(filled[:, None], grid, 0.0), axis=1) <= 3)
        names = np.array([c[len(RATING_PREFIX):] for c in ratings], dtype=object)
        worst = pd.Series(np.where(low, names[pick], None), index=r.index, dtype="object")
        base["touchpoint"] = base["touchpoint"].where(base["touchpoint"].notna(), worst)
    out = []
    if "nps" in r.columns:
        nps = as_float(r["nps"])
        hit = (nps <= detractor_max).to_numpy(bool)
        out.append(base[hit].assign(reason="detractor", _value=nps[hit].to_numpy()))
    score = None
    if "csat" in r.columns:
        score = as_float(r["csat"])
    if score is not None:
        hit = (score <= low_rating).to_numpy(bool) & base["touchpoint"].notna().to_numpy(bool)
        out.append(base[hit].assign(reason="low_rating", _value=score[hit].to_numpy()))
    return [o[o["customer_id"].notna().to_numpy(bool)] for o in out]


def _cases(interactions: pd.DataFrame, *, repeat_contacts: int, asked_again: int, handoffs: int,
           silent_minutes: float) -> list[pd.DataFrame]:
    cases = case_table(interactions, silent_minutes=silent_minutes)
    if cases.empty:
        return []
    # the contacts of cases only, in time order (a stable sort of them keeps the order sorting every touchpoint gives)
    keep = [c for c in ("case_id", "occurred_at", "interaction_id", "department") if c in interactions.columns]
    last = interactions.loc[interactions["case_id"].notna().to_numpy(dtype=bool), keep] \
        .sort_values(["occurred_at", "interaction_id"], kind="stable")
    last = last.groupby("case_id", sort=False).tail(1).set_index("case_id")
    dept = cases["case_id"].map(last["department"]) if "department" in last.columns else pd.NA
    base = pd.DataFrame({"customer_id": cases["customer_id"], "when": cases["closed_at"],
                         "touchpoint": cases["first_touchpoint"], "channel": cases["first_channel"], "_dept": dept,
                         "case_id": cases["case_id"], "response_id": pd.NA})
    days = cases["max_wait_minutes"] / 1440
    checks = [("silent_wait", cases["silent"] > 0, days.clip(lower=silent_minutes / 1440)),
              ("unresolved", cases["resolved"] == 0, cases["n_contacts"]),
              ("repeat_contacts", cases["n_contacts"] >= repeat_contacts, cases["n_contacts"]),
              ("asked_again", cases["n_known_info"] >= asked_again, cases["n_known_info"]),
              ("handoffs", cases["n_handoffs"] >= handoffs, cases["n_departments"])]
    out = []
    for reason, hit, value in checks:
        hit = hit.fillna(False).to_numpy(bool)
        out.append(base[hit].assign(reason=reason, _value=np.asarray(value, dtype=float)[hit]))
    return out
