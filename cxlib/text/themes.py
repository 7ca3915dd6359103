"""Themes joined to the numbers: frequency and sentiment by group, concentration, impact on NPS.

Examples
--------
>>> ctx = comment_context(ws.responses, customers=ws.customers, interactions=ws.interactions)   # doctest: +SKIP
>>> theme_frequency(coded, ctx, by="segment", min_n=ws.config.min_n)                           # doctest: +SKIP
>>> theme_impact(coded, ws.responses, min_n=ws.config.min_n).table                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from scipy import stats

from cxlib.analysis.lookup import among
from cxlib.errors import DataError
from cxlib.text.codebook import UNCODED, Codebook

__all__ = ["comment_context", "theme_frequency", "theme_concentration", "ThemeImpact", "theme_impact"]


def comment_context(
    responses: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    period: Literal["month", "quarter", "year"] | None = "quarter",
) -> pd.DataFrame:
    """The numbers and groups each comment belongs to.

    Parameters
    ----------
    responses : DataFrame
        Validated responses.
    customers, interactions : DataFrame, optional
        To add ``segment`` (by customer_id) and ``channel``, ``stage``, ``touchpoint`` (by interaction_id).
    period : {"month", "quarter", "year"} or None
        Add ``period`` (e.g. "2025Q1") from ``answered_at``. The old codes "M", "Q", "Y" still work
        for one release, with a DeprecationWarning.

    Returns
    -------
    DataFrame
        ``comment_ref`` (= response_id), ``nps``, ``survey`` (when present), then the columns
        added above.

    Notes
    -----
    The joins and period labels are :func:`cxlib.analysis.context.add_context`, the one context
    joiner of the workbench.
    """
    from cxlib.analysis.context import add_context, period_name

    keep = [c for c in ("nps", "csat", "ces", "survey") if c in responses.columns]
    keys = [c for c in ("customer_id", "interaction_id", "answered_at") if c in responses.columns]
    base = pd.DataFrame({"comment_ref": responses["response_id"].astype("string").to_numpy()})
    for c in keep + keys:
        base[c] = responses[c].to_numpy()
    columns = []
    if customers is not None and "customer_id" in responses.columns:
        columns.append("segment")
    if interactions is not None and "interaction_id" in responses.columns:
        columns += [c for c in ("channel", "stage", "touchpoint") if c in interactions.columns]
    periods = {"period": period_name(period)} if period and "answered_at" in responses.columns else {}
    out = add_context(base, customers=customers, interactions=interactions, columns=columns,
                      date="answered_at", periods=periods)
    for c in columns:
        out[c] = out[c].astype("string")
    return out.drop(columns=keys)


def _theme_pairs(coded: pd.DataFrame, level: str) -> pd.DataFrame:
    themed = coded[coded["theme"] != UNCODED]
    col = themed["theme"] if level == "theme" else themed["parent"].fillna(themed["theme"])
    return pd.DataFrame({"comment_ref": themed["comment_ref"].to_numpy(), "theme": col.to_numpy()}).drop_duplicates()


def theme_frequency(
    coded: pd.DataFrame,
    context: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    level: Literal["theme", "parent"] = "theme",
    codebook: Codebook | None = None,
    mentions: pd.DataFrame | None = None,
    min_n: int = 30,
) -> pd.DataFrame:
    """How often each theme is mentioned, and its sentiment, by group, with small groups suppressed.

    Parameters
    ----------
    coded : DataFrame
        Long coded frame (every comment, coded or ``uncoded``).
    context : DataFrame
        ``comment_ref`` plus the grouping columns (:func:`comment_context`).
    by : str or list of str, optional
        Grouping columns (e.g. ``"segment"``, ``["channel", "period"]``); None = all comments.
    level : {"theme", "parent"}
        Leaf themes, or parents (a comment counts once per parent).
    codebook : Codebook, optional
        Gives labels and the full list of themes (themes never mentioned get 0).
    mentions : DataFrame, optional
        :func:`cxlib.text.sentiment.mention_sentiment` output, for the sentiment columns.
    min_n : int
        Groups with fewer comments are suppressed.

    Returns
    -------
    DataFrame
        One row per group x theme: the ``by`` columns, ``theme``, ``label``, ``n`` (comments in the
        group), ``n_mentions`` (comments mentioning the theme), ``pct`` (100 * n_mentions / n),
        ``mean_sentiment`` and ``net_sentiment`` (% positive - % negative mentions; with
        ``mentions``), ``suppressed`` (n < min_n: label and n kept, values NaN).
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in context.columns]
    if missing:
        raise DataError(f"theme_frequency: grouping column(s) {missing} not in the context "
                        f"(columns: {list(context.columns)}). Build it with comment_context(...).")
    comments = pd.DataFrame({"comment_ref": pd.unique(coded["comment_ref"])})
    ctx = comments.merge(context[["comment_ref"] + keys], on="comment_ref", how="left")
    if not keys:
        ctx["_all"] = "all"
        keys_eff = ["_all"]
    else:
        keys_eff = keys
    ctx = ctx.dropna(subset=keys_eff)
    sizes = ctx.groupby(keys_eff, observed=True, dropna=True).size().rename("n").reset_index()
    pairs = _theme_pairs(coded, level).merge(ctx, on="comment_ref")
    if codebook is not None:
        if level == "parent":
            themes = [t.id for t in codebook.themes if t.parent is None]
        else:
            themes = [t.id for t in codebook.leaves()]
        themes += sorted(set(pairs["theme"]) - set(themes))
        labels = codebook.labels()
    else:
        themes, labels = sorted(set(pairs["theme"])), {}
    counts = pairs.groupby(keys_eff + ["theme"], observed=True).size().rename("n_mentions").reset_index()
    counts["theme"] = counts["theme"].astype("string")
    grid = sizes.merge(pd.DataFrame({"theme": pd.array(themes, dtype="string")}), how="cross")
    out = grid.merge(counts, on=keys_eff + ["theme"], how="left")
    out["n_mentions"] = out["n_mentions"].fillna(0).astype("float64")
    out["pct"] = 100.0 * out["n_mentions"] / out["n"]
    if mentions is not None:
        m = mentions[mentions["theme"] != UNCODED]
        m = m.assign(theme=m["theme"] if level == "theme" else m["parent"].fillna(m["theme"]))
        m = m.drop_duplicates(["comment_ref", "theme"]).merge(ctx, on="comment_ref")
        m["theme"] = m["theme"].astype("string")
        s = m.assign(_net=np.sign(np.where(m["label"] == "positive", 1, np.where(m["label"] == "negative", -1, 0))))
        agg = s.groupby(keys_eff + ["theme"], observed=True).agg(mean_sentiment=("compound", "mean"),
                                                                   net_sentiment=("_net", "mean")).reset_index()
        agg["net_sentiment"] *= 100
        out = out.merge(agg, on=keys_eff + ["theme"], how="left")
    out["suppressed"] = out["n"] < min_n
    values = [c for c in ("n_mentions", "pct", "mean_sentiment", "net_sentiment") if c in out.columns]
    out.loc[out["suppressed"], values] = np.nan
    out["n_mentions"] = out["n_mentions"].astype("Int64")
    out["label"] = pd.array([labels.get(t, t) for t in out["theme"]], dtype="string")
    out["theme"] = out["theme"].astype("string")
    out["n"] = out["n"].astype("int64")
    cols = keys + ["theme", "label", "n"] + values + ["suppressed"]
    return out[cols].reset_index(drop=True)


