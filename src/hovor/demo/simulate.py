"""A simulation of the demo shop's last weeks: shoppers who browse, hit the seed moments,
get offers (or are held out as the control group), chat, ask for callbacks, write e-mails,
leave their details and buy; and agents who answer.

Pure and deterministic: ``simulate(days, visitors, seed, end)`` returns the same visits for
the same arguments; ``history.py`` writes them. The planted effect is known, so the
analytics have something real to find: a visitor offered help at a moment buys with
``UPLIFT`` times the control group's probability, and one who accepted spends a little more.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hovor.engagement.rules.guards import control_bucket

# The seed moments the demo's rules watch, and the share held out as the control group.
MOMENTS = ("cart_abandoned", "high_value_removed", "terms_revisited", "payment_stuck")
CONTROL_SHARE = 0.1
BASE_CONVERSION = {"cart": 0.06, "moment": 0.14, "browse": 0.01}
UPLIFT = 1.35  # conversion of offered visitors vs the control group (planted)
ACCEPTED_VALUE_UPLIFT = 1.08  # order value of visitors who accepted help
ACCEPT_RATE = 0.22
CALLBACK_SHARE = 0.3  # of acceptances on the callback moment (high value removed)
FORM_LEAD_RATE = 0.04  # visitors who leave their e-mail in the shop's newsletter form
EMAIL_RATE = 0.03  # visitors who later write an e-mail to the shop
TICKET_RATE = 0.15  # of conversations that become a ticket
CSAT_RATE = 0.6  # of customers who answer the satisfaction question
CSAT_SCORES = ((5, 4, 3, 2, 1), (50, 28, 12, 6, 4))  # scores and their weights

PRODUCTS = (
    ("tv-vistaview", 'VistaView 55" TV', "tv", 1899.0),
    ("fridge-frostline", "FrostLine Pro 500", "fridges", 1249.0),
    ("fridge-coolmax", "CoolMax 300", "fridges", 899.0),
    ("kettle-brewmate", "BrewMate kettle", "kitchen", 59.0),
)
# (weight, referrer, utm): where visits come from.
SOURCES: tuple[tuple[int, str | None, dict[str, str]], ...] = (
    (30, "https://www.google.com/", {}),
    (20, "https://www.google.com/", {"source": "google", "medium": "cpc", "campaign": "zima-2026"}),
    (
        12,
        "https://www.facebook.com/",
        {"source": "facebook", "medium": "social", "campaign": "black-friday"},
    ),
    (10, None, {"source": "newsletter", "medium": "email", "campaign": "listopad"}),
    (8, "https://www.heureka.cz/", {"source": "heureka", "medium": "referral"}),
    (5, "https://www.seznam.cz/", {}),
    (15, None, {}),
)
# Visits per hour of the day (UTC), roughly a Czech shop's day.
HOURS = (1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 9, 8, 8, 8, 9, 10, 12, 13, 12, 9, 5, 2)
FIRST_NAMES = (
    "Jana",
    "Petr",
    "Lucie",
    "Tomáš",
    "Eva",
    "Martin",
    "Zuzana",
    "Jakub",
    "Katarína",
    "Marek",
)
LAST_NAMES = ("Nováková", "Svoboda", "Dvořáková", "Horák", "Kováčová", "Černý", "Veselá", "Král")
QUESTIONS = (
    "Dobrý den, je {p} skladem?",
    "Hi, does the {p} come with free delivery?",
    "Jaká je záruka na {p}?",
    "Can I pay for the {p} in instalments?",
    "Dá se {p} vrátit do 30 dní?",
)
ANSWERS = (
    "Dobrý den, ano, skladem máme a odešleme ještě dnes.",
    "Yes, delivery is free for orders over 1,000.",
    "Záruka je 24 měsíců, na kompresor 10 let.",
    "Yes, instalments are offered at checkout.",
)


@dataclass
class Page:
    url: str
    title: str
    at: datetime


@dataclass
class SimVisit:
    visitor_id: str
    started_at: datetime
    referrer: str | None
    utm: dict[str, str]
    landing_url: str
    pages: list[Page] = field(default_factory=list)
    cart: list[tuple[str, str, float, datetime]] = field(default_factory=list)  # id, name, price
    removed: list[tuple[str, datetime]] = field(default_factory=list)
    moment: str | None = None
    moment_at: datetime | None = None
    held_out: bool = False
    offer_outcome: str | None = None  # shown, accepted, declined, expired (None: no offer)
    channel: str | None = None  # webchat or callback, when accepted
    agent: int = 0  # which demo agent answered
    question: str = ""
    answer: str = ""
    name: str = ""
    email: str | None = None
    phone: str | None = None
    form_lead: bool = False
    wrote_email: bool = False
    ticket: bool = False
    order_total: float | None = None
    order_at: datetime | None = None
    wait_seconds: float = 0.0
    handle_seconds: float = 0.0
    csat: int | None = None  # the customer's rating of their conversation, if they gave one
    email_csat: int | None = None  # and of their e-mail's

    @property
    def cart_value(self) -> float:
        removed = {pid for pid, _ in self.removed}
        return round(sum(price for pid, _, price, _ in self.cart if pid not in removed), 2)

    @property
    def last_seen_at(self) -> datetime:
        return max([self.started_at, *(p.at for p in self.pages)])


def simulate(days: int, visitors: int, seed: int, end: datetime) -> Iterator[SimVisit]:
    """``visitors`` visits spread over the ``days`` before ``end``, oldest first."""
    rng = random.Random(seed)
    start = end - timedelta(days=days)
    weights = [
        HOURS[h] * (0.8 if (start + timedelta(days=d)).weekday() >= 5 else 1.0)
        for d in range(days)
        for h in range(24)
    ]
    slots = sorted(rng.choices(range(days * 24), weights=weights, k=visitors))
    times = sorted(start + timedelta(hours=slot, seconds=rng.uniform(0, 3599)) for slot in slots)
    for i, at in enumerate(times):
        yield _visit(rng, f"sim-{seed}-{i:06d}", at)


def _visit(rng: random.Random, visitor_id: str, at: datetime) -> SimVisit:
    _, referrer, utm = rng.choices(SOURCES, weights=[s[0] for s in SOURCES])[0]
    query = "&".join(f"utm_{k}={v}" for k, v in utm.items())
    landing = "/demo/shop/" + ("?" + query if query else "")
    v = SimVisit(visitor_id, at, referrer, dict(utm), landing)
    v.name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    t = at
    v.pages.append(Page(landing, "Demo Shop", t))
    for _ in range(rng.randint(1, 6)):
        t += timedelta(seconds=rng.uniform(15, 120))
        pid, name, _, price = rng.choice(PRODUCTS)
        v.pages.append(Page(f"/demo/shop/{pid}.html", name, t))
        if rng.random() < 0.3:
            v.cart.append((pid, name, price, t))
    if rng.random() < 0.12:
        t += timedelta(seconds=rng.uniform(10, 60))
        for _ in range(rng.randint(2, 3)):
            v.pages.append(Page("/demo/shop/terms.html", "Terms", t))
            t += timedelta(seconds=rng.uniform(20, 90))
        v.moment, v.moment_at = "terms_revisited", t
    if v.cart:
        t += timedelta(seconds=rng.uniform(20, 120))
        v.pages.append(Page("/demo/shop/cart.html", "Cart", t))
        pricey = [c for c in v.cart if c[2] > 1000]
        roll = rng.random()
        if pricey and roll < 0.35:
            v.removed.append((pricey[0][0], t))
            v.moment, v.moment_at = "high_value_removed", t
        elif roll < 0.55:
            v.moment, v.moment_at = "cart_abandoned", t + timedelta(minutes=5)
        elif roll < 0.7:
            v.pages.append(Page("/demo/shop/checkout.html", "Checkout", t + timedelta(seconds=40)))
            v.moment, v.moment_at = "payment_stuck", t + timedelta(minutes=2)
    _engage(rng, v)
    _buy(rng, v)
    v.form_lead = rng.random() < FORM_LEAD_RATE
    v.wrote_email = rng.random() < EMAIL_RATE
    v.email_csat = _rating(rng) if v.wrote_email else None
    if v.form_lead or v.wrote_email or v.channel:
        slug = visitor_id.rsplit("-", 1)[-1]
        v.email = f"zakaznik{slug}@example.cz"
    return v


def _engage(rng: random.Random, v: SimVisit) -> None:
    if v.moment is None:
        return
    v.held_out = control_bucket(v.visitor_id, v.moment) < CONTROL_SHARE
    if v.held_out:
        return
    roll = rng.random()
    if roll < ACCEPT_RATE:
        v.offer_outcome = "accepted"
        callback = v.moment == "high_value_removed" and rng.random() < CALLBACK_SHARE
        v.channel = "callback" if callback else "webchat"
        v.phone = f"+420777{rng.randint(100000, 999999)}" if callback else None
        v.agent = rng.randint(0, 1)
        product = v.cart[0][1] if v.cart else "zboží"
        v.question = rng.choice(QUESTIONS).format(p=product)
        v.answer = rng.choice(ANSWERS)
        v.wait_seconds = rng.expovariate(1 / 25)
        v.handle_seconds = rng.uniform(120, 900)
        v.ticket = rng.random() < TICKET_RATE
        v.csat = _rating(rng)
    elif roll < 0.55:
        v.offer_outcome = "declined"
    elif roll < 0.85:
        v.offer_outcome = "shown"
    else:
        v.offer_outcome = "expired"


def _rating(rng: random.Random) -> int | None:
    if rng.random() >= CSAT_RATE:
        return None
    return rng.choices(CSAT_SCORES[0], weights=CSAT_SCORES[1])[0]


def _buy(rng: random.Random, v: SimVisit) -> None:
    kind = "moment" if v.moment else ("cart" if v.cart else "browse")
    p = BASE_CONVERSION[kind]
    if v.moment and not v.held_out:
        p *= UPLIFT
    if rng.random() >= p:
        return
    value = v.cart_value or rng.choice(PRODUCTS)[3]
    if v.offer_outcome == "accepted":
        value *= ACCEPTED_VALUE_UPLIFT
    v.order_total = round(value, 2)
    v.order_at = (v.moment_at or v.last_seen_at) + timedelta(minutes=rng.uniform(2, 40))
