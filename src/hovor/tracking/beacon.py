"""The beacon: events flushed by a page that is being unloaded (``navigator.sendBeacon``).

The same ingestion as the socket (``Tracking.track``), for a visitor who has no socket
at that moment: the body is checked, the visitor token authenticated as on the socket
(an allowed Origin is required; browsers send one with a beacon), and the visitor is
attached only for the time of the batch.
"""

from __future__ import annotations

from typing import Any

from hovor.auth import visitors
from hovor.core.errors import InvalidInput
from hovor.core.jsontext import parse_json
from hovor.core.visitor_tokens import VisitorTokens
from hovor.db.transaction import Database
from hovor.tracking.schemas import TrackAck
from hovor.tracking.service import Tracking

MAX_BEACON_BYTES = 256 * 1024


def check_beacon_body(body: bytes) -> Any:
    """The ``events`` of a beacon's body ``{"events": [...]}``, or InvalidInput saying why
    not. The events themselves are checked one by one by ``Tracking.track``."""
    if len(body) > MAX_BEACON_BYTES:
        raise InvalidInput(f"a beacon is limited to {MAX_BEACON_BYTES} bytes")
    try:
        data: Any = parse_json(body)
    except ValueError as exc:
        raise InvalidInput("the body is not JSON") from exc
    if not isinstance(data, dict) or "events" not in data:
        raise InvalidInput(
            'expected {"events": [...]}', errors=[{"loc": ["body", "events"], "msg": "required"}]
        )
    return data["events"]


async def track_beacon(
    db: Database,
    tokens: VisitorTokens,
    tracking: Tracking,
    *,
    site: str,
    token: str,
    origin: str | None,
    user_agent: str | None,
    body: bytes,
) -> TrackAck:
    """Take a beacon's events for the visitor its token names; answer once they are stored."""
    events = check_beacon_body(body)
    async with db.read() as session:
        claims = await visitors.authenticate_visitor(
            session, tokens, site_key=site, token=token, origin=origin
        )
        visitor = await tracking.attach(session, claims.workspace_id, claims.visitor_id, user_agent)
    try:
        return await tracking.track(visitor, events)
    finally:
        tracking.visitors.detach(visitor)