def theme_concentration(freq: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Where each theme is most concentrated: the group with the highest share, against the rest.

    Parameters
    ----------
    freq : DataFrame
        :func:`theme_frequency` output grouped by the single column ``by``.
    by : str
        The grouping column.

    Returns
    -------
    DataFrame
        One row per theme: ``theme``, ``label``, ``top_group``, ``pct_top`` (share in that group, %),
        ``pct_rest`` (share in the other unsuppressed groups together, %), ``lift``
        (pct_top / pct_rest), ``p_value`` (chi-square test of the 2 x 2 table top-group vs rest x
        mentioned vs not; Fisher's exact test when an expected count is below 5), sorted by lift.
    """
    f = freq[~freq["suppressed"]]
    rows = []
    for theme, g in f.groupby("theme", observed=True, sort=False):
        if g["n_mentions"].sum() == 0 or len(g) < 2:
            continue
        top = g.loc[g["pct"].idxmax()]
        rest = g.drop(index=top.name)
        a, n1 = float(top["n_mentions"]), float(top["n"])
        b, n2 = float(rest["n_mentions"].sum()), float(rest["n"].sum())
        table = np.array([[a, n1 - a], [b, n2 - b]])
        expected = table.sum(1)[:, None] * table.sum(0)[None, :] / table.sum()
        if (expected < 5).any():
            p = stats.fisher_exact(table)[1]
        else:
            p = stats.chi2_contingency(table, correction=False)[1]
        pct_rest = 100 * b / n2
        rows.append({"theme": theme, "label": top["label"], "top_group": top[by], "pct_top": float(top["pct"]),
                     "pct_rest": pct_rest, "lift": float(top["pct"]) / pct_rest if pct_rest > 0 else np.inf,
                     "p_value": float(p)})
    out = pd.DataFrame(rows, columns=["theme", "label", "top_group", "pct_top", "pct_rest", "lift", "p_value"])
    return out.sort_values("lift", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class ThemeImpact:
    """Theme impact on NPS. ``table`` per theme; ``model``: the statsmodels OLS result (or None)."""

    table: pd.DataFrame
    model: object
    outcome: str
    nps_all: float
    n: int

    def summary(self) -> str:
        unit = "NPS points" if self.outcome == "nps" else "points on the 0-10 scale"
        head = (f"Theme impact on NPS ({self.n} commented responses, NPS {self.nps_all:.1f}); "
                f"coefficients in {unit}, HC3 intervals.")
        return head + "\n" + self.table.to_string(index=False, float_format=lambda v: f"{v:.2f}")


def _nps(scores: np.ndarray) -> float:
    if scores.size == 0:
        return float("nan")
    return float(100 * ((scores >= 9).mean() - (scores <= 6).mean()))


def theme_impact(
    coded: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    nps: str = "nps",
    outcome: Literal["nps", "score"] = "nps",
    level: Literal["theme", "parent"] = "theme",
    codebook: Codebook | None = None,
    min_n: int = 30,
    ci: float = 0.95,
) -> ThemeImpact:
    """Which themes cost (or earn) the most loyalty: OLS of NPS on theme dummies, and NPS without each theme.

    Parameters
    ----------
    coded : DataFrame
        Long coded frame of the responses' comments (``comment_ref`` = response_id).
    responses : DataFrame
        ``response_id`` and the ``nps`` column (0-10).
    outcome : {"nps", "score"}
        ``"nps"``: regress +100 (promoter 9-10) / 0 (passive 7-8) / -100 (detractor 0-6), so a
        coefficient is in NPS points; ``"score"``: regress the 0-10 answer.
    level : {"theme", "parent"}
        Leaf themes or parents.
    codebook : Codebook, optional
        For labels.
    min_n : int
        Themes mentioned by fewer commented responses are not estimated (row kept, values NaN).
    ci : float
        Confidence level of the interval.

    Returns
    -------
    ThemeImpact
        ``table`` columns: ``theme``, ``label``, ``n_mentions``, ``pct_comments``, ``coef`` (NPS
        difference associated with mentioning the theme, other themes held fixed), ``ci_low``,
        ``ci_high``, ``p_value``, ``nps_with`` (NPS of the responses mentioning it), ``nps_without``
        (NPS of the other commented responses), ``nps_gain_if_absent`` (nps_without - NPS of all
        commented responses: what the total would be without this theme's comments),
        ``contribution`` (coef * share: points of the total NPS attributable to the theme),
        ``suppressed``. Sorted from the most costly (lowest contribution).

    Notes
    -----
    Linear probability-style OLS on the recoded NPS (Reichheld 2003 definition), heteroscedasticity-
    consistent HC3 standard errors (MacKinnon & White 1985). Associations, not causes: a theme's
    comments may come from customers unhappy for other reasons.
    """
    if nps not in responses.columns:
        raise DataError(f"theme_impact: responses have no `{nps}` column.")
    scores = pd.Series(pd.to_numeric(responses[nps], errors="coerce").to_numpy(dtype="float64"),
                       index=responses["response_id"].astype("string").to_numpy())
    refs = pd.unique(coded["comment_ref"])
    refs = [r for r in refs if r in scores.index and not np.isnan(scores[r])]
    if not refs:
        raise DataError("theme_impact: no coded comment has an NPS answer (is comment_ref the response_id?).")
    y_raw = scores.loc[refs].to_numpy()
    y = np.where(y_raw >= 9, 100.0, np.where(y_raw <= 6, -100.0, 0.0)) if outcome == "nps" else y_raw
    pairs = _theme_pairs(coded, level)
    pairs = pairs[among(pairs["comment_ref"], refs)]
    mat = pd.crosstab(pairs["comment_ref"], pairs["theme"]).clip(upper=1).reindex(index=refs, fill_value=0)
    counts = mat.sum()
    labels = codebook.labels() if codebook is not None else {}
    estimable = [t for t in mat.columns if counts[t] >= min_n and counts[t] <= len(refs) - min_n]
    nps_all = _nps(y_raw)
    model = None
    coef = pd.DataFrame(index=mat.columns, columns=["coef", "ci_low", "ci_high", "p_value"], dtype="float64")
    if estimable:
        x = add_constant(mat[estimable].astype("float64").to_numpy(), has_constant="add")
        model = OLS(y, x).fit(cov_type="HC3")
        conf = model.conf_int(alpha=1 - ci)
        for j, t in enumerate(estimable, start=1):
            coef.loc[t] = [model.params[j], conf[j, 0], conf[j, 1], model.pvalues[j]]
    rows = []
    for t in mat.columns:
        has = mat[t].to_numpy() == 1
        rows.append({"theme": t, "label": labels.get(t, t), "n_mentions": int(counts[t]),
                     "pct_comments": 100.0 * counts[t] / len(refs), **coef.loc[t].to_dict(),
                     "nps_with": _nps(y_raw[has]), "nps_without": _nps(y_raw[~has])})
    table = pd.DataFrame(rows, columns=["theme", "label", "n_mentions", "pct_comments", "coef", "ci_low", "ci_high",
                                        "p_value", "nps_with", "nps_without"])
    table["nps_gain_if_absent"] = table["nps_without"] - nps_all
    table["contribution"] = table["coef"] * table["pct_comments"] / 100
    table["suppressed"] = ~table["theme"].isin(estimable)
    small = table["n_mentions"] < min_n
    table.loc[small, ["nps_with", "nps_without", "nps_gain_if_absent"]] = np.nan
    table["theme"] = table["theme"].astype("string")
    table["label"] = table["label"].astype("string")
    table = table.sort_values(["contribution", "nps_gain_if_absent"], ascending=[True, False],
                              na_position="last", kind="stable").reset_index(drop=True)
    return ThemeImpact(table=table, model=model, outcome=outcome, nps_all=nps_all, n=len(refs))
