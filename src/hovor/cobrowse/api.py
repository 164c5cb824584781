"""Endpoints of co-browsing: an agent asks, steers control and ends; admins set the switch."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, status
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select

import hovor
from hovor.auth.deps import ActorDep, AdminDep
from hovor.cobrowse import service
from hovor.cobrowse.models import CobrowseChunk
from hovor.cobrowse.schemas import (
    CobrowseSessionOut,
    CobrowseSettingsIn,
    CobrowseSettingsOut,
    ControlIn,
    RecordingOut,
)
from hovor.conversations.service import access_conversation
from hovor.core.errors import NotFound
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(tags=["cobrowse"], responses=PROBLEM_RESPONSES)

VIEWER_PAGE = Path(hovor.__file__).parent / "static" / "agent" / "cobrowse-viewer.html"
# The viewer replays the visitor's page: its styles (inline, as rrweb rebuilds them), images
# and fonts from the shop's origin. Scripts only the viewer's own; no requests of its own;
# framed by the desktop only. The desktop's CSP stays as strict as it is (core.security_headers).
VIEWER_HEADERS = {
    "content-security-policy": "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src * data: blob:",
            "font-src * data:",
            "media-src * data: blob:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        )
    ),
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


@router.get("/v1/cobrowse/settings", response_model=CobrowseSettingsOut)
async def get_settings(actor: ActorDep, runtime: RuntimeDep) -> CobrowseSettingsOut:
    async with runtime.db.read() as session:
        return await service.get_settings(session, actor.workspace_id)


@router.put("/v1/cobrowse/settings", response_model=CobrowseSettingsOut)
async def update_settings(
    body: CobrowseSettingsIn, actor: AdminDep, tx: TxDep
) -> CobrowseSettingsOut:
    """The workspace's switch, and whether (and how long) sessions are stored."""
    return await service.do_update_settings(tx, actor.workspace_id, body)


@router.post(
    "/v1/conversations/{conversation_id}/cobrowse",
    response_model=CobrowseSessionOut,
    status_code=status.HTTP_201_CREATED,
)
async def request_cobrowse(conversation_id: str, actor: ActorDep, tx: TxDep) -> CobrowseSessionOut:
    """Ask the conversation's visitor to share the page; nothing is seen until they agree."""
    row = await service.do_request(tx, actor.workspace_id, conversation_id, actor.user)
    return service.describe(row)


@router.get(
    "/v1/conversations/{conversation_id}/cobrowse", response_model=CobrowseSessionOut | None
)
async def latest_cobrowse(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> CobrowseSessionOut | None:
    """The conversation's latest co-browse session (null if none)."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        row = await service.latest_for_conversation(session, conversation)
    return service.describe(row) if row else None


@router.get("/v1/cobrowse/{session_id}", response_model=CobrowseSessionOut)
async def get_cobrowse(session_id: str, actor: ActorDep, runtime: RuntimeDep) -> CobrowseSessionOut:
    async with runtime.db.read() as session:
        row = await service.access_session(session, actor.workspace_id, session_id)
    return service.describe(row)


@router.post("/v1/cobrowse/{session_id}/end", response_model=CobrowseSessionOut)
async def end_cobrowse(session_id: str, actor: ActorDep, tx: TxDep) -> CobrowseSessionOut:
    row = await service.access_session(tx.session, actor.workspace_id, session_id)
    service.check_agent(row, actor.user)
    await service.do_end(tx, row, by="agent")
    return service.describe(row)


@router.post("/v1/cobrowse/{session_id}/control", response_model=CobrowseSessionOut)
async def request_control(
    session_id: str, body: ControlIn, actor: ActorDep, tx: TxDep
) -> CobrowseSessionOut:
    """Ask the visitor to let the agent click and scroll (a second consent), or give it back."""
    row = await service.access_session(tx.session, actor.workspace_id, session_id)
    service.check_agent(row, actor.user)
    await service.do_request_control(tx, row, on=body.on)
    return service.describe(row)


@router.get("/v1/cobrowse/{session_id}/recording", response_model=RecordingOut)
async def recording(session_id: str, actor: ActorDep, runtime: RuntimeDep) -> RecordingOut:
    """A recorded session's events, for a replayer (404 when nothing is stored)."""
    async with runtime.db.read() as session:
        row = await service.access_session(session, actor.workspace_id, session_id)
        chunks = (
            await session.scalars(
                select(CobrowseChunk)
                .where(
                    CobrowseChunk.workspace_id == actor.workspace_id,
                    CobrowseChunk.session_id == row.id,
                )
                .order_by(CobrowseChunk.seq)
            )
        ).all()
    if not row.recorded or not chunks:
        raise NotFound("this co-browse session was not recorded (or is past retention)")
    return RecordingOut(session=service.describe(row), events=[e for c in chunks for e in c.events])


@router.get("/app/cobrowse-viewer.html", include_in_schema=False, response_model=None)
async def viewer_page() -> FileResponse | HTMLResponse:
    """The desktop's co-browse viewer, with a policy of its own (``VIEWER_HEADERS``)."""
    if not VIEWER_PAGE.is_file():
        return HTMLResponse("the desktop is not built", status_code=503, headers=VIEWER_HEADERS)
    return FileResponse(VIEWER_PAGE, media_type="text/html", headers=VIEWER_HEADERS)
