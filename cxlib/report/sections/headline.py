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
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult, outcome_answers

__all__ = ["HeadlineResult", "compute", "show", "SECTION"]


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
    """

    outcome: str = "nps"
    score: pd.DataFrame | None = None
    nps: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    answer: tuple = ()
    cards: tuple = ()
    churn: pd.DataFrame | None = None


def _score(answers: pd.DataFrame, outcome: str) -> pd.DataFrame:
    from cxlib.analysis import metrics
    from cxlib.report.sections.contrasts import coded, score_interval

    if outcome == "nps":
        r = metrics.nps(answers, min_n=1).iloc[0]
        return pd.DataFrame([{"n": int(r["n"]), "score": float(r["nps"]), "ci_low": float(r["ci_low"]),
                              "ci_high": float(r["ci_high"])}])
    x = coded(answers[outcome], outcome).dropna().to_numpy(float)
    low, high = score_interval(x, outcome)
    return pd.DataFrame([{"n": len(x), "score": float(x.mean()) if len(x) else float("nan"), "ci_low": low,
                          "ci_high": high}])


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
    if level is not None and level.holds:
        c = level.numbers[0]
        cards.append(Card(m.label, format_value(c.value, m.fmt), f"{interval(*c.ci, m.fmt)} · {count(c.n)} respondents"))
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

    cfg = data.config
    tried = Attempts()
    outcome, answers = outcome_answers(data)
    score = _score(answers, outcome) if answers is not None else None
    level = scores.outcome_level(score.iloc[0].to_dict(), outcome=outcome, min_n=cfg.min_n) if score is not None else None
    dated = answers is not None and "answered_at" in answers and answers["answered_at"].notna().any()
    nps = metrics.nps(answers, min_n=cfg.min_n) if outcome == "nps" and answers is not None else None
    trend = tried(metrics.trend, answers, period="quarter", min_n=cfg.min_n, what="Trend by quarter") \
        if outcome == "nps" and dated else None
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
    findings = tuple(f for f in (level, trend_f) if f is not None)
    return HeadlineResult(outcome=outcome, score=score, nps=nps, trend=trend, answer=answer, churn=churn,
                          cards=_cards(level, friction_f.get("broken_share"), churn, gap_f, outcome),
                          findings=findings, notes=tried.notes)


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
    needs={"responses": ("nps",)},
    unlock="A survey export with a likelihood-to-recommend (0-10) question.",
    compute=compute, show=show, order=10, uses=("friction", "delivery_gap", "actions", "voice", "drivers"),
)
