"""Benchmark: the client against its competitors, where the data holds them.

A survey of many companies (a column naming the company; client.yaml ``benchmark: {client: ...}``)
scores the client and every competitor alike -- relationship NPS with its adjusted-Wald interval --
and tests the client against each competitor (Welch on the +100/0/−100 coding, Holm over the
competitors): :func:`cxlib.analysis.benchmark.benchmark`. Companies below the client's minimum are
suppressed and not tested. "Ahead" or "behind" is said only of a competitor the corrected test
separates from the client; the others are "level".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.report.sections.base import Attempts, Section, SectionResult

__all__ = ["BenchmarkResult", "compute", "show", "SECTION"]


@dataclass(frozen=True, kw_only=True, eq=False)
class BenchmarkResult(SectionResult):
    """``table``: :attr:`cxlib.analysis.benchmark.BenchmarkResult.table` (one row per company, best first);
    ``client``: the client's name; ``rank``: its place among the companies shown (None when suppressed)."""

    table: pd.DataFrame | None = None
    client: str = ""
    rank: int | None = None


def _answers(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None:
        return None
    if "survey" in frame:
        frame = frame[(frame["survey"].astype("string") == "relationship").fillna(False).to_numpy(bool)]
    return frame


def compute(data) -> BenchmarkResult:
    """The client's relationship NPS against each competitor's."""
    from cxlib.analysis.benchmark import benchmark
    from cxlib.present import view_findings as said

    client = data.benchmark_client or data.config.display_name
    own = _answers(data.relationship)
    own = own.assign(company=client)[["company", "nps", *[c for c in ("answered_at",) if c in own]]]
    others = _answers(data.benchmark)
    cols = [c for c in own.columns if c in others.columns]
    both = pd.concat([own[cols], others[cols]], ignore_index=True)
    tried = Attempts()
    res = tried(benchmark, both, client=client, metric="nps", min_n=data.config.min_n, what="Benchmark")
    if res is None:
        return BenchmarkResult(client=client, notes=tried.notes)
    finding = said.benchmark_position(res.table, client=client, rank=res.client_rank)
    return BenchmarkResult(table=res.table, client=client, rank=res.client_rank,
                           findings=(finding,) if finding is not None else (), notes=tried.notes)


def show(result: BenchmarkResult, audience: str) -> None:
    """The finding, NPS by company as a chart (the client highlighted); for analysts the tests."""
    from IPython.display import display

    from cxlib.present import charts, narrative, tables
    from cxlib.report.audiences import detailed

    display(narrative.findings_html(result.findings))
    t = result.table
    if t is None:
        return
    if t["score"].notna().any():
        charts.show(charts.bar_chart(t, x="score", y="company", low="ci_low", high="ci_high", highlight="is_client",
                                     xlabel="Relationship NPS (−100 to 100), 95 % interval",
                                     title=f"{result.client} against its competitors"))
    if not detailed(audience):
        return
    display(tables.table(t.assign(gap_vs=t["gap"]), columns={"company": "Company", "n": "n", "score": "NPS",
                                                            "gap_vs": f"{result.client} minus", "p_adjusted": "p (Holm)",
                                                            "significant": "Beyond chance"},
                         formats={"score": "signed0", "gap_vs": "signed0", "p_adjusted": "p", "significant": "bool"},
                         ci={"score": ("ci_low", "ci_high"), "gap_vs": ("gap_ci_low", "gap_ci_high")},
                         caption="Relationship NPS by company",
                         note="Welch's t on the +100/0/−100 coding, Holm-adjusted over the competitors; companies "
                              "below the client's minimum are not shown."))


SECTION = Section(
    id="benchmark", title="Benchmark against competitors", audiences=("executive", "analyst"),
    needs={"responses": ("nps",), "benchmark": ("company", "nps")},
    unlock="A survey that also asks about competitors, with a column naming the company each answer is about "
           "(and the client's own name in that column named in its settings).",
    compute=compute, show=show, order=15,
)
