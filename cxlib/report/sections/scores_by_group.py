"""Scores by group: relationship NPS by segment and region with every pair of segments tested, and touchpoint ratings."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["ScoresByGroupResult", "SEGMENTS", "compute", "show", "SECTION"]

SEGMENTS = Part("Scores by segment and region", {"customers": ("segment",)},
                "A customer list with each customer's segment and region, and the customer behind each survey answer.")
_NPS_FORMATS = {"nps": "signed1", "pct_promoters": "pct1", "pct_detractors": "pct1"}


@dataclass(frozen=True, kw_only=True, eq=False)
class ScoresByGroupResult(SectionResult):
    """NPS ``by_segment`` and ``by_region``, the ``segment_pairs`` tests, and ``touchpoints`` (mean rating,
    with ``touchpoint_label``); ``with_segments`` is False when the client sent no CRM extract."""

    by_segment: pd.DataFrame | None = None
    by_region: pd.DataFrame | None = None
    segment_pairs: pd.DataFrame | None = None
    touchpoints: pd.DataFrame | None = None
    with_segments: bool = False


def compute(data) -> ScoresByGroupResult:
    """Group scores of the period's relationship survey (suppressed below the client's minimum)."""
    from cxlib.analysis import metrics
    from cxlib.present.tables import with_labels

    min_n = data.config.min_n
    tried = Attempts()
    with_segments = has_data(data, SEGMENTS.needs)
    by_segment = by_region = pairs = None
    if with_segments:
        by_segment = metrics.nps(data.relationship, by="segment", min_n=min_n)
        by_region = metrics.nps(data.relationship, by="region", min_n=min_n)
        pairs = tried(metrics.compare_groups, data.relationship, by="segment", min_n=min_n, what="Segment comparisons")
    scores = tried(metrics.touchpoint_scores, data.relationship, min_n=min_n, what="Touchpoint ratings")
    scores = with_labels(scores, data.labels, column="touchpoint") if scores is not None else None
    return ScoresByGroupResult(by_segment=by_segment, by_region=by_region, segment_pairs=pairs, touchpoints=scores,
                               with_segments=with_segments, notes=tried.notes)


def show(result: ScoresByGroupResult, audience: str) -> None:
    """The group tables."""
    from IPython.display import display

    from cxlib.present import tables
    from cxlib.present.formatting import label

    def named(frame, *columns):
        return frame.assign(**{c: frame[c].map(label) for c in columns}) if frame is not None else None

    if result.with_segments:
        display(tables.table(named(result.by_segment, "segment"), columns={"segment": "Segment", "n": "n", "nps": "NPS",
                                                         "pct_promoters": "Promoters", "pct_detractors": "Detractors"},
                             formats=_NPS_FORMATS, ci={"nps": ("ci_low", "ci_high")}, caption="Relationship NPS by segment"))
        display(tables.table(named(result.by_region, "region"), columns={"region": "Region", "n": "n", "nps": "NPS",
                                                        "pct_promoters": "Promoters", "pct_detractors": "Detractors"},
                             formats=_NPS_FORMATS, ci={"nps": ("ci_low", "ci_high")}, caption="Relationship NPS by region"))
        display(tables.table(named(result.segment_pairs, "segment_a", "segment_b"), columns={"segment_a": "Segment A", "segment_b": "Segment B",
                                                            "n_a": "n A", "n_b": "n B", "diff": "B − A",
                                                            "p_adjusted": "p (Holm)", "significant": "Significant"},
                             formats={"diff": "signed1", "p_adjusted": "p", "significant": "bool"},
                             ci={"diff": ("ci_low", "ci_high")}, caption="NPS differences between segments"))
    display(tables.table(result.touchpoints, columns={"touchpoint_label": "Touchpoint", "n": "n", "score": "Mean (1-5)"},
                         formats={"score": "2"}, ci={"score": ("ci_low", "ci_high")},
                         caption="Touchpoint ratings (relationship survey)"))


SECTION = Section(
    id="scores_by_group", title="Scores by group", audiences=("analyst",),
    needs={"responses": ("nps",)},
    unlock="A survey export with a likelihood-to-recommend (0-10) question.",
    compute=compute, show=show, order=70, parts=(SEGMENTS,),
)
