"""Endpoints of the audit log: admins read it, filtered and paged, or export it as CSV."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from hovor.audit import service
from hovor.audit.schemas import AuditEntryOut, AuditPage
from hovor.auth.deps import AdminDep
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep

router = APIRouter(prefix="/v1", tags=["audit"], responses=PROBLEM_RESPONSES)

ActorQ = Annotated[str | None, Query(max_length=26, description="entries of this user id")]
SinceQ = Annotated[datetime | None, Query(description="entries at or after this time")]
UntilQ = Annotated[datetime | None, Query(description="entries before this time")]
ActionQ = Annotated[
    str | None,
    Query(max_length=200, description="a beginning of the route template, e.g. /v1/users"),
]


@router.get("/audit", response_model=AuditPage)
async def list_audit(
    actor: AdminDep,
    runtime: RuntimeDep,
    actor_id: ActorQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    action: ActionQ = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AuditPage:
    """The workspace's admin actions, newest first; ``next_cursor`` pages on."""
    f = service.check_filter(actor_id=actor_id, since=since, until=until, action=action)
    async with runtime.db.read() as session:
        rows, next_cursor = await service.list_entries(
            session, actor.workspace_id, f, limit=limit, cursor=cursor
        )
    return AuditPage(items=[AuditEntryOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/audit.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the filtered entries as CSV"}},
)
async def export_audit(
    actor: AdminDep,
    runtime: RuntimeDep,
    actor_id: ActorQ = None,
    since: SinceQ = None,
    until: UntilQ = None,
    action: ActionQ = None,
) -> StreamingResponse:
    """The same filters as the list; every matching entry, newest first. The export is
    itself recorded."""
    f = service.check_filter(actor_id=actor_id, since=since, until=until, action=action)

    async def body() -> AsyncIterator[str]:
        async with runtime.db.read() as session:
            async for chunk in service.csv_chunks(session, actor.workspace_id, f):
                yield chunk

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": 'attachment; filename="audit.csv"',
            "cache-control": "no-store",
        },
    )
