"""An inbox: one account of a workspace on a channel (a WhatsApp number, a Telegram bot…)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.db.base import Base, IdMixin, TimestampMixin


class Inbox(IdMixin, TimestampMixin, Base):
    __tablename__ = "inboxes"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # the channel kind of its adapter
    name: Mapped[str] = mapped_column(String(120))
    # The provider's credentials and settings, as the adapter's check_config returned them.
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Shared with the provider: signs or accompanies its webhook calls (verify token).
    webhook_secret: Mapped[str] = mapped_column(String(64))
