"""Friction along the journey: repeated requests for known information, silent waits, and their cost in NPS and churn."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["FrictionResult", "REPEATED_INFO", "SILENT_WAITS", "OUTCOMES", "compute", "show", "SECTION"]

REPEATED_INFO = Part("Repeated information", {"interactions": ("asked_known_info",)},
                     "A 'customer had to repeat information' flag (asked_known_info) per interaction.")
SILENT_WAITS = Part("Silent waits", {"interactions": ("case_id", "updates_sent")},
                    "Case ids and the number of updates sent while a case was open, per interaction.")
OUTCOMES = Part("Friction and outcomes", {"customers": ("churned",)},
                "A CRM extract (customers: customer_id, segment, acquired_on, churned).")


@dataclass(frozen=True, kw_only=True, eq=False)
class FrictionResult(SectionResult):
    """``repeated`` (asked again, by channel), ``silent`` (silent waits, by first channel) and
    ``effects`` (each signal's association with NPS and churn); None where the data does not allow it."""

    repeated: pd.DataFrame | None = None
    silent: pd.DataFrame | None = None
    effects: pd.DataFrame | None = None


def _finding(effects: pd.DataFrame | None) -> Finding:
    from cxlib.present import narrative

    best = narrative.costliest_friction(effects)
    numbers: tuple[Cited, ...] = ()
    if best is not None:
        numbers = (Cited(f"NPS per instance of {best['signal']}", float(best["effect_per_event"]),
                         unit="points on the 0-10 answer", n=int(best["n"]),
                         ci=(float(best["effect_ci_low"]), float(best["effect_ci_high"]))),
                   Cited("Respondents affected", float(best["n_exposed"]), unit="respondents", n=int(best["n"])))
    return Finding("friction_cost", narrative.friction_sentence(effects), numbers=numbers, evidence=effects,
                   condition="a signal is named only when its 95 % interval lies wholly below zero")


def compute(data) -> FrictionResult:
    """Friction tables of the period's interactions."""
    from cxlib.analysis.journey import friction

    min_n = data.config.min_n
    tried = Attempts()
    effects = tried(friction.friction_association, data.interactions, data.customers, data.responses,
                    what="Friction and outcomes") if has_data(data, OUTCOMES.needs) else None
    repeated = tried(friction.repeated_info, data.interactions, min_n=min_n, what="Repeated information") \
        if has_data(data, REPEATED_INFO.needs) else None
    silent = tried(friction.silent_waits, data.interactions, min_n=min_n, what="Silent waits") \
        if has_data(data, SILENT_WAITS.needs) else None
    return FrictionResult(repeated=repeated, silent=silent, effects=effects, findings=(_finding(effects),),
                          notes=tried.notes)


def show(result: FrictionResult, audience: str) -> None:
    """The costliest signal, then the three friction tables."""
    from IPython.display import display

    from cxlib.present import narrative, tables

    display(narrative.findings_html(result.findings))
    display(tables.table(result.repeated, columns={"channel": "Channel", "n": "Contacts", "n_asked": "Asked again",
                                                   "rate": "Rate", "lift": "× average"},
                         formats={"rate": "frac1", "lift": "2"},
                         caption="Customers asked for information the company already held, by channel"))
    display(tables.table(result.silent, columns={"first_channel": "First channel", "n": "Cases", "n_silent": "Silent",
                                                 "rate": "Rate", "lift": "× average"},
                         formats={"rate": "frac1", "lift": "2"},
                         caption="Cases open for days without an update, by first channel"))
    display(tables.table(result.effects, columns={"signal": "Signal", "outcome": "Outcome", "n": "n",
                                                  "n_exposed": "Exposed", "effect_per_event": "Effect per event",
                                                  "effect_p": "p", "effect_type": "Unit"},
                         formats={"effect_per_event": "2", "effect_p": "p"},
                         ci={"effect_per_event": ("effect_ci_low", "effect_ci_high")},
                         caption="Friction and outcomes (per event)"))


SECTION = Section(
    id="friction", title="Friction along the journey", audiences=("analyst",),
    needs={"interactions": ()},
    unlock="An interaction log (one row per contact: interaction_id, customer_id, occurred_at, stage, channel, "
           "touchpoint) with case ids, wait times, updates sent and a 'customer had to repeat information' flag.",
    compute=compute, show=show, order=50, parts=(REPEATED_INFO, SILENT_WAITS, OUTCOMES),
)
