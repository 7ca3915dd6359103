"""The delivery gap: what the company believes it delivers against what its customers say.

Seed fact: 80 % of firms believe they deliver a superior experience; 8 % of their
customers agree (Allen, Reichheld, Hamilton & Markey, 2005, "Closing the delivery
gap", Bain & Company). Here, touchpoint by touchpoint, the company's
``self_assessment`` is set against the share of relationship-survey customers who
rate the touchpoint top-box (5 on the 1-5 ``rating_<touchpoint>`` columns).

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"survey": "relationship", "rating_billing": [5] * 20 + [3] * 80})
>>> sa = pd.DataFrame({"touchpoint": ["billing"], "self_rating": [5], "believes_superior": [True],
...                    "expected_top_box_pct": [80.0]})
>>> delivery_gap(r, sa, min_n=30)[["touchpoint", "company_pct", "customer_pct", "gap", "verdict"]].to_dict("records")
[{'touchpoint': 'billing', 'company_pct': 80.0, 'customer_pct': 20.0, 'gap': 60.0, 'verdict': 'company over-rates'}]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from cxlib.analysis import stats as _s
from cxlib.errors import DataError
from cxlib.schema import rating_column

__all__ = ["GapHeadline", "delivery_gap", "gap_headline"]

VERDICTS = ("company over-rates", "company under-rates", "in line", "insufficient responses")


def _relationship(responses: pd.DataFrame, survey: str | None) -> pd.DataFrame:
    if survey is None or "survey" not in responses.columns:
        return responses
    return responses[(responses["survey"] == survey).fillna(False).to_numpy(bool)]


def _check_self(self_assessment: pd.DataFrame) -> None:
    if self_assessment is None or "touchpoint" not in self_assessment.columns or "self_rating" not in self_assessment.columns:
        raise DataError("self_assessment needs `touchpoint` and `self_rating` columns (see docs/data-model.md); "
                        "add self_assessment.csv to the client workspace.")


def _ratings(data: pd.DataFrame, touchpoint: str) -> np.ndarray:
    col = rating_column(touchpoint)
    if col not in data.columns:
        return np.array([], dtype=float)
    x = pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return x[np.isfinite(x)]


def delivery_gap(
    responses: pd.DataFrame,
    self_assessment: pd.DataFrame,
    *,
    survey: str | None = "relationship",
    ci: float = 0.95,
    min_n: int = _s.DEFAULT_MIN_N,
    correction: _s.Correction = "holm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per touchpoint: the company's self-assessment against customers' top-box share, with the gap.

    Parameters
    ----------
    responses : DataFrame
        Canonical responses with ``rating_<touchpoint>`` columns (1-5).
    self_assessment : DataFrame
        Canonical self_assessment: ``touchpoint``, ``self_rating`` (1-5), optional
        ``believes_superior`` and ``expected_top_box_pct`` (0-100).
    survey : str or None
        Use only responses of this survey (default relationship); None for all.
    ci : float
        Confidence level.
    min_n : int
        Touchpoints rated by fewer customers are suppressed; pass ``ws.config.min_n``.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiple-comparison correction across touchpoints.
    alpha : float
        Level of the ``significant`` flag.

    Returns
    -------
    DataFrame
        One row per self-assessed touchpoint (in its order): ``touchpoint``, ``self_rating``,
        ``believes_superior``, ``company_pct`` (the company's expected top-box share, percent;
        NaN when not stated), ``n`` (customers who rated it), ``customer_pct`` (percent rating
        it 5/5), ``ci_low``, ``ci_high`` (Wilson), ``gap`` (company_pct - customer_pct,
        percentage points), ``gap_ci_low``, ``gap_ci_high``, ``mean_rating``, ``rating_gap``
        (self_rating - mean_rating, scale points), ``rating_gap_ci_low``, ``rating_gap_ci_high``,
        ``test`` (``score_z`` against company_pct, or ``one_sample_t`` against self_rating when
        no percentage is stated), ``statistic``, ``p_value``, ``p_adjusted``, ``significant``,
        ``verdict`` ("company over-rates", "company under-rates", "in line", "insufficient
        responses"), ``method`` (``wilson``), ``suppressed``.

    Notes
    -----
    Customer share p = #(rating = 5)/n with the Wilson interval (Wilson, 1927). The company's
    figure is a stated constant, so gap = company_pct - 100 p and its interval is
    company_pct - 100 [p_high, p_low]. Test of H0 p = company_pct/100: the score z-test
    z = (p - p0)/sqrt(p0 (1 - p0)/n), two-sided, whose acceptance region is the Wilson
    interval; without a stated percentage, a one-sample t-test of the mean rating against
    self_rating. p-values are corrected across touchpoints (Holm, 1979, by default).
    """
    _check_self(self_assessment)
    data = _relationship(responses, survey)
    sa = self_assessment.reset_index(drop=True)
    rows = []
    for _, s in sa.iterrows():
        x = _ratings(data, str(s["touchpoint"]))
        n = len(x)
        exp = s.get("expected_top_box_pct", np.nan)
        rows.append({
            "touchpoint": s["touchpoint"],
            "self_rating": float(s["self_rating"]),
            "believes_superior": s.get("believes_superior", pd.NA),
            "company_pct": float(exp) if pd.notna(exp) else np.nan,
            "n": n,
            "_p": (x == 5).mean() if n else np.nan,
            "_mean": x.mean() if n else np.nan,
            "_sd": x.std(ddof=1) if n > 1 else np.nan,
        })
    t = pd.DataFrame(rows)
    n = t["n"].to_numpy(dtype=float)
    p = t["_p"].to_numpy(dtype=float)
    lo, hi = _s.wilson_interval(p, n, ci=ci)
    mlo, mhi = _s.mean_interval(t["_mean"], t["_sd"], n, ci=ci)
    comp = t["company_pct"].to_numpy(dtype=float)
    sr = t["self_rating"].to_numpy(dtype=float)
    has_pct = np.isfinite(comp)
    ztest = _s.one_proportion_test(p, n, comp / 100)
    ttest = _s.one_sample_t_test(t["_mean"], t["_sd"], n, sr)
    out = t[["touchpoint", "self_rating", "believes_superior", "company_pct", "n"]].copy()
    out["believes_superior"] = out["believes_superior"].astype("boolean")
    out["customer_pct"] = 100 * p
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    out["gap"] = comp - 100 * p
    out["gap_ci_low"], out["gap_ci_high"] = comp - 100 * hi, comp - 100 * lo
    out["mean_rating"] = t["_mean"]
    out["rating_gap"] = sr - t["_mean"]
    out["rating_gap_ci_low"], out["rating_gap_ci_high"] = sr - mhi, sr - mlo
    out["test"] = np.where(has_pct, "score_z", "one_sample_t")
    out["statistic"] = np.where(has_pct, ztest["statistic"], ttest["statistic"])
    out["p_value"] = np.where(has_pct, ztest["p_value"], ttest["p_value"])
    value_cols = ["customer_pct", "ci_low", "ci_high", "gap", "gap_ci_low", "gap_ci_high", "mean_rating",
                  "rating_gap", "rating_gap_ci_low", "rating_gap_ci_high", "statistic", "p_value"]
    # touchpoints are separate questions, not a partition of one total: primary suppression only
    hidden = _s.suppression_mask(out, by=None, min_n=min_n)
    out = _s.suppress(out, by=None, min_n=min_n, value_cols=value_cols, flag=None)
    out["p_adjusted"] = _s.adjust_pvalues(out["p_value"].to_numpy(), method=correction)
    sig = np.nan_to_num(out["p_adjusted"].to_numpy(dtype=float), nan=1.0) < alpha
    direction = np.where(has_pct, out["gap"].to_numpy(dtype=float), out["rating_gap"].to_numpy(dtype=float))
    out["significant"] = sig
    out["verdict"] = np.where(hidden, VERDICTS[3], np.where(~sig, VERDICTS[2],
                              np.where(direction > 0, VERDICTS[0], VERDICTS[1])))
    out["method"] = "wilson"
    out["suppressed"] = hidden
    return out


