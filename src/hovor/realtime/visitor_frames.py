"""Every frame a visitor's browser may send on /v1/visitor: chat, tracking, offers."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from hovor.channels.webchat.frames import MessageSend, Ping, Typing
from hovor.engagement.frames import OfferAccepted, OfferDeclined, OfferShown
from hovor.tracking.schemas import EventsFrame

VisitorFrame = (
    MessageSend | Typing | Ping | EventsFrame | OfferShown | OfferDeclined | OfferAccepted
)
visitor_frame = TypeAdapter[VisitorFrame](Annotated[VisitorFrame, Field(discriminator="type")])
