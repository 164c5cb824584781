"""Leads captured from what other contexts record: a callback asked for from an offer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hovor.channels.voice.models import CallbackRequest
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.engagement import events as engagement_events
from hovor.leads.service import LeadDetails, do_capture_lead


def register(dispatcher: Dispatcher) -> None:
    @dispatcher.within(engagement_events.OFFER_ACCEPTED)
    async def callback_lead(tx: Any, event: DomainEvent) -> None:
        """A visitor who accepts a callback offer leaves their number: a lead, in the same
        transaction as the callback (one is never stored without the other)."""
        offer = event.payload["offer"]
        if offer["kind"] != "callback" or not offer.get("conversation_id"):
            return
        phone = await tx.session.scalar(
            select(CallbackRequest.phone)
            .where(
                CallbackRequest.workspace_id == event.workspace_id,
                CallbackRequest.conversation_id == offer["conversation_id"],
            )
            .limit(1)
        )
        if phone:
            await do_capture_lead(
                tx,
                event.workspace_id,
                offer["visitor_id"],
                LeadDetails(source="callback", phone=phone),
            )
