"""Is the journey view worth having? Journey index versus single-touchpoint measures, out of sample.

* :func:`touchpoint_measures` -- the single-touchpoint measures a touchpoint survey programme gives:
  each customer's rating of one touchpoint, and their most recent rating;
* :func:`compare_predictive` -- how well each measure predicts churn (AUC) or relationship NPS
  (R²) on held-out customers, with intervals, and the journey index against the best single
  touchpoint (DeLong test and paired bootstrap);
* :func:`delong_test` -- DeLong's test for two correlated AUCs.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.discrete.discrete_model import Logit
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from cxlib.analysis.journey.resample import bootstrap_auc
from cxlib.analysis.journey.common import require
from cxlib.analysis.stats import z_critical
from cxlib.errors import DataError
from cxlib.analysis.journey.scores import relationship_answers, touchpoint_scores
from cxlib.schema import RATING_PREFIX, rating_columns

__all__ = ["touchpoint_measures", "compare_predictive", "PredictiveComparison", "delong_test", "auc_interval"]

Outcome = Literal["churn", "nps"]


def touchpoint_measures(interactions: pd.DataFrame, responses: pd.DataFrame | None, *,
                        source: Literal["transactional", "relationship", "both"] = "both",
                        as_of: str | pd.Timestamp | None = None, exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Single-touchpoint measures per customer, on the 0-100 scale of the journey index.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables.
    source : {"transactional", "relationship", "both"}, keyword-only
        Transactional answers (each rates one interaction, as in
        :func:`cxlib.analysis.journey.scores.touchpoint_scores`), the touchpoint ratings of the customer's latest
        relationship-survey answer (``rating_<touchpoint>`` columns), or both.
    as_of : date, keyword-only
        Use only interactions before this moment.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        One row per customer with a rated touchpoint: ``customer_id``; from transactional answers
        ``last_rating`` (the most recent rated touchpoint; ties averaged), ``first_rating`` and
        ``tp_<touchpoint>`` (the customer's mean rating of that touchpoint); from the relationship
        survey ``rel_<touchpoint>`` (the touchpoint's rating in the latest relationship answer that
        rated it). All rescaled to 0-100 ((rating − 1) / 4 · 100); NaN where not rated.

    Notes
    -----
    Relationship-survey ratings come from the same questionnaire as the relationship NPS; when
    they are compared with the journey index at predicting that NPS they have a same-source
    advantage (Podsakoff et al. 2003), which the comparison leaves in (it favours the singles).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": "x", "touchpoint": ["bill", "call"],
    ...     "occurred_at": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> r = pd.DataFrame({"response_id": ["1", "2"], "interaction_id": ["a", "b"], "csat": [5, 1]})
    >>> touchpoint_measures(i, r, source="transactional").to_dict("records")
    [{'customer_id': 'x', 'last_rating': 0.0, 'first_rating': 100.0, 'tp_bill': 100.0, 'tp_call': 0.0}]
    """
    if source not in ("transactional", "relationship", "both"):
        raise ValueError(f"source={source!r}; expected 'transactional', 'relationship' or 'both'.")
    parts = []
    if source in ("transactional", "both"):
        # the columns the measures are made of, selected before the rows: a row filter copies every column
        inter = interactions[[c for c in ("interaction_id", "customer_id", "touchpoint", "occurred_at")
                              if c in interactions.columns]]
        inter = inter if as_of is None else inter[(inter["occurred_at"] < pd.Timestamp(as_of)).to_numpy(bool)]
        scores = touchpoint_scores(inter, responses, exclude_flags=exclude_flags)
        rated = scores[scores["experience"].notna().to_numpy(bool)]
        g = rated.groupby("customer_id", sort=True)
        last_at, first_at = g["occurred_at"].transform("max"), g["occurred_at"].transform("min")
        at_last = rated[(rated["occurred_at"] == last_at).to_numpy(bool)]
        at_first = rated[(rated["occurred_at"] == first_at).to_numpy(bool)]
        out = pd.DataFrame({"last_rating": at_last.groupby("customer_id")["experience"].mean(),
                            "first_rating": at_first.groupby("customer_id")["experience"].mean()})
        wide = rated.pivot_table(index="customer_id", columns="touchpoint", values="experience", aggfunc="mean",
                                 observed=True)
        wide.columns = [f"tp_{c}" for c in wide.columns]
        parts.append(out.join(wide, how="left"))
    if source in ("relationship", "both") and responses is not None and len(responses):
        parts.append(_relationship_ratings(responses, as_of=as_of, exclude_flags=exclude_flags))
    if not parts:
        return pd.DataFrame({"customer_id": pd.Series([], dtype="string")})
    out = parts[0] if len(parts) == 1 else parts[0].join(parts[1], how="outer")
    out.index.name = "customer_id"
    return out.reset_index()


