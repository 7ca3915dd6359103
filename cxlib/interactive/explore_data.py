"""What the explorer computes, without widgets: selections, headline, breakdowns, search, drill-down,
comparison, social mentions. :class:`ExplorerData` is built once per client and answers each filter
change from memory.

Why it is fast enough for a client with a million interactions: the responses are read once from
the validated DuckDB store with their customer's segment and their interaction's stage, channel
and touchpoint joined *in DuckDB* (the interactions never become a DataFrame); what does not depend
on the filters is computed once and cached (comment themes and sentiment on disk in
``build/<client>/explore/``, keyed by the store's input fingerprint, and each search's hits over
every comment in memory), so a filter change is a boolean mask over ~10⁵ rows, a few grouped
counts, and the redaction of the handful of comments shown. Measured in ``bench/bench_explore.py``
(``docs/benchmarks/explore.md``).

Every number comes from :mod:`cxlib.analysis.metrics` (NPS and its interval by group, the
comparison of two selections with Welch's test on the +100/0/-100 coding) with the client's
``min_n``; comments are shown redacted (:func:`cxlib.text.redact.redact_series`) and only for groups
of at least ``min_n_quotes`` comments; filler ("ok", "no comment") is never quoted.

Examples
--------
>>> data = ExplorerData(open_client("acme-telecom", root=demo_root))   # doctest: +SKIP
>>> data.headline(Filters(segments=("business",))).sentence           # doctest: +SKIP
'1,204 responses selected: 1,150 answered the NPS question (600 relationship, 550 transactional); ...'
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.analysis.selection import Filters, selection_mask
from cxlib.errors import DataError
from cxlib.interactive.verbatims import SearchQuery, SearchResult, is_filler, parse_query

__all__ = ["ExplorerData", "Headline", "SearchQuery", "SearchResult", "Comparison", "Drill", "CHART_BY",
           "is_filler", "parse_query", "COMPARE_WITH"]

#: Groupings the chart offers (a theme groups the comments that mention it).
CHART_BY: tuple[str, ...] = ("segment", "touchpoint", "stage", "channel", "quarter", "region", "theme")
#: What a selection can be compared with.
COMPARE_WITH: tuple[str, ...] = ("the rest", "the previous period")

@dataclass(frozen=True)
class Headline:
    """NPS of a selection by survey type, and the counts that reconcile with it."""

    table: pd.DataFrame
    selected: int
    with_nps: int
    by_survey: dict
    sentence: str


@dataclass(frozen=True)
class Comparison:
    """Two selections side by side: their NPS, the difference and its interval (metrics.compare_groups)."""

    table: pd.DataFrame
    label_a: str
    label_b: str
    overlap: int
    sentence: str


@dataclass(frozen=True)
class Drill:
    """What lies behind one bar: its responses' comments and customers."""

    by: str
    value: str
    responses: int
    with_nps: int
    comments: pd.DataFrame
    customers: pd.DataFrame
    suppressed: bool


_RESPONSE_SQL = """
select r.*{replace}{customer_cols}{interaction_cols}
from responses r
{customer_join}
{interaction_join}
"""


