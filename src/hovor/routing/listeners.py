"""Routing reacts to conversations and agents through their domain events."""

from __future__ import annotations

from hovor.auth import events as auth_events
from hovor.conversations import events as conversation_events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database
from hovor.routing.service import assign_conversation, assign_waiting


def register(dispatcher: Dispatcher, db: Database) -> None:
    @dispatcher.on(
        conversation_events.CONVERSATION_CREATED, conversation_events.CONVERSATION_REOPENED
    )
    async def route_new_work(event: DomainEvent) -> None:
        conversation = event.payload["conversation"]
        if conversation["assignee"] is None:
            await assign_conversation(db, event.workspace_id, conversation["id"])

    @dispatcher.on(conversation_events.CONVERSATION_CLOSED)
    async def route_after_capacity_freed(event: DomainEvent) -> None:
        if event.payload["conversation"]["assignee"] is not None:
            await assign_waiting(db, event.workspace_id)

    @dispatcher.on(auth_events.AGENT_PRESENCE_CHANGED)
    async def route_to_agent_online(event: DomainEvent) -> None:
        if event.payload["status"] == "online":
            await assign_waiting(db, event.workspace_id)
