"""Finding and removing the simulated history: visitors ``sim-…`` and what hangs on them."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import delete, select

from hovor.auth.models import PresencePeriod
from hovor.contacts.models import Contact, ContactIdentity, TimelineEntry
from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.csat.models import CsatSurvey
from hovor.db.transaction import Database
from hovor.engagement.models import GuardCount, Offer
from hovor.leads.models import Lead
from hovor.orders.models import Order
from hovor.routing.models import RoutingTask
from hovor.tickets.models import Ticket, TicketConversation
from hovor.tracking.models import TrackedEvent, WebSession

PREFIX = "sim-"


async def has_history(db: Database, workspace_id: str) -> bool:
    async with db.read() as session:
        found = await session.scalar(
            select(WebSession.id)
            .where(
                WebSession.workspace_id == workspace_id, WebSession.visitor_id.like(PREFIX + "%")
            )
            .limit(1)
        )
    return found is not None


async def reset_history(db: Database, workspace_id: str) -> None:
    """Remove every simulated row of the workspace (visitors ``sim-…`` and what hangs on them)."""
    sim = ContactIdentity.value.like(PREFIX + "%")
    async with db.transaction() as tx:
        s = tx.session
        contacts = select(ContactIdentity.contact_id).where(
            ContactIdentity.workspace_id == workspace_id, ContactIdentity.kind == "visitor", sim
        )
        ids = list((await s.scalars(contacts)).all())
        tickets_of = select(Ticket.id).where(Ticket.contact_id.in_(ids))
        await s.execute(
            delete(TicketConversation).where(TicketConversation.ticket_id.in_(tickets_of))
        )
        await s.execute(delete(Ticket).where(Ticket.id.in_(tickets_of)))
        await s.execute(delete(Order).where(Order.contact_id.in_(ids)))
        convs = select(Conversation.id).where(Conversation.contact_id.in_(ids))
        await s.execute(delete(RoutingTask).where(RoutingTask.conversation_id.in_(convs)))
        await s.execute(delete(CsatSurvey).where(CsatSurvey.conversation_id.in_(convs)))
        await s.execute(delete(Conversation).where(Conversation.contact_id.in_(ids)))
        for table, column in (
            (Lead, Lead.visitor_id),
            (Offer, Offer.visitor_id),
            (TrackedEvent, TrackedEvent.visitor_id),
            (WebSession, WebSession.visitor_id),
        ):
            await s.execute(
                delete(table).where(table.workspace_id == workspace_id, column.like(PREFIX + "%"))
            )
        # Counts of stopped matches and ended presence before today cannot be told apart
        # from real ones: the demo workspace's are all simulated (demo/staffing.py).
        await s.execute(delete(GuardCount).where(GuardCount.workspace_id == workspace_id))
        today = datetime.combine(clock.now().date(), time(), clock.now().tzinfo)
        await s.execute(
            delete(PresencePeriod).where(
                PresencePeriod.workspace_id == workspace_id,
                PresencePeriod.ended_at.is_not(None),
                PresencePeriod.started_at < today,
            )
        )
        await s.execute(delete(TimelineEntry).where(TimelineEntry.contact_id.in_(ids)))
        await s.execute(delete(ContactIdentity).where(ContactIdentity.contact_id.in_(ids)))
        await s.execute(delete(Contact).where(Contact.id.in_(ids)))
