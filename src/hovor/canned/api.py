"""Canned responses: everyone lists and renders them, admins write them."""

from __future__ import annotations

from fastapi import APIRouter, status

from hovor.auth.deps import ActorDep, AdminDep
from hovor.canned import service
from hovor.canned.schemas import CannedIn, CannedOut, RenderedOut, VariableOut
from hovor.canned.variables import VARIABLES
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["canned responses"], responses=PROBLEM_RESPONSES)


def _checked(body: CannedIn) -> service.CannedData:
    return service.check_canned(body.title, body.shortcut, body.body)


@router.get("/canned-responses")
async def list_canned(actor: ActorDep, runtime: RuntimeDep) -> list[CannedOut]:
    """The workspace's canned responses, by shortcut."""
    async with runtime.db.read() as session:
        rows = await service.list_canned(session, actor.workspace_id)
    return [CannedOut.model_validate(r) for r in rows]


@router.get("/canned-responses/variables")
async def list_variables(_actor: ActorDep) -> list[VariableOut]:
    """The variables a canned response may hold."""
    return [VariableOut(name=k, description=v) for k, v in VARIABLES.items()]


@router.post("/canned-responses", status_code=status.HTTP_201_CREATED)
async def create_canned(body: CannedIn, actor: AdminDep, tx: TxDep) -> CannedOut:
    canned = await service.do_create_canned(tx, actor.workspace_id, _checked(body))
    return CannedOut.model_validate(canned)


@router.put("/canned-responses/{canned_id}")
async def change_canned(canned_id: str, body: CannedIn, actor: AdminDep, tx: TxDep) -> CannedOut:
    canned = await service.access_canned(tx.session, actor.workspace_id, canned_id)
    return CannedOut.model_validate(await service.do_change_canned(tx, canned, _checked(body)))


@router.delete("/canned-responses/{canned_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_canned(canned_id: str, actor: AdminDep, tx: TxDep) -> None:
    canned = await service.access_canned(tx.session, actor.workspace_id, canned_id)
    await service.do_remove_canned(tx, canned)


@router.get("/conversations/{conversation_id}/canned-responses/{canned_id}/render")
async def render_canned(
    conversation_id: str, canned_id: str, actor: ActorDep, runtime: RuntimeDep
) -> RenderedOut:
    """The text to insert into a reply in this conversation; sends nothing."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        canned = await service.access_canned(session, actor.workspace_id, canned_id)
        rendered = await service.render_canned(session, canned, conversation, actor.user)
    return RenderedOut(text=rendered.text, missing=rendered.missing)
