"""The most common journeys, and how they end.

* :func:`journey_paths` -- each customer's (or case's) journey as a readable path of steps;
* :func:`path_outcomes` -- the most common paths with their customers' journey index, NPS and
  churn, with intervals and suppression.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.journey.common import as_flag, as_float, group_ids, mean_table, rate_table, require

__all__ = ["Step", "journey_paths", "path_outcomes"]

#: What one step of a path shows.
Step = Literal["stage_channel", "touchpoint_channel", "channel", "stage", "touchpoint"]


def journey_paths(interactions: pd.DataFrame, *, step: Step = "stage_channel",
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
    require(interactions, ["interaction_id", "occurred_at", *keys, *parts[step]], "interactions")
    data = interactions[[*keys, "occurred_at", "interaction_id", *parts[step]]]
    if unit == "case":
        data = data[data["case_id"].notna().to_numpy(bool)]
    gid, out = group_ids(data, keys)
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
                  min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> pd.DataFrame:
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
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): paths with fewer units are suppressed, and
        each outcome on fewer answers (``n_nps``, ``n_churn``), with complementary suppression
        over all paths (:func:`cxlib.analysis.stats.suppress`). None or 0: no suppression, for
        internal computations only.
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
    >>> path_outcomes(p, o, min_n=1)[["path", "n", "churn_rate"]].to_dict("records")
    [{'path': 'x', 'n': 2, 'churn_rate': 0.5}, {'path': 'y', 'n': 1, 'churn_rate': 0.0}]
    """
    data = paths[["customer_id", "path"]].merge(outcomes, on="customer_id", how="left")
    counts = data.groupby("path", observed=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts["n"].sum()
    # suppression over every path (the partition), before the top paths are picked
    table = stats.suppress(counts, by=["path"], min_n=min_n, value_cols=["share"])
    values = []
    if "journey_index" in data.columns:
        m = mean_table(data, "journey_index", ["path"], min_n=min_n, ci=ci)
        m = m.rename(columns={"mean": "journey_index", "ci_low": "journey_index_ci_low",
                              "ci_high": "journey_index_ci_high"})
        table = table.merge(m[["path", "journey_index", "journey_index_ci_low", "journey_index_ci_high"]],
                            on="path", how="left")
        values += ["journey_index", "journey_index_ci_low", "journey_index_ci_high"]
    if "nps" in data.columns:
        m = mean_table(data.assign(nps=as_float(data["nps"])), "nps", ["path"], min_n=min_n, ci=ci)
        m = m.rename(columns={"n": "n_nps", "mean": "nps_mean", "ci_low": "nps_ci_low", "ci_high": "nps_ci_high"})
        table = table.merge(m[["path", "n_nps", "nps_mean", "nps_ci_low", "nps_ci_high"]], on="path", how="left")
        values += ["nps_mean", "nps_ci_low", "nps_ci_high"]
    if "churned" in data.columns:
        r = rate_table(data.assign(_c=as_flag(data["churned"])), "_c", ["path"], min_n=min_n, ci=ci,
                       rate="churn_rate")
        r = r.rename(columns={"n": "n_churn", "ci_low": "churn_ci_low", "ci_high": "churn_ci_high"})
        table = table.merge(r[["path", "n_churn", "churn_rate", "churn_ci_low", "churn_ci_high"]], on="path",
                            how="left")
        values += ["churn_rate", "churn_ci_low", "churn_ci_high"]
    for c in ("n_nps", "n_churn"):
        if c in table.columns:
            table[c] = table[c].fillna(0).astype("int64")
    # a suppressed path shows no outcome either (each outcome is also suppressed on its own count)
    table.loc[table["suppressed"].to_numpy(bool), values] = np.nan
    table = table.sort_values(["n", "path"], ascending=[False, True], kind="stable")
    if top is not None:
        table = table.head(top)
    cols = ["path", "n", "share", *[c for c in table.columns if c not in ("path", "n", "share", "suppressed")],
            "suppressed"]
    return table[cols].reset_index(drop=True)
