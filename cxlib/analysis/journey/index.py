"""The journey index: every touchpoint of a customer, combined into one explainable number.

* :func:`journey_index` (pandas or DuckDB) -- one row per customer (optionally per period): the
  journey index and its components;
* :func:`index_contributions` -- the index explained: how many points each component adds;
* :func:`summarise_index` -- the index by segment / period with intervals and suppression.

The DuckDB engine is :func:`cxlib.analysis.journey.index_sql.journey_index_duckdb`; the components
and their weights are :mod:`cxlib.analysis.journey.components`. Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.context import period_labels, period_name
from cxlib.analysis.journey.cases import case_table
from cxlib.analysis.journey.common import add_groups, as_flag, as_float, group_ids, mean_at, mean_table, require
from cxlib.analysis.journey.components import COMPONENTS, Aggregate, component_weights, finish_index
from cxlib.analysis.journey.index_sql import journey_index_duckdb
from cxlib.analysis.journey.scores import touchpoint_scores

__all__ = ["journey_index", "index_contributions", "summarise_index"]


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
    period : {"month", "quarter", "year"}, keyword-only
        One row per customer and period, built from that
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
    if period is not None:
        period = period_name(period)
    w = component_weights(weights)
    require(interactions, ["interaction_id", "customer_id", "occurred_at", "touchpoint"], "interactions")
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
        scores = scores.assign(period=period_labels(scores["occurred_at"], period))
        keys.append("period")
    cases = case_table(inter, silent_minutes=silent_minutes)
    if period is not None:
        cases = cases.assign(period=period_labels(cases["opened_at"], period))
    return _assemble(scores, cases, keys, aggregate=aggregate, half_life_days=half_life_days, weights=w,
                     wait_target_minutes=wait_target_minutes)


def _mean_by(gid: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` per group, NaN skipped; NaN for groups without a value."""
    return mean_at(gid, np.asarray(values, dtype=float), n_groups)


def _assemble(scores: pd.DataFrame, cases: pd.DataFrame, keys: list[str], *, aggregate: str,
              half_life_days: float, weights: dict[str, float], wait_target_minutes: float) -> pd.DataFrame:
    # one factorisation of the customer (and period) keys; every aggregate below is a bincount
    gid, out = group_ids(scores, keys)
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
    out["rating_last"] = mean_at(g_ok[at_end], e_ok[at_end], G)
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
    out["known_info"] = (100 * (1 - _mean_by(gid, as_flag(scores["asked_known_info"]).to_numpy(), G))
                         if "asked_known_info" in scores.columns else np.nan)
    if "wait_minutes" in scores.columns:
        wait = as_float(scores["wait_minutes"]).to_numpy()
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
    return finish_index(out, keys, weights)


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
    w = component_weights(weights)
    keys = [k for k in ("customer_id", "period") if k in index.columns]
    long = index.melt(id_vars=keys, value_vars=list(COMPONENTS), var_name="component", value_name="value")
    long["weight"] = long["component"].map(w).astype("float64").where(long["value"].notna(), 0.0)
    long["weight"] = long["weight"] / long.groupby(keys, observed=True)["weight"].transform("sum")
    long["contribution"] = long["weight"] * long["value"].fillna(0.0)
    order = {c: i for i, c in enumerate(COMPONENTS)}
    long = long.assign(_o=long["component"].map(order)).sort_values([*keys, "_o"], kind="stable")
    return long.drop(columns="_o").reset_index(drop=True)


def summarise_index(index: pd.DataFrame, *, customers: pd.DataFrame | None = None, by: Sequence[str] = (),
                    value: str = "journey_index", min_n: int | None = stats.DEFAULT_MIN_N,
                    ci: float = 0.95) -> pd.DataFrame:
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
    min_n : int or None, keyword-only
        The client's minimum group size (``ws.config.min_n``; default 30): groups with fewer
        customers are suppressed (values NaN, ``suppressed`` True), with complementary
        suppression (:func:`cxlib.analysis.stats.suppress`). None or 0: no suppression, for
        internal computations only.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (customers with a value), ``mean``, ``sd``, ``ci_low``, ``ci_high``,
        ``suppressed``.

    Notes
    -----
    mean ± t_{(1+ci)/2, n−1} · sd / √n (:func:`cxlib.analysis.stats.mean_interval`).

    Examples
    --------
    >>> idx = pd.DataFrame({"customer_id": ["a", "b"], "journey_index": [40.0, 60.0]})
    >>> summarise_index(idx, min_n=1)["mean"].item()
    50.0
    >>> bool(summarise_index(idx)["suppressed"].item())   # two customers: below the default minimum of 30
    True
    """
    frame = add_groups(index, list(by), customers=customers)
    return mean_table(frame, value, list(by), min_n=min_n, ci=ci)
