"""The canonical data model of a client workspace: tables, columns, types, ranges.

This module is the single source of truth for column names. Readers map raw
files onto these names (through ``client.yaml``), :mod:`cxlib.ingest.validate` checks
rows against these specs, and every analysis reads these names.

Examples
--------
>>> [c.name for c in TABLES["customers"].columns][:3]
['customer_id', 'segment', 'region']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Column",
    "TableSpec",
    "Family",
    "Outcome",
    "TABLES",
    "TABLE_ORDER",
    "VOICE_TABLES",
    "CHANNELS",
    "RATING_PREFIX",
    "NPS_PREFIX",
    "COMMENT_PREFIX",
    "GROUP_PREFIX",
    "LABEL_PREFIX",
    "FAMILIES",
    "OUTCOMES",
    "OUTCOME_ORDER",
    "family_of",
    "family_columns",
    "rating_column",
    "rating_columns",
    "comment_columns",
    "outcome_columns",
    "best_outcome",
    "is_outcome",
]

Kind = Literal["id", "str", "category", "int", "float", "bool", "date", "datetime", "text"]

#: Channels a touchpoint event can happen on.
CHANNELS: tuple[str, ...] = ("web", "app", "phone", "store", "email", "chat", "social")

#: Touchpoint ratings in ``responses`` are wide columns ``rating_<touchpoint id>`` (1-5).
RATING_PREFIX = "rating_"
#: Further likelihood-to-recommend questions (0-10) beside ``nps``, e.g. ``nps_app`` for the app.
NPS_PREFIX = "nps_"
#: Further comment questions beside ``comment`` (``text`` in mentions), e.g. ``comment_why_not``.
COMMENT_PREFIX = "comment_"
#: Further breakdown columns of the survey or the posts themselves, e.g. ``group_travel_class``.
GROUP_PREFIX = "group_"
#: The client's own labels of an answer or a post (sentiment, reason ...), e.g. ``label_sentiment``.
LABEL_PREFIX = "label_"


def rating_column(touchpoint_id: str) -> str:
    """Name of the responses column holding the 1-5 rating of a touchpoint.

    >>> rating_column("billing")
    'rating_billing'
    """
    return f"{RATING_PREFIX}{touchpoint_id}"


def rating_columns(columns) -> list[str]:
    """The touchpoint-rating columns among ``columns``, in order.

    >>> rating_columns(["nps", "rating_billing", "comment"])
    ['rating_billing']
    """
    return [c for c in columns if str(c).startswith(RATING_PREFIX)]


@dataclass(frozen=True)
class Family:
    """A family of prefixed columns a table may carry any number of (``rating_billing``, ``comment_why``).

    ``kind``, ``low`` and ``high`` apply to every member; ``tables`` are the tables that take it.
    """

    name: str
    prefix: str
    kind: Kind
    tables: tuple[str, ...]
    low: float | None = None
    high: float | None = None
    description: str = ""


#: Column families, by name.
FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("rating", RATING_PREFIX, "int", ("responses",), 1, 5, "Touchpoint rating, 1-5."),
    Family("nps", NPS_PREFIX, "int", ("responses",), 0, 10,
           "A further likelihood-to-recommend question (0-10), e.g. one per channel."),
    Family("comment", COMMENT_PREFIX, "text", ("responses", "mentions"),
           description="A further comment question; the question it answers is kept in the store's `fields`."),
    Family("group", GROUP_PREFIX, "category", ("responses", "mentions"),
           description="A breakdown column of the survey or posts (class, store, customer type ...)."),
    Family("label", LABEL_PREFIX, "category", ("responses", "mentions"),
           description="The client's own label of the answer or post (sentiment, reason ...): usable as hand codes."),
)}


def family_of(column: str, table: str | None = None) -> Family | None:
    """The family a canonical column belongs to (for ``table`` when given), or None.

    >>> family_of("comment_why_not").name, family_of("nps") is None
    ('comment', True)
    """
    column = str(column)
    for fam in FAMILIES.values():
        if column.startswith(fam.prefix) and len(column) > len(fam.prefix) and (table is None or table in fam.tables):
            return fam
    return None


def family_columns(columns, family: str) -> list[str]:
    """The members of a family among ``columns``, in order.

    >>> family_columns(["nps", "nps_app", "comment_why"], "nps")
    ['nps_app']
    """
    prefix = FAMILIES[family].prefix
    return [str(c) for c in columns if str(c).startswith(prefix) and len(str(c)) > len(prefix)]


@dataclass(frozen=True)
class Outcome:
    """An overall outcome a client may measure: the headline and the key-driver analysis report it.

    ``stat``: how it is summarised: ``nps`` (%9-10 - %0-6), ``top2_box`` (% of the two highest
    answers), ``share`` (% true of a yes/no), ``mean``. ``unit`` names what the number is in.
    """

    name: str
    label: str
    stat: Literal["nps", "top2_box", "share", "mean"]
    unit: str
    low: float | None = None
    high: float | None = None
    tables: tuple[str, ...] = ("responses",)


#: Outcomes the data model knows, by canonical column.
OUTCOMES: dict[str, Outcome] = {o.name: o for o in (
    Outcome("nps", "Net Promoter Score", "nps", "NPS points (-100 to 100)", 0, 10),
    Outcome("csat", "Customer satisfaction (CSAT)", "top2_box", "% satisfied (4-5 of 5)", 1, 5),
    Outcome("satisfied", "Share satisfied", "share", "% satisfied"),
    Outcome("stars", "Star rating", "mean", "stars (1-5)", 1, 5, ("responses", "mentions")),
    Outcome("recommend", "Would recommend", "share", "% who would recommend", tables=("responses", "mentions")),
    Outcome("ces", "Customer effort (CES)", "mean", "CES points (1-7, 7 = very easy)", 1, 7),
)}
#: Which outcome leads when a client has several and client.yaml names none.
OUTCOME_ORDER: tuple[str, ...] = ("nps", "csat", "satisfied", "stars", "recommend", "ces")


def is_outcome(name: str) -> bool:
    """True for an outcome column: one of :data:`OUTCOMES`, or a further NPS question ``nps_<x>``.

    >>> is_outcome("stars"), is_outcome("nps_app"), is_outcome("rating_app")
    (True, True, False)
    """
    return name in OUTCOMES or family_of(name) is FAMILIES["nps"]


def outcome_columns(columns) -> list[str]:
    """The outcome columns among ``columns``, in :data:`OUTCOME_ORDER` (``nps_<x>`` after ``nps``).

    >>> outcome_columns(["comment", "csat", "nps_app", "nps"])
    ['nps', 'nps_app', 'csat']
    """
    cols = [str(c) for c in columns]
    out: list[str] = []
    for name in OUTCOME_ORDER:
        if name in cols:
            out.append(name)
        if name == "nps":
            out += family_columns(cols, "nps")
    return out


def best_outcome(frame, preferred: str | None = None) -> str | None:
    """The outcome to report for a table: ``preferred`` when it has answers, else the first answered one.

    ``frame`` is a DataFrame (a column counts when it holds at least one value) or a list of columns.

    >>> import pandas as pd
    >>> best_outcome(pd.DataFrame({"nps": [None, None], "stars": [4, 5]}))
    'stars'
    """
    if hasattr(frame, "columns"):
        present = [c for c in outcome_columns(frame.columns) if frame[c].notna().any()]
    else:
        present = outcome_columns(frame)
    if preferred and preferred in present:
        return preferred
    return present[0] if present else None


def comment_columns(columns, table: str = "responses") -> list[str]:
    """The free-text columns among ``columns``: ``comment`` (``text`` for mentions), then ``comment_<x>``.

    >>> comment_columns(["nps", "comment_why_not", "comment"])
    ['comment', 'comment_why_not']
    """
    cols = [str(c) for c in columns]
    first = "text" if table == "mentions" else "comment"
    return ([first] if first in cols else []) + family_columns(cols, "comment")


@dataclass(frozen=True)
class Column:
    """One canonical column.

    ``low``/``high`` bound numeric values (inclusive); ``allowed`` names a
    client.yaml list the value must belong to (``"stages"``, ``"segments"``,
    ``"channels"``, ``"touchpoints"``) or is a literal tuple.
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    low: float | None = None
    high: float | None = None
    allowed: str | tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table of the workspace: its key, its columns, and its references."""

    name: str
    key: str | None
    columns: tuple[Column, ...]
    #: column -> (table, column) it must reference
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    required_table: bool = True
    description: str = ""
    #: When the file has no key column, stable ids are made from the file name and row number.
    generated_key: bool = False

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_customers = TableSpec(
    name="customers",
    key="customer_id",
    required_table=False,
    description="CRM extract: one row per customer.",
    columns=(
        Column("customer_id", "id", description="Client's customer identifier."),
        Column("segment", "category", allowed="segments", description="Customer segment (client.yaml `segments`)."),
        Column("region", "category", required=False, nullable=True, description="Region."),
        Column("acquired_on", "date", description="Date the customer relationship began."),
        Column("annual_value", "float", low=0, nullable=True, description="Annual revenue from the customer, client currency."),
        Column("churned", "bool", description="True when the customer has left."),
        Column("churned_on", "date", required=False, nullable=True, description="Date of leaving; empty when not churned."),
    ),
)

_interactions = TableSpec(
    name="interactions",
    key="interaction_id",
    required_table=False,
    description="One row per touchpoint event.",
    references={"customer_id": ("customers", "customer_id")},
    columns=(
        Column("interaction_id", "id"),
        Column("customer_id", "id"),
        Column("occurred_at", "datetime", description="When it happened (stored as naive UTC)."),
        Column("stage", "category", allowed="stages", description="Lifecycle stage (client.yaml `stages`, in order)."),
        Column("channel", "category", allowed="channels"),
        Column("touchpoint", "category", allowed="touchpoints", description="Touchpoint id (client.yaml `touchpoints`)."),
        Column("department", "category", required=False, nullable=True),
        Column("case_id", "id", required=False, nullable=True, description="Groups contacts about one issue."),
        Column("resolved", "bool", required=False, nullable=True, description="Was the contact's issue resolved."),
        Column("wait_minutes", "float", required=False, nullable=True, low=0, high=60 * 24 * 90),
        Column("asked_known_info", "bool", required=False, nullable=True,
               description="Customer had to repeat information the company already held."),
        Column("updates_sent", "int", required=False, nullable=True, low=0, high=1000,
               description="Proactive updates sent to the customer while waiting."),
    ),
)

_responses = TableSpec(
    name="responses",
    key="response_id",
    required_table=False,
    generated_key=True,
    description=(
        "Survey answers. Relationship surveys have no interaction_id; transactional ones do. "
        "Touchpoint ratings are extra columns `rating_<touchpoint id>` on a 1-5 scale; further "
        "likelihood-to-recommend questions `nps_<x>`, comment questions `comment_<x>`, breakdowns `group_<x>` "
        "and the client's own labels `label_<x>`."
    ),
    references={"customer_id": ("customers", "customer_id"), "interaction_id": ("interactions", "interaction_id")},
    columns=(
        Column("response_id", "id", description="Generated from the file and row number when the export has none."),
        Column("customer_id", "id", required=False, nullable=True,
               description="Empty for anonymous answers; must exist in customers when given."),
        Column("interaction_id", "id", required=False, nullable=True),
        Column("answered_at", "datetime", required=False, nullable=True,
               description="When the answer was given; without it the report is undated (no trend)."),
        Column("survey", "category", required=False, allowed=("relationship", "transactional"),
               description="Derived from interaction_id when absent."),
        Column("nps", "int", required=False, nullable=True, low=0, high=10, description="Likelihood to recommend, 0-10."),
        Column("csat", "int", required=False, nullable=True, low=1, high=5, description="Satisfaction, 1-5."),
        Column("ces", "int", required=False, nullable=True, low=1, high=7, description="Customer effort, 1-7 (7 = very easy)."),
        Column("satisfied", "bool", required=False, nullable=True,
               description="Satisfied (true) or not (false), e.g. satisfied / neutral or dissatisfied."),
        Column("stars", "int", required=False, nullable=True, low=1, high=5, description="Star rating, 1-5."),
        Column("recommend", "bool", required=False, nullable=True, description="Would recommend: yes / no."),
        Column("comment", "text", required=False, nullable=True, description="Free-text comment (untrusted)."),
        Column("segment", "category", required=False, nullable=True,
               description="A segment from the survey itself (customer type, plan ...); used wherever a CRM segment is."),
        Column("region", "category", required=False, nullable=True, description="A region from the survey itself."),
        Column("company", "category", required=False, nullable=True,
               description="Which company the answer is about, when the file covers several (client.yaml `benchmark`)."),
        Column("duration_seconds", "float", required=False, nullable=True, low=0,
               description="Time taken to answer; used to flag speeders."),
    ),
)

_mentions = TableSpec(
    name="mentions",
    key="mention_id",
    required_table=False,
    generated_key=True,
    description="Other customer voice: social posts, reviews, complaints.",
    references={"customer_id": ("customers", "customer_id")},
    columns=(
        Column("mention_id", "id", description="Generated from the file and row number when the export has none."),
        Column("source", "category", description="e.g. twitter, review_site, complaint; may be a constant in client.yaml."),
        Column("posted_at", "datetime", required=False, nullable=True),
        Column("text", "text", nullable=True, description="The post, review or complaint text (untrusted); may be empty (a star-only review)."),
        Column("title", "text", required=False, nullable=True, description="A review's title."),
        Column("stars", "int", required=False, nullable=True, low=1, high=5, description="A review's star rating, 1-5."),
        Column("recommend", "bool", required=False, nullable=True, description="The reviewer recommends: yes / no."),
        Column("company", "category", required=False, nullable=True,
               description="Which company the post is about, when the file covers several (client.yaml `benchmark`)."),
        Column("segment", "category", required=False, nullable=True, description="e.g. product line or department."),
        Column("engagement", "float", required=False, nullable=True, low=0,
               description="Reach of the post: likes, shares or retweets."),
        Column("customer_id", "id", required=False, nullable=True),
        Column("replied_at", "datetime", required=False, nullable=True,
               description="When the company replied in public; empty when it did not."),
    ),
)

_self_assessment = TableSpec(
    name="self_assessment",
    key="touchpoint",
    required_table=False,
    description="The company's own rating of each touchpoint (for the delivery gap).",
    columns=(
        Column("touchpoint", "category", allowed="touchpoints"),
        Column("self_rating", "int", low=1, high=5, description="Company's rating of its delivery, on the customers' 1-5 scale."),
        Column("believes_superior", "bool", required=False, nullable=True,
               description="Company believes it delivers a superior experience here."),
        Column("expected_top_box_pct", "float", required=False, nullable=True, low=0, high=100,
               description="Share of customers the company expects to rate it 5/5."),
        Column("promise", "text", required=False, nullable=True, description="The stated brand promise."),
        Column("owner", "str", required=False, nullable=True, description="Owning department."),
    ),
)

TABLES: dict[str, TableSpec] = {
    t.name: t for t in (_customers, _interactions, _responses, _mentions, _self_assessment)
}

#: Order in which tables are validated (references point backwards).
TABLE_ORDER: tuple[str, ...] = ("customers", "interactions", "responses", "mentions", "self_assessment")
#: A client needs at least one of these: survey answers, or other customer voice (posts, reviews).
VOICE_TABLES: tuple[str, ...] = ("responses", "mentions")