def _relationship_ratings(responses: pd.DataFrame, *, as_of, exclude_flags: Sequence[str]) -> pd.DataFrame:
    r = relationship_answers(responses, exclude_flags=exclude_flags)
    if as_of is not None and "answered_at" in r.columns:
        r = r[(r["answered_at"] < pd.Timestamp(as_of)).to_numpy(bool)]
    cols = rating_columns(r.columns)
    if not cols or not len(r):
        return pd.DataFrame(index=pd.Index([], name="customer_id"))
    sort = [c for c in ("customer_id", "answered_at", "response_id") if c in r.columns]
    long = r.sort_values(sort, kind="stable").melt(id_vars=["customer_id"], value_vars=cols, var_name="col",
                                                   value_name="v")
    long["v"] = pd.to_numeric(long["v"], errors="coerce").astype("float64")
    long = long.dropna(subset=["v"])
    # the latest answer that rated the touchpoint (melt keeps the answers' time order)
    last = long.groupby(["customer_id", "col"], sort=True)["v"].last().unstack("col")
    last = (last - 1) / 4 * 100
    last.columns = ["rel_" + c[len(RATING_PREFIX):] for c in last.columns]
    return last


# --------------------------------------------------------------------------------------------
# AUC, DeLong
# --------------------------------------------------------------------------------------------
def _placements(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUCs and DeLong placement values of each row of ``scores`` (k × N) for labels ``y``."""
    pos, neg = scores[:, y == 1], scores[:, y == 0]
    m, n = pos.shape[1], neg.shape[1]
    tz = stats.rankdata(np.concatenate([pos, neg], axis=1), axis=1)
    tx = stats.rankdata(pos, axis=1)
    ty = stats.rankdata(neg, axis=1)
    v10 = (tz[:, :m] - tx) / n
    v01 = 1.0 - (tz[:, m:] - ty) / m
    auc = v10.mean(axis=1)
    return auc, v10, v01


def _delong_cov(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    auc, v10, v01 = _placements(scores, y)
    m, n = v10.shape[1], v01.shape[1]
    k = scores.shape[0]
    if m < 2 or n < 2:  # a variance needs two of each outcome
        return auc, np.full((k, k), np.nan)
    s10 = np.atleast_2d(np.cov(v10))
    s01 = np.atleast_2d(np.cov(v01))
    return auc, s10 / m + s01 / n


def auc_interval(y: Sequence[float], score: Sequence[float], *, ci: float = 0.95) -> dict[str, float]:
    """AUC with DeLong's standard error and a normal interval (clipped to [0, 1]).

    Parameters
    ----------
    y : array-like of 0/1
        Outcome.
    score : array-like
        Higher = more likely 1.
    ci : float, keyword-only
        Confidence level.

    Returns
    -------
    dict
        ``auc``, ``se``, ``ci_low``, ``ci_high``.

    Notes
    -----
    DeLong, DeLong & Clarke-Pearson (1988), computed with the midrank algorithm of Sun & Xu (2014).

    Examples
    --------
    >>> auc_interval([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])["auc"]
    0.75
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)[None, :]
    if len(np.unique(y)) != 2:
        raise DataError("AUC needs both outcomes (0 and 1) among the customers; found only one.")
    auc, cov = _delong_cov(s, y)
    se = float(np.sqrt(cov[0, 0]))
    z = z_critical(ci)
    return {"auc": float(auc[0]), "se": se, "ci_low": max(0.0, auc[0] - z * se), "ci_high": min(1.0, auc[0] + z * se)}


