"""Claims about the delivery gap: what the company expects against what its customers give.

The headline pair (:func:`cxlib.analysis.gap.gap_headline`) becomes :func:`gap_headline`: the
company "over-rates itself" only when the customers' 5/5 share and its 95 % interval lie below
what the company expects. A touchpoint's gap (:func:`widest_gap`) is named only when it is
significant after Holm's correction and positive (the company expects more than it gets).

Examples
--------
>>> from types import SimpleNamespace as NS
>>> h = NS(company_pct=80.0, customer_pct=4.1, ci_low=3.3, ci_high=5.0, touchpoints=("billing", "support"),
...        n_ratings=2060, basis="expected_top_box_pct")
>>> gap_headline(h, company="Acme", labels={"billing": "Billing", "support": "Support"}).said
'Acme rates itself best at Billing and Support and expects 80 % of customers to rate them 5 out of 5; 4 % of customers do (95 % CI 3 % to 5 %; 2,060 ratings).'
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from cxlib.present.claims.base import Claim, condition, number, register
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, format_value, interval, percent

__all__ = ["gap_headline", "widest_gap", "gap_rows"]


def _names(ids, labels: Mapping[str, str]) -> str:
    names = [labels.get(str(t), str(t).replace("_", " ")) for t in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _headline_supported(f: Finding) -> bool:
    r = f.evidence.iloc[0]
    below = number(r["ci_high"]) < number(r["company_pct"])
    return below == (f.params["verdict"] == "over")


def gap_rows(table: pd.DataFrame | None) -> pd.DataFrame:
    """The touchpoints whose gap is significant (Holm) and positive: the company expects more than customers give."""
    if table is None or not len(table):
        return pd.DataFrame() if table is None else table.iloc[:0]
    ok = ~table["suppressed"].astype("boolean").fillna(True).to_numpy(bool)
    sig = table["significant"].astype("boolean").fillna(False).to_numpy(bool)
    return table[ok & sig & (table["gap"].astype("float64") > 0).to_numpy(bool)]


def _widest_supported(f: Finding) -> bool:
    rows = gap_rows(f.evidence)
    rows = rows[~rows["touchpoint"].astype("string").isin(list(f.params.get("exclude", ())))]
    return bool(len(rows)) and str(rows.sort_values("gap", ascending=False, kind="stable").iloc[0]["touchpoint"]) == f.subject


register(Claim("gap_headline", "the company is said to over-rate itself only when the 95 % interval of its customers' "
                               "5/5 share lies below the share it expects", _headline_supported))
register(Claim("widest_gap", "the touchpoint with the widest gap among those whose gap is positive and significant "
                             "(Holm-adjusted p < 0.05)", _widest_supported))


def gap_headline(headline: Any, *, company: str, labels: Mapping[str, str]) -> Finding:
    """The company's expectation at the touchpoints it rates best, against its customers' 5/5 share."""
    if headline is None:
        return Finding("gap_headline", "", holds=False, condition=condition("gap_headline"))
    comp, cust, low, high = (number(getattr(headline, k)) for k in ("company_pct", "customer_pct", "ci_low", "ci_high"))
    n = int(getattr(headline, "n_ratings", 0) or 0)
    where = _names(getattr(headline, "touchpoints", ()), labels)
    verdict = "over" if high < comp else "in line"
    lead = (f"{company} rates itself best at {where} and expects {percent(comp)} of customers to rate them 5 out of 5"
            if getattr(headline, "basis", "") == "expected_top_box_pct" else
            f"{company} believes it is superior at {where}, {percent(comp)} of its touchpoints")
    if verdict == "over":
        text = f"{lead}; {percent(cust)} of customers do ({interval(low, high, 'pct0')}; {count(n)} ratings)."
    else:
        text = (f"{lead}; {percent(cust)} of customers do ({interval(low, high, 'pct0')}; {count(n)} ratings), in line "
                "with what it expects.")
    evidence = pd.DataFrame([{"company_pct": comp, "customer_pct": cust, "ci_low": low, "ci_high": high, "n": n}])
    return Finding("gap_headline", text, evidence=evidence, params={"verdict": verdict},
                   condition=condition("gap_headline"),
                   numbers=(Cited("Company expects 5/5", comp, unit="% of customers"),
                            Cited("Customers give 5/5", cust, unit="% of ratings", n=n, n_unit="ratings",
                                  ci=(low, high))),
                   method="Wilson interval")


def widest_gap(table: pd.DataFrame | None, *, exclude: tuple[str, ...] = ()) -> Finding:
    """The widest significant positive gap (touchpoints in ``exclude`` skipped), for the actions."""
    rows = gap_rows(table)
    rows = rows[~rows["touchpoint"].astype("string").isin(list(exclude))] if len(rows) else rows
    params = {"exclude": tuple(exclude)}
    if not len(rows):
        return Finding("widest_gap", "", evidence=table, holds=False, params=params, condition=condition("widest_gap"))
    top = rows.sort_values("gap", ascending=False, kind="stable").iloc[0]
    name = top.get("touchpoint_label", top["touchpoint"])
    text = (f"At {name} the company expects {percent(top['company_pct'])} of customers to give 5/5; "
            f"{format_value(top['customer_pct'], 'pct0')} do ({interval(top['ci_low'], top['ci_high'], 'pct0')}; "
            f"{count(top['n'])} ratings).")
    return Finding("widest_gap", text, evidence=table, subject=str(top["touchpoint"]), params=params,
                   condition=condition("widest_gap"),
                   numbers=(Cited(f"{name}: customers give 5/5", number(top["customer_pct"]), unit="% of ratings",
                                  n=int(top["n"]), n_unit="ratings", ci=(number(top["ci_low"]), number(top["ci_high"]))),),
                   method="one-proportion test against the company's expectation, Holm-adjusted")
