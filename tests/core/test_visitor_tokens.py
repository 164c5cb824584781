"""Visitor tokens: signed with the current key, accepted under the previous keys too."""

from __future__ import annotations

from hovor.core.visitor_tokens import VisitorClaims, VisitorTokens

CLAIMS = VisitorClaims("ws_1", "sk_1", "v_1")


def test_a_token_of_a_previous_key_is_accepted_and_new_ones_use_the_current_key() -> None:
    old = VisitorTokens("old-key")
    rotated = VisitorTokens("new-key", ["old-key"])
    assert rotated.check(old.issue(CLAIMS)) == CLAIMS
    renewed = rotated.issue(CLAIMS)
    assert VisitorTokens("new-key").check(renewed) == CLAIMS  # signed with the current key
    assert old.check(renewed) is None


def test_once_the_previous_key_is_dropped_its_tokens_are_refused() -> None:
    token = VisitorTokens("old-key").issue(CLAIMS)
    assert VisitorTokens("new-key").check(token) is None
    assert VisitorTokens("new-key", ["older", "old-key"]).check(token) == CLAIMS
    assert VisitorTokens("new-key", [""]).check(token) is None
