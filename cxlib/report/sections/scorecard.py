"""Touchpoint scorecard: CSAT (top-2-box) and CES per touchpoint and channel, with n, interval and quarterly trend.

The transactional survey rates one interaction right after it happened, so it scores single
touchpoints where the relationship survey scores the whole relationship. Scores come from
:mod:`cxlib.analysis.metrics` (CSAT top-2-box with Wilson intervals, CES mean with Student-t
intervals, quarterly changes tested and Holm-adjusted) and obey its suppression policy: groups
below the client's minimum, and the complementary groups that would reveal them, are hidden.

Analyst report only: the executive report keeps to its few pages; the scorecard's strongest
finding reaches executives through the headline and the actions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxlib.present.claims.base import Claim, register
from cxlib.present.findings import Cited, Finding
from cxlib.report.sections.base import Attempts, Part, Section, SectionResult, has_data

__all__ = ["ScorecardResult", "CSAT", "CES", "compute", "show", "SECTION"]

CSAT = Part("CSAT", {"responses": ("csat",)}, "A satisfaction question (CSAT, 1-5) in the transactional survey.")
CES = Part("CES", {"responses": ("ces",)}, "An effort question (CES, 1-7, 7 = very easy) in the transactional survey.")
_KEYS = {"touchpoint": ["touchpoint"], "channel": ["touchpoint", "channel"], "trend": ["touchpoint", "quarter"]}


@dataclass(frozen=True, kw_only=True, eq=False)
class ScorecardResult(SectionResult):
    """The scorecard tables, each with ``n``, ``csat`` and ``ces`` with their intervals and a ``suppressed`` flag.

    Attributes
    ----------
    overall : DataFrame
        One row: all rated touchpoints together (``csat_n``, ``csat``, ``csat_low``, ``csat_high``, ``ces_n`` …).
    by_touchpoint, by_channel : DataFrame
        Per touchpoint (lowest CSAT first), per touchpoint and channel; with ``touchpoint_label``.
    trend : DataFrame
        Per touchpoint and quarter, with ``csat_change``/``ces_change`` against the previous quarter and their
        Holm-adjusted p-values ``csat_p``/``ces_p`` (across every touchpoint and quarter).
    quiet : tuple of str
        Touchpoints too small to score in any quarter (their rows of ``trend`` are all suppressed).
    n_without_touchpoint : int
        Transactional answers not linked to a touchpoint (left out of the scorecard).
    """

    overall: pd.DataFrame | None = None
    by_touchpoint: pd.DataFrame | None = None
    by_channel: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    quiet: tuple[str, ...] = ()
    n_without_touchpoint: int = 0


def _score(frame: pd.DataFrame | None, prefix: str, keys: list[str], trend: bool = False) -> pd.DataFrame | None:
    """One metric's table with its columns prefixed (``csat``, ``csat_n``, ``csat_low`` …)."""
    if frame is None:
        return None
    cols = {"n": f"{prefix}_n", "score": prefix, "ci_low": f"{prefix}_low", "ci_high": f"{prefix}_high",
            "suppressed": f"{prefix}_suppressed"}
    if trend:
        cols.update({"change": f"{prefix}_change", "p_adjusted": f"{prefix}_p"})
    return frame[keys + list(cols)].rename(columns=cols)


