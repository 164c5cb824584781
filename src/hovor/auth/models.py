"""Tables of the auth context: workspaces (tenants), users, sessions, API tokens, site keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import NoPersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

ROLES = ("admin", "supervisor", "agent")
PRESENCES = ("online", "busy", "away", "offline")  # online: available for routing


class Workspace(IdMixin, TimestampMixin, Base):
    __tablename__ = "workspaces"

    name: Mapped[str] = mapped_column(String(120))


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        declared(NoPersonalData("the team's accounts (staff), not contacts or visitors")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The agent's declared availability. Routing reads it through auth.service.
    presence: Mapped[str] = mapped_column(String(16), default="offline")
    presence_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    presence_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)  # "lunch"
    chat_capacity: Mapped[int] = mapped_column(Integer, default=3)


class UserSession(IdMixin, TimestampMixin, Base):
    """A desktop login. The cookie carries a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(IdMixin, TimestampMixin, Base):
    __tablename__ = "api_tokens"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SiteKey(IdMixin, TimestampMixin, Base):
    """A public key that a website embeds; it only works from the listed origins."""

    __tablename__ = "site_keys"
    __table_args__ = (UniqueConstraint("key"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    widget_settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PresencePeriod(IdMixin, Base):
    """A stretch of one presence of an agent, within one UTC hour (a longer stretch is
    stored as one row per hour it touches, so the hourly rollups need no splitting).
    ``do_set_presence`` ends the open period and starts the next; ``ended_at`` is None
    while it lasts. Occupancy's staffed time is read from here (docs/analytics.md)."""

    __tablename__ = "agent_presence_periods"
    __table_args__ = (
        Index("ix_agent_presence_periods_user", "workspace_id", "user_id", "started_at"),
        declared(NoPersonalData("the team's presence (staff), not contacts or visitors")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
