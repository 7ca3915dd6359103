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
    "TABLES",
    "TABLE_ORDER",
    "CHANNELS",
    "RATING_PREFIX",
    "rating_column",
    "rating_columns",
]

Kind = Literal["id", "str", "category", "int", "float", "bool", "date", "datetime", "text"]

#: Channels a touchpoint event can happen on.
CHANNELS: tuple[str, ...] = ("web", "app", "phone", "store", "email", "chat", "social")

#: Touchpoint ratings in ``responses`` are wide columns ``rating_<touchpoint id>`` (1-5).
RATING_PREFIX = "rating_"


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
    description=(
        "Survey answers. Relationship surveys have no interaction_id; transactional ones do. "
        "Touchpoint ratings are extra columns `rating_<touchpoint id>` on a 1-5 scale."
    ),
    references={"customer_id": ("customers", "customer_id"), "interaction_id": ("interactions", "interaction_id")},
    columns=(
        Column("response_id", "id"),
        Column("customer_id", "id", required=False, nullable=True,
               description="Empty for anonymous answers; must exist in customers when given."),
        Column("interaction_id", "id", required=False, nullable=True),
        Column("answered_at", "datetime"),
        Column("survey", "category", required=False, allowed=("relationship", "transactional"),
               description="Derived from interaction_id when absent."),
        Column("nps", "int", nullable=True, low=0, high=10, description="Likelihood to recommend, 0-10."),
        Column("csat", "int", required=False, nullable=True, low=1, high=5, description="Satisfaction, 1-5."),
        Column("ces", "int", required=False, nullable=True, low=1, high=7, description="Customer effort, 1-7 (7 = very easy)."),
        Column("comment", "text", required=False, nullable=True, description="Free-text comment (untrusted)."),
        Column("duration_seconds", "float", required=False, nullable=True, low=0,
               description="Time taken to answer; used to flag speeders."),
    ),
)

_mentions = TableSpec(
    name="mentions",
    key="mention_id",
    required_table=False,
    description="Other customer voice: social posts, reviews, complaints.",
    references={"customer_id": ("customers", "customer_id")},
    columns=(
        Column("mention_id", "id"),
        Column("source", "category", description="e.g. twitter, review_site, complaint."),
        Column("posted_at", "datetime"),
        Column("text", "text"),
        Column("customer_id", "id", required=False, nullable=True),
        Column("stars", "int", required=False, nullable=True, low=1, high=5, description="A review's star rating, 1-5."),
        Column("engagement", "float", required=False, nullable=True, low=0,
               description="Reach of the post: likes, shares or retweets."),
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
