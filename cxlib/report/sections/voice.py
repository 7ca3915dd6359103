"""Voice of the customer: what customers write about, how often, what it costs in NPS, and redacted quotes.

The survey's comments are coded; a client whose survey has no comment question, or who sent only
posts, reviews or complaints (mentions), gets their texts coded instead (no cost in NPS then:
posts carry no NPS).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["VoiceResult", "BY_SEGMENT", "compute", "show", "SECTION"]

BY_SEGMENT = Part("Theme frequency by segment", {"customers": ("segment",)},
                  "A CRM extract (customers: customer_id, segment) and the customer id in the survey export.")


@dataclass(frozen=True, kw_only=True, eq=False)
class VoiceResult(SectionResult):
    """Theme ``frequency`` (all comments), theme ``impact`` on NPS, ``by_segment`` frequency, and two quote
    sets: ``quotes_negative`` (negative quotes from the themes most damaging to NPS) and ``quotes`` (every kind)."""

    frequency: pd.DataFrame | None = None
    impact: pd.DataFrame | None = None
    by_segment: pd.DataFrame | None = None
    quotes_negative: pd.DataFrame | None = None
    quotes: pd.DataFrame | None = None
    with_segments: bool = False


def _finding(impact: pd.DataFrame | None) -> Finding:
    from cxlib.present import narrative

    numbers: tuple[Cited, ...] = ()
    if impact is not None:
        rows = impact[~impact["suppressed"].fillna(False).astype(bool)] if "suppressed" in impact else impact
        rows = rows[rows["ci_high"].astype("float64") < 0]
        if len(rows):
            top = rows.sort_values("coef").iloc[0]
            numbers = (Cited(f"NPS difference with “{top['label']}”", float(top["coef"]), unit="NPS points",
                             n=int(top["n_mentions"]), n_unit="comments", ci=(float(top["ci_low"]), float(top["ci_high"]))),
                       Cited(f"Share of comments on “{top['label']}”", float(top["pct_comments"]), unit="% of comments",
                             n=int(top["n_mentions"]), n_unit="comments"))
    return Finding("theme_cost", narrative.theme_sentence(impact), numbers=numbers, evidence=impact,
                   condition="a theme is named only when its 95 % interval lies wholly below zero")


def compute(data) -> VoiceResult:
    """Code the period's comments with the client's codebook (the starter codebook without one) and summarise them."""
    from cxlib import text
    from cxlib.present import narrative

    cfg = data.config
    path = data.ws.codebook_path
    codebook = text.load_codebook(path) if path and path.exists() else text.starter_codebook()
    tried = Attempts()
    survey = has_data(data, {"responses": ("comment",)})
    source = data.responses if survey else data.mentions
    coded = text.code_comments(source, codebook)
    if survey:
        context = text.comment_context(data.responses, customers=data.customers, interactions=data.interactions)
    else:
        context = pd.DataFrame({"comment_ref": source["mention_id"].astype("string")})
    frequency = tried(text.theme_frequency, coded, context, codebook=codebook, min_n=cfg.min_n, what="Theme frequency")
    impact = tried(text.theme_impact, coded, data.responses, codebook=codebook, min_n=cfg.min_n,
                   what="Theme impact") if survey and has_data(data, {"responses": ("nps",)}) else None
    impact_table = impact.table if impact is not None else None
    negative = tried(text.select_quotes, coded, source, codebook=codebook, min_n_quotes=cfg.min_n_quotes,
                     kinds=("negative",), themes=narrative.quote_themes(impact_table, min_n_quotes=cfg.min_n_quotes)
                     if impact_table is not None else None,
                     what="Quotes", audiences=("executive",))
    quotes = tried(text.select_quotes, coded, source, codebook=codebook, min_n_quotes=cfg.min_n_quotes,
                   what="Quotes", audiences=("analyst",))
    with_segments = survey and has_data(data, BY_SEGMENT.needs)
    by_segment = tried(text.theme_frequency, coded, context, by="segment", codebook=codebook, min_n=cfg.min_n,
                       what="Theme frequency by segment", audiences=("analyst",)) if with_segments else None
    return VoiceResult(frequency=frequency, impact=impact_table, by_segment=by_segment, quotes_negative=negative,
                       quotes=quotes, with_segments=with_segments, findings=(_finding(impact_table),),
                       notes=tried.notes)


def show(result: VoiceResult, audience: str) -> None:
    """The costliest theme, the theme chart and quotes; for analysts every kind of quote and the theme tables."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    full = detailed(audience)
    display(narrative.findings_html(result.findings))
    if result.frequency is not None:
        charts.show(charts.bar_chart(result.frequency.sort_values("pct", ascending=False).head(8), x="pct", y="label",
                                     xlabel="% of comments", title="Most frequent comment themes", zero_line=False))
    display(narrative.quotes_html(result.quotes if full else result.quotes_negative))
    if not full:
        return
    display(tables.table(result.impact, columns={"label": "Theme", "n_mentions": "Comments",
                                                 "pct_comments": "% of comments", "coef": "NPS difference",
                                                 "p_value": "p", "nps_with": "NPS with", "nps_without": "NPS without"},
                         formats={"pct_comments": "pct1", "coef": "signed1", "p_value": "p", "nps_with": "signed0",
                                  "nps_without": "signed0"},
                         ci={"coef": ("ci_low", "ci_high")}, caption="Comment themes and NPS"))
    if result.with_segments:
        display(tables.table(result.by_segment, columns={"segment": "Segment", "label": "Theme", "n": "Comments",
                                                         "n_mentions": "Mentions", "pct": "%"},
                             formats={"pct": "pct1"}, caption="Theme frequency by segment", max_rows=40))


SECTION = Section(
    id="voice", title="Voice of the customer", audiences=("executive", "analyst"),
    needs={"responses|mentions": ("comment|text",)},
    unlock="An open comment question in the survey export, or social posts, reviews or complaints.",
    compute=compute, show=show, order=60, parts=(BY_SEGMENT,),
)
