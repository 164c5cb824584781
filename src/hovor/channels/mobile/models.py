"""Push tokens of a visitor's devices (their files: ``hovor.channels.attachments``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import ByVisitor, Delete, Export, PersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin

PLATFORMS = ("fcm", "apns", "webpush")


class PushToken(IdMixin, TimestampMixin, Base):
    """One device (or browser) of a visitor that may be woken by a push notification.

    ``token`` is the FCM registration token, the APNs device token (hex) or the Web Push
    subscription's endpoint URL (its ``p256dh`` and ``auth`` keys in ``keys``). A token
    belongs to one visitor: registering it again for another visitor moves it.
    """

    __tablename__ = "push_tokens"
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "token"),
        Index("ix_push_tokens_visitor", "workspace_id", "visitor_id"),
        # A device address: erased with the visitor, whichever mode.
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"),),
                export=Export("push_tokens"),
                anonymise=Delete(),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))  # PLATFORMS
    token: Mapped[str] = mapped_column(String(1024))
    keys: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    app_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    locale: Mapped[str | None] = mapped_column(String(35), nullable=True)
