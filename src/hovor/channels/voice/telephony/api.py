"""Call endpoints: click to call on a conversation, its calls, and the agent's own phone.

The providers' webhooks come in through the channels' one webhook route
(``/v1/channels/{kind}/{inbox_id}/webhook``), which hands them to the connector."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, status

from hovor.auth.deps import ActorDep
from hovor.channels.base import ChannelRegistry
from hovor.channels.inboxes import service as inboxes
from hovor.channels.voice.telephony import calls
from hovor.channels.voice.telephony.connector import TelephonyConnector
from hovor.channels.voice.telephony.schemas import (
    AgentPhoneIn,
    AgentPhoneOut,
    CallIn,
    CallList,
    CallOut,
)
from hovor.conversations.service import access_conversation
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["calls"], responses=PROBLEM_RESPONSES)


def connectors(request: Request) -> dict[str, TelephonyConnector]:
    """The telephony connectors among the server's channels, by kind."""
    registry: ChannelRegistry = request.app.state.channels
    return {a.kind: a for a in registry if isinstance(a, TelephonyConnector)}


@router.post(
    "/conversations/{conversation_id}/calls",
    status_code=status.HTTP_201_CREATED,
    response_model=CallOut,
)
async def start_call(
    conversation_id: str,
    request: Request,
    actor: ActorDep,
    runtime: RuntimeDep,
    body: Annotated[CallIn, Body()] = CallIn(),
) -> CallOut:
    """Click to call: ring the agent's phone (their profile), then the customer's number
    (only a number of the conversation's contact; default the callback's). Progress comes
    as ``call.updated`` frames; the outcome settles the callback. 502 when the provider
    refuses (the call ends with the reason as a note)."""
    kinds = connectors(request)
    async with runtime.db.transaction() as tx:
        conversation = await access_conversation(tx.session, actor.workspace_id, conversation_id)
        inbox = await calls.telephony_inbox(
            tx.session, actor.workspace_id, kinds, body.inbox_id, conversation.contact_id
        )
        connector = kinds[inbox.kind]
        ref = inboxes.ref(inbox)
        call, agent_number = await calls.do_request_call(
            tx,
            conversation,
            inbox,
            connector.company_number(ref),
            agent_id=actor.user.id,
            phone=body.phone,
        )
    url = f"{runtime.settings.origin}/v1/channels/{inbox.kind}/{inbox.id}/webhook"
    started = await calls.start_call(runtime.db, connector, ref, call, agent_number, url)
    return calls.call_out(started)


@router.get("/conversations/{conversation_id}/calls", response_model=CallList)
async def list_calls(conversation_id: str, actor: ActorDep, runtime: RuntimeDep) -> CallList:
    """The conversation's calls, oldest first; numbers masked for agents when the workspace
    says so (a telephony inbox's "Mask numbers for agents")."""
    async with runtime.db.read() as session:
        await access_conversation(session, actor.workspace_id, conversation_id)
        rows = await calls.list_calls(session, actor.workspace_id, conversation_id)
        masked = actor.user.role == "agent" and await calls.masks_numbers(
            session, actor.workspace_id
        )
    return CallList(items=[calls.call_out(r, masked=masked) for r in rows])


@router.get("/me/phone", response_model=AgentPhoneOut)
async def my_phone(actor: ActorDep, runtime: RuntimeDep) -> AgentPhoneOut:
    async with runtime.db.read() as session:
        phone = await calls.agent_phone(session, actor.workspace_id, actor.user.id)
    return AgentPhoneOut(phone=phone)


@router.put("/me/phone", response_model=AgentPhoneOut)
async def set_my_phone(
    body: Annotated[AgentPhoneIn, Body()], actor: ActorDep, tx: TxDep
) -> AgentPhoneOut:
    """The phone a click to call rings first (E.164; 422 naming ``phone`` otherwise)."""
    phone = await calls.do_set_agent_phone(tx, actor.workspace_id, actor.user.id, body.phone)
    return AgentPhoneOut(phone=phone)
