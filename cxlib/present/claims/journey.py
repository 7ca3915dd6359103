"""Claims about the journey: how many journeys broke, what a break goes with, the costliest break, decay.

The evidence is the split of customers by whether their journey broke
(:mod:`cxlib.report.sections.breaks`) measured by :func:`cxlib.report.sections.contrasts.outcome_contrast`
(outcome) and :func:`~cxlib.report.sections.contrasts.churn_contrast` (churn): one row per break
kind (``key``) and ``any``. A direction ("lower", "more of them left") is written only when the
95 % interval of the difference excludes zero; otherwise the sentence says there is no difference
beyond chance.

Examples
--------
>>> o = pd.DataFrame([{"key": "any", "n": 1000, "n_affected": 400, "share": 0.4, "score": -30.0,
...     "score_affected": -40.0, "score_rest": -23.3, "diff": -16.7, "diff_low": -25.0, "diff_high": -8.0,
...     "worth": 6.7, "worth_low": 3.2, "worth_high": 10.0, "suppressed": False}])
>>> c = pd.DataFrame([{"key": "any", "n": 2000, "n_affected": 900, "churn_affected": 20.0, "churn_rest": 9.0,
...     "diff": 11.0, "diff_low": 8.0, "diff_high": 14.0, "suppressed": False}])
>>> break_gap(o, c).said
'Their NPS is −40 against −23 for the rest (17 points lower, 95 % CI 8 to 25), and 20 % of them left against 9 % of the rest (11 percentage points more, 95 % CI 8 to 14).'
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from cxlib.present.claims.base import Claim, condition, finite, number, register, row_of
from cxlib.present.claims.scores import measure
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, format_value, interval, percent, signed

__all__ = ["direction", "outcome_part", "broken_share", "break_gap", "costliest_break", "decay", "significant_rows"]


def direction(low: Any, high: Any) -> int:
    """+1 when an interval lies wholly above zero, −1 wholly below, 0 when it holds zero (or is missing).

    >>> direction(0.2, 1.0), direction(-3, -1), direction(-1, 2), direction(None, 1)
    (1, -1, 0, 0)
    """
    lo, hi = number(low), number(high)
    if not finite(lo, hi):
        return 0
    return 1 if lo > 0 else -1 if hi < 0 else 0


def significant_rows(table: pd.DataFrame | None, *, sign: int = -1) -> pd.DataFrame:
    """Rows of a contrast whose difference interval lies wholly on the side ``sign`` (−1: affected score lower)."""
    if table is None or not len(table):
        return pd.DataFrame() if table is None else table.iloc[:0]
    ok = ~table["suppressed"].astype("boolean").fillna(True).to_numpy(bool)
    dirs = [direction(lo, hi) for lo, hi in zip(table["diff_low"], table["diff_high"])]
    return table[ok & (pd.Series(dirs, index=table.index) == sign).to_numpy(bool)]


def _share_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    share = number(r["share"])
    return int(r["n"]) > 0 and abs(share - int(r["n_affected"]) / int(r["n"])) < 1e-9 and \
        number(r["share_low"]) <= share <= number(r["share_high"])


def _gap_supported(f: Finding) -> bool:
    o = row_of(f.evidence, "table", "outcome")
    c = row_of(f.evidence, "table", "churn")
    said_o, said_c = f.params.get("outcome_direction"), f.params.get("churn_direction")
    ok_o = o is None or said_o is None or said_o == direction(o["diff_low"], o["diff_high"])
    ok_c = c is None or said_c is None or said_c == direction(c["diff_low"], c["diff_high"])
    return ok_o and ok_c


def _costliest_supported(f: Finding) -> bool:
    sig = significant_rows(f.evidence, sign=-1)
    if not len(sig):
        return False
    best = sig.sort_values("worth", ascending=False, kind="stable").iloc[0]
    return str(best["key"]) == f.subject


def _decay_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    return f.params.get("direction") == direction(r["ci_low"], r["ci_high"])


register(Claim("broken_share", "the share of customers with at least one break recorded in the interaction log, "
                               "with its Wilson interval", _share_supported))
register(Claim("break_gap", "a break's customers are said to score lower (or to leave more) only when the 95 % "
                            "interval of the difference from the rest excludes zero", _gap_supported))
register(Claim("costliest_break", "the break whose customers score lower than the rest beyond chance and that "
                                  "costs the client most in total (share affected × the gap)", _costliest_supported))
register(Claim("decay", "'worse' or 'better' after the sale only when the 95 % interval (customer-clustered "
                        "standard errors) excludes zero", _decay_supported))


def broken_share(row: Mapping[str, Any], *, kinds: list[str], low: float, high: float) -> Finding:
    """"55 % of customers met at least one break …": ``row`` has ``n`` (customers), ``n_affected``; ``low``/``high`` in %."""
    n, hit = int(row["n"]), int(row["n_affected"])
    share = hit / n if n else float("nan")
    evidence = pd.DataFrame([{"n": n, "n_affected": hit, "share": share, "share_low": low / 100, "share_high": high / 100}])
    listed = ", ".join(kinds[:-1]) + (f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0] if kinds else "")
    text = (f"{percent(100 * share)} of customers ({count(hit)} of {count(n)}; {interval(low, high, 'pct0')}) met at "
            f"least one break in their journey: {listed}.")
    return Finding("broken_share", text, evidence=evidence, condition=condition("broken_share"), holds=n > 0,
                   numbers=(Cited("Customers whose journey broke", 100 * share, unit="% of customers", n=n,
                                  n_unit="customers", ci=(low, high)),))


def outcome_part(o: Mapping[str, Any], m, lead: str) -> tuple[str, int, tuple[Cited, ...]]:
    """One contrast row in words: ``lead`` (with ``{name}`` for the outcome's name) then the two scores and
    the difference, with a direction only when its interval excludes zero; the sign (+1/−1/0) and the numbers."""
    lead = lead.format(name=m.name, a_name=m.a_name)
    sign = direction(o["diff_low"], o["diff_high"])
    a, b = number(o["score_affected"]), number(o["score_rest"])
    size = abs(number(o["diff"]))
    lo, hi = sorted((abs(number(o["diff_low"])), abs(number(o["diff_high"]))))
    if sign == 0:
        what = (f"{lead} {format_value(a, m.fmt)} against {format_value(b, m.fmt)} for the rest, "
                f"a difference within chance ({interval(o['diff_low'], o['diff_high'], 'signed0')})")
    else:
        word = "lower" if sign < 0 else "higher"
        what = (f"{lead} {format_value(a, m.fmt)} against {format_value(b, m.fmt)} for the rest "
                f"({format_value(size, '0')} {m.diff_unit} {word}, {interval(lo, hi, '0')})")
    cited = (Cited(f"{m.name}, customers affected", a, unit=m.unit, n=int(o["n_affected"]),
                   ci=(number(o.get("score_affected_low")), number(o.get("score_affected_high")))),
             Cited(f"{m.name}, the rest", b, unit=m.unit, n=int(o["n"]) - int(o["n_affected"]),
                   ci=(number(o.get("score_rest_low")), number(o.get("score_rest_high")))),
             Cited(f"{m.name} difference", number(o["diff"]), unit=m.diff_unit, n=int(o["n"]),
                   ci=(number(o["diff_low"]), number(o["diff_high"]))))
    return what, sign, cited


def _churn_part(c: Mapping[str, Any]) -> tuple[str, int, tuple[Cited, ...]]:
    sign = direction(c["diff_low"], c["diff_high"])
    a, b = number(c["churn_affected"]), number(c["churn_rest"])
    lo, hi = sorted((abs(number(c["diff_low"])), abs(number(c["diff_high"]))))
    if sign == 0:
        what = (f"{percent(a)} of them left against {percent(b)} of the rest, a difference within chance "
                f"({interval(c['diff_low'], c['diff_high'], 'signed0')} percentage points)")
    else:
        word = "more" if sign > 0 else "fewer"
        what = (f"{percent(a)} of them left against {percent(b)} of the rest "
                f"({format_value(abs(number(c['diff'])), '0')} percentage points {word}, {interval(lo, hi, '0')})")
    cited = (Cited("Churn, customers affected", a, unit="% of customers", n=int(c["n_affected"]), n_unit="customers",
                   ci=(number(c.get("churn_affected_low")), number(c.get("churn_affected_high")))),
             Cited("Churn difference", number(c["diff"]), unit="percentage points", n=int(c["n"]), n_unit="customers",
                   ci=(number(c["diff_low"]), number(c["diff_high"]))))
    return what, sign, cited


def break_gap(outcome: pd.DataFrame | None, churn: pd.DataFrame | None, *, key: str = "any", out: str = "nps",
              who: str = "Their") -> Finding:
    """What a break goes with: the outcome and churn of its customers against the rest.

    Parameters
    ----------
    outcome, churn : DataFrame, optional
        :func:`~cxlib.report.sections.contrasts.outcome_contrast` / ``churn_contrast`` tables.
    key : str
        The break kind (``any``: at least one).
    out : str
        The outcome (:func:`cxlib.present.claims.scores.measure`).
    """
    m = measure(out)
    o = row_of(outcome, "key", key)
    c = row_of(churn, "key", key)
    o = o if o is not None and not bool(o.get("suppressed")) else None
    c = c if c is not None and not bool(c.get("suppressed")) else None
    parts, numbers, params = [], [], {"key": key}
    if o is not None:
        text, sign, cited = outcome_part(o, m, f"{who} {{name}} is")
        parts.append(text)
        numbers += cited
        params["outcome_direction"] = sign
    if c is not None:
        text, sign, cited = _churn_part(c)
        parts.append(text)
        numbers += cited
        params["churn_direction"] = sign
    rows = []
    if o is not None:
        rows.append({"table": "outcome", **{k: o[k] for k in ("diff", "diff_low", "diff_high")}})
    if c is not None:
        rows.append({"table": "churn", **{k: c[k] for k in ("diff", "diff_low", "diff_high")}})
    if not parts:
        return Finding("break_gap", "", holds=False, evidence=pd.DataFrame(rows), params=params,
                       condition=condition("break_gap"))
    text = parts[0] + (", and " + parts[1] if len(parts) > 1 else "") + "."
    text = text[:1].upper() + text[1:]
    return Finding("break_gap", text, numbers=tuple(numbers), evidence=pd.DataFrame(rows), params=params,
                   condition=condition("break_gap"), subject=key,
                   method="differences: Welch's t on the coded answers; churn: Newcombe interval")


def costliest_break(outcome: pd.DataFrame | None, churn: pd.DataFrame | None, *, whats: Mapping[str, str],
                    out: str = "nps") -> Finding:
    """The break that costs the client most in total, among those whose customers score lower beyond chance.

    ``whats``: key -> what happened ("left waiting on an open case …").
    """
    m = measure(out)
    table = outcome[outcome["key"] != "any"] if outcome is not None else None
    sig = significant_rows(table, sign=-1)
    if not len(sig):
        return Finding("costliest_break", "", evidence=table, holds=False, condition=condition("costliest_break"),
                       alternative=f"No kind of break goes with a {m.name} lower than the rest beyond chance.")
    best = sig.sort_values("worth", ascending=False, kind="stable").iloc[0]
    key = str(best["key"])
    gap = break_gap(outcome, churn, key=key, out=out, who="their")
    text = (f"The costliest break is being {whats.get(key, key)}: it happened to {count(best['n_affected'])} of "
            f"{count(best['n'])} respondents; {gap.text[:1].lower() + gap.text[1:]}")
    return Finding("costliest_break", text, numbers=gap.numbers, evidence=table, subject=key,
                   condition=condition("costliest_break"), params={"key": key}, method=gap.method)


def decay(row: Mapping[str, Any] | None, *, stage: str) -> Finding:
    """Does the experience get worse after the sale? ``row``: the first row of ``decay_test(...).table``."""
    if row is None:
        return Finding("decay", "", holds=False, condition=condition("decay"),
                       alternative="Too few rated contacts around the sale to say whether the experience changes after it.")
    est, lo, hi, n = number(row["estimate"]), number(row["ci_low"]), number(row["ci_high"]), int(number(row["n"]))
    sign = direction(lo, hi)
    ci = interval(lo, hi, "signed2")
    if sign < 0:
        text = (f"The experience gets worse after the sale ({stage}): later stages are rated "
                f"{format_value(abs(est), '2')} points lower on the 1-5 scale ({ci}; {count(n)} rated contacts).")
    elif sign > 0:
        text = (f"The experience gets better after the sale ({stage}): later stages are rated "
                f"{format_value(est, '2')} points higher on the 1-5 scale ({ci}; {count(n)} rated contacts).")
    else:
        text = (f"No clear change after the sale ({stage}): later stages differ by {signed(est, 2)} points on the 1-5 "
                f"scale, within chance ({ci}; {count(n)} rated contacts).")
    evidence = pd.DataFrame([{"estimate": est, "ci_low": lo, "ci_high": hi, "n": n}])
    return Finding("decay", text, evidence=evidence, params={"direction": sign}, condition=condition("decay"),
                   numbers=(Cited("Rating after the sale against the sale stage", est, unit="points on 1-5", n=n,
                                  n_unit="rated contacts", ci=(lo, hi)),),
                   method="customer-clustered standard errors")
