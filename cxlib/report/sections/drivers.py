"""What drives the client's outcome, and what to fix first: key drivers with relative importance and the
priority matrix.

The outcome is the one the headline reports (client.yaml ``outcome``, else the best the survey has:
NPS, CSAT, satisfied, stars, recommend, CES); a yes/no outcome is modelled by logistic regression.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["DriversResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class DriversResult(SectionResult):
    """The driver ``table`` (with ``driver_label``) and the fit facts its caption cites (None when no model)."""

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
        return _NAMES.get(self.outcome, self.outcome.replace("_", " "))

    @property
    def caption(self) -> str:
        """The analyst table's caption, with the model, R², importance method and n."""
        if self.table is None:
            return f"Key drivers of {self.what}"
        return (f"Key drivers of {self.what} ({self.model_kind.upper()}, R² = {self.r2:.2f}, "
                f"{self.importance_method.upper()} importance, n = {self.n:,})")


_NAMES = {"nps": "NPS", "csat": "CSAT", "satisfied": "satisfaction", "stars": "the star rating",
          "recommend": "recommending", "ces": "customer effort"}
#: The outcomes the model can take, best first (``client.yaml`` ``outcome`` picks one).
_OUTCOMES = ("nps", "csat", "satisfied", "stars", "recommend", "ces")


def _outcome(data) -> str:
    """The outcome to model: the report's outcome when the survey answers it, else the first one it has."""
    from cxlib.schema import best_outcome

    frame = data.relationship if data.relationship is not None and len(data.relationship) else data.responses
    chosen = getattr(data, "outcome", None)
    return best_outcome(frame, chosen) or "nps"


def _finding(table: pd.DataFrame | None, labels: dict, what: str = "NPS") -> Finding:
    from cxlib.present import narrative

    numbers: tuple[Cited, ...] = ()
    if table is not None and len(table):
        top = table.sort_values("rank").iloc[0]
        low, high = top.get("share_ci_low"), top.get("share_ci_high")
        numbers = (Cited(f"{top['driver_label']}: share of explained {what} variation", float(top["share"]), unit="%",
                         n=int(top["n"]) if "n" in top and pd.notna(top["n"]) else None,
                         ci=(float(low), float(high)) if pd.notna(low) and pd.notna(high) else None),)
    return Finding("driver_top", narrative.driver_sentence(table, labels=labels, outcome=what), numbers=numbers,
                   evidence=table,
                   condition="fix first = above-median importance and below-median performance")


def compute(data) -> DriversResult:
    """Key drivers of relationship NPS (seeded bootstrap intervals)."""
    from cxlib.analysis import drivers
    from cxlib.present.tables import with_labels

    tried = Attempts()
    outcome = _outcome(data)
    what = _NAMES.get(outcome, outcome)
    frame = data.relationship if data.relationship is not None and outcome in data.relationship \
        and data.relationship[outcome].notna().any() else data.responses
    fit = tried(drivers.key_drivers, frame, outcome=outcome, customers=data.customers, seed=data.seed,
                min_n=data.config.min_n, what="Key drivers")
    labels = dict(data.labels)
    if fit is None:
        return DriversResult(findings=(_finding(None, labels, what),), notes=tried.notes, outcome=outcome)
    table = with_labels(fit.table, labels, column="driver")
    return DriversResult(table=table, model_kind=fit.model_kind, importance_method=fit.importance_method, r2=fit.r2,
                         n=fit.n, model_notes=tuple(fit.notes), findings=(_finding(table, labels, what),),
                         notes=tried.notes, outcome=outcome)


def show(result: DriversResult, audience: str) -> None:
    """The finding, the importance chart and the priority matrix; for analysts the model table."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings))
    if result.table is not None:
        charts.show(charts.driver_chart(result.table.head(8), y="driver_label",
                                        title=f"Share of explained {result.what} variation (95 % interval)"))
        charts.show(charts.priority_chart(result.table, label="driver_label",
                                          title="Priority matrix: importance against performance"))
    if detailed(audience):
        display(tables.table(
            result.table, columns={"rank": "Rank", "driver_label": "Driver", "n": "n", "coef": "Coefficient",
                                   "p_value": "p", "share": "Share of R²", "vif": "VIF",
                                   "performance": "Mean rating", "quadrant": "Quadrant"},
            formats={"coef": "2", "p_value": "p", "share": "pct1", "vif": "2", "performance": "2"},
            ci={"coef": ("coef_ci_low", "coef_ci_high"), "share": ("share_ci_low", "share_ci_high")},
            caption=result.caption, note=" ".join(result.model_notes) if result.table is not None else None))


SECTION = Section(
    id="drivers", title="What drives NPS, and what to fix first", audiences=("executive", "analyst"),
    needs={"responses": ("|".join(_OUTCOMES), "rating_*")},
    unlock="Touchpoint rating questions (1-5) in the survey, one column per touchpoint, and an outcome question "
           "(likelihood to recommend 0-10, satisfaction, stars or a recommend yes/no).",
    compute=compute, show=show, order=40,
)
