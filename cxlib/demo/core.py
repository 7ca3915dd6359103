"""Synthetic demo clients with planted truth (``cx demo``).

Three clients from three industries -- a telecom operator, a retailer and an insurer -- each
with its own stages, touchpoints, segments, channel mix, brand colours and file formats, and
each with the same *kinds* of planted effects on *different* touchpoints, channels and
segments, so no analysis can hard-code them:

* a key driver of relationship NPS (one touchpoint rating);
* post-sale decay (experience peaks at the buying stage);
* a delivery gap (the company rates itself 5/5 where customers rarely give a top box);
* a channel with far more requests for information the company already held;
* silent waits (long waits without updates) that lower NPS;
* one touchpoint rated clearly worse on one channel;
* one comment theme concentrated in one segment;
* churn driven by the cumulative journey (friction counts and peak-end quality) rather than
  by any single touchpoint rating, including a few "good touchpoints, poor journey" customers.

What was planted is written to ``planted.yaml`` (plus ``planted_codes.csv`` with the themes of
every comment, ``planted_mention_codes.csv`` for mentions and ``planted_pii.csv`` with the
personal data put into comments) so tests can check that the analyses recover it. Analyses
never read these files.

The generator is vectorised numpy (comment text is the only per-row Python loop) and fully
deterministic: the same ``seed`` gives byte-identical files.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> d = generate_client("acme-telecom", Path(tempfile.mkdtemp()), n_customers=200, seed=1)
>>> sorted(p.name for p in d.iterdir())[:4]
['client.yaml', 'codebook.yaml', 'customers.csv', 'interactions.parquet']
"""

from __future__ import annotations

import datetime as _dt
import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml

from cxlib.demo.text import (HOSTILE_PAYLOADS, LEAF_THEMES, PII_KINDS, POSITIVE_THEMES, THEME_LABELS, VOCAB,
                             compose, not_pii_snippet, pii_snippet)
from cxlib.errors import ConfigError
from cxlib.schema import rating_column

__all__ = ["DEMO_CLIENTS", "PERIOD_START", "PERIOD_END", "generate_client", "generate_demo"]

DEMO_CLIENTS: tuple[str, ...] = ("acme-telecom", "bluebird-retail", "crest-insurance")
PERIOD_START = "2025-01-01"
PERIOD_END = "2025-12-31"
_BASE = np.datetime64("2025-01-01T00:00:00", "s")
_END_DAY = 364.999                     # last instant of the period, in days after PERIOD_START
_ASSISTED = frozenset({"phone", "chat", "store"})
_STARTER = Path(__file__).resolve().parents[1] / "resources" / "codebook_starter.yaml"

When = Literal["pre", "sale", "onboard", "recurring", "anniversary", "case"]
Progress = Callable[[str], None]

# Planted strengths (documented in planted.yaml and docs/benchmarks/demo.md).
_KEY_SLOPE = 1.7            # NPS points per rating point of the key-driver touchpoint
_OTHER_SLOPE = 0.35         # NPS points per point of the mean of the other ratings
_SILENT_NPS = -1.0          # NPS points per silent case
_CHANNEL_PENALTY = -1.3     # latent quality of the inconsistent touchpoint on its bad channel
_REPEAT_RATE, _BASE_RATE = 0.40, 0.06
_LONG_WAIT_MIN = 4320.0     # long waits start at 3 days; short waits end before 10 hours
_CHURN_RATE = 0.16


@dataclass(frozen=True)
class _TP:
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
class _Spec:
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
    touchpoints: tuple[_TP, ...]
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


_STAGE_OFFSETS = (-0.35, 0.0, -0.8, -1.0, -1.25, -1.05)

_SPECS: dict[str, _Spec] = {
    "acme-telecom": _Spec(
        name="acme-telecom", display_name="Acme Telecom", industry="telecom", currency="EUR",
        stages=("discover", "buy", "onboard", "use", "support", "renew"), sale_stage="buy",
        stage_offsets=_STAGE_OFFSETS,
        segments=(("consumer", 0.70, 420, 0.45, 0.0), ("small_business", 0.22, 1900, 0.55, -0.15),
                  ("enterprise", 0.08, 14000, 0.70, -0.4)),
        regions=("capital", "north", "south", "east", "west"),
        departments=("sales", "logistics", "technical", "finance", "customer_care", "retention", "digital"),
        touchpoints=(
            _TP("online_research", "Website & plan comparison", "discover", "digital",
                {"web": .7, "app": .2, "social": .1}, "pre", 0.9, themes=("digital.website_usability",),
                promise="Compare plans in minutes, with no small print."),
            _TP("store_visit", "Store visit", "discover", "sales", {"store": 1.0}, "pre", 0.5, 0.1,
                ("staff.rude_staff",), "Expert advice in every store."),
            _TP("purchase", "Buying a plan", "buy", "sales", {"web": .45, "store": .35, "phone": .2}, "sale", 1.0,
                themes=("digital.website_usability",), promise="Sign up the way you like."),
            _TP("activation", "Activation & set-up", "onboard", "technical", {"web": .3, "app": .3, "phone": .4},
                "onboard", 1.0, themes=("onboarding.setup_difficult",), promise="Connected on day one."),
            _TP("device_delivery", "Device delivery", "onboard", "logistics", {"web": .6, "email": .4}, "onboard",
                0.6, themes=("onboarding.delivery_delay",), promise="Your kit the next working day."),
            _TP("billing", "Billing & invoices", "use", "finance", {"email": .5, "web": .3, "app": .2}, "recurring",
                2.4, -0.25, ("billing.unexpected_charges", "billing.confusing_invoice", "billing.payment_problems"),
                "Clear bills, no surprises."),
            _TP("app_selfcare", "My Acme app", "use", "digital", {"app": .85, "web": .15}, "recurring", 2.8,
                themes=("digital.app_problems",), promise="Everything in one app."),
            _TP("support_call", "Customer support", "support", "customer_care",
                {"phone": .5, "chat": .3, "email": .1, "store": .1}, "case", 0.75, -0.2,
                ("waiting.long_wait", "staff.rude_staff"), "Help first time, every time."),
            _TP("repair", "Technical repair", "support", "technical", {"phone": .5, "store": .3, "chat": .2}, "case",
                0.25, themes=("product.reliability",), promise="Fixed within 48 hours."),
            _TP("contract_renewal", "Contract renewal", "renew", "retention", {"phone": .4, "web": .4, "store": .2},
                "anniversary", 1.0, themes=("value.too_expensive",), promise="Loyalty always pays."),
        ),
        brand={"primary": "#0B3C5D", "accent": "#F2A900", "neutral": "#6B7B8C"},
        key_driver="billing", gap=("billing", "support_call"), no_gap=("store_visit", "purchase"),
        repeated_channel="phone", inconsistent=("support_call", "chat"),
        concentration=("billing.unexpected_charges", "small_business"),
        case_rate=1.0, prefix="ACM", layout="canonical",
        mention_sources=(("x", .35), ("facebook", .2), ("trustpilot", .3), ("complaint_form", .15)),
    ),
    "bluebird-retail": _Spec(
        name="bluebird-retail", display_name="Bluebird Retail", industry="retail", currency="GBP",
        stages=("browse", "purchase", "delivery", "use", "aftercare", "loyalty"), sale_stage="purchase",
        stage_offsets=(-0.3, 0.0, -0.75, -0.95, -1.3, -1.1),
        segments=(("new_shopper", 0.35, 120, 0.6, 0.25), ("regular", 0.45, 480, 0.5, 0.0),
                  ("vip", 0.20, 2200, 0.55, -0.3)),
        regions=("london", "south_east", "midlands", "north_west", "scotland", "wales"),
        departments=("ecommerce", "stores", "logistics", "merchandising", "customer_service", "finance", "marketing"),
        touchpoints=(
            _TP("product_search", "Finding products online", "browse", "ecommerce", {"web": .55, "app": .45},
                "pre", 1.2, themes=("digital.website_usability",), promise="Find it in three clicks."),
            _TP("store_browse", "Browsing in store", "browse", "stores", {"store": 1.0}, "pre", 0.6, 0.1,
                ("staff.rude_staff",), "Friendly stores, tidy rails."),
            _TP("online_checkout", "Online checkout", "purchase", "ecommerce", {"web": .5, "app": .5}, "sale", 0.65,
                themes=("billing.payment_problems",), promise="Checkout in under a minute."),
            _TP("store_checkout", "Store checkout", "purchase", "stores", {"store": 1.0}, "sale", 0.35, 0.1,
                ("waiting.long_wait",), "No queues at the till."),
            _TP("delivery", "Home delivery", "delivery", "logistics", {"email": .6, "app": .25, "web": .15},
                "recurring", 2.2, themes=("onboarding.delivery_delay",), promise="Next-day delivery, on time."),
            _TP("click_collect", "Click & collect", "delivery", "stores", {"store": .8, "app": .2}, "recurring", 0.8,
                themes=("onboarding.delivery_delay", "waiting.long_wait"), promise="Ready in two hours."),
            _TP("product_experience", "Using the products", "use", "merchandising",
                {"app": .4, "web": .4, "social": .2}, "recurring", 1.6, themes=("product.reliability",),
                promise="Quality that lasts."),
            _TP("customer_service", "Customer service", "aftercare", "customer_service",
                {"chat": .35, "phone": .3, "email": .25, "social": .1}, "case", 0.6, -0.15,
                ("waiting.no_updates", "staff.rude_staff"), "Answers within the hour."),
            _TP("returns", "Returns & refunds", "aftercare", "logistics", {"store": .4, "web": .35, "email": .25},
                "case", 0.4, -0.3, ("billing.payment_problems", "effort.unresolved"), "Refunds in three days."),
            _TP("loyalty_programme", "Bluebird Rewards", "loyalty", "marketing", {"app": .6, "email": .3, "web": .1},
                "recurring", 1.0, -0.25, ("value.too_expensive",), "Rewards worth having."),
        ),
        brand={"primary": "#1F5FAD", "accent": "#F28C28", "neutral": "#7A7F87"},
        key_driver="delivery", gap=("returns", "loyalty_programme"), no_gap=("store_checkout", "product_search"),
        repeated_channel="chat", inconsistent=("customer_service", "email"),
        concentration=("onboarding.delivery_delay", "new_shopper"),
        case_rate=0.9, prefix="BB", layout="excel_customers",
        mention_sources=(("trustpilot", .35), ("instagram", .25), ("app_store", .2), ("complaint_form", .2)),
    ),
    "crest-insurance": _Spec(
        name="crest-insurance", display_name="Crest Insurance", industry="insurance", currency="USD",
        stages=("quote", "purchase", "policy_setup", "coverage", "claim", "renewal"), sale_stage="purchase",
        stage_offsets=(-0.4, 0.0, -0.85, -1.0, -1.3, -1.0),
        segments=(("young_driver", 0.25, 900, 0.4, 0.3), ("family", 0.45, 1600, 0.45, 0.0),
                  ("senior", 0.20, 1100, 0.4, -0.2), ("commercial", 0.10, 6500, 0.7, -0.1)),
        regions=("northeast", "southeast", "midwest", "southwest", "west"),
        departments=("sales", "underwriting", "operations", "finance", "claims", "digital", "retention"),
        touchpoints=(
            _TP("online_quote", "Online quote", "quote", "digital", {"web": .65, "app": .35}, "pre", 1.0,
                themes=("digital.website_usability",), promise="A price in two minutes."),
            _TP("agent_advice", "Agent advice", "quote", "sales", {"phone": .7, "store": .3}, "pre", 0.5, 0.1,
                ("staff.rude_staff",), "Advice from a real person."),
            _TP("policy_purchase", "Buying the policy", "purchase", "sales", {"web": .5, "phone": .35, "store": .15},
                "sale", 1.0, themes=("billing.unexpected_charges",), promise="The price you see is the price you pay."),
            _TP("policy_documents", "Policy documents", "policy_setup", "operations",
                {"email": .8, "app": .1, "web": .1}, "onboard", 1.0,
                themes=("onboarding.delivery_delay", "billing.confusing_invoice"), promise="Documents the same day."),
            _TP("account_setup", "Online account set-up", "policy_setup", "digital", {"web": .5, "app": .5}, "onboard",
                0.8, themes=("onboarding.setup_difficult",), promise="Your account in five minutes."),
            _TP("premium_payment", "Premiums & payments", "coverage", "finance",
                {"web": .4, "app": .3, "email": .2, "phone": .1}, "recurring", 2.5,
                themes=("billing.payment_problems", "billing.unexpected_charges"), promise="Pay your way, no fees."),
            _TP("mobile_app", "Crest app", "coverage", "digital", {"app": 1.0}, "recurring", 2.5, -0.3,
                ("digital.app_problems",), "Your policy in your pocket."),
            _TP("claim_report", "Reporting a claim", "claim", "claims", {"phone": .45, "app": .3, "web": .25}, "case",
                0.65, themes=("effort.repeat_information", "waiting.long_wait"), promise="Report a claim in minutes."),
            _TP("claim_settlement", "Claim settlement", "claim", "claims", {"phone": .4, "email": .4, "chat": .2},
                "case", 0.35, -0.3, ("product.reliability", "waiting.no_updates"), "Claims settled in ten days."),
            _TP("renewal_offer", "Renewal offer", "renewal", "retention", {"email": .6, "phone": .3, "web": .1},
                "anniversary", 1.0, themes=("value.too_expensive",), promise="Fair renewal prices."),
        ),
        brand={"primary": "#2E1A47", "accent": "#00A19A", "neutral": "#8A8D91"},
        key_driver="premium_payment", gap=("mobile_app", "claim_settlement"), no_gap=("agent_advice", "online_quote"),
        repeated_channel="email", inconsistent=("claim_report", "app"),
        concentration=("value.too_expensive", "young_driver"),
        case_rate=0.9, prefix="CR", layout="qualtrics",
        mention_sources=(("trustpilot", .3), ("x", .3), ("forum", .15), ("complaint_form", .25)),
    ),
}


