"""Calls on the desktops: every committed ``call.updated`` becomes a frame to the workspace's
agents (ringing, answered, ended with outcome and duration; an inbound call's conversation,
so the desktop pops the caller's profile)."""

from __future__ import annotations

from hovor.bus import Bus
from hovor.bus.topics import agents_topic
from hovor.channels.voice.telephony.events import CALL_UPDATED
from hovor.channels.voice.telephony.schemas import CallUpdatedFrame
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent


def register(dispatcher: Dispatcher, bus: Bus) -> None:
    @dispatcher.on(CALL_UPDATED)
    async def call_updated(event: DomainEvent) -> None:
        await bus.publish(
            agents_topic(event.workspace_id),
            CallUpdatedFrame.model_validate({"call": event.payload["call"]}).data(),
        )
