"""Which report sections a client's data supports, and what would unlock the others.

Used by ``cx init`` (to say what a new client's files allow) and by the analyst report
("What the data supports").
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from cxlib.schema import RATING_PREFIX, TABLE_ORDER

__all__ = ["SECTIONS", "missing_data_sections"]

# --------------------------------------------------------------------------- partial data
#: Report sections and the data each needs: (section, {table: [columns]}, what to provide).
#: ``rating_*`` stands for any touchpoint-rating column.
SECTIONS: tuple[tuple[str, dict[str, list[str]], str], ...] = (
    ("Scores: NPS, CSAT, CES with intervals", {"responses": ["nps"]},
     "A survey export with a likelihood-to-recommend (0-10) question."),
    ("Scores over time", {"responses": ["answered_at"]},
     "Answer dates in the survey export."),
    ("Scores by segment", {"customers": ["segment"], "responses": ["customer_id"]},
     "A CRM extract (customers: customer_id, segment, acquired_on, churned) and the customer id in the survey "
     "export."),
    ("Touchpoint ratings and key drivers", {"responses": ["rating_*"]},
     "Touchpoint rating questions (1-5) in the survey, one column per touchpoint."),
    ("Cumulative journey experience", {"interactions": ["occurred_at", "touchpoint"], "responses": ["customer_id"]},
     "An interaction log (one row per contact: interaction_id, customer_id, occurred_at, stage, channel, "
     "touchpoint) and the customer id in the survey export."),
    ("Experience by lifecycle stage", {"interactions": ["stage"], "responses": ["customer_id"]},
     "Lifecycle stage per interaction, and the customer id in the survey export."),
    ("Consistency across channels and departments", {"interactions": ["channel", "department"]},
     "Channel and department per interaction in the interaction log."),
    ("Friction: repeated information, silent waits, hand-offs",
     {"interactions": ["case_id", "asked_known_info", "wait_minutes", "updates_sent"]},
     "Case ids, wait times, updates sent and a 'customer had to repeat information' flag in the interaction log."),
    ("Churn and revenue at risk", {"customers": ["churned", "annual_value"], "responses": ["customer_id"]},
     "Churn flag and annual value per customer in the CRM extract, and the customer id in the survey export."),
    ("Delivery gap (company view vs customers')", {"self_assessment": ["self_rating"], "responses": ["rating_*"]},
     "The company's self-assessment per touchpoint (self_assessment: touchpoint, self_rating) and touchpoint "
     "ratings in the survey."),
    ("Voice of the customer: themes and sentiment", {"responses": ["comment"]},
     "An open comment question in the survey export."),
    ("Social posts, reviews and complaints", {"mentions": ["text"]},
     "Social posts, reviews or complaint texts (mentions: mention_id, source, posted_at, text)."),
)


def _has_column(frame: pd.DataFrame | None, column: str) -> bool:
    if frame is None:
        return False
    if column == "rating_*":
        cols = [c for c in frame.columns if str(c).startswith(RATING_PREFIX)]
        return any(frame[c].notna().any() for c in cols)
    return column in frame.columns and bool(frame[column].notna().any())


def missing_data_sections(config, *, tables: Mapping[str, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """Which report sections the client's data supports, and what would unlock the others.

    Parameters
    ----------
    config : ClientConfig or Workspace
        The client's configuration (tables provided = ``config.sources``). A
        :class:`~cxlib.workspace.Workspace` also gives its validated tables, so columns
        that are absent or entirely empty count as missing.
    tables : mapping, optional
        Table name -> validated DataFrame (None when absent), to check columns too.

    Returns
    -------
    DataFrame
        One row per section of :data:`SECTIONS`, in report order:
        ``section`` (str), ``needs`` (str: the tables and columns it uses),
        ``status`` (``available`` | ``partial`` | ``missing``: all, some or none of the
        needed tables/columns present), ``what_to_provide`` (str; empty when available).

    Notes
    -----
    A table counts as present when client.yaml has a ``tables:`` entry for it; with
    ``tables`` (or a Workspace) a column counts as present when it has at least one value.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> cfg = SimpleNamespace(sources={"responses": object()})
    >>> t = missing_data_sections(cfg)
    >>> t.set_index("section").loc["Scores: NPS, CSAT, CES with intervals", "status"]
    'available'
    >>> t.set_index("section").loc["Churn and revenue at risk", "status"]
    'partial'
    """
    if hasattr(config, "config") and hasattr(config, "table"):  # a Workspace
        ws = config
        config = ws.config
        if tables is None:
            tables = {name: ws.table(name) for name in TABLE_ORDER}
    provided = set(getattr(config, "sources", {}) or {})
    rows = []
    for section, needs, provide in SECTIONS:
        parts, present = [], []
        for table, columns in needs.items():
            parts.append(f"{table} ({', '.join(columns)})")
            for column in columns:
                if tables is not None:
                    present.append(table in provided and _has_column(tables.get(table), column))
                else:
                    present.append(table in provided)
        status = "available" if all(present) else ("partial" if any(present) else "missing")
        rows.append({"section": section, "needs": " + ".join(parts), "status": status,
                     "what_to_provide": "" if status == "available" else provide})
    return pd.DataFrame(rows, columns=["section", "needs", "status", "what_to_provide"]).astype("string")
