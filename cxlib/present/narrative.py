"""Plain-language findings and the three recommended actions, written from the numbers.

Each function reads the tidy result of an analysis (``cxlib.analysis.metrics``, ``lifecycle``, ``gap``,
``drivers``, ``friction``, ``text``) and returns a sentence; nothing is computed here beyond
choosing which row to talk about. :func:`recommend_actions` picks the three actions from the
evidence (the first fix-first driver, the widest significant delivery gap, the costliest
friction signal, falling back to the most damaging comment theme or the post-sale decay), so
different numbers give different advice.

Every ``*_html`` function escapes what it is given: customer text and client names may hold
markup.

Examples
--------
>>> nps_sentence({"nps": -39.7, "ci_low": -44.6, "ci_high": -34.4, "n": 718, "suppressed": False})
'Relationship NPS is −40 (95 % CI −45 to −34; 718 respondents).'
>>> findings_html(["<b>not bold</b>"]).html
'<ul class="cx-findings"><li>&lt;b&gt;not bold&lt;/b&gt;</li></ul>'
"""

from __future__ import annotations

import html as _html
import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from cxlib.present.findings import Finding, said
from cxlib.present.formatting import percent, signed

__all__ = [
    "Block",
    "Action",
    "signed",
    "nps_sentence",
    "trend_sentence",
    "index_sentence",
    "decay_sentence",
    "driver_sentence",
    "gap_sentence",
    "friction_sentence",
    "costliest_friction",
    "theme_sentence",
    "recommend_actions",
    "quote_themes",
    "kpi_cards",
    "headline_cards",
    "findings_html",
    "actions_html",
    "quotes_html",
    "note_html",
    "paragraph_html",
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
class Action:
    """One recommended action: what to do, why (the numbers), and where the evidence is."""

    title: str
    detail: str
    source: str


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def _ok(value: Any) -> bool:
    return not math.isnan(_num(value))


def _pct(value: Any, digits: int = 0) -> str:
    return percent(_num(value), digits)


def _count(value: Any) -> int:
    number = _num(value)
    return 0 if math.isnan(number) else int(number)


def _label(labels: Mapping[str, str] | None, key: Any) -> str:
    key = str(key)
    return (labels or {}).get(key, key.replace("_", " "))


def _row(frame: Any) -> Mapping[str, Any]:
    if isinstance(frame, pd.DataFrame):
        return frame.iloc[0].to_dict() if len(frame) else {}
    return dict(frame)


def nps_sentence(row: Mapping[str, Any] | pd.DataFrame, *, label: str = "Relationship NPS") -> str:
    """One sentence for an NPS estimate: value, 95 % interval and respondents.

    Parameters
    ----------
    row : mapping or one-row DataFrame
        ``nps, ci_low, ci_high, n, suppressed`` (a row of :func:`cxlib.analysis.metrics.nps`).
    """
    r = _row(row) if row is not None else {}
    if not r or bool(r.get("suppressed")) or not _ok(r.get("nps")):
        return f"{label}: insufficient responses to report a score ({_count(r.get('n')):,} respondents)."
    return (f"{label} is {signed(r['nps'])} (95 % CI {signed(r['ci_low'])} to {signed(r['ci_high'])}; "
            f"{int(r['n']):,} respondents).")


def trend_sentence(trend: pd.DataFrame, *, period: str, metric: str = "nps", label: str = "NPS") -> str:
    """First to last period, and whether any period-on-period change is significant.

    Parameters
    ----------
    trend : DataFrame
        :func:`cxlib.analysis.metrics.trend` output: ``<period>``, the metric, ``suppressed``,
        ``change``, ``significant_change``.
    """
    if trend is None:
        return f"Too few responses to describe a {label} trend."
    shown = trend[~trend["suppressed"].fillna(False).astype(bool)] if "suppressed" in trend else trend
    shown = shown[shown[metric].notna()]
    if len(shown) < 2:
        return f"Too few periods with enough responses to describe a {label} trend."
    first, last = shown.iloc[0], shown.iloc[-1]
    fmt = signed if metric == "nps" else (lambda v: f"{_num(v):.1f}")
    text = f"{label} moved from {fmt(first[metric])} in {first[period]} to {fmt(last[metric])} in {last[period]}"
    sig = shown[shown.get("significant_change", pd.Series(False, index=shown.index)).fillna(False).astype(bool)]
    if len(sig):
        moves = ", ".join(f"{row[period]} ({signed(row['change'])})" for _, row in sig.iterrows())
        return f"{text}; significant period-on-period changes (Holm-adjusted): {moves}."
    return f"{text}; no period-on-period change is statistically significant (Holm-adjusted)."


def index_sentence(row: Mapping[str, Any] | pd.DataFrame, *, label: str = "The cumulative journey index") -> str:
    """The journey index summary: mean of 0-100 with its interval and customers.

    Parameters
    ----------
    row : mapping or one-row DataFrame
        :func:`cxlib.analysis.journey.core.summarise_index` output: ``n, mean, ci_low, ci_high``.
    """
    r = _row(row) if row is not None else {}
    if not r or bool(r.get("suppressed")) or not _ok(r.get("mean")):
        return f"{label}: not enough customers to report."
    return (f"{label} averages {_num(r['mean']):.0f} of 100 (95 % CI {_num(r['ci_low']):.0f}-{_num(r['ci_high']):.0f}; "
            f"{int(r['n']):,} customers): every touchpoint of every customer, rated and operational, combined.")


def decay_sentence(decay_table: pd.DataFrame, *, sale_stage: str, labels: Mapping[str, str] | None = None) -> str:
    """Does the experience decay after the sale? From :func:`cxlib.analysis.journey.lifecycle.decay_test` ``.table``."""
    if decay_table is None:
        return "Too few rated interactions around the sale to test for post-sale decay."
    rows = decay_table[~decay_table["suppressed"].fillna(False).astype(bool)] if "suppressed" in decay_table else decay_table
    if not len(rows):
        return "Too few rated interactions around the sale to test for post-sale decay."
    r = rows.iloc[0]
    stage = _label(labels, sale_stage)
    est, lo, hi = _num(r["estimate"]), _num(r["ci_low"]), _num(r["ci_high"])
    if hi < 0:
        verdict = f"the experience is worse after the sale ({stage}): later stages are rated {abs(est):.2f} points lower on 1-5"
    elif lo > 0:
        verdict = f"the experience improves after the sale ({stage}): later stages are rated {est:.2f} points higher on 1-5"
    else:
        verdict = f"no clear change after the sale ({stage}): later stages differ by {signed(est, 2)} points on 1-5"
    return f"Across the lifecycle, {verdict} (95 % CI {signed(lo, 2)} to {signed(hi, 2)}; {int(_num(r['n'])):,} rated interactions)."


def driver_sentence(drivers: pd.DataFrame, *, labels: Mapping[str, str] | None = None, outcome: str = "NPS") -> str:
    """The strongest driver and what to fix first, from :func:`cxlib.analysis.drivers.key_drivers` ``.table``."""
    if drivers is None or not len(drivers):
        return f"Not enough rated touchpoints to estimate the drivers of {outcome}."
    top = drivers.sort_values("rank").iloc[0]
    text = (f"{_label(labels, top['driver'])} is the strongest driver of {outcome}: "
            f"{_num(top['share']):.0f} % of the explained variation")
    if _ok(top.get("share_ci_low")):
        text += f" (95 % CI {_num(top['share_ci_low']):.0f}-{_num(top['share_ci_high']):.0f} %)"
    fix = drivers[drivers.get("fix_first", pd.Series(False, index=drivers.index)).fillna(False).astype(bool)]
    if len(fix):
        names = ", ".join(_label(labels, d) for d in fix.sort_values("rank")["driver"])
        text += f". Fix first (important and rated below the others): {names}."
    else:
        text += "."
    return text


def gap_sentence(headline: Any) -> str:
    """The delivery-gap headline (:func:`cxlib.analysis.gap.gap_headline`), as written by the analysis (None: no data)."""
    sentence = getattr(headline, "sentence", None)
    return str(sentence) if sentence else "No self-assessment was supplied, so the delivery gap cannot be measured."


_FRICTION_TEXT = {
    "n_known_info": ("Stop asking for information you already hold", "being asked for information the company already held"),
    "n_silent_cases": ("Send proactive updates on open cases", "a case left open for days without an update"),
    "n_repeats": ("Resolve issues at the first contact", "having to contact the company again about the same issue"),
    "n_handoffs": ("Cut hand-offs between departments", "being handed from one department to another"),
}


def friction_sentence(association: pd.DataFrame) -> str:
    """The friction signal that costs most NPS per event, from :func:`cxlib.analysis.journey.friction.friction_association`."""
    best = costliest_friction(association)
    if best is None:
        return "No friction signal has a significant association with NPS."
    _, phrase = _FRICTION_TEXT.get(best["signal"], (best["signal"], best["signal"].replace("_", " ")))
    return (f"Each instance of {phrase} is associated with {abs(_num(best['effect_per_event'])):.1f} fewer NPS points "
            f"(95 % CI {abs(_num(best['effect_ci_high'])):.1f}-{abs(_num(best['effect_ci_low'])):.1f}; "
            f"{int(_num(best['n_exposed'])):,} of {int(_num(best['n'])):,} respondents affected).")


def costliest_friction(association: pd.DataFrame | None) -> dict | None:
    """The friction signal with the largest significant NPS cost per event (a row as a dict), or None.

    Parameters
    ----------
    association : DataFrame, optional
        :func:`cxlib.analysis.journey.friction.friction_association` output.
    """
    if association is None or not len(association):
        return None
    rows = association[(association["outcome"] == "nps") & ~association["suppressed"].fillna(False).astype(bool)]
    rows = rows[(rows["effect_ci_high"].astype("float64") < 0)]
    if not len(rows):
        return None
    return rows.sort_values("effect_per_event").iloc[0].to_dict()


def theme_sentence(impact: pd.DataFrame, *, n_comments: int | None = None) -> str:
    """The comment theme that costs most NPS, from :func:`cxlib.text.theme_impact` ``.table``."""
    if impact is None:
        return "Too few coded comments to relate themes to NPS."
    rows = impact[~impact["suppressed"].fillna(False).astype(bool)] if "suppressed" in impact else impact
    rows = rows[rows["ci_high"].astype("float64") < 0]
    if not len(rows):
        return "No comment theme has a significant negative association with NPS."
    top = rows.sort_values("coef").iloc[0]
    return (f"Customers who mention \u201c{top['label']}\u201d ({_num(top['pct_comments']):.0f} % of comments) give an NPS "
            f"{abs(_num(top['coef'])):.0f} points lower than those who do not (95 % CI {abs(_num(top['ci_high'])):.0f}-"
            f"{abs(_num(top['ci_low'])):.0f}).")


def quote_themes(impact: pd.DataFrame, *, min_n_quotes: int, k: int = 3) -> list[str]:
    """The ``k`` themes most damaging to NPS that have enough comments to be quoted.

    Parameters
    ----------
    impact : DataFrame
        ``theme_impact(...).table`` (``theme``, ``coef``, ``n_mentions``, ``suppressed``).
    min_n_quotes : int
        The client's minimum number of comments for a theme to be quoted.

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["a", "b", "c"], "coef": [-30, -10, 5], "n_mentions": [10, 80, 90],
    ...                   "suppressed": [False, False, False]})
    >>> quote_themes(t, min_n_quotes=50)
    ['b']
    """
    if impact is None:
        return []
    rows = impact[~impact["suppressed"].fillna(False).astype(bool)
                  & (impact["coef"].astype("float64") < 0)
                  & (impact["n_mentions"].astype("float64") >= min_n_quotes)]
    return rows.sort_values("coef")["theme"].head(k).astype(str).tolist()


def recommend_actions(*, drivers: pd.DataFrame | None = None, gap: pd.DataFrame | None = None,
                      friction: pd.DataFrame | None = None, repeated_info: pd.DataFrame | None = None,
                      themes: pd.DataFrame | None = None, decay: pd.DataFrame | None = None,
                      sale_stage: str | None = None, labels: Mapping[str, str] | None = None,
                      n: int = 3) -> list[Action]:
    """Up to ``n`` recommended actions, each written from a number in the evidence.

    Parameters
    ----------
    drivers : DataFrame, optional
        ``key_drivers(...).table`` (``driver, rank, share, performance, fix_first``).
    gap : DataFrame, optional
        ``delivery_gap(...)`` (``touchpoint, company_pct, customer_pct, gap, significant, suppressed``).
    friction : DataFrame, optional
        ``friction_association(...)`` (NPS effect per friction event).
    repeated_info : DataFrame, optional
        ``repeated_info(...)`` by channel (``channel, rate, lift``): names the worst channel.
    themes : DataFrame, optional
        ``theme_impact(...).table``.
    decay : DataFrame, optional
        ``decay_test(...).table``.
    sale_stage : str, optional
    labels : mapping, optional
        id -> label for touchpoints and stages.

    Returns
    -------
    list of Action
        In priority order: the fix-first driver, the widest significant delivery gap (another
        touchpoint), the costliest friction; then fallbacks (comment theme, post-sale decay).
    """
    actions: list[Action] = []
    used: set[str] = set()
    if drivers is not None and len(drivers):
        ranked = drivers.sort_values("rank")
        flagged = ranked[ranked.get("fix_first", pd.Series(False, index=ranked.index)).fillna(False).astype(bool)]
        top = (flagged if len(flagged) else ranked).iloc[0]
        name = _label(labels, top["driver"])
        used.add(str(top["driver"]))
        actions.append(Action(
            title=f"Fix {name} first",
            detail=(f"It explains {_num(top['share']):.0f} % of the explained variation in NPS, more than any other "
                    f"touchpoint, and customers rate it {_num(top['performance']):.1f} of 5."),
            source="Key drivers"))
    if gap is not None and len(gap):
        g = gap[~gap["suppressed"].fillna(False).astype(bool) & gap["significant"].fillna(False).astype(bool)
                & (gap["gap"].astype("float64") > 0)]
        g = g[~g["touchpoint"].astype("string").isin(used)] if len(g) > 1 else g
        if len(g):
            top = g.sort_values("gap", ascending=False).iloc[0]
            name = _label(labels, top["touchpoint"])
            used.add(str(top["touchpoint"]))
            actions.append(Action(
                title=f"Close the delivery gap at {name}",
                detail=(f"The company expects {_num(top['company_pct']):.0f} % of customers to rate it 5/5; "
                        f"{_num(top['customer_pct']):.0f} % do (95 % CI {_num(top['ci_low']):.0f}-{_num(top['ci_high']):.0f} %). "
                        "Reset the promise or fix the delivery, and measure it from the customer's side."),
                source="Delivery gap"))
    best = costliest_friction(friction)
    if best is not None:
        title, phrase = _FRICTION_TEXT.get(best["signal"], (f"Reduce {best['signal']}", best["signal"]))
        where = ""
        if best["signal"] == "n_known_info" and repeated_info is not None and len(repeated_info) and "channel" in repeated_info:
            ok = repeated_info[~repeated_info["suppressed"].fillna(False).astype(bool)]
            if len(ok):
                worst = ok.sort_values("rate", ascending=False).iloc[0]
                where = (f" It happens most on {worst['channel']} ({_num(worst['rate']) * 100:.0f} % of contacts, "
                         f"{_num(worst['lift']):.1f}× the average).")
        actions.append(Action(
            title=title,
            detail=(f"Each instance of {phrase} is associated with {abs(_num(best['effect_per_event'])):.1f} fewer NPS "
                    f"points; {int(_num(best['n_exposed'])):,} of {int(_num(best['n'])):,} respondents experienced it.{where}"),
            source="Friction"))
    if len(actions) < n and themes is not None and len(themes):
        rows = themes[~themes["suppressed"].fillna(False).astype(bool) & (themes["ci_high"].astype("float64") < 0)]
        if len(rows):
            top = rows.sort_values("coef").iloc[0]
            actions.append(Action(
                title=f"Act on \u201c{top['label']}\u201d",
                detail=(f"Customers who raise it give an NPS {abs(_num(top['coef'])):.0f} points lower; it appears in "
                        f"{_num(top['pct_comments']):.0f} % of comments."),
                source="Voice of the customer"))
    if len(actions) < n and decay is not None and len(decay):
        r = decay.iloc[0]
        if not bool(r.get("suppressed")) and _num(r["ci_high"]) < 0:
            stage = _label(labels, sale_stage) if sale_stage else "the sale"
            actions.append(Action(
                title="Protect the experience after the sale",
                detail=(f"Ratings after {stage} are {abs(_num(r['estimate'])):.2f} points lower on 1-5 than at {stage}; "
                        "give onboarding and service the attention the sale gets."),
                source="Lifecycle"))
    return actions[:n]


def kpi_cards(items: Sequence[tuple[str, str, str]]) -> Block:
    """Headline numbers as cards: ``(label, value, note)`` each (escaped)."""
    cards = "".join(
        f'<div class="cx-kpi"><span class="cx-kpi-label">{_E(label)}</span>'
        f'<span class="cx-kpi-value">{_E(value)}</span><span class="cx-kpi-note">{_E(note)}</span></div>'
        for label, value, note in items)
    return Block(f'<div class="cx-headline">{cards}</div>')


def headline_cards(*, nps: pd.DataFrame | None = None, index: pd.DataFrame | None = None, gap: Any = None,
                   churn: Any = None) -> Block:
    """The executive headline: NPS, journey index, delivery gap and churn as cards.

    Parameters
    ----------
    nps : DataFrame, optional
        One-row :func:`cxlib.analysis.metrics.nps` result.
    index : DataFrame, optional
        One-row :func:`cxlib.analysis.journey.core.summarise_index` result.
    gap : GapHeadline, optional
        :func:`cxlib.analysis.gap.gap_headline` result (``company_pct``, ``customer_pct``).
    churn : ChurnLink, optional
        :func:`cxlib.analysis.churn.churn_link` result (``n``, ``n_churned``, ``value_at_risk``).
    """
    cards = []
    if nps is not None and len(nps):
        r = _row(nps)
        if bool(r.get("suppressed")) or not _ok(r.get("nps")):
            cards.append(("Relationship NPS", "–", f"insufficient responses (n = {_count(r.get('n')):,})"))
        else:
            cards.append(("Relationship NPS", signed(r["nps"]),
                          f"95 % CI {signed(r['ci_low'])} to {signed(r['ci_high'])} \u00b7 n = {int(r['n']):,}"))
    if index is not None and len(index):
        r = _row(index)
        if _ok(r.get("mean")) and not bool(r.get("suppressed")):
            cards.append(("Journey index (0-100)", f"{_num(r['mean']):.0f}",
                          f"95 % CI {_num(r['ci_low']):.0f}-{_num(r['ci_high']):.0f} \u00b7 {int(r['n']):,} customers"))
    if gap is not None and _ok(getattr(gap, "customer_pct", None)):
        cards.append(("Delivery gap", f"{_num(gap.company_pct):.0f} % vs {_num(gap.customer_pct):.0f} %",
                      "company expects 5/5 vs customers give 5/5"))
    if churn is not None and getattr(churn, "n", 0):
        cards.append(("Churn", _pct(100 * churn.n_churned / churn.n),
                      f"{int(churn.n_churned):,} of {int(churn.n):,} customers left"))
    return kpi_cards(cards[:3] if len(cards) > 3 and churn is not None and gap is None else cards[:4])


def findings_html(sentences: Sequence[Finding | str | None]) -> Block:
    """A bullet list of findings (escaped): sentences, or :class:`~cxlib.present.findings.Finding` objects (what they say)."""
    items = "".join(f"<li>{_E(s)}</li>" for s in said(sentences))
    return Block(f'<ul class="cx-findings">{items}</ul>')


def actions_html(actions: Sequence[Action]) -> Block:
    """The recommended actions as a numbered list (escaped)."""
    if not actions:
        return note_html("The data do not single out an action with confidence; see the analyst report.")
    items = "".join(
        f'<li><span class="cx-action-title">{_E(a.title)}.</span> {_E(a.detail)} '
        f'<span class="cx-quote-meta">Evidence: {_E(a.source)}</span></li>' for a in actions)
    return Block(f'<ol class="cx-actions">{items}</ol>')


def quotes_html(quotes: pd.DataFrame, *, text: str = "quote", label: str = "label", kind: str | None = "kind",
                limit: int | None = None) -> Block:
    """Redacted quotes as block quotes (escaped); suppressed or empty rows are skipped.

    Parameters
    ----------
    quotes : DataFrame
        :func:`cxlib.text.select_quotes` output (already redacted there).
    """
    if quotes is None:
        return note_html("No theme has enough comments to quote (the client's minimum for quotes applies).")
    rows = quotes
    if "suppressed" in rows:
        rows = rows[~rows["suppressed"].fillna(False).astype(bool)]
    rows = rows[rows[text].notna()]
    if limit is not None:
        rows = rows.head(limit)
    if not len(rows):
        return note_html("No theme has enough comments to quote (the client's minimum for quotes applies).")
    parts = []
    for _, row in rows.iterrows():
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
