"""Owners' briefs: for each owner (the department or person the self-assessment names for a touchpoint),
their touchpoints' scores, the gap to what they promise, their top friction, the complaint customers
raise most with a quote, and one action.

Line managers need less detail than analysts: ``cx report <client> --audience owners`` prints one
page per owner from this section's result (:mod:`cxlib.report.briefs`); the analyst report shows
the summary table. Numbers come from :func:`cxlib.analysis.owners.owner_scorecard` (the delivery
gap with Wilson intervals and Holm, friction rates with Wilson intervals and their lift over the
company's rate) and :mod:`cxlib.text` (the rule coder and redacted quotes). A theme is named only
from at least the client's minimum of comments on the owner's touchpoints; a quote only where
the owner's comments number at least the minimum for quotes and its theme is raised that often in
the survey.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.present.findings import Finding
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["OwnerBrief", "OwnersResult", "FRICTION", "THEMES", "compute", "show", "SECTION"]

FRICTION = Part("Friction at each owner's touchpoints", {"interactions": ("touchpoint",)},
                "An interaction log, to measure asked-again contacts, silent waits and repeat contacts per touchpoint.")
THEMES = Part("Themes and quotes per owner", {"responses": ("comment", "interaction_id")},
              "Comments in the transactional survey, linked to the interaction (and so the touchpoint) they are about.")


@dataclass(frozen=True)
class OwnerBrief:
    """One owner's page.

    Attributes
    ----------
    owner : str
    touchpoints : DataFrame
        The owner's touchpoints: ``touchpoint``, ``label``, ``n``, ``mean_rating``, ``customer_pct`` with
        ``ci_low``/``ci_high``, ``company_pct``, ``gap`` with ``gap_ci_low``/``gap_ci_high``, ``promise``, ``suppressed``.
    findings : tuple of Finding
        ``owner_gap``, ``owner_friction``, ``owner_theme`` (those the data allow) and ``owner_action``.
    quote, quote_theme : str or None
        A redacted quote of the top theme, and the theme's label.
    """

    owner: str
    touchpoints: pd.DataFrame
    findings: tuple[Finding, ...]
    quote: str | None = None
    quote_theme: str | None = None

    def finding(self, kind: str) -> Finding | None:
        return next((f for f in self.findings if f.kind == kind), None)


@dataclass(frozen=True, kw_only=True, eq=False)
class OwnersResult(SectionResult):
    """``owners``: one row per owner (the scorecard's summary, widest gap first); ``briefs``: one :class:`OwnerBrief` each."""

    owners: pd.DataFrame | None = None
    briefs: tuple[OwnerBrief, ...] = ()


def _themes(data, owner_of: dict[str, str], codebook) -> tuple[pd.DataFrame, dict]:
    """Per owner: the complaint theme its touchpoints' comments raise most (share with interval), and a quote."""
    from cxlib import text
    from cxlib.analysis import stats
    from cxlib.report.sections.journey_map import complaint_themes

    cfg = data.config
    coded = data.coded_comments()
    mentions = data.comment_mentions()  # row for row with coded
    context = text.comment_context(data.responses, interactions=data.interactions, period=None)
    context = context.assign(owner=context["touchpoint"].astype("string").map(owner_of)).dropna(subset=["owner"])
    n_comments = context.groupby("owner").size()
    distinct = coded.drop_duplicates(["comment_ref", "theme"])
    bad = distinct[distinct["theme"].isin(complaint_themes(codebook))].merge(context[["comment_ref", "owner"]],
                                                                           on="comment_ref")
    theme_total = distinct["theme"].value_counts()
    per_comment = distinct.groupby("comment_ref").size()
    one_theme = set(per_comment.index[per_comment == 1])
    labels = codebook.labels()
    rows, quotes = [], {}
    for owner, part in bad.groupby("owner"):
        n = int(n_comments.get(owner, 0))
        counts = part["theme"].value_counts()
        if n < cfg.min_n or not len(counts):
            continue
        theme, k = str(counts.index[0]), int(counts.iloc[0])
        low, high = stats.proportion_interval(float(k), float(n))
        rows.append({"owner": owner, "theme": theme, "label": labels.get(theme, theme), "k": k, "n": n,
                     "share": k / n, "ci_low": float(low), "ci_high": float(high)})
        if n >= cfg.min_n_quotes and theme_total.get(theme, 0) >= cfg.min_n_quotes:
            refs = set(part.loc[part["theme"] == theme, "comment_ref"])
            refs = (refs & one_theme) or refs  # a quote illustrates one theme: comments coded with it alone first
            chosen = pd.Series(among(coded["comment_ref"], refs), index=coded.index)
            q = text.select_quotes(coded[chosen], data.responses, themes=[theme], mentions=mentions[chosen],
                                   kinds=("negative",), min_n_quotes=1, exclude_review=True, codebook=codebook)
            q = q[~q["suppressed"] & q["quote"].notna()]
            if len(q):
                quotes[owner] = (str(q["quote"].iloc[0]), labels.get(theme, theme))
    return pd.DataFrame(rows, columns=["owner", "theme", "label", "k", "n", "share", "ci_low", "ci_high"]), quotes


def _measure(basis: Finding | None, tp_label: str, row: pd.Series | None) -> str:
    """How the owner tracks the action: the measure behind the finding it rests on, with today's value."""
    from cxlib.present.formatting import percent

    if basis is not None and basis.kind == "owner_friction" and basis.numbers:
        return f"the share of contacts where this happens (now {percent(basis.numbers[0].value)})"
    if basis is not None and basis.kind == "owner_theme" and basis.numbers:
        return f"the share of comments raising it (now {percent(basis.numbers[0].value)})"
    if row is not None and pd.notna(row.get("customer_pct")):
        return f"the share of customers rating {tp_label} 5 of 5 (now {percent(row['customer_pct'])})"
    return f"the mean rating of {tp_label}"


def compute(data) -> OwnersResult:
    """One brief per owner named in the self-assessment (else the department handling each touchpoint most)."""
    from cxlib import text
    from cxlib.analysis.owners import owner_scorecard
    from cxlib.present import view_findings as said
    from cxlib.present.tables import with_labels

    cfg = data.config
    tried = Attempts()
    interactions = data.interactions if has_data(data, FRICTION.needs) else None
    card = tried(owner_scorecard, data.responses, data.self_assessment, interactions, min_n=cfg.min_n,
                 what="Owners' scorecard")
    if card is None or not len(card.owners):
        return OwnersResult(notes=tried.notes)
    tps = with_labels(card.touchpoints, data.labels, column="touchpoint", to="label")
    owner_of = dict(zip(tps["touchpoint"].astype(str), tps["owner"].astype(str)))
    themes, quotes = pd.DataFrame(columns=["owner"]), {}
    if interactions is not None and has_data(data, THEMES.needs):
        themes, quotes = _themes(data, owner_of, data.codebook())
    briefs = []
    for _, o in card.owners.iterrows():
        name = str(o["owner"])
        mine = tps[tps["owner"] == name].reset_index(drop=True)
        worst = mine[mine["touchpoint"].astype("string") == str(o["worst_gap_touchpoint"])]
        w = worst.iloc[0] if len(worst) else None
        tp_label = str(w["label"]) if w is not None else str(mine["label"].iloc[0]) if len(mine) else name
        gap = None
        if w is not None and not bool(w.get("suppressed", False)):
            row = o.copy()
            row["company_pct"], row["customer_pct"], row["gap_n"] = w["company_pct"], w["customer_pct"], w["n"]
            promise = w.get("promise") if isinstance(w.get("promise"), str) else None
            gap = said.owner_gap(row, label=tp_label, promise=promise)
        names = mine["label"].astype(str).tolist()
        where = (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]) \
            if 0 < len(names) <= 3 else name
        friction = said.owner_friction(card.friction[card.friction["owner"] == name], owner=name, where=where)
        t = themes[themes["owner"] == name]
        theme = said.owner_theme(t.iloc[0], owner=name, min_n=cfg.min_n, where=where) if len(t) else None
        # the action rests on the first claim that says something is wrong: a gap beyond chance, then friction, then
        # the complaint raised most
        wide = gap is not None and gap.holds and bool(gap.evidence["said_wide"].iloc[0])
        basis = gap if wide else next((f for f in (friction, theme) if f is not None and f.holds), None)
        if basis is not None and basis.kind != "owner_gap":
            tp_label = where
        action = said.owner_action(basis, owner=name, touchpoint=tp_label, measure=_measure(basis, tp_label, w))
        quote, quote_theme = quotes.get(name, (None, None))
        briefs.append(OwnerBrief(owner=name, touchpoints=mine, quote=quote, quote_theme=quote_theme,
                                 findings=tuple(f for f in (gap, friction, theme, action) if f is not None)))
    return OwnersResult(owners=card.owners, briefs=tuple(briefs), findings=tuple(f for b in briefs for f in b.findings
                                                                              if f.kind == "owner_gap")[:1],
                        notes=tried.notes)


