"""Turns committed domain events into frames for every agent desktop of the workspace."""

from __future__ import annotations

from hovor.auth import events as auth_events
from hovor.bus import Bus
from hovor.bus.topics import agents_topic
from hovor.channels.outbox import service as outbox
from hovor.channels.outbox.schemas import DeliveryUpdatedFrame
from hovor.contacts import events as contact_events
from hovor.conversations import events as conversation_events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.orders import events as order_events
from hovor.realtime.agent_frames import (
    ContactChangedFrame,
    ConversationCreatedFrame,
    ConversationUpdatedFrame,
    MessageCreatedFrame,
    PresenceChangedFrame,
    TicketChangedFrame,
)
from hovor.routing import events as routing_events
from hovor.routing.frames import RoutingAlertFrame, RoutingTaskFrame
from hovor.tickets import events as ticket_events


def register(dispatcher: Dispatcher, bus: Bus) -> None:
    @dispatcher.on(*conversation_events.CONVERSATION_CHANGES)
    async def conversation_changed(event: DomainEvent) -> None:
        frame = (
            ConversationCreatedFrame
            if event.name == conversation_events.CONVERSATION_CREATED
            else ConversationUpdatedFrame
        )
        await bus.publish(
            agents_topic(event.workspace_id),
            frame.model_validate({"conversation": event.payload["conversation"]}).data(),
        )

    @dispatcher.on(conversation_events.MESSAGE_CREATED)
    async def message_created(event: DomainEvent) -> None:
        # Desktops derive the inbox row (last message, unread count, activity) from the
        # message itself; a conversation snapshot here could be older than the routing
        # decision that committed in between.
        await bus.publish(
            agents_topic(event.workspace_id),
            MessageCreatedFrame.model_validate({"message": event.payload["message"]}).data(),
        )

    @dispatcher.on(outbox.DELIVERY_UPDATED)
    async def delivery_updated(event: DomainEvent) -> None:
        # Sent, failed with the provider's reason, retried, delivered or read: shown beside
        # the message it belongs to.
        await bus.publish(
            agents_topic(event.workspace_id),
            DeliveryUpdatedFrame.model_validate({"delivery": event.payload["delivery"]}).data(),
        )

    @dispatcher.on(auth_events.AGENT_PRESENCE_CHANGED)
    async def presence_changed(event: DomainEvent) -> None:
        await bus.publish(
            agents_topic(event.workspace_id),
            PresenceChangedFrame(
                user_id=event.payload["user_id"],
                status=event.payload["status"],
                reason=event.payload.get("reason"),
            ).data(),
        )

    @dispatcher.on(
        ticket_events.TICKET_CREATED, ticket_events.TICKET_UPDATED, ticket_events.TICKET_NOTE_ADDED
    )
    async def ticket_changed(event: DomainEvent) -> None:
        # A hint, not the data: desktops refetch what they show of the ticket.
        ticket = event.payload.get("ticket") or {}
        contact = ticket.get("contact") or {}
        await bus.publish(
            agents_topic(event.workspace_id),
            TicketChangedFrame(
                ticket_id=ticket.get("id") or event.payload["ticket_id"],
                contact_id=contact.get("id"),
            ).data(),
        )

    @dispatcher.on(
        contact_events.CONTACT_UPDATED,
        contact_events.CONTACT_IDENTIFIED,
        contact_events.CONTACT_MERGED,
        contact_events.CONTACT_UNMERGED,
        order_events.ORDER_CREATED,
    )
    async def contact_changed(event: DomainEvent) -> None:
        ids = [
            event.payload[k] for k in ("contact_id", "source_id", "target_id") if k in event.payload
        ]
        await bus.publish(
            agents_topic(event.workspace_id), ContactChangedFrame(contact_ids=ids).data()
        )

    @dispatcher.on(routing_events.TASK_CHANGED)
    async def task_changed(event: DomainEvent) -> None:
        # Reservations (the agent named in it accepts or rejects), assignments, steps.
        await bus.publish(
            agents_topic(event.workspace_id),
            RoutingTaskFrame.model_validate({"task": event.payload["task"]}).data(),
        )

    @dispatcher.on(
        routing_events.TASK_SLA_WARNED,
        routing_events.TASK_SLA_BREACHED,
        routing_events.TASK_MARKED_UNROUTABLE,
    )
    async def routing_alert(event: DomainEvent) -> None:
        kind = {
            routing_events.TASK_SLA_WARNED: "sla_warning",
            routing_events.TASK_SLA_BREACHED: "sla_breached",
            routing_events.TASK_MARKED_UNROUTABLE: "unroutable",
        }[event.name]
        await bus.publish(
            agents_topic(event.workspace_id),
            RoutingAlertFrame.model_validate({"alert": kind, "task": event.payload["task"]}).data(),
        )