def _join(csat: pd.DataFrame | None, ces: pd.DataFrame | None, keys: list[str], *, trend: bool = False
          ) -> pd.DataFrame | None:
    """CSAT and CES side by side; ``n`` is the larger of the two and a row is ``suppressed`` when both are.

    A metric the client did not ask gets empty, suppressed columns, so every table has the same columns.
    """
    parts = [p for p in (csat, ces) if p is not None]
    if not parts:
        return None
    if len(parts) == 1:
        out = parts[0]
    elif keys:
        out = parts[0].merge(parts[1], on=keys, how="outer")
    else:  # one row each: all touchpoints together
        out = pd.concat([parts[0].reset_index(drop=True), parts[1].reset_index(drop=True)], axis=1)
    for prefix in ("csat", "ces"):
        if f"{prefix}_n" not in out:
            empty = ["", "_low", "_high"] + (["_change", "_p"] if trend else [])
            out = out.assign(**{f"{prefix}_n": 0, f"{prefix}_suppressed": True}, **{f"{prefix}{e}": np.nan for e in empty})
    n = out[["csat_n", "ces_n"]].astype("float64").fillna(0).max(axis=1).astype("int64")
    hidden = out["csat_suppressed"].astype("boolean").fillna(True) & out["ces_suppressed"].astype("boolean").fillna(True)
    return out.assign(n=n.to_numpy(), suppressed=hidden.to_numpy(bool)).reset_index(drop=True)


def _lowest(table: pd.DataFrame | None, overall: pd.DataFrame | None, prefix: str, *, label: str, unit: str,
            scale: str) -> Finding | None:
    """The touchpoint scoring lowest on ``prefix``, said only when its interval lies wholly below the overall one."""
    from cxlib.present.formatting import count, decimal, percent

    if table is None or overall is None or pd.isna(overall[prefix].iloc[0]):
        return None
    rows = table[table[prefix].notna()]
    if not len(rows):
        return None
    worst, whole = rows.sort_values(prefix, kind="stable").iloc[0], overall.iloc[0]
    fmt = (lambda v: percent(v)) if prefix == "csat" else (lambda v: decimal(v, 1))
    cited = tuple(Cited(f"{label}: {name}", float(r[prefix]), unit=unit, n=int(r[f"{prefix}_n"]),
                        ci=(float(r[f"{prefix}_low"]), float(r[f"{prefix}_high"])))
                  for name, r in ((worst["touchpoint_label"], worst), ("all touchpoints", whole)))
    text = (f"{worst['touchpoint_label']} scores lowest on {label} ({scale}): {fmt(worst[prefix])} "
            f"(95 % CI {fmt(worst[f'{prefix}_low'])} to {fmt(worst[f'{prefix}_high'])}; "
            f"{count(worst[f'{prefix}_n'])} responses), against {fmt(whole[prefix])} across all touchpoints.")
    return Finding(f"lowest_{prefix}", text, numbers=cited, evidence=table, subject=str(worst["touchpoint"]),
                   params={"prefix": prefix, "overall_low": float(whole[f"{prefix}_low"])},
                   condition="named only when its 95 % interval lies wholly below the interval of all touchpoints",
                   holds=bool(worst[f"{prefix}_high"] < whole[f"{prefix}_low"]),
                   alternative=f"No touchpoint's {label} stands clearly below the others' (every 95 % interval "
                               "overlaps that of all touchpoints together).")


def _in_order(frame: pd.DataFrame | None, rank: dict) -> pd.DataFrame | None:
    if frame is None:
        return None
    order = frame["touchpoint"].map(rank).astype("float64").fillna(len(rank))
    return frame.assign(_order=order.to_numpy()).sort_values("_order", kind="stable").drop(columns="_order") \
        .reset_index(drop=True)


def _changes(trend: pd.DataFrame | None) -> Finding | None:
    if trend is None or "csat_p" not in trend:
        return None
    sig = _significant_changes(trend)
    if not len(sig):
        text = "No touchpoint's CSAT changed significantly from one quarter to the next (Holm-adjusted)."
    else:
        from cxlib.present.formatting import signed

        moves = ", ".join(f"{r.touchpoint_label} in {r.quarter} ({signed(r.csat_change)} points)"
                          for r in sig.itertuples(index=False))
        text = f"CSAT changed significantly from the previous quarter (Holm-adjusted) at: {moves}."
    return Finding("csat_changes", text, evidence=trend,
                   params={"changes": tuple(sorted((str(r.touchpoint), str(r.quarter)) for r in sig.itertuples()))},
                   condition="a change is named only when its Holm-adjusted p-value (across every touchpoint and "
                             "quarter) is below 0.05")


