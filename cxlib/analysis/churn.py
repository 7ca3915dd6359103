"""Churn and value at risk: how a per-customer experience measure relates to leaving.

A logistic regression of ``churned`` on one per-customer measure (the journey
index of :mod:`cxlib.analysis.journey`, a mean touchpoint rating, relationship NPS —
any column) gives the odds ratio per unit of the measure; its predictions give
the customers and annual value at risk by segment, and what a one-unit better
experience is associated with. Association, not proof of cause: the
sentence says "is associated with".

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(60, 15, 2000)
>>> churned = rng.random(2000) < 1 / (1 + np.exp(-(1.5 - 0.05 * x)))
>>> customers = pd.DataFrame({"customer_id": [f"c{i}" for i in range(2000)], "segment": "consumer",
...                           "annual_value": 500.0, "churned": churned, "journey_index": x})
>>> link = churn_link(customers, unit=10, currency="EUR")
>>> link.sentence.split(" (")[0]
'A ten-point better journey index is associated with 39 % lower odds of churning'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from cxlib.analysis import stats as _s
from cxlib.errors import DataError

__all__ = ["ChurnLink", "churn_link", "value_at_risk", "describe_link"]

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 10: "ten", 20: "twenty", 25: "twenty-five"}


@dataclass(frozen=True)
class ChurnLink:
    """The fitted churn link: ``table`` (model terms), ``model``, ``at_risk`` by segment, ``sentence``."""

    table: pd.DataFrame
    model: Any
    at_risk: pd.DataFrame
    measure: str
    unit: float
    n: int
    n_churned: int
    n_without_measure: int
    odds_ratio: float
    odds_ratio_ci: tuple[float, float]
    p_value: float
    expected_churners: float
    value_at_risk: float
    churners_avoided: float
    value_kept: float
    sentence: str
    controls: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        """Plain-text summary for notebooks and logs."""
        lines = [
            f"Churn ~ {self.measure}" + (f" + {' + '.join(self.controls)}" if self.controls else "")
            + f": logistic regression on {self.n} customers ({self.n_churned} churned; "
            f"{self.n_without_measure} without a measure left out).",
            self.table.to_string(index=False, float_format=lambda v: f"{v:.4g}"),
            self.sentence,
            self.at_risk.to_string(index=False, float_format=lambda v: f"{v:,.4g}"),
        ]
        return "\n".join(lines)


def _money(x: float, currency: str) -> str:
    prefix = f"{currency} " if currency else ""
    a = abs(x)
    if a >= 1e6:
        return f"{prefix}{x / 1e6:,.1f} million"
    if a >= 1e4:
        return f"{prefix}{round(x, -3):,.0f}"
    return f"{prefix}{x:,.0f}"


def _unit_words(unit: float) -> str:
    if float(unit).is_integer() and int(unit) in _WORDS:
        return f"{_WORDS[int(unit)]}-point"
    return f"{unit:g}-point"


def describe_link(
    odds_ratio: float,
    ci: tuple[float, float],
    *,
    measure_label: str,
    unit: float = 1.0,
    level: float = 0.95,
    n: int | None = None,
    n_active: int | None = None,
    churners_avoided: float | None = None,
    value_kept: float | None = None,
    currency: str = "",
    controls: Sequence[str] = (),
) -> str:
    """The plain-language sentence "a one-point better experience is associated with ...", from the numbers.

    Parameters
    ----------
    odds_ratio : float
        Odds ratio of churning per ``unit`` better measure.
    ci : (float, float)
        Its confidence interval.
    measure_label : str
        What the measure is called in the sentence ("journey index").
    unit, level, n, n_active, churners_avoided, value_kept, currency, controls
        Wording details; the last clause is omitted when ``n_active`` is None.

    Returns
    -------
    str

    Examples
    --------
    >>> describe_link(0.8, (0.7, 0.9), measure_label="experience")
    'A one-point better experience is associated with 20 % lower odds of churning (odds ratio 0.80, 95 % CI 0.70-0.90).'
    >>> describe_link(0.97, (0.9, 1.05), measure_label="experience")
    'A one-point better experience is not clearly associated with churn (odds ratio 0.97, 95 % CI 0.90-1.05): the data are consistent with no link.'
    """
    head = f"A {_unit_words(unit)} better {measure_label}"
    adjust = f" after allowing for {', '.join(controls)}" if controls else ""
    stats_ = f"odds ratio {odds_ratio:.2f}, {level:.0%} CI {ci[0]:.2f}-{ci[1]:.2f}".replace("%", " %")
    if n is not None:
        stats_ += f"; {n:,} customers"
    if not (ci[1] < 1 or ci[0] > 1):
        return (f"{head} is not clearly associated with churn{adjust} ({stats_}): "
                "the data are consistent with no link.")
    lower = odds_ratio < 1
    pct = abs(1 - odds_ratio) * 100
    text = (f"{head} is associated with {pct:.0f} % {'lower' if lower else 'higher'} odds of churning"
            f"{adjust} ({stats_}).")
    if n_active is not None and churners_avoided is not None and value_kept is not None:
        few = "fewer" if churners_avoided >= 0 else "more"
        kept = "kept" if value_kept >= 0 else "lost"
        text += (f" Across the {n_active:,} active customers that is about {abs(churners_avoided):,.0f} {few} "
                 f"expected churners and {_money(abs(value_kept), currency)} of annual value {kept}.")
    return text


def _design(frame: pd.DataFrame, measure: str, controls: Sequence[str]) -> pd.DataFrame:
    x = pd.DataFrame({measure: pd.to_numeric(frame[measure], errors="coerce").astype(float)}, index=frame.index)
    for c in controls:
        col = frame[c]
        if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
            x[c] = pd.to_numeric(col, errors="coerce").astype(float)
        else:
            dummies = pd.get_dummies(col.astype("string"), prefix=c, drop_first=True, dtype=float)
            x = pd.concat([x, dummies], axis=1)
    return x


def value_at_risk(
    frame: pd.DataFrame,
    p: np.ndarray,
    p_better: np.ndarray,
    *,
    by: str | None = "segment",
    value: str = "annual_value",
    min_n: int = _s.DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Customers and annual value at risk by group, from per-customer churn probabilities.

    Parameters
    ----------
    frame : DataFrame
        Customers (one row each) with ``churned``, ``value`` and the ``by`` column.
    p, p_better : ndarray
        Each customer's predicted churn probability, and the same with a one-unit better measure.
    by : str or None
        Grouping column (default ``segment``).
    value : str
        Annual value column (missing values count as 0).
    min_n : int
        Groups with fewer customers are suppressed (complementary suppression applies).

    Returns
    -------
    DataFrame
        ``by``, ``n_customers``, ``n_churned``, ``churn_rate`` (percent), ``n_active``,
        ``annual_value`` (active customers' total), ``expected_churners`` (sum of p over
        active customers), ``value_at_risk`` (sum of p x value), ``churners_avoided``
        (sum of p - p_better), ``value_kept`` (sum of (p - p_better) x value), ``suppressed``.

    Notes
    -----
    Expected churners = sum_i p_i over customers still active; value at risk =
    sum_i p_i v_i. The effect of a better experience is the change in predicted
    probability, p_i(x_i) - p_i(x_i + unit), summed (a counterfactual prediction from
    an observational model: an association, not a promise).
    """
    churned = frame["churned"].astype(bool).to_numpy()
    active = ~churned
    v = pd.to_numeric(frame[value], errors="coerce").fillna(0).to_numpy(dtype=float) if value in frame else np.zeros(len(frame))
    work = pd.DataFrame({
        "g": frame[by].to_numpy() if by else "all",
        "n_customers": 1, "n_churned": churned.astype(int), "n_active": active.astype(int),
        "annual_value": v * active, "expected_churners": p * active, "value_at_risk": p * v * active,
        "churners_avoided": (p - p_better) * active, "value_kept": (p - p_better) * v * active,
    })
    out = work.groupby("g", sort=True, dropna=False).sum().reset_index().rename(columns={"g": by or "group"})
    out.insert(out.columns.get_loc("n_churned") + 1, "churn_rate", 100 * out["n_churned"] / out["n_customers"])
    key = by or "group"
    out["suppressed"] = _s.suppression_mask(out, by=[key], min_n=min_n, n="n_customers")
    hide = [c for c in out.columns if c not in (key, "n_customers", "suppressed")]
    out[hide] = out[hide].astype(float)
    out.loc[out["suppressed"], hide] = np.nan
    return out


