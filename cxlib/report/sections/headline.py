"""Headline: the answer first, then the cards.

Page 1 answers three questions in the language of the business, each sentence made of findings
checked against their own evidence (:mod:`cxlib.present.claims.answer`):

1. **What is wrong across the whole journey**: the share of customers whose journey broke
   somewhere (asked again, left without updates, unresolved, contacted again, handed over), and
   their outcome and churn against the rest (:mod:`cxlib.report.sections.breaks`). Without an
   interaction log: the costliest comment theme, else what matters most among the touchpoints.
2. **How sure we are**: the client's outcome with its interval and n, and whether it changed
   beyond chance.
3. **What to fix first and what it is worth**: the first recommended action, in outcome points,
   customers kept and money, each with its interval.

Then the cards (outcome, broken journeys, churn, delivery gap), each with its n and interval,
and the outcome by quarter on an axis through zero. Why broken journeys and not a 0-100 journey
index: ``docs/headline.md``. The outcome is a parameter (``data.outcome``: NPS by default).

The outcome is whatever the client measures (:attr:`cxlib.report.context.ReportData.outcome`):
NPS (or a further recommend question ``nps_<x>``), CSAT, a satisfied share, stars, a recommend
share or CES. The client's own overall score is always shown, even below the client's minimum
group size, with its (wide) interval and a low-base warning: the minimum protects groups inside
a client, and the trend and every breakdown still obey it. A client with only posts or reviews
gets their volume by source (and their stars or recommend share when they carry one).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Section, SectionResult, outcome_answers

__all__ = ["HeadlineResult", "outcome_score", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class HeadlineResult(SectionResult):
    """The outcome, its trend, the answer and the cards.

    Attributes
    ----------
    outcome : str
        The outcome reported (``nps`` …).
    score : DataFrame
        One row: ``n``, ``score``, ``ci_low``, ``ci_high`` (all answers of the period, whatever their number).
    nps : DataFrame
        :func:`cxlib.analysis.metrics.nps` of the period (NPS clients; None otherwise).
    trend : DataFrame
        The outcome by quarter (None when undated or too few answers).
    answer : tuple of Finding
        The three sentences of page 1 (those that hold).
    cards : tuple of Card
        The headline cards.
    churn : DataFrame
        One row: ``n``, ``churned``, ``rate``, ``ci_low``, ``ci_high`` (None without churn).
    volume : DataFrame
        Posts, reviews and complaints per ``source`` (``source, n``); None without mentions.
    """

    outcome: str = "nps"
    score: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    answer: tuple = ()
    cards: tuple = ()
    churn: pd.DataFrame | None = None
    volume: pd.DataFrame | None = None


#: Outcome -> (how the report names it, how its number is written).
_SHOWN = {"nps": ("NPS", "signed"), "csat": ("CSAT (share of 4-5 of 5)", "pct"), "satisfied": ("Share satisfied", "pct"),
          "stars": ("Average star rating (1-5)", "2"), "recommend": ("Share who would recommend", "pct"),
          "ces": ("Customer effort (1-7, 7 = very easy)", "2")}


def _label(outcome: str, table: str) -> str:
    if outcome.startswith("nps_"):
        return f"NPS ({outcome[4:].replace('_', ' ')})"
    label = _SHOWN[outcome][0]
    return f"Relationship {label}" if outcome == "nps" else (f"{label} of reviews" if table == "mentions" else label)


def _written(outcome: str, value) -> str:
    from cxlib.present.formatting import decimal, percent, signed

    how = "signed" if outcome.startswith("nps") else _SHOWN[outcome][1]
    return signed(value) if how == "signed" else percent(value) if how == "pct" else decimal(value, 2)


def outcome_score(frame: pd.DataFrame, outcome: str, *, min_n: int, table: str = "responses") -> pd.DataFrame:
    """The client's overall score on ``outcome`` with its 95 % interval, whatever its number of answers.

    Parameters
    ----------
    frame : DataFrame
        Responses (or mentions, for stars and recommend) with the outcome column.
    outcome : str
        An outcome of :data:`cxlib.schema.OUTCOMES` or a further NPS question ``nps_<x>``.
    min_n : int
        The client's minimum group size: below it ``low_base`` is True (the score is still given).
    table : str
        Where the answers come from (names the score).

    Returns
    -------
    DataFrame
        One row: ``outcome``, ``label``, ``unit``, ``n``, ``score``, ``ci_low``, ``ci_high``, ``low_base``,
        ``text`` (the score as written). Units: NPS points (-100..100) for NPS, percent for CSAT
        (top-2-box) and the shares, scale points for stars and CES.

    Notes
    -----
    NPS: %9-10 - %0-6, adjusted-Wald interval (:func:`cxlib.analysis.metrics.nps`); CSAT: Wilson
    interval of the top-2-box share; satisfied and recommend: Wilson interval of the share of yes
    (:func:`cxlib.analysis.stats.proportion_interval`); stars and CES: Student-t interval of the mean.
    """
    from cxlib.analysis import metrics, stats
    from cxlib.schema import OUTCOMES

    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else OUTCOMES["nps"].unit
    if outcome == "nps" or outcome.startswith("nps_"):
        row = metrics.nps(frame.assign(nps=frame[outcome]), min_n=1).iloc[0]
        n, value, low, high = int(row["n"]), row["nps"], row["ci_low"], row["ci_high"]
    elif outcome in ("satisfied", "recommend"):
        x = frame[outcome].dropna().astype(bool)
        n = int(len(x))
        value = 100 * float(x.mean()) if n else float("nan")
        lo, hi = stats.proportion_interval([int(x.sum())], [n])
        low, high = 100 * float(lo[0]), 100 * float(hi[0])
    else:
        stat = "top2_box" if outcome == "csat" else "mean"
        row = metrics.score_table(frame, metric=outcome, stat=stat, min_n=1).iloc[0]
        n, value, low, high = int(row["n"]), row["score"], row["ci_low"], row["ci_high"]
    return pd.DataFrame([{"outcome": outcome, "label": _label(outcome, table), "unit": unit, "n": n,
                          "score": float(value), "ci_low": float(low), "ci_high": float(high),
                          "low_base": bool(n < min_n), "text": _written(outcome, value)}])


def _source(data, outcome: str | None) -> tuple[pd.DataFrame | None, str]:
    """The answers the outcome is read from: relationship answers when they have it, all answers, or the posts."""
    for frame, table in ((data.relationship, "responses"), (data.responses, "responses"), (data.mentions, "mentions")):
        if outcome and frame is not None and outcome in frame and frame[outcome].notna().any():
            return frame, table
    return None, ""


def _volume(mentions: pd.DataFrame | None) -> pd.DataFrame | None:
    if mentions is None:
        return None
    counts = mentions["source"].astype("string").fillna("unknown").value_counts()
    return pd.DataFrame({"source": counts.index.astype(str), "n": counts.to_numpy(dtype="int64")})


def _row(frame: pd.DataFrame | None) -> dict[str, Any]:
    return frame.iloc[0].to_dict() if frame is not None and len(frame) else {}


def _ci(row: dict[str, Any], low: str = "ci_low", high: str = "ci_high") -> tuple[float, float] | None:
    return (float(row[low]), float(row[high])) if low in row and high in row else None


def _volume_finding(volume: pd.DataFrame | None, period: str) -> Finding | None:
    from cxlib.present.formatting import count
    from cxlib.report.sections.social import source_label

    if volume is None or not len(volume):
        return None
    total = int(volume["n"].sum())
    by = ", ".join(f"{source_label(row.source)} {count(row.n)}" for row in volume.head(4).itertuples())
    return Finding("volume", f"{count(total)} posts, reviews or complaints{', ' + period if period else ''} ({by}).",
                   numbers=(Cited("Posts, reviews and complaints", float(total), unit="posts", n=total),),
                   evidence=volume)


def _churn(friction, customers) -> pd.DataFrame | None:
    from cxlib.analysis import stats

    if friction is not None and friction.churn is not None and len(friction.churn):
        row = friction.churn[friction.churn["key"] == "any"]
        n, churned = (int(row["n"].iloc[0]), int(row["churned_affected"].iloc[0] + row["churned_rest"].iloc[0])) \
            if len(row) else (0, 0)
    elif customers is not None and "churned" in customers and customers["churned"].notna().any():
        flags = customers["churned"].dropna().astype(bool)
        n, churned = len(flags), int(flags.sum())
    else:
        return None
    if not n:
        return None
    low, high = stats.proportion_interval([churned], [n])
    return pd.DataFrame([{"n": n, "churned": churned, "rate": 100 * churned / n, "ci_low": 100 * float(low[0]),
                          "ci_high": 100 * float(high[0])}])


def _cards(level, share, churn, gap, outcome: str) -> tuple:
    from cxlib.present.claims.scores import measure
    from cxlib.present.formatting import count, format_value, interval
    from cxlib.present.narrative import Card

    m = measure(outcome)
    cards = []
    if level is not None and level.holds and level.kind == "outcome_level":  # a bare count is not a score card
        c = level.numbers[0]
        cards.append(Card(c.label, format_value(c.value, m.fmt), f"{interval(*c.ci, m.fmt)} · {count(c.n)} {c.n_unit}"))
    if share is not None and share.holds:
        c = share.numbers[0]
        cards.append(Card("Journeys that broke", format_value(c.value, "pct0"),
                          f"{interval(*c.ci, 'pct0')} · {count(c.n)} customers"))
    if churn is not None:
        r = churn.iloc[0]
        cards.append(Card("Customers who left", format_value(r["rate"], "pct0"),
                          f"{interval(r['ci_low'], r['ci_high'], 'pct0')} · {count(r['churned'])} of {count(r['n'])}"))
    if gap is not None and gap.holds:
        comp, cust = gap.numbers
        cards.append(Card("Rated 5/5: expected vs given", f"{format_value(comp.value, 'pct0')} vs "
                                                          f"{format_value(cust.value, 'pct0')}",
                          f"customers {interval(*cust.ci, 'pct0')} · {count(cust.n)} ratings"))
    return tuple(cards)


def _answer(level, trend, share, gap_with, theme, driver, first, alternative: str) -> tuple:
    from cxlib.present.claims.answer import answer_sentence

    if share is not None and share.holds:
        wrong = answer_sentence("wrong", [share, gap_with], lead="Across the whole journey,")
    else:
        pick = next((f for f in (theme, driver) if f is not None and f.holds), None)
        wrong = answer_sentence("wrong", [pick])
    sure = answer_sentence("sure", [level, trend])
    fix = answer_sentence("first", [first], lead="First,") if first is not None else None
    if fix is None or not fix.holds:
        from cxlib.present.findings import Finding

        fix = Finding("answer", "", holds=False, subject="first", alternative=alternative)
    return tuple(f for f in (wrong, sure, fix) if f.said)


def compute(data, *, friction=None, delivery_gap=None, actions=None, voice=None, drivers=None) -> HeadlineResult:
    """The outcome and its trend; the answer and the cards from the results of the sections it uses."""
    from dataclasses import replace

    from cxlib.analysis import metrics
    from cxlib.present.claims import scores
    from cxlib.report.sections.base import Note

    cfg = data.config
    tried = Attempts()
    outcome, answers = outcome_answers(data)
    table = "responses"
    if answers is None:  # reviews with stars or a recommend flag, and no survey that answers the outcome
        answers, table = _source(data, outcome)
    score = outcome_score(answers, outcome, min_n=cfg.min_n, table=table) if answers is not None else None
    level = scores.outcome_level(score.iloc[0].to_dict(), outcome=outcome, min_n=cfg.min_n,
                                 **({"n_unit": "reviews", "label": str(score["label"].iloc[0])} if table == "mentions"
                                    else {})) if score is not None else None
    dated = answers is not None and table == "responses" and "answered_at" in answers \
        and answers["answered_at"].notna().any()
    is_nps = answers is not None and (outcome == "nps" or outcome.startswith("nps_"))
    as_nps = answers.assign(nps=answers[outcome]) if is_nps else None
    nps = metrics.nps(as_nps, min_n=1) if is_nps else None  # the client's own score: always given
    trend = tried(metrics.trend, as_nps, period="quarter", min_n=cfg.min_n, what="Trend by quarter") \
        if is_nps and dated else None
    extra = []
    if score is not None and bool(score["low_base"].iloc[0]):
        extra.append(Note(f"Low base: only {int(score['n'].iloc[0]):,} answers, fewer than the client's minimum of "
                          f"{cfg.min_n} for a group. The overall score is shown with its interval, which is wide: read "
                          "it as indicative. Groups inside the survey stay hidden below the minimum."))
    if answers is not None and table == "responses" and not dated:
        extra.append(Note("The survey export has no dates: this report is undated and shows no trend."))
    volume = _volume(data.mentions)
    volume_f = _volume_finding(volume, data.period)
    trend_f = scores.outcome_trend(trend, outcome=outcome) if trend is not None else None
    friction_f = {f.kind: f for f in friction.findings} if friction is not None else {}
    churn = _churn(friction, data.customers)
    gap_f = delivery_gap.findings[0] if delivery_gap is not None and delivery_gap.findings else None
    first = actions.findings[0] if actions is not None and actions.findings else None
    if first is not None and actions.actions:
        a = actions.actions[0]
        owner = f" (owner: {a.owner.split(' (')[0]})" if a.owner else ""
        first = replace(first, text=f"{a.title[:1].lower()}{a.title[1:]}{owner}: {a.worth[:1].lower()}{a.worth[1:]}")
    answer = _answer(level, trend_f, friction_f.get("broken_share"), friction_f.get("break_gap"),
                     voice.finding("theme_cost") if voice is not None else None,
                     drivers.finding("driver_top") if drivers is not None else None, first,
                     alternative="No single problem in this period's data goes with a lower score beyond chance, so "
                                 "nothing is singled out to fix first.")
    counted = None
    if score is None and data.responses is not None and len(data.responses):
        n = len(data.responses)
        counted = Finding("responses", f"{n:,} survey response{'s' * (n != 1)}{', ' + data.period if data.period else ''};"
                                       " the survey asks no score to report.", evidence=pd.DataFrame({"n": [n]}),
                          numbers=(Cited("Survey responses", float(n), unit="respondents", n=n),))
    if score is None:  # nothing to score: the answer says what the client sent
        answer = (*answer, *(f for f in (counted, volume_f) if f is not None))
    findings = tuple(f for f in (level, counted, trend_f, volume_f) if f is not None)
    cards = _cards(level, friction_f.get("broken_share"), churn, gap_f, outcome)
    if volume is not None and len(volume) and score is None:
        from cxlib.present.narrative import Card
        from cxlib.report.sections.social import source_label

        cards = (*cards, Card("Posts, reviews and complaints", f"{int(volume['n'].sum()):,}",
                              f"{int(volume['n'].sum()):,} posts · " + ", ".join(
                                  f"{source_label(x.source)} {int(x.n):,}" for x in volume.head(3).itertuples())))
    return HeadlineResult(outcome=outcome, score=score, nps=nps, trend=trend, answer=answer, churn=churn,
                          cards=cards, volume=volume, findings=findings, notes=(*extra, *tried.notes))


def show(result: HeadlineResult, audience: str) -> None:
    """The answer, the cards and the outcome by quarter; for analysts the quarterly table too."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.present.claims.scores import measure
    from cxlib.report.audiences import detailed

    m = measure(result.outcome)
    display(narrative.answer_html(result.answer, audience=audience))
    display(narrative.cards_html(result.cards))
    if result.trend is not None:
        trend = result.finding("outcome_trend")
        shown = result.trend[~result.trend["suppressed"].astype("boolean").fillna(False).to_numpy(bool)]
        if len(shown) >= 2:
            charts.show(charts.trend_chart(shown, x="quarter", y="nps", ylabel=m.label,
                                           title=f"{m.label} by quarter (95 % interval)",
                                           note="No change from one quarter to the next is beyond chance."
                                           if trend is not None and not trend.params.get("changes") else None))
    if detailed(audience):
        display(narrative.findings_html(result.findings, audience=audience))
        display(tables.table(
            result.trend, columns={"quarter": "Quarter", "n": "n", "nps": "NPS", "pct_promoters": "Promoters",
                                   "pct_detractors": "Detractors", "change": "Change", "p_adjusted": "p (Holm)"},
            formats={"nps": "signed1", "pct_promoters": "pct1", "pct_detractors": "pct1", "change": "signed1",
                     "p_adjusted": "p"},
            ci={"nps": ("ci_low", "ci_high")}, caption=f"{m.label} by quarter",
            note="Change: against the previous quarter; p-values Holm-adjusted across quarters."))


SECTION = Section(
    id="headline", title="The answer in brief", audiences=("executive", "analyst"),
    needs={"responses|mentions": ()},
    unlock="A survey export (with a score: likelihood to recommend, satisfaction, stars, a recommend yes/no) or "
           "social posts and reviews.",
    compute=compute, show=show, order=10, uses=("friction", "delivery_gap", "actions", "voice", "drivers"),
)
