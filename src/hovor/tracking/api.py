"""The beacon endpoint: events flushed by a page that is being unloaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep
from hovor.tracking import beacon
from hovor.tracking.schemas import TrackAck
from hovor.tracking.service import Tracking

router = APIRouter(prefix="/v1", tags=["tracking"], responses=PROBLEM_RESPONSES)


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
    return await beacon.track_beacon(
        runtime.db,
        runtime.visitor_tokens,
        get_tracking(request),
        site=site,
        token=token,
        origin=request.headers.get("origin"),
        user_agent=request.headers.get("user-agent"),
        body=await request.body(),
    )
