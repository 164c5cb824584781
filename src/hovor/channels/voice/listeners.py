"""Callbacks hear their conversation being closed, inside the closing transaction."""

from __future__ import annotations

from typing import Any

from hovor.channels.voice.service import KIND, do_cancel_on_close
from hovor.conversations import events as conversation_events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent


def register(dispatcher: Dispatcher) -> None:
    @dispatcher.within(conversation_events.CONVERSATION_CLOSED)
    async def cancel_if_pending(tx: Any, event: DomainEvent) -> None:
        # A writer, not a listener: the callback is settled in the same commit as the close,
        # so no crash between the two can leave it pending.
        conversation = event.payload["conversation"]
        if conversation["channel"] == KIND:
            await do_cancel_on_close(tx, event.workspace_id, conversation["id"])
