"""Routing hears conversations and agents through their domain events, and tells its node.

Each listener writes the task row first (in its own transaction) and then kicks the
routing node, which re-reads the row and decides; on another process than the leader the
kick travels over the bus.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hovor.auth import events as auth_events
from hovor.conversations import events as conversation_events
from hovor.conversations.models import Conversation
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx
from hovor.routing import events, handover, tasks
from hovor.routing.node import RoutingNode

# Asked before a new or reopened conversation is queued: True keeps it out of routing for now
# (the bot answers it first and queues it itself when it hands off).
Hold = Callable[[Tx, Conversation], Awaitable[bool]]


def register(
    dispatcher: Dispatcher, db: Database, node: RoutingNode, *, hold: Hold | None = None
) -> None:
    @dispatcher.on(events.ROUTING_CHANGED)
    async def changed(event: DomainEvent) -> None:
        await node.kick(event.workspace_id, event.payload["kind"], event.payload["id"])

    @dispatcher.on(
        conversation_events.CONVERSATION_CREATED, conversation_events.CONVERSATION_REOPENED
    )
    async def new_work(event: DomainEvent) -> None:
        conversation = event.payload["conversation"]
        if conversation["status"] != "open":
            return
        async with db.transaction() as tx:
            row = await tx.session.get(Conversation, conversation["id"])
            if row is not None and row.status == "open":
                if hold is not None and await hold(tx, row):
                    return
                task = await tasks.do_enqueue(tx, row, node.channels)
                if row.assignee_id is not None and task.agent_id != row.assignee_id:
                    await handover.do_take_over(tx, row, row.assignee_id, node.channels)

    @dispatcher.on(conversation_events.CONVERSATION_ASSIGNED)
    async def assigned(event: DomainEvent) -> None:
        conversation = event.payload["conversation"]
        assignee = conversation["assignee"]
        async with db.transaction() as tx:
            row = await tx.session.get(Conversation, conversation["id"])
            if row is not None and row.status == "open":
                agent_id = assignee["id"] if assignee else None
                await handover.do_take_over(tx, row, agent_id, node.channels)

    @dispatcher.on(conversation_events.CONVERSATION_CLOSED)
    async def ended(event: DomainEvent) -> None:
        async with db.transaction() as tx:
            await tasks.do_end(tx, event.payload["conversation"]["id"], "closed")

    @dispatcher.on(auth_events.AGENT_PRESENCE_CHANGED, auth_events.AGENT_PROFILE_CHANGED)
    async def agent_changed(event: DomainEvent) -> None:
        await node.kick(event.workspace_id, "agent", event.payload["user_id"])

    @dispatcher.on(auth_events.USER_CREATED)
    async def agent_added(event: DomainEvent) -> None:
        await node.kick(event.workspace_id, "agent", event.payload["user_id"])
