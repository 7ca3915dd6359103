"""The closed loop: the internal follow-up list of recent detractors and broken journeys, as XLSX.

``cx report <client> --follow-up`` (or ``--format xlsx``) writes ``<client>-follow-up.xlsx`` beside the
reports: one row per event (:func:`cxlib.analysis.followup.follow_up_list`) -- the customer, what
went wrong in a fixed vocabulary (never the customer's own words), when, the touchpoint and
channel, and the suggested owner (the self-assessment's owner of the touchpoint, else the
department of the contact). It names individual customers, so it is for account teams only: it is
never part of the executive or the analyst report (which show its counts by reason and owner,
without ids, in the ``follow_up`` section).

Every text cell goes through :func:`cxlib.text.export.safe_frame` (a leading ``'`` before ``=``, ``+``,
``-``, ``@``, tab, carriage return) and xlsxwriter is told never to turn strings into formulas,
URLs or numbers, so a customer id or segment crafted as ``=HYPERLINK(...)`` stays text.

Examples
--------
>>> files = follow_up_files("acme-telecom", root=".")      # doctest: +SKIP
>>> list(files)                                            # doctest: +SKIP
['acme-telecom-follow-up.xlsx']
"""

from __future__ import annotations

import io

import pandas as pd

__all__ = ["WINDOW_DAYS", "COLUMNS", "follow_up_table", "follow_up_xlsx", "follow_up_name", "follow_up_files"]

#: Events of the last this many days of the period are listed.
WINDOW_DAYS = 30
#: The list's columns as account teams read them.
COLUMNS = {"customer_id": "Customer", "when": "When", "what_went_wrong": "What went wrong", "severity": "Severity",
           "touchpoint_label": "Touchpoint", "channel": "Channel", "suggested_owner": "Suggested owner",
           "case_id": "Case", "response_id": "Survey answer", "segment": "Segment", "annual_value": "Annual value"}


def follow_up_table(data, *, days: int = WINDOW_DAYS) -> pd.DataFrame:
    """The period's follow-up list (the last ``days`` days), with touchpoint labels."""
    from cxlib.analysis.followup import follow_up_list
    from cxlib.present.tables import with_labels

    owners = data.self_assessment if data.self_assessment is not None and "owner" in data.self_assessment else None
    # the window ends at the period's latest event (the data are already restricted to the period)
    table = follow_up_list(data.interactions, data.responses, data.customers, owners=owners, days=days)
    return with_labels(table, data.labels, column="touchpoint")


def follow_up_name(client: str) -> str:
    """``acme-telecom-follow-up.xlsx``."""
    return f"{client}-follow-up.xlsx"


def follow_up_xlsx(table: pd.DataFrame, *, client: str, window: str = "") -> bytes:
    """The list as XLSX bytes: sheet "Follow up" (the rows) and sheet "About" (what it is, who may see it)."""
    from cxlib.text.export import safe_frame

    shown = table.reindex(columns=[c for c in COLUMNS if c in table.columns]).rename(columns=COLUMNS)
    if "When" in shown:
        shown["When"] = pd.to_datetime(shown["When"]).dt.strftime("%Y-%m-%d %H:%M")
    about = pd.DataFrame({"About this list": [
        f"Internal follow-up list for {client}: recent detractors and broken journeys{window}.",
        "For account teams only. It names individual customers: do not forward it or add it to a report.",
        "What went wrong is written from the data in a fixed vocabulary; it never holds customers' own words.",
        "Severity 3 = call first. Rows are ordered by severity, then annual value, then the most recent.",
        f"{len(table):,} events for {table['customer_id'].nunique() if len(table) else 0:,} customers.",
    ]})
    opts = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": opts}) as xw:
        safe_frame(shown).to_excel(xw, sheet_name="Follow up", index=False)
        safe_frame(about).to_excel(xw, sheet_name="About", index=False)
        sheet = xw.sheets["Follow up"]
        sheet.freeze_panes(1, 0)
        for i, col in enumerate(shown.columns):
            sheet.set_column(i, i, 34 if col == "What went wrong" else 16)
        xw.sheets["About"].set_column(0, 0, 110)
    return buf.getvalue()


def follow_up_files(client: str, *, root: str, parameters: dict | None = None,
                    days: int = WINDOW_DAYS) -> dict[str, bytes]:
    """``{"<client>-follow-up.xlsx": bytes}`` for the report period (``period_start``/``period_end`` parameters)."""
    from cxlib.report.context import report_data

    params = {k: v for k, v in (parameters or {}).items() if k in ("period_start", "period_end", "seed")}
    data = report_data(client, root=root, audience="analyst", **params)
    table = follow_up_table(data, days=days)
    last = pd.to_datetime(table["when"]).max() if len(table) else None
    when = f" (the {days} days to {last:%d %b %Y})" if last is not None else f" (the last {days} days)"
    return {follow_up_name(client): follow_up_xlsx(table, client=data.config.display_name, window=when)}
