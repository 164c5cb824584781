"""API shapes of orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_ITEMS = 200


class CustomerIn(BaseModel):
    """Who placed the order: at least one of external_id, email, phone."""

    model_config = ConfigDict(extra="forbid")

    external_id: str | None = Field(default=None, min_length=1, max_length=254)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)


class OrderItemIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    sku: str | None = Field(default=None, max_length=128)
    name: str = Field(min_length=1, max_length=300)
    quantity: int = Field(default=1, ge=1, le=100_000)
    price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=128)
    contact: CustomerIn
    total: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    items: list[OrderItemIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    placed_at: datetime

    @field_validator("placed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a timestamp needs a time zone (e.g. a trailing Z)")
        return value


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    external_id: str
    contact_id: str
    total: Decimal
    currency: str
    items: list[dict[str, Any]]
    placed_at: datetime
    created_at: datetime
