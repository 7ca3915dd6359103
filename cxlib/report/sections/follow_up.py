"""The closed loop in the analyst report: how many recent detractors and broken journeys wait for a call back.

The list itself names customers and is written beside the reports for account teams only
(:mod:`cxlib.report.followup`, ``cx report <client> --follow-up``); this section shows its counts by
what went wrong and by suggested owner, without any id. Never in the executive report.

The counts are a census of the listed events (no sample, so no interval); a row counting fewer
customers than the client's minimum keeps its customer count (the ``n``) and hides what is counted
from them (events, call-first events), by the one suppression policy
(:func:`cxlib.analysis.stats.suppress`, complementary suppression included).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxlib.present import view_findings
from cxlib.report.sections.base import Section, SectionResult

__all__ = ["FollowUpResult", "REASON_LABELS", "compute", "show", "SECTION"]

#: Reason codes of :data:`cxlib.analysis.followup.REASONS` as the report names them.
REASON_LABELS = {"detractor": "Detractor (NPS 0-6)", "low_rating": "Rated a contact 1-2 of 5",
                 "silent_wait": "Waited without an update", "unresolved": "Case unresolved",
                 "repeat_contacts": "Many contacts about one case", "asked_again": "Asked again for known information",
                 "handoffs": "Passed between departments"}


@dataclass(frozen=True, kw_only=True, eq=False)
class FollowUpResult(SectionResult):
    """Counts of the follow-up list: ``by_reason`` (events and customers per reason), ``by_owner``; ``days``."""

    by_reason: pd.DataFrame | None = None
    by_owner: pd.DataFrame | None = None
    n_events: int = 0
    n_customers: int = 0
    days: int = 30


def compute(data) -> FollowUpResult:
    """Count the period's follow-up list by reason and owner (no ids leave this function)."""
    from cxlib.report.followup import WINDOW_DAYS, follow_up_table

    from cxlib.analysis.stats import suppress

    min_n = data.config.min_n
    table = follow_up_table(data, days=WINDOW_DAYS)
    by_reason = table.groupby("reason", observed=True).agg(events=("customer_id", "size"),
                                                           customers=("customer_id", "nunique")).reset_index()
    by_reason = by_reason.assign(label=by_reason["reason"].map(lambda r: REASON_LABELS.get(r, r)))
    by_reason = by_reason.sort_values(["customers", "events"], ascending=False, kind="stable").reset_index(drop=True)
    # a reason is not a partition (one customer can have several), so only primary suppression applies
    by_reason = suppress(by_reason.astype({"events": "float64"}), min_n=min_n, value_cols=["events"], by=None,
                         n="customers")
    by_owner = table.assign(call=(table["severity"] >= 3).astype("int64")).groupby(
        "suggested_owner", observed=True, dropna=False).agg(
        events=("customer_id", "size"), customers=("customer_id", "nunique"), call_first=("call", "sum")).reset_index()
    by_owner = by_owner.assign(owner=by_owner["suggested_owner"].fillna("(no owner)").astype(str))
    by_owner = by_owner.sort_values(["customers", "events"], ascending=False, kind="stable").reset_index(drop=True)
    by_owner = suppress(by_owner.astype({"events": "float64", "call_first": "float64"}), min_n=min_n,
                        value_cols=["events", "call_first"], by=["owner"], n="customers")
    n_events, n_customers = len(table), int(table["customer_id"].nunique()) if len(table) else 0
    finding = view_findings.follow_up_count(events=n_events, customers=n_customers, days=WINDOW_DAYS)
    return FollowUpResult(by_reason=by_reason, by_owner=by_owner, n_events=n_events, n_customers=n_customers,
                          days=WINDOW_DAYS, findings=(finding,))


def show(result: FollowUpResult, audience: str) -> None:
    """The count, and the tables by reason and by owner."""
    from IPython.display import display

    from cxlib.present import narrative, tables

    display(narrative.findings_html(result.findings))
    display(tables.table(result.by_reason, columns={"label": "What went wrong", "events": "Events",
                                                    "customers": "Customers"},
                         formats={"events": "int", "customers": "int"},
                         keep_when_suppressed=["label", "customers"],
                         caption=f"Follow-up list of the last {result.days} days, by what went wrong",
                         note="A customer can have several reasons; rows counting fewer customers than the "
                              "client's minimum show the customers only."))
    display(tables.table(result.by_owner, columns={"owner": "Suggested owner", "events": "Events",
                                                   "customers": "Customers", "call_first": "Call first"},
                         formats={"events": "int", "customers": "int", "call_first": "int"},
                         keep_when_suppressed=["owner", "customers"],
                         caption="Follow-up list by suggested owner",
                         note="Call first: severity 3 (detractors, silent waits, unresolved cases)."))


SECTION = Section(
    id="follow_up", title="The closed loop: who to call back", audiences=("analyst",),
    needs={"responses": ("customer_id",)},
    unlock="Survey answers with the customer id (and an interaction log with case ids for broken journeys).",
    compute=compute, show=show, order=89,
)