def show(result: OwnersResult, audience: str) -> None:
    """Analysts: one table of every owner's brief at a glance (the briefs themselves are separate pages)."""
    from IPython.display import display

    from cxlib.present import narrative, tables

    rows = []
    for b in result.briefs:
        gap = b.finding("owner_gap")
        fr = b.finding("owner_friction")
        rows.append({"owner": b.owner, "touchpoints": ", ".join(b.touchpoints["label"].astype(str)),
                     "gap": gap.numbers[0].value if gap is not None and gap.numbers else np.nan,
                     "gap_low": gap.numbers[0].ci[0] if gap is not None and gap.numbers else np.nan,
                     "gap_high": gap.numbers[0].ci[1] if gap is not None and gap.numbers else np.nan,
                     "friction": fr.numbers[0].label if fr is not None and fr.holds else "–",
                     "action": b.finding("owner_action").said})
    display(narrative.paragraph_html(f"{len(result.briefs)} owners get a one-page brief (cx report with the owners "
                                     "audience): their touchpoints, their gap to promise, their top friction and "
                                     "complaint, and one action."))
    display(tables.table(pd.DataFrame(rows), columns={"owner": "Owner", "touchpoints": "Touchpoints",
                                                      "gap": "Gap to promise (points)", "friction": "Top friction",
                                                      "action": "Action"},
                         formats={"gap": "signed0"}, ci={"gap": ("gap_low", "gap_high")},
                         caption="Owners' briefs at a glance"))


SECTION = Section(
    id="owners", title="Owners' briefs", audiences=("analyst",),
    needs={"self_assessment": ("touchpoint",), "responses": ("rating_*",)},
    unlock="A self-assessment naming the owner of each touchpoint (owner), with the company's expected share of "
           "5/5 ratings, and touchpoint ratings in the survey.",
    compute=compute, show=show, order=88, parts=(FRICTION, THEMES),
)
