"""What each owner (department) needs on one page: their touchpoints' scores, gap to promise, top friction.

:func:`owner_scorecard` gathers, for every owner named in the self-assessment (or, failing that,
the department that handles each touchpoint most), the data of an owner's brief; the brief
itself (top theme with a quote, one action) is the report section's.

Methods: ``docs/methods-quant.md`` (owners).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.gap import delivery_gap
from cxlib.analysis.journey.cases import contact_flags
from cxlib.analysis.journey.common import as_flag
from cxlib.errors import DataError

__all__ = ["FRICTION_SIGNALS", "OwnerScorecard", "touchpoint_owners", "owner_scorecard"]

#: Friction signals an owner's touchpoints are checked for: (name, what it measures).
FRICTION_SIGNALS: tuple[tuple[str, str], ...] = (
    ("asked again", "contacts where the customer was asked for information the company held"),
    ("silent wait", "case contacts that waited long without an update"),
    ("repeat contact", "case contacts that came back about the same case"),
)


def touchpoint_owners(self_assessment: pd.DataFrame | None, interactions: pd.DataFrame | None = None, *,
                      owner: str = "owner") -> pd.DataFrame:
    """Who owns each touchpoint: the self-assessment's ``owner``, else the department handling it most.

    >>> touchpoint_owners(pd.DataFrame({"touchpoint": ["bill"], "owner": ["Finance"]}))["owner"].tolist()
    ['Finance']
    """
    if self_assessment is not None and owner in self_assessment.columns and self_assessment[owner].notna().any():
        out = self_assessment[["touchpoint", owner]].rename(columns={owner: "owner"})
        return out.assign(owner=out["owner"].astype("string"), source="self_assessment").dropna(subset=["owner"])
    if interactions is None or "department" not in interactions.columns:
        raise DataError("No owners to brief: the self-assessment names no `owner` and the interactions no "
                        "`department`. Add an `owner` column to the self-assessment.")
    counts = interactions.groupby(["touchpoint", "department"], observed=True).size().rename("k").reset_index()
    top = counts.sort_values(["touchpoint", "k", "department"], ascending=[True, False, True]).drop_duplicates("touchpoint")
    return pd.DataFrame({"touchpoint": top["touchpoint"].astype("string").to_numpy(),
                         "owner": top["department"].astype("string").to_numpy(), "source": "interactions"})


@dataclass(frozen=True)
class OwnerScorecard:
    """Data for owners' one-page briefs: ``.owners`` (one row each), ``.touchpoints``, ``.friction``."""

    owners: pd.DataFrame
    touchpoints: pd.DataFrame
    friction: pd.DataFrame

    def summary(self) -> str:
        """A plain-text summary for an analyst."""
        lines = []
        for r in self.owners.itertuples(index=False):
            gap = "gap not measured" if pd.isna(r.worst_gap) else (
                f"widest gap to promise {r.worst_gap:+.0f} points at {r.worst_gap_touchpoint}")
            fr = "" if pd.isna(r.top_friction) else f"; top friction: {r.top_friction} {r.top_friction_rate:.0%} " \
                                                    f"({r.top_friction_lift:.1f}x the company)"
            lines.append(f"{r.owner}: {r.n_touchpoints} touchpoint(s), mean rating {r.mean_rating:.2f}; {gap}{fr}")
        return "\n".join(lines)


