"""Voice of the customer: what customers write about, how often, what it goes with, and quotes that illustrate it.

Shares of comments have one denominator, every coded comment of the period (the chart, the table
and the sentences agree). The outcome of the respondents who raise a theme is set against all
other respondents (:func:`cxlib.report.sections.contrasts.outcome_contrast`): "with" and
"without" add up to the headline score and the difference is with minus without. The theme
raised most is always discussed; the theme that costs most is named only when its cost is beyond
chance. Quotes are curated (:func:`cxlib.present.quotes.curate`) and sit under the finding they
illustrate, from its theme.

A client whose survey has no comment question, or who sent only posts or reviews, gets those
texts coded instead (their shares and quotes; no outcome then: posts carry none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data, outcome_answers

__all__ = ["VoiceResult", "BY_SEGMENT", "compute", "show", "SECTION"]

BY_SEGMENT = Part("Theme frequency by segment", {"customers": ("segment",)},
                  "A customer list with each customer's segment, and the customer behind each survey answer.")


@dataclass(frozen=True, kw_only=True, eq=False)
class VoiceResult(SectionResult):
    """Themes and quotes.

    Attributes
    ----------
    frequency : DataFrame
        Per theme: ``n`` (coded comments), ``n_mentions``, ``pct`` with Wilson ``pct_low``/``pct_high``.
    contrast : DataFrame
        :func:`~cxlib.report.sections.contrasts.outcome_contrast` by theme (``key`` = theme), with ``label``.
    by_segment : DataFrame
        Theme frequency by segment (analysts).
    quotes_by_finding : dict
        Finding kind -> curated quotes of its theme (shown under it).
    quotes : DataFrame
        One curated quote per theme with enough comments (analysts).
    """

    frequency: pd.DataFrame | None = None
    contrast: pd.DataFrame | None = None
    by_segment: pd.DataFrame | None = None
    quotes_by_finding: dict = field(default_factory=dict)
    quotes: pd.DataFrame | None = None
    with_segments: bool = False
    outcome_key: str = "nps"
    source: str = "survey comments"
    n_respondents: int = 0
    score: float = float("nan")


def _with_interval(frequency: pd.DataFrame | None) -> pd.DataFrame | None:
    from cxlib.analysis import stats

    if frequency is None:
        return None
    low, high = stats.proportion_interval(frequency["n_mentions"].astype("float64"), frequency["n"].astype("float64"))
    return frequency.assign(pct_low=100 * low, pct_high=100 * high)


def _contrast(coded: pd.DataFrame, answers: pd.DataFrame, frequency: pd.DataFrame, outcome: str, min_n: int):
    from cxlib.report.sections.contrasts import outcome_contrast

    distinct = coded.drop_duplicates(["comment_ref", "theme"])
    refs = dict(iter(distinct.groupby("theme", observed=True)["comment_ref"]))  # each theme's comments, as strings
    ids = answers["response_id"].astype("string")
    themes = [t for t in frequency["theme"] if t in refs]
    groups = {t: pd.Series(among(ids, refs[t]), index=ids.index) for t in themes}
    table = outcome_contrast(answers, groups, outcome=outcome, min_n=min_n)
    labels = dict(zip(frequency["theme"], frequency["label"]))
    return table.assign(label=table["key"].map(labels))


def _directions(contrast: pd.DataFrame | None) -> dict[str, str]:
    """Theme -> "negative"/"positive" where its respondents score lower/higher than the rest beyond chance."""
    from cxlib.present.claims.journey import direction

    if contrast is None:
        return {}
    out = {}
    for _, r in contrast[~contrast["suppressed"].astype(bool)].iterrows():
        sign = direction(r["diff_low"], r["diff_high"])
        if sign:
            out[str(r["key"])] = "negative" if sign < 0 else "positive"
    return out


def compute(data, journey_map=None) -> VoiceResult:
    """Code the period's comments with the client's codebook (the starter codebook without one) and summarise them."""
    from cxlib import text
    from cxlib.present import quotes as q
    from cxlib.present.claims import voice as claims
    from cxlib.text.codebook import UNCODED

    cfg = data.config
    codebook = data.codebook()
    tried = Attempts()
    survey = has_data(data, {"responses": ("comment",)})
    source = data.responses if survey else data.mentions
    coded = data.coded_comments() if survey else text.code_comments(source, codebook)
    if survey:
        context = text.comment_context(data.responses, customers=data.customers, interactions=data.interactions)
    else:
        context = pd.DataFrame({"comment_ref": source["mention_id"].astype("string")})
    frequency = _with_interval(tried(text.theme_frequency, coded, context, codebook=codebook, min_n=cfg.min_n,
                                     what="Theme frequency"))
    outcome, answers = outcome_answers(data)
    contrast = None
    if survey and answers is not None and frequency is not None and "response_id" in answers:
        contrast = _contrast(coded, answers, frequency, outcome, cfg.min_n)
    labels = dict(zip(frequency["theme"], frequency["label"])) if frequency is not None else {}
    cost = claims.theme_cost(contrast, labels=labels, outcome=outcome) if contrast is not None else None
    top = claims.theme_top(frequency, contrast, outcome=outcome, costliest=cost)
    if cost is not None and top.params.get("also_costliest"):
        cost = None
    findings = tuple(f for f in (top, cost) if f is not None)
    directions = _directions(contrast)
    mentions = data.comment_mentions() if survey else text.mention_sentiment(coded, source)
    mentions = mentions[mentions["theme"] != UNCODED]
    words = q.vocabulary(source["comment" if survey else "text"].dropna().astype("string"))
    polarity = {t.id: t.polarity for t in codebook.themes}
    # a comment the journey map (shown earlier) already quotes is not quoted again here
    earlier = getattr(journey_map, "quotes", None)
    used: set = set(earlier["comment_ref"].dropna()) if earlier is not None and "comment_ref" in earlier else set()
    by_finding: dict = {}
    for f in findings:
        if not f.holds or not f.subject:
            continue
        cand = tried(text.select_quotes, coded, source, mentions=mentions, codebook=codebook,
                     min_n_quotes=cfg.min_n_quotes, themes=[f.subject], kinds=("negative", "typical", "positive"),
                     per_kind=8, what="Quotes")
        want = "negative" if f.kind == "theme_cost" else directions.get(f.subject)
        by_finding[f.kind] = q.curate(cand, coded=coded, words=words, want=want, per_theme=2 if f.kind == "theme_cost"
                                      else 1, themes=[f.subject], used=used, polarity=polarity)
    all_quotes = tried(text.select_quotes, coded, source, mentions=mentions, codebook=codebook,
                       min_n_quotes=cfg.min_n_quotes, kinds=("typical", "negative", "positive"), per_kind=4,
                       what="Quotes")
    order = list(frequency.sort_values("n_mentions", ascending=False)["theme"]) if frequency is not None else None
    quotes = pd.concat([q.curate(all_quotes, coded=coded, words=words, per_theme=1, themes=[t], used=used,
                                 polarity=polarity) for t in order or []], ignore_index=True) if order else None
    with_segments = survey and has_data(data, BY_SEGMENT.needs)
    by_segment = tried(text.theme_frequency, coded, context, by="segment", codebook=codebook, min_n=cfg.min_n,
                       what="Theme frequency by segment") if with_segments else None
    n_resp = int(contrast["n"].iloc[0]) if contrast is not None and len(contrast) else 0
    score = float(contrast["score"].iloc[0]) if contrast is not None and len(contrast) else float("nan")
    return VoiceResult(frequency=frequency, contrast=contrast, by_segment=by_segment, quotes_by_finding=by_finding,
                       quotes=quotes, with_segments=with_segments, findings=findings, notes=tried.notes,
                       outcome_key=outcome, source="survey comments" if survey else "posts and reviews",
                       n_respondents=n_resp, score=score)


def show(result: VoiceResult, audience: str) -> None:
    """The theme chart, each finding with the quotes of its theme; for analysts the theme tables and more quotes."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.present.claims.scores import measure
    from cxlib.present.formatting import format_value, label
    from cxlib.report.audiences import detailed

    freq = result.frequency
    if freq is not None and len(freq):
        shown = freq[~freq["suppressed"].astype("boolean").fillna(False).to_numpy(bool)]
        shown = shown.sort_values("pct", ascending=False).head(8)
        cost = result.finding("theme_cost")
        chart = shown.assign(costly=shown["theme"] == (cost.subject if cost is not None and cost.holds else None))
        charts.show(charts.bar_chart(chart, x="pct", y="label", low="pct_low", high="pct_high", highlight="costly",
                                     xlabel=f"% of {result.source} (95 % interval)",
                                     title="What customers write about most", zero_line=False))
    for f in result.findings:  # each finding with the quotes of its theme, as one block (kept together in print)
        said = narrative.findings_html([f], audience=audience).html
        quotes = narrative.quotes_html(result.quotes_by_finding.get(f.kind), kind="tone").html
        if said:
            display(narrative.Block(f'<div class="cx-keep">{said}{quotes}</div>'))
    if not detailed(audience):
        return
    m = measure(result.outcome_key)
    display(tables.table(freq, columns={"label": "Theme", "n_mentions": "Comments", "pct": "Share of comments"},
                         formats={"pct": "pct1"}, ci={"pct": ("pct_low", "pct_high")},
                         caption=f"Comment themes (share of all {format_value(freq['n'].max(), 'int')} coded comments)"
                         if freq is not None and len(freq) else "Comment themes", max_rows=12))
    if result.contrast is not None:
        c = result.contrast.sort_values("diff", kind="stable")
        display(tables.table(c, columns={"label": "Theme", "n_affected": "Respondents raising it",
                                         "score_affected": f"{m.name} with", "score_rest": f"{m.name} without",
                                         "diff": "Difference", "p_adjusted": "p (Holm)"},
                             formats={"score_affected": "signed0", "score_rest": "signed0", "diff": "signed1",
                                      "p_adjusted": "p"},
                             ci={"score_affected": ("score_affected_low", "score_affected_high"),
                                 "score_rest": ("score_rest_low", "score_rest_high"), "diff": ("diff_low", "diff_high")},
                             caption=f"Comment themes and {m.name}", max_rows=12,
                             note=f"With: respondents whose comment raises the theme; without: every other respondent "
                                  f"({format_value(result.n_respondents, 'int')} in all), so with and without add up to "
                                  f"the headline {m.name} of {format_value(result.score, m.fmt)}. Difference: with "
                                  "minus without (Welch's t on the coded answers, Holm-adjusted across themes)."))
    display(narrative.quotes_html(result.quotes, kind="tone"))
    if result.with_segments and result.by_segment is not None:
        seg = result.by_segment.assign(segment_label=result.by_segment["segment"].map(label))
        display(tables.table(seg, columns={"segment_label": "Segment", "label": "Theme", "n": "Comments",
                                           "n_mentions": "Mentions", "pct": "Share"},
                             formats={"pct": "pct1"}, caption="Theme frequency by segment", max_rows=20))


SECTION = Section(
    id="voice", title="Voice of the customer", audiences=("executive", "analyst"),
    needs={"responses|mentions": ("comment|text",)},
    unlock="An open comment question in the survey export, or social posts, reviews or complaints.",
    compute=compute, show=show, order=60, parts=(BY_SEGMENT,), uses=("journey_map",),
)
