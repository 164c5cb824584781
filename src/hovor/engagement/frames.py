"""Frames a visitor's widget sends about an offer (tracker protocol v1, "Offers")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfferShown(_Frame):
    type: Literal["offer.shown"]
    offer_id: str = Field(min_length=1, max_length=64)


class OfferDeclined(_Frame):
    type: Literal["offer.declined"]
    offer_id: str = Field(min_length=1, max_length=64)


class OfferAccepted(_Frame):
    type: Literal["offer.accepted"]
    offer_id: str = Field(min_length=1, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    preferred_time: datetime | None = None


OfferFrame = OfferShown | OfferDeclined | OfferAccepted
