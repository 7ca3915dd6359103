"""How customers' journeys end: relationship NPS and churn, and good touchpoints that add up to a poor journey.

* :func:`customer_outcomes` -- relationship NPS and churn per customer;
* :func:`touchpoint_vs_journey` -- good touchpoints but a poor journey (and the reverse);
* :func:`good_touchpoints_poor_journey` -- how many such customers, and what happened to them
  (churn, NPS, friction).

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.journey.common import as_flag, as_float, require
from cxlib.analysis.journey.scores import relationship_answers

__all__ = ["QUADRANTS", "QuadrantOutcomes", "customer_outcomes", "touchpoint_vs_journey",
           "good_touchpoints_poor_journey"]


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
    require(customers, ["customer_id"], "customers")
    keep = [c for c in ("customer_id", "segment", "region") if c in customers.columns]
    out = customers[keep].copy()
    out["churned"] = as_flag(customers["churned"]) if "churned" in customers.columns else np.nan
    out["nps"] = np.nan
    out["nps_answered_at"] = pd.NaT
    if responses is not None and len(responses) and "nps" in responses.columns:
        r = relationship_answers(responses, exclude_flags=exclude_flags)
        r = r.assign(_nps=as_float(r["nps"])).dropna(subset=["_nps"])
        sort = ["customer_id", "answered_at", "response_id"] if "answered_at" in r.columns else ["customer_id", "response_id"]
        last = r.sort_values(sort, kind="stable").groupby("customer_id", sort=False).tail(1)
        cols = ["customer_id", "_nps"] + (["answered_at"] if "answered_at" in last.columns else [])
        out = out.drop(columns=["nps", "nps_answered_at"]).merge(
            last[cols].rename(columns={"_nps": "nps", "answered_at": "nps_answered_at"}),
            on="customer_id", how="left")
        if "nps_answered_at" not in out.columns:
            out["nps_answered_at"] = pd.NaT
    return out.reset_index(drop=True)


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


#: The four quadrants of :func:`touchpoint_vs_journey`, the one that matters first.
QUADRANTS: tuple[str, ...] = ("good touchpoints, poor journey", "both good", "both poor",
                              "poor touchpoints, good journey")


@dataclass(frozen=True)
class QuadrantOutcomes:
    """Good touchpoints, poor journeys: who they are (``.customers``) and what happened to them (``.table``)."""

    table: pd.DataFrame
    customers: pd.DataFrame
    touchpoint_cut: float
    journey_cut: float

    @property
    def n_good_touchpoints_poor_journey(self) -> int:
        """How many customers rated every touchpoint well on average but had a poor journey."""
        return int((self.customers["quadrant"] == QUADRANTS[0]).sum())

    def summary(self) -> str:
        """A plain-text summary for an analyst."""
        lines = [f"Touchpoints good at >= {self.touchpoint_cut:.0f}/100, journey good at >= {self.journey_cut:.1f}/100"]
        for r in self.table.itertuples(index=False):
            if r.suppressed:
                lines.append(f"  {r.quadrant}: {r.n} customers (suppressed)")
                continue
            lines.append(f"  {r.quadrant}: {r.n} customers ({r.share:.1%}), churn {r.churn_rate:.1%} "
                         f"[{r.churn_ci_low:.1%}, {r.churn_ci_high:.1%}], NPS {r.nps:+.0f}, "
                         f"{r.friction_per_customer:.1f} friction events each")
        return "\n".join(lines)


def good_touchpoints_poor_journey(index: pd.DataFrame, outcomes: pd.DataFrame, friction: pd.DataFrame | None = None,
                                  *, touchpoint: str = "touchpoint_mean", journey: str = "journey_index",
                                  touchpoint_cut: float | Literal["median"] = 75.0,
                                  journey_cut: float | Literal["median"] = "median",
                                  signals: Sequence[str] = ("n_known_info", "n_silent_cases", "n_repeats",
                                                            "n_handoffs"),
                                  min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95) -> QuadrantOutcomes:
    """The customers whose every touchpoint rated well but whose journey went wrong, and what happened to them.

    Parameters
    ----------
    index : DataFrame
        :func:`cxlib.analysis.journey.index.journey_index` (``customer_id``, ``touchpoint_mean``,
        ``journey_index``).
    outcomes : DataFrame
        :func:`customer_outcomes` (``customer_id``, ``churned``, ``nps`` 0-10).
    friction : DataFrame, optional
        :func:`cxlib.analysis.journey.friction.customer_friction`: what went wrong, per customer.
    touchpoint, journey, touchpoint_cut, journey_cut : keyword-only
        As in :func:`touchpoint_vs_journey`.
    signals : sequence of str, keyword-only
        Friction counts of ``friction`` to describe each quadrant by.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): quadrants with fewer customers are
        suppressed, with complementary suppression across quadrants; each outcome also on its own
        count. None or 0: none.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    QuadrantOutcomes
        ``.table``: one row per quadrant (in :data:`QUADRANTS` order): ``quadrant``, ``n``
        (customers), ``share``; ``n_churn_known``, ``churn_rate`` with ``churn_ci_low/high``
        (Wilson); ``n_nps`` (relationship answers), ``nps`` (−100..100) with ``nps_ci_low/high``
        (adjusted Wald), ``mean_journey_index``, ``mean_touchpoint``; per signal ``<signal>`` (mean
        per customer) and ``friction_per_customer`` (their sum); ``suppressed``. ``.customers``:
        every classified customer with ``quadrant`` and the friction counts -- the list behind
        the count, for the closed loop. ``.touchpoint_cut``, ``.journey_cut``: the cuts used.

    Notes
    -----
    NPS = %promoters − %detractors of the quadrant's latest relationship answers, interval
    :func:`cxlib.analysis.stats.nps_interval`; churn: :func:`cxlib.analysis.stats.proportion_interval`.

    Examples
    --------
    >>> idx = pd.DataFrame({"customer_id": list("abcd"), "touchpoint_mean": [90.0, 80, 20, 30],
    ...                     "journey_index": [30.0, 90, 80, 20]})
    >>> out = pd.DataFrame({"customer_id": list("abcd"), "churned": [1.0, 0, 0, 1], "nps": [3, 10, 9, 2]})
    >>> res = good_touchpoints_poor_journey(idx, out, journey_cut=50, min_n=1)
    >>> res.n_good_touchpoints_poor_journey, float(res.table.set_index("quadrant").loc[QUADRANTS[0], "churn_rate"])
    (1, 1.0)
    """
    classes = touchpoint_vs_journey(index, touchpoint=touchpoint, journey=journey, touchpoint_cut=touchpoint_cut,
                                    journey_cut=journey_cut)
    t_cut = classes[touchpoint].median() if touchpoint_cut == "median" else float(touchpoint_cut)
    j_cut = classes[journey].median() if journey_cut == "median" else float(journey_cut)
    keep = ["customer_id", *[c for c in ("churned", "nps") if c in outcomes.columns]]
    data = classes[[c for c in classes.columns if c != "period"]].merge(
        outcomes[keep].drop_duplicates("customer_id"), on="customer_id", how="left")
    present = []
    if friction is not None:
        present = [s for s in signals if s in friction.columns]
        data = data.merge(friction[["customer_id", *present]], on="customer_id", how="left")
        data[present] = data[present].fillna(0)
    rows = []
    for q in QUADRANTS:
        part = data[data["quadrant"] == q]
        churn = as_flag(part["churned"]).dropna() if "churned" in part.columns else pd.Series(dtype="float64")
        nps = as_float(part["nps"]).dropna() if "nps" in part.columns else pd.Series(dtype="float64")
        row = {"quadrant": q, "n": len(part), "n_churn_known": len(churn),
               "_churned": float(churn.sum()), "n_nps": len(nps),
               "_p": float((nps >= 9).mean()) if len(nps) else np.nan,
               "_d": float((nps <= 6).mean()) if len(nps) else np.nan,
               "mean_journey_index": part[journey].mean(), "mean_touchpoint": part[touchpoint].mean()}
        for s in present:
            row[s] = part[s].mean()
        row["friction_per_customer"] = part[present].sum(axis=1).mean() if present else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    table["share"] = table["n"] / max(int(table["n"].sum()), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["churn_rate"] = table["_churned"] / table["n_churn_known"].where(table["n_churn_known"] > 0)
    table["churn_ci_low"], table["churn_ci_high"] = stats.proportion_interval(table["_churned"],
                                                                              table["n_churn_known"], ci=ci)
    table["nps"] = 100 * (table["_p"] - table["_d"])
    lo, hi = stats.nps_interval(table["_p"], table["_d"], table["n_nps"].where(table["n_nps"] > 0), ci=ci)
    table["nps_ci_low"], table["nps_ci_high"] = 100 * lo, 100 * hi
    churn_cols, nps_cols = ["churn_rate", "churn_ci_low", "churn_ci_high"], ["nps", "nps_ci_low", "nps_ci_high"]
    table = stats.suppress(table, by=["quadrant"], n="n_churn_known", min_n=min_n, value_cols=churn_cols, flag=None)
    table = stats.suppress(table, by=["quadrant"], n="n_nps", min_n=min_n, value_cols=nps_cols, flag=None)
    means = ["mean_journey_index", "mean_touchpoint", *present, "friction_per_customer"]
    table = stats.suppress(table, by=["quadrant"], min_n=min_n, value_cols=["share", *churn_cols, *nps_cols, *means])
    cols = ["quadrant", "n", "share", "n_churn_known", *churn_cols, "n_nps", *nps_cols, *means, "suppressed"]
    return QuadrantOutcomes(table=table[cols], customers=data.reset_index(drop=True), touchpoint_cut=t_cut,
                            journey_cut=j_cut)
