"""Desktop and integration endpoints for conversations. Thin: parse, access, one operation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from hovor.auth.deps import ActorDep
from hovor.auth.service import access_user
from hovor.conversations import service
from hovor.conversations.schemas import (
    AssignIn,
    ConversationOut,
    ConversationPage,
    MessageIn,
    MessageOut,
    MessagePage,
)
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1/conversations", tags=["conversations"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=ConversationPage)
async def list_conversations(
    actor: ActorDep,
    runtime: RuntimeDep,
    view: Literal["unassigned", "mine", "all"] = "all",
    status: Literal["open", "closed"] = "open",
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: str | None = None,
) -> ConversationPage:
    async with runtime.db.read() as session:
        rows, next_cursor = await service.list_conversations(
            session,
            actor.workspace_id,
            view=view,
            status=status,
            user_id=actor.user.id,
            limit=limit,
            cursor=cursor,
        )
        items = await service.describe_conversations(session, rows)
    return ConversationPage(items=items, next_cursor=next_cursor)


@router.get("/{conversation_id}", response_model=ConversationOut)
async def get_conversation(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> ConversationOut:
    async with runtime.db.read() as session:
        conversation = await service.access_conversation(
            session, actor.workspace_id, conversation_id
        )
        return await service.describe_conversation(session, conversation)


@router.get("/{conversation_id}/messages", response_model=MessagePage)
async def list_messages(
    conversation_id: str,
    actor: ActorDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: str | None = None,
) -> MessagePage:
    async with runtime.db.read() as session:
        conversation = await service.access_conversation(
            session, actor.workspace_id, conversation_id
        )
        rows, has_more = await service.list_messages(
            session, [conversation.id], limit=limit, before=before
        )
    return MessagePage(items=[MessageOut.model_validate(m) for m in rows], has_more=has_more)


@router.post(
    "/{conversation_id}/messages", response_model=MessageOut, status_code=status.HTTP_201_CREATED
)
async def send_message(
    conversation_id: str, body: MessageIn, actor: ActorDep, tx: TxDep
) -> MessageOut:
    conversation = await service.access_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    message, _ = await service.do_send_message(
        tx,
        conversation,
        author_type="agent",
        author_id=actor.user.id,
        author_name=actor.user.name,
        body=body.body,
        client_id=body.client_id,
        private=body.private,
    )
    return MessageOut.model_validate(message)


@router.post("/{conversation_id}/close", response_model=ConversationOut)
async def close_conversation(conversation_id: str, actor: ActorDep, tx: TxDep) -> ConversationOut:
    conversation = await service.access_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    await service.do_close_conversation(tx, conversation)
    return await service.describe_conversation(tx.session, conversation)


@router.post("/{conversation_id}/reopen", response_model=ConversationOut)
async def reopen_conversation(conversation_id: str, actor: ActorDep, tx: TxDep) -> ConversationOut:
    conversation = await service.access_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    await service.do_reopen_conversation(tx, conversation)
    return await service.describe_conversation(tx.session, conversation)


@router.post("/{conversation_id}/assign", response_model=ConversationOut)
async def assign_conversation(
    conversation_id: str, body: AssignIn, actor: ActorDep, tx: TxDep
) -> ConversationOut:
    conversation = await service.access_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    if body.user_id is not None:
        await access_user(tx.session, actor.workspace_id, body.user_id)
    await service.do_assign_conversation(tx, conversation, body.user_id)
    return await service.describe_conversation(tx.session, conversation)


@router.post("/{conversation_id}/read", response_model=ConversationOut)
async def mark_read(conversation_id: str, actor: ActorDep, tx: TxDep) -> ConversationOut:
    conversation = await service.access_conversation(
        tx.session, actor.workspace_id, conversation_id
    )
    await service.do_mark_read(tx, conversation)
    return await service.describe_conversation(tx.session, conversation)
