"""WhatsApp's own tables: an inbox's message templates (a cache of Meta's list) and the
template an agent's message was sent as (the outbox builds the Cloud API payload from it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import (
    ByParent,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, UTCDateTime


class WhatsAppTemplate(IdMixin, Base):
    """One template (name and language) of an inbox's WhatsApp Business Account, as Meta's
    ``GET /{waba-id}/message_templates`` last listed it; replaced whole on every fetch."""

    __tablename__ = "whatsapp_templates"
    __table_args__ = (
        UniqueConstraint("inbox_id", "name", "language"),
        declared(NoPersonalData("the business's own message templates")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    inbox_id: Mapped[str] = mapped_column(ForeignKey("inboxes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))  # APPROVED, PENDING, REJECTED, PAUSED…
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class WhatsAppTemplateMessage(Base):
    """An agent's message sent as a template: its name, language and body parameters.
    The message's body holds the rendered text the desktop and the timeline show."""

    __tablename__ = "whatsapp_template_messages"
    __table_args__ = (
        Index("ix_whatsapp_template_messages_workspace", "workspace_id"),
        declared(
            PersonalData(
                reach=(ByParent("message_id", "messages"),),
                export=Export("whatsapp_templates", nested=True),
                anonymise=Delete(),
                delete=Delete(),
            )
        ),
    )

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    parameters: Mapped[list[str]] = mapped_column(JSON, default=list)
