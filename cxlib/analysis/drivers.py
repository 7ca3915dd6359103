"""Key drivers: what moves NPS, satisfaction or churn, with relative importance and a priority matrix.

A driver analysis regresses an outcome (the 0-10 recommend score, CSAT, a
detractor or churn flag) on touchpoint ratings. The regression (statsmodels
OLS, or Logit for a binary outcome) gives each driver's effect and its test;
relative importance splits the model's R^2 between the drivers, which is the
honest answer to "which matters most" when ratings are correlated.
Importances come from the correlation matrix alone (:mod:`cxlib.analysis.importance`), so
bootstrap intervals cost one weighted cross-product per resample (see Notes of :func:`key_drivers`).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x = rng.integers(1, 6, size=(400, 3)).astype(float)
>>> x[:, 0] = rng.integers(1, 4, 400)       # billing is rated poorly ...
>>> df = pd.DataFrame(x, columns=["rating_billing", "rating_app", "rating_store"])
>>> df["nps"] = np.clip(np.round(2 * x[:, 0] + 0.3 * x[:, 1] + rng.normal(0, 1, 400) - 2), 0, 10)  # ... and drives NPS
>>> res = key_drivers(df, n_boot=50)
>>> res.table["driver"].iloc[0], res.fix_first[:1]
('billing', ['billing'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats as _s
from cxlib.analysis.importance import (
    LMG_MAX, TOLERANCE, bootstrap_corr, importance_from_corr, relative_importance, subset_r2, vif_from_corr,
)
from cxlib.errors import DataError
from cxlib.schema import RATING_PREFIX, rating_column, rating_columns

__all__ = [
    "ImportanceMethod",
    "LMG_MAX_AUTO",
    "LMG_MAX",
    "DriverResult",
    "key_drivers",
    "relative_importance",
    "importance_from_corr",
    "subset_r2",
    "vif_from_corr",
    "bootstrap_corr",
    "priority_matrix",
    "QUADRANTS",
]

ImportanceMethod = Literal["auto", "lmg", "relative_weights"]
ModelKind = Literal["auto", "ols", "logit"]

#: ``importance="auto"`` uses LMG up to this many drivers, Johnson's relative weights above.
LMG_MAX_AUTO = 15

#: The four quadrants of the priority matrix, most urgent first.
QUADRANTS = ("fix first", "maintain strength", "monitor", "lower priority")


def _outcome(data: pd.DataFrame, outcome: str, customers: pd.DataFrame | None) -> tuple[pd.Series, bool]:
    if outcome in ("detractor", "promoter") and outcome not in data.columns:
        x = pd.to_numeric(data["nps"], errors="coerce")
        y = (x <= 6) if outcome == "detractor" else (x >= 9)
        return y.astype(float).where(x.notna()), True
    if outcome not in data.columns:
        if customers is not None and outcome in customers.columns and "customer_id" in data.columns:
            look = customers.drop_duplicates("customer_id").set_index("customer_id")[outcome]
            series = data["customer_id"].map(look)
        else:
            raise DataError(
                f"outcome `{outcome}` is not a column of the data; use 'nps', 'csat', 'detractor', "
                "'promoter', a numeric column, or pass customers= to take it (e.g. 'churned') from customers."
            )
    else:
        series = data[outcome]
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean").astype("Float64").astype(float), True
    y = pd.to_numeric(series, errors="coerce").astype(float)
    binary = set(np.unique(y.dropna())) <= {0.0, 1.0}
    return y, binary


def priority_matrix(
    table: pd.DataFrame, *, importance: str = "share", performance: str = "performance"
) -> pd.DataFrame:
    """Importance x performance quadrants; names the touchpoints to fix first.

    Parameters
    ----------
    table : DataFrame
        One row per driver with an importance and a performance column.
    importance, performance : str
        Column names.

    Returns
    -------
    DataFrame
        ``table`` with ``quadrant`` added — "fix first" (importance at or above the
        mean importance, performance below the mean performance), "maintain strength"
        (important, performing), "monitor" (less important, underperforming),
        "lower priority" (less important, performing) — and ``fix_first`` (bool).

    Notes
    -----
    Importance-performance analysis (Martilla & James, 1977, *J. Marketing* 41(1), 77-79),
    with the mean of each axis as the cross-hair; a driver's importance is its share of R^2.
    """
    imp = table[importance].to_numpy(dtype=float)
    perf = table[performance].to_numpy(dtype=float)
    hi = imp >= np.nanmean(imp)
    good = perf >= np.nanmean(perf)
    quadrant = np.where(hi, np.where(good, QUADRANTS[1], QUADRANTS[0]), np.where(good, QUADRANTS[3], QUADRANTS[2]))
    out = table.copy()
    out["quadrant"] = quadrant
    out["fix_first"] = quadrant == QUADRANTS[0]
    return out


@dataclass(frozen=True)
class DriverResult:
    """A key-driver analysis: tidy ``table``, the fitted statsmodels ``model``, and fit facts."""

    table: pd.DataFrame
    model: Any
    outcome: str
    model_kind: str
    importance_method: str
    n: int
    r2: float
    r2_ci: tuple[float, float]
    n_boot: int
    ci: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fix_first(self) -> list[str]:
        """Drivers in the "fix first" quadrant, most important first."""
        t = self.table
        return t.loc[t["fix_first"], "driver"].tolist()

    @property
    def priority(self) -> pd.DataFrame:
        """The priority matrix: driver, share, performance, quadrant, fix_first."""
        return self.table[["driver", "share", "performance", "quadrant", "fix_first"]]

    def summary(self) -> str:
        """Plain-text summary for notebooks and logs."""
        lines = [
            f"Key drivers of {self.outcome}: {self.model_kind.upper()} on {self.n} responses, "
            f"R^2 = {self.r2:.3f} ({self.ci:.0%} CI {self.r2_ci[0]:.3f}-{self.r2_ci[1]:.3f}); "
            f"importance by {self.importance_method}, {self.n_boot} bootstrap resamples.",
        ]
        cols = ["rank", "driver", "share", "share_ci_low", "share_ci_high", "coef", "p_value", "vif",
                "performance", "quadrant"]
        lines.append(self.table[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        lines.extend(self.notes)
        return "\n".join(lines)


def _design(x: pd.DataFrame, missing: str) -> tuple[pd.DataFrame, list[list[int]], list[str]]:
    """Driver design: ratings (centred, 0 where not rated) plus a not-rated indicator per driver with gaps."""
    cols = list(x.columns)
    if missing == "listwise":
        return x, [[j] for j in range(len(cols))], []
    filled = {}
    groups: list[list[int]] = [[j] for j in range(len(cols))]
    extra = []
    for c in cols:
        v = x[c]
        filled[c] = (v - v.mean()).fillna(0.0)
    design = pd.DataFrame(filled, index=x.index)
    for j, c in enumerate(cols):
        gap = x[c].isna()
        if gap.any():
            name = f"not_rated_{c}"
            design[name] = gap.astype(float)
            groups[j].append(design.shape[1] - 1)
            extra.append(name)
    return design, groups, extra


def key_drivers(
    data: pd.DataFrame,
    *,
    outcome: str = "nps",
    drivers: Sequence[str] | None = None,
    customers: pd.DataFrame | None = None,
    importance: ImportanceMethod = "auto",
    model: ModelKind = "auto",
    missing: Literal["indicator", "listwise"] = "indicator",
    n_boot: int = 200,
    ci: float = 0.95,
    seed: int = 0,
    min_n: int = _s.DEFAULT_MIN_N,
    performance: Literal["mean", "top_box", "top2_box"] = "mean",
) -> DriverResult:
    """What moves an outcome: regression, relative importance with bootstrap intervals, VIF, priorities.

    Parameters
    ----------
    data : DataFrame
        Responses with the driver columns (``rating_<touchpoint>``) and the outcome; usually
        relationship-survey responses.
    outcome : str
        ``"nps"`` (0-10), ``"csat"``, ``"detractor"`` (nps <= 6), ``"promoter"`` (nps >= 9),
        any numeric or boolean column, or a customers column (e.g. ``"churned"``) with ``customers=``.
    drivers : list of str, optional
        Touchpoint ids or column names; default every ``rating_<touchpoint>`` column.
    customers : DataFrame, optional
        Canonical customers table, to take the outcome from by ``customer_id``.
    importance : {"auto", "lmg", "relative_weights"}
        ``auto``: LMG for up to :data:`LMG_MAX_AUTO` (15) drivers, relative weights above.
    model : {"auto", "ols", "logit"}
        Regression for the coefficient table; ``auto``: Logit for a 0/1 outcome, else OLS.
    missing : {"indicator", "listwise"}
        How touchpoints a respondent did not rate are handled. ``indicator`` (default): every
        response with the outcome is used; a missing rating is set to the touchpoint's mean
        and a ``not_rated_<column>`` indicator enters the model with it (see Notes).
        ``listwise``: only responses that rated every driver.
    n_boot : int
        Bootstrap resamples for the importance and R^2 intervals (0: none).
    ci : float
        Confidence level of all intervals.
    seed : int
        Bootstrap seed.
    min_n : int
        Minimum number of responses used, and of responses rating a driver (drivers rated
        by fewer are left out, with a note); pass ``ws.config.min_n``.
    performance : {"mean", "top_box", "top2_box"}
        Performance axis of the priority matrix: mean rating, % of 5s or % of 4-5s, over
        everyone who rated the touchpoint.

    Returns
    -------
    DriverResult
        ``.table`` has one row per driver, most important first: ``rank``, ``driver``
        (touchpoint id or column), ``column``, ``n`` (responses used), ``coef`` (change in the
        outcome per rating point among those who rated it, holding the others fixed; log-odds
        for Logit), ``coef_ci_low``, ``coef_ci_high``, ``odds_ratio`` (Logit only, else NaN),
        ``p_value``, ``importance`` (R^2 units), ``importance_ci_low``, ``importance_ci_high``,
        ``share`` (percent of R^2), ``share_ci_low``, ``share_ci_high``, ``vif``,
        ``performance``, ``performance_n`` (responses that rated it), ``quadrant``,
        ``fix_first``. Also ``.model`` (statsmodels results), ``.r2`` and ``.r2_ci``,
        ``.fix_first``, ``.priority``, ``summary()``.

    Notes
    -----
    Respondents rate only the touchpoints they used, so complete cases are rare. With
    ``missing="indicator"`` the design holds, for driver j, x_j - mean_j (0 when not rated)
    and, if anyone skipped it, the indicator 1[not rated]; the rating's coefficient is then
    estimated from those who rated it and the indicator absorbs the level of those who did
    not (the missing-indicator parametrisation for "not applicable" items; Cohen & Cohen,
    1975, *Applied Multiple Regression*, ch. 7). A driver's importance is the group Shapley
    value of both columns together. Importances are computed on correlations (see
    :func:`importance_from_corr`) and sum to the R^2 of exactly the OLS model in ``.model``.
    For a binary outcome R^2 is that of the linear probability model (OLS on 0/1), which keeps
    the exact additive decomposition; the Logit model supplies coefficients, odds ratios and
    tests. Intervals: percentile bootstrap over responses (:func:`bootstrap_corr`);
    importance and R^2 of each resample come from its correlation matrix; shares' intervals
    are of importance/R^2 per resample. VIF is among the rating columns. Choice of method:
    LMG is the established decomposition (Grömping, 2006); with the sweep tree of
    :func:`subset_r2`, 15 drivers x 200 resamples take about a second; above 15 its 2^k cost
    grows past that and Johnson's relative weights, which track LMG closely (Johnson &
    LeBreton, 2004, *Organ. Res. Methods* 7, 238-257), are used. Priority matrix:
    :func:`priority_matrix`.
    """
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    if drivers is None:
        cols = rating_columns(data.columns)
    else:
        cols = [d if d in data.columns else rating_column(d) for d in drivers]
    absent = [c for c in cols if c not in data.columns]
    if absent or not cols:
        raise DataError(f"driver column(s) {absent or '(none)'} not in the data; pass drivers= touchpoint ids or columns.")
    if missing not in ("indicator", "listwise"):
        raise DataError(f"unknown missing={missing!r}; use 'indicator' or 'listwise'.")
    y, binary = _outcome(data, outcome, customers)
    x = data[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    notes: list[str] = []
    rows = y.notna() & (x.notna().all(axis=1) if missing == "listwise" else x.notna().any(axis=1))
    rated = x[rows].notna().sum()
    rare = [c for c in cols if rated[c] < min_n]
    if rare and missing == "indicator" and len(rare) < len(cols):
        notes.append(f"Left out (rated by fewer than {min_n}): {rare}.")
        cols = [c for c in cols if c not in rare]
        x = x[cols]
        rows = y.notna() & x.notna().any(axis=1)
    k = len(cols)
    n = int(rows.sum())
    need = max(min_n, k + 2)
    if n < need:
        how = "all" if missing == "listwise" else "any of"
        raise DataError(
            f"only {n} responses have `{outcome}` and {how} the {k} drivers; at least {need} are needed "
            f"(min_n={min_n}). Use fewer drivers=, missing='indicator', or a larger sample."
        )
    xr = x[rows]
    flat = [c for c in cols if xr[c].nunique() < 2]
    if y[rows].nunique() < 2:
        flat.append(outcome)
    if flat:
        raise DataError(f"{flat} do not vary among the {n} responses used; drop them from drivers=.")
    design, groups, extra = _design(xr, missing)
    yv = y[rows].to_numpy(dtype=float)
    z = np.column_stack([design.to_numpy(dtype=float), yv])
    corr = np.corrcoef(z, rowvar=False)
    rxx = corr[:k, :k]
    lam = np.linalg.eigvalsh(rxx)
    if lam.min() < TOLERANCE:
        raise DataError(
            f"the drivers {cols} are perfectly collinear (smallest eigenvalue {lam.min():.1e}); "
            "drop one of each redundant pair."
        )
    method = importance if importance != "auto" else ("lmg" if k <= LMG_MAX_AUTO else "relative_weights")
    imp = importance_from_corr(corr, method=method, groups=groups)
    r2 = float(imp.sum())
    if n_boot > 0:
        boot = bootstrap_corr(z, n_boot=n_boot, rng=np.random.default_rng(seed))
        bimp = importance_from_corr(boot, method=method, groups=groups)
        br2 = bimp.sum(axis=1)
        lo, hi = _s.percentile_interval(bimp, imp, ci=ci, axis=0)
        slo, shi = _s.percentile_interval(100 * bimp / br2[:, None], 100 * imp / r2, ci=ci, axis=0)
        r2_ci = tuple(float(v) for v in _s.percentile_interval(br2, r2, ci=ci, axis=0))
    else:
        lo = hi = slo = shi = np.full(k, np.nan)
        r2_ci = (float("nan"), float("nan"))

    kind = model if model != "auto" else ("logit" if binary else "ols")
    # Identical indicator columns (touchpoints always skipped together) are kept once in the fit.
    if extra:
        _, first = np.unique(design[extra].to_numpy().T, axis=0, return_index=True)
        reg = design[cols + [extra[i] for i in sorted(first)]]
    else:
        reg = design
    exog = add_constant(reg, has_constant="add")
    try:
        if kind == "logit":
            if not binary:
                raise DataError(f"model='logit' needs a 0/1 outcome; `{outcome}` has other values.")
            fit = Logit(yv, exog).fit(disp=0, maxiter=100)
        else:
            fit = OLS(yv, exog).fit()
    except DataError:
        raise
    except Exception as err:  # PerfectSeparationError, LinAlgError
        raise DataError(f"the driver regression for `{outcome}` could not be fitted "
                        f"({type(err).__name__}: {err}).") from err
    conf = fit.conf_int(alpha=1 - ci).loc[cols].to_numpy()
    coef = fit.params[cols].to_numpy()
    if kind == "logit":
        notes.append("R^2 and importance: linear probability model on the 0/1 outcome; coefficients: Logit.")
    if extra:
        notes.append(f"{len(extra)} drivers were not rated by everyone: missing ratings entered as the "
                     "touchpoint mean with a not-rated indicator.")

    perf_mean, perf_n = [], []
    for c in cols:
        r = x.loc[rows, c].dropna().to_numpy(dtype=float)
        perf_n.append(len(r))
        if not len(r):
            perf_mean.append(np.nan)
        elif performance == "mean":
            perf_mean.append(r.mean())
        else:
            scale_max = 5.0 if c.startswith(RATING_PREFIX) else r.max()
            perf_mean.append(100 * (r >= scale_max - (performance == "top2_box")).mean())

    table = pd.DataFrame({
        "driver": [c[len(RATING_PREFIX):] if c.startswith(RATING_PREFIX) else c for c in cols],
        "column": cols,
        "n": n,
        "coef": coef,
        "coef_ci_low": conf[:, 0],
        "coef_ci_high": conf[:, 1],
        "odds_ratio": np.exp(coef) if kind == "logit" else np.nan,
        "p_value": fit.pvalues[cols].to_numpy(),
        "importance": imp,
        "importance_ci_low": lo,
        "importance_ci_high": hi,
        "share": 100 * imp / r2,
        "share_ci_low": slo,
        "share_ci_high": shi,
        "vif": vif_from_corr(rxx),
        "performance": perf_mean,
        "performance_n": perf_n,
    })
    table = priority_matrix(table)
    table = table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, k + 1))
    high_vif = table.loc[table["vif"] > 5, "driver"].tolist()
    if high_vif:
        notes.append(f"Collinearity: VIF > 5 for {high_vif}; their coefficients are unstable, importances are not.")
    return DriverResult(table=table, model=fit, outcome=outcome, model_kind=kind, importance_method=method,
                        n=n, r2=r2, r2_ci=r2_ci, n_boot=int(n_boot), ci=ci, notes=tuple(notes))
