"""Departments that feel like different companies, and the hand-offs between them that go wrong.

* :func:`department_consistency` -- each department's contacts: rating, asked-again and
  silent-wait rates, against all other departments, tested and corrected;
* :func:`handoff_pair_outcomes` -- each from → to hand-off: how often the receiving department
  asked again for what the company knew, how often the case was resolved, and how the contact
  was rated, against all other hand-offs.

Channels: :mod:`cxlib.analysis.journey.consistency`. Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.journey.cases import CONTACT_COLUMNS, contact_flags
from cxlib.analysis.journey.common import as_flag, require
from cxlib.analysis.journey.scores import touchpoint_scores
from cxlib.analysis.lookup import positions

__all__ = ["department_consistency", "handoff_pair_outcomes"]


def _versus_rest(groups: pd.Series, values: pd.Series, *, binary: bool, ci: float) -> pd.DataFrame:
    """Per group: n, mean (or rate), the rest's, and the difference with its interval and p."""
    data = pd.DataFrame({"g": groups.to_numpy(), "v": values.to_numpy(float)}).dropna()
    agg = data.groupby("g", observed=True)["v"].agg(n="count", s="sum", m="mean", var="var")
    tot_n, tot_s = float(agg["n"].sum()), float(agg["s"].sum())
    sq = data.assign(v2=data["v"] ** 2).groupby("g", observed=True)["v2"].sum()
    tot_sq = float(sq.sum())
    n_o = tot_n - agg["n"]
    s_o = tot_s - agg["s"]
    with np.errstate(invalid="ignore", divide="ignore"):
        m_o = s_o / n_o
        var_o = (tot_sq - sq - n_o * m_o ** 2) / (n_o - 1)
    if binary:
        test = stats.two_proportion_test(s_o, n_o, agg["s"], agg["n"], ci=ci)
    else:
        test = stats.welch_test(m_o, var_o, n_o, agg["m"], agg["var"], agg["n"], ci=ci)
    return pd.DataFrame({"n": agg["n"].astype("int64"), "mean": agg["m"], "n_other": n_o.astype("int64"),
                         "mean_other": m_o, "difference": test["diff"], "ci_low": test["ci_low"],
                         "ci_high": test["ci_high"], "p_value": test["p_value"]}, index=agg.index)


