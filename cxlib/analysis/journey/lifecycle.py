"""The lifecycle curve: experience stage by stage, and by tenure -- does it decay after the sale?

* :func:`stage_curve` -- mean touchpoint rating per lifecycle stage, in the client's order;
* :func:`tenure_curve` -- mean rating by months since the customer was acquired;
* :func:`decay_test` -- tests of post-sale decay with customer-clustered standard errors.

Methods: ``docs/methods-journey.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from cxlib.analysis import stats
from cxlib.analysis.context import Period, period_name
from cxlib.analysis.journey.common import add_groups, mean_table, require
from cxlib.analysis.journey.scores import touchpoint_scores
from cxlib.errors import ConfigError, DataError

__all__ = ["stage_curve", "tenure_curve", "decay_test", "DecayTest", "DEFAULT_TENURE_BINS"]

Measure = Literal["rating", "experience", "effort_score", "t_nps"]

#: Tenure bands in months since acquisition (left-closed): before, 0-3, 3-6, 6-12, 12-24, 24+.
DEFAULT_TENURE_BINS: tuple[float, ...] = (-np.inf, 0, 3, 6, 12, 24, np.inf)

_MONTH_DAYS = 365.25 / 12


def _scored(interactions: pd.DataFrame, responses: pd.DataFrame | None, measure: str,
            exclude_flags: Sequence[str]) -> pd.DataFrame:
    if measure not in ("rating", "experience", "effort_score", "t_nps"):
        raise ValueError(f"measure={measure!r}; expected 'rating', 'experience', 'effort_score' or 't_nps'.")
    require(interactions, ["interaction_id", "customer_id", "occurred_at", "stage", "touchpoint"], "interactions")
    scores = touchpoint_scores(interactions, responses, exclude_flags=exclude_flags)
    return scores[scores[measure].notna().to_numpy(bool)]


def _check_stages(stages: Sequence[str], sale_stage: str | None = None) -> list[str]:
    stages = [str(s) for s in stages]
    if not stages:
        raise ConfigError("No lifecycle stages given. Pass stages=ws.config.stages (client.yaml `stages`).")
    if sale_stage is not None and sale_stage not in stages:
        raise ConfigError(f"sale_stage {sale_stage!r} is not one of the stages {stages}. "
                          "Fix client.yaml `sale_stage` or `stages`.")
    return stages


def stage_curve(interactions: pd.DataFrame, responses: pd.DataFrame | None, *, stages: Sequence[str],
                measure: Measure = "rating", by: Sequence[str] = (), customers: pd.DataFrame | None = None,
                period: Period = "quarter", min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Mean experience at each lifecycle stage, in the client's stage order.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables; the measure is taken from the transactional answers
        (see :func:`cxlib.analysis.journey.scores.touchpoint_scores`).
    stages : sequence of str, keyword-only
        Stage order (client.yaml ``stages``). Stages without ratings keep a row with n = 0.
    measure : {"rating", "experience", "effort_score", "t_nps"}, keyword-only
        Touchpoint rating 1-5 (default), the same on 0-100, CES on 0-100, or transactional NPS.
    by : sequence of str, keyword-only
        Extra grouping: interaction columns, customer columns (pass ``customers``) or ``period``.
    customers, period : keyword-only
        For customer-level groups / the period length ("month", "quarter", "year").
    min_n : int or None, keyword-only
        The client's minimum group size (``ws.config.min_n``; default 30): cells with fewer
        ratings are suppressed, with complementary suppression across stages and groups
        (:func:`cxlib.analysis.stats.suppress`). None or 0: no suppression, for internal
        computations only.
    ci : float, keyword-only
        Confidence level.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DataFrame
        ``by`` columns, ``stage``, ``stage_order`` (0-based position), ``n`` (ratings),
        ``n_customers``, ``mean``, ``sd``, ``ci_low``, ``ci_high`` (t interval), ``suppressed``.

    Notes
    -----
    The per-stage interval treats ratings as independent; :func:`decay_test` accounts for
    several ratings by one customer.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": "x", "stage": ["buy", "use"],
    ...     "touchpoint": "t", "occurred_at": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    >>> r = pd.DataFrame({"response_id": ["1", "2"], "interaction_id": ["a", "b"], "csat": [5, 3]})
    >>> stage_curve(i, r, stages=["buy", "use", "renew"], min_n=1)[["stage", "n", "mean"]].to_dict("records")
    [{'stage': 'buy', 'n': 1, 'mean': 5.0}, {'stage': 'use', 'n': 1, 'mean': 3.0}, {'stage': 'renew', 'n': 0, 'mean': nan}]
    """
    stages = _check_stages(stages)
    period = period_name(period)
    data = _scored(interactions, responses, measure, exclude_flags)
    data = add_groups(data, list(by), customers=customers, period=period)
    data = data.assign(stage=data["stage"].astype("string"))
    table = mean_table(data, measure, [*by, "stage"], min_n=min_n, ci=ci, count="customer_id")
    # every stage of the client's order appears, in order, even without ratings
    if by:
        combos = table[list(by)].drop_duplicates()
        grid = combos.merge(pd.DataFrame({"stage": stages}), how="cross")
    else:
        grid = pd.DataFrame({"stage": stages})
    grid["stage"] = grid["stage"].astype("string")
    table = grid.merge(table, on=[*by, "stage"], how="left")
    table = table[table["stage"].isin(stages).to_numpy(bool)]
    for c in ("n", "n_customers"):
        table[c] = table[c].fillna(0).astype("int64")
    # a stage without ratings (n = 0) has nothing to show
    table["suppressed"] = table["suppressed"].astype("boolean").fillna(table["n"] < stats.check_min_n(min_n)).astype(bool)
    table.insert(len(by) + 1, "stage_order", table["stage"].map({s: i for i, s in enumerate(stages)}).astype("int64"))
    return table.sort_values([*by, "stage_order"], kind="stable").reset_index(drop=True)


