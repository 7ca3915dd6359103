"""What drives the outcome, and what to fix first: key drivers with relative importance and the priority matrix.

The outcome is the one the headline reports (client.yaml ``outcome``, else the best the survey has:
NPS, CSAT, satisfied, stars, recommend, CES); a yes/no outcome is modelled by logistic regression.

The rule is stated once (:func:`cxlib.present.claims.drivers.priority`): medians of importance
and performance, sign-aware, a positive effect beyond chance for "fix first" and "maintain
strength"; nothing is named when the model explains less than
:data:`cxlib.present.claims.drivers.MIN_R2` of the variation; "matters most" only when the top
touchpoint's interval separates it from the others. The analyst table, the matrix, the sentences
and the actions all read the same quadrant column.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult, outcome_answers

__all__ = ["DriversResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class DriversResult(SectionResult):
    """The driver ``table`` (with ``driver_label`` and the rule's ``quadrant``) and the fit facts (None when no model)."""

    table: pd.DataFrame | None = None
    model_kind: str = ""
    importance_method: str = ""
    r2: float = float("nan")
    n: int = 0
    model_notes: tuple[str, ...] = ()
    outcome: str = "nps"

    @property
    def what(self) -> str:
        """How the report names the outcome modelled."""
        from cxlib.present.claims.scores import measure

        return measure(self.outcome).name

    @property
    def caption(self) -> str:
        """The analyst table's caption, with the model, R², importance method and n."""
        if self.table is None:
            return f"Key drivers of {self.what}"
        return (f"Key drivers of {self.what} ({self.model_kind.upper()}, R² = {self.r2:.2f}, "
                f"{self.importance_method.upper()} importance, n = {self.n:,})")

    @property
    def stands_out(self) -> bool:
        """The model explains enough for any touchpoint to be named."""
        from cxlib.present.claims.drivers import MIN_R2

        return self.table is not None and self.r2 >= MIN_R2


#: The outcomes the model can take, best first (``client.yaml`` ``outcome`` picks one).
_OUTCOMES = ("nps", "csat", "satisfied", "stars", "recommend", "ces")


def compute(data) -> DriversResult:
    """Key drivers of the outcome (seeded bootstrap intervals), with the stated priority rule applied."""
    from cxlib.analysis import drivers
    from cxlib.present.claims import drivers as claims
    from cxlib.present.tables import with_labels

    tried = Attempts()
    outcome, answers = outcome_answers(data)
    if answers is None:
        return DriversResult(outcome=outcome)
    fit = tried(drivers.key_drivers, answers, outcome=outcome, customers=data.customers, seed=data.seed,
                min_n=data.config.min_n, what="Key drivers")
    if fit is None:
        return DriversResult(findings=(claims.driver_top(None, r2=0.0, n=0, outcome=outcome),), notes=tried.notes,
                             outcome=outcome)
    table = claims.priority(with_labels(fit.table, dict(data.labels), column="driver"))
    findings = (claims.driver_top(table, r2=fit.r2, n=fit.n, outcome=outcome), claims.fix_first(table, r2=fit.r2))
    return DriversResult(table=table, model_kind=fit.model_kind, importance_method=fit.importance_method, r2=fit.r2,
                         n=fit.n, model_notes=tuple(fit.notes), findings=findings, notes=tried.notes, outcome=outcome)


def show(result: DriversResult, audience: str) -> None:
    """The findings and the priority matrix; for analysts the importance chart and the model table."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings, audience=audience))
    full = detailed(audience)
    if result.table is not None and (result.stands_out or full):
        t = result.table
        charts.show(charts.priority_chart(
            t, label="driver_label", x_ref=float(t["performance_median"].iloc[0]),
            y_ref=float(t["share_median"].iloc[0]), ylabel="Importance (% of what the ratings explain)",
            title="Priority matrix: importance against rating (dashed lines: the medians)"))
    if not full:
        return
    if result.table is not None:
        charts.show(charts.driver_chart(result.table.sort_values("share", ascending=False).head(10),
                                        y="driver_label", xlabel="Share of the explained variation (%)",
                                        title=f"Share of what the ratings explain about {result.what} (95 % interval)"))
    display(tables.table(
        result.table, columns={"rank": "Rank", "driver_label": "Driver", "n": "n", "coef": "Coefficient",
                               "p_value": "p", "share": "Share of R²", "vif": "VIF",
                               "performance": "Mean rating", "quadrant": "Quadrant"},
        formats={"coef": "2", "p_value": "p", "share": "pct1", "vif": "2", "performance": "2"},
        ci={"coef": ("coef_ci_low", "coef_ci_high"), "share": ("share_ci_low", "share_ci_high")},
        caption=result.caption,
        note=" ".join([*result.model_notes,
                       "Quadrant: importance and rating against their medians; 'fix first' and 'maintain strength' "
                       "need a coefficient above zero beyond chance; a coefficient below zero is a negative "
                       "association, never a strength."]) if result.table is not None else None))


SECTION = Section(
    id="drivers", title="What drives NPS, and what to fix first", audiences=("executive", "analyst"),
    needs={"responses": ("|".join(_OUTCOMES), "rating_*")},
    unlock="Touchpoint rating questions (1-5) in the survey, one column per touchpoint, and an outcome question "
           "(likelihood to recommend 0-10, satisfaction, stars or a recommend yes/no).",
    compute=compute, show=show, order=40,
)