@dataclass(frozen=True)
class GapHeadline:
    """The headline pair "company thinks X % superior / customers say Y %" and what it rests on."""

    company_pct: float
    customer_pct: float
    ci_low: float
    ci_high: float
    basis: Literal["expected_top_box_pct", "share_of_touchpoints"]
    touchpoints: tuple[str, ...]
    n_superior: int
    n_touchpoints: int
    n_ratings: int
    n_respondents: int
    pair: str
    sentence: str


def gap_headline(
    responses: pd.DataFrame,
    self_assessment: pd.DataFrame,
    *,
    survey: str | None = "relationship",
    ci: float = 0.95,
    min_n: int = _s.DEFAULT_MIN_N,
    company: str = "The company",
) -> GapHeadline:
    """The delivery-gap headline: "company thinks X % superior / customers say Y %".

    Parameters
    ----------
    responses, self_assessment, survey, ci, min_n
        As in :func:`delivery_gap`.
    company : str
        Name used in the sentences (``ws.config.display_name``).

    Returns
    -------
    GapHeadline
        ``touchpoints``: those the company believes superior (``believes_superior``, or
        ``self_rating == 5`` when that column is absent), leaving out touchpoints rated by
        fewer than ``min_n`` customers; all rated touchpoints if it claims none.
        ``company_pct`` (X): the mean ``expected_top_box_pct`` of those touchpoints
        (``basis="expected_top_box_pct"``), or, when not stated, the share of touchpoints
        it believes superior (``basis="share_of_touchpoints"``). ``customer_pct`` (Y): the
        share of customers' ratings of those touchpoints that are 5/5, with ``ci_low``,
        ``ci_high``; ``n_ratings``, ``n_respondents``; ``pair`` (the short headline) and
        ``sentence``.

    Notes
    -----
    Y pools ratings, and one respondent rates several touchpoints, so the interval treats
    respondents as clusters: Y = sum a_i / sum m_i (a_i top-box ratings of respondent i,
    m_i ratings), Var(Y) = G/(G-1) sum (a_i - Y m_i)^2 / (sum m_i)^2 over G respondents
    (ratio estimator; Cochran, 1977, *Sampling Techniques*, 3rd ed., §6.4), the same as
    a cluster-robust standard error of the mean. Suppressed touchpoints are left out of the
    pool, or their share could be recovered from the pooled figure.
    """
    _check_self(self_assessment)
    data = _relationship(responses, survey)
    sa = self_assessment.reset_index(drop=True)
    if "believes_superior" in sa.columns and sa["believes_superior"].notna().any():
        claims = sa["believes_superior"].astype("boolean").fillna(False).to_numpy(bool)
    else:
        claims = pd.to_numeric(sa["self_rating"], errors="coerce").to_numpy(dtype=float) == 5
    tps = sa["touchpoint"].astype(str).tolist()
    counts = {t: len(_ratings(data, t)) for t in tps}
    usable = np.array([counts[t] >= min_n for t in tps])
    chosen = claims & usable if (claims & usable).any() else usable
    if not chosen.any():
        raise DataError(f"no self-assessed touchpoint has at least {min_n} customer ratings; "
                        "the delivery-gap headline cannot be computed.")
    selected = [t for t, c in zip(tps, chosen) if c]
    x = np.column_stack([
        pd.to_numeric(data[rating_column(t)], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        for t in selected
    ])
    m = np.isfinite(x).sum(axis=1)
    a = (x == 5).sum(axis=1)
    keep = m > 0
    a, m = a[keep].astype(float), m[keep].astype(float)
    g = len(m)
    y = a.sum() / m.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(g / (g - 1) * np.sum((a - y * m) ** 2)) / m.sum()
    z = _s.z_critical(ci)
    low, high = max(0.0, y - z * se), min(1.0, y + z * se)
    exp = sa.loc[chosen, "expected_top_box_pct"] if "expected_top_box_pct" in sa.columns else pd.Series(dtype=float)
    exp = pd.to_numeric(exp, errors="coerce")
    if len(exp) and exp.notna().all():
        company_pct, basis = float(exp.mean()), "expected_top_box_pct"
    else:
        company_pct, basis = 100.0 * claims.sum() / len(claims), "share_of_touchpoints"
    n_sup = int(claims.sum())
    names = ", ".join(t.replace("_", " ") for t in selected)
    pair = f"{company} thinks {company_pct:.0f} % superior / customers say {100 * y:.0f} %"
    cust = (f"customers give 5/5 in {100 * y:.0f} % of their {int(m.sum()):,} ratings of "
            f"{'them' if len(selected) > 1 else 'it'} ({100 * ci:.0f} % CI {100 * low:.0f}-{100 * high:.0f} %)")
    if n_sup == 0:
        sentence = (f"{company} does not claim a superior experience at any touchpoint; across all rated "
                    f"touchpoints {cust}.")
    elif basis == "expected_top_box_pct":
        sentence = (f"{company} believes it is superior at {n_sup} of {len(tps)} touchpoints ({names}) and expects "
                    f"{company_pct:.0f} % of customers to rate them 5/5; {cust}.")
    else:
        sentence = (f"{company} believes it is superior at {n_sup} of {len(tps)} touchpoints "
                    f"({company_pct:.0f} %: {names}); {cust}.")
    return GapHeadline(company_pct=company_pct, customer_pct=100 * y, ci_low=100 * low, ci_high=100 * high,
                       basis=basis, touchpoints=tuple(selected), n_superior=n_sup, n_touchpoints=len(tps),
                       n_ratings=int(m.sum()), n_respondents=g, pair=pair, sentence=sentence)
