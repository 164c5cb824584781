"""An agent's free-text reply to a WhatsApp customer outside the 24-hour window is refused
in the transaction that would store it (409), so none is queued only to fail in the outbox.
Template messages (``service.do_send_template``) and messages not written by a person (the
system's, the bot's, which answers the customer at once) pass: the adapter still checks the
window of those right before sending, and a failing bot must not lose its transaction."""

from __future__ import annotations

from typing import Any

from hovor.auth.models import User
from hovor.channels.whatsapp.adapter import INFO
from hovor.channels.whatsapp.models import WhatsAppTemplateMessage
from hovor.channels.whatsapp.service import check_free_text
from hovor.conversations import events as conversation_events
from hovor.conversations.models import Conversation
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent


def register(dispatcher: Dispatcher) -> None:
    @dispatcher.within(conversation_events.MESSAGE_CREATED)
    async def refuse_free_text_outside_window(tx: Any, event: DomainEvent) -> None:
        message = event.payload["message"]
        if (
            event.payload["channel"] != INFO.kind
            or message["author_type"] != "agent"
            or message["private"]
            or event.payload.get("inbox_id") is None
            or message["author_id"] is None
        ):
            return
        if await tx.session.get(User, message["author_id"]) is None:
            return  # the bot (author id "bot"), not an agent at the desktop
        if await tx.session.get(WhatsAppTemplateMessage, message["id"]) is not None:
            return
        conversation = await tx.session.get(Conversation, message["conversation_id"])
        await check_free_text(tx.session, conversation)
