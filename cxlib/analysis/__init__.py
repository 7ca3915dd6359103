"""Analysis: statistics on validated tables, tidy DataFrames in and out.

``stats`` is the one kernel (intervals, tests, multiple-comparison corrections, suppression);
``metrics`` (NPS, CSAT, CES by any grouping), ``drivers`` (key-driver analysis), ``gap``
(the company's view against its customers'), ``churn`` (churn and value at risk) and the
``journey`` family (the cumulative experience) build on it.
"""
