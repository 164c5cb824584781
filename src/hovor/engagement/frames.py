"""Offer frames on the visitor socket (tracker protocol v1, "Offers")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from hovor.core.frames import ClientFrame, ServerFrame

OfferKind = Literal["chat", "callback", "cobrowse", "message"]
OfferStatus = Literal["offered", "shown", "accepted", "declined", "expired", "held_out"]

# -- visitor → server ----------------------------------------------------------------------


class OfferShown(ClientFrame):
    type: Literal["offer.shown"]
    offer_id: str = Field(min_length=1, max_length=64)


class OfferDeclined(ClientFrame):
    type: Literal["offer.declined"]
    offer_id: str = Field(min_length=1, max_length=64)


class OfferAccepted(ClientFrame):
    type: Literal["offer.accepted"]
    offer_id: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    preferred_time: datetime | None = None


OfferFrame = OfferShown | OfferDeclined | OfferAccepted

# -- server → visitor ----------------------------------------------------------------------


class OfferCard(BaseModel):
    """What the widget shows of an offer."""

    id: str
    kind: OfferKind
    text: str
    expires_at: datetime


class OfferMadeFrame(ServerFrame):
    type: Literal["offer"] = "offer"
    offer: OfferCard


class OfferUpdatedFrame(ServerFrame):
    """The answer to `offer.accepted` and `offer.declined`."""

    type: Literal["offer.updated"] = "offer.updated"
    offer_id: str
    status: OfferStatus
    conversation_id: str | None = Field(description="the conversation the accepted offer opened")
