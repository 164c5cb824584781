"""Endpoints of the privacy context: export and erase a contact; the audit of both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from hovor.auth.deps import AdminDep
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.privacy import service
from hovor.privacy.export import encoded, export_document
from hovor.privacy.schemas import EraseIn, PrivacyRequestOut, PrivacyRequestPage
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["privacy"], responses=PROBLEM_RESPONSES)


@router.get(
    "/contacts/{contact_id}/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}}, "description": "the export"}},
)
async def export_contact(
    contact_id: str, actor: AdminDep, runtime: RuntimeDep
) -> StreamingResponse:
    """Everything stored about the contact as one JSON document (streamed, as a download).
    The export is recorded in the privacy requests (mode ``export``)."""
    async with runtime.db.transaction() as tx:
        scope = await service.do_export_contact(
            tx, actor.workspace_id, contact_id, actor=f"user:{actor.user.id}"
        )
    return StreamingResponse(
        encoded(export_document(runtime.db, scope)),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="contact-{scope.contact.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/contacts/{contact_id}/erase", response_model=PrivacyRequestOut)
async def erase_contact(
    contact_id: str, body: EraseIn, actor: AdminDep, tx: TxDep
) -> PrivacyRequestOut:
    """Anonymise or delete the contact everywhere (one transaction); returns the audit row."""
    row = await service.do_erase_contact(
        tx,
        actor.workspace_id,
        contact_id,
        mode=body.mode,
        reason=body.reason,
        actor=f"user:{actor.user.id}",
    )
    return PrivacyRequestOut.model_validate(row)


@router.get("/privacy-requests", response_model=PrivacyRequestPage)
async def list_privacy_requests(
    actor: AdminDep,
    runtime: RuntimeDep,
    contact_id: Annotated[str | None, Query(max_length=26)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PrivacyRequestPage:
    async with runtime.db.read() as session:
        rows, total = await service.list_requests(
            session, actor.workspace_id, contact_id=contact_id, limit=limit, offset=offset
        )
    return PrivacyRequestPage(
        items=[PrivacyRequestOut.model_validate(r) for r in rows], total=total
    )