def department_consistency(interactions: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                           silent_minutes: float = 2880.0, min_n: int | None = stats.DEFAULT_MIN_N,
                           ci: float = 0.95, correction: stats.Correction = "holm",
                           exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Each department's experience against all the others: rating, asked again, silent waits.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``department``.
    responses : DataFrame, optional
        Canonical responses: transactional answers rate the contacts.
    silent_minutes : float, keyword-only
        Silent-wait threshold (:func:`cxlib.analysis.journey.cases.case_table`).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): a measure of a department is suppressed when
        the department or all the others have fewer values, with complementary suppression across
        departments. None or 0: none.
    ci, correction : keyword-only
        Confidence level; multiple-comparison correction over every comparison made.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        Long: ``department``, ``measure`` ("rating" -- mean 1-5 of its rated contacts; "asked
        again" -- share of contacts; "silent wait" -- share of its case contacts), ``n``, ``value``,
        ``n_other``, ``value_other`` (all other departments), ``difference`` (value − value_other)
        with ``ci_low``, ``ci_high`` (Welch, or Newcombe for shares), ``p_value``, ``p_adjusted``
        (over all rows tested), ``suppressed``; sorted by measure, then the worst first.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcdef"), "customer_id": "x", "department": ["care"] * 3 + ["sales"] * 3,
    ...     "asked_known_info": [True, True, False, False, False, False], "occurred_at": pd.Timestamp("2025-01-01")})
    >>> t = department_consistency(i, min_n=1)
    >>> t.query("measure == 'asked again'")[["department", "value", "value_other"]].round(3).to_dict("records")
    [{'department': 'care', 'value': 0.667, 'value_other': 0.0}, {'department': 'sales', 'value': 0.0, 'value_other': 0.667}]
    """
    require(interactions, ["interaction_id", "customer_id", "department"], "interactions")
    # the columns the measures are made of, selected before the rows: a row filter copies every column it is given
    interactions = interactions[[c for c in dict.fromkeys([*CONTACT_COLUMNS, "touchpoint"]) if c in interactions.columns]]
    scores = touchpoint_scores(interactions, responses, exclude_flags=exclude_flags) if responses is not None \
        else interactions.assign(rating=np.nan)
    scores = scores[scores["department"].notna().to_numpy(bool)]
    dept = scores["department"].astype("string")
    parts = {"rating": (scores["rating"], False)}
    if "asked_known_info" in scores.columns:
        parts["asked again"] = (as_flag(scores["asked_known_info"]), True)
    if "case_id" in scores.columns and "occurred_at" in scores.columns:
        flags = contact_flags(scores, silent_minutes=silent_minutes, keep=())
        parts["silent wait"] = (flags["silent_wait"].astype("float64"), True)
        dept_of_contact = flags["department"].astype("string")
    rows = []
    for measure, (values, binary) in parts.items():
        g = dept_of_contact if measure == "silent wait" else dept
        if values.notna().sum() == 0:
            continue
        t = _versus_rest(g, values, binary=binary, ci=ci)
        t = t.rename_axis("department").reset_index().assign(measure=measure)
        rows.append(t)
    cols = ["department", "measure", "n", "value", "n_other", "value_other", "difference", "ci_low", "ci_high",
            "p_value"]
    table = (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=[*cols, "mean", "mean_other"]))
    table = table.rename(columns={"mean": "value", "mean_other": "value_other"})[cols]
    threshold = stats.check_min_n(min_n)
    small = ((table["n"] < threshold) | (table["n_other"] < threshold)).to_numpy()
    hidden = stats.suppression_mask(table, by=["department"], within=["measure"], min_n=min_n, also_hide=small)
    table["p_adjusted"] = stats.adjust_pvalues(np.where(small, np.nan, table["p_value"]), method=correction)
    table = stats.suppress(table, min_n=None, also_hide=hidden,
                           value_cols=["value", "value_other", "difference", "ci_low", "ci_high", "p_value",
                                       "p_adjusted"])
    worse = np.where(table["measure"] == "rating", table["difference"], -table["difference"])
    table = table.assign(_w=worse).sort_values(["measure", "_w", "department"], kind="stable", na_position="last")
    return table.drop(columns="_w").reset_index(drop=True)


def handoff_pair_outcomes(interactions: pd.DataFrame, responses: pd.DataFrame | None = None, *,
                          min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                          correction: stats.Correction = "holm", alpha: float = 0.05,
                          min_difference: float = 0.10, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Which hand-offs between departments go wrong: asked again, unresolved, rated low -- against the other hand-offs.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions with ``case_id`` and ``department`` (``asked_known_info``,
        ``resolved`` where known).
    responses : DataFrame, optional
        Canonical responses: transactional answers rate the receiving contact.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): pairs with fewer hand-offs are suppressed,
        and a measure when the pair or all other hand-offs have fewer values; complementary
        suppression across pairs. None or 0: none.
    ci, correction, alpha : keyword-only
        Confidence level; correction over the pairs tested (asked-again test); level.
    min_difference : float, keyword-only
        A pair is a ``problem`` when the receiving contact asks again significantly more often
        than after the other hand-offs (adjusted p < ``alpha``) and by at least ``min_difference``
        (0.10 = ten percentage points; hand-offs already ask again often, so a difference reads
        better than a ratio).
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        ``from_department``, ``to_department``, ``n`` (hand-offs), ``n_cases``; ``asked_again``
        (share of receiving contacts asked again) with ``asked_ci_low/high``, ``asked_other`` (after
        all other hand-offs), ``asked_difference`` with ``asked_diff_ci_low/high`` (Newcombe),
        ``asked_p``, ``asked_p_adjusted``; ``resolved`` (share of the pair's cases resolved at their
        last contact) with ``resolved_ci_low/high``, ``resolved_other`` (cases with other hand-offs
        only); ``rating`` (mean 1-5 of rated receiving contacts) with ``rating_ci_low/high`` and
        ``n_rated``; ``problem`` (bool); ``suppressed``. Problems first, then the largest
        asked-again difference.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcdef"), "customer_id": "x", "case_id": ["k1", "k1", "k2", "k2", "k3", "k3"],
    ...     "department": ["care", "billing", "care", "billing", "care", "sales"],
    ...     "asked_known_info": [False, True, False, True, False, False], "resolved": [False, True] * 3,
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-01-02"] * 3)})
    >>> handoff_pair_outcomes(i, min_n=1)[["from_department", "to_department", "n", "asked_again"]].to_dict("records")
    [{'from_department': 'care', 'to_department': 'billing', 'n': 2, 'asked_again': 1.0}, {'from_department': 'care', 'to_department': 'sales', 'n': 1, 'asked_again': 0.0}]
    """
    require(interactions, ["case_id", "department"], "interactions")
    c = contact_flags(interactions, keep=())
    c = c.assign(from_department=c.groupby("case_id", sort=False)["department"].shift(1))
    h = c[c["handoff"].to_numpy(bool)].copy()
    h["from_department"] = h["from_department"].astype("string")
    h["to_department"] = h["department"].astype("string")
    keys = ["from_department", "to_department"]
    table = h.groupby(keys, observed=True).agg(n=("interaction_id", "size"), n_cases=("case_id", "nunique"))
    table = table.reset_index()
    asked = _pair_versus_rest(h, keys, h["_known"], ci=ci)
    table = table.merge(asked.rename(columns={"mean": "asked_again", "mean_other": "asked_other",
                                              "difference": "asked_difference", "ci_low": "asked_diff_ci_low",
                                              "ci_high": "asked_diff_ci_high", "p_value": "asked_p",
                                              "n_v": "_n_asked", "n_o": "_n_asked_other"}), on=keys, how="left")
    table["asked_ci_low"], table["asked_ci_high"] = stats.proportion_interval(
        table["asked_again"] * table["_n_asked"], table["_n_asked"], ci=ci)
    # resolution of each pair's cases (resolved at the last contact) against cases with other hand-offs only
    resolved_of = c.groupby("case_id", sort=False)["_resolved"].last()
    hc = h[[*keys, "case_id"]].drop_duplicates().assign(_r=lambda d: d["case_id"].map(resolved_of).to_numpy())
    res = _pair_versus_rest(hc, keys, hc["_r"], ci=ci, by_case=True)
    table = table.merge(res[[*keys, "mean", "mean_other", "n_v"]].rename(
        columns={"mean": "resolved", "mean_other": "resolved_other", "n_v": "_n_res"}), on=keys, how="left")
    table["resolved_ci_low"], table["resolved_ci_high"] = stats.proportion_interval(
        table["resolved"] * table["_n_res"], table["_n_res"], ci=ci)
    if responses is not None:
        ids = [c for c in ("interaction_id", "customer_id", "touchpoint") if c in interactions.columns]
        rated = touchpoint_scores(interactions[ids], responses, exclude_flags=exclude_flags)
        pos = positions(rated["interaction_id"], h["interaction_id"])  # touchpoint_scores checked the ids
        h["_rating"] = np.where(pos >= 0, rated["rating"].to_numpy(float)[np.maximum(pos, 0)], np.nan)
        r = h.groupby(keys, observed=True)["_rating"].agg(n_rated="count", rating="mean", _sd="std").reset_index()
        r["rating_ci_low"], r["rating_ci_high"] = stats.mean_interval(r["rating"], r["_sd"], r["n_rated"], ci=ci)
        table = table.merge(r.drop(columns="_sd"), on=keys, how="left")
    else:
        table = table.assign(n_rated=0, rating=np.nan, rating_ci_low=np.nan, rating_ci_high=np.nan)
    table["n_rated"] = table["n_rated"].fillna(0).astype("int64")
    threshold = stats.check_min_n(min_n)
    asked_small = ((table["_n_asked"].fillna(0) < threshold) | (table["_n_asked_other"].fillna(0) < threshold))
    table["asked_p_adjusted"] = stats.adjust_pvalues(np.where(asked_small, np.nan, table["asked_p"]), method=correction)
    asked_cols = ["asked_again", "asked_ci_low", "asked_ci_high", "asked_other", "asked_difference",
                  "asked_diff_ci_low", "asked_diff_ci_high", "asked_p", "asked_p_adjusted"]
    table = stats.suppress(table, by=keys, n="_n_asked", min_n=min_n, also_hide=asked_small.to_numpy(),
                           value_cols=asked_cols, flag=None)
    table = stats.suppress(table, by=keys, n="_n_res", min_n=min_n, value_cols=["resolved", "resolved_ci_low",
                                                                                 "resolved_ci_high", "resolved_other"],
                           flag=None)
    table = stats.suppress(table, by=keys, n="n_rated", min_n=min_n,
                           value_cols=["rating", "rating_ci_low", "rating_ci_high"], flag=None)
    table = stats.suppress(table, by=keys, min_n=min_n, value_cols=[*asked_cols, "resolved", "resolved_ci_low",
                                                                    "resolved_ci_high", "resolved_other", "rating",
                                                                    "rating_ci_low", "rating_ci_high"])
    table["problem"] = (~table["suppressed"] & (table["asked_p_adjusted"] < alpha)
                        & (table["asked_difference"] >= min_difference)).to_numpy(bool)
    table = table.sort_values(["problem", "asked_difference", "n", *keys], ascending=[False, False, False, True, True],
                              kind="stable", na_position="last")
    cols = [*keys, "n", "n_cases", "asked_again", "asked_ci_low", "asked_ci_high", "asked_other", "asked_difference",
            "asked_diff_ci_low", "asked_diff_ci_high", "asked_p", "asked_p_adjusted", "resolved", "resolved_ci_low",
            "resolved_ci_high", "resolved_other", "n_rated", "rating", "rating_ci_low", "rating_ci_high", "problem",
            "suppressed"]
    return table[cols].reset_index(drop=True)