def _significant_changes(trend: pd.DataFrame) -> pd.DataFrame:
    return trend[(trend["csat_p"].astype("float64") < 0.05).to_numpy(bool) & trend["csat_change"].notna().to_numpy(bool)]


def _lowest_supported(f: Finding) -> bool:
    prefix = f.params["prefix"]
    rows = f.evidence[f.evidence[prefix].notna()]
    worst = rows.sort_values(prefix, kind="stable").iloc[0]
    return str(worst["touchpoint"]) == f.subject and float(worst[f"{prefix}_high"]) < f.params["overall_low"]


def _changes_supported(f: Finding) -> bool:
    sig = _significant_changes(f.evidence)
    return tuple(sorted((str(r.touchpoint), str(r.quarter)) for r in sig.itertuples())) == f.params["changes"]


for _kind in ("lowest_csat", "lowest_ces"):
    register(Claim(_kind, "the lowest-scoring touchpoint is named only when its 95 % interval lies wholly below the "
                          "interval of all touchpoints together", _lowest_supported))
register(Claim("csat_changes", "a change is named only when its Holm-adjusted p-value (across every touchpoint and "
                               "quarter) is below 0.05", _changes_supported))


def compute(data) -> ScorecardResult:
    """Score every touchpoint of the period's transactional survey."""
    from cxlib.analysis import metrics
    from cxlib.present.tables import with_labels

    min_n = data.config.min_n
    answers = data.transactional
    linked = answers["touchpoint"].notna().to_numpy() if "touchpoint" in answers else np.zeros(len(answers), bool)
    rated = answers[linked].reset_index(drop=True)
    tried = Attempts()
    metrics_by = {"csat": (CSAT, metrics.csat, "CSAT"), "ces": (CES, metrics.ces, "CES")}
    tables: dict[str, dict[str, pd.DataFrame | None]] = {}
    for prefix, (part, score, name) in metrics_by.items():
        if not has_data(data, part.needs):
            tables[prefix] = {}
            continue
        tables[prefix] = {
            "overall": _score(tried(score, rated, min_n=min_n, what=f"{name}: all touchpoints"), prefix, []),
            "touchpoint": _score(tried(score, rated, by="touchpoint", min_n=min_n, what=f"{name} by touchpoint"),
                                 prefix, _KEYS["touchpoint"]),
            "channel": _score(tried(score, rated, by=["touchpoint", "channel"], min_n=min_n,
                                    what=f"{name} by touchpoint and channel"), prefix, _KEYS["channel"]),
            "trend": _score(tried(metrics.trend, rated, metric=prefix, period="quarter", by="touchpoint", min_n=min_n,
                                  what=f"{name} by quarter"), prefix, _KEYS["trend"], trend=True),
        }

    def joined(kind: str) -> pd.DataFrame | None:
        keys = _KEYS.get(kind, [])
        out = _join(tables["csat"].get(kind), tables["ces"].get(kind), keys, trend=kind == "trend")
        if out is not None and keys:
            out = with_labels(out, data.labels, column="touchpoint")
        return out

    overall = joined("overall")
    by_touchpoint = joined("touchpoint")
    if by_touchpoint is not None:
        by_touchpoint = by_touchpoint.sort_values(["csat", "ces"], na_position="last", kind="stable") \
            .reset_index(drop=True)
    by_channel, trend = joined("channel"), joined("trend")
    if by_touchpoint is not None:  # every table in the order of the scorecard: lowest CSAT first
        rank = {tp: i for i, tp in enumerate(by_touchpoint["touchpoint"])}
        by_channel, trend = (_in_order(t, rank) for t in (by_channel, trend))
    quiet = () if trend is None else tuple(
        str(label) for label, rows in trend.groupby("touchpoint_label", sort=False) if rows["suppressed"].all())
    findings = [f for f in (
        _lowest(by_touchpoint, overall, "csat", label="CSAT", unit="% of ratings 4-5 of 5",
                scale="share of transactional ratings 4 or 5 of 5"),
        _lowest(by_touchpoint, overall, "ces", label="CES", unit="mean on 1-7 (7 = very easy)",
                scale="mean effort, 1-7, 7 = very easy"),
        _changes(trend),
    ) if f is not None]
    return ScorecardResult(overall=overall, by_touchpoint=by_touchpoint, by_channel=by_channel, trend=trend,
                           quiet=quiet, n_without_touchpoint=int((~linked).sum()),
                           findings=tuple(findings), notes=tried.notes)


