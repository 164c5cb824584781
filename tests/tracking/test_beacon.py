"""The beacon's service on both databases: its body checked, its token as on the socket."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from hovor.auth import service as auth
from hovor.core import clock
from hovor.core.errors import Forbidden, InvalidInput, Unauthorized
from hovor.core.visitor_tokens import VisitorClaims, VisitorTokens
from hovor.db.transaction import Database
from hovor.tracking.beacon import MAX_BEACON_BYTES, check_beacon_body, track_beacon
from hovor.tracking.models import TrackedEvent
from hovor.tracking.service import Tracking
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

ORIGIN = "https://shop.example.org"
TOKENS = VisitorTokens("beacon-test-secret")


def body(*ids: str) -> bytes:
    events = [
        {"id": i, "ts": clock.now().isoformat(), "type": "page.view", "props": {}} for i in ids
    ]
    return json.dumps({"events": events}).encode()


def test_a_body_must_be_a_small_json_object_with_events() -> None:
    assert check_beacon_body(b'{"events": [1, 2]}') == [1, 2]
    for bad, says in [
        (b"x" * (MAX_BEACON_BYTES + 1), "limited"),
        (b"{not json", "not JSON"),
        (b"[]", "expected"),
        (b'{"event": []}', "expected"),
    ]:
        with pytest.raises(InvalidInput, match=says):
            check_beacon_body(bad)


async def test_a_beacon_is_stored_for_its_visitor_who_is_then_let_go(
    db: Database, tracking: Tracking
) -> None:
    team = await make_team(db)
    async with db.transaction() as tx:
        site = await auth.do_create_site_key(
            tx, team.workspace.id, name="shop", allowed_origins=[ORIGIN]
        )
    token = TOKENS.issue(VisitorClaims(team.workspace.id, site.id, "v_1"))
    common: dict[str, Any] = {"site": site.key, "token": token, "user_agent": None}

    ack = await track_beacon(db, TOKENS, tracking, origin=ORIGIN, body=body("a", "b"), **common)
    assert ack.accepted == ["a", "b"] and ack.rejected == []
    live = tracking.visitors.get(team.workspace.id, "v_1")
    assert live is not None and live.sockets == 0  # attached for the batch only
    async with db.read() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(TrackedEvent)
            .where(TrackedEvent.workspace_id == team.workspace.id)
        )
    assert stored == 2

    with pytest.raises(Forbidden):
        await track_beacon(
            db, TOKENS, tracking, origin="https://evil.example.org", body=body("c"), **common
        )
    with pytest.raises(Unauthorized):
        await track_beacon(
            db,
            VisitorTokens("another-secret"),
            tracking,
            origin=ORIGIN,
            body=body("c"),
            **common,
        )
