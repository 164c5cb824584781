"""Guards: whether a match may become an offer. Pure: the integrator loads the visitor's
offer history from the database and passes it in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from hovor.engagement.rules.model import BusinessHours, Guards


@dataclass(frozen=True, slots=True)
class PastOffer:
    at: datetime
    rule_key: str
    session_id: str | None
    declined_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OfferHistory:
    """The visitor's offers (any rule) that may still matter: the last day is enough."""

    session_id: str | None  # the visitor's current session
    offers: list[PastOffer] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GuardDecision:
    outcome: Literal["allowed", "held_out_control", "blocked"]
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"


ALLOWED = GuardDecision("allowed")


def control_bucket(visitor_id: str, rule_key: str) -> float:
    """A stable number in [0, 1) for (visitor, rule): the same visitor stays in or out."""
    digest = hashlib.blake2b(f"{visitor_id}\x00{rule_key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def check_guards(
    guards: Guards,
    history: OfferHistory,
    now: datetime,
    visitor_bucket: float,
    *,
    rule_key: str,
) -> GuardDecision:
    """Blocked (with a reason) by the first guard that says no; otherwise held out when the
    visitor's bucket falls in the control share, otherwise allowed. The control group is
    checked last so it holds out only visitors who would otherwise have had the offer."""
    if guards.business_hours is not None and not within_hours(guards.business_hours, now):
        return GuardDecision("blocked", "outside business hours")
    offers = history.offers
    if guards.max_per_session is not None and history.session_id is not None:
        in_session = sum(
            1 for o in offers if o.rule_key == rule_key and o.session_id == history.session_id
        )
        if in_session >= guards.max_per_session:
            return GuardDecision("blocked", f"already offered {in_session} time(s) in this session")
    if guards.max_per_visitor_per_day is not None:
        since = now - timedelta(days=1)
        today = sum(1 for o in offers if o.rule_key == rule_key and since < o.at <= now)
        if today >= guards.max_per_visitor_per_day:
            return GuardDecision("blocked", f"already offered {today} time(s) in the last 24 hours")
    if guards.quiet_after_decline_seconds is not None:
        quiet = timedelta(seconds=guards.quiet_after_decline_seconds)
        for o in offers:
            if o.declined_at is not None and now - o.declined_at < quiet:
                return GuardDecision("blocked", "quiet period after a declined offer")
    if guards.min_seconds_between_offers is not None:
        gap = timedelta(seconds=guards.min_seconds_between_offers)
        for o in offers:
            if now - gap < o.at <= now:
                return GuardDecision("blocked", "another offer was made too recently")
    if visitor_bucket < guards.control_share:
        return GuardDecision("held_out_control", "in the control group")
    return ALLOWED


def within_hours(hours: BusinessHours, now: datetime) -> bool:
    local = now.astimezone(ZoneInfo(hours.timezone))
    if local.weekday() not in hours.days:
        return False
    return hours.start <= local.strftime("%H:%M") < hours.end
