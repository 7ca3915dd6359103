"""Churn and value at risk: churn on the journey index (logit), and the annual value at risk by segment."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Section, SectionResult

__all__ = ["ChurnValueResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class ChurnValueResult(SectionResult):
    """The churn model's ``terms``, the ``at_risk`` table by segment, and the client's ``currency``."""

    terms: pd.DataFrame | None = None
    at_risk: pd.DataFrame | None = None
    currency: str = ""


def compute(data, *, journey_vs_touchpoints=None) -> ChurnValueResult:
    """Churn on the journey index (``journey_vs_touchpoints`` computed the index) and the value at risk."""
    from cxlib.analysis import churn
    from cxlib.report.sections.base import Attempts

    index = journey_vs_touchpoints.index if journey_vs_touchpoints is not None else None
    if index is None:
        return ChurnValueResult(currency=data.config.currency)
    tried = Attempts()
    link = tried(churn.churn_link, data.customers, index, measure="journey_index", min_n=data.config.min_n,
                 currency=data.config.currency, what="Churn link")
    return ChurnValueResult(terms=link.table if link is not None else None,
                            at_risk=link.at_risk if link is not None else None, currency=data.config.currency,
                            notes=tried.notes)


def show(result: ChurnValueResult, audience: str) -> None:
    """The model table and the value at risk."""
    from IPython.display import display

    from cxlib.present import tables
    from cxlib.present.formatting import label, money

    terms = result.terms.assign(term_label=result.terms["term"].map(
        {"const": "Intercept", "journey_index": "Journey index (per point)"}).fillna(result.terms["term"].map(label))) \
        if result.terms is not None else None
    display(tables.table(terms, columns={"term_label": "Term", "coef": "Coefficient", "se": "SE",
                                         "odds_ratio": "Odds ratio", "p_value": "p"},
                         formats={"coef": "3", "se": "3", "odds_ratio": "3", "p_value": "p"},
                         ci={"odds_ratio": ("ci_low", "ci_high")}, caption="Churn on the journey index (logit)"))
    cur = result.currency

    def cash(v):
        return money(v, cur) if cur else tables.format_value(v, "int")

    at_risk = result.at_risk.assign(segment_label=result.at_risk["segment"].map(label)) \
        if result.at_risk is not None else None
    display(tables.table(at_risk, columns={"segment_label": "Segment", "n_customers": "Customers",
                                           "churn_rate": "Churn rate", "annual_value": "Annual value",
                                           "value_at_risk": "Value at risk", "value_kept": "Kept if +1 point"},
                         formats={"churn_rate": "pct1", "annual_value": cash, "value_at_risk": cash, "value_kept": cash},
                         caption="Annual value at risk by segment",
                         note="Value at risk: expected churners × their annual value, from the model; kept if +1 point: "
                              "if every active customer's journey index were one point higher. Associations, not "
                              "proof of cause."))


SECTION = Section(
    id="churn_value", title="Churn and value at risk", audiences=("analyst",),
    needs={"customers": ("churned", "annual_value"), "interactions": ()},
    unlock="A customer list saying who left and each customer's annual value, and an interaction log.",
    compute=compute, show=show, order=90, uses=("journey_vs_touchpoints",),
)
