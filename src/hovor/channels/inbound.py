"""The one inbound path: find or create contact and conversation, deduplicate, store."""

from __future__ import annotations

from dataclasses import dataclass

from hovor.channels.base import Inbound
from hovor.conversations.models import Message
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.conversations.service import (
    access_conversation,
    check_message_body,
    do_reopen_conversation,
    do_send_message,
    find_message_by_client_id,
)
from hovor.db.transaction import Tx


@dataclass(frozen=True)
class Received:
    message: Message
    conversation_id: str
    created: bool  # False when this was a resend of a stored message


async def receive_inbound(tx: Tx, inbound: Inbound) -> Received:
    """Store one inbound message; a resend (same provider message id) returns the stored one.

    Kept to few round trips: this runs for every message a visitor types.
    """
    body = check_message_body(inbound.body)
    if inbound.provider_message_id:
        existing = await find_message_by_client_id(
            tx.session, inbound.workspace_id, inbound.source_id, inbound.provider_message_id
        )
        if existing is not None:
            return Received(existing, existing.conversation_id, created=False)
    if inbound.threaded and inbound.conversation_id is not None:
        conversation = await access_conversation(
            tx.session, inbound.workspace_id, inbound.conversation_id
        )
        await do_reopen_conversation(tx, conversation)
    else:
        conversation, _ = await do_find_or_open_conversation(
            tx,
            inbound.workspace_id,
            channel=inbound.channel,
            source_id=inbound.source_id,
            identity_kind=inbound.identity_kind,
            contact_name=inbound.contact_name,
            inbox_id=inbound.inbox_id,
            continue_open=not inbound.threaded,  # a new e-mail thread is a new conversation
        )
    message, created = await do_send_message(
        tx,
        conversation,
        author_type="visitor",
        author_id=inbound.source_id,
        author_name=None,  # the contact's current name is on the conversation
        body=body,
        client_id=inbound.provider_message_id,
        checked_client_id=True,
    )
    return Received(message, conversation.id, created)
