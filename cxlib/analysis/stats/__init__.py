"""The one statistics kernel: intervals, tests, multiple-comparison corrections, suppression.

Every interval, test and small-group suppression of the workbench goes through here, so one
formula and one privacy policy serve every table:

* :mod:`~cxlib.analysis.stats.intervals` -- NPS (adjusted Wald), Wilson, Student t, bootstrap
  percentile intervals; Kish's effective n;
* :mod:`~cxlib.analysis.stats.significance` -- Welch, two-proportion, one-sample tests from
  group summaries; Holm / Benjamini-Hochberg / Bonferroni corrections;
* :mod:`~cxlib.analysis.stats.suppression` -- primary and complementary suppression of groups
  below the client's ``min_n``.

Examples
--------
>>> low, high = nps_interval(0.5, 0.2, 100, method="wald")
>>> round(float(low), 4), round(float(high), 4)
(0.1469, 0.4531)
"""

from cxlib.analysis.stats.intervals import (
    NpsMethod, contain, effective_n, mean_interval, nps_interval, percentile_interval, poisson_rate_interval,
    proportion_interval, quantile_interval, wilson_interval, z_critical,
)
from cxlib.analysis.stats.significance import (
    Correction, adjust_pvalues, one_proportion_test, one_sample_t_test, poisson_excess_test, two_proportion_test,
    welch_test,
)
from cxlib.analysis.stats.suppression import DEFAULT_MIN_N, check_min_n, suppress, suppression_mask

__all__ = [
    "NpsMethod",
    "Correction",
    "DEFAULT_MIN_N",
    "z_critical",
    "effective_n",
    "contain",
    "nps_interval",
    "wilson_interval",
    "proportion_interval",
    "mean_interval",
    "percentile_interval",
    "quantile_interval",
    "poisson_rate_interval",
    "welch_test",
    "two_proportion_test",
    "one_proportion_test",
    "one_sample_t_test",
    "poisson_excess_test",
    "adjust_pvalues",
    "check_min_n",
    "suppression_mask",
    "suppress",
]
