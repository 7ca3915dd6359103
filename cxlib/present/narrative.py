"""Report text as HTML blocks: findings, the answer, cards, actions, quotes and notes, always escaped.

The sentences themselves are findings (:mod:`cxlib.present.findings`) written by the claim
builders (:mod:`cxlib.present.claims`), each checked against its evidence; this module only lays
them out. Every ``*_html`` function escapes what it is given: customer text and client names may
hold markup.

The short sentence functions (:func:`nps_sentence`, :func:`trend_sentence`, :func:`decay_sentence`,
:func:`driver_sentence`, :func:`gap_sentence`, :func:`theme_sentence`) are kept for notebooks that
call them; they return what the claim builders say.

Examples
--------
>>> nps_sentence({"nps": -39.7, "ci_low": -44.6, "ci_high": -34.4, "n": 718, "suppressed": False})
'Relationship NPS is −40 (95 % CI −45 to −34; 718 respondents).'
>>> findings_html(["<b>not bold</b>"]).html
'<ul class="cx-findings"><li>&lt;b&gt;not bold&lt;/b&gt;</li></ul>'
"""

from __future__ import annotations

import contextlib
import contextvars
import html as _html
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from cxlib.present.claims.actions import Action
from cxlib.present.findings import Finding, said_to
from cxlib.present.formatting import count, format_value, interval, signed

__all__ = [
    "Block", "Action", "Card", "signed", "nps_sentence", "trend_sentence", "index_sentence", "decay_sentence",
    "driver_sentence", "gap_sentence", "theme_sentence", "kpi_cards", "cards_html", "headline_cards", "answer_html",
    "findings_html", "actions_html", "quotes_html", "quoting", "note_html", "paragraph_html",
]

_E = _html.escape


