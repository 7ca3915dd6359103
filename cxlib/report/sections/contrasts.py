"""The affected against the rest: the one way the report sizes a problem and an action.

Every problem the report ranks (a break in the journey, a poorly rated touchpoint, a comment
theme) splits the customers in two: those it affected and the rest. This module measures the
split on the outcome (:func:`outcome_contrast`) and on churn (:func:`churn_contrast`), with
intervals, and sizes it in one common unit: how many outcome points (NPS points on −100…100)
the whole client would gain if the affected customers scored like the rest (``worth``), and
how many customers (and how much annual value) would have stayed if they churned like the rest.

The identity behind ``worth``: the client's score is the respondents' mean of the coded answers
(NPS: promoters +100, passives 0, detractors −100), so with ``share`` = n_affected / n,
``score = share · score_affected + (1 − share) · score_rest`` and, if the affected scored like
the rest, the score would rise by ``share · (score_rest − score_affected)``. The split's scores
therefore always add up to the headline score: a headline and its breakdown cannot disagree.

These are associations measured on one period, not the proven effect of a change: the report
says "worth up to" and names the measure to track. Intervals: NPS by the adjusted Wald method
(:func:`cxlib.analysis.stats.nps_interval`), differences by Welch's t on the coded answers,
churn by Wilson and Newcombe (:func:`cxlib.analysis.stats.two_proportion_test`). ``worth`` and
``kept`` take the interval of the difference scaled by the (observed) share or count.

Not a report section (the registry skips this module). Methods: ``docs/headline.md``.

Examples
--------
>>> import pandas as pd
>>> answers = pd.DataFrame({"nps": [0, 3, 10, 9, 10, 5, 8, 10]})
>>> t = outcome_contrast(answers, {"late": pd.Series([True, True, False, False, False, True, False, False])}, min_n=1)
>>> t[["key", "n_affected", "score_affected", "score_rest", "diff", "worth"]].round(1).to_dict("records")
[{'key': 'late', 'n_affected': 3, 'score_affected': -100.0, 'score_rest': 80.0, 'diff': -180.0, 'worth': 67.5}]
>>> round(0.375 * -100 + 0.625 * 80, 1)    # the two groups add up to the client's NPS
12.5
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from cxlib.analysis.lookup import among

__all__ = ["OUTCOME_CONTRAST_COLUMNS", "CHURN_CONTRAST_COLUMNS", "coded", "score_interval", "outcome_contrast",
           "churn_contrast", "flagged"]

#: Columns of :func:`outcome_contrast`.
OUTCOME_CONTRAST_COLUMNS = [
    "key", "n", "n_affected", "n_rest", "share", "score", "score_affected", "score_affected_low",
    "score_affected_high", "score_rest", "score_rest_low", "score_rest_high", "diff", "diff_low", "diff_high",
    "p_value", "p_adjusted", "worth", "worth_low", "worth_high", "suppressed"]
#: Columns of :func:`churn_contrast`.
CHURN_CONTRAST_COLUMNS = [
    "key", "n", "n_affected", "n_rest", "churned_affected", "churned_rest", "churn_affected", "churn_affected_low",
    "churn_affected_high", "churn_rest", "churn_rest_low", "churn_rest_high", "diff", "diff_low", "diff_high",
    "p_value", "kept", "kept_low", "kept_high", "value_per_customer", "value_kept", "value_kept_low",
    "value_kept_high", "suppressed"]


def flagged(ids: pd.Series, flag: pd.Series) -> np.ndarray:
    """Which of ``ids`` a flag marks: ``ids.map(flag.to_dict())`` read as True/False, by one hash lookup.

    Parameters
    ----------
    ids : Series
        Customer ids (any order, repeats and missing values allowed).
    flag : Series
        True/False per id, indexed by id. A missing id or a missing flag counts as False; an id
        listed twice takes its last flag (as a dictionary built from the flag would).

    Returns
    -------
    numpy array of bool, aligned with ``ids``.

    Examples
    --------
    >>> flag = pd.Series([True, False, True], index=["a", "b", "a"])
    >>> flagged(pd.Series(["a", "b", "c", None]), flag).tolist()
    [True, False, False, False]
    """
    last = flag[~flag.index.duplicated(keep="last")]
    marked = last.index[last.astype("boolean").fillna(False).to_numpy(bool)]
    return among(ids.astype("string"), marked.astype("string"))


def coded(values: pd.Series, outcome: str = "nps") -> pd.Series:
    """Answers coded so that their mean is the outcome's score (NaN for no answer).

    NPS (0-10): promoters (9-10) +100, passives 0, detractors (0-6) −100; CSAT (1-5): 100 for a 4 or 5
    (top-2-box share in %); yes/no outcomes (``satisfied``, ``recommend``): 100 for yes; any other
    score (stars, CES): the answer itself.

    >>> coded(pd.Series([10, 7, 3, None])).tolist()
    [100.0, 0.0, -100.0, nan]
    >>> coded(pd.Series([5, 3]), "csat").tolist(), coded(pd.Series([True, False]), "satisfied").tolist()
    ([100.0, 0.0], [100.0, 0.0])
    """
    if outcome == "nps" or outcome.startswith("nps_"):
        x = pd.to_numeric(values, errors="coerce").astype("float64")
        return pd.Series(np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0)), index=values.index).where(x.notna())
    if outcome == "csat":
        x = pd.to_numeric(values, errors="coerce").astype("float64")
        return (100.0 * (x >= 4)).where(x.notna())
    if outcome in ("satisfied", "recommend"):
        x = values.astype("boolean")
        return (100.0 * x.astype("float64")).where(x.notna())
    return pd.to_numeric(values, errors="coerce").astype("float64")


def score_interval(x: np.ndarray, outcome: str) -> tuple[float, float]:
    """95 % interval of the score of coded answers ``x`` (NPS: adjusted Wald; shares: Wilson; scores: Student t)."""
    from cxlib.analysis import stats

    n = len(x)
    if n == 0:
        return np.nan, np.nan
    if outcome == "nps" or outcome.startswith("nps_"):
        low, high = stats.nps_interval((x > 0).mean(), (x < 0).mean(), n)
        return 100 * float(low), 100 * float(high)
    if outcome in ("csat", "satisfied", "recommend"):
        low, high = stats.proportion_interval([(x > 0).sum()], [n])
        return 100 * float(low[0]), 100 * float(high[0])
    low, high = stats.mean_interval(x.mean(), x.std(ddof=1) if n > 1 else np.nan, n)
    return float(low), float(high)


def outcome_contrast(answers: pd.DataFrame, groups: Mapping[str, pd.Series], *, outcome: str = "nps",
                     min_n: int = 30) -> pd.DataFrame:
    """The outcome of the affected against the rest, for each split, and what the split is worth.

    Parameters
    ----------
    answers : DataFrame
        One row per answer with the ``outcome`` column (rows without an answer are left out).
    groups : mapping of str to boolean Series
        Split name -> True for the answers it affected (aligned with ``answers``' index; missing = False).
    outcome : str
        The outcome column (``nps``, ``csat``, ``satisfied`` …; see :func:`coded`).
    min_n : int
        Both sides of a split need this many answers; otherwise the split is ``suppressed`` and its
        scores are NaN (one side would reveal the other through the client's total).

    Returns
    -------
    DataFrame
        :data:`OUTCOME_CONTRAST_COLUMNS`: ``score`` is the client's score on the same answers;
        ``diff`` = affected − rest (Welch's t on the coded answers, interval and ``p_value``;
        ``p_adjusted`` Holm-adjusted across the splits); ``worth`` = share · (rest − affected), the
        gain if the affected scored like the rest, with ``worth_low``/``worth_high``.
    """
    from cxlib.analysis import stats

    y = coded(answers[outcome], outcome) if outcome in answers.columns else pd.Series(np.nan, index=answers.index)
    keep = y.notna().to_numpy()
    values = y.to_numpy(float)[keep]
    n = int(keep.sum())
    rows = []
    for key, flag in groups.items():
        hit = flag.reindex(answers.index).astype("boolean").fillna(False).to_numpy(bool)[keep]
        a, b = values[hit], values[~hit]
        row = {"key": key, "n": n, "n_affected": int(hit.sum()), "n_rest": int((~hit).sum()),
               "share": float(hit.mean()) if n else np.nan, "score": float(values.mean()) if n else np.nan}
        small = min(len(a), len(b)) < max(int(min_n), 2)
        if small:
            row.update({c: np.nan for c in OUTCOME_CONTRAST_COLUMNS if c not in row})
            row["suppressed"] = True
            rows.append(row)
            continue
        la, ha = score_interval(a, outcome)
        lb, hb = score_interval(b, outcome)
        test = stats.welch_test(b.mean(), b.var(ddof=1), len(b), a.mean(), a.var(ddof=1), len(a))
        diff, lo, hi = (float(test[k]) for k in ("diff", "ci_low", "ci_high"))
        share = row["share"]
        row.update({"score_affected": float(a.mean()), "score_affected_low": la, "score_affected_high": ha,
                    "score_rest": float(b.mean()), "score_rest_low": lb, "score_rest_high": hb,
                    "diff": diff, "diff_low": lo, "diff_high": hi, "p_value": float(test["p_value"]),
                    "worth": -share * diff, "worth_low": -share * hi, "worth_high": -share * lo,
                    "suppressed": False})
        rows.append(row)
    out = pd.DataFrame(rows, columns=OUTCOME_CONTRAST_COLUMNS)
    ok = ~out["suppressed"].astype(bool)
    out["p_adjusted"] = np.nan
    if ok.any():
        out.loc[ok, "p_adjusted"] = stats.adjust_pvalues(out.loc[ok, "p_value"].to_numpy(float), method="holm")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def churn_contrast(customers: pd.DataFrame, groups: Mapping[str, pd.Series], *, min_n: int = 30,
                   value: str = "annual_value") -> pd.DataFrame:
    """Churn of the affected customers against the rest, and the customers and value kept if they churned like the rest.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``churned`` (and ``value``, annual value per customer, when known); one row
        per customer the split is made over.
    groups : mapping of str to boolean Series
        Split name -> True for affected customers, indexed by ``customer_id`` (missing = False).
    min_n : int
        Both sides need this many customers (else ``suppressed``).
    value : str
        Annual value column.

    Returns
    -------
    DataFrame
        :data:`CHURN_CONTRAST_COLUMNS`; shares in percent. ``diff`` = churn of the affected − churn
        of the rest (percentage points, Newcombe interval, two-proportion z-test ``p_value``);
        ``kept`` = n_affected · diff / 100 with its interval; ``value_kept`` = kept · the mean annual
        value of the affected customers (NaN without values).
    """
    from cxlib.analysis import stats

    frame = customers[customers["churned"].notna()].reset_index(drop=True)
    churned = frame["churned"].astype("boolean").to_numpy(bool)
    worth = pd.to_numeric(frame[value], errors="coerce").to_numpy(float) if value in frame else np.full(len(frame), np.nan)
    ids = frame["customer_id"].astype("string")
    rows = []
    for key, flag in groups.items():
        hit = flagged(ids, flag)
        row = {"key": key, "n": len(frame), "n_affected": int(hit.sum()), "n_rest": int((~hit).sum()),
               "churned_affected": int(churned[hit].sum()), "churned_rest": int(churned[~hit].sum())}
        if min(row["n_affected"], row["n_rest"]) < max(int(min_n), 2):
            row.update({c: np.nan for c in CHURN_CONTRAST_COLUMNS if c not in row})
            row["suppressed"] = True
            rows.append(row)
            continue
        xa, na, xb, nb = row["churned_affected"], row["n_affected"], row["churned_rest"], row["n_rest"]
        (la, lb), (ha, hb) = stats.proportion_interval([xa, xb], [na, nb])
        test = stats.two_proportion_test(xb, nb, xa, na)   # affected − rest
        diff, lo, hi = (100 * float(test[k]) for k in ("diff", "ci_low", "ci_high"))
        per = float(np.nanmean(worth[hit])) if np.isfinite(worth[hit]).any() else np.nan
        kept, kept_lo, kept_hi = na * diff / 100, na * lo / 100, na * hi / 100
        row.update({"churn_affected": 100 * xa / na, "churn_affected_low": 100 * la, "churn_affected_high": 100 * ha,
                    "churn_rest": 100 * xb / nb, "churn_rest_low": 100 * lb, "churn_rest_high": 100 * hb,
                    "diff": diff, "diff_low": lo, "diff_high": hi, "p_value": float(test["p_value"]),
                    "kept": kept, "kept_low": kept_lo, "kept_high": kept_hi, "value_per_customer": per,
                    "value_kept": kept * per, "value_kept_low": kept_lo * per, "value_kept_high": kept_hi * per,
                    "suppressed": False})
        rows.append(row)
    out = pd.DataFrame(rows, columns=CHURN_CONTRAST_COLUMNS)
    out["suppressed"] = out["suppressed"].astype(bool)
    return out