def tenure_curve(interactions: pd.DataFrame, responses: pd.DataFrame | None, customers: pd.DataFrame, *,
                 bins: Sequence[float] = DEFAULT_TENURE_BINS, measure: Measure = "rating", by: Sequence[str] = (),
                 period: Period = "quarter", min_n: int | None = stats.DEFAULT_MIN_N, ci: float = 0.95,
                 exclude_flags: Sequence[str] = ()) -> pd.DataFrame:
    """Mean experience by tenure: months between acquisition and the touchpoint.

    Parameters
    ----------
    interactions, responses, customers : DataFrame
        Canonical tables (``customers.acquired_on`` gives the start of tenure).
    bins : sequence of float, keyword-only
        Band edges in months, left-closed ``[a, b)``; default before acquisition, 0-3, 3-6, 6-12,
        12-24, 24+.
    measure, by, period, min_n, ci, exclude_flags
        As in :func:`stage_curve`.

    Returns
    -------
    DataFrame
        ``by`` columns, ``tenure`` (band label such as "0-3 months"), ``tenure_from`` (lower
        edge, months), ``n``, ``n_customers``, ``mean``, ``sd``, ``ci_low``, ``ci_high``,
        ``suppressed``; bands in order.

    Notes
    -----
    tenure_months = (occurred_at − acquired_on) in days / (365.25 / 12).

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": ["a", "b"], "customer_id": "x", "stage": "use", "touchpoint": "t",
    ...     "occurred_at": pd.to_datetime(["2025-01-10", "2025-09-01"])})
    >>> r = pd.DataFrame({"response_id": ["1", "2"], "interaction_id": ["a", "b"], "csat": [5, 2]})
    >>> c = pd.DataFrame({"customer_id": ["x"], "acquired_on": pd.to_datetime(["2025-01-01"])})
    >>> tenure_curve(i, r, c, min_n=1)[["tenure", "n", "mean"]].query("n > 0").to_dict("records")
    [{'tenure': '0-3 months', 'n': 1, 'mean': 5.0}, {'tenure': '6-12 months', 'n': 1, 'mean': 2.0}]
    """
    period = period_name(period)
    data = _with_tenure(_scored(interactions, responses, measure, exclude_flags), customers)
    edges = list(bins)
    labels = [_band_label(a, b) for a, b in zip(edges[:-1], edges[1:])]
    band = pd.cut(data["tenure_months"], bins=edges, right=False, labels=labels)
    data = data.assign(tenure=band.astype("string"))
    data = add_groups(data, list(by), customers=customers, period=period)
    table = mean_table(data.dropna(subset=["tenure"]), measure, [*by, "tenure"], min_n=min_n, ci=ci,
                        count="customer_id")
    order = pd.DataFrame({"tenure": pd.array(labels, dtype="string"), "tenure_from": edges[:-1]})
    grid = (table[list(by)].drop_duplicates().merge(order, how="cross") if by else order)
    table = grid.merge(table, on=[*by, "tenure"], how="left")
    for c in ("n", "n_customers"):
        table[c] = table[c].fillna(0).astype("int64")
    table["suppressed"] = table["suppressed"].astype("boolean").fillna(table["n"] < stats.check_min_n(min_n)).astype(bool)
    return table.sort_values([*by, "tenure_from"], kind="stable").reset_index(drop=True)


def _band_label(a: float, b: float) -> str:
    if not np.isfinite(a):
        return "before acquisition" if b == 0 else f"< {b:g} months"
    if not np.isfinite(b):
        return f"{a:g}+ months"
    return f"{a:g}-{b:g} months"