def churn_link(
    customers: pd.DataFrame,
    measures: pd.DataFrame | None = None,
    *,
    measure: str = "journey_index",
    unit: float = 1.0,
    controls: Sequence[str] = (),
    by: str | None = "segment",
    value: str = "annual_value",
    ci: float = 0.95,
    min_n: int = _s.DEFAULT_MIN_N,
    currency: str = "",
    measure_label: str | None = None,
) -> ChurnLink:
    """Link a per-customer experience measure to churn with a logistic model.

    Parameters
    ----------
    customers : DataFrame
        Canonical customers table (``customer_id``, ``churned``, ``segment``, ``annual_value``).
    measures : DataFrame, optional
        One row per customer: ``customer_id`` and the ``measure`` column (e.g. the output of
        :func:`cxlib.analysis.journey.index.journey_index`). Omit when ``measure`` is already a customers column.
    measure : str
        The measure column; higher = better experience.
    unit : float
        The step the odds ratio and the sentence refer to (1 point; 10 for a 0-100 index).
    controls : list of str
        Other customers columns to adjust for (categorical ones are dummy-coded), e.g. ``["segment"]``.
    by : str or None
        Grouping of the value-at-risk table.
    value : str
        Annual value column.
    ci : float
        Confidence level.
    min_n : int
        Minimum customers per group in the value-at-risk table, and for the model.
    currency : str
        Currency code for the sentence (``ws.config.currency``).
    measure_label : str, optional
        Name of the measure in the sentence (default: the column name with spaces).

    Returns
    -------
    ChurnLink
        ``table``: ``term``, ``coef`` (log-odds per unit of the column), ``se``, ``odds_ratio``
        (per ``unit`` for the measure, per 1 otherwise), ``ci_low``, ``ci_high`` (of the odds
        ratio), ``p_value``; ``at_risk``: see :func:`value_at_risk`; ``odds_ratio``,
        ``odds_ratio_ci``, ``p_value`` of the measure; totals ``expected_churners``,
        ``value_at_risk``, ``churners_avoided``, ``value_kept`` over active customers;
        ``sentence``; ``model`` (statsmodels Logit results); ``summary()``.

    Notes
    -----
    logit P(churned) = b0 + b1 x + controls; odds ratio per unit u = exp(u b1), Wald
    interval exp(u (b1 +/- z se)). Hosmer, Lemeshow & Sturdivant (2013), *Applied Logistic
    Regression*, 3rd ed., ch. 3. For a binary measure this is the sample odds ratio ad/bc
    with Woolf's interval. Customers without the measure are left out of the model and of
    the value-at-risk table (their count is ``n_without_measure``).
    """
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.tools import add_constant

    for col in ("customer_id", "churned"):
        if col not in customers.columns:
            raise DataError(f"customers has no `{col}` column; it is required to link experience to churn.")
    frame = customers
    if measures is not None:
        if measure not in measures.columns or "customer_id" not in measures.columns:
            raise DataError(f"measures needs `customer_id` and `{measure}` columns.")
        if measures["customer_id"].duplicated().any():
            raise DataError("measures has several rows for some customers; pass one row per customer "
                            "(e.g. journey_index without period=).")
        frame = customers.drop(columns=[measure], errors="ignore").merge(
            measures[["customer_id", measure]], on="customer_id", how="left", validate="one_to_one")
    elif measure not in customers.columns:
        raise DataError(f"no `{measure}` column in customers; pass measures= with customer_id and `{measure}`.")
    missing = [c for c in [*controls, *([by] if by else [])] if c not in frame.columns]
    if missing:
        raise DataError(f"customers has no column(s) {missing}.")
    frame = frame[frame["churned"].notna().to_numpy(bool)]
    has = pd.to_numeric(frame[measure], errors="coerce").notna().to_numpy()
    n_without = int((~has).sum())
    frame = frame[has]
    x = _design(frame, measure, controls)
    ok = x.notna().all(axis=1).to_numpy()
    frame, x = frame[ok], x[ok]
    y = frame["churned"].astype(bool).to_numpy().astype(float)
    n = len(y)
    if n < min_n or y.sum() == 0 or y.sum() == n:
        raise DataError(f"{n} customers with `{measure}` ({int(y.sum())} churned): need at least {min_n} "
                        "and both churned and retained customers to fit a churn model.")
    design = add_constant(x, has_constant="add")
    try:
        fit = Logit(y, design).fit(disp=0)
    except Exception as err:  # statsmodels raises PerfectSeparationError/LinAlgError here
        raise DataError(f"the churn model could not be fitted ({type(err).__name__}: {err}).") from err
    z = _s.z_critical(ci)
    params, se = np.asarray(fit.params), np.asarray(fit.bse)
    scale = np.array([unit if name == measure else 1.0 for name in design.columns])
    table = pd.DataFrame({
        "term": list(design.columns),
        "coef": params,
        "se": se,
        "odds_ratio": np.exp(params * scale),
        "ci_low": np.exp((params - z * se) * scale),
        "ci_high": np.exp((params + z * se) * scale),
        "p_value": np.asarray(fit.pvalues),
    })
    table.loc[table["term"] == "const", ["odds_ratio", "ci_low", "ci_high"]] = np.nan
    row = table[table["term"] == measure].iloc[0]
    p = np.asarray(fit.predict(design))
    better = design.copy()
    better[measure] = better[measure] + unit
    p_better = np.asarray(fit.predict(better))
    at_risk = value_at_risk(frame, p, p_better, by=by, value=value, min_n=min_n)
    active = y == 0
    v = pd.to_numeric(frame[value], errors="coerce").fillna(0).to_numpy(float) if value in frame else np.zeros(n)
    totals = {
        "expected_churners": float(np.sum(p[active])),
        "value_at_risk": float(np.sum(p[active] * v[active])),
        "churners_avoided": float(np.sum((p - p_better)[active])),
        "value_kept": float(np.sum(((p - p_better) * v)[active])),
    }
    label = measure_label or measure.replace("_", " ")
    or_ci = (float(row["ci_low"]), float(row["ci_high"]))
    sentence = describe_link(float(row["odds_ratio"]), or_ci, measure_label=label, unit=unit, level=ci, n=n,
                             n_active=int(active.sum()), churners_avoided=totals["churners_avoided"],
                             value_kept=totals["value_kept"], currency=currency, controls=controls)
    return ChurnLink(table=table, model=fit, at_risk=at_risk, measure=measure, unit=unit, n=n,
                     n_churned=int(y.sum()), n_without_measure=n_without, odds_ratio=float(row["odds_ratio"]),
                     odds_ratio_ci=or_ci, p_value=float(row["p_value"]), sentence=sentence,
                     controls=tuple(controls), **totals)
