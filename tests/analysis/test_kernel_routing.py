"""Every interval and suppression goes through cxlib.analysis.stats, and gives the reference packages' numbers.

The journey family used to carry its own t interval, Wilson interval and suppression; these tests pin
the routed versions to scipy / statsmodels, and scan the source so no analysis module computes an
interval or a test of its own again.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sst
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from cxlib.analysis import stats
from cxlib.analysis.journey import common, friction

ANALYSIS = Path(__file__).resolve().parents[2] / "cxlib" / "analysis"


def test_journey_mean_table_t_interval_equals_scipy():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 200), "v": rng.normal(3, 1, 200)})
    t = common.mean_table(frame, "v", ["g"], min_n=1, ci=0.9).set_index("g")
    for g, part in frame.groupby("g"):
        x = part["v"].to_numpy()
        lo, hi = sst.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=sst.sem(x))
        assert t.loc[g, ["ci_low", "ci_high"]].tolist() == pytest.approx([lo, hi], rel=1e-12)


def test_journey_rate_table_wilson_equals_statsmodels():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"g": rng.choice(["a", "b"], 150), "f": (rng.random(150) < 0.3).astype(float)})
    t = common.rate_table(frame, "f", ["g"], min_n=1, ci=0.95).set_index("g")
    for g, part in frame.groupby("g"):
        lo, hi = proportion_confint(part["f"].sum(), len(part), method="wilson")
        assert t.loc[g, ["ci_low", "ci_high"]].tolist() == pytest.approx([lo, hi], rel=1e-10)


def _friction_frames(seed: int = 5, n: int = 300):
    rng = np.random.default_rng(seed)
    ids = [f"c{i}" for i in range(n)]
    asks = rng.poisson(0.5, n)
    rows = [(c, f"i{c}_{k}", True) for c, a in zip(ids, asks) for k in range(a)]
    rows += [(c, f"q{c}", False) for c in ids]
    inter = pd.DataFrame(rows, columns=["customer_id", "interaction_id", "asked_known_info"])
    inter["occurred_at"] = pd.Timestamp("2025-02-01")
    inter["asked_known_info"] = inter["asked_known_info"].astype("boolean")
    churned = rng.random(n) < 0.15 + 0.1 * (asks > 0)
    cust = pd.DataFrame({"customer_id": ids, "churned": pd.array(churned, dtype="boolean")})
    nps = np.clip(np.rint(8 - 1.5 * asks + rng.normal(0, 2, n)), 0, 10)
    resp = pd.DataFrame({"response_id": [f"r{i}" for i in range(n)], "customer_id": ids, "survey": "relationship",
                         "answered_at": pd.Timestamp("2025-06-01"), "nps": nps})
    return inter, cust, resp, asks > 0, churned, nps


def test_friction_differences_equal_scipy_and_statsmodels():
    inter, cust, resp, exposed, churned, nps = _friction_frames()
    t = friction.friction_association(inter, cust, resp, signals=["n_known_info"], min_n=30).set_index("outcome")
    churn = t.loc["churn"]
    x1, n1, x0, n0 = churned[exposed].sum(), exposed.sum(), churned[~exposed].sum(), (~exposed).sum()
    lo, hi = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
    assert [churn["diff_ci_low"], churn["diff_ci_high"]] == pytest.approx([lo, hi], rel=1e-9)
    assert churn["diff_p"] == pytest.approx(proportions_ztest([x1, x0], [n1, n0])[1], rel=1e-9)
    score = t.loc["nps"]
    welch = sst.ttest_ind(nps[exposed], nps[~exposed], equal_var=False)
    assert score["diff_p"] == pytest.approx(welch.pvalue, rel=1e-9)
    assert [score["diff_ci_low"], score["diff_ci_high"]] == pytest.approx(list(welch.confidence_interval()), rel=1e-9)


# Calls that compute an interval, a test or a correction; only the kernel may make them.
_OWN_STATISTICS = re.compile(
    r"proportion_confint\(|confint_proportions_2indep\(|test_proportions_2indep\(|proportions_ztest\(|"
    r"ttest_ind\(|multipletests\(|\bt\.ppf\(|\bt\.interval\(|norm\.ppf\(|def _wilson|def _t_ci|def _suppress"
)


def test_no_analysis_module_computes_its_own_intervals_tests_or_suppression():
    offenders = []
    for path in sorted(ANALYSIS.rglob("*.py")):
        if path.parent.name == "stats":
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if "``" in code or code.strip().startswith((">>>", "...")):
                continue  # documentation names the reference package
            if _OWN_STATISTICS.search(code):
                offenders.append(f"{path.relative_to(ANALYSIS)}:{no}: {line.strip()}")
    assert not offenders, "route these through cxlib.analysis.stats:\n" + "\n".join(offenders)


def test_the_kernel_is_one_place_and_stays_small():
    files = sorted((ANALYSIS / "stats").glob("*.py"))
    assert {f.name for f in files} == {"__init__.py", "intervals.py", "significance.py", "suppression.py",
                                     "lazy_scipy.py"}
    assert sum(len(f.read_text().splitlines()) for f in files) < 1000
    assert all(len(f.read_text().splitlines()) <= 400 for f in files)
    for name in ("nps_interval", "wilson_interval", "proportion_interval", "mean_interval", "welch_test",
                 "two_proportion_test", "adjust_pvalues", "suppress", "suppression_mask", "DEFAULT_MIN_N"):
        assert hasattr(stats, name) and name in stats.__all__