_HEADERS = {"touchpoint_label": "Touchpoint", "channel": "Channel", "quarter": "Quarter", "n": "n",
            "csat": "CSAT (4-5 of 5)", "csat_change": "CSAT change", "csat_p": "p (Holm)",
            "ces": "CES (1-7)", "ces_change": "CES change", "ces_p": "p (Holm)"}
_FORMATS = {"csat": "pct1", "csat_change": "signed1", "csat_p": "p", "ces": "2", "ces_change": "signed2", "ces_p": "p"}
_CI = {"csat": ("csat_low", "csat_high"), "ces": ("ces_low", "ces_high")}
#: The columns of each table, in order.
_SHOWN = {
    "touchpoint": ["touchpoint_label", "n", "csat", "ces"],
    "channel": ["touchpoint_label", "channel", "n", "csat", "ces"],
    "trend": ["touchpoint_label", "quarter", "n", "csat", "csat_change", "csat_p", "ces", "ces_change", "ces_p"],
}


def _table(frame: pd.DataFrame | None, kind: str, caption: str, note: str | None = None):
    from cxlib.present import tables

    return tables.table(frame, columns={c: _HEADERS[c] for c in _SHOWN[kind]}, formats=_FORMATS, ci=_CI,
                        caption=caption, note=note)


def show(result: ScorecardResult, audience: str) -> None:
    """The findings, CSAT by touchpoint as a chart, and the three scorecard tables."""
    from IPython.display import display

    from cxlib.present import charts, narrative

    display(narrative.findings_html(result.findings, audience=audience))
    t = result.by_touchpoint
    if t is not None and t["csat"].notna().any():
        charts.show(charts.bar_chart(t, x="csat", y="touchpoint_label", low="csat_low", high="csat_high",
                                     xlabel="% of transactional ratings 4 or 5 of 5",
                                     title="CSAT by touchpoint (top-2-box, 95 % interval)", zero_line=False))
    left_out = (f" {result.n_without_touchpoint:,} answers not linked to a touchpoint are left out."
                if result.n_without_touchpoint else "")
    display(_table(t, "touchpoint", "Touchpoint scorecard (transactional survey)",
                   note="CSAT: share of 4-5 ratings of 5, Wilson interval; CES: mean of 1-7 (7 = very easy), "
                        "t interval." + left_out))
    from cxlib.present.formatting import label

    by_channel = result.by_channel.assign(channel=result.by_channel["channel"].map(label)) \
        if result.by_channel is not None else None
    display(_table(by_channel, "channel", "Touchpoint scorecard by channel"))
    trend = result.trend
    quiet = ""
    if trend is not None and result.quiet:
        trend = trend[~trend["touchpoint_label"].isin(result.quiet)]
        quiet = f" Too few answers in every quarter to show: {', '.join(result.quiet)}."
    display(_table(trend, "trend", "Touchpoint scorecard by quarter",
                   note="Change: against the previous quarter; p-values Holm-adjusted across every touchpoint and "
                        "quarter." + quiet))


SECTION = Section(
    id="scorecard", title="Touchpoint scorecard", audiences=("analyst",),
    needs={"responses": ("csat|ces", "interaction_id"), "interactions": ("touchpoint", "channel")},
    unlock="Survey answers right after a contact (satisfaction 1-5 and/or effort 1-7) that say which contact they "
           "rate, and an interaction log with the touchpoint and channel of each contact.",
    compute=compute, show=show, order=75, parts=(CSAT, CES),
)
