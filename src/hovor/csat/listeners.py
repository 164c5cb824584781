"""Closing a conversation asks its customer for a rating, on the channel it came from."""

from __future__ import annotations

from hovor.conversations import events as conversation_events
from hovor.conversations.service import access_conversation
from hovor.core.channels import ChannelCatalogue
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.csat.service import do_ask
from hovor.db.transaction import Database


def register(
    dispatcher: Dispatcher,
    db: Database,
    catalogue: ChannelCatalogue,
    *,
    origin: str,
    secret: str,
) -> None:
    @dispatcher.on(conversation_events.CONVERSATION_CLOSED)
    async def ask_for_rating(event: DomainEvent) -> None:
        if not event.payload.get("ask_rating", True):
            return  # closed without serving anyone (an auto-reply filed away)
        c = event.payload["conversation"]
        info = catalogue.get(c["channel"])
        if info is not None and not info.outbound:
            return  # a callback: nothing can be sent on it
        async with db.transaction() as tx:
            conversation = await access_conversation(tx.session, event.workspace_id, c["id"])
            await do_ask(tx, conversation, origin=origin, secret=secret)
