"""Consistency of the experience across touchpoints, channels and departments.

* :func:`customer_spread` / :func:`spread_summary` -- how uneven each customer's experience is;
* :func:`channel_gaps` -- the same touchpoint rated on one channel (or department) against the rest;
* :func:`handoff_outcomes` / :func:`handoff_pairs` -- department hand-offs within a case.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.context import Period, period_name
from cxlib.analysis.journey.cases import case_table, contact_flags
from cxlib.analysis.journey.common import add_groups, mean_table, rate_table, require
from cxlib.analysis.journey.scores import touchpoint_scores

__all__ = ["customer_spread", "spread_summary", "channel_gaps", "handoff_outcomes", "handoff_pairs"]

Measure = Literal["rating", "experience", "effort_score", "t_nps"]


def customer_spread(interactions: pd.DataFrame, responses: pd.DataFrame | None, *, measure: Measure = "rating",
                    across: Literal["touchpoints", "channels", "departments"] = "touchpoints",
                    min_ratings: int = 2, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Within-customer spread of the experience.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables.
    measure : str, keyword-only
        Column of :func:`cxlib.analysis.journey.scores.touchpoint_scores` (default the 1-5 rating).
    across : {"touchpoints", "channels", "departments"}, keyword-only
        Spread of the customer's individual ratings, or of the customer's mean rating per channel /
        per department (how different the same customer finds two channels).
    min_ratings : int, keyword-only
        Customers with fewer units (ratings, channels or departments) are left out.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        ``customer_id``, ``n_units`` (ratings / channels / departments rated), ``mean``,
        ``sd`` (sample SD, ddof = 1), ``range`` (max − min).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abc"), "customer_id": "x", "touchpoint": "t",
    ...     "channel": ["web", "web", "phone"], "occurred_at": pd.Timestamp("2025-01-01")})
    >>> r = pd.DataFrame({"response_id": list("123"), "interaction_id": list("abc"), "csat": [5, 3, 1]})
    >>> customer_spread(i, r)[["n_units", "mean", "sd", "range"]].to_dict("records")
    [{'n_units': 3, 'mean': 3.0, 'sd': 2.0, 'range': 4.0}]
    >>> customer_spread(i, r, across="channels")[["n_units", "range"]].to_dict("records")
    [{'n_units': 2, 'range': 3.0}]
    """
    col = {"touchpoints": None, "channels": "channel", "departments": "department"}
    if across not in col:
        raise ValueError(f"across={across!r}; expected 'touchpoints', 'channels' or 'departments'.")
    scores = touchpoint_scores(interactions, responses, exclude_flags=exclude_flags)
    data = scores[scores[measure].notna().to_numpy(bool)]
    if col[across] is not None:
        require(data, [col[across]], "interactions")
        data = data.groupby(["customer_id", col[across]], observed=True, sort=False)[measure].mean().reset_index()
    g = data.groupby("customer_id", sort=True)[measure]
    out = g.agg(n_units="count", mean="mean", sd="std", _max="max", _min="min")
    out["range"] = out["_max"] - out["_min"]
    out = out[out["n_units"] >= min_ratings].drop(columns=["_max", "_min"]).reset_index()
    out["n_units"] = out["n_units"].astype("int64")
    return out


def spread_summary(spread: pd.DataFrame, *, value: Literal["sd", "range"] = "sd", by: Sequence[str] = (),
                   customers: pd.DataFrame | None = None, min_n: int | None = stats.DEFAULT_MIN_N,
                   ci: float = 0.95) -> pd.DataFrame:
    """Mean within-customer spread by segment (or any customer column), with a t interval.

    Parameters
    ----------
    spread : DataFrame
        Output of :func:`customer_spread`.
    value : {"sd", "range"}, keyword-only
        Which spread.
    by, customers, min_n, ci : keyword-only
        Grouping columns of ``customers``; the client's minimum group size (default 30; groups
        with fewer customers are suppressed, with complementary suppression; None or 0: none, for
        internal computations only); confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (customers), ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``suppressed``.

    Examples
    --------
    >>> spread_summary(pd.DataFrame({"customer_id": ["a", "b"], "sd": [1.0, 2.0]}), min_n=1)["mean"].item()
    1.5
    """
    frame = add_groups(spread, list(by), customers=customers)
    return mean_table(frame, value, list(by), min_n=min_n, ci=ci)


