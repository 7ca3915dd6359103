"""Survey scores with honest uncertainty: NPS, CSAT top-2-box, CES and touchpoint ratings.

The public face of the score analyses. Score tables (:mod:`cxlib.analysis.score_tables`) have
the grouping columns, then ``n``, the score (``nps, pct_promoters, pct_detractors`` for NPS,
``score`` otherwise), ``ci_low, ci_high, method, suppressed``. Groups smaller than ``min_n`` —
and, where needed, the next-smallest group of the same partition (complementary suppression) —
keep their label and ``n`` but their score and interval are NaN. Differences between groups and
between periods, tested and corrected for multiple comparisons (:mod:`cxlib.analysis.comparisons`):
:func:`compare_groups`, :func:`compare_periods`, :func:`trend`. Context columns:
:func:`with_context` (:mod:`cxlib.analysis.context`).

Examples
--------
>>> import pandas as pd
>>> r = pd.DataFrame({"nps": [10, 9, 8, 3, 10, 6, 9, 7], "segment": list("aaaabbbb")})
>>> nps(r, min_n=1)[["n", "nps", "pct_promoters", "pct_detractors"]].to_dict("records")
[{'n': 8, 'nps': 25.0, 'pct_promoters': 50.0, 'pct_detractors': 25.0}]
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from cxlib.analysis.comparisons import compare_groups, compare_periods, trend
from cxlib.analysis.context import PERIODS, Period, add_context
from cxlib.analysis.score_tables import CiMethod, Stat, ces, csat, nps, score_table, touchpoint_scores

__all__ = [
    "Stat",
    "CiMethod",
    "Period",
    "Freq",
    "PERIOD_COLUMNS",
    "with_context",
    "score_table",
    "nps",
    "csat",
    "ces",
    "touchpoint_scores",
    "trend",
    "compare_groups",
    "compare_periods",
]

#: Deprecated name of the period argument's type (``freq=`` became ``period=``).
Freq = Literal["month", "quarter", "year", "week"]

#: Grouping names derived from the date column when the data has no such column.
PERIOD_COLUMNS: tuple[str, ...] = PERIODS


def with_context(
    responses: pd.DataFrame,
    *,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    date: str = "answered_at",
) -> pd.DataFrame:
    """Responses with the grouping columns of their customer and interaction added.

    Parameters
    ----------
    responses : DataFrame
        Canonical responses table.
    customers : DataFrame, optional
        Canonical customers table; adds ``segment, region, annual_value, churned``.
    interactions : DataFrame, optional
        Canonical interactions table; adds ``stage, channel, touchpoint, department``
        (through ``interaction_id``; empty for relationship surveys).
    date : str
        Datetime column from which ``month`` and ``quarter`` are derived.

    Returns
    -------
    DataFrame
        A new frame: every column of ``responses`` (never overwritten), then the
        added ones that were not already there, then ``month`` ("2025-03") and
        ``quarter`` ("2025Q1"). Same rows, same order.

    Notes
    -----
    The joins are :func:`cxlib.analysis.context.add_context`.

    Examples
    --------
    >>> r = pd.DataFrame({"customer_id": ["c1"], "answered_at": pd.to_datetime(["2025-03-02"]), "nps": [9]})
    >>> c = pd.DataFrame({"customer_id": ["c1"], "segment": ["consumer"]})
    >>> with_context(r, customers=c)[["segment", "month", "quarter"]].iloc[0].tolist()
    ['consumer', '2025-03', '2025Q1']
    """
    return add_context(responses, customers=customers, interactions=interactions, date=date,
                       periods=("month", "quarter") if date in responses.columns else ())
