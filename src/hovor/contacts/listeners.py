"""The timeline hears what happened elsewhere through committed domain events.

Contacts sit below conversations and engagement, so the event names are matched as the
strings they are on the bus (``noun.past_verb``) rather than imported. Each listener writes
through ``timeline.do_record``, idempotent by its ref, so a re-run adds nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hovor.contacts import timeline
from hovor.contacts.service import find_by_identity
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database

CONVERSATION_CREATED = "conversation.created"
CONVERSATION_CLOSED = "conversation.closed"
OFFER_ACCEPTED = "offer.accepted"


def _at(value: Any, default: datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else default


def register(dispatcher: Dispatcher, db: Database) -> None:
    @dispatcher.on(CONVERSATION_CREATED)
    async def conversation_started(event: DomainEvent) -> None:
        c = event.payload["conversation"]
        async with db.transaction() as tx:
            await timeline.do_record(
                tx,
                event.workspace_id,
                c["contact"]["id"],
                timeline.CONVERSATION_STARTED,
                _at(c.get("created_at"), event.occurred_at),
                "conversation",
                c["id"],
                f"Conversation started ({c['channel']})",
                {"conversation_id": c["id"], "channel": c["channel"]},
            )

    @dispatcher.on(CONVERSATION_CLOSED)
    async def conversation_closed(event: DomainEvent) -> None:
        c = event.payload["conversation"]
        assignee = (c.get("assignee") or {}).get("name")
        async with db.transaction() as tx:
            await timeline.do_record(
                tx,
                event.workspace_id,
                c["contact"]["id"],
                timeline.CONVERSATION_CLOSED,
                event.occurred_at,
                "conversation.closed",
                f"{c['id']}:{event.occurred_at.isoformat()}",
                f"Conversation closed{f' by {assignee}' if assignee else ''}",
                {"conversation_id": c["id"], "channel": c["channel"]},
            )

    @dispatcher.on(OFFER_ACCEPTED)
    async def offer_accepted(event: DomainEvent) -> None:
        offer = event.payload["offer"]
        async with db.transaction() as tx:
            contact = await find_by_identity(
                tx.session, event.workspace_id, "visitor", offer["visitor_id"]
            )
            if contact is None:
                return
            await timeline.do_record(
                tx,
                event.workspace_id,
                contact.id,
                timeline.OFFER_ACCEPTED,
                event.occurred_at,
                "offer",
                offer["id"],
                f"Accepted a {offer['kind']} offer"
                + (f": {offer['text']}" if offer.get("text") else ""),
                {
                    "offer_id": offer["id"],
                    "kind": offer["kind"],
                    "rule_key": offer.get("rule_key"),
                    "conversation_id": offer.get("conversation_id"),
                },
            )
