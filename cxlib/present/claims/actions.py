"""Recommended actions: ranked by what each is worth in one common unit, each with its evidence, owner and measure.

Every candidate (a touchpoint to fix, a break to remove, a theme to act on) is sized the same way
(:mod:`cxlib.report.sections.contrasts`): the outcome points the whole client would gain if the
customers concerned scored like the rest (``worth``, NPS points on −100…100 for NPS), with its
95 % interval; breaks also carry the customers and annual value kept if their customers churned
like the rest. The rule (:func:`rank_actions`):

- a candidate is recommended only when the interval of its worth lies wholly above zero (it goes
  with a lower score beyond chance: sign-aware);
- candidates are ranked by their worth; one action per touchpoint, break or theme; the first ``n``.

Worth is an association measured over one period, not a promise: "worth up to"; effects overlap
(the same customers may be affected by several), so they do not add up.

Examples
--------
>>> c = pd.DataFrame({"id": ["a", "b", "c"], "worth": [2.0, 6.0, 9.0], "worth_low": [0.5, 3.0, -1.0],
...                   "worth_high": [3.5, 9.0, 19.0]})
>>> rank_actions(c)["id"].tolist()
['b', 'a']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present.claims.base import Claim, condition, number, register
from cxlib.present.findings import Cited, Finding
from cxlib.present.formatting import count, format_value, interval, money

__all__ = ["Action", "CANDIDATE_COLUMNS", "rank_actions", "action_finding", "worth_text"]

#: Columns of the candidates table the actions section builds (one row per candidate).
CANDIDATE_COLUMNS = ["id", "kind", "subject", "title", "why", "owner", "measure", "basis", "worth", "worth_low",
                     "worth_high", "n", "kept", "kept_low", "kept_high", "value_kept", "value_kept_low",
                     "value_kept_high"]


@dataclass(frozen=True)
class Action:
    """One recommended action.

    Attributes
    ----------
    title : str
        What to do ("Send proactive updates on open cases").
    detail : str
        Why, in words, with the numbers (the evidence sentence).
    source : str
        The report section its evidence is in ("Friction", "Key drivers" …).
    owner : str
        Who owns it: the department from the client's data ("" when the data names none).
    measure : str
        What to track, with today's value.
    worth : str
        What it is worth, in words (outcome points, and customers and money where measured).
    """

    title: str
    detail: str
    source: str
    owner: str = ""
    measure: str = ""
    worth: str = ""


def rank_actions(candidates: pd.DataFrame, *, n: int | None = None) -> pd.DataFrame:
    """The candidates the rule recommends, best first (worth interval above zero; one per ``id``; by worth)."""
    if candidates is None or not len(candidates):
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    ok = candidates[candidates["worth_low"].astype("float64") > 0]
    ok = ok.sort_values(["worth", "id"], ascending=[False, True], kind="stable").drop_duplicates("id")
    return (ok if n is None else ok.head(n)).reset_index(drop=True)


def _action_supported(f: Finding) -> bool:
    ranked = rank_actions(f.evidence)
    rank = int(f.params["rank"])
    return rank < len(ranked) and str(ranked.iloc[rank]["id"]) == f.subject


register(Claim("action", "recommended only when the 95 % interval of what it is worth lies above zero; ranked by "
                         "what it is worth (outcome points if the customers concerned scored like the rest); one "
                         "action per touchpoint, break or theme", _action_supported))


def worth_text(row, *, unit: str = "NPS points", currency: str = "") -> str:
    """"worth up to +5 NPS points (95 % CI +2 to +9) …" for one candidate row."""
    basis = row.get("basis") if isinstance(row.get("basis"), str) and row.get("basis") else \
        "if the customers concerned scored like the rest"
    text = (f"worth up to {format_value(row['worth'], 'signed0')} {unit} "
            f"({interval(row['worth_low'], row['worth_high'], 'signed0')}) {basis}")
    kept = number(row.get("kept"))
    if kept == kept and kept > 0:
        text += (f"; about {count(round(kept))} customers kept ({interval(row['kept_low'], row['kept_high'], 'int')}, "
                 f"over a period like this one)")
        value = number(row.get("value_kept"))
        if value == value and currency:
            text += (f", {money(value, currency)} of annual value "
                     f"(95 % CI {money(row['value_kept_low'], currency)} to {money(row['value_kept_high'], currency)})")
    return text


def action_finding(candidates: pd.DataFrame, rank: int, *, unit: str = "NPS points", currency: str = "",
                   source: str = "") -> tuple[Finding, Action]:
    """The ``rank``-th recommended action (0 = first) as a finding and an :class:`Action`."""
    ranked = rank_actions(candidates)
    row = ranked.iloc[rank]
    worth = worth_text(row, unit=unit, currency=currency)
    owner = str(row["owner"]) if pd.notna(row["owner"]) and str(row["owner"]) else ""
    numbers = [Cited(f"{row['title']}: worth", number(row["worth"]), unit=unit, n=int(number(row["n"]) or 0),
                     ci=(number(row["worth_low"]), number(row["worth_high"])))]
    if number(row.get("kept")) == number(row.get("kept")):
        numbers.append(Cited(f"{row['title']}: customers kept", number(row["kept"]), unit="customers",
                             n=int(number(row["n"]) or 0), n_unit="customers",
                             ci=(number(row["kept_low"]), number(row["kept_high"]))))
    text = f"{row['title']}: {worth}."
    finding = Finding("action", text, numbers=tuple(numbers), evidence=candidates, subject=str(row["id"]),
                      params={"rank": rank}, condition=condition("action"))
    action = Action(title=str(row["title"]), detail=str(row["why"]), source=source or str(row["kind"]),
                    owner=owner, measure=str(row["measure"]), worth=worth[:1].upper() + worth[1:] + ".")
    return finding, action
