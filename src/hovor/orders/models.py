"""Orders reported by the shop's back-end, one row per external order id."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    ERASED_DIGEST,
    Blank,
    ByContact,
    Export,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Order(IdMixin, TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_orders_contact", "workspace_id", "contact_id", "placed_at"),
        # Kept for bookkeeping in both modes (a deleted contact stays as a tombstone for
        # them); the digest hashed the customer's e-mail and phone.
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("orders"),
                anonymise=Blank({"digest": ERASED_DIGEST}),
                delete=Blank({"digest": ERASED_DIGEST}),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A digest of what was sent, so a resend with other content is told apart (409).
    digest: Mapped[str] = mapped_column(String(64))
