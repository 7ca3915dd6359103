"""The journey map: every stage × touchpoint (× channel) cell with its rating, friction and link to churn.

:func:`journey_map` puts the quantitative side of each cell in one row -- rating, asked-again rate,
silent-wait rate, repeat contacts, and how much more the customers who met friction there
churned -- and ranks the cells that matter by a documented rule. (The qualitative side, the
top negative theme and a quote, comes from :mod:`cxlib.text` in the report section.)

Methods: ``docs/methods-journey.md`` (the journey map).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.journey.cases import CONTACT_COLUMNS, contact_flags
from cxlib.analysis.journey.common import as_flag, mean_table, rate_table, require
from cxlib.analysis.journey.scores import touchpoint_scores
from cxlib.analysis.lookup import positions

__all__ = ["journey_map"]

_MEASURES = {
    "rating": ["rating", "rating_ci_low", "rating_ci_high"],
    "asked": ["asked_again_rate", "asked_ci_low", "asked_ci_high"],
    "silent": ["silent_wait_rate", "silent_ci_low", "silent_ci_high"],
    "repeat": ["repeat_rate", "repeat_ci_low", "repeat_ci_high"],
    "churn": ["churn_with_friction", "churn_without", "churn_difference", "churn_ci_low", "churn_ci_high",
              "churn_p", "churn_p_adjusted", "excess_churners"],
}


def journey_map(interactions: pd.DataFrame, responses: pd.DataFrame | None = None,
                customers: pd.DataFrame | None = None, *, channel: bool = False, low_rating: int = 2,
                silent_minutes: float = 2880.0, min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                correction: stats.Correction = "holm", alpha: float = 0.05,
                exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """One row per journey-map cell (stage × touchpoint, optionally × channel), ranked by what matters.

    Parameters
    ----------
    interactions : DataFrame
        Canonical interactions (``stage``, ``touchpoint``; ``channel``, ``asked_known_info``,
        ``case_id``, ``wait_minutes``, ``updates_sent`` where known).
    responses : DataFrame, optional
        Canonical responses: transactional answers rate the interactions.
    customers : DataFrame, optional
        Canonical customers with ``churned``: adds the link to churn.
    channel : bool, keyword-only
        Split cells by channel too.
    low_rating : int, keyword-only
        A rating at or below this (1-5) counts as friction at the cell.
    silent_minutes : float, keyword-only
        Silent-wait threshold (:func:`cxlib.analysis.journey.cases.case_table`).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30). A cell with fewer interactions is
        suppressed; each measure is also suppressed on its own count (rated interactions,
        interactions with a known asked-again flag, case contacts), and the churn link when the
        customers with or without friction at the cell are fewer (when any). Complementary
        suppression runs across the touchpoints of a stage, or with ``channel`` across the
        channels of a touchpoint: the margins the map and the lifecycle curve show. None or 0:
        none, for internal computations only.
    ci : float, keyword-only
        Confidence level.
    correction, alpha : keyword-only
        Multiple-comparison correction of the churn tests over the cells tested, and its level.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        Cell keys (``stage``, ``touchpoint``, [``channel``]), ``n`` (interactions),
        ``n_customers``; ``n_rated``, ``rating`` (mean 1-5) with ``rating_ci_low/high`` (t);
        ``asked_again_rate`` with ``asked_ci_low/high`` (Wilson; asked again for information the
        company held); ``n_case_contacts``, ``silent_wait_rate`` and ``repeat_rate`` (shares of the
        cell's case contacts that waited silently / came back about the same case) with Wilson
        intervals; the churn link: ``n_with_friction`` and ``n_without`` (customers who used the cell
        and met friction there -- a rating at or below ``low_rating``, asked again, or a silent wait --
        or not), ``churn_with_friction``, ``churn_without``, ``churn_difference`` (0-1) with
        ``churn_ci_low/high`` (Newcombe), ``churn_p`` (pooled z), ``churn_p_adjusted``,
        ``excess_churners`` (churn_difference × n_with_friction when positive, else 0);
        ``matters`` (bool), ``rank`` (1 = matters most; NA for suppressed cells), ``suppressed``.
        Sorted by rank.

    Notes
    -----
    **The rule for the cells that matter.** A cell matters when the customers who met friction
    there churned significantly more than the customers who used it without friction: churn
    difference > 0 with ``churn_p_adjusted`` < ``alpha`` (Holm over every cell tested, both sides
    at the minimum). Cells that matter come first, ordered by ``excess_churners``: the churners the
    cell's friction accounts for if the difference were causal -- it is an association, an upper
    bound on what fixing the cell could save. The other shown cells follow in the same order (then
    lowest rating first); suppressed cells come last, without a rank.
    Intervals and tests: :mod:`cxlib.analysis.stats`.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcd"), "customer_id": list("wxyz"), "stage": "use",
    ...     "touchpoint": ["bill", "bill", "app", "app"], "asked_known_info": [True, False, False, False],
    ...     "occurred_at": pd.Timestamp("2025-01-01")})
    >>> c = pd.DataFrame({"customer_id": list("wxyz"), "churned": [True, False, False, False]})
    >>> journey_map(i, customers=c, min_n=1)[["touchpoint", "n", "asked_again_rate", "churn_difference"]].to_dict("records")
    [{'touchpoint': 'bill', 'n': 2, 'asked_again_rate': 0.5, 'churn_difference': 1.0}, {'touchpoint': 'app', 'n': 2, 'asked_again_rate': 0.0, 'churn_difference': nan}]
    """
    require(interactions, ["interaction_id", "customer_id", "stage", "touchpoint"], "interactions")
    keys = ["stage", "touchpoint"] + (["channel"] if channel else [])
    require(interactions, keys, "interactions")
    # the columns the map is made of, selected before the rows: a row filter copies every column it is given
    used = dict.fromkeys([*keys, "customer_id", "asked_known_info", *CONTACT_COLUMNS])
    frame = interactions[[c for c in used if c in interactions.columns]]
    frame = touchpoint_scores(frame, responses, exclude_flags=exclude_flags)
    known = frame[keys].notna().all(axis=1).to_numpy(bool)
    if not known.all():
        frame = frame[known]
    asked = as_flag(frame["asked_known_info"]) if "asked_known_info" in frame.columns else np.nan
    flags = contact_flags(frame, silent_minutes=silent_minutes, keep=()) if "occurred_at" in frame.columns else None
    silent = pd.Series(np.nan, index=frame.index)
    repeat = pd.Series(np.nan, index=frame.index)
    if flags is not None and len(flags):
        pos = positions(frame["interaction_id"], flags["interaction_id"])
        if pos is None:  # touchpoint_scores has checked the ids: only a caller's own frame gets here
            raise ValueError("journey_map: `interaction_id` must be unique.")
        silent.iloc[pos] = flags["silent_wait"].to_numpy(float)
        repeat.iloc[pos] = flags["repeat"].to_numpy(float)
    low = (frame["rating"] <= low_rating).astype("float64").where(frame["rating"].notna())
    f = frame[[*keys, "customer_id", "rating"]].assign(_asked=asked, _silent=silent.to_numpy(),
                                                       _repeat=repeat.to_numpy(), _low=low.to_numpy())
    f = f.reset_index(drop=True)
    cells = f.groupby(keys, observed=True, sort=True).agg(n=("customer_id", "size"),
                                                         n_customers=("customer_id", "nunique")).reset_index()
    # the margin the map shows is the touchpoint's (the map without channels) and the stage's (the
    # lifecycle curve): complementary suppression across channels within a touchpoint, or across the
    # touchpoints of a stage -- a stage × channel total is no table of the map
    part = ["channel"] if channel else ["touchpoint"]
    rat = mean_table(f, "rating", keys, min_n=min_n, ci=ci, partition=part).rename(
        columns={"n": "n_rated", "mean": "rating", "ci_low": "rating_ci_low", "ci_high": "rating_ci_high"})
    table = cells.merge(rat[[*keys, "n_rated", *_MEASURES["rating"]]], on=keys, how="left")
    for flag, name, low_c, high_c in (("_asked", "asked_again_rate", "asked_ci_low", "asked_ci_high"),
                                      ("_silent", "silent_wait_rate", "silent_ci_low", "silent_ci_high"),
                                      ("_repeat", "repeat_rate", "repeat_ci_low", "repeat_ci_high")):
        r = rate_table(f, flag, keys, min_n=min_n, ci=ci, rate=name, partition=part).rename(
            columns={"ci_low": low_c, "ci_high": high_c, "n": f"_n{flag}"})
        table = table.merge(r[[*keys, f"_n{flag}", name, low_c, high_c]], on=keys, how="left")
    table = table.rename(columns={"_n_silent": "n_case_contacts"}).drop(columns=["_n_asked", "_n_repeat"])
    table = _churn_link(table, f, keys, customers, min_n=min_n, ci=ci, correction=correction)
    within = [c for c in keys if c not in part]
    for c in ("n_rated", "n_case_contacts", "n_with_friction", "n_without"):
        table[c] = table[c].fillna(0).astype("int64")
    table = stats.suppress(table, by=part, within=within, min_n=min_n,
                           value_cols=[c for cols in _MEASURES.values() for c in cols])
    table["matters"] = (~table["suppressed"] & (table["churn_p_adjusted"] < alpha)
                        & (table["churn_difference"] > 0)).to_numpy(bool)
    order = table.assign(_m=~table["matters"], _e=-table["excess_churners"].fillna(0),
                         _r=table["rating"].fillna(np.inf), _s=table["suppressed"])
    order = order.sort_values(["_s", "_m", "_e", "_r", *keys], kind="stable")
    order["rank"] = pd.array(np.arange(1, len(order) + 1), dtype="Int64")
    order.loc[order["_s"].to_numpy(bool), "rank"] = pd.NA
    table = order.drop(columns=["_m", "_e", "_r", "_s"])
    cols = [*keys, "n", "n_customers", "n_rated", *_MEASURES["rating"], *_MEASURES["asked"], "n_case_contacts",
            *_MEASURES["silent"], *_MEASURES["repeat"], "n_with_friction", "n_without", *_MEASURES["churn"],
            "matters", "rank", "suppressed"]
    return table[cols].reset_index(drop=True)


def _churn_link(table: pd.DataFrame, f: pd.DataFrame, keys: list[str], customers: pd.DataFrame | None, *,
                min_n: int | None, ci: float, correction: str) -> pd.DataFrame:
    """Churn of the cell's customers with friction there against those without, per cell."""
    if customers is None or "churned" not in customers.columns:
        return table.assign(n_with_friction=0, n_without=0, **{c: np.nan for c in _MEASURES["churn"]})
    friction = f[["_low", "_asked", "_silent"]].fillna(0).max(axis=1) > 0
    per = f.assign(_f=friction.to_numpy()).groupby([*keys, "customer_id"], observed=True)["_f"].any().reset_index()
    churn = customers.drop_duplicates("customer_id").set_index("customer_id")["churned"]
    per["_churned"] = as_flag(per["customer_id"].map(churn)).to_numpy()
    per = per[per["_churned"].notna().to_numpy(bool)]
    g = per.groupby([*keys, "_f"], observed=True)["_churned"].agg(["size", "sum"]).unstack("_f", fill_value=0)
    g.columns = [f"{a}_{'with' if b else 'without'}" for a, b in g.columns]
    for c in ("size_with", "size_without", "sum_with", "sum_without"):
        if c not in g.columns:
            g[c] = 0
    g = g.reset_index()
    test = stats.two_proportion_test(g["sum_without"], g["size_without"], g["sum_with"], g["size_with"], ci=ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        link = pd.DataFrame({
            **{k: g[k] for k in keys}, "n_with_friction": g["size_with"], "n_without": g["size_without"],
            "churn_with_friction": g["sum_with"] / g["size_with"].where(g["size_with"] > 0),
            "churn_without": g["sum_without"] / g["size_without"].where(g["size_without"] > 0),
            "churn_difference": test["diff"], "churn_ci_low": test["ci_low"], "churn_ci_high": test["ci_high"],
            "churn_p": test["p_value"]})
    threshold = stats.check_min_n(min_n)
    sides = np.stack([link["n_with_friction"], link["n_without"]])
    small = ((sides > 0) & (sides < threshold)).any(axis=0) | (sides == 0).any(axis=0)
    link["churn_p_adjusted"] = stats.adjust_pvalues(np.where(small, np.nan, link["churn_p"]), method=correction)
    link["excess_churners"] = np.clip(link["churn_difference"], 0, None) * link["n_with_friction"]
    churn_cols = [c for c in _MEASURES["churn"]]
    smallish = ((sides > 0) & (sides < threshold)).any(axis=0)
    link = stats.suppress(link, by=None, min_n=None, also_hide=smallish, value_cols=churn_cols, flag=None)
    return table.merge(link, on=keys, how="left")
