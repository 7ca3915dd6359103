"""Friction along the journey: where customers' journeys broke, what each kind of break goes with, and who owns it.

The breaks (:mod:`cxlib.report.sections.breaks`: asked again, left without updates, unresolved,
contacted again, handed over) split the customers in two; each split is measured on the outcome
and on churn (:mod:`cxlib.report.sections.contrasts`) and sized in outcome points, customers and
annual value. The headline quotes the share of broken journeys and what they go with; the actions
rank the breaks with the other candidates. Analysts also get the per-event models (the odds of
leaving per event) and where the friction happens (by channel).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data, outcome_answers

__all__ = ["FrictionResult", "REPEATED_INFO", "SILENT_WAITS", "OUTCOMES", "SIGNAL_BREAKS", "compute", "findings",
           "breaks_frame", "tables", "format_value_int", "show", "SECTION"]

REPEATED_INFO = Part("Repeated information", {"interactions": ("asked_known_info",)},
                     "A flag per contact saying the customer had to repeat information the company already held.")
SILENT_WAITS = Part("Silent waits", {"interactions": ("case_id", "updates_sent")},
                    "Case numbers and the number of updates sent while each case was open.")
OUTCOMES = Part("Friction and churn", {"customers": ("churned",)},
                "A customer list saying which customers left (churned).")
#: The per-event signals of :func:`cxlib.analysis.journey.friction.friction_association` -> break kind.
SIGNAL_BREAKS = {"n_known_info": "asked_again", "n_silent_cases": "silent_wait", "n_repeats": "repeat_contact",
                 "n_handoffs": "handoff"}


@dataclass(frozen=True, kw_only=True, eq=False)
class FrictionResult(SectionResult):
    """The breaks and what they go with.

    Attributes
    ----------
    breaks : DataFrame
        One row per customer with interactions: a flag per break kind, ``any``, ``n_breaks``.
    kinds : tuple of str
        The break kinds the data records.
    outcome, churn : DataFrame
        :func:`~cxlib.report.sections.contrasts.outcome_contrast` (respondents) and ``churn_contrast``
        (customers with interactions) by break kind and ``any``, with ``label`` and ``owner``.
    rates, owners : DataFrame
        How often each break happens (per contact or case) and where (department, channel).
    dose : DataFrame
        Customers, outcome and churn by number of breaks (0, 1, 2, 3 or more).
    repeated, silent, effects : DataFrame
        Asked again by channel, silent waits by first channel, per-event models (analysts).
    outcome_key : str
        The outcome measured.
    """

    breaks: pd.DataFrame | None = None
    kinds: tuple[str, ...] = ()
    outcome: pd.DataFrame | None = None
    churn: pd.DataFrame | None = None
    rates: pd.DataFrame | None = None
    owners: pd.DataFrame | None = None
    dose: pd.DataFrame | None = None
    repeated: pd.DataFrame | None = None
    silent: pd.DataFrame | None = None
    effects: pd.DataFrame | None = None
    outcome_key: str = "nps"
    labels: dict = field(default_factory=dict)
    currency: str = ""


def _groups(breaks: pd.DataFrame, keys, ids: pd.Series) -> dict[str, pd.Series]:
    flags = breaks.set_index("customer_id")
    from cxlib.report.sections.contrasts import flagged

    return {k: pd.Series(flagged(ids, flags[k]), index=ids.index, dtype="boolean") for k in keys}


def _dose(breaks: pd.DataFrame, answers: pd.DataFrame | None, outcome: str, customers, min_n: int) -> pd.DataFrame:
    from cxlib.report.sections.contrasts import churn_contrast, flagged, outcome_contrast

    band = pd.cut(breaks["n_breaks"], [-1, 0, 1, 2, float("inf")], labels=["none", "one", "two", "three or more"])
    bands = pd.Series(band.astype("string").to_numpy(), index=breaks["customer_id"].astype("string"))
    rows = []
    for name in ["none", "one", "two", "three or more"]:
        flag = bands == name
        row = {"breaks": name, "customers": int(flag.sum())}
        if answers is not None:
            hit = pd.Series(flagged(answers["customer_id"], flag), index=answers.index, dtype="boolean")
            o = outcome_contrast(answers, {name: hit}, outcome=outcome, min_n=min_n).iloc[0]
            row.update(respondents=int(o["n_affected"]), score=o["score_affected"], score_low=o["score_affected_low"],
                       score_high=o["score_affected_high"], suppressed=bool(o["suppressed"]))
        if customers is not None:
            c = churn_contrast(customers, {name: flag}, min_n=min_n).iloc[0]
            row.update(churn=c["churn_affected"], churn_low=c["churn_affected_low"], churn_high=c["churn_affected_high"])
        rows.append(row)
    return pd.DataFrame(rows)


def compute(data) -> FrictionResult:
    """Breaks of the period's interactions, measured on the outcome and on churn."""
    from cxlib.analysis.journey import friction
    from cxlib.report.sections import breaks as b
    from cxlib.report.sections.contrasts import churn_contrast, outcome_contrast

    cfg = data.config
    min_n = cfg.min_n
    tried = Attempts()
    outcome, answers = outcome_answers(data)
    flags = b.journey_breaks(data.interactions)
    kinds = tuple(k.key for k in b.available_breaks(data.interactions))
    keys = (*kinds, "any") if kinds else ()
    out_table = churn_table = None
    if keys and answers is not None and "customer_id" in answers:
        out_table = outcome_contrast(answers, _groups(flags, keys, answers["customer_id"]), outcome=outcome,
                                     min_n=min_n)
    customers = None
    if keys and has_data(data, OUTCOMES.needs):
        customers = data.customers[among(data.customers["customer_id"], flags["customer_id"])]
        churn_table = churn_contrast(customers, {k: flags.set_index("customer_id")[k] for k in keys}, min_n=min_n)
    owners = b.break_owners(data.interactions) if kinds else None
    labels = {x.key: x.short for x in b.BREAKS} | {"any": "Any break"}
    dose = _dose(flags, answers if out_table is not None else None, outcome, customers, min_n) if kinds else None
    effects = tried(friction.friction_association, data.interactions, data.customers, data.responses, min_n=min_n,
                    what="Friction per event") if has_data(data, OUTCOMES.needs) else None
    repeated = tried(friction.repeated_info, data.interactions, min_n=min_n, what="Repeated information") \
        if has_data(data, REPEATED_INFO.needs) else None
    silent = tried(friction.silent_waits, data.interactions, min_n=min_n, what="Silent waits") \
        if has_data(data, SILENT_WAITS.needs) else None
    result = FrictionResult(breaks=flags, kinds=kinds, outcome=out_table, churn=churn_table,
                            rates=b.break_rates(data.interactions) if kinds else None, owners=owners, dose=dose,
                            repeated=repeated, silent=silent, effects=effects, outcome_key=outcome, labels=labels,
                            currency=cfg.currency, notes=tried.notes)
    return replace(result, findings=findings(result, min_n=min_n))


