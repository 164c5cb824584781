"""Widget HTTP endpoints (cross-origin; see docs/widget-protocol.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request

from hovor.auth import visitors
from hovor.channels.webchat import service
from hovor.channels.webchat.schemas import VisitorSessionIn, VisitorSessionOut
from hovor.conversations.schemas import MessageOut, MessagePage
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep

router = APIRouter(prefix="/v1/widget", tags=["widget"], responses=PROBLEM_RESPONSES)


@router.post("/session", response_model=VisitorSessionOut)
async def start_session(
    body: VisitorSessionIn, request: Request, runtime: RuntimeDep
) -> VisitorSessionOut:
    address = request.client.host if request.client else "unknown"
    # Generous by default: many visitors can share one address (offices, mobile carriers).
    limit = f"{runtime.settings.widget_sessions_per_minute}/minute"
    await runtime.limiter.check(limit, "widget-session", address, what="widget sessions")
    async with runtime.db.read() as session:
        started = await visitors.start_visitor_session(
            session,
            runtime.visitor_tokens,
            site_key=body.site_key,
            origin=request.headers.get("origin"),
            previous_token=body.token,
            lang=body.lang,
        )
    return VisitorSessionOut(
        visitor_id=started.visitor_id, token=started.token, settings=started.settings
    )


@router.get("/messages", response_model=MessagePage)
async def visitor_messages(
    request: Request,
    runtime: RuntimeDep,
    authorization: Annotated[str, Header()] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: str | None = None,
) -> MessagePage:
    async with runtime.db.read() as session:
        claims = await visitors.authenticate_visitor_token(
            session,
            runtime.visitor_tokens,
            token=visitors.visitor_bearer(authorization),
            origin=request.headers.get("origin"),
        )
        _, messages, has_more = await service.visitor_history(
            session, claims, limit=limit, before=before
        )
    return MessagePage(items=[MessageOut.model_validate(m) for m in messages], has_more=has_more)
