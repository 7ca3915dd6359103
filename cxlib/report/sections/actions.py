"""Recommended actions, ranked by what each is worth in one unit, each with its evidence, owner and measure.

Candidates come from the other sections' evidence, each flagged by its own rule:

- touchpoints "fix first" under the drivers rule, and touchpoints whose delivery gap is positive
  and significant *and* whose own effect on the outcome is positive beyond chance in the driver
  model (so the actions never push a touchpoint the drivers section says does not matter): sized
  by the outcome of the customers who rate it 1-3 against those who rate it 4-5 (scaled to every
  respondent);
- breaks in the journey whose customers score lower beyond chance: sized by the friction
  section's contrasts (with the customers and annual value kept, from churn);
- comment themes whose respondents score lower beyond chance: sized by the voice section's contrasts.

:func:`cxlib.present.claims.actions.rank_actions` keeps those whose worth is above zero beyond
chance and ranks them by worth; the owner is the department from the client's data (the
touchpoint's department in client.yaml, the department where the break happens); the measure is
what to track, with today's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Section, SectionResult, outcome_answers

__all__ = ["ActionsResult", "THEME_BREAKS", "candidates", "compute", "show", "SECTION"]

#: Starter-codebook themes that name a break of the interaction log: a theme candidate gives way to its break
#: (the same problem, measured on every customer rather than on those who wrote about it).
THEME_BREAKS = {"effort.repeat_information": "asked_again", "waiting.no_updates": "silent_wait",
                "effort.handoffs": "handoff", "effort.unresolved": "unresolved"}


@dataclass(frozen=True, kw_only=True, eq=False)
class ActionsResult(SectionResult):
    """The recommended ``actions`` (:class:`cxlib.present.claims.actions.Action`), in order, and every ``candidate``."""

    actions: tuple = ()
    candidates: pd.DataFrame | None = None
    unit: str = "NPS points"


def _departments(cfg) -> dict[str, str]:
    from cxlib.present.formatting import label

    return {tp.id: label(tp.department) for tp in getattr(cfg, "touchpoints", []) if getattr(tp, "department", None)}


def _touchpoint_rows(data, answers, outcome, ids: dict[str, str], why: dict[str, str], source: dict[str, str]):
    """Candidates for touchpoints: customers rating it 1-3 against those rating it 4-5."""
    from cxlib.present.formatting import count, percent
    from cxlib.report.sections.contrasts import outcome_contrast

    owners = _departments(data.config)
    rows = []
    for tp, title in ids.items():
        column = f"rating_{tp}"
        if column not in answers:
            continue
        rating = pd.to_numeric(answers[column], errors="coerce")
        raters = answers[rating.notna().to_numpy(bool) & answers[outcome].notna().to_numpy(bool)]
        if not len(raters):
            continue
        low = pd.to_numeric(raters[column], errors="coerce") <= 3
        c = outcome_contrast(raters, {tp: low}, outcome=outcome, min_n=data.config.min_n).iloc[0]
        if bool(c["suppressed"]):
            continue
        reach = len(raters) / int(answers[outcome].notna().sum())
        rated_well = 100 * (1 - float(low.mean()))
        rows.append({"id": f"touchpoint:{tp}", "kind": source[tp], "subject": tp, "title": title, "why": why[tp],
                     "owner": owners.get(tp, ""), "n": len(raters),
                     "basis": "if the customers who rate it 1-3 scored like those who rate it 4-5",
                     "measure": f"share of customers rating {data.labels.get(tp, tp)} 4 or 5 of 5 (today "
                                f"{percent(rated_well)}; {count(len(raters))} ratings)",
                     "worth": c["worth"] * reach, "worth_low": c["worth_low"] * reach,
                     "worth_high": c["worth_high"] * reach})
    return rows


def candidates(data, *, drivers=None, delivery_gap=None, friction=None, voice=None) -> pd.DataFrame:
    """Every candidate action with its worth (outcome points), owner and measure (:data:`~cxlib.present.claims.actions.CANDIDATE_COLUMNS`)."""
    from cxlib.present.claims import gap as gap_claims
    from cxlib.present.claims.actions import CANDIDATE_COLUMNS
    from cxlib.present.claims.journey import break_gap, significant_rows
    from cxlib.present.formatting import count, label, percent
    from cxlib.report.sections.breaks import describe

    outcome, answers = outcome_answers(data)
    rows: list[dict] = []
    ids: dict[str, str] = {}
    why: dict[str, str] = {}
    source: dict[str, str] = {}
    if drivers is not None and drivers.table is not None and drivers.stands_out:
        fix = drivers.finding("fix_first")
        flagged = drivers.table[drivers.table["quadrant"] == "fix first"]
        for _, r in flagged.iterrows():
            ids[str(r["driver"])] = f"Fix {r['driver_label']}"
            # the action's title already says "Fix <touchpoint>": its evidence starts with why
            why[str(r["driver"])] = fix.text.removeprefix(f"Fix first: {r['driver_label']}. ") \
                if fix is not None and fix.subject == str(r["driver"]) else (
                f"It matters more than the median touchpoint and is rated below the median "
                f"({r['performance']:.2f} of 5).")
            source[str(r["driver"])] = "Key drivers"
    effective = set()
    if drivers is not None and drivers.table is not None and drivers.stands_out:
        from cxlib.present.claims.journey import direction

        effective = {str(r["driver"]) for _, r in drivers.table.iterrows()
                     if direction(r["coef_ci_low"], r["coef_ci_high"]) > 0}
    if delivery_gap is not None and delivery_gap.table is not None:
        for _, r in gap_claims.gap_rows(delivery_gap.table).iterrows():
            tp = str(r["touchpoint"])
            if tp in ids or tp not in effective:
                continue
            ids[tp] = f"Close the delivery gap at {r['touchpoint_label']}"
            why[tp] = gap_claims.widest_gap(delivery_gap.table[delivery_gap.table["touchpoint"] == tp]).text + \
                " Reset the promise or fix the delivery."
            source[tp] = "Delivery gap"
    if answers is not None and ids:
        rows += _touchpoint_rows(data, answers, outcome, ids, why, source)
    if friction is not None and friction.outcome is not None:
        table = friction.outcome[friction.outcome["key"] != "any"]
        owners = friction.owners.set_index("key") if friction.owners is not None else None
        rates = friction.rates.set_index("key") if friction.rates is not None else None
        churn = friction.churn.set_index("key") if friction.churn is not None else None
        for _, r in significant_rows(table, sign=-1).iterrows():
            b = describe(str(r["key"]))
            owner = owners.loc[b.key] if owners is not None and b.key in owners.index else None
            dept = label(owner["department"]) if owner is not None and pd.notna(owner["department"]) else ""
            rate = rates.loc[b.key] if rates is not None and b.key in rates.index else None
            kept = churn.loc[b.key] if churn is not None and b.key in churn.index and not bool(
                churn.loc[b.key, "suppressed"]) else None
            gap = break_gap(friction.outcome, friction.churn, key=b.key, out=outcome, who="their")
            rows.append({
                "id": f"break:{b.key}", "kind": "Friction", "subject": b.key, "title": b.action,
                "why": f"Customers {b.what} ({count(r['n_affected'])} of {count(r['n'])} respondents): "
                       f"{gap.text[:1].lower()}{gap.text[1:]}",
                "basis": "if the customers it happened to scored like the rest",
                "owner": dept + (f" ({percent(owner['share'])} of {count(owner['n_events'])} such contacts)"
                                 if dept else ""),
                "measure": (f"{b.measure} (today {percent(rate['rate'], 1)} of {count(rate['n'])} {rate['per']})"
                            if rate is not None else b.measure),
                "worth": r["worth"], "worth_low": r["worth_low"], "worth_high": r["worth_high"], "n": int(r["n"]),
                **({"kept": kept["kept"], "kept_low": kept["kept_low"], "kept_high": kept["kept_high"],
                    "value_kept": kept["value_kept"], "value_kept_low": kept["value_kept_low"],
                    "value_kept_high": kept["value_kept_high"]} if kept is not None else {})})
    if voice is not None and voice.contrast is not None:
        freq = voice.frequency.set_index("theme") if voice.frequency is not None else None
        breaks = {row["subject"] for row in rows if str(row["id"]).startswith("break:")}
        for _, r in significant_rows(voice.contrast, sign=-1).iterrows():
            if THEME_BREAKS.get(str(r["key"])) in breaks:  # the same problem, measured from the interaction log
                continue
            name = r["label"] if pd.notna(r["label"]) else r["key"]
            today = (f" (today {percent(freq.loc[r['key'], 'pct'])} of {count(freq.loc[r['key'], 'n'])} comments)"
                     if freq is not None and r["key"] in freq.index else "")
            gap = break_gap(voice.contrast, None, key=r["key"], out=outcome, who="their")
            rows.append({"id": f"theme:{r['key']}", "kind": "Voice of the customer", "subject": r["key"],
                         "title": f"Act on what customers call \u201c{name}\u201d",
                         "why": f"The {count(r['n_affected'])} respondents who raise it: {gap.text[:1].lower()}"
                                f"{gap.text[1:]}", "owner": "",
                         "basis": "if the respondents who raise it scored like the rest",
                         "measure": f"share of comments raising \u201c{name}\u201d{today}",
                         "worth": r["worth"], "worth_low": r["worth_low"], "worth_high": r["worth_high"],
                         "n": int(r["n"])})
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def compute(data, *, drivers=None, delivery_gap=None, friction=None, voice=None, journey_curve=None) -> ActionsResult:
    """Rank the candidates of the sections named in the signature (None: that section had no data)."""
    from cxlib.present.claims.actions import action_finding, rank_actions
    from cxlib.present.claims.scores import measure

    outcome, _ = outcome_answers(data)
    unit = measure(outcome).unit
    table = candidates(data, drivers=drivers, delivery_gap=delivery_gap, friction=friction, voice=voice)
    ranked = rank_actions(table, n=3)
    findings, actions = [], []
    for k in range(len(ranked)):
        f, a = action_finding(table, k, unit=unit, currency=data.config.currency)
        findings.append(f)
        actions.append(a)
    return ActionsResult(actions=tuple(actions), candidates=table, findings=tuple(findings), unit=unit)


def show(result: ActionsResult, audience: str) -> None:
    """The numbered actions (or why there is none); for analysts every candidate with its worth."""
    from IPython.display import display

    from cxlib.present import narrative, tables
    from cxlib.present.claims.actions import rank_actions
    from cxlib.report.audiences import detailed

    display(narrative.actions_html(list(result.actions),
                                   alternative="No problem in this period's data goes with a score lower than the "
                                               "rest beyond chance, so no action is singled out."))
    if detailed(audience) and result.candidates is not None and len(result.candidates):
        chosen = set(rank_actions(result.candidates, n=3)["id"])
        frame = result.candidates.assign(chosen=result.candidates["id"].isin(chosen),
                                         owner=result.candidates["owner"].fillna("").replace("", "–"))
        display(tables.table(frame.sort_values("worth", ascending=False, kind="stable"),
                             columns={"title": "Candidate", "kind": "Evidence", "worth": f"Worth ({result.unit})",
                                      "kept": "Customers kept", "owner": "Owner", "chosen": "Recommended"},
                             formats={"worth": "signed1", "kept": "int", "chosen": "bool"},
                             ci={"worth": ("worth_low", "worth_high"), "kept": ("kept_low", "kept_high")},
                             suppressed=None, caption="Every candidate action and what it is worth",
                             note="Worth: the gain if the customers concerned scored like the rest (share × "
                                  "difference); recommended when its 95 % interval lies above zero, the three "
                                  "largest. Effects overlap, so they do not add up."))


SECTION = Section(
    id="actions", title="What to do first", audiences=("executive", "analyst"), needs={},
    unlock="", compute=compute, show=show, order=200,
    uses=("drivers", "delivery_gap", "friction", "voice", "journey_curve"),
)
