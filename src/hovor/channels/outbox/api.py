"""Deliveries of a conversation's messages, and the agent's "retry now"."""

from __future__ import annotations

from fastapi import APIRouter

from hovor.auth.deps import ActorDep
from hovor.channels.outbox import service
from hovor.channels.outbox.schemas import DeliveryOut
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["deliveries"], responses=PROBLEM_RESPONSES)


@router.get("/conversations/{conversation_id}/deliveries")
async def list_deliveries(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> list[DeliveryOut]:
    """How each outgoing message of the conversation fared on its channel."""
    async with runtime.db.read() as session:
        await access_conversation(session, actor.workspace_id, conversation_id)
        rows = await service.deliveries_of(session, actor.workspace_id, conversation_id)
    return [DeliveryOut.model_validate(service.describe(d)) for d in rows]


@router.post("/deliveries/{delivery_id}/retry")
async def retry_delivery(delivery_id: str, actor: ActorDep, tx: TxDep) -> DeliveryOut:
    """Send a failed (or waiting) delivery again now; 409 when it is sent or under way."""
    delivery = await service.access_delivery(tx.session, actor.workspace_id, delivery_id)
    await service.do_retry_now(tx, delivery)
    return DeliveryOut.model_validate(service.describe(delivery))