def delong_test(y: Sequence[float], score_a: Sequence[float], score_b: Sequence[float], *,
                ci: float = 0.95) -> dict[str, float]:
    """DeLong's test of two correlated AUCs (same customers, two scores).

    Parameters
    ----------
    y : array-like of 0/1
        Outcome.
    score_a, score_b : array-like
        The two scores (higher = more likely 1).
    ci : float, keyword-only
        Confidence level of the interval for the difference.

    Returns
    -------
    dict
        ``auc_a``, ``auc_b``, ``difference`` (a − b), ``se``, ``ci_low``, ``ci_high``, ``z``,
        ``p_value`` (two-sided).

    Notes
    -----
    Var(AUC_a − AUC_b) = c'Sc with c = (1, −1) and S the DeLong covariance of the two AUCs
    (DeLong et al. 1988; Sun & Xu 2014).

    Examples
    --------
    >>> r = delong_test([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1])
    >>> r["auc_a"], r["auc_b"], r["difference"]
    (1.0, 0.0, 1.0)
    """
    y = np.asarray(y, dtype=float)
    if len(np.unique(y)) != 2:
        raise DataError("AUC needs both outcomes (0 and 1) among the customers; found only one.")
    auc, cov = _delong_cov(np.vstack([np.asarray(score_a, float), np.asarray(score_b, float)]), y)
    diff = float(auc[0] - auc[1])
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    se = float(np.sqrt(max(var, 0.0)))
    z = diff / se if se > 0 else (0.0 if diff == 0 else np.inf * np.sign(diff))
    q = z_critical(ci)
    return {"auc_a": float(auc[0]), "auc_b": float(auc[1]), "difference": diff, "se": se,
            "ci_low": diff - q * se, "ci_high": diff + q * se, "z": float(z),
            "p_value": float(2 * stats.norm.sf(abs(z)))}


