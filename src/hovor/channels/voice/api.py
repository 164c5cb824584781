"""Callback endpoints: the agent records how each call attempt went."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hovor.auth.deps import ActorDep
from hovor.channels.voice import service
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import TxDep

router = APIRouter(prefix="/v1", tags=["callbacks"], responses=PROBLEM_RESPONSES)

Outcome = Literal["reached", "no_answer", "busy", "voicemail", "wrong_number", "cancelled"]


class OutcomeIn(BaseModel):
    outcome: Outcome
    note: str | None = Field(default=None, max_length=2000)


class CallbackOut(BaseModel):
    conversation_id: str
    phone: str
    status: str
    attempts: int
    last_outcome: str | None
    due_at: str


@router.post("/conversations/{conversation_id}/callback/outcome", response_model=CallbackOut)
async def record_outcome(
    conversation_id: str, body: OutcomeIn, actor: ActorDep, tx: TxDep
) -> CallbackOut:
    """Reached, wrong_number or cancelled end the callback and close the conversation;
    no_answer, busy and voicemail retry in 10 minutes (due 5 minutes after), three attempts
    in all. 409 once the callback has ended."""
    conversation = await access_conversation(tx.session, actor.workspace_id, conversation_id)
    callback = await service.do_record_outcome(
        tx, conversation, body.outcome, agent_name=actor.user.name, note=body.note
    )
    return CallbackOut(
        conversation_id=conversation.id,
        phone=callback.phone,
        status=callback.status,
        attempts=callback.attempts,
        last_outcome=callback.last_outcome,
        due_at=callback.due_at.isoformat(),
    )
