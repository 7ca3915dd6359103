"""Cumulative journey analytics: every touchpoint of a customer, combined into one explainable index.

The building blocks of the journey family (:mod:`cxlib.analysis.journey.lifecycle`, :mod:`cxlib.analysis.journey.consistency`,
:mod:`cxlib.analysis.journey.friction`, :mod:`cxlib.analysis.journey.value`) live here:

* :func:`touchpoint_scores` -- one row per interaction with the rating the customer gave it;
* :func:`case_table` / :func:`contact_flags` -- one row per case (contacts about one issue) with
  its friction, and the flagged contacts behind it;
* :func:`journey_index` (pandas or DuckDB) / :func:`journey_index_duckdb` (any DuckDB connection)
  -- one row per customer (optionally per period): the journey index and its components;
* :func:`index_contributions` -- the index explained: how many points each component adds;
* :func:`summarise_index` -- the index by segment / period with intervals and minimum-n suppression;
* :func:`customer_outcomes` -- relationship NPS and churn per customer;
* :func:`touchpoint_vs_journey` -- good touchpoints but a poor journey (and the reverse);
* :func:`journey_paths` / :func:`path_outcomes` -- the most common journeys and how they end.

Methods, formulas and references: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cxlib.errors import DataError
from cxlib.schema import rating_column

__all__ = [
    "COMPONENTS",
    "touchpoint_scores",
    "relationship_answers",
    "case_table",
    "contact_flags",
    "journey_index",
    "journey_index_duckdb",
    "index_contributions",
    "summarise_index",
    "customer_outcomes",
    "touchpoint_vs_journey",
    "journey_paths",
    "path_outcomes",
]

#: The components of the journey index, each on 0-100 (higher = better experience).
COMPONENTS: tuple[str, ...] = (
    "rating", "effort", "resolution", "first_contact", "known_info", "no_silent_wait", "wait",
)

Aggregate = Literal["peak_end", "recency", "mean"]
_STEP = Literal["stage_channel", "touchpoint_channel", "channel", "stage", "touchpoint"]


# --------------------------------------------------------------------------------------------
# private helpers shared by the journey family
# --------------------------------------------------------------------------------------------
def _require(frame: pd.DataFrame | None, columns: Sequence[str], table: str) -> None:
    if frame is None:
        raise DataError(f"The `{table}` table is required here but was None. Load it with open_client(...).{table}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"`{table}` lacks column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}. "
            "Map them in client.yaml `tables.<table>.columns` (see docs/data-model.md)."
        )


def _num(series: pd.Series) -> pd.Series:
    """Any numeric / boolean / nullable column as float64 with NaN for missing."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _flag(series: pd.Series) -> pd.Series:
    """A boolean column as float64 (1, 0, NaN for unknown)."""
    if series.dtype == object:
        series = series.astype("boolean")
    return _num(series)


def _periods(times: pd.Series, freq: str) -> pd.Series:
    return pd.Series(pd.PeriodIndex(times, freq=freq).astype(str), index=times.index, dtype="string")


def _add_groups(frame: pd.DataFrame, by: Sequence[str], *, customers: pd.DataFrame | None = None,
                time_col: str = "occurred_at", period: str = "Q") -> pd.DataFrame:
    """``frame`` with every ``by`` column present: joined from ``customers`` or derived (``period``)."""
    out = frame
    need = [c for c in by if c not in out.columns]
    if "period" in need:
        if time_col not in out.columns:
            raise DataError(f"Cannot group by `period`: the table has no `{time_col}` column.")
        out = out.assign(period=_periods(out[time_col], period))
        need.remove("period")
    if need:
        if customers is None or not set(need) <= set(customers.columns):
            raise DataError(
                f"Cannot group by {', '.join(need)}: not a column of this table"
                + ("" if customers is None else " nor of `customers`")
                + ". Pass customers=ws.customers or choose columns that exist."
            )
        out = out.merge(customers[["customer_id", *need]], on="customer_id", how="left", validate="many_to_one")
    return out


def _suppress(table: pd.DataFrame, *, min_n: int | None, value_cols: Sequence[str], n_col: str = "n") -> pd.DataFrame:
    """Blank the values of rows with ``n < min_n``; keep label and n; add ``suppressed``."""
    small = table[n_col] < (min_n or 0)
    out = table.copy()
    for c in value_cols:
        out[c] = out[c].astype("float64").mask(small)
    out["suppressed"] = small.astype(bool)
    return out


def _t_ci(mean: pd.Series, sd: pd.Series, n: pd.Series, ci: float) -> tuple[pd.Series, pd.Series]:
    """Student-t interval for a mean: mean ± t_{(1+ci)/2, n-1} · sd/√n (NaN when n < 2)."""
    n = n.astype("float64")
    df = (n - 1).where(n > 1)
    half = stats.t.ppf((1 + ci) / 2, df) * sd / np.sqrt(n)
    return mean - half, mean + half


