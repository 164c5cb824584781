"""The bot's settings (per workspace: web chat, and per inbox) and its state per conversation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    Blank,
    ByParent,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin

WEBCHAT_SCOPE = "webchat"  # BotConfig.scope for the site's web chat; else an inbox id
SESSION_STATUSES = ("active", "awaiting_phone", "handed_off")


class BotConfig(IdMixin, TimestampMixin, Base):
    __tablename__ = "bot_configs"
    __table_args__ = (
        UniqueConstraint("workspace_id", "scope"),
        declared(NoPersonalData("the workspace's bot settings and flows")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    scope: Mapped[str] = mapped_column(String(32))  # WEBCHAT_SCOPE or an inbox id
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(60))
    threshold: Mapped[float] = mapped_column(Float)
    flows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class BotSession(IdMixin, TimestampMixin, Base):
    """What the bot knows about one conversation it answers."""

    __tablename__ = "bot_sessions"
    __table_args__ = (
        # What a flow collected (an order number, an e-mail) is the customer's.
        declared(
            PersonalData(
                reach=(ByParent("conversation_id", "conversations"),),
                export=Export("bot_sessions"),
                anonymise=Blank({"collected": {}, "handoff_reason": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    config_id: Mapped[str] = mapped_column(ForeignKey("bot_configs.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="active")  # SESSION_STATUSES
    failures: Mapped[int] = mapped_column(Integer, default=0)  # "I don't know" answers
    flow: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the running flow
    step: Mapped[str | None] = mapped_column(String(40), nullable=True)
    steps_taken: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # step -> times entered
    collected: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    handoff_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
