"""Friction signals along the journey, and what they cost in NPS and churn.

* repeated information -- the customer was asked for information the company already held;
* silent waits -- a case stayed open a long time and nobody sent an update;
* repeat contacts -- the customer had to come back about the same case.

Each is counted per customer (:func:`customer_friction`), rated by channel / touchpoint /
segment / period with intervals (:func:`repeated_info`, :func:`silent_waits`,
:func:`repeat_contacts`), and tied to relationship NPS and churn (:func:`friction_association`).
Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import Logit
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from cxlib.analysis import stats
from cxlib.analysis.context import Period, period_name
from cxlib.analysis.journey.cases import case_table
from cxlib.analysis.journey.common import add_groups, as_flag, rate_table, require
from cxlib.analysis.journey.outcomes import customer_outcomes

__all__ = [
    "SIGNALS",
    "customer_friction",
    "repeated_info",
    "silent_waits",
    "repeat_contacts",
    "friction_association",
]

#: Per-customer friction counts that :func:`friction_association` tests.
SIGNALS: tuple[str, ...] = ("n_known_info", "n_silent_cases", "n_repeats", "n_handoffs")


def customer_friction(interactions: pd.DataFrame, *, silent_minutes: float = 2880.0,
                      as_of: str | pd.Timestamp | None = None) -> pd.DataFrame:
    """How much friction each customer met.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions.
    silent_minutes : float, keyword-only
        Silent-wait threshold (see :func:`cxlib.analysis.journey.cases.case_table`).
    as_of : date, keyword-only
        Count only interactions before this moment.

    Returns
    -------
    DataFrame
        One row per customer with interactions: ``customer_id``, ``n_interactions``,
        ``n_known_info`` (times asked for information already held), ``known_info_rate``
        (n_known_info / interactions with a known value), ``n_cases``, ``n_repeats`` (contacts
        beyond the first, summed over cases), ``n_silent_cases`` (cases with a silent wait),
        ``n_handoffs`` (department changes within cases).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b", "c"], "customer_id": ["x", "x", "y"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-01"]),
    ...     "case_id": ["k1", "k1", None], "asked_known_info": [True, True, False]})
    >>> customer_friction(i)[["customer_id", "n_known_info", "n_cases", "n_repeats"]].to_dict("records")
    [{'customer_id': 'x', 'n_known_info': 2, 'n_cases': 1, 'n_repeats': 1}, {'customer_id': 'y', 'n_known_info': 0, 'n_cases': 0, 'n_repeats': 0}]
    """
    require(interactions, ["interaction_id", "customer_id", "occurred_at"], "interactions")
    inter = interactions
    if as_of is not None:
        inter = inter[(inter["occurred_at"] < pd.Timestamp(as_of)).to_numpy(bool)]
    known = as_flag(inter["asked_known_info"]) if "asked_known_info" in inter.columns else pd.Series(
        np.nan, index=inter.index)
    g = known.groupby(inter["customer_id"], sort=True)
    out = pd.DataFrame({"n_interactions": g.size(), "n_known_info": g.sum(), "known_info_rate": g.mean()})
    cases = case_table(inter, silent_minutes=silent_minutes) if "case_id" in inter.columns else None
    if cases is not None and len(cases):
        cg = cases.groupby("customer_id", sort=True)
        out["n_cases"] = cg.size()
        out["n_repeats"] = cg["n_repeats"].sum()
        out["n_silent_cases"] = cg["silent"].sum()
        out["n_handoffs"] = cg["n_handoffs"].sum()
    for c in ("n_cases", "n_repeats", "n_silent_cases", "n_handoffs"):
        out[c] = out[c].fillna(0) if c in out.columns else 0
    for c in ("n_interactions", "n_known_info", "n_cases", "n_repeats", "n_silent_cases", "n_handoffs"):
        out[c] = out[c].astype("int64")
    out.index.name = "customer_id"
    out = out.reset_index()
    return out[["customer_id", "n_interactions", "n_known_info", "known_info_rate", "n_cases", "n_repeats",
                "n_silent_cases", "n_handoffs"]]


def repeated_info(interactions: pd.DataFrame, *, by: Sequence[str] = ("channel",),
                  customers: pd.DataFrame | None = None, period: Period = "quarter",
                  min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
    """How often customers were asked for information the company already held, by group.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``asked_known_info``.
    by : sequence of str, keyword-only
        Grouping columns: interaction columns (``channel``, ``touchpoint``, ``stage``,
        ``department``), customer columns (``segment``, ``region``; pass ``customers``) or ``period``.
    customers : DataFrame, keyword-only
        Canonical customers, for customer-level groups.
    period : {"month", "quarter", "year"}, keyword-only
        Period length when ``by`` holds ``period``.
    min_n : int or None, keyword-only
        The client's minimum group size (``ws.config.min_n``; default 30): groups with fewer
        interactions are suppressed, with complementary suppression
        (:func:`cxlib.analysis.stats.suppress`). None or 0: no suppression, for internal
        computations only.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (interactions with a known value), ``n_asked``, ``rate``
        (n_asked / n), ``ci_low``, ``ci_high`` (Wilson), ``lift`` (rate / overall rate),
        ``suppressed``; sorted by rate, highest first.

    Notes
    -----
    Wilson (1927) score interval (:func:`cxlib.analysis.stats.proportion_interval`, as statsmodels
    ``proportion_confint(method="wilson")``).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcd"), "customer_id": "x", "channel": ["phone"] * 2 + ["web"] * 2,
    ...     "asked_known_info": [True, True, False, True]})
    >>> repeated_info(i, min_n=1)[["channel", "n", "n_asked", "rate"]].to_dict("records")
    [{'channel': 'phone', 'n': 2, 'n_asked': 2, 'rate': 1.0}, {'channel': 'web', 'n': 2, 'n_asked': 1, 'rate': 0.5}]
    """
    require(interactions, ["asked_known_info"], "interactions")
    period = period_name(period)
    frame = add_groups(interactions, list(by), customers=customers, period=period)
    frame = frame.assign(_asked=as_flag(frame["asked_known_info"]))
    table = rate_table(frame, "_asked", list(by), min_n=min_n, ci=ci, events="n_asked")
    overall = frame["_asked"].mean()
    table["lift"] = (table["rate"] / overall).where(~table["suppressed"]) if overall > 0 else np.nan
    return _order(table, by)


def silent_waits(interactions: pd.DataFrame, *, by: Sequence[str] = ("first_channel",),
                 customers: pd.DataFrame | None = None, silent_minutes: float = 2880.0,
                 period: Period = "quarter", min_n: int | None = stats.DEFAULT_MIN_N,
                 ci: float = 0.95) -> pd.DataFrame:
    """Share of cases with a silent wait (open a long time, no update sent), by group.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``case_id``.
    by : sequence of str, keyword-only
        Case columns of :func:`cxlib.analysis.journey.cases.case_table` (``first_channel``, ``first_touchpoint``,
        ``first_stage``), customer columns (pass ``customers``) or ``period`` (of the case's opening).
    customers, period, min_n, ci
        As in :func:`repeated_info`; n counts cases.
    silent_minutes : float, keyword-only
        Silent-wait threshold.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (cases), ``n_silent``, ``rate``, ``ci_low``, ``ci_high`` (Wilson),
        ``lift``, ``suppressed``; sorted by rate, highest first.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": "x", "case_id": ["k1", "k2"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02"]), "channel": "phone",
    ...     "wait_minutes": [5000.0, 10.0], "updates_sent": [0, 0]})
    >>> silent_waits(i, min_n=1)[["first_channel", "n", "n_silent", "rate"]].to_dict("records")
    [{'first_channel': 'phone', 'n': 2, 'n_silent': 1, 'rate': 0.5}]
    """
    period = period_name(period)
    cases = case_table(interactions, silent_minutes=silent_minutes)
    frame = add_groups(cases, list(by), customers=customers, time_col="opened_at", period=period)
    table = rate_table(frame, "silent", list(by), min_n=min_n, ci=ci, events="n_silent")
    overall = frame["silent"].mean()
    table["lift"] = (table["rate"] / overall).where(~table["suppressed"]) if overall > 0 else np.nan
    return _order(table, by)


def repeat_contacts(interactions: pd.DataFrame, *, by: Sequence[str] = ("first_channel",),
                    customers: pd.DataFrame | None = None, period: Period = "quarter",
                    min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
    """Cases that needed more than one contact, by group.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``case_id``.
    by, customers, period, min_n, ci
        As in :func:`silent_waits`.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n`` (cases), ``n_repeated`` (cases with ≥ 2 contacts), ``rate``,
        ``ci_low``, ``ci_high`` (Wilson), ``contacts_per_case`` (mean), ``suppressed``;
        sorted by rate, highest first.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b", "c"], "customer_id": "x", "case_id": ["k1", "k1", "k2"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]), "channel": "chat"})
    >>> repeat_contacts(i, min_n=1)[["n", "n_repeated", "rate", "contacts_per_case"]].to_dict("records")
    [{'n': 2, 'n_repeated': 1, 'rate': 0.5, 'contacts_per_case': 1.5}]
    """
    period = period_name(period)
    cases = case_table(interactions)
    frame = add_groups(cases, list(by), customers=customers, time_col="opened_at", period=period)
    frame = frame.assign(_rep=(frame["n_contacts"] > 1).astype("float64"))
    table = rate_table(frame, "_rep", list(by), min_n=min_n, ci=ci, events="n_repeated")
    if by:
        cpc = frame.groupby(list(by), observed=True, sort=True, dropna=False)["n_contacts"].mean().to_numpy()
    else:
        cpc = [frame["n_contacts"].mean()]
    table["contacts_per_case"] = pd.Series(cpc, index=table.index, dtype="float64").where(~table["suppressed"])
    return _order(table, by)


def _order(table: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return table.sort_values(["rate", *by], ascending=[False] + [True] * len(by), kind="stable",
                             na_position="last").reset_index(drop=True)


def friction_association(interactions: pd.DataFrame, customers: pd.DataFrame,
                         responses: pd.DataFrame | None = None, *, signals: Sequence[str] = SIGNALS,
                         outcomes: Sequence[Literal["nps", "churn"]] = ("nps", "churn"),
                         by: Sequence[str] = (), silent_minutes: float = 2880.0,
                         min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                         exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """What each friction signal is associated with: relationship NPS and churn.

    Parameters
    ----------
    interactions, customers, responses : DataFrame
        Canonical tables. NPS is the customer's latest relationship-survey answer; churn is
        ``customers.churned``. Customers without interactions count as friction-free.
    signals : sequence of str, keyword-only
        Columns of :func:`customer_friction` to test.
    outcomes : sequence of {"nps", "churn"}, keyword-only
        Outcomes to test against.
    by : sequence of str, keyword-only
        Customer columns (``segment``, ``region``) to repeat the analysis in.
    silent_minutes : float, keyword-only
        Silent-wait threshold.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): a row is suppressed when its customers, its
        exposed or its unexposed customers are fewer (either mean would describe a small group),
        with complementary suppression across the ``by`` groups of each signal and outcome.
        None or 0: no suppression, for internal computations only.
    ci : float, keyword-only
        Confidence level.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        One row per ``by`` group, signal and outcome: ``by`` columns, ``signal``, ``outcome``,
        ``n`` (customers with the outcome), ``n_exposed`` (with at least one event),
        ``mean_exposed``, ``mean_unexposed`` (mean NPS, or churn rate), ``difference``
        (exposed − unexposed) with ``diff_ci_low``, ``diff_ci_high``, ``diff_p``;
        ``effect_per_event`` with ``effect_ci_low``, ``effect_ci_high``, ``effect_p`` and
        ``effect_type`` ("nps points per event" -- OLS slope with HC3 standard errors; "odds ratio
        per event" -- logistic regression); ``suppressed``.

    Notes
    -----
    NPS difference: Welch t-test and interval (:func:`cxlib.analysis.stats.welch_test`, as scipy
    ``ttest_ind(equal_var=False)``). Churn difference: Newcombe's hybrid score interval and the
    pooled two-proportion z-test (:func:`cxlib.analysis.stats.two_proportion_test`; statsmodels
    ``confint_proportions_2indep(method="newcomb")``, ``proportions_ztest``). Per-event effects:
    statsmodels ``OLS(..).fit(cov_type="HC3")`` and ``Logit``. Associations, not causes.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcd"), "customer_id": list("wxyz"),
    ...     "occurred_at": pd.Timestamp("2025-01-01"), "asked_known_info": [True, True, False, False]})
    >>> c = pd.DataFrame({"customer_id": list("wxyz"), "churned": [True, False, False, False]})
    >>> t = friction_association(i, c, signals=["n_known_info"], outcomes=["churn"], min_n=1)
    >>> t[["n", "n_exposed", "mean_exposed", "mean_unexposed", "difference"]].to_dict("records")
    [{'n': 4, 'n_exposed': 2, 'mean_exposed': 0.5, 'mean_unexposed': 0.0, 'difference': 0.5}]
    """
    fr = customer_friction(interactions, silent_minutes=silent_minutes)
    oc = customer_outcomes(customers, responses, exclude_flags=exclude_flags)
    data = oc.merge(fr, on="customer_id", how="left")
    data[list(signals)] = data[list(signals)].fillna(0)
    data = add_groups(data, list(by), customers=customers)
    rows = []
    groups = data.groupby(list(by), observed=True, sort=True, dropna=False) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for signal in signals:
            for outcome in outcomes:
                y = part["nps" if outcome == "nps" else "churned"]
                row = _association(part[signal].to_numpy(float), y.to_numpy(float), outcome, ci)
                rows.append({**dict(zip(by, key)), "signal": signal, "outcome": outcome, **row})
    table = pd.DataFrame(rows)
    values = ["mean_exposed", "mean_unexposed", "difference", "diff_ci_low", "diff_ci_high", "diff_p",
              "effect_per_event", "effect_ci_low", "effect_ci_high", "effect_p"]
    threshold = stats.check_min_n(min_n)
    unexposed = table["n"] - table["n_exposed"]
    # a non-empty side below the minimum would show a small group's mean (an empty side shows nothing)
    small_side = (((table["n_exposed"] > 0) & (table["n_exposed"] < threshold))
                  | ((unexposed > 0) & (unexposed < threshold))).to_numpy()
    return stats.suppress(table, by=list(by), within=["signal", "outcome"], min_n=min_n, value_cols=values,
                          also_hide=small_side)


def _association(x: np.ndarray, y: np.ndarray, outcome: str, ci: float) -> dict:
    ok = ~np.isnan(y) & ~np.isnan(x)
    x, y = x[ok], y[ok]
    exposed = x > 0
    row = {"n": int(ok.sum()), "n_exposed": int(exposed.sum()), "mean_exposed": np.nan, "mean_unexposed": np.nan,
           "difference": np.nan, "diff_ci_low": np.nan, "diff_ci_high": np.nan, "diff_p": np.nan,
           "effect_per_event": np.nan, "effect_ci_low": np.nan, "effect_ci_high": np.nan, "effect_p": np.nan,
           "effect_type": "nps points per event" if outcome == "nps" else "odds ratio per event"}
    ya, yb = y[exposed], y[~exposed]
    if len(ya):
        row["mean_exposed"] = ya.mean()
    if len(yb):
        row["mean_unexposed"] = yb.mean()
    if len(ya) and len(yb):
        row["difference"] = ya.mean() - yb.mean()
    if outcome == "nps":
        if len(ya) > 1 and len(yb) > 1 and (ya.var() > 0 or yb.var() > 0):
            t = stats.welch_test(yb.mean(), yb.var(ddof=1), len(yb), ya.mean(), ya.var(ddof=1), len(ya), ci=ci)
            row["diff_ci_low"], row["diff_ci_high"] = float(t["ci_low"]), float(t["ci_high"])
            row["diff_p"] = float(t["p_value"])
    elif len(ya) and len(yb):
        t = stats.two_proportion_test(yb.sum(), len(yb), ya.sum(), len(ya), ci=ci)
        row["diff_ci_low"], row["diff_ci_high"] = float(t["ci_low"]), float(t["ci_high"])
        row["diff_p"] = float(t["p_value"])
    if len(np.unique(x)) > 1 and len(y) > 2:
        X = add_constant(x)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if outcome == "nps":
                    fit = OLS(y, X).fit(cov_type="HC3")
                    est, (lo, hi), p = fit.params[1], fit.conf_int(1 - ci)[1], fit.pvalues[1]
                elif 0 < y.sum() < len(y):
                    fit = Logit(y, X).fit(disp=0)
                    if not fit.mle_retvals.get("converged", True) or not np.isfinite(fit.bse).all():
                        return row  # separation: the odds ratio is not estimable
                    est, (lo, hi), p = np.exp(fit.params[1]), np.exp(fit.conf_int(1 - ci)[1]), fit.pvalues[1]
                else:
                    return row
        except (np.linalg.LinAlgError, PerfectSeparationError):
            return row
        row.update(effect_per_event=est, effect_ci_low=lo, effect_ci_high=hi, effect_p=p)
    return row