# ================================================================================================
# public API
# ================================================================================================
def generate_client(name: str, project_dir: Path, *, n_customers: int = 3000, seed: int = 7,
                    progress: Progress | None = None) -> Path:
    """Generate one demo client into ``<project_dir>/data/<name>/``.

    Parameters
    ----------
    name : str
        One of :data:`DEMO_CLIENTS`.
    project_dir : Path
        Project folder; files go to ``data/<name>/`` below it (created; existing files replaced).
    n_customers : int, keyword-only
        Valid customers to generate (at least 50); interactions are about 15 per customer.
    seed : int, keyword-only
        Random seed; the same seed gives byte-identical files.
    progress : callable, keyword-only
        Called with a short message at each step.

    Returns
    -------
    Path
        The client's data folder, holding ``client.yaml``, the tables (customers, interactions,
        responses, mentions, self_assessment in the client's formats), ``codebook.yaml``,
        ``planted.yaml``, ``planted_codes.csv`` (response_id, theme), ``planted_mention_codes.csv``
        (mention_id, theme) and ``planted_pii.csv`` (table, row_id, kind, value, is_pii).

    Notes
    -----
    The generative model and the strength of every planted effect are described in
    ``docs/benchmarks/demo.md`` and written to ``planted.yaml``. Ratings come from a latent
    quality per interaction: ``q = 4.45 + stage offset + touchpoint offset + customer effect
    + channel penalty + friction penalties + noise``, rounded onto 1-5.

    Examples
    --------
    >>> import tempfile
    >>> d = generate_client("crest-insurance", Path(tempfile.mkdtemp()), n_customers=100, seed=2)
    >>> (d / "responses_qualtrics.csv").exists()
    True
    """
    spec = _SPECS.get(name)
    if spec is None:
        raise ConfigError(f"Unknown demo client {name!r}. Demo clients: {', '.join(DEMO_CLIENTS)}.")
    if not isinstance(n_customers, (int, np.integer)) or isinstance(n_customers, bool) or n_customers < 50:
        raise ConfigError(f"n_customers must be a whole number of at least 50, got {n_customers!r}.")
    say = progress or (lambda _msg: None)
    out = Path(project_dir) / "data" / name
    out.mkdir(parents=True, exist_ok=True)
    sim = _Simulation(spec, int(n_customers), int(seed), say)
    sim.run()
    say(f"{name}: writing files")
    _write(sim, out)
    say(f"{name}: done ({len(sim.interactions):,} interactions, {len(sim.responses):,} responses)")
    return out


def generate_demo(project_dir: Path, *, n_customers: int = 3000, seed: int = 7,
                  clients: Sequence[str] = DEMO_CLIENTS, progress: Progress | None = None) -> list[Path]:
    """Generate several demo clients (by default all of :data:`DEMO_CLIENTS`).

    Parameters
    ----------
    project_dir : Path
        Project folder (clients go to ``data/<client>/``).
    n_customers, seed, progress : keyword-only
        As in :func:`generate_client`.
    clients : sequence of str, keyword-only
        Which demo clients.

    Returns
    -------
    list of Path
        The data folder of each client, in the order given.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in generate_demo(Path(tempfile.mkdtemp()), n_customers=60, clients=["acme-telecom"])]
    ['acme-telecom']
    """
    unknown = [c for c in clients if c not in _SPECS]
    if unknown:
        raise ConfigError(f"Unknown demo client(s) {', '.join(unknown)}. Demo clients: {', '.join(DEMO_CLIENTS)}.")
    return [generate_client(c, project_dir, n_customers=n_customers, seed=seed, progress=progress) for c in clients]


