"""Broken journeys: which customers met a break somewhere in their journey, of which kind, and where.

A *break* is a moment the company failed a customer in a way the interaction log records:

==================  ======================================================================  ======================
key                 what happened                                                           needs (interactions)
==================  ======================================================================  ======================
``asked_again``     asked for information the company already held                          asked_known_info
``silent_wait``     left waiting on an open case, two days or more without an update        case_id, updates_sent
``unresolved``      an issue still unresolved at its last contact                           case_id, resolved
``repeat_contact``  had to contact the company again about the same issue                   case_id
``handoff``         handed from one department to another within one issue                  case_id, department
==================  ======================================================================  ======================

:func:`journey_breaks` flags every customer (one column per break kind the data records, and
``any``); :func:`break_owners` names the department where each kind happens most, from the
department of the contacts concerned. The headline (share of customers whose journey broke, and
their outcome and churn against the rest) and the friction actions read them. Why this headline
and not a 0-100 index: ``docs/headline.md``.

Not a report section (the registry skips this module).

Examples
--------
>>> import pandas as pd
>>> i = pd.DataFrame({"interaction_id": ["a", "b", "c"], "customer_id": ["x", "x", "y"],
...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-09", "2025-01-01"]), "case_id": ["k", "k", None],
...     "department": ["care", "billing", "sales"], "resolved": [False, True, None],
...     "asked_known_info": [False, True, False], "updates_sent": [0, 1, None], "wait_minutes": [5.0, 5.0, None]})
>>> b = journey_breaks(i)
>>> b.set_index("customer_id")[["asked_again", "silent_wait", "repeat_contact", "handoff", "any", "n_breaks"]].to_dict("index")["x"]
{'asked_again': True, 'silent_wait': True, 'repeat_contact': True, 'handoff': True, 'any': True, 'n_breaks': 4}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Break", "BREAKS", "available_breaks", "journey_breaks", "break_owners", "break_rates", "describe"]


@dataclass(frozen=True)
class Break:
    """One kind of break: how the report names it, what it needs, what to do about it and how to track it.

    Attributes
    ----------
    key : str
        Column of :func:`journey_breaks`.
    what : str
        What happened to the customer, after "customers who were …" / "being …" ("asked again …").
    short : str
        A card or chart label ("Asked again").
    needs : tuple of str
        Interaction columns it is read from (each with at least one value).
    action : str
        The action that removes it, as an imperative title.
    measure : str
        What to track, as a share of the unit in ``per``.
    per : str
        "contacts" or "cases": what the tracked rate counts.
    brief : str
        The break as a noun phrase, for lists ("a hand-off between departments").
    """

    key: str
    what: str
    short: str
    needs: tuple[str, ...]
    action: str
    measure: str
    per: str
    brief: str = ""


BREAKS: tuple[Break, ...] = (
    Break("asked_again", "asked again for information the company already held", "Asked again",
          ("asked_known_info",), "Stop asking customers for information you already hold",
          "share of contacts where the customer is asked again for information already held", "contacts",
          "asked again for information the company held"),
    Break("silent_wait", "left waiting on an open case for two days or more without an update", "Left without updates",
          ("case_id", "updates_sent"), "Send proactive updates on open cases",
          "share of cases with a wait of two days or more and no update", "cases", "left without updates on an open case"),
    Break("unresolved", "left with an issue still unresolved at the last contact", "Issue unresolved",
          ("case_id", "resolved"), "Resolve issues before closing the contact",
          "share of cases unresolved at their last contact", "cases", "an issue left unresolved"),
    Break("repeat_contact", "made to contact the company again about the same issue", "Had to call back",
          ("case_id",), "Resolve issues at the first contact",
          "share of cases that need more than one contact", "cases", "a repeat contact about the same issue"),
    Break("handoff", "handed from one department to another on the same issue", "Handed over",
          ("case_id", "department"), "Cut hand-offs between departments",
          "share of cases handed from one department to another", "cases", "a hand-off between departments"),
)
_BY_KEY = {b.key: b for b in BREAKS}


def available_breaks(interactions: pd.DataFrame | None) -> tuple[Break, ...]:
    """The break kinds the interaction log records (every needed column present with a value)."""
    if interactions is None:
        return ()
    return tuple(b for b in BREAKS if all(c in interactions.columns and interactions[c].notna().any() for c in b.needs))


def _contacts(interactions: pd.DataFrame, silent_minutes: float) -> pd.DataFrame:
    """Case contacts with the flags each break kind reads (``silent_wait``, ``handoff``, ``repeat``, ``last``, ``open``)."""
    from cxlib.analysis.journey import contact_flags

    c = contact_flags(interactions, silent_minutes=silent_minutes, keep=("channel",))
    case = c["case_id"].astype("string").to_numpy()
    last = np.r_[case[1:] != case[:-1], True] if len(c) else np.zeros(0, bool)
    resolved = c["resolved"].astype("boolean") if "resolved" in c.columns else pd.Series(pd.NA, index=c.index,
                                                                                         dtype="boolean")
    return c.assign(last=last, open=(last & (resolved == False)).fillna(False).to_numpy(bool))  # noqa: E712


def journey_breaks(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """Which customers met each kind of break in the period's interactions.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions (the period's).
    silent_minutes : float, keyword-only
        A silent wait: this long (default two days) without an update (as
        :func:`cxlib.analysis.journey.case_table`).

    Returns
    -------
    DataFrame
        One row per customer with interactions: ``customer_id``, one boolean column per break kind
        the data records (:func:`available_breaks`), ``any`` (at least one), ``n_breaks`` (break
        events: contacts asked again + cases with each case-level break).
    """
    kinds = available_breaks(interactions)
    customers = pd.Index(interactions["customer_id"].astype("string").dropna().unique(), name="customer_id").sort_values()
    out = pd.DataFrame(index=customers)
    events = pd.Series(0, index=customers, dtype="int64")
    keys = {b.key for b in kinds}
    if "asked_again" in keys:
        asked = interactions["asked_known_info"].astype("boolean").fillna(False).to_numpy(bool)
        count = pd.Series(asked, index=interactions["customer_id"].astype("string")).groupby(level=0).sum()
        out["asked_again"] = count.reindex(customers).fillna(0).to_numpy() > 0
        events = events.add(count.reindex(customers).fillna(0).astype("int64"), fill_value=0)
    case_keys = [k for k in ("silent_wait", "unresolved", "repeat_contact", "handoff") if k in keys]
    if case_keys:
        c = _contacts(interactions, silent_minutes)
        flag_of = {"silent_wait": c["silent_wait"].fillna(False).to_numpy(bool), "unresolved": c["open"].to_numpy(bool),
                   "repeat_contact": c["repeat"].to_numpy(bool), "handoff": c["handoff"].to_numpy(bool)}
        per_case = pd.DataFrame({k: flag_of[k] for k in case_keys}).groupby(c["case_id"].astype("string").to_numpy()).any()
        owner = c.groupby(c["case_id"].astype("string").to_numpy())["customer_id"].first().astype("string")
        per_customer = per_case.groupby(owner.reindex(per_case.index).to_numpy()).sum()
        for k in case_keys:
            n = per_customer[k].reindex(customers).fillna(0).astype("int64")
            out[k] = n.to_numpy() > 0
            events = events.add(n, fill_value=0)
    flags = [b.key for b in kinds]
    out["any"] = out[flags].any(axis=1) if flags else False
    out["n_breaks"] = events.reindex(customers).fillna(0).astype("int64").to_numpy()
    return out.reset_index()


def break_rates(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """How often each break happens, per contact or per case (the measure each action tracks).

    Returns
    -------
    DataFrame
        ``key``, ``per`` ("contacts"/"cases"), ``n`` (contacts or cases), ``n_broken``, ``rate`` (%),
        ``rate_low``, ``rate_high`` (Wilson, %).
    """
    from cxlib.analysis import stats

    rows = []
    kinds = available_breaks(interactions)
    c = _contacts(interactions, silent_minutes) if any(b.per == "cases" for b in kinds) else None
    for b in kinds:
        if b.key == "asked_again":
            x = interactions["asked_known_info"].astype("boolean").dropna()
            n, k = len(x), int(x.sum())
        else:
            flag = {"silent_wait": c["silent_wait"].fillna(False), "unresolved": c["open"],
                    "repeat_contact": c["repeat"], "handoff": c["handoff"]}[b.key]
            per_case = pd.Series(flag.to_numpy(bool)).groupby(c["case_id"].astype("string").to_numpy()).any()
            n, k = len(per_case), int(per_case.sum())
        low, high = stats.proportion_interval([k], [n])
        rows.append({"key": b.key, "per": b.per, "n": n, "n_broken": k, "rate": 100 * k / n if n else np.nan,
                     "rate_low": 100 * float(low[0]), "rate_high": 100 * float(high[0])})
    return pd.DataFrame(rows, columns=["key", "per", "n", "n_broken", "rate", "rate_low", "rate_high"])


def break_owners(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """The department where each kind of break happens most: the owner of its action.

    The department of the contact concerned: the contact that asked again, the silent contact, the
    last (unresolved) contact, the repeat contact, the contact that handed the case on.

    Returns
    -------
    DataFrame
        ``key``, ``department`` (NA when the log has no departments), ``n_events`` (events with a
        known department), ``share`` (% of them in that department), ``channel`` and
        ``channel_share``: the channel where it happens most (NA without channels).
    """
    rows = []
    kinds = available_breaks(interactions)
    has_dept = "department" in interactions.columns and interactions["department"].notna().any()
    c = _contacts(interactions, silent_minutes) if has_dept and any(b.per == "cases" for b in kinds) else None
    for b in kinds:
        if not has_dept:
            rows.append({"key": b.key, "department": pd.NA, "n_events": 0, "share": np.nan})
            continue
        if b.key == "asked_again":
            dept = interactions.loc[interactions["asked_known_info"].astype("boolean").fillna(False).to_numpy(bool),
                                    "department"]
        elif b.key == "handoff":
            previous = c["department"].shift(1)
            dept = previous[c["handoff"].to_numpy(bool)]
        else:
            flag = {"silent_wait": c["silent_wait"].fillna(False), "unresolved": c["open"], "repeat_contact": c["repeat"]}
            dept = c.loc[flag[b.key].to_numpy(bool), "department"]
        counts = dept.dropna().astype("string").value_counts()
        if not len(counts):
            rows.append({"key": b.key, "department": pd.NA, "n_events": 0, "share": np.nan})
            continue
        rows.append({"key": b.key, "department": str(counts.index[0]), "n_events": int(counts.sum()),
                     "share": 100 * float(counts.iloc[0]) / float(counts.sum())})
    out = pd.DataFrame(rows, columns=["key", "department", "n_events", "share"])
    out["department"] = out["department"].astype("string")
    return out.merge(_channels(interactions, kinds, silent_minutes), on="key", how="left")


def _channels(interactions: pd.DataFrame, kinds, silent_minutes: float) -> pd.DataFrame:
    """The channel where each break kind happens most (same contacts as the owner)."""
    rows = []
    has = "channel" in interactions.columns and interactions["channel"].notna().any()
    c = _contacts(interactions, silent_minutes) if has and any(b.per == "cases" for b in kinds) else None
    for b in kinds:
        if not has:
            rows.append({"key": b.key, "channel": pd.NA, "channel_share": np.nan})
            continue
        if b.key == "asked_again":
            where = interactions.loc[interactions["asked_known_info"].astype("boolean").fillna(False).to_numpy(bool),
                                     "channel"]
        else:
            flag = {"silent_wait": c["silent_wait"].fillna(False), "unresolved": c["open"],
                    "repeat_contact": c["repeat"], "handoff": c["handoff"]}[b.key]
            where = c.loc[flag.to_numpy(bool), "channel"]
        counts = where.dropna().astype("string").value_counts()
        rows.append({"key": b.key, "channel": str(counts.index[0]) if len(counts) else pd.NA,
                     "channel_share": 100 * float(counts.iloc[0]) / float(counts.sum()) if len(counts) else np.nan})
    out = pd.DataFrame(rows, columns=["key", "channel", "channel_share"])
    out["channel"] = out["channel"].astype("string")
    return out


def describe(key: str) -> Break:
    """The :class:`Break` called ``key``."""
    return _BY_KEY[key]