def _with_tenure(data: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    require(customers, ["customer_id", "acquired_on"], "customers")
    out = data.merge(customers[["customer_id", "acquired_on"]], on="customer_id", how="left")
    days = (out["occurred_at"] - pd.to_datetime(out["acquired_on"])).dt.total_seconds() / 86400
    return out.assign(tenure_months=days / _MONTH_DAYS)


@dataclass(frozen=True)
class DecayTest:
    """Post-sale decay tests: ``.table`` (one row per test), ``.model`` (statsmodels fits by test)."""

    table: pd.DataFrame
    model: dict[str, Any]
    peak_stage: str | None
    sale_stage: str

    def summary(self) -> str:
        """A plain-text summary for an analyst."""
        lines = [f"Post-sale decay (sale stage: {self.sale_stage}; highest-rated stage: {self.peak_stage})"]
        by = list(self.table.columns[: self.table.columns.get_loc("test")])
        for r in self.table.to_dict("records"):
            group = "".join(f"{r[c]} / " for c in by)
            if r["suppressed"]:
                lines.append(f"  {group}{r['test']}: suppressed (n = {r['n']})")
                continue
            lines.append(f"  {group}{r['test']}: {r['estimate']:+.3f} [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}], "
                         f"p = {r['p_value']:.3g}, one-sided p(decay) = {r['p_decay']:.3g} (n = {r['n']}, "
                         f"{r['n_customers']} customers)")
        return "\n".join(lines)


def decay_test(interactions: pd.DataFrame, responses: pd.DataFrame | None, *, stages: Sequence[str],
               sale_stage: str, customers: pd.DataFrame | None = None, measure: Measure = "rating",
               by: Sequence[str] = (), period: Period = "quarter", ci: float = 0.95,
               min_n: int | None = stats.DEFAULT_MIN_N,
               exclude_flags: Sequence[str] = ()) -> DecayTest:
    """Does the experience decay after the sale? Three tests, all customer-clustered.

    Parameters
    ----------
    interactions, responses : DataFrame
        Canonical tables.
    stages : sequence of str, keyword-only
        Stage order (client.yaml ``stages``).
    sale_stage : str, keyword-only
        The sale (client.yaml ``sale_stage``).
    customers : DataFrame, keyword-only
        Canonical customers; when given, the tenure test is added.
    measure : str, keyword-only
        As in :func:`stage_curve`.
    by : sequence of str, keyword-only
        Repeat the tests within groups: interaction columns, customer columns (``segment``;
        needs ``customers``) or ``period`` (of the rated interaction, frequency ``period``).
    period : {"month", "quarter", "year"}, keyword-only
        Period length when ``by`` holds ``period``.
    ci : float, keyword-only
        Confidence level.
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): tests resting on fewer ratings are
        suppressed, with complementary suppression across the ``by`` groups of each test.
        None or 0: no suppression, for internal computations only.
    exclude_flags : sequence of str, keyword-only
        Quality flags of ``responses`` whose True rows are left out.

    Returns
    -------
    DecayTest
        ``.table`` columns: ``by`` columns, ``test`` ("later stages − sale stage": mean of the later stages'
        means minus the sale stage's mean; "trend per stage after sale": OLS slope of the measure on
        stage position from the sale stage on; "trend per year of tenure": OLS slope per 12 months
        since acquisition, after acquisition only), ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``p_value`` (two-sided), ``p_decay`` (one-sided, H1: estimate < 0), ``n`` (ratings),
        ``n_customers``, ``peak_stage`` (the group's highest-rated stage), ``suppressed``.
        ``.model``: the statsmodels fits by test name (by (group..., test) with ``by``).
        ``.peak_stage``: the stage with the highest mean overall.

    Notes
    -----
    The first test fits a cell-means OLS (one coefficient per stage) and tests the contrast
    c = (−1 at the sale stage, 1/k at each of the k later stages with ratings). Standard errors are
    cluster-robust by customer (Liang & Zeger 1986; statsmodels ``cov_type="cluster"``), because
    one customer rates several touchpoints. Stages before the sale are not in any test.

    Examples
    --------
    >>> i = pd.DataFrame({"interaction_id": list("abcdef"), "customer_id": list("xxyyzz"), "touchpoint": "t",
    ...     "stage": ["buy", "use"] * 3, "occurred_at": pd.Timestamp("2025-01-01")})
    >>> r = pd.DataFrame({"response_id": list("123456"), "interaction_id": list("abcdef"), "csat": [5, 3, 4, 3, 5, 2]})
    >>> round(decay_test(i, r, stages=["buy", "use"], sale_stage="buy", min_n=1).table["estimate"][0], 3)
    np.float64(-2.0)
    """
    stages = _check_stages(stages, sale_stage)
    period = period_name(period)
    data = _scored(interactions, responses, measure, exclude_flags)
    data = data[data["stage"].isin(stages).fillna(False).to_numpy(bool)]
    data = add_groups(data, list(by), customers=customers, period=period)
    peak = _peak(data, measure)
    rows, models = [], {}
    groups = data.groupby(list(by), observed=True, sort=True) if by else [((), data)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for name, fit, row in _decay_rows(part, stages, sale_stage, customers, measure, ci):
            rows.append({**dict(zip(by, key)), **row, "peak_stage": _peak(part, measure)})
            models[(*key, name) if by else name] = fit
    if not rows:
        raise DataError(f"Cannot test post-sale decay: no ratings at the sale stage {sale_stage!r} and a later stage. "
                        "Check that transactional responses link to interactions (interaction_id).")
    table = stats.suppress(pd.DataFrame(rows), by=list(by), within=["test"], min_n=min_n,
                           value_cols=["estimate", "se", "ci_low", "ci_high", "p_value", "p_decay"])
    table["peak_stage"] = table["peak_stage"].astype("string")
    return DecayTest(table=table, model=models, peak_stage=peak, sale_stage=sale_stage)


def _peak(data: pd.DataFrame, measure: str) -> str | None:
    means = data.groupby("stage", observed=True)[measure].mean()
    return str(means.idxmax()) if len(means) else None


def _decay_rows(data: pd.DataFrame, stages: list[str], sale_stage: str, customers: pd.DataFrame | None,
                measure: str, ci: float) -> list[tuple[str, Any, dict]]:
    pos = {s: i for i, s in enumerate(stages)}
    after = data[(data["stage"].map(pos) >= pos[sale_stage]).to_numpy(bool)]
    out = []
    seen = set(after["stage"].dropna().unique().tolist())
    present = [s for s in stages[pos[sale_stage]:] if s in seen]
    if sale_stage in present and len(present) > 1:
        X = pd.get_dummies(after["stage"].astype(str)).reindex(columns=present).astype("float64")
        fit, ok = _cluster_ols(after[measure].to_numpy(float), X.to_numpy(), after["customer_id"])
        c = np.array([-1.0] + [1.0 / (len(present) - 1)] * (len(present) - 1))
        out.append(("later stages − sale stage", fit,
                    _contrast_row("later stages − sale stage", fit, c, after, ci, ok)))
    if len(present) > 1:
        x = after["stage"].map(pos).astype("float64") - pos[sale_stage]
        fit, ok = _cluster_ols(after[measure].to_numpy(float), add_constant(x.to_numpy(), has_constant="add"),
                               after["customer_id"])
        out.append(("trend per stage after sale", fit,
                    _contrast_row("trend per stage after sale", fit, np.array([0.0, 1.0]), after, ci, ok)))
    if customers is not None:
        ten = _with_tenure(data, customers)
        ten = ten[(ten["tenure_months"] >= 0).to_numpy(bool)]
        if ten["tenure_months"].nunique() > 1:
            X = add_constant(ten["tenure_months"].to_numpy(float) / 12, has_constant="add")
            fit, ok = _cluster_ols(ten[measure].to_numpy(float), X, ten["customer_id"])
            out.append(("trend per year of tenure", fit,
                        _contrast_row("trend per year of tenure", fit, np.array([0.0, 1.0]), ten, ci, ok)))
    return out


def _cluster_ols(y: np.ndarray, X: np.ndarray, groups: pd.Series):
    """OLS with customer-clustered (CR1) covariance; plain OLS when CR1 is undefined (flagged)."""
    codes = pd.factorize(groups)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if codes.max(initial=-1) + 1 < 2 or len(y) <= X.shape[1]:
            return OLS(y, X).fit(), False  # one customer or no residual df: estimate only
        return OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes}), True


def _contrast_row(name: str, fit, c: np.ndarray, data: pd.DataFrame, ci: float, has_se: bool = True) -> dict:
    if not has_se:
        return {"test": name, "estimate": float(c @ fit.params), "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "p_value": np.nan, "p_decay": np.nan, "n": int(len(data)),
                "n_customers": int(data["customer_id"].nunique())}
    t = fit.t_test(c.reshape(1, -1))
    est = float(np.squeeze(t.effect))
    se = float(np.squeeze(t.sd))
    lo, hi = np.squeeze(t.conf_int(alpha=1 - ci))
    p = float(np.squeeze(t.pvalue))
    stat = float(np.squeeze(t.tvalue))
    # one-sided p for H1: estimate < 0, from the same reference distribution as the two-sided p
    dist = t.dist
    p_decay = float(dist.cdf(stat, *t.dist_args)) if t.dist_args else float(dist.cdf(stat))
    return {"test": name, "estimate": est, "se": se, "ci_low": float(lo), "ci_high": float(hi), "p_value": p,
            "p_decay": p_decay, "n": int(len(data)), "n_customers": int(data["customer_id"].nunique())}