def _pair_versus_rest(frame: pd.DataFrame, keys: list[str], values: pd.Series, *, ci: float,
                      by_case: bool = False) -> pd.DataFrame:
    """A 0/1 measure of each pair against all the other rows (hand-offs, or cases with other hand-offs)."""
    data = frame[keys].assign(_v=values.to_numpy(float))
    data = data[data["_v"].notna().to_numpy(bool)]
    agg = data.groupby(keys, observed=True)["_v"].agg(n_v="count", s="sum").reset_index()
    if by_case:
        # the others of a pair are the handed-off cases without it: each case counts once
        cases = frame.assign(_v=values.to_numpy(float)).drop_duplicates("case_id")
        cases = cases[cases["_v"].notna().to_numpy(bool)]
        n_o = len(cases) - agg["n_v"]
        s_o = float(cases["_v"].sum()) - agg["s"]
    else:
        n_o = len(data) - agg["n_v"]
        s_o = float(data["_v"].sum()) - agg["s"]
    test = stats.two_proportion_test(s_o, n_o, agg["s"], agg["n_v"], ci=ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["mean"] = agg["s"] / agg["n_v"]
        agg["mean_other"] = s_o / n_o.where(n_o > 0)
    agg["n_o"] = n_o
    agg["difference"], agg["ci_low"], agg["ci_high"], agg["p_value"] = (test["diff"], test["ci_low"], test["ci_high"],
                                                                        test["p_value"])
    return agg.drop(columns="s")