def owner_scorecard(responses: pd.DataFrame, self_assessment: pd.DataFrame | None,
                    interactions: pd.DataFrame | None = None, *, owner: str = "owner",
                    survey: str | None = "relationship", silent_minutes: float = 2880.0,
                    min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                    correction: stats.Correction = "holm") -> OwnerScorecard:
    """Per owner: their touchpoints' scores, the gap to what they promise, and their top friction.

    Parameters
    ----------
    responses : DataFrame
        Canonical responses with ``rating_<touchpoint>`` columns.
    self_assessment : DataFrame or None
        Canonical self-assessment (``touchpoint``, ``self_rating``, ``expected_top_box_pct``,
        ``promise``, ``owner``); None: owners from the interactions' departments and no gap.
    interactions : DataFrame, optional
        Canonical interactions, for the friction of each owner's touchpoints.
    owner : str, keyword-only
        The self-assessment's owner column.
    survey : str or None, keyword-only
        Ratings of this survey (as :func:`cxlib.analysis.gap.delivery_gap`).
    silent_minutes : float, keyword-only
        Silent-wait threshold.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): a touchpoint's scores and gap are suppressed
        below it (as in the delivery gap), and a friction rate on fewer contacts. None or 0: none.
    ci, correction : keyword-only
        Confidence level; correction over the touchpoints' gap tests.

    Returns
    -------
    OwnerScorecard
        ``.touchpoints``: the :func:`cxlib.analysis.gap.delivery_gap` rows with ``owner`` and
        ``promise`` (the company's own words). ``.friction``: ``owner``, ``signal``
        (:data:`FRICTION_SIGNALS`), ``n`` (contacts at the owner's touchpoints), ``rate`` with
        ``ci_low``, ``ci_high`` (Wilson), ``company_rate`` (all touchpoints), ``lift``,
        ``suppressed``. ``.owners``: ``owner``, ``n_touchpoints``, ``touchpoints``, ``n_ratings``,
        ``mean_rating`` (over the owner's shown touchpoints, weighted by n), ``worst_gap`` (the
        widest company-over-customer gap among them, percentage points), ``worst_gap_touchpoint``,
        ``worst_gap_ci_low``, ``worst_gap_ci_high``, ``worst_gap_significant``, ``top_friction`` (the
        signal with the highest lift, when above 1), ``top_friction_rate``, ``top_friction_lift``;
        widest gap first.

    Examples
    --------
    >>> r = pd.DataFrame({"survey": "relationship", "rating_bill": [5, 2, 1, 2] * 10, "rating_app": [5, 5, 4, 5] * 10})
    >>> sa = pd.DataFrame({"touchpoint": ["bill", "app"], "self_rating": [5, 5], "expected_top_box_pct": [90.0, 70.0],
    ...                    "owner": ["Finance", "Digital"]})
    >>> card = owner_scorecard(r, sa)
    >>> card.owners[["owner", "worst_gap_touchpoint", "worst_gap"]].to_dict("records")
    [{'owner': 'Finance', 'worst_gap_touchpoint': 'bill', 'worst_gap': 65.0}, {'owner': 'Digital', 'worst_gap_touchpoint': 'app', 'worst_gap': -5.0}]
    """
    owners = touchpoint_owners(self_assessment, interactions, owner=owner)
    if self_assessment is not None and "self_rating" in self_assessment.columns:
        gap = delivery_gap(responses, self_assessment, survey=survey, ci=ci, min_n=min_n, correction=correction)
        extra = [c for c in ("promise",) if c in self_assessment.columns]
        gap = gap.merge(self_assessment[["touchpoint", *extra]], on="touchpoint", how="left")
    else:
        gap = pd.DataFrame({"touchpoint": owners["touchpoint"]})
    tps = gap.merge(owners[["touchpoint", "owner"]], on="touchpoint", how="inner")
    tps = tps[["owner", *[c for c in tps.columns if c != "owner"]]]
    friction = _friction(interactions, owners, silent_minutes=silent_minutes, min_n=min_n, ci=ci)
    rows = []
    for name, part in tps.groupby("owner", observed=True, sort=True):
        shown = part[~part["suppressed"]] if "suppressed" in part.columns else part.iloc[:0]
        worst = shown.sort_values("gap", ascending=False, kind="stable").head(1) if "gap" in shown.columns and \
            shown["gap"].notna().any() else shown.iloc[:0]
        fr = friction[(friction["owner"] == name) & ~friction["suppressed"] & (friction["lift"] > 1)]
        fr = fr.sort_values("lift", ascending=False, kind="stable").head(1)
        n_rat = int(shown["n"].sum()) if "n" in shown.columns else 0
        rows.append({
            "owner": name, "n_touchpoints": len(part), "touchpoints": ", ".join(map(str, part["touchpoint"])),
            "n_ratings": n_rat,
            "mean_rating": float(np.average(shown["mean_rating"], weights=shown["n"])) if n_rat else np.nan,
            "worst_gap": float(worst["gap"].iloc[0]) if len(worst) else np.nan,
            "worst_gap_touchpoint": str(worst["touchpoint"].iloc[0]) if len(worst) else pd.NA,
            "worst_gap_ci_low": float(worst["gap_ci_low"].iloc[0]) if len(worst) else np.nan,
            "worst_gap_ci_high": float(worst["gap_ci_high"].iloc[0]) if len(worst) else np.nan,
            "worst_gap_significant": bool(worst["significant"].iloc[0]) if len(worst) else False,
            "top_friction": str(fr["signal"].iloc[0]) if len(fr) else pd.NA,
            "top_friction_rate": float(fr["rate"].iloc[0]) if len(fr) else np.nan,
            "top_friction_lift": float(fr["lift"].iloc[0]) if len(fr) else np.nan,
        })
    table = pd.DataFrame(rows)
    if len(table):
        table = table.sort_values(["worst_gap", "owner"], ascending=[False, True], kind="stable",
                                  na_position="last").reset_index(drop=True)
    return OwnerScorecard(owners=table, touchpoints=tps.reset_index(drop=True), friction=friction)


def _friction(interactions: pd.DataFrame | None, owners: pd.DataFrame, *, silent_minutes: float,
              min_n: int | None, ci: float) -> pd.DataFrame:
    cols = ["owner", "signal", "n", "rate", "ci_low", "ci_high", "company_rate", "lift", "suppressed"]
    if interactions is None:
        return pd.DataFrame(columns=cols)
    data = interactions.assign(touchpoint=interactions["touchpoint"].astype("string")).merge(
        owners[["touchpoint", "owner"]], on="touchpoint", how="inner")
    signals = {}
    if "asked_known_info" in data.columns:
        signals["asked again"] = (data["owner"], as_flag(data["asked_known_info"]))
    if "case_id" in data.columns and "occurred_at" in data.columns:
        c = contact_flags(data, silent_minutes=silent_minutes, keep=("owner",))
        signals["silent wait"] = (c["owner"], c["silent_wait"].astype("float64"))
        signals["repeat contact"] = (c["owner"], c["repeat"].astype("float64"))
    rows = []
    for signal, (who, flag) in signals.items():
        frame = pd.DataFrame({"owner": who.to_numpy(), "f": flag.to_numpy(float)}).dropna()
        overall = frame["f"].mean() if len(frame) else np.nan
        g = frame.groupby("owner", observed=True)["f"].agg(["count", "sum"]).reset_index()
        for r in g.itertuples(index=False):
            rows.append({"owner": r.owner, "signal": signal, "n": int(r.count), "_k": float(r.sum),
                         "company_rate": overall})
    table = pd.DataFrame(rows, columns=["owner", "signal", "n", "_k", "company_rate"])
    table["rate"] = table["_k"] / table["n"].where(table["n"] > 0)
    table["ci_low"], table["ci_high"] = stats.proportion_interval(table["_k"], table["n"], ci=ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["lift"] = table["rate"] / table["company_rate"]
    table = stats.suppress(table, by=["owner"], within=["signal"], min_n=min_n,
                           value_cols=["rate", "ci_low", "ci_high", "lift"])
    return table[cols].reset_index(drop=True)