@dataclass(frozen=True)
class Block:
    """A piece of escaped report HTML that displays itself in Jupyter."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class Card:
    """One headline card: what it measures, the value, and its n and interval in small print."""

    label: str
    value: str
    note: str


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _row(frame: Any) -> Mapping[str, Any]:
    if isinstance(frame, pd.DataFrame):
        return frame.iloc[0].to_dict() if len(frame) else {}
    return dict(frame)


def nps_sentence(row: Mapping[str, Any] | pd.DataFrame, *, label: str = "Relationship NPS") -> str:
    """One sentence for an NPS estimate: value, 95 % interval and respondents (``insufficient responses`` when hidden)."""
    from cxlib.present.claims.scores import outcome_level

    r = _row(row) if row is not None else {}
    if not r or bool(r.get("suppressed")) or math.isnan(_num(r.get("nps"))):
        return f"{label}: insufficient responses to report a score ({count(_num(r.get('n')) or 0)} respondents)."
    return outcome_level({**r, "score": r["nps"]}, outcome="nps", min_n=0, label=label).said


def trend_sentence(trend: pd.DataFrame | None, *, period: str, metric: str = "nps", label: str = "NPS") -> str:
    """First to last period; a rise or fall only where a change is significant (:func:`cxlib.present.claims.scores.outcome_trend`)."""
    from cxlib.present.claims.scores import outcome_trend

    if trend is None:
        return f"Too few responses to describe a {label} trend."
    return outcome_trend(trend, outcome=metric if metric == "nps" else metric, period=period, value=metric).said


def index_sentence(row: Mapping[str, Any] | pd.DataFrame, *, label: str = "The cumulative journey index") -> str:
    """The journey index summary (analysts): mean of 0-100 with its interval and customers."""
    r = _row(row) if row is not None else {}
    if not r or bool(r.get("suppressed")) or math.isnan(_num(r.get("mean"))):
        return f"{label}: not enough customers to report."
    return (f"{label} averages {format_value(r['mean'], '0')} of 100 ({interval(r['ci_low'], r['ci_high'])}; "
            f"{count(r['n'])} customers).")


def decay_sentence(decay_table: pd.DataFrame | None, *, sale_stage: str, labels: Mapping[str, str] | None = None) -> str:
    """Does the experience decay after the sale? (:func:`cxlib.present.claims.journey.decay`)."""
    from cxlib.present.claims.journey import decay

    rows = decay_table
    if rows is not None and "suppressed" in rows:
        rows = rows[~rows["suppressed"].astype("boolean").fillna(False).to_numpy(bool)]
    row = rows.iloc[0].to_dict() if rows is not None and len(rows) else None
    return decay(row, stage=(labels or {}).get(sale_stage, sale_stage.replace("_", " ").capitalize())).said


def driver_sentence(drivers: pd.DataFrame | None, *, r2: float, n: int, outcome: str = "nps") -> str:
    """What matters most and what to fix first, under the stated rule (:mod:`cxlib.present.claims.drivers`)."""
    from cxlib.present.claims.drivers import driver_top, fix_first, priority

    table = priority(drivers) if drivers is not None and len(drivers) else None
    if table is not None and "driver_label" not in table:
        table = table.assign(driver_label=table["driver"].astype("string"))
    return " ".join(said_to([driver_top(table, r2=r2, n=n, outcome=outcome), fix_first(table, r2=r2)], "executive"))


def gap_sentence(headline: Any, *, company: str = "The company", labels: Mapping[str, str] | None = None) -> str:
    """The delivery-gap headline (:func:`cxlib.present.claims.gap.gap_headline`)."""
    from cxlib.present.claims.gap import gap_headline

    if headline is None:
        return "No self-assessment was supplied, so the delivery gap cannot be measured."
    return gap_headline(headline, company=company, labels=labels or {}).said


def theme_sentence(contrast: pd.DataFrame | None, *, labels: Mapping[str, str] | None = None) -> str:
    """The comment theme that costs most (:func:`cxlib.present.claims.voice.theme_cost`)."""
    from cxlib.present.claims.voice import theme_cost

    return theme_cost(contrast, labels=dict(labels or {})).said


def kpi_cards(items: Sequence[tuple[str, str, str] | Card]) -> Block:
    """Headline numbers as cards: ``(label, value, note)`` each (escaped)."""
    cards = "".join(
        f'<div class="cx-kpi"><span class="cx-kpi-label">{_E(label)}</span>'
        f'<span class="cx-kpi-value">{_E(value)}</span><span class="cx-kpi-note">{_E(note)}</span></div>'
        for label, value, note in ((c.label, c.value, c.note) if isinstance(c, Card) else c for c in items))
    return Block(f'<div class="cx-headline">{cards}</div>')


def cards_html(cards: Sequence[Card]) -> Block:
    """The headline cards (every card carries its n and interval in its note)."""
    return kpi_cards(list(cards))


def headline_cards(*, nps: pd.DataFrame | None = None, index: pd.DataFrame | None = None, gap: Any = None,
                   churn: Any = None) -> Block:
    """Cards for NPS, the journey index, the delivery gap and churn, each with its n (and interval where there is one).

    Kept for notebooks that build their own headline; the report's headline section builds its cards
    from its findings.
    """
    cards = []
    if nps is not None and len(nps):
        r = _row(nps)
        if bool(r.get("suppressed")) or math.isnan(_num(r.get("nps"))):
            cards.append(Card("Relationship NPS", "–", f"insufficient responses (n = {count(_num(r.get('n')) or 0)})"))
        else:
            cards.append(Card("Relationship NPS", signed(r["nps"]),
                              f"{interval(r['ci_low'], r['ci_high'], 'signed0')} \u00b7 n = {count(r['n'])}"))
    if index is not None and len(index):
        r = _row(index)
        if not math.isnan(_num(r.get("mean"))) and not bool(r.get("suppressed")):
            cards.append(Card("Journey index (0-100)", format_value(r["mean"], "0"),
                              f"{interval(r['ci_low'], r['ci_high'])} \u00b7 {count(r['n'])} customers"))
    if gap is not None and not math.isnan(_num(getattr(gap, "customer_pct", None))):
        note = "company expects 5/5 vs customers give 5/5"
        if hasattr(gap, "ci_low"):
            note = f"customers: {interval(gap.ci_low, gap.ci_high, 'pct0')} \u00b7 n = {count(getattr(gap, 'n_ratings', 0))}"
        cards.append(Card("Delivery gap", f"{format_value(gap.company_pct, 'pct0')} vs "
                                          f"{format_value(gap.customer_pct, 'pct0')}", note))
    if churn is not None and getattr(churn, "n", 0):
        cards.append(Card("Churn", format_value(100 * churn.n_churned / churn.n, "pct0"),
                          f"{count(churn.n_churned)} of {count(churn.n)} customers left"))
    return kpi_cards(cards[:4])


def answer_html(findings: Sequence[Finding], *, audience: str = "executive") -> Block:
    """The answer on page 1: one paragraph per answer sentence that holds (escaped)."""
    parts = "".join(f'<p class="cx-answer-{_E(f.subject or "part")}">{_E(text)}</p>'
                    for f in findings if (text := f.said_to(audience)))
    return Block(f'<div class="cx-answer">{parts}</div>' if parts else "")


def findings_html(sentences: Sequence[Finding | str | None], *, audience: str = "executive") -> Block:
    """A bullet list of findings (escaped): what each says to ``audience``; nothing when none is said."""
    items = "".join(f"<li>{_E(s)}</li>" for s in said_to(sentences, audience))
    return Block(f'<ul class="cx-findings">{items}</ul>' if items else "")


def actions_html(actions: Sequence[Action], *, alternative: str = "") -> Block:
    """The recommended actions as a numbered list: what, why, worth, owner, measure (escaped)."""
    if not actions:
        return note_html(alternative or "No action stands out with confidence from this period's data.")
    items = []
    for a in actions:
        meta = [x for x in (f"Owner: {a.owner}" if a.owner else "Owner: not named in the data",
                            f"Track: {a.measure}" if a.measure else "") if x]
        items.append(f'<li><span class="cx-action-title">{_E(a.title)}.</span> {_E(a.detail)} '
                     + (f'<span class="cx-action-worth">{_E(a.worth)}</span> ' if a.worth else "")
                     + f'<span class="cx-action-meta">{_E(" · ".join(meta))}</span></li>')
    return Block(f'<ol class="cx-actions">{"".join(items)}</ol>')


#: The quotes already shown in the report being written (None: no report-wide memory).
_QUOTED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("cx_quoted", default=None)


def _quote_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", str(text).lower()))


@contextlib.contextmanager
def quoting(shown: set[str]):
    """Within the block, :func:`quotes_html` skips any quote whose words are in ``shown``, and adds those it shows.

    A report quotes the same words once: :class:`cxlib.report.sections.ReportRun` keeps one set for
    the whole report, so a comment quoted under one section (or one view of it) is not quoted again.

    Examples
    --------
    >>> q = pd.DataFrame({"quote": ["Slow!", "slow"], "label": ["Waiting", "Waiting"]})
    >>> with quoting(set()):
    ...     quotes_html(q).html.count("<blockquote")
    1
    """
    token = _QUOTED.set(shown)
    try:
        yield shown
    finally:
        _QUOTED.reset(token)


def quotes_html(quotes: pd.DataFrame | None, *, text: str = "quote", label: str = "label", kind: str | None = "kind",
                limit: int | None = None) -> Block:
    """Redacted quotes as block quotes (escaped); suppressed or empty rows are skipped; nothing when none is left.

    Parameters
    ----------
    quotes : DataFrame
        Curated quotes (:func:`cxlib.present.quotes.curate`) or :func:`cxlib.text.select_quotes` output;
        ``kind`` names the column shown after the theme (the quote's own sentiment).
    """
    if quotes is None or not len(quotes):
        return Block("")
    rows = quotes
    if "suppressed" in rows:
        rows = rows[~rows["suppressed"].astype("boolean").fillna(False).to_numpy(bool)]
    rows = rows[rows[text].notna()]
    shown = _QUOTED.get()
    if shown is not None:  # the same words are quoted once per report (and once per call)
        keys = rows[text].map(_quote_key)
        rows = rows[~keys.isin(shown) & ~keys.duplicated()]
    if limit is not None:
        rows = rows.head(limit)
    parts = []
    for _, row in rows.iterrows():
        if shown is not None:
            shown.add(_quote_key(row[text]))
        meta = str(row[label]) + (f" \u00b7 {row[kind]}" if kind and kind in row and pd.notna(row[kind]) else "")
        parts.append(f'<blockquote class="cx-quote">\u201c{_E(str(row[text]))}\u201d'
                     f'<span class="cx-quote-meta">{_E(meta)}</span></blockquote>')
    return Block("".join(parts))


def note_html(text: str) -> Block:
    """A small method or caveat note (escaped)."""
    return Block(f'<p class="cx-note">{_E(str(text))}</p>')


def paragraph_html(text: str) -> Block:
    """A paragraph of generated text (escaped)."""
    return Block(f"<p>{_E(str(text))}</p>")
