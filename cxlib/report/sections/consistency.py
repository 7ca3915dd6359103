"""Consistency across channels: the same touchpoint rated on one channel against all other channels."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["ConsistencyResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class ConsistencyResult(SectionResult):
    """``channel_gaps``: per touchpoint and channel, the mean rating against the other channels (with ``touchpoint_label``)."""

    channel_gaps: pd.DataFrame | None = None


def compute(data) -> ConsistencyResult:
    """Channel gaps of the period's rated interactions (Welch's t, Holm-adjusted)."""
    from cxlib.analysis.journey import consistency
    from cxlib.present.tables import with_labels

    tried = Attempts()
    gaps = tried(consistency.channel_gaps, data.interactions, data.responses, min_n=data.config.min_n,
                 what="Channel gaps")
    gaps = with_labels(gaps, data.labels, column="touchpoint") if gaps is not None else None
    return ConsistencyResult(channel_gaps=gaps, notes=tried.notes)


def show(result: ConsistencyResult, audience: str) -> None:
    """The channel-gap table (largest first, as the analysis orders it)."""
    from IPython.display import display

    from cxlib.present import tables
    from cxlib.present.formatting import label

    gaps = result.channel_gaps.assign(channel=result.channel_gaps["channel"].map(label)) \
        if result.channel_gaps is not None else None
    display(tables.table(gaps, columns={"touchpoint_label": "Touchpoint", "channel": "Channel", "n": "n",
                                                       "mean": "Mean", "mean_other": "Other channels", "gap": "Gap",
                                                       "p_adjusted": "p (Holm)"},
                         formats={"mean": "2", "mean_other": "2", "gap": "2", "p_adjusted": "p"},
                         ci={"gap": ("ci_low", "ci_high")}, caption="Channel gaps by touchpoint", max_rows=15))


SECTION = Section(
    id="consistency", title="Consistency across channels", audiences=("analyst",),
    needs={"interactions": ("channel",)},
    unlock="The channel of each contact in the interaction log, and survey answers that say which contact they rate.",
    compute=compute, show=show, order=80,
)
