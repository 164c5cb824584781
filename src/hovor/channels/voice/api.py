"""Callback endpoints: the agent records how each call attempt went; the desktop reads the
callbacks of the conversations it lists (number, due time, status) in one request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hovor.auth.deps import ActorDep
from hovor.channels.voice import service
from hovor.channels.voice.schemas import CallbackList, CallbackOut, OutcomeIn
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["callbacks"], responses=PROBLEM_RESPONSES)


@router.get("/callbacks", response_model=CallbackList)
async def list_callbacks(
    actor: ActorDep,
    runtime: RuntimeDep,
    conversation_id: Annotated[
        list[str],
        Query(min_length=1, max_length=100, description="repeat for each conversation"),
    ],
) -> CallbackList:
    """The callbacks of these conversations; conversations that are not callbacks (or not
    in the workspace) are left out."""
    async with runtime.db.read() as session:
        rows = await service.list_callbacks(session, actor.workspace_id, conversation_id)
    return CallbackList(items=[CallbackOut.model_validate(r) for r in rows])


@router.post("/conversations/{conversation_id}/callback/outcome", response_model=CallbackOut)
async def record_outcome(
    conversation_id: str, body: OutcomeIn, actor: ActorDep, tx: TxDep
) -> CallbackOut:
    """Reached, wrong_number or cancelled end the callback and close the conversation;
    no_answer, busy and voicemail retry in 10 minutes (due 5 minutes after), three attempts
    in all. 409 once the callback has ended. Closing the conversation without an outcome
    cancels a pending callback (with a note saying so)."""
    conversation = await access_conversation(tx.session, actor.workspace_id, conversation_id)
    callback = await service.do_record_outcome(
        tx, conversation, body.outcome, agent_name=actor.user.name, note=body.note
    )
    return CallbackOut.model_validate(callback)