def _boot_auc(y: np.ndarray, scores: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """AUC of each score row on each bootstrap resample: (n_boot, k). Resamples lacking a class give NaN."""
    out = np.full((idx.shape[0], scores.shape[0]), np.nan)
    yb = y[idx]
    n1 = yb.sum(axis=1)
    n0 = yb.shape[1] - n1
    ok = (n1 > 0) & (n0 > 0)
    for k in range(scores.shape[0]):
        r = stats.rankdata(scores[k][idx], axis=1)
        u = (r * yb).sum(axis=1) - n1 * (n1 + 1) / 2
        out[ok, k] = u[ok] / (n1[ok] * n0[ok])
    return out


def _boot_r2(y: np.ndarray, preds: np.ndarray, idx: np.ndarray) -> np.ndarray:
    yb = y[idx]
    sst = ((yb - yb.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    out = np.empty((idx.shape[0], preds.shape[0]))
    for k in range(preds.shape[0]):
        sse = ((yb - preds[k][idx]) ** 2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, k] = np.where(sst > 0, 1 - sse / np.where(sst > 0, sst, 1), np.nan)
    return out


# --------------------------------------------------------------------------------------------
# the comparison
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PredictiveComparison:
    """Journey versus single-touchpoint measures on held-out customers.

    ``.table``: one row per measure. ``.difference``: the journey index against the best single
    touchpoint (and the other references). ``.model``: the fitted statsmodels results by measure
    (``Logit`` for churn, ``OLS`` for NPS; the design is ``[1, x]`` with missing x set to the
    training median).
    """

    table: pd.DataFrame
    difference: pd.DataFrame
    model: dict[str, Any] = field(repr=False)
    outcome: str
    metric: str
    journey: str
    best_single: str | None
    excluded: tuple[str, ...] = ()

    def summary(self) -> str:
        """A plain-text summary an analyst can paste into notes."""
        lines = [f"Predicting {self.outcome} on held-out customers ({self.metric}, higher is better)"]
        for r in self.table.itertuples(index=False):
            lines.append(f"  {r.measure:<24} {r.kind:<9} {r.test_metric:6.3f} [{r.ci_low:6.3f}, {r.ci_high:6.3f}]"
                         f"  coverage {r.coverage:5.1%}  n_test {r.n_test}")
        for r in self.difference.itertuples(index=False):
            lines.append(f"  {r.comparison}: {r.difference:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}] "
                         f"(bootstrap), p = {r.p_value:.3g} ({r.test})")
        return "\n".join(lines)


def compare_predictive(measures: pd.DataFrame, outcomes: pd.DataFrame, *, outcome: Outcome = "churn",
                       journey: str = "journey_index", candidates: Sequence[str] | None = None,
                       references: Sequence[str] = ("touchpoint_mean",), test_size: float = 0.3, seed: int = 0,
                       n_boot: int = 2000, ci: float = 0.95, missing: Literal["impute", "complete"] = "impute",
                       min_n: int = 100) -> PredictiveComparison:
    """How well the journey index and single-touchpoint measures predict churn or relationship NPS.

    Parameters
    ----------
    measures : DataFrame
        One row per customer: ``customer_id``, the journey column and the candidate columns (e.g.
        :func:`cxlib.analysis.journey.index.journey_index` merged with :func:`touchpoint_measures`).
    outcomes : DataFrame
        :func:`cxlib.analysis.journey.outcomes.customer_outcomes` (``customer_id``, ``churned``, ``nps``).
    outcome : {"churn", "nps"}, keyword-only
        Churn (scored by AUC) or relationship NPS 0-10 (scored by out-of-sample R²).
    journey : str, keyword-only
        The journey-level measure.
    candidates : sequence of str, keyword-only
        Single-touchpoint measures (default: ``last_rating`` and every ``tp_*`` and ``rel_*`` column).
    references : sequence of str, keyword-only
        Further measures reported and compared (default: the plain touchpoint average).
    test_size : float, keyword-only
        Share of customers held out (stratified on churn).
    seed : int, keyword-only
        Seed of the split and the bootstrap.
    n_boot : int, keyword-only
        Bootstrap resamples of the test set.
    ci : float, keyword-only
        Confidence level.
    missing : {"impute", "complete"}, keyword-only
        "impute": every customer counts; a customer without the measure gets the training median
        (a touchpoint only some customers meet predicts only for them -- part of the comparison).
        "complete": each measure is judged on the customers who have it; differences on the
        customers who have both.
    min_n : int, keyword-only
        A measure is modelled only when at least ``min_n`` training customers have it (and, for
        churn, both outcomes occur among them); others are listed in ``.excluded``.

    Returns
    -------
    PredictiveComparison
        ``.table``: ``measure``, ``kind`` ("journey", "reference", "single"), ``coverage`` (share of
        customers with the measure), ``n_train``, ``n_test``, ``train_metric``, ``test_metric``
        (AUC or R² on the held-out customers), ``ci_low``, ``ci_high`` (AUC: DeLong; R²: percentile
        bootstrap), ``direction`` (+1 if higher measure → more churn / higher NPS, else −1);
        sorted journey, references, then singles by train metric. ``.difference``: ``comparison``,
        ``measure_a``, ``measure_b``, ``n_test``, ``difference`` (a − b on the test set),
        ``ci_low``, ``ci_high`` (paired percentile bootstrap), ``p_value`` and ``test``
        ("DeLong" for AUC; "bootstrap" for R²: 2·(k + 1)/(B + 1), k the resamples on the far side of 0).
        ``.best_single``: the candidate with the best *training* metric (chosen without
        looking at the test set). ``.excluded``: measures with too few values.

    Notes
    -----
    Each measure gets its own one-variable model fitted on the training customers (statsmodels
    ``Logit`` for churn, ``OLS`` for NPS), so the direction is learned, not assumed;
    R²_test = 1 − SSE/SST on the test customers (sklearn ``r2_score``). The bootstrap resamples
    test customers with a fixed seed; the same resamples serve every measure, so differences are
    paired (Efron & Tibshirani 1993). DeLong et al. (1988) for correlated AUCs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> m = pd.DataFrame({"customer_id": np.arange(400), "journey_index": x, "last_rating": x + rng.normal(size=400)})
    >>> o = pd.DataFrame({"customer_id": np.arange(400), "churned": (x + rng.normal(size=400) < -0.5).astype(float)})
    >>> res = compare_predictive(m, o, n_boot=200, min_n=50)
    >>> res.best_single, bool(res.difference["difference"][0] > 0)
    ('last_rating', True)
    """
    if outcome not in ("churn", "nps"):
        raise ValueError(f"outcome={outcome!r}; expected 'churn' or 'nps'.")
    ycol = "churned" if outcome == "churn" else "nps"
    require(measures, ["customer_id", journey], "measures")
    require(outcomes, ["customer_id", ycol], "outcomes")
    if candidates is None:
        candidates = [c for c in measures.columns
                      if c == "last_rating" or str(c).startswith("tp_") or str(c).startswith("rel_")]
    references = [r for r in references if r in measures.columns and r != journey]
    cols = list(dict.fromkeys([journey, *references, *candidates]))
    data = outcomes[["customer_id", ycol]].merge(measures[["customer_id", *cols]], on="customer_id", how="inner")
    data = data[data[ycol].notna().to_numpy(bool)].reset_index(drop=True)
    y = pd.to_numeric(data[ycol], errors="coerce").astype("float64").to_numpy()
    if outcome == "churn" and len(np.unique(y)) != 2:
        raise DataError("Cannot compare churn predictions: every customer has the same `churned` value.")
    if len(data) < 20:
        raise DataError(f"Only {len(data)} customers have the outcome `{ycol}`; at least 20 are needed.")
    train, test = train_test_split(np.arange(len(data)), test_size=test_size, random_state=seed,
                                   stratify=y if outcome == "churn" else None)
    # drawn only where used (the R² interval): n_boot × n_test indices are 300 MB for a large client
    boot = np.random.default_rng(seed).integers(0, len(test), size=(n_boot, len(test))) \
        if outcome == "nps" and missing == "impute" else None
    metric = "AUC" if outcome == "churn" else "R²"
    rows, preds, models, excluded = [], {}, {}, []
    for c in cols:
        x = pd.to_numeric(data[c], errors="coerce").astype("float64").to_numpy()
        has = ~np.isnan(x)
        tr = train if missing == "impute" else train[has[train]]
        te = test if missing == "impute" else test[has[test]]
        if has[tr].sum() < min_n or (outcome == "churn" and len(np.unique(y[tr[has[tr]]])) < 2) or (
                outcome == "churn" and len(np.unique(y[te])) < 2):
            excluded.append(c)
            continue
        fill = np.nanmedian(x[tr])
        xf = np.where(has, x, fill)
        model = _fit_one(xf[tr], y[tr], outcome)
        if model is None:
            excluded.append(c)
            continue
        p = model.predict(add_constant(xf, has_constant="add"))
        coef = float(model.params[1])
        row = {"measure": c, "kind": "journey" if c == journey else ("reference" if c in references else "single"),
               "coverage": float(has.mean()), "n_train": len(tr), "n_test": len(te),
               "direction": 1 if coef > 0 else -1}
        if outcome == "churn":
            row["train_metric"] = roc_auc_score(y[tr], p[tr])
            a = auc_interval(y[te], p[te], ci=ci)
            row.update(test_metric=a["auc"], ci_low=a["ci_low"], ci_high=a["ci_high"])
        else:
            row["train_metric"] = r2_score(y[tr], p[tr])
            row["test_metric"] = r2_score(y[te], p[te])
            if missing == "impute":
                b = _boot_r2(y[test], p[test][None, :], boot)[:, 0]
            else:
                bi = np.random.default_rng(seed).integers(0, len(te), size=(n_boot, len(te)))
                b = _boot_r2(y[te], p[te][None, :], bi)[:, 0]
            row["ci_low"], row["ci_high"] = np.nanquantile(b, [(1 - ci) / 2, (1 + ci) / 2])
        rows.append(row)
        preds[c], models[c] = p, model
    if journey not in preds:
        raise DataError(f"The journey measure `{journey}` has too few values to be modelled.")
    table = pd.DataFrame(rows)
    singles = table[table["kind"] == "single"]
    best = str(singles.sort_values(["train_metric", "measure"], ascending=[False, True]).iloc[0]["measure"]) \
        if len(singles) else None
    kind_order = {"journey": 0, "reference": 1, "single": 2}
    table = table.assign(_k=table["kind"].map(kind_order)).sort_values(
        ["_k", "train_metric"], ascending=[True, False], kind="stable").drop(columns="_k").reset_index(drop=True)
    table = table[["measure", "kind", "coverage", "n_train", "n_test", "train_metric", "test_metric", "ci_low",
                   "ci_high", "direction"]]
    others = ([best] if best else []) + [r for r in references if r in preds]
    shared = None
    if outcome == "churn" and missing == "impute" and others:
        # every difference resamples the same test customers with the same seed: one pass serves them all
        shown = list(dict.fromkeys([journey, *others]))
        aucs = bootstrap_auc(y[test], np.vstack([preds[m][test] for m in shown]), seed=seed + 1, n_boot=n_boot)
        shared = {m: aucs[:, i] for i, m in enumerate(shown)}
    diffs = [_difference(journey, o, preds, y, test, data[[journey, o]].notna().all(axis=1).to_numpy(),
                         outcome=outcome, missing=missing, n_boot=n_boot, seed=seed, ci=ci, shared=shared,
                         label=("journey − best single touchpoint" if o == best else f"journey − {o}"))
             for o in others]
    diff = pd.DataFrame(diffs, columns=["comparison", "measure_a", "measure_b", "n_test", "difference", "ci_low",
                                        "ci_high", "p_value", "test"])
    return PredictiveComparison(table=table, difference=diff, model=models, outcome=outcome, metric=metric,
                                journey=journey, best_single=best, excluded=tuple(excluded))


def _fit_one(x: np.ndarray, y: np.ndarray, outcome: str):
    """One-variable model y ~ 1 + x; None when it cannot be estimated (no spread, separation)."""
    if np.ptp(x) == 0:
        return None
    X = add_constant(x, has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if outcome == "nps":
                return OLS(y, X).fit()
            fit = Logit(y, X).fit(disp=0, maxiter=100)
        except (np.linalg.LinAlgError, PerfectSeparationError):
            return None
    return fit if fit.mle_retvals.get("converged", True) and np.isfinite(fit.params).all() else None


def _difference(a: str, b: str, preds: dict, y: np.ndarray, test: np.ndarray, both: np.ndarray, *, outcome: str,
                missing: str, n_boot: int, seed: int, ci: float, label: str, shared: dict | None = None) -> dict:
    te = test if missing == "impute" else test[both[test]]
    s = np.vstack([preds[a][te], preds[b][te]])
    if outcome == "churn":
        # the same resamples as ranking rows of default_rng(seed + 1).integers(…), counted in blocks;
        # ``shared``: those AUCs on the whole test set, computed once for every measure compared
        boot = np.column_stack([shared[a], shared[b]]) if shared is not None \
            else bootstrap_auc(y[te], s, seed=seed + 1, n_boot=n_boot)
        d = delong_test(y[te], s[0], s[1], ci=ci)
        est, p, test_name = d["difference"], d["p_value"], "DeLong"
    else:
        idx = np.random.default_rng(seed + 1).integers(0, len(te), size=(n_boot, len(te)))
        boot = _boot_r2(y[te], s, idx)
        est = r2_score(y[te], s[0]) - r2_score(y[te], s[1])
        bd = boot[:, 0] - boot[:, 1]
        bd = bd[~np.isnan(bd)]
        # two-sided bootstrap p with the +1 correction (never exactly 0; Davison & Hinkley 1997)
        p = float(min(1.0, 2 * (min((bd <= 0).sum(), (bd >= 0).sum()) + 1) / (len(bd) + 1)))
        test_name = "bootstrap"
    bd = boot[:, 0] - boot[:, 1]
    lo, hi = np.nanquantile(bd, [(1 - ci) / 2, (1 + ci) / 2])
    return {"comparison": label, "measure_a": a, "measure_b": b, "n_test": len(te), "difference": float(est),
            "ci_low": float(lo), "ci_high": float(hi), "p_value": float(p), "test": test_name}
