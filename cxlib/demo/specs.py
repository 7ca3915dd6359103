"""The three demo clients: industries, stages, touchpoints, channels, and where each effect is planted.

Each client has the same *kinds* of planted effects on *different* touchpoints, channels and
segments, so no analysis can hard-code them. Effect strengths are the constants below, written to
``planted.yaml`` by :mod:`cxlib.demo.planted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEMO_CLIENTS", "PERIOD_START", "PERIOD_END", "When", "Touchpoint", "ClientSpec", "SPECS", "STAGE_OFFSETS",
    "CHANNEL_ORDER", "KEY_SLOPE", "OTHER_SLOPE", "SILENT_NPS", "CHANNEL_PENALTY", "REPEAT_RATE", "BASE_RATE",
    "LONG_WAIT_MIN", "CHURN_RATE", "HANDOFF_ROUTE", "HANDOFF_ASKED", "OWNER_GAP_EXPECTED", "MAGNIFIED_P",
    "INCIDENT_SHARE", "SOCIAL_SOURCES", "REVIEW_SOURCES",
]

DEMO_CLIENTS: tuple[str, ...] = ("acme-telecom", "bluebird-retail", "crest-insurance")
PERIOD_START = "2025-01-01"
PERIOD_END = "2025-12-31"

When = Literal["pre", "sale", "onboard", "recurring", "anniversary", "case"]

# Planted strengths (documented in planted.yaml and docs/benchmarks/demo.md).
KEY_SLOPE = 1.7            # NPS points per rating point of the key-driver touchpoint
OTHER_SLOPE = 0.35         # NPS points per point of the mean of the other ratings
SILENT_NPS = -1.0          # NPS points per silent case
CHANNEL_PENALTY = -1.3     # latent quality of the inconsistent touchpoint on its bad channel
REPEAT_RATE, BASE_RATE = 0.40, 0.06
LONG_WAIT_MIN = 4320.0     # long waits start at 3 days; short waits end before 10 hours
CHURN_RATE = 0.16
HANDOFF_ROUTE = 0.5        # share of hand-offs out of the problem department that go to its partner
HANDOFF_ASKED = 0.45       # added probability that the receiving department asks again for known information
OWNER_GAP_EXPECTED = 98.0  # % top box the gap owner's self-assessment promises
MAGNIFIED_P = 0.35         # chance a non-positive post carries the magnified theme
INCIDENT_SHARE = 0.02      # incident posts per customer, over three days

#: Public sources the company can answer on; reviews also carry stars.
SOCIAL_SOURCES = frozenset({"x", "facebook", "instagram", "forum"})
REVIEW_SOURCES = frozenset({"trustpilot", "app_store"})

#: Channels in the order the simulation numbers them.
CHANNEL_ORDER = ("web", "app", "phone", "store", "email", "chat", "social")


@dataclass(frozen=True)
class Touchpoint:
    """One touchpoint of a demo client: where it sits, who owns it, its channels, how often it happens."""

    id: str
    label: str
    stage: str
    department: str
    channels: dict[str, float]
    when: When
    rate: float               # events per customer (pre/onboard), per year (recurring) or a weight
    quality: float = 0.0      # offset of the latent quality
    themes: tuple[str, ...] = ()
    promise: str = ""


@dataclass(frozen=True)
class ClientSpec:
    """One demo client: its structure and where each planted effect sits."""

    name: str
    display_name: str
    industry: str
    currency: str
    stages: tuple[str, ...]
    sale_stage: str
    stage_offsets: tuple[float, ...]
    segments: tuple[tuple[str, float, float, float, float], ...]  # name, share, median value, sigma, churn offset
    regions: tuple[str, ...]
    departments: tuple[str, ...]
    touchpoints: tuple[Touchpoint, ...]
    brand: dict[str, str]
    key_driver: str
    gap: tuple[str, ...]
    no_gap: tuple[str, ...]
    repeated_channel: str
    inconsistent: tuple[str, str]
    concentration: tuple[str, str]
    case_rate: float
    prefix: str
    mention_sources: tuple[tuple[str, float], ...]
    layout: Literal["canonical", "excel_customers", "qualtrics"]
    # planted for the issue-14 analyses (social, departments, owners, benchmark)
    handoff_problem: tuple[str, str] = ("", "")      # from department -> to department: information lost
    owner_gap: str = ""                              # department whose gap touchpoints promise 98 % top box
    incident: tuple[float, str, str] = (0.0, "", "")  # day, theme, main source of a burst of posts
    magnified: str = ""                              # theme far more common in posts than in comments
    competitors: tuple[tuple[str, float], ...] = ()  # company, NPS-scale shift against the client


STAGE_OFFSETS = (-0.35, 0.0, -0.8, -1.0, -1.25, -1.05)

SPECS: dict[str, ClientSpec] = {
    "acme-telecom": ClientSpec(
        name="acme-telecom", display_name="Acme Telecom", industry="telecom", currency="EUR",
        stages=("discover", "buy", "onboard", "use", "support", "renew"), sale_stage="buy",
        stage_offsets=STAGE_OFFSETS,
        segments=(("consumer", 0.70, 420, 0.45, 0.0), ("small_business", 0.22, 1900, 0.55, -0.15),
                  ("enterprise", 0.08, 14000, 0.70, -0.4)),
        regions=("capital", "north", "south", "east", "west"),
        departments=("sales", "logistics", "technical", "finance", "customer_care", "retention", "digital"),
        touchpoints=(
            Touchpoint("online_research", "Website & plan comparison", "discover", "digital",
                {"web": .7, "app": .2, "social": .1}, "pre", 0.9, themes=("digital.website_usability",),
                promise="Compare plans in minutes, with no small print."),
            Touchpoint("store_visit", "Store visit", "discover", "sales", {"store": 1.0}, "pre", 0.5, 0.1,
                ("staff.rude_staff",), "Expert advice in every store."),
            Touchpoint("purchase", "Buying a plan", "buy", "sales", {"web": .45, "store": .35, "phone": .2}, "sale", 1.0,
                themes=("digital.website_usability",), promise="Sign up the way you like."),
            Touchpoint("activation", "Activation & set-up", "onboard", "technical", {"web": .3, "app": .3, "phone": .4},
                "onboard", 1.0, themes=("onboarding.setup_difficult",), promise="Connected on day one."),
            Touchpoint("device_delivery", "Device delivery", "onboard", "logistics", {"web": .6, "email": .4}, "onboard",
                0.6, themes=("onboarding.delivery_delay",), promise="Your kit the next working day."),
            Touchpoint("billing", "Billing & invoices", "use", "finance", {"email": .5, "web": .3, "app": .2}, "recurring",
                2.4, -0.25, ("billing.unexpected_charges", "billing.confusing_invoice", "billing.payment_problems"),
                "Clear bills, no surprises."),
            Touchpoint("app_selfcare", "My Acme app", "use", "digital", {"app": .85, "web": .15}, "recurring", 2.8,
                themes=("digital.app_problems",), promise="Everything in one app."),
            Touchpoint("support_call", "Customer support", "support", "customer_care",
                {"phone": .5, "chat": .3, "email": .1, "store": .1}, "case", 0.75, -0.2,
                ("waiting.long_wait", "staff.rude_staff"), "Help first time, every time."),
            Touchpoint("repair", "Technical repair", "support", "technical", {"phone": .5, "store": .3, "chat": .2}, "case",
                0.25, themes=("product.reliability",), promise="Fixed within 48 hours."),
            Touchpoint("contract_renewal", "Contract renewal", "renew", "retention", {"phone": .4, "web": .4, "store": .2},
                "anniversary", 1.0, themes=("value.too_expensive",), promise="Loyalty always pays."),
        ),
        brand={"primary": "#0B3C5D", "accent": "#F2A900", "neutral": "#6B7B8C"},
        key_driver="billing", gap=("billing", "support_call"), no_gap=("store_visit", "purchase"),
        repeated_channel="phone", inconsistent=("support_call", "chat"),
        concentration=("billing.unexpected_charges", "small_business"),
        case_rate=1.0, prefix="ACM", layout="canonical",
        mention_sources=(("x", .35), ("facebook", .2), ("trustpilot", .3), ("complaint_form", .15)),
        handoff_problem=("customer_care", "finance"), owner_gap="finance",
        incident=(200.0, "product.reliability", "x"), magnified="value.too_expensive",
    ),
    "bluebird-retail": ClientSpec(
        name="bluebird-retail", display_name="Bluebird Retail", industry="retail", currency="GBP",
        stages=("browse", "purchase", "delivery", "use", "aftercare", "loyalty"), sale_stage="purchase",
        stage_offsets=(-0.3, 0.0, -0.75, -0.95, -1.3, -1.1),
        segments=(("new_shopper", 0.35, 120, 0.6, 0.25), ("regular", 0.45, 480, 0.5, 0.0),
                  ("vip", 0.20, 2200, 0.55, -0.3)),
        regions=("london", "south_east", "midlands", "north_west", "scotland", "wales"),
        departments=("ecommerce", "stores", "logistics", "merchandising", "customer_service", "finance", "marketing"),
        touchpoints=(
            Touchpoint("product_search", "Finding products online", "browse", "ecommerce", {"web": .55, "app": .45},
                "pre", 1.2, themes=("digital.website_usability",), promise="Find it in three clicks."),
            Touchpoint("store_browse", "Browsing in store", "browse", "stores", {"store": 1.0}, "pre", 0.6, 0.1,
                ("staff.rude_staff",), "Friendly stores, tidy rails."),
            Touchpoint("online_checkout", "Online checkout", "purchase", "ecommerce", {"web": .5, "app": .5}, "sale", 0.65,
                themes=("billing.payment_problems",), promise="Checkout in under a minute."),
            Touchpoint("store_checkout", "Store checkout", "purchase", "stores", {"store": 1.0}, "sale", 0.35, 0.1,
                ("waiting.long_wait",), "No queues at the till."),
            Touchpoint("delivery", "Home delivery", "delivery", "logistics", {"email": .6, "app": .25, "web": .15},
                "recurring", 2.2, themes=("onboarding.delivery_delay",), promise="Next-day delivery, on time."),
            Touchpoint("click_collect", "Click & collect", "delivery", "stores", {"store": .8, "app": .2}, "recurring", 0.8,
                themes=("onboarding.delivery_delay", "waiting.long_wait"), promise="Ready in two hours."),
            Touchpoint("product_experience", "Using the products", "use", "merchandising",
                {"app": .4, "web": .4, "social": .2}, "recurring", 1.6, themes=("product.reliability",),
                promise="Quality that lasts."),
            Touchpoint("customer_service", "Customer service", "aftercare", "customer_service",
                {"chat": .35, "phone": .3, "email": .25, "social": .1}, "case", 0.6, -0.15,
                ("waiting.no_updates", "staff.rude_staff"), "Answers within the hour."),
            Touchpoint("returns", "Returns & refunds", "aftercare", "logistics", {"store": .4, "web": .35, "email": .25},
                "case", 0.4, -0.3, ("billing.payment_problems", "effort.unresolved"), "Refunds in three days."),
            Touchpoint("loyalty_programme", "Bluebird Rewards", "loyalty", "marketing", {"app": .6, "email": .3, "web": .1},
                "recurring", 1.0, -0.25, ("value.too_expensive",), "Rewards worth having."),
        ),
        brand={"primary": "#1F5FAD", "accent": "#F28C28", "neutral": "#7A7F87"},
        key_driver="delivery", gap=("returns", "loyalty_programme"), no_gap=("store_checkout", "product_search"),
        repeated_channel="chat", inconsistent=("customer_service", "email"),
        concentration=("onboarding.delivery_delay", "new_shopper"),
        case_rate=0.9, prefix="BB", layout="excel_customers",
        mention_sources=(("trustpilot", .35), ("instagram", .25), ("app_store", .2), ("complaint_form", .2)),
        handoff_problem=("customer_service", "logistics"), owner_gap="marketing",
        incident=(305.0, "onboarding.delivery_delay", "instagram"), magnified="staff.rude_staff",
        competitors=(("Heron Home", 18.0), ("Kestrel Stores", 0.0), ("Wren & Co", -20.0)),
    ),
    "crest-insurance": ClientSpec(
        name="crest-insurance", display_name="Crest Insurance", industry="insurance", currency="USD",
        stages=("quote", "purchase", "policy_setup", "coverage", "claim", "renewal"), sale_stage="purchase",
        stage_offsets=(-0.4, 0.0, -0.85, -1.0, -1.3, -1.0),
        segments=(("young_driver", 0.25, 900, 0.4, 0.3), ("family", 0.45, 1600, 0.45, 0.0),
                  ("senior", 0.20, 1100, 0.4, -0.2), ("commercial", 0.10, 6500, 0.7, -0.1)),
        regions=("northeast", "southeast", "midwest", "southwest", "west"),
        departments=("sales", "underwriting", "operations", "finance", "claims", "digital", "retention"),
        touchpoints=(
            Touchpoint("online_quote", "Online quote", "quote", "digital", {"web": .65, "app": .35}, "pre", 1.0,
                themes=("digital.website_usability",), promise="A price in two minutes."),
            Touchpoint("agent_advice", "Agent advice", "quote", "sales", {"phone": .7, "store": .3}, "pre", 0.5, 0.1,
                ("staff.rude_staff",), "Advice from a real person."),
            Touchpoint("policy_purchase", "Buying the policy", "purchase", "sales", {"web": .5, "phone": .35, "store": .15},
                "sale", 1.0, themes=("billing.unexpected_charges",), promise="The price you see is the price you pay."),
            Touchpoint("policy_documents", "Policy documents", "policy_setup", "operations",
                {"email": .8, "app": .1, "web": .1}, "onboard", 1.0,
                themes=("onboarding.delivery_delay", "billing.confusing_invoice"), promise="Documents the same day."),
            Touchpoint("account_setup", "Online account set-up", "policy_setup", "digital", {"web": .5, "app": .5}, "onboard",
                0.8, themes=("onboarding.setup_difficult",), promise="Your account in five minutes."),
            Touchpoint("premium_payment", "Premiums & payments", "coverage", "finance",
                {"web": .4, "app": .3, "email": .2, "phone": .1}, "recurring", 2.5,
                themes=("billing.payment_problems", "billing.unexpected_charges"), promise="Pay your way, no fees."),
            Touchpoint("mobile_app", "Crest app", "coverage", "digital", {"app": 1.0}, "recurring", 2.5, -0.3,
                ("digital.app_problems",), "Your policy in your pocket."),
            Touchpoint("claim_report", "Reporting a claim", "claim", "claims", {"phone": .45, "app": .3, "web": .25}, "case",
                0.65, themes=("effort.repeat_information", "waiting.long_wait"), promise="Report a claim in minutes."),
            Touchpoint("claim_settlement", "Claim settlement", "claim", "claims", {"phone": .4, "email": .4, "chat": .2},
                "case", 0.35, -0.3, ("product.reliability", "waiting.no_updates"), "Claims settled in ten days."),
            Touchpoint("renewal_offer", "Renewal offer", "renewal", "retention", {"email": .6, "phone": .3, "web": .1},
                "anniversary", 1.0, themes=("value.too_expensive",), promise="Fair renewal prices."),
        ),
        brand={"primary": "#2E1A47", "accent": "#00A19A", "neutral": "#8A8D91"},
        key_driver="premium_payment", gap=("mobile_app", "claim_settlement"), no_gap=("agent_advice", "online_quote"),
        repeated_channel="email", inconsistent=("claim_report", "app"),
        concentration=("value.too_expensive", "young_driver"),
        case_rate=0.9, prefix="CR", layout="qualtrics",
        mention_sources=(("trustpilot", .3), ("x", .3), ("forum", .15), ("complaint_form", .25)),
        handoff_problem=("claims", "underwriting"), owner_gap="digital",
        incident=(140.0, "waiting.no_updates", "x"), magnified="billing.unexpected_charges",
    ),
}
