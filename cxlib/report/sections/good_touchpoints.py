"""Good touchpoints, poor journeys: the customers whose every touchpoint rated well but whose journey went wrong.

A touchpoint scorecard can be green while the journey between the touchpoints fails: asked again
for what the company knew, left waiting without an update, passed between departments. This
section counts those customers (:func:`cxlib.analysis.journey.outcomes.good_touchpoints_poor_journey`:
touchpoints rated 4 of 5 or better on average, a journey index below the customers' median) and
says what happened to them -- churn and NPS against the customers whose touchpoints and journey
were both good, and the friction that set their journey apart. Intervals and suppression come from
:mod:`cxlib.analysis.stats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["GoodTouchpointsResult", "SIGNAL_LABELS", "compute", "show", "SECTION"]

#: The friction counts each quadrant is described by, as the report names them.
SIGNAL_LABELS = {"n_known_info": "Asked again", "n_silent_cases": "Silent waits", "n_repeats": "Repeat contacts",
                 "n_handoffs": "Hand-offs"}


@dataclass(frozen=True, kw_only=True, eq=False)
class GoodTouchpointsResult(SectionResult):
    """The four quadrants and the contrast behind the sentence.

    Attributes
    ----------
    table : DataFrame
        :attr:`~cxlib.analysis.journey.outcomes.QuadrantOutcomes.table` (one row per quadrant) with
        ``share_ci_low``/``share_ci_high`` (Wilson) and ``label``.
    contrast : DataFrame
        One row: churn of "good touchpoints, poor journey" (``churn_a``, ``n_a``) against "both good"
        (``churn_b``, ``n_b``), ``diff`` with ``diff_ci_low``/``diff_ci_high`` (Newcombe), ``p_value``.
    friction : DataFrame
        Per friction signal: the mean per customer in each of the two quadrants and their ratio.
    touchpoint_cut, journey_cut : float
        The cuts used (0-100 scales).
    """

    table: pd.DataFrame | None = None
    contrast: pd.DataFrame | None = None
    friction: pd.DataFrame | None = None
    touchpoint_cut: float = float("nan")
    journey_cut: float = float("nan")


def _contrast(table: pd.DataFrame) -> pd.DataFrame | None:
    from cxlib.analysis import stats
    from cxlib.analysis.journey.outcomes import QUADRANTS

    t = table.set_index("quadrant")
    a, b = t.loc[QUADRANTS[0]], t.loc["both good"]
    if bool(a["suppressed"]) or bool(b["suppressed"]) or pd.isna(a["churn_rate"]) or pd.isna(b["churn_rate"]):
        return None
    k_a, k_b = round(a["churn_rate"] * a["n_churn_known"]), round(b["churn_rate"] * b["n_churn_known"])
    test = stats.two_proportion_test(k_b, b["n_churn_known"], k_a, a["n_churn_known"])
    return pd.DataFrame([{"n_a": int(a["n_churn_known"]), "churn_a": float(a["churn_rate"]),
                          "churn_a_low": float(a["churn_ci_low"]), "churn_a_high": float(a["churn_ci_high"]),
                          "n_b": int(b["n_churn_known"]), "churn_b": float(b["churn_rate"]),
                          "diff": float(test["diff"]), "diff_ci_low": float(test["ci_low"]),
                          "diff_ci_high": float(test["ci_high"]), "p_value": float(test["p_value"])}])


def _friction(table: pd.DataFrame) -> pd.DataFrame:
    from cxlib.analysis.journey.outcomes import QUADRANTS

    t = table.set_index("quadrant")
    rows = []
    for col, label in {**SIGNAL_LABELS, "friction_per_customer": "All friction events"}.items():
        if col not in t.columns:
            continue
        a, b = float(t.loc[QUADRANTS[0], col]), float(t.loc["both good", col])
        rows.append({"signal": col, "label": label, "poor_journey": a, "both_good": b,
                     "ratio": a / b if b > 0 else np.nan})
    return pd.DataFrame(rows)


def compute(data) -> GoodTouchpointsResult:
    """Classify every customer by touchpoints and journey, and compare what happened to each group."""
    from cxlib.analysis import stats
    from cxlib.analysis.journey import customer_outcomes, friction, journey_index
    from cxlib.analysis.journey.outcomes import QUADRANTS, good_touchpoints_poor_journey
    from cxlib.present import journey_findings as said

    tried = Attempts()
    index = tried(journey_index, data.interactions, data.responses, what="The journey index")
    if index is None:
        return GoodTouchpointsResult(notes=tried.notes)
    outcomes = customer_outcomes(data.customers, data.responses)
    per_customer = friction.customer_friction(data.interactions)
    res = tried(good_touchpoints_poor_journey, index, outcomes, per_customer, min_n=data.config.min_n,
                what="Good touchpoints, poor journeys")
    if res is None:
        return GoodTouchpointsResult(notes=tried.notes)
    table = res.table.copy()
    total = float(table["n"].sum())
    low, high = stats.proportion_interval(table["n"].astype("float64"), total)
    hidden = table["suppressed"].astype(bool).to_numpy()
    table["share_ci_low"] = np.where(hidden, np.nan, low)
    table["share_ci_high"] = np.where(hidden, np.nan, high)
    table["label"] = table["quadrant"].str.capitalize()
    contrast = _contrast(table)
    fr = _friction(table) if not table.set_index("quadrant").loc[[QUADRANTS[0], "both good"], "suppressed"].any() \
        else None
    ratio = None
    if fr is not None:
        every = fr[fr["signal"] == "friction_per_customer"]
        ratio = float(every["ratio"].iloc[0]) if len(every) else None
    first = table[table["quadrant"] == QUADRANTS[0]]
    findings = [f for f in (
        said.gtpj_share(table, touchpoint_cut=res.touchpoint_cut, low=float(first["share_ci_low"].iloc[0]),
                        high=float(first["share_ci_high"].iloc[0])),
        said.gtpj_outcome(contrast, friction_ratio=ratio),
    ) if f is not None]
    return GoodTouchpointsResult(table=table, contrast=contrast, friction=fr, touchpoint_cut=res.touchpoint_cut,
                                 journey_cut=res.journey_cut, findings=tuple(findings), notes=tried.notes)


def show(result: GoodTouchpointsResult, audience: str) -> None:
    """The findings, churn by quadrant as a chart, the quadrant table and the friction that sets them apart."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables

    display(narrative.findings_html(result.findings))
    t = result.table
    if t is None:
        return
    if t["churn_rate"].notna().any():
        plot = t.assign(churn_pct=100 * t["churn_rate"], low=100 * t["churn_ci_low"], high=100 * t["churn_ci_high"],
                        first=t["quadrant"] == t["quadrant"].iloc[0])
        charts.show(charts.bar_chart(plot, x="churn_pct", y="label", low="low", high="high", highlight="first",
                                     xlabel="% of customers who left (95 % interval)",
                                     title="Churn by touchpoints and journey", zero_line=False))
    display(tables.table(t, columns={"label": "Touchpoints, journey", "n": "Customers", "share": "Share",
                                     "churn_rate": "Churn", "nps": "NPS", "friction_per_customer":
                                         "Friction events each"},
                         formats={"share": "frac0", "churn_rate": "frac0", "nps": "signed0",
                                  "friction_per_customer": "1"},
                         ci={"share": ("share_ci_low", "share_ci_high"), "churn_rate": ("churn_ci_low", "churn_ci_high"),
                             "nps": ("nps_ci_low", "nps_ci_high")},
                         caption="Customers by touchpoints and journey",
                         note=f"Touchpoints good: a mean rating of {result.touchpoint_cut / 25 + 1:.0f} of 5 or better; "
                              f"journey good: a journey index of {result.journey_cut:.1f} of 100 (the median) or "
                              "better. NPS from each customer's latest relationship answer."))
    if result.friction is not None:
        display(tables.table(result.friction, columns={"label": "Friction (per customer)",
                                                       "poor_journey": "Good touchpoints, poor journey",
                                                       "both_good": "Both good", "ratio": "Times as many"},
                             formats={"poor_journey": "2", "both_good": "2", "ratio": "1"},
                             caption="What went wrong between the touchpoints"))


SECTION = Section(
    id="good_touchpoints", title="Good touchpoints, poor journeys", audiences=("analyst",),
    needs={"interactions": ("touchpoint",), "customers": ("churned",), "responses": ("interaction_id",)},
    unlock="An interaction log, transactional ratings linked to it (the contact each answer rates) and a customer list with a "
           "churned flag.",
    compute=compute, show=show, order=82,
)