# ================================================================================================
# helpers
# ================================================================================================
def _cumcount(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within runs of equal values of a sorted array."""
    return np.arange(len(groups)) - np.searchsorted(groups, groups, side="left")


def _choice_rows(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a cumulative-probability matrix."""
    u = rng.random(len(cum))
    return np.minimum((u[:, None] > cum).sum(axis=1), cum.shape[1] - 1)


def _z(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def _auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties averaged)."""
    y = np.asarray(y, bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    _, inv, counts = np.unique(np.asarray(score, float), return_inverse=True, return_counts=True)
    avg_rank = np.cumsum(counts) - (counts - 1) / 2.0
    r = avg_rank[inv]
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _mean(x) -> float:
    """Mean, or NaN for no values (tiny demo clients can miss a group)."""
    x = np.asarray(x, dtype="float64")
    return float(x.mean()) if x.size else float("nan")


def _stamp(days: np.ndarray) -> np.ndarray:
    return _BASE + np.round(np.asarray(days) * 86400.0).astype("int64").astype("timedelta64[s]")


def _stamp_text(days: np.ndarray) -> pd.Series:
    s = pd.Series(np.datetime_as_string(_stamp(days), unit="s"), dtype="string")
    return s.str.replace("T", " ", regex=False)


def _date_text(days: np.ndarray) -> pd.Series:
    d = (np.datetime64("2025-01-01", "D") + np.floor(days).astype("int64").astype("timedelta64[D]"))
    return pd.Series(np.datetime_as_string(d), dtype="string")


def _ids(prefix: str, n: int, width: int, start: int = 1) -> pd.Series:
    nums = pd.Series(np.arange(start, start + n), dtype="int64").astype("string").str.zfill(width)
    return prefix + nums


# ================================================================================================
# the simulation
# ================================================================================================
class _Simulation:
    """Draws every table of one client; fills ``customers``, ``interactions``, ``responses`` ..."""

    def __init__(self, spec: _Spec, n: int, seed: int, say: Progress):
        self.spec, self.n, self.seed, self.say = spec, n, seed, say
        self.rng = np.random.default_rng([seed, zlib.crc32(spec.name.encode())])
        self.rnd = random.Random(int(self.rng.integers(2**62)))
        self.tps = spec.touchpoints
        self.tp_ids = [t.id for t in self.tps]
        self.T = len(self.tps)
        self.channels = sorted({c for t in self.tps for c in t.channels}, key=lambda c: _CH_ORDER.index(c))
        self.C = len(self.channels)
        cum = np.zeros((self.T, self.C))
        for j, t in enumerate(self.tps):
            p = np.array([t.channels.get(c, 0.0) for c in self.channels])
            cum[j] = np.cumsum(p / p.sum())
        self.ch_cum = cum
        self.stage_of = np.array([spec.stages.index(t.stage) for t in self.tps])
        self.dept_of = np.array([spec.departments.index(t.department) for t in self.tps])
        self.tp_quality = np.array([4.45 + spec.stage_offsets[s] + t.quality for s, t in zip(self.stage_of, self.tps)])
        self.key = self.tp_ids.index(spec.key_driver)
        self.assisted = np.array([c in _ASSISTED for c in self.channels])
        self.vocab = VOCAB[spec.industry]
        self.leaf = {t: i for i, t in enumerate(LEAF_THEMES)}
        self.planted: dict = {}
        self.pii_rows: list[tuple[str, str, str, str, bool]] = []

    # ---------------------------------------------------------------------------------- run
    def run(self) -> None:
        name = self.spec.name
        self.say(f"{name}: customers")
        self._customers()
        self.say(f"{name}: interactions")
        self._events()
        self._cases()
        self._combine()
        self._churn()
        self.say(f"{name}: survey responses")
        self._relationship()
        self._transactional()
        self.say(f"{name}: comments")
        self._responses_frame()
        self._mentions()
        self._self_assessment()
        self._frames()
        self._invalid_rows()
        self._measure()

    # ---------------------------------------------------------------------------- customers
    def _customers(self) -> None:
        rng, spec, n = self.rng, self.spec, self.n
        shares = np.array([s[1] for s in spec.segments])
        self.seg = rng.choice(len(shares), n, p=shares / shares.sum())
        w = np.linspace(1.6, 0.6, len(spec.regions))
        self.region = rng.choice(len(w), n, p=w / w.sum())
        self.acq = np.floor(_END_DAY - rng.uniform(60, 3 * 365, n))
        med = np.array([s[2] for s in spec.segments])[self.seg]
        sig = np.array([s[3] for s in spec.segments])[self.seg]
        self.value = np.round(rng.lognormal(np.log(med), sig), 2)
        self.u = rng.normal(0.0, 0.35, n)
        self.f = rng.lognormal(-0.18, 0.6, n)
        self.gtpj = rng.random(n) < 0.025
        k = int(self.gtpj.sum())
        self.f[self.gtpj] = rng.uniform(3.0, 4.5, k)
        self.u[self.gtpj] = np.abs(self.u[self.gtpj]) + 0.6

    # ------------------------------------------------------------------------ journey events
    def _events(self) -> None:
        rng, n = self.rng, self.n
        ev = [j for j, t in enumerate(self.tps) if t.when != "case"]
        E = len(ev)
        yrs = np.clip((365.0 - self.acq) / 365.0, 0.2, 3.0)
        counts = np.zeros((n, E), dtype=np.int64)
        sale = [i for i, j in enumerate(ev) if self.tps[j].when == "sale"]
        ann = [i for i, j in enumerate(ev) if self.tps[j].when == "anniversary"]
        for i, j in enumerate(ev):
            t = self.tps[j]
            if t.when in ("pre", "onboard"):
                counts[:, i] = rng.poisson(t.rate, n)
            elif t.when == "recurring":
                counts[:, i] = rng.poisson(t.rate * yrs)
        w = np.array([self.tps[ev[i]].rate for i in sale])
        pick = rng.choice(sale, n, p=w / w.sum())
        counts[np.arange(n), pick] += 1
        extra = rng.random(n) < 0.12
        pick2 = rng.choice(sale, n, p=w / w.sum())
        counts[np.flatnonzero(extra), pick2[extra]] += 1
        n_ann = np.floor((_END_DAY - self.acq) / 365.0).astype(np.int64)
        if ann:
            wa = np.array([self.tps[ev[i]].rate for i in ann])
            counts[:, ann] = rng.multinomial(n_ann, wa / wa.sum())
        if self.key in ev:
            k = ev.index(self.key)
            counts[:, k] = np.maximum(counts[:, k], 1)
        flat = np.repeat(np.arange(n * E), counts.ravel())
        cust = flat // E
        tp = np.array(ev)[flat % E]
        m = len(cust)
        when = np.array([self.tps[j].when for j in range(self.T)])[tp]
        acq = self.acq[cust]
        t = np.empty(m)
        for kind, lo, hi in (("pre", -45.0, -2.0), ("sale", 0.0, 1.0), ("onboard", 1.0, 30.0)):
            s = when == kind
            t[s] = acq[s] + rng.uniform(lo, hi, int(s.sum()))
        s = when == "recurring"
        lo = acq[s] + 31.0
        t[s] = lo + rng.random(int(s.sum())) * (_END_DAY - lo)
        s = np.flatnonzero(when == "anniversary")
        k = _cumcount(cust[s]) + 1
        t[s] = acq[s] + 365.0 * k - rng.uniform(0.0, 20.0, len(s))
        ch = _choice_rows(rng, self.ch_cum[tp])
        wait = np.full(m, np.nan)
        assisted = self.assisted[ch]
        wait[assisted] = np.clip(rng.lognormal(np.log(4.0), 0.6, int(assisted.sum())), 0.5, 120.0)
        self.ev = dict(cust=cust, tp=tp, ch=ch, t=t, dept=self.dept_of[tp], wait=wait)

    # --------------------------------------------------------------------------------- cases
    def _cases(self) -> None:
        rng, n, f = self.rng, self.n, self.f
        case_tps = [j for j, t in enumerate(self.tps) if t.when == "case"]
        nc = rng.poisson(self.spec.case_rate * f ** 0.8)
        nc[self.gtpj] = rng.poisson(2.5, int(self.gtpj.sum())) + 2
        nc = np.minimum(nc, 8)
        case_c = np.repeat(np.arange(n), nc)
        K = len(case_c)
        w = np.array([self.tps[j].rate for j in case_tps])
        case_tp = rng.choice(case_tps, K, p=w / w.sum())
        g = self.gtpj[case_c]
        fc = f[case_c]
        p_more = np.where(g, 0.65, np.clip(0.16 * fc, 0.0, 0.75))
        ncont = 1 + rng.binomial(3, p_more)
        row = np.repeat(np.arange(K), ncont)
        M = len(row)
        first = np.cumsum(ncont) - ncont
        k = np.arange(M) - first[row]
        cust = case_c[row]
        tp = case_tp[row]
        fr, gr = f[cust], self.gtpj[cust]
        draw = _choice_rows(rng, self.ch_cum[tp])
        keep = (k == 0) | (rng.random(M) < 0.45)
        ch = np.where(keep, draw[first[row]], draw)
        D = len(self.spec.departments)
        hand = (k > 0) & (rng.random(M) < np.where(gr, 0.7, np.clip(0.2 * fr ** 0.8, 0.0, 0.85)))
        step = np.where(hand, rng.integers(1, D, M), 0)
        cs = np.cumsum(step)
        dept = (self.dept_of[tp] + cs - cs[first[row]]) % D
        long = rng.random(M) < np.where(gr, 0.5, np.clip(0.13 * fr ** 0.8, 0.0, 0.8))
        wait = np.where(self.assisted[ch], np.clip(rng.lognormal(np.log(6.0), 0.6, M), 0.5, 120.0),
                        np.clip(rng.lognormal(np.log(60.0), 0.5, M), 5.0, 600.0))
        wait = np.where(long, _LONG_WAIT_MIN + rng.exponential(2880.0, M), wait)
        silent = long & (rng.random(M) < np.where(gr, 0.8, np.clip(0.45 * fr ** 0.5, 0.05, 0.95)))
        updates = np.where(long & ~silent, 1 + rng.poisson(1.2, M), 0)
        last = k == ncont[row] - 1
        p_res = np.where(gr, 0.45, np.clip(0.9 - 0.12 * (fr - 1.0), 0.35, 0.97))
        resolved = last & (rng.random(M) < p_res)
        gap = wait / 1440.0 + rng.uniform(0.05, 1.2, M)
        cg = np.cumsum(gap)
        off = cg - gap - (cg - gap)[first[row]]
        dur = off[first + ncont - 1]
        lo = self.acq[case_c] + 31.0
        room = _END_DAY - lo - dur
        start = lo + rng.random(K) * np.maximum(room, 0.0)
        scale = np.where(room < 0, (_END_DAY - lo) / np.maximum(dur, 1e-9), 1.0)
        t = start[row] + off * scale[row]
        order = np.argsort(start, kind="stable")
        number = np.empty(K, dtype=np.int64)
        number[order] = np.arange(1, K + 1)
        self.case = dict(cust=cust, tp=tp, ch=ch, t=t, dept=dept, wait=wait, updates=updates, resolved=resolved,
                         last=last, k=k, hand=hand, long=long, silent=silent, case=number[row], row=row)
        unres_case = ~resolved[first + ncont - 1]
        silent_case = np.bincount(row, silent, minlength=K) > 0
        long_case = np.bincount(row, long, minlength=K) > 0
        self.cust_cases = dict(
            n_cases=np.bincount(case_c, minlength=n),
            n_repeat=np.bincount(case_c, ncont - 1, minlength=n).astype(np.int64),
            n_silent=np.bincount(case_c, silent_case, minlength=n).astype(np.int64),
            n_long=np.bincount(case_c, long_case, minlength=n).astype(np.int64),
            n_unres=np.bincount(case_c, unres_case, minlength=n).astype(np.int64),
            n_handoff=np.bincount(cust, hand, minlength=n).astype(np.int64),
        )
        self.n_cases_total = K

    # ------------------------------------------------------------------- all interactions
    def _combine(self) -> None:
        rng, e, c = self.rng, self.ev, self.case
        me, mc = len(e["cust"]), len(c["cust"])
        cat = np.concatenate
        self.i_cust = cat([e["cust"], c["cust"]])
        self.i_tp = cat([e["tp"], c["tp"]])
        self.i_ch = cat([e["ch"], c["ch"]])
        self.i_t = cat([e["t"], c["t"]])
        self.i_dept = cat([e["dept"], c["dept"]])
        self.i_wait = cat([e["wait"], c["wait"]])
        self.i_case = cat([np.zeros(me, np.int64), c["case"]])
        self.i_updates = cat([np.full(me, -1), c["updates"]])
        self.i_resolved = cat([np.full(me, -1), c["resolved"].astype(np.int64)])
        z = np.zeros(me, bool)
        self.i_incase = cat([z, np.ones(mc, bool)])
        self.i_hand = cat([z, c["hand"]])
        self.i_long = cat([z, c["long"]])
        self.i_silent = cat([z, c["silent"]])
        self.i_repeat = cat([z, c["k"] > 0])
        self.i_unres = cat([z, c["last"] & ~c["resolved"]])
        m = me + mc
        cust = self.i_cust
        base = np.full(self.C, _BASE_RATE)
        base[self.channels.index(self.spec.repeated_channel)] = _REPEAT_RATE
        p = base[self.i_ch] * self.f[cust] ** 0.7 + 0.08 * self.i_repeat
        self.i_asked = rng.random(m) < np.clip(p, 0.0, 0.95)
        it, ic = self.spec.inconsistent
        bad = (self.i_tp == self.tp_ids.index(it)) & (self.i_ch == self.channels.index(ic))
        pen = (-0.5 * self.i_asked - 0.8 * self.i_silent - 0.25 * (self.i_long & ~self.i_silent)
               - 0.35 * self.i_hand - 0.2 * self.i_repeat - 0.7 * self.i_unres)
        pen = np.where(self.gtpj[cust], 0.0, pen)
        self.i_q = (self.tp_quality[self.i_tp] + self.u[cust] + _CHANNEL_PENALTY * bad + pen
                    + rng.normal(0.0, 0.45, m))
        self.n_known = np.bincount(cust, self.i_asked, minlength=self.n).astype(np.int64)

    # ------------------------------------------------------------------------------- churn
    def _churn(self) -> None:
        rng, n = self.rng, self.n
        cc = self.cust_cases
        self.friction = self.n_known + cc["n_repeat"] + cc["n_silent"] + cc["n_unres"] + cc["n_handoff"]
        order = np.lexsort((self.i_t, self.i_cust))
        cs = self.i_cust[order]
        starts = np.searchsorted(cs, np.arange(n), side="left")
        ends = np.searchsorted(cs, np.arange(n), side="right")
        q = self.i_q[order]
        self.q_min = np.minimum.reduceat(q, starts)
        self.q_last = q[ends - 1]
        self.peak_end = 0.5 * self.q_min + 0.5 * self.q_last
        seg_off = np.array([s[4] for s in self.spec.segments])[self.seg]
        x = 1.1 * _z(np.log1p(self.friction)) - 0.45 * _z(self.peak_end) + seg_off
        lo, hi = -10.0, 10.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.mean(1 / (1 + np.exp(-(mid + x)))) < _CHURN_RATE:
                lo = mid
            else:
                hi = mid
        self.p_churn = 1 / (1 + np.exp(-(lo + x)))
        self.churned = rng.random(n) < self.p_churn
        first = np.maximum(0.0, self.acq + 30.0)
        self.churn_day = np.floor(first + rng.random(n) * (_END_DAY - first))
        self.end_day = np.where(self.churned, self.churn_day + 0.95, _END_DAY)
        # a churned customer's journey is the same journey, lived before leaving
        cust = self.i_cust
        a = self.acq[cust]
        squeeze = self.churned[cust] & (self.i_t > a)
        factor = (self.end_day[cust] - a) / (_END_DAY - a)
        self.i_t = np.where(squeeze, a + (self.i_t - a) * factor, self.i_t)

    # ------------------------------------------------------------------- relationship survey
    def _relationship(self) -> None:
        rng, n, T = self.rng, self.n, self.T
        key = self.i_cust * T + self.i_tp
        cnt = np.bincount(key, minlength=n * T).reshape(n, T)
        tot = np.bincount(key, self.i_q, minlength=n * T).reshape(n, T)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_q = tot / cnt
        lat = mean_q + rng.normal(0.0, 0.55, (n, T))
        R = np.where(cnt > 0, np.clip(np.rint(lat), 1, 5), np.nan)
        rk = np.where(np.isnan(R[:, self.key]), np.clip(mean_q[:, self.key], 1, 5), R[:, self.key])
        others = np.delete(R, self.key, axis=1) - 3.4
        n_o = (~np.isnan(others)).sum(1)
        mean_o = np.where(n_o > 0, np.nansum(others, 1) / np.maximum(n_o, 1), 0.0)
        nps = (6.9 + _KEY_SLOPE * (rk - 3.4) + _OTHER_SLOPE * mean_o + _SILENT_NPS * self.cust_cases["n_silent"]
               + rng.normal(0.0, 1.2, n))
        self.nps_rel = np.clip(np.rint(nps), 0, 10)
        skip = rng.random((n, T)) < 0.08
        self.R = np.where(skip, np.nan, R)
        self.mean_q = mean_q
        self.respond = rng.random(n) < 0.5
        lo = np.maximum(0.0, self.acq + 30.0)
        self.rel_day = lo + rng.random(n) * (self.end_day - lo)

    # ---------------------------------------------------------------- transactional survey
    def _transactional(self) -> None:
        rng = self.rng
        m = len(self.i_t)
        ok = (self.i_t >= 0) & (self.i_t < 362.0)
        pick = ok & (rng.random(m) < np.where(self.i_incase, 0.25, 0.08))
        self.tx = np.flatnonzero(pick)
        q = self.i_q[self.tx]
        k = len(self.tx)
        self.tx_day = np.minimum(self.i_t[self.tx] + rng.uniform(0.02, 2.0, k), _END_DAY)
        self.tx_csat = np.clip(np.rint(q + rng.normal(0, 0.5, k)), 1, 5)
        ces = (5.4 + 0.6 * (q - 3.6) - 1.2 * self.i_asked[self.tx] - 1.0 * self.i_hand[self.tx]
               - 1.0 * self.i_unres[self.tx] - 0.8 * self.i_silent[self.tx] - 0.4 * self.i_repeat[self.tx]
               + rng.normal(0, 0.9, k))
        self.tx_ces = np.clip(np.rint(ces), 1, 7)
        tnps = np.clip(np.rint(6.8 + 1.3 * (q - 3.6) + rng.normal(0, 1.5, k)), 0, 10)
        self.tx_nps = np.where(rng.random(k) < 0.35, tnps, np.nan)

    # -------------------------------------------------------------------------- themes
    def _theme_matrix(self, *, known, silent, long, hand, unres, low, tone, seg, staff) -> np.ndarray:
        """Probability of each leaf theme per comment, from what the respondent went through."""
        L, lf = len(LEAF_THEMES), self.leaf
        m = len(tone)
        P = np.zeros((m, L))
        P[:, lf["effort.repeat_information"]] = np.where(known > 0, np.minimum(0.3 + 0.1 * known, 0.7), 0)
        P[:, lf["waiting.no_updates"]] = np.where(silent > 0, 0.55, 0)
        P[:, lf["waiting.long_wait"]] = np.where(long > 0, 0.35, 0)
        P[:, lf["effort.handoffs"]] = np.where(hand > 0, np.minimum(0.3 + 0.1 * hand, 0.6), 0)
        P[:, lf["effort.unresolved"]] = np.where(unres > 0, 0.45, 0)
        inc = np.zeros((self.T, L))
        for j, t in enumerate(self.tps):
            for th in t.themes:
                inc[j, lf[th]] = 1
        tp_p = 1 - 0.65 ** (low.astype(float) @ inc)
        P = np.maximum(P, tp_p)
        pos, neg = tone > 0, tone < 0
        for th, p, extra in (("staff.helpful_staff", 0.3, 0.15), ("value.good_value", 0.2, 0),
                             ("product.quality_praise", 0.25, 0)):
            P[:, lf[th]] = np.maximum(P[:, lf[th]], np.where(pos, p + extra * staff, 0))
        for th, p, extra in (("value.too_expensive", 0.15, 0), ("product.reliability", 0.15, 0),
                             ("staff.rude_staff", 0.05, 0.07)):
            P[:, lf[th]] = np.maximum(P[:, lf[th]], np.where(neg, p + extra * staff, 0))
        theme, segment = self.spec.concentration
        s_idx = [s[0] for s in self.spec.segments].index(segment)
        P[:, lf[theme]] = np.where(seg == s_idx, 0.42, 0.03)
        return P

    def _draw_themes(self, P: np.ndarray, tone: np.ndarray) -> list[tuple[str, ...]]:
        rng = self.rng
        m, L = P.shape
        B = rng.random((m, L)) < P
        prio = rng.random((m, L)) + (~B) * 2.0
        top = np.argsort(prio, axis=1, kind="stable")[:, :3]
        chosen = np.take_along_axis(B, top, axis=1)
        fb = rng.random(m)
        fb_pick = rng.random(m)
        conc = self.spec.concentration[0]
        pos_pool = sorted(POSITIVE_THEMES - {conc})
        neg_pool = [t for t in ("value.too_expensive", "product.reliability", "waiting.long_wait",
                                "effort.unresolved", "digital.website_usability") if t != conc]
        out: list[tuple[str, ...]] = []
        leaves = LEAF_THEMES
        for i in range(m):
            themes = tuple(leaves[top[i, j]] for j in range(3) if chosen[i, j])
            if not themes and tone[i] != 0 and fb[i] < 0.85:
                pool = pos_pool if tone[i] > 0 else neg_pool
                themes = (pool[int(fb_pick[i] * len(pool))],)
            out.append(themes)
        return out

    def _texts(self, themes: list[tuple[str, ...]], tone: np.ndarray, *, table: str, ids: Sequence[str],
               social: bool, pii_rate: float, hostile_rate: float, brand_handle: str) -> tuple[list[str], dict]:
        """Write the comments; put personal data, decoy numbers and hostile text into some of them."""
        rnd = self.rnd
        m = len(themes)
        order = list(range(m))
        rnd.shuffle(order)
        forced_h: dict[int, str] = {}
        forced_p: dict[int, str] = {}
        kinds_h = list(HOSTILE_PAYLOADS)
        pos = 0
        if m >= 40:
            for kind in kinds_h:
                forced_h[order[pos]] = kind
                pos += 1
            for kind in PII_KINDS * 2:
                forced_p[order[pos]] = kind
                pos += 1
        forced_np = set(order[pos:pos + 4]) if m >= 40 else set()
        texts: list[str] = []
        special: set[str] = set()
        stats = {"pii": 0, "hostile": 0, "pii_by_kind": {k: 0 for k in PII_KINDS},
                 "hostile_by_kind": {k: 0 for k in kinds_h}, "not_pii": {"order_number": 0, "date": 0},
                 "decoy": 0, "typo": 0, "names": 0}
        for i in range(m):
            text, meta = compose(themes[i], tone=int(tone[i]), rnd=rnd, vocab=self.vocab, social=social)
            for key in ("decoy", "typo", "names"):
                stats[key] += meta[key]
            if social and rnd.random() < 0.3:
                text = f"@{brand_handle} " + text
            pk = forced_p.get(i) or (rnd.choice(PII_KINDS) if rnd.random() < pii_rate else None)
            if pk:
                sent, value = pii_snippet(pk, rnd)
                text = f"{text} {sent[0].upper()}{sent[1:]}."
                stats["pii"] += 1
                stats["pii_by_kind"][pk] += 1
                self.pii_rows.append((table, ids[i], pk, value, True))
            if i in forced_np or rnd.random() < 0.03:
                sent, kind, value = not_pii_snippet(rnd)
                sent = sent[0].upper() + sent[1:]
                text = f"{sent}. {text}" if rnd.random() < 0.5 else f"{text} {sent}."
                stats["not_pii"][kind] += 1
                special.add(ids[i])
                self.pii_rows.append((table, ids[i], kind, value, False))
            hk = forced_h.get(i) or (rnd.choice(kinds_h) if rnd.random() < hostile_rate else None)
            if hk:
                payload = HOSTILE_PAYLOADS[hk]
                text = f"{payload} {text}" if hk == "formula" or rnd.random() < 0.5 else f"{text} {payload}"
                stats["hostile"] += 1
                stats["hostile_by_kind"][hk] += 1
            if pk or hk or i in forced_np:
                special.add(ids[i])
            texts.append(text)
        stats["special_ids"] = special
        return texts, stats

    # ------------------------------------------------------------------------ responses
    def _responses_frame(self) -> None:
        rng, spec, T = self.rng, self.spec, self.T
        rel = np.flatnonzero(self.respond)
        nr, nt = len(rel), len(self.tx)
        # -- relationship rows
        cc = self.cust_cases
        tone_r = np.where(self.nps_rel[rel] >= 9, 1, np.where(self.nps_rel[rel] <= 6, -1, 0))
        has_r = rng.random(nr) < 0.62 + 0.13 * (tone_r < 0) - 0.1 * (tone_r > 0)
        staff_c = np.bincount(self.i_cust, self.assisted[self.i_ch] & self.i_incase, minlength=self.n) > 0
        Pr = self._theme_matrix(known=self.n_known[rel], silent=cc["n_silent"][rel], long=cc["n_long"][rel],
                                hand=cc["n_handoff"][rel], unres=cc["n_unres"][rel],
                                low=np.nan_to_num(self.R[rel], nan=5) <= 2, tone=tone_r, seg=self.seg[rel],
                                staff=staff_c[rel])
        # -- transactional rows
        tx = self.tx
        tone_t = np.where(self.tx_csat >= 4, 1, np.where(self.tx_csat <= 2, -1, 0))
        has_t = rng.random(nt) < 0.45
        low_t = np.zeros((nt, T), bool)
        low_t[np.arange(nt), self.i_tp[tx]] = self.tx_csat <= 2
        Pt = self._theme_matrix(known=self.i_asked[tx].astype(int), silent=self.i_silent[tx].astype(int),
                                long=self.i_long[tx].astype(int), hand=self.i_hand[tx].astype(int),
                                unres=self.i_unres[tx].astype(int), low=low_t, tone=tone_t,
                                seg=self.seg[self.i_cust[tx]], staff=self.assisted[self.i_ch[tx]])
        # -- one frame, sorted by time
        day = np.concatenate([self.rel_day[rel], self.tx_day])
        n_all = nr + nt
        cust = np.concatenate([rel, self.i_cust[tx]])
        is_rel = np.concatenate([np.ones(nr, bool), np.zeros(nt, bool)])
        inter = np.concatenate([np.full(nr, -1), tx])
        nps = np.concatenate([self.nps_rel[rel], self.tx_nps])
        csat = np.concatenate([np.full(nr, np.nan), self.tx_csat])
        ces = np.concatenate([np.full(nr, np.nan), self.tx_ces])
        ratings = np.concatenate([self.R[rel], np.full((nt, T), np.nan)])
        tone = np.concatenate([tone_r, tone_t])
        has = np.concatenate([has_r, has_t])
        P = np.concatenate([Pr, Pt])
        # nobody answers in under half the typical time, except the planted speeders below
        dur = np.where(is_rel, np.maximum(rng.lognormal(np.log(240.0), 0.3, n_all), 120.0),
                       np.maximum(rng.lognormal(np.log(100.0), 0.3, n_all), 50.0))
        # planted straight-liners (relationship, at least 4 ratings answered)
        answered = (~np.isnan(ratings)).sum(1)
        cand = np.flatnonzero(is_rel & (answered >= 4))
        n_sl = min(len(cand), max(2, int(round(0.015 * len(cand)))))
        sl = rng.choice(cand, n_sl, replace=False) if n_sl else np.array([], np.int64)
        val = rng.choice([5.0, 4.0, 3.0, 1.0], n_sl, p=[.45, .25, .2, .1])
        ratings[sl] = np.where(np.isnan(ratings[sl]), np.nan, val[:, None])
        # planted speeders
        n_sp = max(3, int(round(0.02 * n_all)))
        sp = rng.choice(n_all, n_sp, replace=False)
        dur[sp] = np.where(is_rel[sp], rng.uniform(8, 50, n_sp), rng.uniform(4, 22, n_sp))
        dur = np.round(dur, 1)
        order = np.argsort(day, kind="stable")
        ids = _ids(f"{spec.prefix}-R", n_all, 6)
        rid = np.empty(n_all, dtype=object)
        rid[order] = ids.to_numpy(dtype=object)
        # comments
        has_idx = np.flatnonzero(has)
        has_idx = has_idx[np.argsort(day[has_idx], kind="stable")]
        themes = self._draw_themes(P[has_idx], tone[has_idx])
        texts, stats = self._texts(themes, tone[has_idx], table="responses", ids=list(rid[has_idx]), social=False,
                                   pii_rate=0.03, hostile_rate=0.01, brand_handle=spec.display_name.replace(" ", ""))
        comment = np.full(n_all, None, dtype=object)
        comment[has_idx] = texts
        codes = [(rid[i], th) for i, ths in zip(has_idx, themes) for th in ths]
        self.comment_stats = stats
        # planted duplicate respondents: the same relationship answer sent twice (never a speeder,
        # never a comment with personal data or hostile text, so those counts stay exact)
        plain = np.array([r not in stats["special_ids"] for r in rid])
        not_sp = np.ones(n_all, bool)
        not_sp[sp] = False
        rel_rows = np.flatnonzero(is_rel & plain & not_sp)
        n_dup = min(len(rel_rows), max(2, int(round(0.01 * len(rel_rows)))))
        dup_src = np.sort(rng.choice(rel_rows, n_dup, replace=False))
        self.planted_quality = {"speeders": int(n_sp), "straightliners_planted": int(n_sl),
                                "duplicate_respondents": int(n_dup)}
        self.resp = dict(rid=rid, cust=cust, inter=inter, day=day, is_rel=is_rel, nps=nps, csat=csat, ces=ces,
                         comment=comment, dur=dur, ratings=ratings, order=order)
        # duplicates appended (same answers, a few minutes later, new ids)
        dup_day = np.minimum(day[dup_src] + rng.uniform(5, 240, n_dup) / 1440.0, _END_DAY)
        dup_ids = _ids(f"{spec.prefix}-R", n_dup, 6, start=n_all + 1).to_numpy(dtype=object)
        self.dups = dict(src=dup_src, day=dup_day, rid=dup_ids,
                         dur=np.round(np.maximum(rng.lognormal(np.log(240.0), 0.3, n_dup), 120.0), 1))
        by_id: dict[str, list[str]] = {}
        for r_, th in codes:
            by_id.setdefault(r_, []).append(th)
        codes += [(dup_ids[j], th) for j, s in enumerate(dup_src) for th in by_id.get(rid[s], [])]
        self.codes = codes
        self.n_comments = len(has_idx) + int(sum(comment[s] is not None for s in dup_src))

    # ------------------------------------------------------------------------- mentions
    def _mentions(self) -> None:
        rng, spec = self.rng, self.spec
        nm = max(20, int(round(0.3 * self.n)))
        c = np.sort(rng.integers(0, self.n, nm))
        r = rng.random(nm)
        bad = self.peak_end[c] < np.median(self.peak_end)
        tone = np.where(r < np.where(bad, 0.7, 0.4), -1, np.where(r < 0.85, 1, 0))
        cc = self.cust_cases
        low = np.nan_to_num(self.mean_q[c], nan=5.0) < 2.8
        P = self._theme_matrix(known=self.n_known[c], silent=cc["n_silent"][c], long=cc["n_long"][c],
                               hand=cc["n_handoff"][c], unres=cc["n_unres"][c], low=low, tone=tone,
                               seg=self.seg[c], staff=np.zeros(nm, bool))
        lo = np.maximum(0.0, self.acq[c])
        day = lo + rng.random(nm) * (self.end_day[c] - lo)
        order = np.argsort(day, kind="stable")
        c, tone, P, day = c[order], tone[order], P[order], day[order]
        ids = list(_ids(f"{spec.prefix}-M", nm, 6))
        themes = self._draw_themes(P, tone)
        texts, stats = self._texts(themes, tone, table="mentions", ids=ids, social=True, pii_rate=0.02,
                                   hostile_rate=0.01, brand_handle=spec.display_name.replace(" ", ""))
        src = [s for s, _ in spec.mention_sources]
        w = np.array([p for _, p in spec.mention_sources])
        linked = rng.random(nm) < 0.4
        self.mention = dict(ids=ids, cust=c, linked=linked, day=day, text=texts,
                            source=np.array(src)[rng.choice(len(src), nm, p=w / w.sum())])
        self.mention_codes = [(ids[i], th) for i, ths in enumerate(themes) for th in ths]
        self.mention_stats = stats

    # ------------------------------------------------------------------- self assessment
    def _self_assessment(self) -> None:
        rng = self.rng
        R = self.resp["ratings"][self.resp["is_rel"]]
        rows = []
        self.top_box = {}
        self.mean_rating = {}
        for j, t in enumerate(self.tps):
            col = R[:, j]
            col = col[~np.isnan(col)]
            mean = float(col.mean()) if len(col) else 3.0    # nobody rated it (tiny clients only)
            top = float((col == 5).mean()) if len(col) else 0.0
            self.top_box[t.id], self.mean_rating[t.id] = top, mean
            if t.id in self.spec.gap:
                sr, sup, exp = 5, True, float(rng.integers(70, 86))
            elif t.id in self.spec.no_gap:        # the company sees itself as its customers do
                sr, sup = int(np.clip(np.rint(mean), 1, 5)), False
                exp = float(np.clip(np.rint(100 * top + rng.uniform(-3, 3)), 0, 100))
            else:                                  # a mild, ordinary optimism
                sr, sup = int(np.clip(np.rint(mean + 0.7), 1, 5)), False
                exp = float(np.clip(np.rint(100 * top + 15), 0, 100))
            rows.append({"touchpoint": t.id, "self_rating": sr, "believes_superior": sup,
                         "expected_top_box_pct": exp, "promise": t.promise,
                         "owner": t.department.replace("_", " ").title()})
        self.self_assessment = pd.DataFrame(rows)

    # ------------------------------------------------------------------ canonical frames
    def _frames(self) -> None:
        spec, n = self.spec, self.n
        seg_names = np.array([s[0] for s in spec.segments])
        cid = _ids(f"{spec.prefix}-C", n, 6)
        self.cid = cid.to_numpy(dtype=object)
        acq_txt = _date_text(self.acq)
        churn_txt = _date_text(self.churn_day).where(pd.Series(self.churned), None)
        self.customers = pd.DataFrame({
            "customer_id": cid, "segment": pd.Series(seg_names[self.seg], dtype="string"),
            "region": pd.Series(np.array(spec.regions)[self.region], dtype="string"),
            "acquired_on": acq_txt, "annual_value": self.value,
            "churned": pd.array(self.churned, dtype="boolean"), "churned_on": churn_txt.astype("string"),
        })
        # interactions, in journey order per customer
        order = np.lexsort((self.i_t, self.i_cust))
        self.i_order = order
        m = len(order)
        iid = _ids(f"{spec.prefix}-I", m, 7)
        self.iid_of = np.empty(m, dtype=object)
        self.iid_of[order] = iid.to_numpy(dtype=object)
        o = order
        case = self.i_case[o]
        case_txt = pd.Series(np.where(case > 0, case, 0), dtype="int64").astype("string").str.zfill(6)
        case_txt = (f"{spec.prefix}-K" + case_txt).where(pd.Series(case > 0), None)
        upd = self.i_updates[o]
        res = self.i_resolved[o]
        wait = self.i_wait[o]
        self.interactions = pd.DataFrame({
            "interaction_id": iid,
            "customer_id": pd.Series(self.cid[self.i_cust[o]], dtype="string"),
            "occurred_at": _stamp(self.i_t[o]),
            "stage": pd.Series(np.array(spec.stages)[self.stage_of[self.i_tp[o]]], dtype="string"),
            "channel": pd.Series(np.array(self.channels)[self.i_ch[o]], dtype="string"),
            "touchpoint": pd.Series(np.array(self.tp_ids)[self.i_tp[o]], dtype="string"),
            "department": pd.Series(np.array(spec.departments)[self.i_dept[o]], dtype="string"),
            "case_id": case_txt.astype("string"),
            "resolved": pd.arrays.BooleanArray(res == 1, res < 0),
            "wait_minutes": np.round(wait, 1),
            "asked_known_info": pd.array(self.i_asked[o], dtype="boolean"),
            "updates_sent": pd.arrays.IntegerArray(np.maximum(upd, 0).astype("int64"), upd < 0),
        })
        # responses
        r, d = self.resp, self.dups
        src = np.concatenate([np.arange(len(r["rid"])), d["src"]])
        day = np.concatenate([r["day"], d["day"]])
        rid = np.concatenate([r["rid"], d["rid"]])
        dur = np.concatenate([r["dur"], d["dur"]])
        inter = r["inter"][src]
        frame = pd.DataFrame({
            "response_id": pd.Series(rid, dtype="string"),
            "customer_id": pd.Series(self.cid[r["cust"][src]], dtype="string"),
            "interaction_id": pd.Series(np.where(inter >= 0, self.iid_of[np.maximum(inter, 0)], None),
                                        dtype="string"),
            "answered_at": _stamp_text(day),
            "survey": pd.Series(np.where(r["is_rel"][src], "relationship", "transactional"), dtype="string"),
            "nps": pd.array(np.where(np.isnan(r["nps"][src]), None, r["nps"][src]), dtype="Int64"),
            "csat": pd.array(np.where(np.isnan(r["csat"][src]), None, r["csat"][src]), dtype="Int64"),
            "ces": pd.array(np.where(np.isnan(r["ces"][src]), None, r["ces"][src]), dtype="Int64"),
            "comment": pd.Series(r["comment"][src], dtype="string"),
            "duration_seconds": dur,
        })
        rat = r["ratings"][src]
        for j, t in enumerate(self.tp_ids):
            frame[rating_column(t)] = pd.array(np.where(np.isnan(rat[:, j]), None, rat[:, j]), dtype="Int64")
        frame["_day"] = day
        self.responses = frame.sort_values(["_day", "response_id"], kind="stable").reset_index(drop=True)
        mm = self.mention
        self.mentions = pd.DataFrame({
            "mention_id": pd.Series(mm["ids"], dtype="string"),
            "source": pd.Series(mm["source"], dtype="string"),
            "posted_at": _stamp_text(mm["day"]),
            "text": pd.Series(mm["text"], dtype="string"),
            "customer_id": pd.Series(np.where(mm["linked"], self.cid[mm["cust"]], None), dtype="string"),
        })

    # ------------------------------------------------------------- planted invalid rows
    def _invalid_rows(self) -> None:
        rng, spec = self.rng, self.spec
        p = spec.prefix
        inv: dict[str, dict[str, int]] = {}
        ids: dict[str, list[str]] = {}
        # customers: appended rows with no interactions
        cu = self.customers
        bad = cu.iloc[[0, 1]].copy()
        bad["customer_id"] = [f"{p}-C9{self.n + 1:06d}", f"{p}-C9{self.n + 2:06d}"]
        bad["segment"] = pd.array([spec.segments[0][0], "platinum_plus"], dtype="string")
        bad["annual_value"] = [-250.0, float(cu["annual_value"].iloc[1])]
        self.customers = pd.concat([cu, bad], ignore_index=True)
        inv["customers"] = {"negative_annual_value": 1, "unknown_segment": 1}
        ids["customers"] = list(bad["customer_id"])
        # interactions: copies of non-case events, with new ids nothing refers to
        it = self.interactions
        pool = np.flatnonzero(it["case_id"].isna().to_numpy())
        src = rng.choice(pool, 4, replace=False)
        bad = it.iloc[src].copy()
        base = len(it)
        bad["interaction_id"] = list(_ids(f"{p}-I", 4, 7, start=base + 1))
        bad["customer_id"] = pd.array([f"{p}-C8{1:06d}", f"{p}-C8{2:06d}", bad["customer_id"].iloc[2],
                                       bad["customer_id"].iloc[3]], dtype="string")
        bad["wait_minutes"] = [bad["wait_minutes"].iloc[0], bad["wait_minutes"].iloc[1], -5.0,
                               bad["wait_minutes"].iloc[3]]
        bad["touchpoint"] = pd.array(list(bad["touchpoint"].iloc[:3]) + ["teleportation"], dtype="string")
        inv["interactions"] = {"unknown_customer_id": 2, "negative_wait_minutes": 1, "unknown_touchpoint": 1}
        if spec.layout != "canonical":        # text files can also hold a date that is not a date
            extra = it.iloc[[int(rng.choice(pool))]].copy()
            extra["interaction_id"] = list(_ids(f"{p}-I", 1, 7, start=base + 5))
            bad = pd.concat([bad, extra])
            self.bad_time_id = str(extra["interaction_id"].iloc[0])
            inv["interactions"]["unparsable_date"] = 1
        self.interactions = pd.concat([it, bad], ignore_index=True)
        ids["interactions"] = list(bad["interaction_id"])
        # responses: nps 11, unknown customers, dates that are not dates
        rs = self.responses
        rel_rows = (rs["survey"] == "relationship").to_numpy()
        pool = np.flatnonzero(rel_rows & rs["comment"].isna().to_numpy())
        if len(pool) < 6:
            pool = np.flatnonzero(rel_rows) if rel_rows.sum() >= 6 else np.arange(len(rs))
        src = rng.choice(pool, 6, replace=False)
        bad = rs.iloc[src].copy()
        bad["response_id"] = list(_ids(f"{p}-R", 6, 6, start=900001))
        bad["nps"] = pd.array([11, 11] + list(bad["nps"].iloc[2:]), dtype="Int64")
        bad["answered_at"] = pd.array(list(bad["answered_at"].iloc[:4]) + ["2025-02-30 09:15:00", "31/31/2025 25:61"],
                                      dtype="string")
        bad["comment"] = pd.array([None] * 6, dtype="string")
        # nps-11 and bad-date rows belong to customers who did not answer otherwise, so that they
        # cannot look like duplicate respondents
        free = self.cid[~self.respond][:4]
        bad["customer_id"] = pd.array([free[0], free[1], f"{p}-C7{1:06d}", f"{p}-C7{2:06d}", free[2], free[3]],
                                      dtype="string")
        self.responses = pd.concat([rs, bad], ignore_index=True).sort_values(["_day", "response_id"], kind="stable")
        self.responses = self.responses.drop(columns="_day").reset_index(drop=True)
        inv["responses"] = {"nps_out_of_range": 2, "unknown_customer_id": 2, "unparsable_date": 2}
        ids["responses"] = list(bad["response_id"])
        # mentions
        mn = self.mentions
        bad = mn.iloc[[0, 1]].copy()
        bad["mention_id"] = list(_ids(f"{p}-M", 2, 6, start=900001))
        bad["posted_at"] = pd.array(["sometime in March", bad["posted_at"].iloc[1]], dtype="string")
        bad["customer_id"] = pd.array([None, f"{p}-C7{3:06d}"], dtype="string")
        bad["text"] = pd.array(["Still waiting.", "Never again."], dtype="string")
        self.mentions = pd.concat([mn, bad], ignore_index=True)
        inv["mentions"] = {"unparsable_date": 1, "unknown_customer_id": 1}
        ids["mentions"] = list(bad["mention_id"])
        self.invalid, self.invalid_ids = inv, ids

    # ---------------------------------------------------------------- what was planted
    def _measure(self) -> None:
        spec = self.spec
        it = self.interactions.iloc[: len(self.i_t)]
        chan = it["channel"].to_numpy()
        asked = it["asked_known_info"].to_numpy(dtype=bool)
        on = chan == spec.repeated_channel
        # post-sale decay, measured on transactional CSAT and on relationship ratings
        st = self.stage_of[self.i_tp[self.tx]]
        s_idx = spec.stages.index(spec.sale_stage)
        later = list(range(s_idx + 1, len(spec.stages)))
        csat_by = {s: _mean(self.tx_csat[st == s]) for s in range(len(spec.stages))}
        drop_csat = csat_by[s_idx] - np.nanmean([csat_by[s] for s in later]) if any(
            np.isfinite([csat_by[s] for s in later])) else float("nan")
        tp_stage = {s: [t.id for t in self.tps if t.stage == spec.stages[s]] for s in range(len(spec.stages))}
        st_mean = {s: _mean([self.mean_rating[t] for t in tp_stage[s]]) for s in tp_stage}
        drop_rat = st_mean[s_idx] - _mean([st_mean[s] for s in later])
        # channel inconsistency, on transactional CSAT
        it_tp, it_ch = spec.inconsistent
        sel = self.i_tp[self.tx] == self.tp_ids.index(it_tp)
        on_ch = self.i_ch[self.tx] == self.channels.index(it_ch)
        gap_ch = _mean(self.tx_csat[sel & ~on_ch]) - _mean(self.tx_csat[sel & on_ch])
        # theme concentration, share of comments carrying the theme
        theme, segment = spec.concentration
        rs = self.responses
        seg_of = dict(zip(self.customers["customer_id"], self.customers["segment"]))
        with_comment = rs.loc[rs["comment"].notna(), ["response_id", "customer_id"]]
        coded = {r for r, th in self.codes if th == theme}
        in_seg = with_comment["customer_id"].map(seg_of).to_numpy() == segment
        has = with_comment["response_id"].isin(coded).to_numpy()
        # churn: journey friction against the best single touchpoint rating, among relationship respondents
        resp = self.respond
        y = self.churned
        auc_f = _auc(self.friction[resp], y[resp])
        single = {}
        for j, t in enumerate(self.tp_ids):
            ok = resp & ~np.isnan(self.R[:, j])
            single[t] = (_auc(-self.R[ok, j], y[ok]), _auc(self.friction[ok], y[ok]))
        best = max(single, key=lambda k: np.nan_to_num(single[k][0], nan=-1.0))
        n_silent_cases = int(self.cust_cases["n_silent"].sum())
        bad_ids = set(self.invalid_ids["responses"])
        rat = rs.loc[~rs["response_id"].isin(bad_ids), [rating_column(t) for t in self.tp_ids]].astype("float64")
        n_straight = int(((rat.notna().sum(axis=1) >= 4) & (rat.max(axis=1) == rat.min(axis=1))).sum())
        self.planted_quality["straightliners_total"] = n_straight
        self.planted = {
            "client": spec.name,
            "seed": self.seed,
            "n_customers": self.n,
            "effects": {
                "key_driver": {"touchpoint": spec.key_driver, "nps_per_rating_point": _KEY_SLOPE,
                               "other_ratings_nps_per_point": _OTHER_SLOPE},
                "post_sale_decay": {"peak_stage": spec.sale_stage, "later_stages": [spec.stages[s] for s in later],
                                    "drop": round(float(drop_csat), 2), "drop_measured_on": "transactional csat",
                                    "drop_in_touchpoint_ratings": round(float(drop_rat), 2),
                                    "stage_offsets": dict(zip(spec.stages, map(float, spec.stage_offsets)))},
                "delivery_gap": {"touchpoints": list(spec.gap),
                                 "customer_top_box_pct": {t: round(100 * self.top_box[t], 1) for t in spec.gap},
                                 "self_rating": 5, "believes_superior": True},
                "no_gap_touchpoints": list(spec.no_gap),
                "repeated_info": {"channel": spec.repeated_channel, "rate": round(_mean(asked[on]), 3),
                                  "baseline_rate": round(_mean(asked[~on]), 3)},
                "silent_waits": {"nps_effect_per_silent_case": _SILENT_NPS, "long_wait_minutes": _LONG_WAIT_MIN,
                                 "definition": "a case contact with wait_minutes >= long_wait_minutes and "
                                               "updates_sent == 0; short waits stay under 600 minutes and the "
                                               "gap to a case's next contact under 2 days",
                                 "n_silent_cases": n_silent_cases},
                "channel_inconsistency": {"touchpoint": it_tp, "channel": it_ch,
                                          "quality_penalty": _CHANNEL_PENALTY, "csat_gap": round(float(gap_ch), 2)},
                "theme_concentration": {"theme": theme, "segment": segment,
                                        "share_in_segment": round(_mean(has[in_seg]), 3),
                                        "share_elsewhere": round(_mean(has[~in_seg]), 3)},
                "churn_link": {"sign": "negative", "journey_beats_single_touchpoint": True,
                               "friction": "asked_known_info contacts + repeat contacts + silent cases + "
                                           "unresolved cases + hand-offs, plus peak-end of quality",
                               "churn_rate": round(float(y.mean()), 3),
                               "auc_journey_friction": round(auc_f, 3),
                               "best_single_touchpoint": best,
                               "auc_best_single_touchpoint": round(single[best][0], 3)},
                "good_touchpoints_poor_journey": {"n_customers": int(self.gtpj.sum()),
                                                  "customer_ids": [str(c) for c in self.cid[self.gtpj]]},
                "comment_themes": {"file": "planted_codes.csv", "n_comments": int(self.n_comments),
                                   "n_codes": len(self.codes)},
                "mention_themes": {"file": "planted_mention_codes.csv"},
            },
            "pii_comments": int(self.comment_stats["pii"]),
            "hostile_comments": int(self.comment_stats["hostile"]),
            "pii_by_kind": self.comment_stats["pii_by_kind"],
            "hostile_by_kind": self.comment_stats["hostile_by_kind"],
            "not_pii": self.comment_stats["not_pii"],
            "decoy_comments": int(self.comment_stats["decoy"]),
            "pii_mentions": int(self.mention_stats["pii"]),
            "hostile_mentions": int(self.mention_stats["hostile"]),
            "pii_file": "planted_pii.csv",
            "data_quality": {"invalid_rows": self.invalid, "invalid_ids": self.invalid_ids,
                             **self.planted_quality},
        }


_CH_ORDER = ("web", "app", "phone", "store", "email", "chat", "social")


# ================================================================================================
# writing the workspace
# ================================================================================================
_CUSTOMER_XLSX = {"Customer ID": "customer_id", "Segment": "segment", "Region": "region",
                  "Customer since": "acquired_on", "Annual spend (GBP)": "annual_value", "Lapsed": "churned",
                  "Lapsed on": "churned_on"}


def _csv(frame: pd.DataFrame, path: Path, *, encoding: str = "utf-8") -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding=encoding)


def _client_yaml(sim: _Simulation) -> dict:
    spec = sim.spec
    scales = {"nps": "0-10", "csat": "1-5", "ces": "1-7"}
    tables: dict = {
        "customers": {"path": "customers.csv", "format": "csv"},
        "interactions": {"path": "interactions.parquet", "format": "parquet"},
        "responses": {"path": "responses.csv", "format": "csv", "scales": scales},
        "mentions": {"path": "mentions.csv", "format": "csv"},
        "self_assessment": {"path": "self_assessment.csv", "format": "csv"},
    }
    if spec.layout == "excel_customers":
        tables["customers"] = {"path": "customers.xlsx", "format": "excel", "sheet": 0, "skip_rows": 1,
                               "columns": dict(_CUSTOMER_XLSX)}
        tables["interactions"] = {"path": "interactions.csv", "format": "csv"}
    if spec.layout == "qualtrics":
        tables["interactions"] = {"path": "interactions.csv", "format": "csv"}
        tables["responses"] = {"path": "responses_qualtrics.csv", "format": "qualtrics",
                               "columns": dict(_qualtrics_columns(sim)), "scales": scales}
    return {
        "display_name": spec.display_name,
        "currency": spec.currency,
        "period": {"start": _dt.date(2025, 1, 1), "end": _dt.date(2025, 12, 31)},
        "stages": list(spec.stages),
        "sale_stage": spec.sale_stage,
        "segments": [s[0] for s in spec.segments],
        "channels": list(sim.channels),
        "touchpoints": [{"id": t.id, "label": t.label, "stage": t.stage, "department": t.department}
                        for t in spec.touchpoints],
        "min_n": 30,
        "min_n_quotes": 50,
        "brand": dict(spec.brand),
        "quality": {"speeder_fraction": 0.33, "exclude_speeders": True, "exclude_straightliners": False,
                    "exclude_duplicate_respondents": True, "duplicate_window_days": 7},
        "tables": tables,
        "codebook": "codebook.yaml",
    }


def _qualtrics_columns(sim: _Simulation) -> list[tuple[str, str]]:
    cols = [("ResponseId", "response_id"), ("ExternalReference", "customer_id"), ("InteractionRef", "interaction_id"),
            ("RecordedDate", "answered_at"), ("Duration (in seconds)", "duration_seconds"), ("Q1", "nps"),
            ("Q2", "csat"), ("Q3", "ces")]
    cols += [(f"Q4_{j + 1}", rating_column(t)) for j, t in enumerate(sim.tp_ids)]
    cols += [("Q5", "comment")]
    return cols


def _write(sim: _Simulation, out: Path) -> None:
    spec = sim.spec
    with open(out / "client.yaml", "w", encoding="utf-8") as fh:
        fh.write(f"# {spec.display_name}: synthetic demo client generated by `cx demo` (cxlib.demo.core).\n")
        yaml.safe_dump(_client_yaml(sim), fh, sort_keys=False, allow_unicode=True, width=110)
    if _STARTER.exists():
        (out / "codebook.yaml").write_bytes(_STARTER.read_bytes())
    else:
        themes = [{"id": t, "label": lab, **({"parent": t.split(".")[0]} if "." in t else {})}
                  for t, lab in THEME_LABELS.items()]
        with open(out / "codebook.yaml", "w", encoding="utf-8") as fh:
            yaml.safe_dump({"themes": themes}, fh, sort_keys=False)
    cust = sim.customers
    if spec.layout == "excel_customers":
        _write_customers_xlsx(cust, out / "customers.xlsx", spec.display_name)
    else:
        _csv(cust, out / "customers.csv")
    inter = sim.interactions
    if spec.layout == "canonical":
        inter.to_parquet(out / "interactions.parquet", index=False)
    else:
        txt = inter.copy()
        txt["occurred_at"] = pd.Series(np.datetime_as_string(inter["occurred_at"].to_numpy().astype("datetime64[s]"),
                                                             unit="s"), dtype="string").str.replace("T", " ")
        txt.loc[txt["interaction_id"] == sim.bad_time_id, "occurred_at"] = "not recorded"
        _csv(txt, out / "interactions.csv")
    if spec.layout == "qualtrics":
        excluded = _write_qualtrics(sim, out / "responses_qualtrics.csv")
        sim.planted["data_quality"]["qualtrics_excluded"] = excluded
    else:
        _csv(sim.responses, out / "responses.csv")
    _csv(sim.mentions, out / "mentions.csv")
    _csv(sim.self_assessment, out / "self_assessment.csv")
    _csv(pd.DataFrame(sim.codes, columns=["response_id", "theme"]), out / "planted_codes.csv")
    _csv(pd.DataFrame(sim.mention_codes, columns=["mention_id", "theme"]), out / "planted_mention_codes.csv")
    _csv(pd.DataFrame(sim.pii_rows, columns=["table", "row_id", "kind", "value", "is_pii"]), out / "planted_pii.csv")
    with open(out / "planted.yaml", "w", encoding="utf-8") as fh:
        fh.write("# What the demo generator planted. Never read by analyses; tests compare against it.\n")
        yaml.safe_dump(sim.planted, fh, sort_keys=False, allow_unicode=True, width=110)


def _write_customers_xlsx(cust: pd.DataFrame, path: Path, title: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"title": f"{title} customer extract", "author": "cx demo",
                       "created": _dt.datetime(2025, 12, 31, 0, 0, 0)})
    ws = wb.add_worksheet("Customers")
    bold = wb.add_format({"bold": True})
    datef = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, f"{title} \u2014 CRM customer extract, period 2025-01-01 to 2025-12-31", bold)
    epoch = pd.Timestamp("1899-12-30")
    for j, (raw, canon) in enumerate(_CUSTOMER_XLSX.items()):
        ws.write(1, j, raw, bold)
        col = cust[canon]
        if canon in ("acquired_on", "churned_on"):
            serial = (pd.to_datetime(col) - epoch).dt.days
            values = [None if pd.isna(v) else int(v) for v in serial]
            ws.write_column(2, j, values, datef)
        elif canon == "churned":
            ws.write_column(2, j, [bool(v) for v in col])
        elif canon == "annual_value":
            ws.write_column(2, j, [float(v) for v in col])
        else:
            ws.write_column(2, j, [str(v) for v in col])
    wb.close()


def _write_qualtrics(sim: _Simulation, path: Path) -> dict[str, int]:
    """A Qualtrics "legacy" CSV export: ids row, question-text row, ImportId row, then responses."""
    rng = np.random.default_rng([sim.seed, zlib.crc32(b"qualtrics")])
    rs = sim.responses
    n = len(rs)
    ans = pd.to_datetime(rs["answered_at"], errors="coerce", format="%Y-%m-%d %H:%M:%S")
    dur = rs["duration_seconds"].to_numpy(float)
    start = ans - pd.to_timedelta(np.round(dur), unit="s")
    fmt = "%Y-%m-%d %H:%M:%S"
    chars = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    first = np.array(["Anna", "Ben", "Chloe", "Dan", "Emma", "Finn", "Grace", "Harry", "Isla", "Jack"])
    last = np.array(["Smith", "Jones", "Patel", "Brown", "Wilson", "Taylor", "Khan", "Evans"])
    fn, ln = first[rng.integers(0, len(first), n)], last[rng.integers(0, len(last), n)]
    nps = rs["nps"].to_numpy(dtype="float64", na_value=np.nan)
    grp = np.where(nps >= 9, 3, np.where(nps >= 7, 2, 1))
    group = pd.arrays.IntegerArray(grp.astype("int64"), np.isnan(nps))
    q = pd.DataFrame({
        "StartDate": start.dt.strftime(fmt).fillna(rs["answered_at"]),
        "EndDate": rs["answered_at"],
        "Status": "IP Address",
        "IPAddress": [f"{a}.{b}" for a, b in zip(rng.choice(["192.0.2", "198.51.100", "203.0.113"], n),
                                                  rng.integers(1, 255, n))],
        "Progress": 100,
        "Duration (in seconds)": np.round(dur).astype(np.int64),
        "Finished": "True",
        "RecordedDate": rs["answered_at"],
        "ResponseId": ["R_" + "".join(row) for row in chars[rng.integers(0, 62, (n, 15))]],
        "RecipientLastName": ln,
        "RecipientFirstName": fn,
        "RecipientEmail": [f"{a.lower()}.{b.lower()}@example.com" for a, b in zip(fn, ln)],
        "ExternalReference": rs["customer_id"],
        "LocationLatitude": np.round(rng.uniform(30, 45, n), 4),
        "LocationLongitude": np.round(rng.uniform(-120, -75, n), 4),
        "DistributionChannel": "email",
        "UserLanguage": "EN",
        "Q1": rs["nps"], "Q1_NPS_GROUP": group, "Q2": rs["csat"], "Q3": rs["ces"],
    })
    for j, t in enumerate(sim.tp_ids):
        q[f"Q4_{j + 1}"] = rs[rating_column(t)]
    q["Q5"] = rs["comment"]
    q["InteractionRef"] = rs["interaction_id"]
    # the ResponseId is the response id the analyses see: keep planted files in step
    new_id = dict(zip(rs["response_id"], q["ResponseId"]))
    sim.codes = [(new_id[r], th) for r, th in sim.codes]
    sim.pii_rows = [(tb, new_id.get(r, r) if tb == "responses" else r, k, v, p) for tb, r, k, v, p in sim.pii_rows]
    dq = sim.planted["data_quality"]
    dq["invalid_ids"]["responses"] = [new_id[r] for r in dq["invalid_ids"]["responses"]]
    sim.responses = rs.assign(response_id=q["ResponseId"].to_numpy())
    # a few preview and spam rows, excluded at read time
    extra = q.iloc[rng.choice(n, 5, replace=False)].copy()
    extra["Status"] = ["Survey Preview"] * 3 + ["Spam"] * 2
    extra["ResponseId"] = ["R_" + "".join(row) for row in chars[rng.integers(0, 62, (5, 15))]]
    extra.loc[extra.index[:3], ["IPAddress", "ExternalReference", "RecipientEmail", "RecipientFirstName",
                                "RecipientLastName", "InteractionRef"]] = None
    extra["DistributionChannel"] = ["preview"] * 3 + ["anonymous"] * 2
    pos = np.sort(rng.choice(n, 5, replace=False))
    parts, prev = [], 0
    for k, p in enumerate(pos):
        parts += [q.iloc[prev:p], extra.iloc[[k]]]
        prev = p
    parts.append(q.iloc[prev:])
    q = pd.concat(parts, ignore_index=True)
    ask = f"How likely are you to recommend {sim.spec.display_name} to a friend or colleague?"
    text_row = {"StartDate": "Start Date", "EndDate": "End Date", "Status": "Response Type",
                "IPAddress": "IP Address", "Progress": "Progress", "Duration (in seconds)": "Duration (in seconds)",
                "Finished": "Finished", "RecordedDate": "Recorded Date", "ResponseId": "Response ID",
                "RecipientLastName": "Recipient Last Name", "RecipientFirstName": "Recipient First Name",
                "RecipientEmail": "Recipient Email", "ExternalReference": "External Data Reference",
                "LocationLatitude": "Location Latitude", "LocationLongitude": "Location Longitude",
                "DistributionChannel": "Distribution Channel", "UserLanguage": "User Language",
                "Q1": ask, "Q1_NPS_GROUP": f"{ask} - Group",
                "Q2": "Overall, how satisfied were you with this contact?",
                "Q3": "How easy was it to get what you needed? (1 = very difficult, 7 = very easy)",
                "Q5": "Is there anything else you would like to tell us?", "InteractionRef": "InteractionRef"}
    import_row = {"StartDate": '{"ImportId":"startDate","timezone":"Etc/GMT"}',
                  "EndDate": '{"ImportId":"endDate","timezone":"Etc/GMT"}', "Status": '{"ImportId":"status"}',
                  "IPAddress": '{"ImportId":"ipAddress"}', "Progress": '{"ImportId":"progress"}',
                  "Duration (in seconds)": '{"ImportId":"duration"}', "Finished": '{"ImportId":"finished"}',
                  "RecordedDate": '{"ImportId":"recordedDate","timezone":"Etc/GMT"}',
                  "ResponseId": '{"ImportId":"_recordId"}', "RecipientLastName": '{"ImportId":"recipientLastName"}',
                  "RecipientFirstName": '{"ImportId":"recipientFirstName"}',
                  "RecipientEmail": '{"ImportId":"recipientEmail"}',
                  "ExternalReference": '{"ImportId":"externalDataReference"}',
                  "LocationLatitude": '{"ImportId":"locationLatitude"}',
                  "LocationLongitude": '{"ImportId":"locationLongitude"}',
                  "DistributionChannel": '{"ImportId":"distributionChannel"}',
                  "UserLanguage": '{"ImportId":"userLanguage"}', "Q1": '{"ImportId":"QID1"}',
                  "Q1_NPS_GROUP": '{"ImportId":"QID1_NPS_GROUP"}', "Q2": '{"ImportId":"QID2"}',
                  "Q3": '{"ImportId":"QID3"}', "Q5": '{"ImportId":"QID5_TEXT"}',
                  "InteractionRef": '{"ImportId":"InteractionRef"}'}
    for j, t in enumerate(sim.spec.touchpoints):
        text_row[f"Q4_{j + 1}"] = f"How would you rate each of the following? - {t.label}"
        import_row[f"Q4_{j + 1}"] = f'{{"ImportId":"QID4_{j + 1}"}}'
    head = pd.DataFrame([text_row, import_row])[list(q.columns)]
    out = pd.concat([head, q.astype("object")], ignore_index=True)
    _csv(out, path, encoding="utf-8-sig")
    return {"survey_preview": 3, "spam": 2}
