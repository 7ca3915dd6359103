"""Social and reviews: volume and its spikes (with the posts behind them), sentiment, themes magnified in
public, reach and stars, and how fast the company answers in public, by source.

Social media magnify single experiences, and silence reads as indifference. The numbers come from
:mod:`cxlib.analysis.social` (the spike detector, Wilson and Newcombe intervals, Holm, the one
suppression policy); sentiment and themes from :mod:`cxlib.text` (VADER; the client's codebook,
the same rule coder as the survey comments, so the two sets of themes can be set side by side).
Works on the mentions alone: a client with only posts or only reviews gets it.

Posts behind a spike are quoted only through :func:`cxlib.text.select_quotes` (redacted, from
themes with at least the client's minimum for quotes), never a post that carries no theme
(no filler such as "n/a"), and escaped where shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.analysis.lookup import among
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["SocialResult", "VOLUME", "THEMES", "REACH", "REPLIES", "SOURCE_LABELS", "source_label", "post_quotes",
           "compute",
           "show", "SECTION"]

VOLUME = Part("Volume over time and spikes", {"mentions": ("posted_at",)}, "The date and time of each post or review.")
THEMES = Part("Themes magnified in public", {"responses": ("comment",)},
              "An open comment question in the survey, to set the themes of posts against.")
REACH = Part("Reach, engagement and stars", {"mentions": ("engagement|reach|stars",)},
             "Engagement (likes, shares), reach or the star rating of each post or review, where the export has them.")
REPLIES = Part("The company's public replies", {"mentions": ("replied_at",)},
               "The time the company replied to each post (empty when it did not), where the export has it.")

#: How the report names the usual sources.
SOURCE_LABELS = {"x": "X", "twitter": "X", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
                 "tiktok": "TikTok", "youtube": "YouTube", "reddit": "Reddit", "forum": "Forum",
                 "trustpilot": "Trustpilot", "google": "Google reviews", "app_store": "App Store",
                 "play_store": "Google Play", "complaint_form": "Complaint form", "email": "E-mail"}


def source_label(source) -> str:
    """A source as the report names it: ``app_store`` -> ``App Store``; unknown ones in sentence case."""
    key = str(source)
    return SOURCE_LABELS.get(key.lower(), key.replace("_", " ").strip().capitalize())


@dataclass(frozen=True, kw_only=True, eq=False)
class SocialResult(SectionResult):
    """What the public says, with every table behind it.

    Attributes
    ----------
    n_posts : int
        Posts and reviews of the period.
    sources : DataFrame
        ``source``, ``label``, ``n`` (posts), ``share`` with ``ci_low``/``ci_high`` (Wilson, 0-1).
    volume : DataFrame
        :attr:`cxlib.analysis.social.SpikeResult.table` (posts per day, baseline, spike flags).
    spikes : DataFrame
        One row per spike episode (:attr:`~cxlib.analysis.social.SpikeResult.spikes`) with ``source_label``,
        ``theme_label`` (the theme most of its posts raise), ``theme_share``.
    spike_quotes : DataFrame
        Redacted posts behind the spikes (:func:`cxlib.text.select_quotes` of the spike's posts).
    sentiment : DataFrame
        :func:`cxlib.analysis.social.sentiment_share` by source and for all posts (``source`` = "all").
    themes : DataFrame
        :func:`cxlib.analysis.social.theme_magnification` with ``label`` (with survey comments), else the
        posts' theme frequency (``share_posts`` with its interval only).
    engagement : DataFrame
        :func:`cxlib.analysis.social.engagement_summary` by source, with ``label``.
    replies : DataFrame
        :func:`cxlib.analysis.social.response_performance` of the sources whose export records replies.
    replies_in_spike : DataFrame
        The same for posts inside and outside the spikes (``in_spike``), and the difference in
        ``difference``/``diff_ci_low``/``diff_ci_high`` (spike − rest, Newcombe) on the spike row.
    """

    n_posts: int = 0
    sources: pd.DataFrame | None = None
    volume: pd.DataFrame | None = None
    spikes: pd.DataFrame | None = None
    spike_quotes: pd.DataFrame | None = None
    sentiment: pd.DataFrame | None = None
    themes: pd.DataFrame | None = None
    engagement: pd.DataFrame | None = None
    replies: pd.DataFrame | None = None
    replies_in_spike: pd.DataFrame | None = None


def _codebook(data):
    return data.codebook()


def _sources(mentions: pd.DataFrame) -> pd.DataFrame:
    from cxlib.analysis import stats

    src = mentions["source"].astype("string").fillna("unknown") if "source" in mentions else \
        pd.Series("unknown", index=mentions.index, dtype="string")
    counts = src.value_counts().rename_axis("source").rename("n").reset_index()
    low, high = stats.proportion_interval(counts["n"].astype("float64"), float(len(mentions)))
    return counts.assign(label=counts["source"].map(source_label), share=counts["n"] / max(len(mentions), 1),
                         ci_low=low, ci_high=high)[["source", "label", "n", "share", "ci_low", "ci_high"]]


def _spike_themes(spikes: pd.DataFrame, posts: pd.DataFrame, coded: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """The theme most of each spike's posts raise, and its share of the spike's posts."""
    from cxlib.text.codebook import UNCODED

    rows = []
    themed = coded[coded["theme"] != UNCODED].drop_duplicates(["comment_ref", "theme"])
    for sid in spikes["spike_id"]:
        ids = posts.loc[posts["spike_id"] == sid, "mention_id"].astype("string")
        counts = themed[among(themed["comment_ref"], ids)]["theme"].value_counts()
        top = str(counts.index[0]) if len(counts) else None
        rows.append({"spike_id": sid, "theme": top, "theme_label": labels.get(top, top) if top else pd.NA,
                     "theme_posts": int(counts.iloc[0]) if len(counts) else 0, "spike_posts": len(ids)})
    extra = pd.DataFrame(rows, columns=["spike_id", "theme", "theme_label", "theme_posts", "spike_posts"])
    out = spikes.merge(extra, on="spike_id", how="left")
    return out.assign(source_label=out["top_source"].map(lambda s: source_label(s) if pd.notna(s) else pd.NA),
                      theme_share=out["theme_posts"] / out["spike_posts"].where(out["spike_posts"] > 0))


_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}\b[:,]?\s*")
_WORDS = re.compile(r"[a-z0-9']+")
_TAG = re.compile(r"#\w+")
# markup, code, links, paths and test strings: no consultant would quote them (posts are untrusted)
_UNSAFE = re.compile(r"<\s*/?\s*[a-z!][^>]*>|\\[a-z]+\s*\{|javascript\s*:|\bon[a-z]+\s*=|https?://|file:/|www\.|!\[|"
                     r"\{\{|\$\{|^\s*[=+@-]|/etc/|\.\./|\btest(ing)?\b|\blorem\b|\[[A-Z][A-Z _-]{1,20}\]", re.I)


def post_quotes(quotes: pd.DataFrame | None) -> pd.DataFrame | None:
    """Quotes of public posts as the report shows them: @handles removed (they name people), duplicates dropped,
    nothing that looks like markup, code, a link, a path, a test string or a redaction placeholder.

    Two posts with the same words (whatever the case, punctuation, handles and hashtags) are one
    quote.

    >>> q = pd.DataFrame({"quote": ["@AcmeTelecom The signal keeps dropping #fail",
    ...                             "The signal keeps dropping, @jo_b", "Down again file:///etc/passwd"],
    ...                   "suppressed": [False, False, False]})
    >>> post_quotes(q)["quote"].tolist()
    ['The signal keeps dropping #fail']
    """
    if quotes is None:
        return None
    rows = quotes[~quotes["suppressed"].astype(bool) & quotes["quote"].notna()].copy()
    rows["quote"] = [(_HANDLE.sub("", str(q)).strip(" ,:") or pd.NA) for q in rows["quote"]]
    rows = rows[rows["quote"].notna()]
    rows = rows[np.array([not _UNSAFE.search(str(q)) for q in rows["quote"]], dtype=bool)]
    key = [" ".join(_WORDS.findall(_TAG.sub(" ", str(q)).lower())) for q in rows["quote"]]
    rows = rows.assign(_key=key).drop_duplicates("_key").drop(columns="_key")
    return rows.reset_index(drop=True)


def _post_themes(coded: pd.DataFrame, codebook, *, min_n: int) -> pd.DataFrame:
    """Each theme's share of posts with its Wilson interval, for a client without survey comments."""
    from cxlib import text
    from cxlib.analysis import stats

    context = pd.DataFrame({"comment_ref": coded["comment_ref"].drop_duplicates()})
    freq = text.theme_frequency(coded, context, codebook=codebook, min_n=min_n)
    low, high = stats.proportion_interval(freq["n_mentions"].astype("float64"), freq["n"].astype("float64"))
    hidden = freq["suppressed"].astype(bool).to_numpy() | (freq["n_mentions"] < min_n).to_numpy()
    out = pd.DataFrame({"theme": freq["theme"].astype("string"), "n_posts": freq["n"], "k_posts": freq["n_mentions"],
                        "share_posts": freq["pct"] / 100, "posts_ci_low": low, "posts_ci_high": high,
                        "suppressed": hidden})
    out.loc[hidden, ["share_posts", "posts_ci_low", "posts_ci_high"]] = float("nan")
    return out.sort_values(["suppressed", "share_posts"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _replies_in_spike(mentions: pd.DataFrame, public: list[str], in_spike: pd.Series, min_n: int):
    """Response rate and time inside and outside the spikes (public sources), and the difference of the rates."""
    from cxlib.analysis import social, stats

    part = mentions.assign(in_spike=in_spike.to_numpy(bool))
    part = part[part["source"].astype("string").isin(public).fillna(False).to_numpy(bool)]
    if not part["in_spike"].any() or part["in_spike"].all():
        return None
    table = social.response_performance(part, by="in_spike", min_n=min_n)
    rows = table.set_index("in_spike")
    spike, rest = rows.loc[True], rows.loc[False]
    test = stats.two_proportion_test(rest["n_replied"], rest["n"], spike["n_replied"], spike["n"])
    hidden = bool(spike["suppressed"]) or bool(rest["suppressed"])
    diff = {"difference": float(test["diff"]), "diff_ci_low": float(test["ci_low"]),
            "diff_ci_high": float(test["ci_high"]), "p_value": float(test["p_value"])}
    for col, value in diff.items():
        table[col] = [value if (flag and not hidden) else float("nan") for flag in table["in_spike"]]
    return table


def compute(data) -> SocialResult:
    """Volume, spikes, sentiment, themes, reach and replies of the period's posts and reviews."""
    from cxlib import text
    from cxlib.analysis import social
    from cxlib.present import social_findings as said

    cfg = data.config
    min_n = cfg.min_n
    mentions = data.mentions.reset_index(drop=True)
    tried = Attempts()
    codebook = _codebook(data)
    labels = codebook.labels()
    has_text = "text" in mentions and mentions["text"].notna().any()
    coded = text.code_comments(mentions, codebook, text="text", ref="mention_id") if has_text else None

    volume = spikes = spike_quotes = None
    in_spike = pd.Series(False, index=mentions.index)
    if has_data(data, VOLUME.needs):
        found = tried(social.detect_spikes, mentions, what="Spikes in volume")
        if found is not None:
            volume = found.table
            in_spike = pd.Series(among(mentions["mention_id"], found.posts["mention_id"]), index=mentions.index)
            spikes = _spike_themes(found.spikes, found.posts, coded, labels) if coded is not None else \
                found.spikes.assign(source_label=found.spikes["top_source"].map(source_label), theme_label=pd.NA,
                                    theme_share=float("nan"))
            if coded is not None and len(found.posts):
                posts = mentions[in_spike.to_numpy(bool)]
                spike_codes = coded[among(coded["comment_ref"], posts["mention_id"].astype("string"))]
                themes = [t for t in spikes["theme"].dropna()] if "theme" in spikes else None
                # the quote minimum applies to the group quoted from: the spike's posts (not each theme in it)
                least = 1 if len(posts) >= cfg.min_n_quotes else cfg.min_n_quotes
                spike_quotes = tried(text.select_quotes, spike_codes, posts, text="text", ref="mention_id",
                                     kinds=("negative", "typical"), per_kind=2, themes=themes, min_n_quotes=least,
                                     exclude_review=True, codebook=codebook, what="Posts behind the spike")
                spike_quotes = post_quotes(spike_quotes)

    sentiment = None
    if has_text:
        scored = text.comment_sentiment(mentions, text="text", ref="mention_id", n_jobs=data.processes)
        labelled = mentions.assign(sentiment=mentions["mention_id"].astype("string").map(
            dict(zip(scored["comment_ref"].astype("string"), scored["label"]))))
        by_source = tried(social.sentiment_share, labelled, by="source", min_n=min_n, what="Sentiment by source")
        overall = tried(social.sentiment_share, labelled, by=None, min_n=min_n, what="Sentiment")
        if by_source is not None and overall is not None:
            sentiment = pd.concat([overall.assign(source="all"), by_source], ignore_index=True)
            sentiment["label"] = sentiment["source"].map(lambda s: "All posts and reviews" if s == "all"
                                                         else source_label(s))

    themes = None
    if coded is not None:
        if has_data(data, THEMES.needs):
            comments = data.coded_comments()
            themes = tried(social.theme_magnification, coded, comments, min_n=min_n, what="Themes magnified in public")
        else:
            themes = tried(_post_themes, coded, codebook, min_n=min_n, what="Themes of posts")
        if themes is not None:
            themes = themes.assign(label=themes["theme"].map(lambda t: labels.get(t, t)))

    engagement = None
    if has_data(data, REACH.needs):
        engagement = tried(social.engagement_summary, mentions, by="source", min_n=min_n, what="Reach and stars")
        if engagement is not None:
            engagement = engagement.assign(label=engagement["source"].map(source_label))

    replies = replies_in_spike = None
    if has_data(data, REPLIES.needs):
        answered = mentions[mentions["replied_at"].notna().to_numpy(bool)]
        # a source none of whose posts has a reply does not record replies in the export (complaint forms)
        public = sorted(answered["source"].astype("string").dropna().unique().tolist()) if "source" in mentions else []
        if public:
            rows = mentions[mentions["source"].astype("string").isin(public).fillna(False).to_numpy(bool)]
            replies = tried(social.response_performance, rows, by="source", min_n=min_n, what="Public replies")
            if replies is not None:
                replies = replies.assign(label=replies["source"].map(source_label))
            if spikes is not None and len(spikes):
                replies_in_spike = _replies_in_spike(mentions, public, in_spike, min_n)

    findings = said.findings(n_posts=len(mentions), spikes=spikes, sentiment_table=sentiment, themes=themes,
                             engagement=engagement, reply_table=replies, replies_in_spike=replies_in_spike,
                             survey=has_data(data, THEMES.needs))
    return SocialResult(n_posts=len(mentions), sources=_sources(mentions), volume=volume, spikes=spikes,
                        spike_quotes=spike_quotes, sentiment=sentiment, themes=themes, engagement=engagement,
                        replies=replies, replies_in_spike=replies_in_spike, findings=findings, notes=tried.notes)


def _sentiment_wide(sentiment: pd.DataFrame) -> pd.DataFrame:
    """One row per source (all posts first) and a column per sentiment, in %; a suppressed source stays, NaN."""
    frame = sentiment.assign(source=sentiment["source"].astype(str), label=sentiment["label"].astype(str),
                             sentiment=sentiment["sentiment"].astype(str))
    # one row per source that has posts: not the product of every source with every label
    wide = frame.pivot_table(index=["source", "label"], columns="sentiment", values="share", aggfunc="first",
                             dropna=False, observed=True)
    pairs = set(zip(frame["source"], frame["label"]))
    wide = (100 * wide[[key in pairs for key in wide.index]]).reset_index()
    order = list(dict.fromkeys(["all"] + [s for s in wide["source"] if s != "all"]))
    return wide.set_index("source").loc[[s for s in order if s in set(wide["source"])]].reset_index()


def show(result: SocialResult, audience: str) -> None:
    """The findings, the volume chart with the posts behind the spike; for analysts every table."""
    from IPython.display import display

    from cxlib.present import charts, narrative, social_charts, tables
    from cxlib.report.audiences import detailed

    full = detailed(audience)
    # the executive reads the spike, what is louder in public and the tone; stars and replies are the analyst's
    display(narrative.findings_html(result.findings if full else result.findings[:3]))
    if result.volume is not None and len(result.volume):
        charts.show(social_charts.volume_chart(result.volume, title="Posts and reviews per day (spikes highlighted)"))
    if result.spike_quotes is not None:
        display(narrative.quotes_html(result.spike_quotes, limit=1 if not full else None))
    themes = result.themes
    # the executive reads the magnified themes in the findings; the chart is the analyst's (the 6-page limit)
    if full and themes is not None and "share_comments" in themes and themes["share_posts"].notna().any():
        top = themes[themes["share_posts"].notna()].head(6 if not full else 10)
        charts.show(social_charts.magnification_chart(
            top, title="Themes in posts and reviews against survey comments (95 % interval on posts)"))
    if not full:
        return
    if result.sentiment is not None:
        charts.show(social_charts.sentiment_chart(_sentiment_wide(result.sentiment), title="Sentiment by source"))
    display(tables.table(result.sources, columns={"label": "Source", "n": "Posts", "share": "Share"},
                         formats={"share": "frac1"}, ci={"share": ("ci_low", "ci_high")},
                         caption="Posts and reviews by source"))
    if result.spikes is not None and len(result.spikes):
        display(tables.table(result.spikes, columns={"start": "From", "end": "To", "n_mentions": "Posts",
                                                     "expected": "Expected", "ratio": "Times usual",
                                                     "p_value": "p", "source_label": "Mostly on",
                                                     "theme_label": "Mostly about"},
                             formats={"expected": "1", "ratio": "1", "p_value": "p"}, caption="Spikes in volume",
                             note="A day is a spike with at least 5 posts, at least twice the mean of the 28 days "
                                  "before it, and a Poisson p below 0.001 against the upper 95 % limit of that "
                                  "mean; consecutive days form one spike."))
    if themes is not None:
        cols = {"label": "Theme", "k_posts": "Posts", "share_posts": "Share of posts"}
        if "share_comments" in themes:
            cols.update({"share_comments": "Share of survey comments", "ratio": "Times as common",
                         "p_adjusted": "p (Holm)", "magnified": "Magnified"})
        display(tables.table(themes, columns=cols, formats={"share_posts": "frac1", "share_comments": "frac1",
                                                            "ratio": "1", "p_adjusted": "p", "magnified": "bool"},
                             ci={"share_posts": ("posts_ci_low", "posts_ci_high")},
                             caption="Themes in posts and reviews", max_rows=20))
    if result.engagement is not None and len(result.engagement):
        display(tables.table(result.engagement.assign(measure=result.engagement["measure"].str.capitalize()),
                             columns={"label": "Source", "measure": "Measure", "n": "Posts", "total": "Total",
                                      "mean": "Mean", "median": "Median", "share_low": "Share of 1-2 stars"},
                             formats={"total": "int", "mean": "2", "median": "1", "share_low": "frac0"},
                             ci={"mean": ("ci_low", "ci_high")}, caption="Reach, engagement and stars by source"))
    if result.replies is not None:
        display(tables.table(result.replies, columns={"label": "Source", "n": "Posts", "n_replied": "Answered",
                                                      "response_rate": "Response rate",
                                                      "median_hours": "Median hours to answer",
                                                      "share_within": "Answered within 24 h"},
                             formats={"response_rate": "frac0", "median_hours": "1", "share_within": "frac0"},
                             ci={"response_rate": ("rate_ci_low", "rate_ci_high"),
                                 "median_hours": ("hours_ci_low", "hours_ci_high"),
                                 "share_within": ("within_ci_low", "within_ci_high")},
                             caption="The company's public replies",
                             note="Sources whose export records no reply at all (e.g. complaint forms) are left out. "
                                  "Median time: distribution-free interval."))


SECTION = Section(
    id="social", title="Social and reviews", audiences=("executive", "analyst"),
    needs={"mentions": ("text|stars",)},
    unlock="Social posts, reviews or complaint texts (the source, date and text of each; stars, engagement and "
           "the company's reply time where the export has them).",
    compute=compute, show=show, order=65, parts=(VOLUME, THEMES, REACH, REPLIES),
)
