"""Co-browse tables: the workspace's switch, the sessions, and recorded event batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import (
    ByParent,
    ByVisitor,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime


class CobrowseSettings(IdMixin, Base):
    """One row per workspace that changed the defaults (on, not recorded, 30 days)."""

    __tablename__ = "cobrowse_settings"
    __table_args__ = (declared(NoPersonalData("a workspace's switches")),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    record: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class CobrowseSession(IdMixin, TimestampMixin, Base):
    """An agent's request to see a visitor's page, and the session it became.

    status: requested → active → ended, or requested → declined / ended (cancelled).
    control: none → requested → granted (the visitor's second consent) or back to none.
    """

    __tablename__ = "cobrowse_sessions"
    __table_args__ = (
        Index("ix_cobrowse_sessions_visitor", "workspace_id", "visitor_id", "status"),
        Index("ix_cobrowse_sessions_conversation", "conversation_id"),
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"),),
                export=Export("cobrowse_sessions"),
                anonymise=Delete(),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    agent_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    control: Mapped[str] = mapped_column(String(16), default="none")
    recorded: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(16), nullable=True)  # visitor, agent
    end_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CobrowseChunk(IdMixin, Base):
    """One relayed batch of rrweb events, kept only when the workspace records sessions."""

    __tablename__ = "cobrowse_chunks"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        Index("ix_cobrowse_chunks_retention", "workspace_id", "received_at"),
        declared(
            PersonalData(
                reach=(ByParent("session_id", "cobrowse_sessions"),),
                export=None,
                anonymise=Delete(),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    session_id: Mapped[str] = mapped_column(ForeignKey("cobrowse_sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    events: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
