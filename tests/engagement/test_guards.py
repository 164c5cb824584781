from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hovor.engagement.rules.guards import (
    OfferHistory,
    PastOffer,
    check_guards,
    control_bucket,
)
from hovor.engagement.rules.model import Guards

NOW = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Prague


def decide(guards: Guards, offers: list[PastOffer], bucket: float = 0.5) -> str:
    return check_guards(guards, OfferHistory("s1", offers), NOW, bucket, rule_key="r").outcome


def test_allowed_with_no_history() -> None:
    assert decide(Guards(), []) == "allowed"


def test_max_per_session_counts_this_rule_in_this_session() -> None:
    offers = [PastOffer(NOW - timedelta(minutes=5), "r", "s1")]
    assert decide(Guards(max_per_session=1), offers) == "blocked"
    assert decide(Guards(max_per_session=2), offers) == "allowed"
    other = [PastOffer(NOW, "other", "s1"), PastOffer(NOW, "r", "s0")]
    assert decide(Guards(max_per_session=1), other) == "allowed"


def test_max_per_visitor_per_day_is_rolling() -> None:
    guards = Guards(max_per_session=None, max_per_visitor_per_day=2)
    offers = [PastOffer(NOW - timedelta(hours=h), "r", f"s{h}") for h in (1, 23)]
    assert decide(guards, offers) == "blocked"
    offers = [PastOffer(NOW - timedelta(hours=h), "r", f"s{h}") for h in (1, 24)]
    assert decide(guards, offers) == "allowed"


def test_quiet_after_decline_applies_to_any_rule() -> None:
    guards = Guards(quiet_after_decline_seconds=1800)
    declined = NOW - timedelta(seconds=1799)
    assert decide(guards, [PastOffer(declined, "x", "s0", declined_at=declined)]) == "blocked"
    declined = NOW - timedelta(seconds=1800)
    assert decide(guards, [PastOffer(declined, "x", "s0", declined_at=declined)]) == "allowed"


def test_min_seconds_between_offers() -> None:
    guards = Guards(min_seconds_between_offers=120)
    assert decide(guards, [PastOffer(NOW - timedelta(seconds=60), "x", "s0")]) == "blocked"
    assert decide(guards, [PastOffer(NOW - timedelta(seconds=120), "x", "s0")]) == "allowed"


def test_business_hours_in_the_sites_time_zone() -> None:
    hours = {"timezone": "Europe/Prague", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
    guards = Guards.model_validate({"business_hours": hours})
    assert decide(guards, []) == "allowed"
    late = check_guards(guards, OfferHistory("s1"), NOW + timedelta(hours=6), 0.5, rule_key="r")
    assert late.outcome == "blocked" and late.reason == "outside business hours"
    saturday = NOW + timedelta(days=3)
    assert (
        check_guards(guards, OfferHistory("s1"), saturday, 0.5, rule_key="r").outcome == "blocked"
    )


def test_control_group_is_checked_last_and_is_stable() -> None:
    guards = Guards(control_share=0.2)
    assert decide(guards, [], bucket=0.1) == "held_out_control"
    assert decide(guards, [], bucket=0.2) == "allowed"
    assert decide(guards, [PastOffer(NOW, "r", "s1")], bucket=0.1) == "blocked"
    # Pinned: a visitor's bucket must be the same in every process and after an upgrade
    # (a per-process hash() would move visitors between groups), and differ per rule.
    assert control_bucket("v1", "r") == 0.34957948343397316
    assert control_bucket("v1", "other") != control_bucket("v1", "r")
    buckets = [control_bucket(f"v{i}", "r") for i in range(2000)]
    assert all(0 <= b < 1 for b in buckets)
    share = sum(b < 0.2 for b in buckets) / len(buckets)
    assert 0.17 < share < 0.23
