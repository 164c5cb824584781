"""Domain events emitted by the engagement context."""

RULE_CHANGED = "rule.changed"
OFFER_MADE = "offer.made"
OFFER_HELD_OUT = "offer.held_out"
OFFER_SHOWN = "offer.shown"
OFFER_ACCEPTED = "offer.accepted"
OFFER_DECLINED = "offer.declined"
OFFER_EXPIRED = "offer.expired"
MATCHES_GUARDED = "matches.guarded"  # counts of matches the guards or pacing stopped
