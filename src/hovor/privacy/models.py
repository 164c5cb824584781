"""The audit of privacy requests: who exported or erased which contact, when, why, how much."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import NoPersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin

MODES = ("export", "anonymise", "delete")


class PrivacyRequest(IdMixin, TimestampMixin, Base):
    """One export or erasure. Holds counts of rows per table, never the data itself.

    ``contact_id`` is not a foreign key: after a delete the contact row may be gone, and
    the audit row must outlive it.
    """

    __tablename__ = "privacy_requests"
    __table_args__ = (
        Index("ix_privacy_requests_workspace", "workspace_id", "created_at"),
        Index("ix_privacy_requests_contact", "workspace_id", "contact_id"),
        declared(
            NoPersonalData(
                "the audit of requests: a contact id, counts and a reason without personal "
                "data; it must outlive the erasure it records"
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    contact_id: Mapped[str] = mapped_column(String(26))
    actor: Mapped[str] = mapped_column(String(64))  # "user:<id>"
    mode: Mapped[str] = mapped_column(String(16))  # one of MODES
    reason: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