def channel_gaps(interactions: pd.DataFrame, responses: pd.DataFrame | None, *, measure: Measure = "rating",
                 across: Literal["channel", "department"] = "channel", by: Sequence[str] = (),
                 customers: pd.DataFrame | None = None, period: Period = "quarter",
                 min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95, correction: stats.Correction = "holm",
                 exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """The same touchpoint on one channel (or department) against the same touchpoint elsewhere.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables.
    measure : str, keyword-only
        Column of :func:`cxlib.analysis.journey.scores.touchpoint_scores` (default the 1-5 rating).
    across : {"channel", "department"}, keyword-only
        What is compared within a touchpoint.
    by, customers, period : keyword-only
        Extra grouping (e.g. ``segment`` or ``period``): the comparison is made within each group.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30). A row is suppressed (and not tested) when
        either side has fewer ratings; complementary suppression across the channels (or
        departments) of each touchpoint then keeps a hidden one from being recovered from the
        others' "elsewhere" means. None or 0: no suppression, for internal computations only.
    ci : float, keyword-only
        Confidence level.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}, keyword-only
        Multiple-comparison correction across every comparison made: rows with both sides at
        the minimum, including those then hidden by complementary suppression
        (:func:`cxlib.analysis.stats.adjust_pvalues`).
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        ``by`` columns, ``touchpoint``, ``channel`` (or ``department``), ``n``, ``mean``,
        ``n_other``, ``mean_other`` (same touchpoint, all other channels), ``gap``
        (mean − mean_other), ``ci_low``, ``ci_high``, ``p_value`` (Welch t-test), ``p_adjusted``,
        ``suppressed``; sorted by gap, most negative first.

    Notes
    -----
    Welch's t-test and interval from the two sides' summaries
    (:func:`cxlib.analysis.stats.welch_test`, equal to scipy ``ttest_ind(equal_var=False)``);
    p-values adjusted with Holm (1979) by default. Treats ratings as independent.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcdef"), "customer_id": list("uvwxyz"), "touchpoint": "call",
    ...     "channel": ["chat"] * 3 + ["phone"] * 3, "occurred_at": pd.Timestamp("2025-01-01")})
    >>> r = pd.DataFrame({"response_id": list("123456"), "interaction_id": list("abcdef"), "csat": [1, 2, 3, 4, 5, 5]})
    >>> channel_gaps(i, r, min_n=1)[["channel", "mean", "mean_other", "gap"]].round(3).to_dict("records")
    [{'channel': 'chat', 'mean': 2.0, 'mean_other': 4.667, 'gap': -2.667}, {'channel': 'phone', 'mean': 4.667, 'mean_other': 2.0, 'gap': 2.667}]
    """
    if across not in ("channel", "department"):
        raise ValueError(f"across={across!r}; expected 'channel' or 'department'.")
    period = period_name(period)
    scores = touchpoint_scores(interactions, responses, exclude_flags=exclude_flags)
    require(scores, [across], "interactions")
    data = scores[scores[measure].notna().to_numpy(bool) & scores[across].notna().to_numpy(bool)]
    data = add_groups(data, list(by), customers=customers, period=period)
    keys = [*by, "touchpoint"]
    rows = []
    for key, part in data.groupby(keys, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        values = part[measure].to_numpy(float)
        cats = part[across].astype("string").to_numpy()
        for cat in sorted(set(cats)):
            a, b = values[cats == cat], values[cats != cat]
            rows.append({**dict(zip(keys, key)), across: cat, "n": len(a), "mean": a.mean(),
                         "var": a.var(ddof=1) if len(a) > 1 else np.nan, "n_other": len(b),
                         "mean_other": b.mean() if len(b) else np.nan,
                         "var_other": b.var(ddof=1) if len(b) > 1 else np.nan})
    cols = [*keys, across, "n", "mean", "var", "n_other", "mean_other", "var_other"]
    table = pd.DataFrame(rows, columns=cols)
    table["gap"] = table["mean"] - table["mean_other"]
    # a side below the minimum hides the row: its "elsewhere" mean would show the small group
    threshold = stats.check_min_n(min_n)
    small = (table["n"] < threshold) | (table["n_other"] < threshold)
    # complementary suppression across the channels of each touchpoint (and the ``by`` groups): the
    # margin this table shows is the touchpoint's, through every row's "elsewhere" mean
    hidden = stats.suppression_mask(table, by=[*by, across], within=["touchpoint"], min_n=min_n,
                                    also_hide=small.to_numpy())
    testable = ((table["n"] > 1) & (table["n_other"] > 1) & ((table["var"] > 0) | (table["var_other"] > 0))).to_numpy()
    res = stats.welch_test(table["mean_other"], table["var_other"], table["n_other"], table["mean"], table["var"],
                           table["n"], ci=ci)
    table["ci_low"] = np.where(testable, res["ci_low"], np.nan)
    table["ci_high"] = np.where(testable, res["ci_high"], np.nan)
    table["p_value"] = np.where(testable, res["p_value"], np.nan)
    # the family is every comparison made (both sides at the minimum), shown or hidden by complementary
    # suppression, so that hiding one row never moves another row's adjusted p
    table["p_adjusted"] = stats.adjust_pvalues(np.where(small, np.nan, table["p_value"]), method=correction)
    table = table.drop(columns=["var", "var_other"])
    table = stats.suppress(table, min_n=None, also_hide=hidden,
                           value_cols=["mean", "mean_other", "gap", "ci_low", "ci_high", "p_value", "p_adjusted"])
    for c in ("n", "n_other"):
        table[c] = table[c].astype("int64")
    return table.sort_values(["gap", *by, "touchpoint", across], kind="stable", na_position="last").reset_index(
        drop=True)


def handoff_outcomes(interactions: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                     bands: Sequence[int] = (0, 1, 2), by: Sequence[str] = (),
                     customers: pd.DataFrame | None = None, period: Period = "quarter",
                     min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                     exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Cases by number of department hand-offs, and how they ended.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables (``responses`` optional: adds the cases' mean rating).
    bands : sequence of int, keyword-only
        Hand-off counts shown on their own; the last band collects that many or more
        (default 0, 1, "2+").
    by, customers, period : keyword-only
        Extra grouping: case columns (``first_channel``, ``first_touchpoint``), customer columns,
        ``period`` (of the case's opening).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): bands with fewer cases are suppressed, and
        the rating of bands with fewer rated cases, with complementary suppression across bands.
        None or 0: no suppression, for internal computations only.
    ci : float, keyword-only
        Confidence level.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        ``by`` columns, ``handoffs`` ("0", "1", "2+"), ``n`` (cases), ``resolution_rate`` with
        ``resolution_ci_low/high`` (Wilson; cases with a known outcome), ``contacts_per_case``,
        ``rating_mean`` with ``rating_ci_low/high`` (t; mean 1-5 rating of the case's contacts, over
        rated cases), ``n_rated``, ``suppressed``.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abc"), "customer_id": "x", "case_id": ["k1", "k1", "k2"],
    ...     "department": ["care", "billing", "care"], "resolved": [False, True, True],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> handoff_outcomes(i, min_n=1)[["handoffs", "n", "resolution_rate", "contacts_per_case"]].to_dict("records")
    [{'handoffs': '0', 'n': 1, 'resolution_rate': 1.0, 'contacts_per_case': 1.0}, {'handoffs': '1', 'n': 1, 'resolution_rate': 1.0, 'contacts_per_case': 2.0}]
    """
    period = period_name(period)
    cases = case_table(interactions)
    if responses is not None:
        ids = [c for c in ("interaction_id", "customer_id", "touchpoint", "case_id") if c in interactions.columns]
        scores = touchpoint_scores(interactions[ids], responses, exclude_flags=exclude_flags)  # a row filter follows
        rating = scores[scores["case_id"].notna().to_numpy(bool)].groupby("case_id")["rating"].mean()
        cases = cases.assign(rating=cases["case_id"].map(rating).astype("float64"))
    else:
        cases = cases.assign(rating=np.nan)
    bands = sorted(int(b) for b in bands)
    labels = [str(b) for b in bands[:-1]] + [f"{bands[-1]}+"]
    idx = np.searchsorted(bands, cases["n_handoffs"].to_numpy(), side="right") - 1
    cases = cases.assign(handoffs=pd.Series(np.array(labels, dtype=object)[np.clip(idx, 0, None)],
                                            index=cases.index, dtype="string"))
    frame = add_groups(cases, list(by), customers=customers, time_col="opened_at", period=period)
    keys = [*by, "handoffs"]
    # each measure is suppressed on its own count (cases with a known outcome, rated cases)
    res = rate_table(frame, "resolved", keys, min_n=min_n, ci=ci, events="_res", rate="resolution_rate")
    counts = frame.groupby(keys, observed=True, sort=True).agg(n=("case_id", "size"),
                                                                contacts_per_case=("n_contacts", "mean")).reset_index()
    rat = mean_table(frame, "rating", keys, min_n=min_n, ci=ci).rename(
        columns={"n": "n_rated", "mean": "rating_mean", "ci_low": "rating_ci_low", "ci_high": "rating_ci_high"})
    table = counts.merge(res[[*keys, "resolution_rate", "ci_low", "ci_high"]].rename(
        columns={"ci_low": "resolution_ci_low", "ci_high": "resolution_ci_high"}), on=keys, how="left")
    table = table.merge(rat[[*keys, "n_rated", "rating_mean", "rating_ci_low", "rating_ci_high"]], on=keys, how="left")
    table["n_rated"] = table["n_rated"].fillna(0).astype("int64")
    table["n"] = table["n"].astype("int64")
    table = table[[*keys, "n", "resolution_rate", "resolution_ci_low", "resolution_ci_high", "contacts_per_case",
                   "rating_mean", "rating_ci_low", "rating_ci_high", "n_rated"]]
    order = {lab: i for i, lab in enumerate(labels)}
    table = table.assign(_o=table["handoffs"].map(order)).sort_values([*by, "_o"], kind="stable").drop(columns="_o")
    return stats.suppress(table.reset_index(drop=True), by=keys, min_n=min_n,
                          value_cols=["resolution_rate", "resolution_ci_low", "resolution_ci_high", "contacts_per_case",
                                      "rating_mean", "rating_ci_low", "rating_ci_high"])


def handoff_pairs(interactions: pd.DataFrame, *, top: int | None = 10,
                  min_n: int | None = stats.DEFAULT_MIN_N) -> pd.DataFrame:
    """The most frequent department hand-offs within cases (from → to).

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``case_id`` and ``department``.
    top : int or None, keyword-only
        Keep the ``top`` most frequent pairs.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): pairs seen fewer times are suppressed
        (their share is blanked), with complementary suppression over all pairs. None or 0: none.

    Returns
    -------
    DataFrame
        ``from_department``, ``to_department``, ``n`` (hand-offs), ``share`` (of all hand-offs),
        ``suppressed``; most frequent first.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abc"), "customer_id": "x", "case_id": "k",
    ...     "department": ["care", "billing", "care"], "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])})
    >>> handoff_pairs(i, min_n=1)[["from_department", "to_department", "n"]].to_dict("records")
    [{'from_department': 'billing', 'to_department': 'care', 'n': 1}, {'from_department': 'care', 'to_department': 'billing', 'n': 1}]
    """
    require(interactions, ["case_id", "department"], "interactions")
    c = contact_flags(interactions, keep=())
    prev = c.groupby("case_id", sort=False)["department"].shift(1)
    h = pd.DataFrame({"from_department": prev, "to_department": c["department"]})[c["handoff"].to_numpy(bool)]
    table = h.groupby(["from_department", "to_department"], observed=True).size().rename("n").reset_index()
    table["share"] = table["n"] / table["n"].sum() if len(table) else np.nan
    table["n"] = table["n"].astype("int64")
    table = stats.suppress(table, by=["from_department", "to_department"], min_n=min_n, value_cols=["share"])
    table = table.sort_values(["n", "from_department", "to_department"], ascending=[False, True, True], kind="stable")
    if top is not None:
        table = table.head(top)
    return table.reset_index(drop=True)
