"""The journey map: every stage × touchpoint (× channel) in one picture, quantitative and qualitative.

Each cell of :func:`cxlib.analysis.journey.journey_map` has its rating, asked-again, silent-wait and
repeat-contact rates and its link to churn (all with intervals, suppressed below the client's
minimum); this section adds what customers write about it: the theme raised most often in the
transactional comments on the cell among the codebook's complaint themes (its share of the
cell's comments, with a Wilson interval, only for cells with at least the client's minimum of
comments) and one redacted quote of it: only from a cell with at least the client's minimum for
quotes of comments, and a theme raised by at least that many comments in the survey (the rule of
the voice of the customer).

The executive version shows the few cells that matter, by the ranking rule of
:func:`~cxlib.analysis.journey.journey_map` (``docs/methods-journey.md``): cells whose friction goes with
significantly more churn first, by the churners it accounts for, then the lowest rated. Cells
are stage × touchpoint × channel there, where the friction sits; the analyst version adds the
whole map by stage and touchpoint and every cell's table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["JourneyMapResult", "CHURN", "THEMES", "CHANNEL_LABELS", "TOP_CELLS", "complaint_themes", "compute", "show",
           "SECTION"]

CHURN = Part("Link to churn", {"customers": ("churned",)},
             "A customer list with a churned flag, to tell which cells go with customers leaving.")
THEMES = Part("Themes and quotes per cell", {"responses": ("comment", "interaction_id")},
              "Comments in the transactional survey, linked to the interaction they are about.")
#: How the report names the usual channels.
CHANNEL_LABELS = {"web": "Web", "app": "App", "phone": "Phone", "store": "Store", "email": "E-mail", "chat": "Chat",
                  "social": "Social", "post": "Post", "branch": "Branch", "agent": "Agent"}
#: Cells the executive map shows.
TOP_CELLS = 6


@dataclass(frozen=True, kw_only=True, eq=False)
class JourneyMapResult(SectionResult):
    """The map and what it rests on.

    Attributes
    ----------
    cells : DataFrame
        :func:`~cxlib.analysis.journey.journey_map` by stage and touchpoint with ``cell`` (its label), and
        ``top_theme`` (label), ``theme_share`` with ``theme_ci_low``/``theme_ci_high``, ``n_comments``.
    by_channel : DataFrame
        The same by stage, touchpoint and channel (the executive map is its first :data:`TOP_CELLS` ranked rows).
    quotes : DataFrame
        One redacted quote per cell where the rules allow: ``cell``, ``label`` (theme), ``quote``, ``kind``.
    overall : dict
        The whole journey's asked-again rate and mean rating with intervals and n (the findings' yardstick).
    stages : tuple of str
        The client's lifecycle stages in order (the analyst map's row order).
    """

    cells: pd.DataFrame | None = None
    by_channel: pd.DataFrame | None = None
    quotes: pd.DataFrame | None = None
    overall: dict = field(default_factory=dict)
    stages: tuple[str, ...] = ()

    @property
    def top(self) -> pd.DataFrame | None:
        """The cells the executive map shows: the first ranked cells by channel."""
        if self.by_channel is None:
            return None
        return self.by_channel.dropna(subset=["rank"]).sort_values("rank", kind="stable").head(TOP_CELLS)


def _label(data, frame: pd.DataFrame) -> pd.Series:
    stage = frame["stage"].astype("string").map(lambda s: data.labels.get(s, str(s).replace("_", " ").capitalize()))
    tp = frame["touchpoint"].astype("string").map(lambda t: data.labels.get(t, str(t).replace("_", " ").capitalize()))
    out = stage.str.cat(tp, sep=" › ")
    if "channel" in frame:
        ch = frame["channel"].astype("string").map(lambda c: CHANNEL_LABELS.get(str(c), str(c).capitalize()))
        out = out.str.cat(ch, sep=" › ")
    return out


def _overall(data) -> dict:
    """The whole journey's asked-again rate and mean transactional rating, with intervals (the kernel's)."""
    from cxlib.analysis import stats
    from cxlib.analysis.journey.common import as_flag
    from cxlib.analysis.journey.scores import touchpoint_scores

    out: dict = {}
    i = data.interactions
    if "asked_known_info" in i:
        flag = as_flag(i["asked_known_info"]).dropna()
        low, high = stats.proportion_interval(float(flag.sum()), float(len(flag)))
        out.update(asked_rate=float(flag.mean()) if len(flag) else np.nan, asked_low=float(low),
                   asked_high=float(high), asked_n=int(len(flag)))
    if data.responses is not None:
        rating = touchpoint_scores(i[["interaction_id", "customer_id", "touchpoint"]], data.responses)["rating"].dropna()
        if len(rating) > 1:
            low, high = stats.mean_interval(rating.mean(), rating.std(ddof=1), len(rating))
            out.update(rating=float(rating.mean()), rating_low=float(low), rating_high=float(high),
                       rating_n=int(len(rating)))
    return out


def complaint_themes(codebook) -> set[str]:
    """Themes that name something going wrong (not praise): the candidates for a cell's top negative theme."""
    from cxlib.text.codebook import infer_polarity

    return {t.id for t in codebook.themes if t.polarity != "praise" and infer_polarity(t.label) != "praise"}


