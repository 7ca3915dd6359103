"""Cases: the contacts a customer needed about one issue, and the friction each carried.

* :func:`case_table` -- one row per case (``case_id``): contacts, repeats, resolution, known
  information asked again, department hand-offs, silent waits;
* :func:`contact_flags` -- the contacts behind it, in case and time order, with per-contact flags.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis.journey.common import as_flag, as_float, require

__all__ = ["case_table", "contact_flags", "CONTACT_COLUMNS"]

#: The input columns :func:`contact_flags` makes its flags of (those the table has), carried whatever ``keep`` says.
CONTACT_COLUMNS = ("interaction_id", "customer_id", "occurred_at", "case_id", "department", "resolved",
                   "asked_known_info", "wait_minutes", "updates_sent")


def case_table(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """One row per case (``case_id``), with the friction each case carried.

    Parameters
    ----------
    interactions : DataFrame
        Canonical ``interactions``; rows without ``case_id`` are not cases and are ignored.
    silent_minutes : float, keyword-only
        A contact is a *silent wait* when the customer waited at least this long -- its
        ``wait_minutes``, or the time until the next contact of the case while the case was
        still unresolved -- and ``updates_sent == 0``. Default 2 days.

    Returns
    -------
    DataFrame
        ``case_id``, ``customer_id`` (of the first contact), ``opened_at``, ``closed_at``
        (last contact), ``first_stage``, ``first_channel``, ``first_touchpoint``,
        ``n_contacts``, ``n_repeats`` (= n_contacts − 1), ``resolved`` (the last contact's
        ``resolved``, 1/0/NaN), ``n_known_info`` (contacts where known information was asked
        again), ``n_handoffs`` (changes of department between consecutive contacts),
        ``n_departments``, ``n_channels``, ``max_wait_minutes``, ``n_silent`` (silent-wait
        contacts), ``silent`` (1 if any, else 0).

    Notes
    -----
    Contacts are ordered by ``occurred_at`` then ``interaction_id``. A missing ``updates_sent``
    is treated as unknown (never silent); a missing department never makes a hand-off.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": ["c1", "c1"], "case_id": ["k", "k"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-05"]), "stage": "support",
    ...     "channel": ["phone", "email"], "touchpoint": "support_call", "department": ["care", "billing"],
    ...     "resolved": [False, True], "wait_minutes": [5.0, 5.0], "updates_sent": [0, 1]})
    >>> case_table(i)[["n_contacts", "n_handoffs", "resolved", "silent"]].to_dict("records")
    [{'n_contacts': 2, 'n_handoffs': 1, 'resolved': 1.0, 'silent': 1.0}]
    """
    c = contact_flags(interactions, silent_minutes=silent_minutes, keep=("stage", "channel", "touchpoint"))
    m = len(c)
    k = c["_case"].to_numpy()
    first = np.r_[True, k[1:] != k[:-1]] if m else np.zeros(0, bool)
    last = np.r_[k[1:] != k[:-1], True] if m else np.zeros(0, bool)
    starts, ends = np.flatnonzero(first), np.flatnonzero(last)

    def per_case(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values, starts) if m else np.zeros(0)

    case_no = np.cumsum(first) - 1

    def distinct(col: str) -> np.ndarray:
        codes = pd.factorize(c[col])[0]
        ok = codes >= 0
        pairs = np.unique(case_no[ok] * (codes.max(initial=0) + 1) + codes[ok])
        return np.bincount(pairs // (codes.max(initial=0) + 1), minlength=len(starts))

    known = c["_known"].to_numpy(float)
    wait = c["_wait"].to_numpy(float)
    table = pd.DataFrame({
        "case_id": c["case_id"].iloc[starts].to_numpy(),
        "customer_id": c["customer_id"].iloc[starts].to_numpy(),
        "opened_at": c["occurred_at"].iloc[starts].to_numpy(),
        "closed_at": c["occurred_at"].iloc[ends].to_numpy(),
        "first_stage": c["stage"].iloc[starts].to_numpy(),
        "first_channel": c["channel"].iloc[starts].to_numpy(),
        "first_touchpoint": c["touchpoint"].iloc[starts].to_numpy(),
        "n_contacts": (ends - starts + 1).astype("int64"),
        "n_repeats": (ends - starts).astype("int64"),
        # resolution is the state of the case at its final contact (unknown stays unknown)
        "resolved": c["_resolved"].to_numpy(float)[ends],
        "n_known_info": per_case(np.nan_to_num(known)).astype("int64"),
        "n_handoffs": per_case(c["handoff"].to_numpy(float)).astype("int64"),
        "n_departments": distinct("department").astype("int64"),
        "n_channels": distinct("channel").astype("int64"),
        "max_wait_minutes": np.fmax.reduceat(wait, starts) if m else np.zeros(0),
        "n_silent": per_case(c["silent_wait"].to_numpy(float)).astype("int64"),
    })
    for col in ("case_id", "customer_id", "first_stage", "first_channel", "first_touchpoint"):
        table[col] = table[col].astype("string")
    table["opened_at"] = pd.to_datetime(table["opened_at"])
    table["closed_at"] = pd.to_datetime(table["closed_at"])
    table["silent"] = (table["n_silent"] > 0).astype("float64")
    return table


def contact_flags(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0,
                  keep: Sequence[str] | None = None) -> pd.DataFrame:
    """The contacts of every case, in case and time order, with per-contact flags.

    Used by :func:`case_table`. Only interactions with a ``case_id`` are returned, sorted by
    ``case_id``, ``occurred_at``, ``interaction_id``, with added columns ``contact_no`` (0 = first
    contact of its case), ``repeat`` (contact_no > 0), ``handoff`` (department differs from the
    previous contact's, both known), ``gap_minutes`` (to the case's next contact; NaN for the
    last), ``silent_wait`` (see :func:`case_table`), and private ``_case`` (integer case code),
    ``_resolved``, ``_known``, ``_wait`` (floats, NaN when unknown).

    ``keep`` names the other input columns the result carries (default: every one). The contacts
    are a sorted copy: with five million touchpoints a copy of every column is about 0.7 GB, of the
    columns the flags are made of (:data:`CONTACT_COLUMNS`, always kept) about half.
    """
    require(interactions, ["interaction_id", "customer_id", "occurred_at"], "interactions")
    c = interactions
    if keep is not None:
        wanted = dict.fromkeys([*CONTACT_COLUMNS, *keep])
        c = c[[col for col in wanted if col in c.columns]]  # a lazy selection: nothing copied yet
    if "case_id" in c.columns:
        c = c[c["case_id"].notna().to_numpy(bool)]
    else:
        c = c.iloc[:0].assign(case_id=pd.Series([], dtype="string"))
    c = c.copy(deep=False)
    for col in ("department", "stage", "channel", "touchpoint"):
        if col not in c.columns and (keep is None or col == "department" or col in keep):
            c[col] = pd.Series(pd.NA, index=c.index, dtype="string")
    # integer sort keys: far cheaper than sorting strings
    case_code = pd.factorize(c["case_id"], sort=True)[0]
    t = c["occurred_at"].to_numpy("datetime64[ns]").view("int64")
    tie = pd.factorize(c["interaction_id"], sort=True)[0]
    order = np.lexsort((tie, t, case_code))
    c = c.iloc[order]
    k, t = case_code[order], t[order]
    m = len(c)
    idx = np.arange(m)
    first = np.r_[True, k[1:] != k[:-1]] if m else np.zeros(0, bool)
    last = np.r_[k[1:] != k[:-1], True] if m else np.zeros(0, bool)
    c["_case"] = k
    c["contact_no"] = idx - np.maximum.accumulate(np.where(first, idx, 0)) if m else idx
    c["repeat"] = ~first
    dept = pd.factorize(c["department"])[0]
    prev = np.r_[-1, dept[:-1]] if m else dept
    c["handoff"] = ~first & (dept >= 0) & (prev >= 0) & (dept != prev)
    nxt = np.r_[t[1:], 0] if m else t
    c["gap_minutes"] = np.where(last, np.nan, (nxt - t) / 6e10)
    c["_resolved"] = as_flag(c["resolved"]).to_numpy() if "resolved" in c.columns else np.nan
    c["_known"] = as_flag(c["asked_known_info"]).to_numpy() if "asked_known_info" in c.columns else np.nan
    c["_wait"] = as_float(c["wait_minutes"]).to_numpy() if "wait_minutes" in c.columns else np.nan
    updates = as_float(c["updates_sent"]).to_numpy() if "updates_sent" in c.columns else np.full(m, np.nan)
    open_gap = np.where(c["_resolved"].to_numpy() != 1, c["gap_minutes"].to_numpy(), np.nan)
    waited = np.fmax(c["_wait"].to_numpy(float), open_gap)
    with np.errstate(invalid="ignore"):
        c["silent_wait"] = (waited >= silent_minutes) & (updates == 0)
    return c
