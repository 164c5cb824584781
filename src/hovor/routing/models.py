"""Routing's tables: queues, agents' routing profiles and tasks (work waiting for or held by an agent).

The database is the truth; the router in memory (``routing.engine``) is rebuilt from these
rows on start-up and kept in step with them. Every write to a task bumps ``version`` and is
conditional on the version read, so two processes can never both assign one task.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import ByContact, ByParent, Delete, Keep, PersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

ACTIVE_TASK_STATUSES = ("waiting", "reserved", "assigned")
TASK_STATUSES = (*ACTIVE_TASK_STATUSES, "completed", "cancelled")
_ACTIVE = "status IN ('waiting', 'reserved', 'assigned')"


class RoutingQueue(IdMixin, TimestampMixin, Base):
    __tablename__ = "routing_queues"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # default queue of these
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{target, timeout_seconds}]
    strategy: Mapped[str] = mapped_column(String(32), default="least_occupied")
    overflow_queue_id: Mapped[str | None] = mapped_column(
        ForeignKey("routing_queues.id", ondelete="SET NULL"), nullable=True
    )
    sla_seconds: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    sticky_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    wrap_up_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    reservation_seconds: Mapped[float] = mapped_column(Float, default=30.0)
    auto_accept: Mapped[bool] = mapped_column(Boolean, default=True)
    weight_skill: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class RoutingAgent(Base):
    """An agent's skills, attributes and capacity per channel (presence stays on the user)."""

    __tablename__ = "routing_agents"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Channels other than web chat (whose capacity is the user's chat_capacity, ADR 0005).
    capacity: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class RoutingTask(IdMixin, TimestampMixin, Base):
    __tablename__ = "routing_tasks"
    __table_args__ = (
        Index("ix_routing_tasks_active", "workspace_id", "status"),
        # At most one active task per conversation.
        Index(
            "uq_routing_tasks_one_active",
            "conversation_id",
            unique=True,
            sqlite_where=text(_ACTIVE),
            postgresql_where=text(_ACTIVE),
        ),
        # Queue state of the contact's conversations: ids, statuses and times, nothing the
        # customer said, so not part of the export.
        declared(
            PersonalData(
                reach=(ByContact("contact_id"), ByParent("conversation_id", "conversations")),
                export=None,
                anonymise=Keep("ids, statuses and times only"),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    channel: Mapped[str] = mapped_column(String(32))
    queue_id: Mapped[str] = mapped_column(ForeignKey("routing_queues.id"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    step: Mapped[int] = mapped_column(Integer, default=0)
    step_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    ready_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    sticky_agent_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reservation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rejected: Mapped[list[str]] = mapped_column(JSON, default=list)
    sla_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_breached: Mapped[bool] = mapped_column(Boolean, default=False)
    unroutable: Mapped[bool] = mapped_column(Boolean, default=False)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
