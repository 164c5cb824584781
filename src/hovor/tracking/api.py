"""The beacon endpoint: events flushed by a page that is being unloaded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from hovor.auth import visitors
from hovor.core.errors import InvalidInput, Unauthorized
from hovor.core.jsontext import parse_json
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep
from hovor.tracking.schemas import TrackAck
from hovor.tracking.service import Tracking

router = APIRouter(prefix="/v1", tags=["tracking"], responses=PROBLEM_RESPONSES)

MAX_BEACON_BYTES = 256 * 1024


def get_tracking(request: Request) -> Tracking:
    tracking: Tracking = request.app.state.tracking
    return tracking


@router.post("/track", response_model=TrackAck, status_code=status.HTTP_202_ACCEPTED)
async def track_beacon(
    request: Request,
    runtime: RuntimeDep,
    site: Annotated[str, Query(min_length=1, max_length=64)],
    token: Annotated[str, Query(min_length=1, max_length=1024)],
) -> TrackAck:
    """Body: ``{"events": [...]}`` as JSON, sent as text/plain by ``navigator.sendBeacon``."""
    body = await request.body()
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
    tracking = get_tracking(request)
    async with runtime.db.read() as session:
        claims = await visitors.authenticate_visitor_token(
            session, runtime.visitor_tokens, token=token, origin=request.headers.get("origin")
        )
        site_key = await visitors.site_key_of(session, claims)
        if site_key != site:
            raise Unauthorized("the visitor token is for another site key")
        visitor = await tracking.attach(
            session, claims.workspace_id, claims.visitor_id, request.headers.get("user-agent")
        )
    try:
        return await tracking.track(visitor, data["events"])
    finally:
        tracking.visitors.detach(visitor)