def findings(result: FrictionResult, *, min_n: int) -> tuple:
    """The share of broken journeys, what they go with, and the costliest break."""
    from cxlib.analysis import stats
    from cxlib.present.claims import journey as claims
    from cxlib.report.sections.breaks import describe

    if result.breaks is None or not result.kinds:
        return ()
    n, hit = len(result.breaks), int(result.breaks["any"].sum())
    low, high = stats.proportion_interval([hit], [n])
    whats = [describe(k).brief for k in result.kinds]
    share = claims.broken_share({"n": n, "n_affected": hit}, kinds=whats, low=100 * float(low[0]),
                                high=100 * float(high[0]))
    gap = claims.break_gap(result.outcome, result.churn, out=result.outcome_key)
    worst = claims.costliest_break(result.outcome, result.churn, whats={k: describe(k).what for k in result.kinds},
                                   out=result.outcome_key)
    odds = _odds(result.effects, worst.subject) if worst.holds else ""
    if odds:
        worst = replace(worst, method=f"{worst.method}; odds of leaving ×{odds} per such case (logistic regression)")
    return share, gap, worst


def _odds(effects: pd.DataFrame | None, key: str) -> str:
    from cxlib.present.formatting import format_value

    if effects is None or not len(effects):
        return ""
    signal = {v: k for k, v in SIGNAL_BREAKS.items()}.get(key)
    rows = effects[(effects["signal"] == signal) & (effects["outcome"] == "churn")
                   & ~effects["suppressed"].astype("boolean").fillna(True).to_numpy(bool)]
    if not len(rows):
        return ""
    r = rows.iloc[0]
    return f"{format_value(r['effect_per_event'], '1')} (95 % CI {format_value(r['effect_ci_low'], '1')} to " \
           f"{format_value(r['effect_ci_high'], '1')})"


