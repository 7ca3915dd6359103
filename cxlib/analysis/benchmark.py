"""The client against its competitors, where the data holds them (a survey of many companies).

:func:`benchmark` scores every company of the file with the same statistic and interval and
tests the client against each competitor, corrected for multiple comparisons.

Methods: ``docs/methods-quant.md`` (benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.analysis import stats
from cxlib.analysis.comparisons import compare_groups
from cxlib.analysis.score_tables import Stat, score_table
from cxlib.errors import DataError

__all__ = ["BenchmarkResult", "benchmark"]


@dataclass(frozen=True)
class BenchmarkResult:
    """The client among its competitors: ``.table`` (one row per company), ``.client``, ``.metric``."""

    table: pd.DataFrame
    client: str
    metric: str
    correction: str

    @property
    def client_rank(self) -> int | None:
        """The client's place among the companies shown (1 = best score), or None when suppressed."""
        shown = self.table[~self.table["suppressed"]].sort_values("score", ascending=False, kind="stable")
        hit = np.flatnonzero(shown["company"].to_numpy() == self.client)
        return int(hit[0]) + 1 if len(hit) else None

    def summary(self) -> str:
        """A plain-text summary for an analyst."""
        lines = [f"{self.client} against {len(self.table) - 1} competitor(s) on {self.metric} "
                 f"(client − competitor, {self.correction}-adjusted p)"]
        for r in self.table.itertuples(index=False):
            if r.suppressed:
                lines.append(f"  {r.company}: n = {r.n}, suppressed")
            elif r.is_client:
                lines.append(f"  {r.company} (client): {r.score:.1f} [{r.ci_low:.1f}, {r.ci_high:.1f}], n = {r.n}")
            else:
                lines.append(f"  {r.company}: {r.score:.1f} [{r.ci_low:.1f}, {r.ci_high:.1f}], n = {r.n}; gap "
                             f"{r.gap:+.1f} [{r.gap_ci_low:+.1f}, {r.gap_ci_high:+.1f}], p = {r.p_adjusted:.3g}")
        return "\n".join(lines)


def benchmark(responses: pd.DataFrame, *, client: str, company: str = "company", metric: str = "nps",
              stat: Stat | None = None, weight: str | None = None, min_n: int | None = stats.DEFAULT_MIN_N,
              ci: float = 0.95, correction: stats.Correction = "holm", alpha: float = 0.05,
              date: str = "answered_at") -> BenchmarkResult:
    """Score the client and every competitor alike, and test the client against each.

    Parameters
    ----------
    responses : DataFrame
        Answers about several companies: the client's and the benchmark's (e.g. ``ws.responses``
        concatenated with ``ws.benchmark("responses")``), with the company in column ``company``.
        A row with an empty company is the client's.
    client : str, keyword-only
        The client's value of ``company`` (client.yaml ``benchmark.client``).
    company : str, keyword-only
        The column naming the company.
    metric, stat, weight : keyword-only
        As in :func:`cxlib.analysis.score_tables.score_table` (default NPS).
    min_n : int or None, keyword-only
        The client's minimum group size (default 30): companies with fewer answers are suppressed
        and not tested, with complementary suppression. None or 0: none.
    ci, correction, alpha : keyword-only
        Confidence level, multiple-comparison correction over the competitors tested, level.
    date : str, keyword-only
        As in :func:`cxlib.analysis.score_tables.score_table`.

    Returns
    -------
    BenchmarkResult
        ``.table``: ``company``, ``is_client``, ``n``, ``score`` (NPS −100..100, a percentage for
        top-box shares, scale units for means) with ``ci_low``, ``ci_high``, ``gap`` (client −
        company; NaN for the client) with ``gap_ci_low``, ``gap_ci_high``, ``test`` (Welch's t for NPS
        and means, the two-proportion z for shares), ``p_value``, ``p_adjusted``, ``significant``,
        ``suppressed``; best score first.

    Notes
    -----
    Scores and intervals: :func:`cxlib.analysis.score_tables.score_table`; tests:
    :func:`cxlib.analysis.comparisons.compare_groups` with the client as the reference (NPS: Welch
    on the +100/0/−100 coding). The competitors' samples are independent of the client's.

    Examples
    --------
    >>> r = pd.DataFrame({"nps": [10] * 40 + [3] * 40 + [9] * 30 + [6] * 10,
    ...                   "company": ["Us"] * 80 + ["Them"] * 40})
    >>> res = benchmark(r, client="Us")
    >>> res.table[["company", "n", "score", "gap", "significant"]].to_dict("records")
    [{'company': 'Them', 'n': 40, 'score': 50.0, 'gap': -50.0, 'significant': True}, {'company': 'Us', 'n': 80, 'score': 0.0, 'gap': nan, 'significant': False}]
    >>> res.client_rank
    2
    """
    if company not in responses.columns:
        raise DataError(f"The answers have no `{company}` column naming the company, so there is no benchmark. "
                        "Map it in client.yaml (`benchmark: {client: ...}`).")
    data = responses.assign(**{company: responses[company].astype("string").fillna(client)})
    names = data[company].unique().tolist()
    if client not in names:
        raise DataError(f"{client!r} is not a value of `{company}` (values: {', '.join(map(str, names[:10]))}).")
    if len(names) < 2:
        raise DataError(f"Only {client!r} is in the data: there is no competitor to benchmark against.")
    scores = score_table(data, metric=metric, stat=stat, by=company, weight=weight, ci=ci, min_n=min_n, date=date)
    score_col = "nps" if "nps" in scores.columns else "score"
    scores = scores.rename(columns={score_col: "score"})
    pairs = compare_groups(data, by=company, metric=metric, stat=stat, reference=client, weight=weight, ci=ci,
                           min_n=min_n, correction=correction, alpha=alpha, date=date)
    pairs = pairs.rename(columns={f"{company}_b": company})
    # compare_groups gives diff = company − client; the report reads client − company
    gaps = pd.DataFrame({company: pairs[company], "gap": -pairs["diff"], "gap_ci_low": -pairs["ci_high"],
                         "gap_ci_high": -pairs["ci_low"], "test": pairs["test"], "p_value": pairs["p_value"],
                         "p_adjusted": pairs["p_adjusted"], "significant": pairs["significant"]})
    table = scores[[company, "n", "score", "ci_low", "ci_high", "suppressed"]].merge(gaps, on=company, how="left")
    table.insert(1, "is_client", (table[company] == client).to_numpy(bool))
    table["significant"] = table["significant"].fillna(False).astype(bool)
    table = table.rename(columns={company: "company"})
    table = table.sort_values(["suppressed", "score", "company"], ascending=[True, False, True], kind="stable",
                              na_position="last")
    cols = ["company", "is_client", "n", "score", "ci_low", "ci_high", "gap", "gap_ci_low", "gap_ci_high", "test",
            "p_value", "p_adjusted", "significant", "suppressed"]
    return BenchmarkResult(table=table[cols].reset_index(drop=True), client=client, metric=metric,
                           correction=correction)