def _wilson(events: pd.Series, n: pd.Series, ci: float) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval (statsmodels ``proportion_confint(method="wilson")``)."""
    ok = n > 0
    low = pd.Series(np.nan, index=n.index)
    high = pd.Series(np.nan, index=n.index)
    if ok.any():
        lo, hi = proportion_confint(events[ok].to_numpy(float), n[ok].to_numpy(float), alpha=1 - ci, method="wilson")
        low[ok], high[ok] = lo, hi
    return low, high


def _mean_table(frame: pd.DataFrame, value: str, by: Sequence[str], *, min_n: int | None, ci: float,
                count: str | None = None) -> pd.DataFrame:
    """n, mean, sd and a t interval of ``value`` per ``by`` group (NaN values are not counted)."""
    data = frame[[*by, value] + ([count] if count else [])].dropna(subset=[value])
    if by:
        g = data.groupby(list(by), observed=True, sort=True, dropna=False)[value]
        table = g.agg(n="count", mean="mean", sd="std").reset_index()
        if count:
            table[f"n_{count.removesuffix('_id')}s"] = data.groupby(list(by), observed=True, sort=True,
                                                                   dropna=False)[count].nunique().to_numpy()
    else:
        table = pd.DataFrame({"n": [data[value].count()], "mean": [data[value].mean()], "sd": [data[value].std()]})
        if count:
            table[f"n_{count.removesuffix('_id')}s"] = [data[count].nunique()]
    table["ci_low"], table["ci_high"] = _t_ci(table["mean"], table["sd"], table["n"], ci)
    return _suppress(table, min_n=min_n, value_cols=["mean", "sd", "ci_low", "ci_high"])


def _rate_table(frame: pd.DataFrame, flag: str, by: Sequence[str], *, min_n: int | None, ci: float,
                events: str = "n_events", rate: str = "rate") -> pd.DataFrame:
    """n, number of events, rate and a Wilson interval of a 0/1 column per ``by`` group."""
    data = frame[[*by, flag]].dropna(subset=[flag])
    if by:
        table = data.groupby(list(by), observed=True, sort=True, dropna=False)[flag].agg(["count", "sum"]).reset_index()
    else:
        table = pd.DataFrame({"count": [data[flag].count()], "sum": [data[flag].sum()]})
    table = table.rename(columns={"count": "n", "sum": events})
    table[events] = table[events].astype("int64")
    table[rate] = table[events] / table["n"]
    table["ci_low"], table["ci_high"] = _wilson(table[events], table["n"], ci)
    return _suppress(table, min_n=min_n, value_cols=[rate, "ci_low", "ci_high"])


# --------------------------------------------------------------------------------------------
# interactions -> scored touchpoints, cases
# --------------------------------------------------------------------------------------------
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
    _require(interactions, ["interaction_id", "customer_id", "touchpoint"], "interactions")
    n = len(interactions)
    rating, ces, t_nps = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    if responses is not None and len(responses):
        _require(responses, ["interaction_id"], "responses")
        resp = responses
        if "survey" in resp.columns:
            resp = resp[resp["survey"].astype("string").eq("transactional").fillna(False).to_numpy(bool)]
        for f in exclude_flags:
            if f in resp.columns:
                resp = resp[~resp[f].fillna(False).astype(bool).to_numpy()]
        resp = resp[resp["interaction_id"].notna().to_numpy(bool)]
        ids = pd.Index(interactions["interaction_id"])
        if not ids.is_unique:
            dup = ids[ids.duplicated()][:3].tolist()
            raise DataError(f"`interactions.interaction_id` must be unique; {dup} appear more than once. "
                            "Load the table through open_client(), which quarantines duplicate keys.")
        # positions instead of joins: one hash lookup of the answers' interaction ids
        pos = ids.get_indexer(resp["interaction_id"])
        keep = pos >= 0
        resp, pos = resp[keep], pos[keep]
        tp = interactions["touchpoint"].to_numpy(dtype=object, na_value=None)[pos]
        pick = np.full(len(resp), np.nan)
        for t in pd.unique(tp):
            col = rating_column(str(t)) if t is not None else None
            if col in resp.columns:
                mask = tp == t
                pick[mask] = _num(resp[col]).to_numpy()[mask]
        if "csat" in resp.columns:
            pick = np.where(np.isnan(pick), _num(resp["csat"]).to_numpy(), pick)
        rating = _mean_at(pos, pick, n)
        if "ces" in resp.columns:
            ces = _mean_at(pos, _num(resp["ces"]).to_numpy(), n)
        if "nps" in resp.columns:
            t_nps = _mean_at(pos, _num(resp["nps"]).to_numpy(), n)
    # a shallow copy: with copy-on-write the caller's frame is never modified
    out = interactions.copy(deep=False)
    out["rating"] = rating
    out["ces"] = ces
    out["t_nps"] = t_nps
    out["experience"] = (rating - 1) / 4 * 100
    out["effort_score"] = (ces - 1) / 6 * 100
    return out


def _mean_at(pos: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` (NaN skipped) per target position 0..n-1; NaN where none."""
    ok = ~np.isnan(values)
    total = np.bincount(pos[ok], values[ok], minlength=n)
    count = np.bincount(pos[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


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
    c = contact_flags(interactions, silent_minutes=silent_minutes)
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


def contact_flags(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0) -> pd.DataFrame:
    """The contacts of every case, in case and time order, with per-contact flags.

    Used by :func:`case_table`. Only interactions with a ``case_id`` are returned, sorted by
    ``case_id``, ``occurred_at``, ``interaction_id``, with added columns ``contact_no`` (0 = first
    contact of its case), ``repeat`` (contact_no > 0), ``handoff`` (department differs from the
    previous contact's, both known), ``gap_minutes`` (to the case's next contact; NaN for the
    last), ``silent_wait`` (see :func:`case_table`), and private ``_case`` (integer case code),
    ``_resolved``, ``_known``, ``_wait`` (floats, NaN when unknown).
    """
    _require(interactions, ["interaction_id", "customer_id", "occurred_at"], "interactions")
    c = interactions
    if "case_id" in c.columns:
        c = c[c["case_id"].notna().to_numpy(bool)]
    else:
        c = c.iloc[:0].assign(case_id=pd.Series([], dtype="string"))
    c = c.copy(deep=False)
    for col in ("department", "stage", "channel", "touchpoint"):
        if col not in c.columns:
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
    c["_resolved"] = _flag(c["resolved"]).to_numpy() if "resolved" in c.columns else np.nan
    c["_known"] = _flag(c["asked_known_info"]).to_numpy() if "asked_known_info" in c.columns else np.nan
    c["_wait"] = _num(c["wait_minutes"]).to_numpy() if "wait_minutes" in c.columns else np.nan
    updates = _num(c["updates_sent"]).to_numpy() if "updates_sent" in c.columns else np.full(m, np.nan)
    open_gap = np.where(c["_resolved"].to_numpy() != 1, c["gap_minutes"].to_numpy(), np.nan)
    waited = np.fmax(c["_wait"].to_numpy(float), open_gap)
    with np.errstate(invalid="ignore"):
        c["silent_wait"] = (waited >= silent_minutes) & (updates == 0)
    return c


# --------------------------------------------------------------------------------------------
# the journey index
# --------------------------------------------------------------------------------------------
def journey_index(interactions: pd.DataFrame, responses: pd.DataFrame | None, *,
                  aggregate: Aggregate = "peak_end", half_life_days: float = 180.0,
                  weights: Mapping[str, float] | None = None, wait_target_minutes: float = 60.0,
                  silent_minutes: float = 2880.0, as_of: str | pd.Timestamp | None = None,
                  period: str | None = None, exclude_flags: Sequence[str] = (),
                  engine: Literal["pandas", "duckdb"] = "pandas") -> pd.DataFrame:
    """The cumulative journey index of every customer: all touchpoints over time, in one number.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables. Relationship-survey answers are never used (they are the outcome the
        index is judged against).
    aggregate : {"peak_end", "recency", "mean"}, keyword-only
        How a customer's touchpoint ratings become the ``rating`` component: the mean of the
        worst and the last rating (peak-end rule), a recency-weighted mean, or the plain mean.
    half_life_days : float, keyword-only
        Half-life of the recency weights (``aggregate="recency"``).
    weights : mapping, keyword-only
        Weight of each component (default: all 1, "unit weights").
    wait_target_minutes : float, keyword-only
        A contact's wait is on target when ``wait_minutes`` is at most this.
    silent_minutes : float, keyword-only
        Threshold of a silent wait (see :func:`case_table`).
    as_of : date, keyword-only
        Use only interactions that happened before this moment.
    period : str, keyword-only
        A pandas period frequency ("M", "Q", "Y"): one row per customer and period, built from that
        period's touchpoints only (cases belong to the period they were opened in).
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.
    engine : {"pandas", "duckdb"}, keyword-only
        Same numbers; DuckDB is faster and leaner on millions of rows.

    Returns
    -------
    DataFrame
        One row per customer (and ``period``), sorted: ``customer_id``, [``period``],
        ``journey_index`` (0-100, higher = better), ``n_components`` (components available),
        ``n_interactions``, ``n_rated``, ``n_cases``, ``touchpoint_mean`` (plain mean of the
        0-100 touchpoint ratings, "the average touchpoint"), ``rating_worst``, ``rating_last``,
        then the components, each 0-100: ``rating`` (aggregate of touchpoint ratings), ``effort``
        (mean CES rescaled), ``resolution`` (% of cases resolved at their last contact),
        ``first_contact`` (% of cases handled in one contact), ``known_info`` (% of interactions
        where no known information was asked again), ``no_silent_wait`` (% of cases without a
        silent wait), ``wait`` (% of interactions waited at most ``wait_target_minutes``).
        A component is NaN when the customer has no data for it.

    Notes
    -----
    journey_index = Σ_k w_k·c_k / Σ_k w_k over the components c_k the customer has.
    Unit weights follow Dawes (1979), "The robust beauty of improper linear models". The
    peak-end rule is Kahneman, Fredrickson, Schreiber & Redelmeier (1993); applied to service
    encounters by Verhoef, Antonides & de Hoog (2004); the negative peak (the worst touchpoint) is
    used because bad experiences weigh more (Baumeister et al. 2001). Recency weight of a rating
    made d days before the customer's last rating: 0.5^(d / half_life_days). The journey view is
    Lemon & Verhoef (2016); cumulative experience, Verhoef et al. (2009). Details:
    ``docs/methods-journey.md``.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": ["c1", "c1"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-02-01"]), "touchpoint": "billing",
    ...     "asked_known_info": [True, False]})
    >>> r = pd.DataFrame({"response_id": ["r1", "r2"], "customer_id": "c1", "interaction_id": ["a", "b"],
    ...     "rating_billing": [2, 5]})
    >>> journey_index(i, r)[["rating", "known_info", "journey_index"]].to_dict("records")
    [{'rating': 62.5, 'known_info': 50.0, 'journey_index': 56.25}]
    """
    if aggregate not in ("peak_end", "recency", "mean"):
        raise ValueError(f"aggregate={aggregate!r}; expected 'peak_end', 'recency' or 'mean'.")
    w = _weights(weights)
    _require(interactions, ["interaction_id", "customer_id", "occurred_at", "touchpoint"], "interactions")
    inter = interactions
    if as_of is not None:
        inter = inter[(inter["occurred_at"] < pd.Timestamp(as_of)).to_numpy(bool)]
    if engine == "duckdb":
        import duckdb  # noqa: PLC0415

        con = duckdb.connect()
        try:
            con.register("interactions", inter)
            if responses is not None:
                con.register("responses", responses)
            return journey_index_duckdb(
                con, responses=None if responses is None else "responses", aggregate=aggregate,
                half_life_days=half_life_days, weights=w, wait_target_minutes=wait_target_minutes,
                silent_minutes=silent_minutes, period=period, exclude_flags=exclude_flags)
        finally:
            con.close()
    if engine != "pandas":
        raise ValueError(f"engine={engine!r}; expected 'pandas' or 'duckdb'.")
    scores = touchpoint_scores(inter, responses, exclude_flags=exclude_flags)
    keys = ["customer_id"]
    if period is not None:
        scores = scores.assign(period=_periods(scores["occurred_at"], period))
        keys.append("period")
    cases = case_table(inter, silent_minutes=silent_minutes)
    if period is not None:
        cases = cases.assign(period=_periods(cases["opened_at"], period))
    return _assemble(scores, cases, keys, aggregate=aggregate, half_life_days=half_life_days, weights=w,
                     wait_target_minutes=wait_target_minutes)


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = {k: 1.0 for k in COMPONENTS}
    if weights:
        unknown = set(weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"Unknown component(s) in weights: {sorted(unknown)}; expected some of {COMPONENTS}.")
        w.update({k: float(v) for k, v in weights.items()})
    if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError(f"weights must be ≥ 0 with a positive sum; got {w}.")
    return w


def _group_ids(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group id of every row (groups sorted by ``keys``) and the keys of each group."""
    codes = np.zeros(len(frame), np.int64)
    for k in keys:
        c, u = pd.factorize(frame[k], sort=True)
        codes = codes * (len(u) + 1) + (c + 1)
    _, first, gid = np.unique(codes, return_index=True, return_inverse=True)
    return gid.ravel(), frame[keys].iloc[first].reset_index(drop=True)


def _mean_by(gid: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` per group, NaN skipped; NaN for groups without a value."""
    return _mean_at(gid, np.asarray(values, dtype=float), n_groups)


def _assemble(scores: pd.DataFrame, cases: pd.DataFrame, keys: list[str], *, aggregate: str,
              half_life_days: float, weights: dict[str, float], wait_target_minutes: float) -> pd.DataFrame:
    # one factorisation of the customer (and period) keys; every aggregate below is a bincount
    gid, out = _group_ids(scores, keys)
    G = len(out)
    exp = scores["experience"].to_numpy(float)
    ok = ~np.isnan(exp)
    t = scores["occurred_at"].to_numpy("datetime64[ns]").view("int64")
    out["n_interactions"] = np.bincount(gid, minlength=G)
    out["n_rated"] = np.bincount(gid[ok], minlength=G)
    out["touchpoint_mean"] = _mean_by(gid, exp, G)
    g_ok, e_ok, t_ok = gid[ok], exp[ok], t[ok]
    worst = np.full(G, np.inf)
    np.minimum.at(worst, g_ok, e_ok)
    out["rating_worst"] = np.where(np.isinf(worst), np.nan, worst)
    last_at = np.full(G, np.iinfo(np.int64).min)
    np.maximum.at(last_at, g_ok, t_ok)
    row_last = last_at[g_ok]
    at_end = t_ok == row_last
    out["rating_last"] = _mean_at(g_ok[at_end], e_ok[at_end], G)
    if aggregate == "peak_end":
        out["rating"] = (out["rating_worst"] + out["rating_last"]) / 2
    elif aggregate == "recency":
        wt = np.power(0.5, (row_last - t_ok) / 8.64e13 / half_life_days)
        den = np.bincount(g_ok, wt, minlength=G)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["rating"] = np.where(den > 0, np.bincount(g_ok, wt * e_ok, minlength=G) / den, np.nan)
    else:
        out["rating"] = out["touchpoint_mean"]
    out["effort"] = _mean_by(gid, scores["effort_score"].to_numpy(float), G)
    out["known_info"] = (100 * (1 - _mean_by(gid, _flag(scores["asked_known_info"]).to_numpy(), G))
                         if "asked_known_info" in scores.columns else np.nan)
    if "wait_minutes" in scores.columns:
        wait = _num(scores["wait_minutes"]).to_numpy()
        with np.errstate(invalid="ignore"):
            on_target = np.where(np.isnan(wait), np.nan, (wait <= wait_target_minutes).astype(float))
        out["wait"] = 100 * _mean_by(gid, on_target, G)
    else:
        out["wait"] = np.nan
    if len(cases):
        cg = cases[keys].merge(out[keys].assign(_g=np.arange(G)), on=keys, how="left")["_g"]
        cg = cg.fillna(-1).astype("int64").to_numpy()
        has = cg >= 0
        cg = cg[has]
        out["n_cases"] = np.bincount(cg, minlength=G)
        out["resolution"] = 100 * _mean_by(cg, cases["resolved"].to_numpy(float)[has], G)
        out["first_contact"] = 100 * _mean_by(cg, (cases["n_contacts"].to_numpy()[has] == 1).astype(float), G)
        out["no_silent_wait"] = 100 * (1 - _mean_by(cg, cases["silent"].to_numpy(float)[has], G))
    else:
        out["n_cases"] = 0
        out[["resolution", "first_contact", "no_silent_wait"]] = np.nan
    out["n_cases"] = out["n_cases"].astype("int64")
    return _finish_index(out, keys, weights)


def _finish_index(out: pd.DataFrame, keys: list[str], weights: dict[str, float]) -> pd.DataFrame:
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


_PERIOD_SQL = {"M": "strftime({t}, '%Y-%m')", "Q": "year({t}) || 'Q' || quarter({t})", "Y": "CAST(year({t}) AS VARCHAR)"}


def journey_index_duckdb(con, *, interactions: str = "interactions", responses: str | None = "responses",
                         aggregate: Aggregate = "peak_end", half_life_days: float = 180.0,
                         weights: Mapping[str, float] | None = None, wait_target_minutes: float = 60.0,
                         silent_minutes: float = 2880.0, as_of: str | pd.Timestamp | None = None,
                         period: str | None = None, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`journey_index` computed inside DuckDB, on tables or views of a connection.

    For data that should not be loaded into pandas first: ``ws.connect()`` (the validated store),
    or views over Parquet files (``CREATE VIEW interactions AS SELECT * FROM read_parquet('…')``).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection holding the two tables.
    interactions, responses : str, keyword-only
        Their table or view names (``responses=None``: no survey data).
    aggregate, half_life_days, weights, wait_target_minutes, silent_minutes, as_of, period, exclude_flags
        As in :func:`journey_index`; ``period`` is one of "M", "Q", "Y".

    Returns
    -------
    DataFrame
        Exactly the columns and rows of :func:`journey_index`.

    Notes
    -----
    Same formulas as :func:`journey_index` (tested to give equal numbers); the per-customer
    aggregation runs out of core in DuckDB, so memory stays bounded for millions of interactions.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> con.execute("CREATE TABLE interactions AS SELECT 'a' AS interaction_id, 'c1' AS customer_id, "
    ...             "TIMESTAMP '2025-01-01' AS occurred_at, 'billing' AS touchpoint, 10.0 AS wait_minutes") and None
    >>> journey_index_duckdb(con, responses=None)[["customer_id", "wait", "journey_index"]].to_dict("records")
    [{'customer_id': 'c1', 'wait': 100.0, 'journey_index': 100.0}]
    """
    if aggregate not in ("peak_end", "recency", "mean"):
        raise ValueError(f"aggregate={aggregate!r}; expected 'peak_end', 'recency' or 'mean'.")
    if period is not None and period not in _PERIOD_SQL:
        raise ValueError(f"period={period!r}; the DuckDB engine supports {sorted(_PERIOD_SQL)}.")
    w = _weights(weights)
    icols = {r[0] for r in con.execute(f'DESCRIBE "{interactions}"').fetchall()}
    _require(pd.DataFrame(columns=sorted(icols)), ["interaction_id", "customer_id", "occurred_at", "touchpoint"],
             "interactions")

    def col(name: str, cols: set[str], sql_type: str = "DOUBLE") -> str:
        return f'CAST("{name}" AS {sql_type})' if name in cols else f"CAST(NULL AS {sql_type})"

    where = "" if as_of is None else f"WHERE occurred_at < TIMESTAMP '{pd.Timestamp(as_of).isoformat(sep=' ')}'"
    per_expr = "''" if period is None else _PERIOD_SQL[period].format(t="occurred_at")
    inter_sql = f"""
        SELECT interaction_id, customer_id, occurred_at, touchpoint,
               {col("case_id", icols, "VARCHAR")} AS case_id, {col("department", icols, "VARCHAR")} AS department,
               {col("resolved", icols)} AS resolved, {col("asked_known_info", icols)} AS known,
               {col("wait_minutes", icols)} AS wait, {col("updates_sent", icols)} AS updates,
               {per_expr} AS period
        FROM "{interactions}" {where}"""
    if responses is not None:
        rcols = {r[0] for r in con.execute(f'DESCRIBE "{responses}"').fetchall()}
        tps = [r[0] for r in con.execute(f'SELECT DISTINCT touchpoint FROM "{interactions}" '
                                         'WHERE touchpoint IS NOT NULL ORDER BY 1').fetchall()]
        whens = " ".join(f"WHEN '{str(t).replace(chr(39), chr(39) * 2)}' THEN CAST(r.\"{rating_column(t)}\" AS DOUBLE)"
                         for t in tps if rating_column(t) in rcols)
        tp_rating = f"CASE i.touchpoint {whens} END" if whens else "CAST(NULL AS DOUBLE)"
        conds = ["r.interaction_id IS NOT NULL"]
        if "survey" in rcols:
            conds.append("r.survey = 'transactional'")
        conds += [f'COALESCE(NOT r."{f}", TRUE)' for f in exclude_flags if f in rcols]
        csat = 'CAST(r."csat" AS DOUBLE)' if "csat" in rcols else "CAST(NULL AS DOUBLE)"
        ces = 'CAST(r."ces" AS DOUBLE)' if "ces" in rcols else "CAST(NULL AS DOUBLE)"
        rated_sql = f"""
            SELECT r.interaction_id, avg(COALESCE({tp_rating}, {csat})) AS rating, avg({ces}) AS ces
            FROM "{responses}" r JOIN "{interactions}" i ON r.interaction_id = i.interaction_id
            WHERE {" AND ".join(conds)} GROUP BY r.interaction_id"""
    else:
        rated_sql = "SELECT NULL::VARCHAR AS interaction_id, NULL::DOUBLE AS rating, NULL::DOUBLE AS ces WHERE FALSE"
    keys = "customer_id, period"
    if aggregate == "peak_end":
        rating = "(rating_worst + rating_last) / 2"
    elif aggregate == "recency":
        rating = "rec_num / rec_den"
    else:
        rating = "touchpoint_mean"
    sql = f"""
    WITH inter AS ({inter_sql}),
    rated AS ({rated_sql}),
    scores AS (
        SELECT i.*, (r.rating - 1) / 4 * 100 AS experience, (r.ces - 1) / 6 * 100 AS effort_score
        FROM inter i LEFT JOIN rated r USING (interaction_id)),
    scores2 AS (
        SELECT *, max(CASE WHEN experience IS NOT NULL THEN occurred_at END)
                      OVER (PARTITION BY {keys}) AS last_at FROM scores),
    cust AS (
        SELECT {keys}, count(*) AS n_interactions, count(experience) AS n_rated,
               avg(experience) AS touchpoint_mean, min(experience) AS rating_worst,
               avg(CASE WHEN occurred_at = last_at THEN experience END) AS rating_last,
               sum(pow(0.5, epoch(last_at - occurred_at) / 86400 / {float(half_life_days)!r}) * experience) AS rec_num,
               sum(CASE WHEN experience IS NOT NULL
                        THEN pow(0.5, epoch(last_at - occurred_at) / 86400 / {float(half_life_days)!r}) END) AS rec_den,
               avg(effort_score) AS effort,
               100 * (1 - avg(known)) AS known_info,
               100 * avg(CASE WHEN wait IS NULL THEN NULL WHEN wait <= {float(wait_target_minutes)!r} THEN 1.0
                              ELSE 0.0 END) AS wait
        FROM scores2 GROUP BY {keys}),
    contacts AS (
        SELECT *, lag(department) OVER w AS prev_dept,
               epoch(lead(occurred_at) OVER w - occurred_at) / 60 AS gap,
               lead(occurred_at) OVER w IS NULL AS is_last
        FROM inter WHERE case_id IS NOT NULL
        WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, interaction_id)),
    contacts2 AS (
        SELECT *, COALESCE(greatest(wait, CASE WHEN resolved IS DISTINCT FROM 1 THEN gap END)
                           >= {float(silent_minutes)!r} AND updates = 0, FALSE) AS silent_wait
        FROM contacts),
    cases AS (
        SELECT case_id, first(customer_id ORDER BY occurred_at, interaction_id) AS customer_id,
               first(period ORDER BY occurred_at, interaction_id) AS period,
               count(*) AS n_contacts, max(CASE WHEN is_last THEN resolved END) AS resolved,
               max(CAST(silent_wait AS DOUBLE)) AS silent
        FROM contacts2 GROUP BY case_id),
    cust_cases AS (
        SELECT {keys}, count(*) AS n_cases, 100 * avg(resolved) AS resolution,
               100 * avg(CASE WHEN n_contacts = 1 THEN 1.0 ELSE 0.0 END) AS first_contact,
               100 * (1 - avg(silent)) AS no_silent_wait
        FROM cases GROUP BY {keys})
    SELECT c.*, {rating} AS rating, COALESCE(k.n_cases, 0) AS n_cases, k.resolution, k.first_contact,
           k.no_silent_wait
    FROM cust c LEFT JOIN cust_cases k USING (customer_id, period)
    """
    out = con.execute(sql).fetchdf()
    keys_out = ["customer_id"] + ([] if period is None else ["period"])
    out["customer_id"] = out["customer_id"].astype("string")
    out["period"] = out["period"].astype("string")
    for c in COMPONENTS:
        out[c] = out[c].astype("float64")
    for c in ("touchpoint_mean", "rating_worst", "rating_last"):
        out[c] = out[c].astype("float64")
    return _finish_index(out, keys_out, w)


def index_contributions(index: pd.DataFrame, *, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The journey index explained: points each component adds, per customer (long format).

    Parameters
    ----------
    index : DataFrame
        Output of :func:`journey_index`.
    weights : mapping, keyword-only
        The weights the index was built with (default: unit weights).

    Returns
    -------
    DataFrame
        ``customer_id`` (and ``period`` when present), ``component``, ``value`` (0-100),
        ``weight`` (share of the customer's index, 0 when the component is missing),
        ``contribution`` (weight × value; contributions of a customer sum to its ``journey_index``).

    Examples
    --------
    >>> idx = pd.DataFrame({"customer_id": ["c1"], "journey_index": [75.0], "rating": [100.0],
    ...     "effort": [50.0], "resolution": [np.nan], "first_contact": [np.nan], "known_info": [np.nan],
    ...     "no_silent_wait": [np.nan], "wait": [np.nan]})
    >>> index_contributions(idx).query("weight > 0")[["component", "contribution"]].to_dict("records")
    [{'component': 'rating', 'contribution': 50.0}, {'component': 'effort', 'contribution': 25.0}]
    """
    w = _weights(weights)
    keys = [k for k in ("customer_id", "period") if k in index.columns]
    long = index.melt(id_vars=keys, value_vars=list(COMPONENTS), var_name="component", value_name="value")
    long["weight"] = long["component"].map(w).astype("float64").where(long["value"].notna(), 0.0)
    long["weight"] = long["weight"] / long.groupby(keys, observed=True)["weight"].transform("sum")
    long["contribution"] = long["weight"] * long["value"].fillna(0.0)
    order = {c: i for i, c in enumerate(COMPONENTS)}
    long = long.assign(_o=long["component"].map(order)).sort_values([*keys, "_o"], kind="stable")
    return long.drop(columns="_o").reset_index(drop=True)


def summarise_index(index: pd.DataFrame, *, customers: pd.DataFrame | None = None, by: Sequence[str] = (),
                    value: str = "journey_index", min_n: int | None = None, ci: float = 0.95) -> pd.DataFrame:
    """Mean journey index (or any of its columns) by segment / period, with a t interval.

    Parameters
    ----------
    index : DataFrame
        Output of :func:`journey_index` (with ``period`` when built with ``period=``).
    customers : DataFrame, keyword-only
        Canonical customers, for grouping columns such as ``segment`` or ``region``.
    by : sequence of str, keyword-only
        Grouping columns (``period`` must already be a column of ``index``).
    value : str, keyword-only
        The column summarised.
    min_n : int, keyword-only
        Groups with fewer customers are suppressed (values NaN, ``suppressed`` True).
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (customers with a value), ``mean``, ``sd``, ``ci_low``, ``ci_high``,
        ``suppressed``.

    Notes
    -----
    mean ± t_{(1+ci)/2, n−1} · sd / √n.

    Examples
    --------
    >>> summarise_index(pd.DataFrame({"customer_id": ["a", "b"], "journey_index": [40.0, 60.0]}))["mean"].item()
    50.0
    """
    frame = _add_groups(index, list(by), customers=customers)
    return _mean_table(frame, value, list(by), min_n=min_n, ci=ci)


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
    _require(customers, ["customer_id"], "customers")
    keep = [c for c in ("customer_id", "segment", "region") if c in customers.columns]
    out = customers[keep].copy()
    out["churned"] = _flag(customers["churned"]) if "churned" in customers.columns else np.nan
    out["nps"] = np.nan
    out["nps_answered_at"] = pd.NaT
    if responses is not None and len(responses) and "nps" in responses.columns:
        r = relationship_answers(responses, exclude_flags=exclude_flags)
        r = r.assign(_nps=_num(r["nps"])).dropna(subset=["_nps"])
        sort = ["customer_id", "answered_at", "response_id"] if "answered_at" in r.columns else ["customer_id", "response_id"]
        last = r.sort_values(sort, kind="stable").groupby("customer_id", sort=False).tail(1)
        cols = ["customer_id", "_nps"] + (["answered_at"] if "answered_at" in last.columns else [])
        out = out.drop(columns=["nps", "nps_answered_at"]).merge(
            last[cols].rename(columns={"_nps": "nps", "answered_at": "nps_answered_at"}),
            on="customer_id", how="left")
        if "nps_answered_at" not in out.columns:
            out["nps_answered_at"] = pd.NaT
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# touchpoint versus journey
# --------------------------------------------------------------------------------------------
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


def journey_paths(interactions: pd.DataFrame, *, step: _STEP = "stage_channel",
                  unit: Literal["customer", "case"] = "customer", max_steps: int | None = 4,
                  collapse_repeats: bool = False) -> pd.DataFrame:
    """Each customer's (or case's) journey as a readable path of steps.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions.
    step : str, keyword-only
        What a step shows: ``"stage_channel"`` ("store buy"), ``"touchpoint_channel"``
        ("phone support_call"), ``"channel"``, ``"stage"`` or ``"touchpoint"``.
    unit : {"customer", "case"}, keyword-only
        One path per customer (all interactions) or per case.
    max_steps : int or None, keyword-only
        Keep the first ``max_steps`` steps (a trailing "…" marks a longer path); None keeps all.
    collapse_repeats : bool, keyword-only
        Merge consecutive identical steps ("phone support → phone support" → "phone support").

    Returns
    -------
    DataFrame
        ``customer_id`` (and ``case_id`` for cases), ``path`` (steps joined by " → "),
        ``n_steps`` (before truncation).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["1", "2", "3"], "customer_id": "c", "stage": ["buy", "support", "support"],
    ...     "channel": ["store", "phone", "phone"], "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> journey_paths(i)["path"].item()
    'store buy → phone support → phone support'
    """
    parts = {"stage_channel": ["channel", "stage"], "touchpoint_channel": ["channel", "touchpoint"],
             "channel": ["channel"], "stage": ["stage"], "touchpoint": ["touchpoint"]}
    if step not in parts:
        raise ValueError(f"step={step!r}; expected one of {sorted(parts)}.")
    keys = ["customer_id"] if unit == "customer" else ["customer_id", "case_id"]
    _require(interactions, ["interaction_id", "occurred_at", *keys, *parts[step]], "interactions")
    data = interactions[[*keys, "occurred_at", "interaction_id", *parts[step]]]
    if unit == "case":
        data = data[data["case_id"].notna().to_numpy(bool)]
    gid, out = _group_ids(data, keys)
    t = data["occurred_at"].to_numpy("datetime64[ns]").view("int64")
    order = np.lexsort((t, gid))
    same = (gid[order][1:] == gid[order][:-1]) & (t[order][1:] == t[order][:-1])
    if same.any():  # simultaneous steps: order them by interaction_id, whatever the row order
        order = np.lexsort((pd.factorize(data["interaction_id"], sort=True)[0], t, gid))
    g = gid[order]
    # a step is a small code; labels are built once per distinct step, not per row
    code = np.zeros(len(data), np.int64)
    for col in parts[step]:
        c, _ = pd.factorize(data[col])
        code = code * (c.max(initial=0) + 2) + (c + 1)
    code = code[order]
    steps, step_of, step_code = np.unique(code, return_index=True, return_inverse=True)
    step_code = step_code.ravel()
    first_rows = order[step_of]
    label_parts = [data[col].astype("string").fillna("?").to_numpy(dtype=object)[first_rows] for col in parts[step]]
    labels = np.array([" ".join(x) for x in zip(*label_parts)], dtype=object)
    if collapse_repeats:
        keep = np.r_[True, (g[1:] != g[:-1]) | (step_code[1:] != step_code[:-1])] if len(g) else np.zeros(0, bool)
        g, step_code = g[keep], step_code[keep]
    G = len(out)
    first = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, bool)
    idx = np.arange(len(g))
    k = idx - np.maximum.accumulate(np.where(first, idx, 0)) if len(g) else idx
    n_steps = np.bincount(g, minlength=G)
    width = int(n_steps.max(initial=0)) if max_steps is None else min(max_steps, int(n_steps.max(initial=0)))
    kept = k < width
    grid = np.full((G, max(width, 1)), -1, np.int64)
    grid[g[kept], k[kept]] = step_code[kept]
    # distinct paths are few: join each once
    uniq, inverse = np.unique(grid, axis=0, return_inverse=True)
    texts = np.array([" → ".join(labels[row[row >= 0]]) for row in uniq], dtype=object)
    path = texts[inverse.ravel()]
    if max_steps is not None:
        path = np.where(n_steps > max_steps, path + " → …", path)
    out["path"] = path
    out["n_steps"] = n_steps
    out["path"] = out["path"].astype("string")
    out["n_steps"] = out["n_steps"].astype("int64")
    return out


def path_outcomes(paths: pd.DataFrame, outcomes: pd.DataFrame, *, top: int | None = 10,
                  min_n: int | None = None, ci: float = 0.95) -> pd.DataFrame:
    """The most common paths and how their customers fare.

    Parameters
    ----------
    paths : DataFrame
        Output of :func:`journey_paths` (``customer_id``, ``path``).
    outcomes : DataFrame
        One row per customer: ``customer_id`` and any of ``journey_index`` (0-100),
        ``nps`` (relationship NPS, 0-10) and ``churned`` (bool).
    top : int or None, keyword-only
        Keep the ``top`` most frequent paths.
    min_n : int, keyword-only
        Paths with fewer units are suppressed.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        ``path``, ``n`` (units taking the path), ``share`` (of all units), and for each outcome
        present: ``journey_index`` with ``journey_index_ci_low/high`` (t), ``nps_mean`` with
        ``nps_ci_low/high`` (t), ``n_nps``, ``churn_rate`` with ``churn_ci_low/high`` (Wilson),
        ``n_churn``; ``suppressed``. Sorted by n (descending), then path.

    Examples
    --------
    >>> p = pd.DataFrame({"customer_id": ["a", "b", "c"], "path": ["x", "x", "y"]})
    >>> o = pd.DataFrame({"customer_id": ["a", "b", "c"], "churned": [True, False, False]})
    >>> path_outcomes(p, o)[["path", "n", "churn_rate"]].to_dict("records")
    [{'path': 'x', 'n': 2, 'churn_rate': 0.5}, {'path': 'y', 'n': 1, 'churn_rate': 0.0}]
    """
    data = paths[["customer_id", "path"]].merge(outcomes, on="customer_id", how="left")
    counts = data.groupby("path", observed=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts["n"].sum()
    counts = counts.sort_values(["n", "path"], ascending=[False, True], kind="stable")
    if top is not None:
        counts = counts.head(top)
    table = counts.reset_index(drop=True)
    values = ["share"]
    if "journey_index" in data.columns:
        m = _mean_table(data, "journey_index", ["path"], min_n=None, ci=ci)
        m = m.rename(columns={"mean": "journey_index", "ci_low": "journey_index_ci_low",
                              "ci_high": "journey_index_ci_high"})
        table = table.merge(m[["path", "journey_index", "journey_index_ci_low", "journey_index_ci_high"]],
                            on="path", how="left")
        values += ["journey_index", "journey_index_ci_low", "journey_index_ci_high"]
    if "nps" in data.columns:
        m = _mean_table(data.assign(nps=_num(data["nps"])), "nps", ["path"], min_n=None, ci=ci)
        m = m.rename(columns={"n": "n_nps", "mean": "nps_mean", "ci_low": "nps_ci_low", "ci_high": "nps_ci_high"})
        table = table.merge(m[["path", "n_nps", "nps_mean", "nps_ci_low", "nps_ci_high"]], on="path", how="left")
        values += ["nps_mean", "nps_ci_low", "nps_ci_high"]
    if "churned" in data.columns:
        r = _rate_table(data.assign(_c=_flag(data["churned"])), "_c", ["path"], min_n=None, ci=ci, rate="churn_rate")
        r = r.rename(columns={"n": "n_churn", "ci_low": "churn_ci_low", "ci_high": "churn_ci_high"})
        table = table.merge(r[["path", "n_churn", "churn_rate", "churn_ci_low", "churn_ci_high"]], on="path", how="left")
        values += ["churn_rate", "churn_ci_low", "churn_ci_high"]
    for c in ("n_nps", "n_churn"):
        if c in table.columns:
            table[c] = table[c].fillna(0).astype("int64")
    return _suppress(table, min_n=min_n, value_cols=values)


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
