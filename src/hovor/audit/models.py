"""One row per recorded admin action (``audit_entries``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import NoPersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin


class AuditEntry(IdMixin, TimestampMixin, Base):
    """An action a privileged account (or an API token) took, as the request named it.

    The actor's id, name and e-mail are copies, not a foreign key: the entry must outlive
    the user it names. Request bodies are never stored; ``target`` holds the route's path
    parameters (the ids acted on).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_workspace", "workspace_id", "created_at"),
        declared(
            NoPersonalData(
                "the audit of staff's actions: staff accounts and the ids they acted on (a "
                "contact id in a path); it must outlive the users and erasures it records"
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    actor_id: Mapped[str] = mapped_column(String(26))
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_email: Mapped[str] = mapped_column(String(254))
    via: Mapped[str] = mapped_column(String(16))  # "session" or "token"
    token_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    token_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    method: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(200))  # the template: /v1/users/{user_id}
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # path parameters
    summary: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