def breaks_frame(result: FrictionResult) -> pd.DataFrame | None:
    """The outcome contrast of each break kind with its label, for the chart (None without one)."""
    if result.outcome is None or not len(result.outcome):
        return None
    t = result.outcome[~result.outcome["suppressed"].astype(bool)]
    if not len(t):
        return None
    return t.assign(label=t["key"].map(result.labels).fillna(t["key"])).reset_index(drop=True)


def _named(frame: pd.DataFrame, result: FrictionResult) -> pd.DataFrame:
    from cxlib.present.formatting import label

    out = frame.assign(label=frame["key"].map(result.labels).fillna(frame["key"].map(label)))
    if result.owners is not None:
        owners = result.owners.set_index("key")
        out = out.assign(owner=out["key"].map(owners["department"].to_dict()).map(
            lambda v: label(v) if isinstance(v, str) else "–"))
    return out


def tables(result: FrictionResult) -> list:
    """The analyst tables of the section, in order."""
    from cxlib.present import tables as t
    from cxlib.present.claims.scores import measure
    from cxlib.present.formatting import label, money

    m = measure(result.outcome_key)
    out = []
    if result.outcome is not None:
        frame = _named(result.outcome, result).assign(pct=lambda x: 100 * x["share"])
        out.append(t.table(frame, columns={"label": "Break", "n_affected": "Respondents affected", "pct": "Share",
                                           "score_affected": f"{m.name} affected", "score_rest": f"{m.name} of the rest",
                                           "diff": "Difference", "p_adjusted": "p (Holm)", "worth": "Worth"},
                           formats={"pct": "pct0", "score_affected": "signed0", "score_rest": "signed0",
                                    "diff": "signed1", "p_adjusted": "p", "worth": "signed1"},
                           ci={"score_affected": ("score_affected_low", "score_affected_high"),
                               "score_rest": ("score_rest_low", "score_rest_high"), "diff": ("diff_low", "diff_high"),
                               "worth": ("worth_low", "worth_high")},
                           caption=f"Breaks in the journey and {m.name}",
                           note=f"Difference: affected minus the rest ({m.diff_unit}; Welch's t on the coded answers, "
                                f"Holm-adjusted across breaks). Worth: {m.unit} the client would gain if the affected "
                                "scored like the rest (share × difference). Affected and the rest add up to the "
                                "client's score."))
    if result.churn is not None:
        cur = result.currency

        def cash(v):
            return money(v, cur) if cur else format_value_int(v)

        frame = _named(result.churn, result)
        out.append(t.table(frame, columns={"label": "Break", "n_affected": "Customers affected",
                                           "churn_affected": "Left (affected)", "churn_rest": "Left (the rest)",
                                           "diff": "Difference", "kept": "Customers kept", "value_kept": "Value kept",
                                           "owner": "Owner"},
                           formats={"churn_affected": "pct1", "churn_rest": "pct1", "diff": "signed1", "kept": "int",
                                    "value_kept": cash},
                           ci={"churn_affected": ("churn_affected_low", "churn_affected_high"),
                               "churn_rest": ("churn_rest_low", "churn_rest_high"), "diff": ("diff_low", "diff_high"),
                               "kept": ("kept_low", "kept_high"), "value_kept": ("value_kept_low", "value_kept_high")},
                           caption="Breaks in the journey and churn",
                           note="Difference in percentage points (Newcombe interval). Customers kept: customers "
                                "affected × difference, if they had left like the rest; value kept: × their mean "
                                f"annual value{f' ({cur})' if cur else ''}. Associations over one period, not proof "
                                "of cause."))
    if result.rates is not None:
        frame = _named(result.rates, result)
        if result.owners is not None:
            o = result.owners.set_index("key")
            frame = frame.assign(owner_share=frame["key"].map(o["share"].to_dict()),
                                 channel=frame["key"].map(o["channel"].to_dict()).map(
                                     lambda v: label(v) if isinstance(v, str) else "–"),
                                 channel_share=frame["key"].map(o["channel_share"].to_dict()))
        cols = {"label": "Break", "per": "Counted per", "n": "Counted", "n_broken": "Broken", "rate": "Rate"}
        if "owner" in frame:
            cols |= {"owner": "Department", "owner_share": "Its share", "channel": "Channel",
                     "channel_share": "Its share "}
        out.append(t.table(frame, columns=cols, formats={"rate": "pct1", "owner_share": "pct0", "channel_share": "pct0"},
                           ci={"rate": ("rate_low", "rate_high")}, suppressed=None,
                           caption="How often each break happens, and where",
                           note="Department and channel: where the contacts concerned happened most (the owner of "
                                "the action). Rate: Wilson interval."))
    if result.dose is not None:
        cols = {"breaks": "Breaks in the journey", "customers": "Customers"}
        formats, ci = {}, {}
        if "score" in result.dose:
            cols |= {"respondents": "Respondents", "score": m.name}
            formats["score"], ci["score"] = "signed0", ("score_low", "score_high")
        if "churn" in result.dose:
            cols["churn"] = "Left"
            formats["churn"], ci["churn"] = "pct1", ("churn_low", "churn_high")
        out.append(t.table(result.dose, columns=cols, formats=formats, ci=ci, caption="The more breaks, the worse",
                           suppressed="suppressed" if "suppressed" in result.dose else None))
    if result.repeated is not None:
        frame = result.repeated.assign(channel_label=result.repeated["channel"].map(label))
        out.append(t.table(frame, columns={"channel_label": "Channel", "n": "Contacts", "n_asked": "Asked again",
                                           "rate": "Rate", "lift": "× average"},
                           formats={"rate": "frac1", "lift": "2"}, ci={"rate": ("ci_low", "ci_high")},
                           caption="Customers asked for information the company already held, by channel"))
    if result.silent is not None:
        frame = result.silent.assign(channel_label=result.silent["first_channel"].map(label))
        out.append(t.table(frame, columns={"channel_label": "First channel", "n": "Cases", "n_silent": "Silent",
                                           "rate": "Rate", "lift": "× average"},
                           formats={"rate": "frac1", "lift": "2"},
                           ci={"rate": ("ci_low", "ci_high")} if "ci_low" in result.silent else None,
                           caption="Cases left two days or more without an update, by first channel"))
    if result.effects is not None:
        frame = result.effects.assign(
            label=result.effects["signal"].map(SIGNAL_BREAKS).map(result.labels).fillna(
                result.effects["signal"].map(label)),
            outcome_label=result.effects["outcome"].map({"nps": "Answer (0-10)", "churn": "Churn"}),
            unit=result.effects["outcome"].map({"nps": "points on the 0-10 answer", "churn": "odds ratio"}))
        out.append(t.table(frame, columns={"label": "Break", "outcome_label": "Outcome", "n": "Customers",
                                           "n_exposed": "Exposed", "effect_per_event": "Per event",
                                           "effect_p": "p", "unit": "Unit"},
                           formats={"effect_per_event": "2", "effect_p": "p"},
                           ci={"effect_per_event": ("effect_ci_low", "effect_ci_high")},
                           caption="Each further event: the likelihood-to-recommend answer and the odds of leaving",
                           note="Per event: OLS slope of the 0-10 answer (HC3 errors) and odds ratio of churn "
                                "(logistic regression) per further event; associations, not proof of cause."))
    return out


def format_value_int(value) -> str:
    from cxlib.present.formatting import format_value

    return format_value(value, "int")


def show(result: FrictionResult, audience: str) -> None:
    """The findings, the breaks chart, the break tables and the per-event models."""
    from IPython.display import display

    from cxlib.present import charts, narrative
    from cxlib.present.claims.scores import measure

    display(narrative.findings_html(result.findings, audience=audience))
    chart = breaks_frame(result)
    if chart is not None:
        name = measure(result.outcome_key).name
        charts.show(charts.contrast_chart(chart, label="label", xlabel=name,
                                          title=f"{name} of the customers each break happened to, against the rest "
                                                "(95 % interval)"))
    for block in tables(result):
        display(block)


SECTION = Section(
    id="friction", title="Friction along the journey", audiences=("analyst",),
    needs={"interactions": ()},
    unlock="An interaction log (one row per contact: the customer, the date, the lifecycle stage, the channel and the "
           "touchpoint), with case numbers, waiting times, updates sent and a flag when the customer had to repeat "
           "information.",
    compute=compute, show=show, order=50, parts=(REPEATED_INFO, SILENT_WAITS, OUTCOMES),
)
