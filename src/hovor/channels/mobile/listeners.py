"""Pushes promised with an agent's web chat reply, in the transaction that stores it;
visitors' files removed from disk after an erasure."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from hovor.bus import Bus
from hovor.bus.topics import visitor_topic
from hovor.channels.attachments.storage import remove_orphans
from hovor.channels.mobile.adapter import KIND
from hovor.channels.mobile.tokens import push_tokens_of
from hovor.channels.outbox.service import do_promise_delivery
from hovor.channels.webchat.adapter import KIND as WEBCHAT
from hovor.conversations import events as conversation_events
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database

log = logging.getLogger(__name__)


def register(dispatcher: Dispatcher, bus: Bus, *, claim_for: timedelta | None = None) -> None:
    """After the outbox's own writer (register this after ``outbox.service.register``).

    ``claim_for`` as there: this node's worker sends the pushes right after the commit.
    """

    @dispatcher.within(conversation_events.MESSAGE_CREATED)
    async def promise_pushes(tx: Any, event: DomainEvent) -> None:
        message = event.payload["message"]
        if (
            event.payload["channel"] != WEBCHAT
            or message["author_type"] != "agent"
            or message["private"]
        ):
            return
        visitor_id = event.payload["source_id"]
        devices = await push_tokens_of(tx.session, event.workspace_id, visitor_id)
        if not devices or await _is_heard(bus, visitor_topic(event.workspace_id, visitor_id)):
            return  # no device, or an open socket shows the reply live
        for device in devices:
            await do_promise_delivery(
                tx, event, message, claim_for, channel=KIND, recipient=device.id
            )


async def _is_heard(bus: Bus, topic: str) -> bool:
    """A bus that cannot tell must not fail the reply's transaction: then push (a visitor
    told twice is better than one not told)."""
    try:
        return await bus.is_heard(topic)
    except Exception:
        log.warning("could not tell whether %s has a socket; pushing", topic, exc_info=True)
        return False


def remove_erased_files(dispatcher: Dispatcher, db: Database, data_dir: Path, erased: str) -> None:
    """After an erasure (``erased``: privacy's event, a context above this one) deletes the
    visitor's attachment rows, their files go from disk too."""

    @dispatcher.on(erased)
    async def remove_files(event: DomainEvent) -> None:
        async with db.read() as session:
            await remove_orphans(session, data_dir, event.workspace_id)