class ExplorerData:
    """One client's responses (with context), comments and mentions, ready for the explorer.

    Parameters
    ----------
    ws : Workspace
        An open client (:func:`cxlib.workspace.open_client`).
    codebook : Codebook, optional
        For themes (default: the client's codebook, else the starter codebook).
    cache : bool
        Keep comment themes and sentiment in ``build/<client>/explore/`` between sessions.
    """

    def __init__(self, ws, *, codebook=None, cache: bool = True) -> None:
        self.ws = ws
        self.config = ws.config
        self._codebook = codebook
        self._cache_on = cache
        self._search_cache: OrderedDict = OrderedDict()
        self._result_cache: OrderedDict = OrderedDict()
        self._mask_cache: dict = {}
        con = ws.connect()
        try:
            present = set(con.execute("select table_name from information_schema.tables").df()["table_name"])
            self.context = self._read_context(con, present)
            self.mentions = self._read_mentions(con, present)
        finally:
            con.close()
        self.key = hashlib.sha256(json.dumps(ws.input_fingerprint(), sort_keys=True).encode()).hexdigest()[:16]
        ctx = self.context
        comment = ctx["comment"].astype("string") if "comment" in ctx else pd.Series(pd.NA, index=ctx.index,
                                                                                     dtype="string")
        self.has_comment = (comment.notna() & (comment.str.strip() != "")).fillna(False).to_numpy(bool)
        self.filler = np.zeros(len(ctx), dtype=bool)
        self.filler[self.has_comment] = [is_filler(t) for t in comment[self.has_comment]]
        self.has_nps = ctx["nps"].notna().to_numpy(bool) if "nps" in ctx else np.zeros(len(ctx), dtype=bool)
        self._lower = comment.str.lower()
        # what the scores need, without the comment text and the other wide columns: every grouped
        # count of a filter change works on this narrow frame (fewer copies, nothing for gc to walk)
        keep = [c for c in ("response_id", "customer_id", "survey", "nps", "answered_at", "segment", "region", "stage",
                            "channel", "touchpoint", "quarter", "churned") if c in ctx]
        self.scores = ctx[keep].copy()
        self._ids = ctx["response_id"].astype("string") if "response_id" in ctx else pd.Series(dtype="string")
        self.mention_filler = (self.mentions["text"].map(is_filler).to_numpy(bool) if self.mentions is not None
                               else np.zeros(0, dtype=bool))
        #: Bumped whenever something long-lived is loaded (a client, themes, sentiment).
        self.generation = 1
        self._themes: pd.DataFrame | None = None
        self._sentiment: pd.Series | None = None
        self._mention_sentiment: pd.Series | None = None

    # -- loading ------------------------------------------------------------------------------------
    @staticmethod
    def _read_context(con, present: set[str]) -> pd.DataFrame:
        if "responses" not in present:
            return pd.DataFrame(columns=["response_id", "customer_id", "answered_at", "survey", "nps", "comment"])
        cols = {r[0] for r in con.execute("describe responses").fetchall()}
        cust_cols = inter_cols = ""
        cust_join = inter_join = ""
        both: list[str] = []  # in the survey export too: its own answer first, the gaps from the joined table
        if "customers" in present and "customer_id" in cols:
            have = {r[0] for r in con.execute("describe customers").fetchall()}
            take = [c for c in ("segment", "region", "churned", "annual_value") if c in have and c not in cols]
            both += [f"coalesce(r.{c}, c.{c}) as {c}" for c in ("segment", "region", "churned", "annual_value")
                     if c in have and c in cols]
            cust_cols = "".join(f", c.{c}" for c in take)
            cust_join = "left join customers c on c.customer_id = r.customer_id" if take or both else ""
        if "interactions" in present and "interaction_id" in cols:
            have = {r[0] for r in con.execute("describe interactions").fetchall()}
            take = [c for c in ("stage", "channel", "touchpoint", "department") if c in have and c not in cols]
            mine = [c for c in ("stage", "channel", "touchpoint", "department") if c in have and c in cols]
            both += [f"coalesce(r.{c}, i.{c}) as {c}" for c in mine]
            inter_cols = "".join(f", i.{c}" for c in take)
            inter_join = "left join interactions i on i.interaction_id = r.interaction_id" if take or mine else ""
        sql = _RESPONSE_SQL.format(replace=f" replace ({', '.join(both)})" if both else "", customer_cols=cust_cols,
                                   interaction_cols=inter_cols, customer_join=cust_join,
                                   interaction_join=inter_join) + " order by r.answered_at, r.response_id"
        frame = con.execute(sql).df()
        for col in ("segment", "region", "stage", "channel", "touchpoint", "department", "survey"):
            if col in frame:
                frame[col] = frame[col].astype("category")
        if "answered_at" in frame:
            frame["answered_at"] = pd.to_datetime(frame["answered_at"])
            frame["quarter"] = frame["answered_at"].dt.to_period("Q").astype("string").astype("category")
            frame["month"] = frame["answered_at"].dt.strftime("%Y-%m").astype("category")
        return frame

    @staticmethod
    def _read_mentions(con, present: set[str]) -> pd.DataFrame | None:
        if "mentions" not in present:
            return None
        join = ""
        if "customers" in present:
            have = {r[0] for r in con.execute("describe mentions").fetchall()}
            if "customer_id" in have:
                join = "left join (select customer_id, segment from customers) c using (customer_id)"
        frame = con.execute(f"select m.*{', c.segment' if join else ''} from mentions m {join} "
                            "order by m.posted_at, m.mention_id").df()
        frame["posted_at"] = pd.to_datetime(frame["posted_at"])
        return frame

    # -- cached per comment -------------------------------------------------------------------------
    def _cache_path(self, what: str):
        return self.ws.build_dir / "explore" / f"{what}-{self.key}.parquet"

    def _cached(self, what: str, compute):
        path = self._cache_path(what)
        if self._cache_on and path.exists():
            try:
                return pd.read_parquet(path)
            except (OSError, ValueError):
                pass
        frame = compute()
        if self._cache_on:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob(f"{what}-*.parquet"):
                old.unlink(missing_ok=True)  # built from older inputs
            tmp = path.with_suffix(".tmp")
            frame.to_parquet(tmp, index=False)
            tmp.replace(path)
        return frame

    @property
    def codebook(self):
        if self._codebook is None:
            from cxlib.text import load_codebook, starter_codebook

            path = self.ws.codebook_path
            self._codebook = load_codebook(path) if path and path.exists() else starter_codebook()
        return self._codebook

    def themes(self) -> pd.DataFrame:
        """``response_id, theme`` for every coded comment (the codebook's rule coder; cached)."""
        if self._themes is None:
            def compute():
                from cxlib.text import code_comments

                rows = self.context.loc[self.has_comment, ["response_id", "comment"]]
                if not len(rows):
                    return pd.DataFrame({"response_id": pd.Series(dtype="string"), "theme": pd.Series(dtype="string")})
                coded = code_comments(rows, self.codebook)
                coded = coded[coded["theme"] != "uncoded"]
                return pd.DataFrame({"response_id": coded["comment_ref"].astype("string"),
                                     "theme": coded["theme"].astype("string")})

            self._themes = self._cached("themes", compute)
            self.generation += 1
        return self._themes

    def theme_labels(self) -> dict[str, str]:
        return {t.id: t.label for t in self.codebook.themes}

    def sentiment(self) -> pd.Series:
        """VADER label of every comment (positive/neutral/negative; NA without comment), cached on disk."""
        if self._sentiment is None:
            def compute():
                from cxlib.text import comment_sentiment

                rows = self.context.loc[self.has_comment, ["response_id", "comment"]]
                out = comment_sentiment(rows) if len(rows) else pd.DataFrame(columns=["comment_ref", "label"])
                return pd.DataFrame({"response_id": out["comment_ref"].astype("string"),
                                     "label": out["label"].astype("string")})

            frame = self._cached("sentiment", compute)
            labels = dict(zip(frame["response_id"], frame["label"]))
            self._sentiment = self._ids.map(labels).astype("string")
            self.generation += 1
        return self._sentiment

    # -- selections ---------------------------------------------------------------------------------
    def mask(self, filters: Filters) -> np.ndarray:
        """The selected responses (boolean, one per row of ``context``); the last few are kept."""
        cached = self._mask_cache.get(filters)
        if cached is None:
            cached = selection_mask(self.context, filters)
            cached.setflags(write=False)
            self._mask_cache[filters] = cached
            if len(self._mask_cache) > 32:
                self._mask_cache.pop(next(iter(self._mask_cache)))
        return cached

    def _memo(self, key, compute):
        if key in self._result_cache:
            self._result_cache.move_to_end(key)
            return self._result_cache[key]
        value = compute()
        self._result_cache[key] = value
        if len(self._result_cache) > 128:
            self._result_cache.popitem(last=False)
        return value

    def headline(self, filters: Filters) -> Headline:
        """NPS by survey type, and why the counts differ (relationship vs transactional, no NPS answer)."""
        return self._memo(("headline", filters), lambda: self._headline(filters))

    def _headline(self, filters: Filters) -> Headline:
        from cxlib.analysis import metrics

        mask = self.mask(filters)
        sel = self.scores[mask & self.has_nps]
        selected, with_nps = int(mask.sum()), len(sel)
        survey = self.context.loc[mask, "survey"].astype("string").fillna("unknown") if "survey" in self.context \
            else pd.Series("all", index=self.context.index[mask])
        counts = survey.value_counts().to_dict()
        nps_counts = sel["survey"].astype("string").fillna("unknown").value_counts().to_dict() \
            if "survey" in sel else {"all": with_nps}
        if with_nps:
            by = "survey" if "survey" in sel else None
            table = metrics.nps(sel, by=by, min_n=self.config.min_n, complementary=False)
        else:
            table = pd.DataFrame(columns=["survey", "n", "nps", "ci_low", "ci_high", "suppressed"])
        parts = ", ".join(f"{nps_counts.get(k, 0):,} {k}" for k in sorted(counts))
        without = selected - with_nps
        sentence = (f"{selected:,} responses selected: {with_nps:,} answered the NPS question ({parts})"
                    + (f"; {without:,} did not (a CSAT or effort answer only, or the question skipped)" if without
                       else "") + ". Relationship and transactional NPS are reported apart: they ask about "
                                  "different things (the whole relationship, one interaction).")
        return Headline(table=table, selected=selected, with_nps=with_nps,
                        by_survey={k: (int(counts.get(k, 0)), int(nps_counts.get(k, 0))) for k in counts},
                        sentence=sentence)

    def breakdown(self, filters: Filters, by: str) -> pd.DataFrame:
        """NPS of the selection by ``by`` (a :data:`CHART_BY` grouping), suppressed below ``min_n``.

        Returns
        -------
        DataFrame
            ``<by>`` (as text), ``n``, ``nps``, ``ci_low``, ``ci_high``, ``suppressed``, ordered by
            the client's order for stages/segments, by time for quarters, else by n.
        """
        return self._memo(("breakdown", filters, by), lambda: self._breakdown(filters, by))

    def _breakdown(self, filters: Filters, by: str) -> pd.DataFrame:
        from cxlib.analysis import metrics

        if by not in CHART_BY:
            raise DataError(f"Chart by {by!r}: choose one of {', '.join(CHART_BY)}.")
        cols = [by, "n", "nps", "ci_low", "ci_high", "suppressed"]
        sel = self.scores[self.mask(filters) & self.has_nps]
        if by == "theme":
            themes = self.themes()
            sel = sel[["response_id", "nps"]].astype({"response_id": "string"}).merge(themes, on="response_id")
        elif by not in sel:
            return pd.DataFrame(columns=cols)
        sel = sel[sel[by].notna()]
        if not len(sel):
            return pd.DataFrame(columns=cols)
        sel = sel.assign(**{by: sel[by].astype("string")})
        table = metrics.nps(sel, by=by, min_n=self.config.min_n, complementary=False)
        table = table[[c for c in cols if c in table]]
        order = {"stage": self.config.stages, "segment": self.config.segments}.get(by)
        if by == "theme":
            labels = self.theme_labels()
            table = table.assign(label=table["theme"].map(labels).fillna(table["theme"]))
        if order:
            rank = {v: i for i, v in enumerate(order)}
            table = table.sort_values(by, key=lambda s: s.map(rank).fillna(len(rank)), kind="stable")
        elif by == "quarter":
            table = table.sort_values(by, kind="stable")
        else:
            table = table.sort_values("n", ascending=False, kind="stable")
        return table.reset_index(drop=True)

    # -- comments -------------------------------------------------------------------------------------
    def search_mask(self, query: SearchQuery) -> np.ndarray:
        """Comments (over the whole client) matching a search; cached per query, so a filter change is free."""
        key = (query.terms, query.theme, query.sentiment)
        if key in self._search_cache:
            return self._search_cache[key]
        hit = self.has_comment.copy()
        for term in query.terms:
            pattern = r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+") + r"(?!\w)"
            hit &= self._lower.str.contains(pattern, regex=True).fillna(False).to_numpy(bool)
        if query.theme:
            themes = self.themes()
            ids = set(themes.loc[themes["theme"] == query.theme, "response_id"])
            hit &= self._ids.isin(ids).to_numpy(bool)
        if query.sentiment:
            hit &= (self.sentiment() == query.sentiment).fillna(False).to_numpy(bool)
        self._search_cache[key] = hit
        if len(self._search_cache) > 64:
            self._search_cache.popitem(last=False)
        return hit

    def _shown(self, rows: pd.DataFrame, *, limit: int) -> pd.DataFrame:
        """The newest ``limit`` rows, redacted: ``quote, label, nps, answered_at, response_id, needs_review``."""
        from cxlib.text.redact import redact_series

        rows = rows.sort_values(["answered_at", "response_id"], ascending=[False, True], kind="stable").head(limit)
        red = redact_series(rows["comment"].astype("string"))
        label = rows["segment"].astype("string") if "segment" in rows else pd.Series("", index=rows.index)
        return pd.DataFrame({"quote": red["text"].to_numpy(), "label": label.fillna("").to_numpy(),
                             "survey": rows["survey"].astype("string").to_numpy() if "survey" in rows else "",
                             "nps": rows["nps"].to_numpy() if "nps" in rows else np.nan,
                             "answered_at": rows["answered_at"].to_numpy(),
                             "response_id": rows["response_id"].astype("string").to_numpy(),
                             "needs_review": red["needs_review"].to_numpy()})

    def search(self, filters: Filters, query: SearchQuery = SearchQuery(), *, limit: int = 20) -> SearchResult:
        """Comments of the selection that match ``query`` (all comments when it is empty).

        Counting is over every comment of the selection; ``shown`` holds the newest ``limit``
        matches that are not filler, redacted. Nothing is shown from a selection with fewer than
        the client's ``min_n_quotes`` comments.
        """
        return self._memo(("search", filters, query, limit), lambda: self._search(filters, query, limit))

    def _search(self, filters: Filters, query: SearchQuery, limit: int) -> SearchResult:
        mask = self.mask(filters) & self.has_comment
        hits = mask & self.search_mask(query) if not query.empty else mask
        comments, matches = int(mask.sum()), int(hits.sum())
        filler = int((hits & self.filler).sum())
        suppressed = comments < self.config.min_n_quotes
        rows = self.context[hits & ~self.filler]
        shown = self._shown(rows, limit=limit) if not suppressed and len(rows) else self._shown(rows.head(0), limit=0)
        return SearchResult(query=query, matches=matches, comments=comments, filler=filler, shown=shown,
                            suppressed=suppressed)

    # -- drill down -----------------------------------------------------------------------------------
    def drill(self, filters: Filters, by: str, value: str, *, limit: int = 25) -> Drill:
        """The comments and customers behind one bar of :meth:`breakdown`."""
        mask = self.mask(filters).copy()
        if by == "theme":
            themes = self.themes()
            ids = set(themes.loc[themes["theme"] == value, "response_id"])
            mask &= self._ids.isin(ids).to_numpy(bool)
        elif by in self.context:
            mask &= (self.context[by].astype("string") == value).fillna(False).to_numpy(bool)
        else:
            raise DataError(f"Drill down by {by!r}: this client has no such column.")
        rows = self.scores[mask]
        commented = mask & self.has_comment
        suppressed = int(commented.sum()) < self.config.min_n_quotes
        shown_rows = self.context[commented & ~self.filler]
        comments = self._shown(shown_rows, limit=0 if suppressed else limit)
        customers = pd.DataFrame(columns=["customer_id", "segment", "responses", "last_nps", "last_answered",
                                          "churned"])
        if "customer_id" in rows and len(rows):
            ordered = rows.sort_values("answered_at", kind="stable")
            agg = {"responses": ("response_id", "size"), "last_answered": ("answered_at", "max")}
            if "nps" in ordered:
                agg["last_nps"] = ("nps", "last")
            for col in ("segment", "churned"):
                if col in ordered:
                    agg[col] = (col, "first")
            customers = (ordered.groupby("customer_id", observed=True, dropna=True).agg(**agg).reset_index()
                         .sort_values(["responses", "last_answered"], ascending=False, kind="stable"))
        if "last_answered" in customers:
            customers["last_answered"] = pd.to_datetime(customers["last_answered"]).dt.strftime("%Y-%m-%d")
        return Drill(by=by, value=value, responses=int(mask.sum()), with_nps=int((mask & self.has_nps).sum()),
                     comments=comments, customers=customers.reset_index(drop=True), suppressed=suppressed)

    # -- compare ----------------------------------------------------------------------------------------
    def other_selection(self, filters: Filters, compare_with: str) -> tuple[np.ndarray, str]:
        """The mask and label of what ``filters`` is compared with (:data:`COMPARE_WITH`)."""
        mask = self.mask(filters)
        if compare_with == "the rest":
            return ~mask, "the rest"
        if compare_with == "the previous period":
            dates = self.context["answered_at"]
            start = filters.start if filters.start is not None else dates.min().normalize()
            end = filters.end if filters.end is not None else dates.max().normalize()
            days = (end - start).days + 1
            prev = Filters(segments=filters.segments, channels=filters.channels, stages=filters.stages,
                           start=start - pd.Timedelta(days=days), end=start - pd.Timedelta(days=1))
            return self.mask(prev), f"the previous period ({prev.start:%d %b %Y} to {prev.end:%d %b %Y})"
        raise DataError(f"Compare with {compare_with!r}: choose one of {', '.join(COMPARE_WITH)}.")

    def compare(self, filters: Filters, compare_with: str = "the rest", *, other: Filters | None = None,
                other_label: str | None = None) -> Comparison:
        """NPS of the selection against another one: the difference (selection − other) and its interval.

        Uses :func:`cxlib.analysis.metrics.compare_groups` (Welch's t on the +100/0/-100 coding),
        one row per survey type present in both, Holm-corrected, suppressed below ``min_n``.
        """
        from cxlib.analysis import metrics

        mask_a = self.mask(filters)
        if other is not None:
            mask_b, label_b = self.mask(other), other_label or other.describe()
        else:
            mask_b, label_b = self.other_selection(filters, compare_with)
        overlap = int((mask_a & mask_b).sum())
        cols = [c for c in ("nps", "survey") if c in self.scores]
        a = self.scores.loc[mask_a & self.has_nps, cols].assign(selection="selection")
        b = self.scores.loc[mask_b & self.has_nps, cols].assign(selection="comparison")
        both = pd.concat([a, b], ignore_index=True)
        within = "survey" if "survey" in both and both["survey"].notna().any() else None
        cols = ["survey", "n_a", "n_b", "score_a", "score_b", "diff", "ci_low", "ci_high", "p_adjusted",
                "significant", "suppressed"]
        if len(a) and len(b):
            if within:
                both["survey"] = both["survey"].astype("string")
            table = metrics.compare_groups(both, by="selection", within=within, reference="comparison",
                                           min_n=self.config.min_n, complementary=False)
            table = table.rename(columns={"n_a": "n_other", "n_b": "n_selection", "score_a": "nps_other",
                                          "score_b": "nps_selection"})
        else:
            table = pd.DataFrame(columns=cols)
        label_a = filters.describe()
        if len(table) and not table["suppressed"].all():
            row = table[~table["suppressed"]].iloc[0]
            survey = f"{row['survey']} " if "survey" in table else ""
            sentence = (f"{survey}NPS {row['nps_selection']:+.1f} in the selection against {row['nps_other']:+.1f} "
                        f"in {label_b}: a difference of {row['diff']:+.1f} points (95 % interval "
                        f"{row['ci_low']:+.1f} to {row['ci_high']:+.1f}; "
                        + ("significant after Holm's correction)." if row["significant"] else
                           "not significant after Holm's correction)."))
        else:
            sentence = (f"Too few NPS answers to compare the selection ({len(a):,}) with {label_b} ({len(b):,}): the "
                        f"client's minimum is {self.config.min_n} per group and survey type.")
        if overlap:
            sentence += f" The two selections share {overlap:,} responses: the test assumes they do not."
        return Comparison(table=table, label_a=label_a, label_b=label_b, overlap=overlap, sentence=sentence)

    # -- social mentions and reviews ---------------------------------------------------------------------
    def mentions_in(self, filters: Filters) -> tuple[pd.DataFrame, str]:
        """Mentions in the selection's period (and segments, for posts linked to a customer), with a note."""
        if self.mentions is None:
            return pd.DataFrame(columns=["mention_id", "source", "posted_at", "text"]), "This client has no mentions."
        m = self.mentions
        mask = selection_mask(m.rename(columns={"posted_at": "answered_at"}),
                              Filters(start=filters.start, end=filters.end))
        note = ""
        if filters.segments:
            linked = m["segment"].notna().to_numpy(bool) if "segment" in m else np.zeros(len(m), dtype=bool)
            unlinked = int((mask & ~linked).sum())
            mask &= linked & m.get("segment", pd.Series(index=m.index, dtype="string")).astype("string") \
                .isin(filters.segments).fillna(False).to_numpy(bool)
            note = (f"{unlinked:,} posts in the period are not linked to a customer, so they cannot be placed in a "
                    "segment and are left out.") if unlinked else ""
        if filters.channels or filters.stages:
            note += " Channel and stage filters do not apply to social posts and reviews."
        return m[mask], note.strip()

    def mention_sentiment(self) -> pd.Series:
        if self._mention_sentiment is None:
            def compute():
                from cxlib.text import comment_sentiment

                out = comment_sentiment(self.mentions[["mention_id", "text"]])
                return pd.DataFrame({"mention_id": out["comment_ref"].astype("string"),
                                     "label": out["label"].astype("string")})

            frame = self._cached("mention-sentiment", compute)
            labels = dict(zip(frame["mention_id"], frame["label"]))
            self._mention_sentiment = self.mentions["mention_id"].astype("string").map(labels).astype("string")
            self.generation += 1
        return self._mention_sentiment

    def social(self, filters: Filters, query: SearchQuery = SearchQuery(), *, limit: int = 10) -> dict:
        """Mentions by source (count, net sentiment) and the newest matching posts, redacted."""
        from cxlib.text.redact import redact_series

        rows, note = self.mentions_in(filters)
        if self.mentions is None or not len(rows):
            return {"by_source": pd.DataFrame(columns=["source", "posts", "negative_pct", "positive_pct"]),
                    "shown": pd.DataFrame(columns=["quote", "label", "posted_at"]), "matches": 0, "posts": len(rows),
                    "note": note}
        labels = self.mention_sentiment().loc[rows.index]
        by_source = (pd.DataFrame({"source": rows["source"].astype("string"), "label": labels})
                     .groupby("source").agg(posts=("label", "size"),
                                            negative_pct=("label", lambda s: 100 * (s == "negative").mean()),
                                            positive_pct=("label", lambda s: 100 * (s == "positive").mean()))
                     .reset_index().sort_values("posts", ascending=False))
        hit = np.ones(len(rows), dtype=bool)
        text = rows["text"].astype("string").str.lower()
        for term in query.terms:
            hit &= text.str.contains(r"(?<!\w)" + re.escape(term) + r"(?!\w)", regex=True).fillna(False).to_numpy(bool)
        if query.sentiment:
            hit &= (labels == query.sentiment).fillna(False).to_numpy(bool)
        filler = self.mention_filler[self.mentions.index.get_indexer(rows.index)]
        picked = rows[hit & ~filler]
        picked = picked.sort_values("posted_at", ascending=False, kind="stable").head(limit)
        red = redact_series(picked["text"].astype("string"))
        shown = pd.DataFrame({"quote": red["text"].to_numpy(), "label": picked["source"].astype("string").to_numpy(),
                              "posted_at": picked["posted_at"].to_numpy()})
        return {"by_source": by_source.reset_index(drop=True), "shown": shown, "matches": int(hit.sum()),
                "posts": len(rows), "note": note}
