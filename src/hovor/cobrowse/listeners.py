"""Committed co-browse changes become frames: the session's state for the visitor's widgets
(a request, a start, control asked or granted, the end) and for the agents' desktops.

Co-browsing also hears two events of its sibling layers, matched as the strings they are
on the bus (engagement and conversations are not imported, as in ``contacts.listeners``):
an accepted co-browse offer is the visitor's consent, kept for the agent who takes the
chat; a closed conversation ends a consent nobody used.
"""

from __future__ import annotations

from sqlalchemy import select

from hovor.bus import Bus
from hovor.bus.topics import agents_topic, visitor_topic
from hovor.cobrowse import events, service
from hovor.cobrowse.frames import CobrowseStateFrame, CobrowseUpdatedFrame, CobrowseVisitorView
from hovor.cobrowse.models import CobrowseSession
from hovor.cobrowse.retention import purge_recordings
from hovor.cobrowse.schemas import CobrowseSessionOut
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database

OFFER_ACCEPTED = "offer.accepted"  # engagement: {"offer": {kind, visitor_id, conversation_id}}
CONVERSATION_CLOSED = "conversation.closed"  # conversations: {"conversation": {"id", ...}}


def register(dispatcher: Dispatcher, bus: Bus, db: Database) -> None:
    @dispatcher.on(*events.COBROWSE_CHANGES)
    async def session_changed(event: DomainEvent) -> None:
        session = CobrowseSessionOut.model_validate(event.payload["session"])
        # A consent from an offer is never shown to the visitor: the widget must not ask,
        # and one that ends unused was never a session the widget knew.
        if session.status != service.CONSENTED and session.end_reason != "unused":
            state = CobrowseVisitorView.model_validate(event.payload["session"])
            await bus.publish(
                visitor_topic(event.workspace_id, session.visitor_id),
                CobrowseStateFrame(session=state).data(),
            )
        await bus.publish(
            agents_topic(event.workspace_id), CobrowseUpdatedFrame(session=session).data()
        )

    @dispatcher.on(events.COBROWSE_ENDED)
    async def purge(event: DomainEvent) -> None:
        # Also hourly (cobrowse.sweeper); at once here, as a recorded session ends.
        if event.payload["session"].get("recorded"):
            await purge_recordings(db, event.workspace_id)

    @dispatcher.on(OFFER_ACCEPTED)
    async def offer_accepted(event: DomainEvent) -> None:
        offer = event.payload["offer"]
        if offer.get("kind") != "cobrowse" or not offer.get("conversation_id"):
            return
        async with db.transaction() as tx:
            try:
                await service.do_record_offer_consent(
                    tx, event.workspace_id, offer["conversation_id"], offer["visitor_id"]
                )
            except NotFound:
                return  # the conversation is gone (erased) since

    @dispatcher.on(CONVERSATION_CLOSED)
    async def conversation_closed(event: DomainEvent) -> None:
        conversation_id = event.payload["conversation"]["id"]
        async with db.transaction() as tx:
            rows = await tx.session.scalars(
                select(CobrowseSession)
                .where(
                    CobrowseSession.workspace_id == event.workspace_id,
                    CobrowseSession.conversation_id == conversation_id,
                    CobrowseSession.status == service.CONSENTED,
                )
                .with_for_update()
            )
            for row in rows.all():
                await service.do_end(tx, row, by="system", reason="unused")
