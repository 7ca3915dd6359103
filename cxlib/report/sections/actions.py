"""Three recommended actions, chosen from the numbers of the other sections.

The touchpoint that matters most and is rated poorly (key drivers), the widest significant gap
between promise and delivery (delivery gap), the costliest friction signal; then the most
damaging comment theme or the post-sale decay (:func:`cxlib.present.narrative.recommend_actions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cxlib.present.findings import Finding
from cxlib.report.sections.base import Section, SectionResult

__all__ = ["ActionsResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class ActionsResult(SectionResult):
    """The recommended ``actions`` (:class:`cxlib.present.narrative.Action`), in priority order."""

    actions: tuple = ()


def compute(data, *, drivers=None, delivery_gap=None, friction=None, voice=None, journey_curve=None) -> ActionsResult:
    """Pick the actions from the results of the sections named in the signature (None: that section had no data)."""
    from cxlib.present import narrative

    actions = narrative.recommend_actions(
        drivers=drivers.table if drivers is not None else None,
        gap=delivery_gap.table if delivery_gap is not None else None,
        friction=friction.effects if friction is not None else None,
        repeated_info=friction.repeated if friction is not None else None,
        themes=voice.impact if voice is not None else None,
        decay=journey_curve.decay if journey_curve is not None else None,
        sale_stage=data.config.sale_stage, labels=data.labels)
    findings = tuple(Finding("action", f"{a.title}. {a.detail}", condition=f"read from the {a.source.lower()} evidence")
                     for a in actions)
    return ActionsResult(actions=tuple(actions), findings=findings)


def show(result: ActionsResult, audience: str) -> None:
    """The numbered actions (or why there is none)."""
    from IPython.display import display

    from cxlib.present import narrative

    display(narrative.actions_html(list(result.actions)))


SECTION = Section(
    id="actions", title="Three recommended actions", audiences=("executive", "analyst"), needs={},
    unlock="", compute=compute, show=show, order=200,
    uses=("drivers", "delivery_gap", "friction", "voice", "journey_curve"),
)
