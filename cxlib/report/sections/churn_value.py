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


def compute(data, *, headline=None) -> ChurnValueResult:
    """Read the churn link the headline fitted (``headline``: the headline section's result)."""
    link = headline.churn if headline is not None else None
    return ChurnValueResult(terms=link.table if link is not None else None,
                            at_risk=link.at_risk if link is not None else None, currency=data.config.currency)


def show(result: ChurnValueResult, audience: str) -> None:
    """The model table and the value at risk."""
    from IPython.display import display

    from cxlib.present import tables

    display(tables.table(result.terms, columns={"term": "Term", "coef": "Coefficient", "se": "SE",
                                                "odds_ratio": "Odds ratio", "p_value": "p"},
                         formats={"coef": "3", "se": "3", "odds_ratio": "3", "p_value": "p"},
                         ci={"odds_ratio": ("ci_low", "ci_high")}, caption="Churn on the journey index (logit)"))
    display(tables.table(result.at_risk, columns={"segment": "Segment", "n_customers": "Customers",
                                                  "churn_rate": "Churn rate", "annual_value": "Annual value",
                                                  "value_at_risk": "Value at risk", "value_kept": "Kept if +1 point"},
                         formats={"churn_rate": "pct1", "annual_value": "int", "value_at_risk": "int", "value_kept": "int"},
                         caption=f"Annual value at risk by segment ({result.currency})"))


SECTION = Section(
    id="churn_value", title="Churn and value at risk", audiences=("analyst",),
    needs={"customers": ("churned", "annual_value"), "interactions": ()},
    unlock="Churn flag and annual value per customer in the CRM extract, an interaction log (for the journey index), "
           "and the customer id in the survey export.",
    compute=compute, show=show, order=90, uses=("headline",),
)