def _cell_themes(data, keys: list[str], codebook, coded, sentiment) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per cell: the complaint theme its comments raise most (share with interval) and one quote of it.

    A complaint often reads neutral ("I had to give my account number again"), so the theme is
    chosen among the codebook's complaint themes, whatever the comment's sentiment; the quote is
    its most negative comment.
    """
    from cxlib import text
    from cxlib.analysis import stats

    cfg = data.config
    context = text.comment_context(data.responses, interactions=data.interactions, period=None)
    context = context.dropna(subset=keys)
    n_comments = context.groupby(keys, observed=True).size().rename("n_comments").reset_index()
    bad = coded[coded["theme"].isin(complaint_themes(codebook))].drop_duplicates(["comment_ref", "theme"])
    bad = bad.merge(context[["comment_ref", *keys]], on="comment_ref")
    counts = bad.groupby([*keys, "theme"], observed=True).size().rename("k").reset_index()
    counts = counts.sort_values([*keys, "k", "theme"], ascending=[True] * len(keys) + [False, True], kind="stable")
    top = counts.drop_duplicates(keys).merge(n_comments, on=keys, how="right")
    top["k"] = top["k"].fillna(0)
    low, high = stats.proportion_interval(top["k"].astype("float64"), top["n_comments"].astype("float64"))
    labels = codebook.labels()
    small = (top["n_comments"] < cfg.min_n).to_numpy() | top["theme"].isna().to_numpy()
    top = top.assign(top_theme=top["theme"].map(lambda t: labels.get(t, t) if pd.notna(t) else pd.NA),
                     theme_share=np.where(small, np.nan, top["k"] / top["n_comments"]),
                     theme_ci_low=np.where(small, np.nan, low), theme_ci_high=np.where(small, np.nan, high))
    top.loc[small, "top_theme"] = pd.NA
    quotes = []
    # the quote minimum applies to the group a quote is shown under -- the cell's comments -- and, as in the
    # voice of the customer, to its theme across the survey
    distinct = coded.drop_duplicates(["comment_ref", "theme"])
    theme_total = distinct["theme"].value_counts()
    per_comment = distinct.groupby("comment_ref").size()
    one_theme = set(per_comment.index[per_comment == 1])
    from cxlib.text.coding import comment_frame

    # each cell's comments of its theme, grouped once (not a scan of every coded comment per cell)
    raised = bad.groupby([*keys, "theme"], observed=True, sort=False)["comment_ref"].agg(set).to_dict()
    wanted = []
    for _, r in top[~small].iterrows():
        if r["n_comments"] < cfg.min_n_quotes or theme_total.get(r["theme"], 0) < cfg.min_n_quotes:
            continue
        refs = raised.get(tuple(r[[*keys, "theme"]]), set())
        single = refs & one_theme  # a quote illustrates one theme: comments coded with it alone first
        wanted.append((r, single or refs))
    # the quoted cells' comments, taken once from the whole survey; each cell then looks among these few
    quoted = list(set().union(*(refs for _, refs in wanted))) if wanted else []
    coded = coded[among(coded["comment_ref"], quoted)]
    sentiment = sentiment[among(sentiment["comment_ref"], quoted)]
    comments = comment_frame(data.responses)
    comments = comments[among(comments["comment_ref"], quoted)]
    for r, refs in wanted:
        q = text.select_quotes(coded[among(coded["comment_ref"], refs)], comments[among(comments["comment_ref"], refs)],
                               text="text", ref="comment_ref",
                               mentions=sentiment[among(sentiment["comment_ref"], refs)], themes=[r["theme"]],
                               kinds=("negative",), min_n_quotes=1, exclude_review=True, codebook=codebook)
        q = q[~q["suppressed"] & q["quote"].notna()]
        if len(q):
            quotes.append({**{k: r[k] for k in keys}, "label": q["label"].iloc[0], "quote": q["quote"].iloc[0],
                           "kind": q["kind"].iloc[0], "comment_ref": q["comment_ref"].iloc[0]})
    cols = [*keys, "label", "quote", "kind", "comment_ref"]
    return (top[[*keys, "n_comments", "top_theme", "theme_share", "theme_ci_low", "theme_ci_high"]],
            pd.DataFrame(quotes, columns=cols))


def compute(data) -> JourneyMapResult:
    """The map by stage × touchpoint and by stage × touchpoint × channel, with themes and quotes where allowed."""
    from cxlib import text
    from cxlib.analysis.journey import journey_map
    from cxlib.present import journey_findings as said

    cfg = data.config
    tried = Attempts()
    customers = data.customers if has_data(data, CHURN.needs) else None
    maps = {}
    for name, channel in (("cells", False), ("by_channel", True)):
        if channel and "channel" not in data.interactions:
            maps[name] = None
            continue
        maps[name] = tried(journey_map, data.interactions, data.responses, customers, channel=channel,
                           min_n=cfg.min_n, what="The journey map" + (" by channel" if channel else ""))
    quotes = None
    if has_data(data, THEMES.needs):
        codebook = data.codebook()
        coded = data.coded_comments()
        sentiment = data.comment_mentions()
        found = []
        for name, keys in (("cells", ["stage", "touchpoint"]), ("by_channel", ["stage", "touchpoint", "channel"])):
            if maps[name] is None:
                continue
            themes, q = _cell_themes(data, keys, codebook, coded, sentiment)
            maps[name] = maps[name].merge(themes, on=keys, how="left")
            found.append(q.assign(cell=_label(data, q)) if len(q) else q.assign(cell=pd.Series(dtype="string")))
        quotes = pd.concat(found, ignore_index=True) if found else None
    for name, frame in maps.items():
        if frame is not None:
            maps[name] = frame.assign(cell=_label(data, frame).to_numpy())
    overall = _overall(data)
    detail = maps["by_channel"] if maps["by_channel"] is not None else maps["cells"]
    findings = [f for f in (
        said.map_matters(detail, n_cells=len(detail)) if detail is not None and customers is not None else None,
        said.map_asked_again(detail, overall) if detail is not None else None,
        said.map_lowest_rating(detail, overall) if detail is not None else None,
    ) if f is not None]
    return JourneyMapResult(cells=maps["cells"], by_channel=maps["by_channel"], quotes=quotes, overall=overall,
                            stages=tuple(cfg.stages or ()), findings=tuple(findings), notes=tried.notes)


def _quotes_for(result: JourneyMapResult, cells: pd.DataFrame, *, shown: set | None = None) -> pd.DataFrame | None:
    """The quotes of ``cells``, in their order; a comment in ``shown`` (quoted above) is not quoted again."""
    if result.quotes is None or not len(result.quotes):
        return None
    order = {c: i for i, c in enumerate(cells["cell"])}
    q = result.quotes[result.quotes["cell"].isin(set(order))]
    if shown:
        q = q[~q["quote"].isin(shown)]
    q = q.assign(_o=q["cell"].map(order)).sort_values("_o", kind="stable").drop(columns="_o")
    q = q.drop_duplicates("quote")  # the same words under two cells are quoted once, under the first
    return q.assign(label=q["cell"] + " · " + q["label"].astype("string")) if len(q) else None


def show(result: JourneyMapResult, audience: str) -> None:
    """The findings and the map of the cells that matter; for analysts the whole map and every cell's table."""
    from IPython.display import display

    from cxlib.present import charts, journey_charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings))
    shown: set = set()  # quote texts already on the page: a comment is quoted once
    top = result.top
    if top is not None and len(top):
        charts.show(journey_charts.journey_map_chart(
            top, title=f"The {len(top)} cells that matter most (ranked; bold: friction there goes with more churn)"))
        quotes = _quotes_for(result, top)
        if quotes is not None:
            display(narrative.quotes_html(quotes, kind=None, limit=3))
            shown = set(quotes["quote"].head(3))
    if not detailed(audience):
        return
    if result.cells is not None and len(result.cells):
        order = {s: i for i, s in enumerate(result.stages)}
        ordered = result.cells.assign(_s=result.cells["stage"].astype("string").map(order).astype("float64"))
        ordered = ordered.sort_values(["_s", "touchpoint"], kind="stable")
        charts.show(journey_charts.journey_map_chart(ordered, title="The journey map: every stage and touchpoint"))
        quotes = _quotes_for(result, ordered, shown=shown)
        if quotes is not None and len(quotes):
            display(narrative.quotes_html(quotes, kind=None))
    frame = result.by_channel if result.by_channel is not None else result.cells
    if frame is not None:
        named = {"rank": "Rank", "cell": "Cell", "n": "Contacts", "rating": "Rating", "asked_again_rate": "Asked again",
                 "silent_wait_rate": "Silent wait", "repeat_rate": "Repeat contact",
                 "churn_difference": "Churn difference", "churn_p_adjusted": "p (Holm)",
                 "top_theme": "Top negative theme"}
        # a client without comments (or without churn) has no theme (churn) columns: show what it has
        display(tables.table(frame, columns={k: v for k, v in named.items() if k in frame.columns},
                             formats={"rank": "int", "rating": "2", "asked_again_rate": "frac0",
                                      "silent_wait_rate": "frac0", "repeat_rate": "frac0",
                                      "churn_difference": "frac0", "churn_p_adjusted": "p"},
                             ci={"rating": ("rating_ci_low", "rating_ci_high"),
                                 "asked_again_rate": ("asked_ci_low", "asked_ci_high"),
                                 "churn_difference": ("churn_ci_low", "churn_ci_high")},
                             caption="Every cell of the journey map, ranked",
                             note="Churn difference: churn of the cell's customers who met friction there (a rating "
                                  "of 2 or less, asked again, a silent wait) minus churn of those who did not, "
                                  "Newcombe interval, Holm-adjusted across cells. Association, not cause.",
                             max_rows=40))


SECTION = Section(
    id="journey_map", title="Journey map", audiences=("executive", "analyst"),
    needs={"interactions": ("stage", "touchpoint")},
    unlock="An interaction log with the lifecycle stage and touchpoint of each contact (and, for its measures, the "
           "channel, whether customers were asked again for known information, case numbers, waiting times and "
           "updates sent).",
    compute=compute, show=show, order=35, parts=(CHURN, THEMES),
)
