"""Tables of the engagement context: rules with their versions, and offers made to visitors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    ERASED_TEXT,
    Blank,
    ByParent,
    ByVisitor,
    Delete,
    Export,
    NoPersonalData,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

OFFER_STATUSES = ("offered", "shown", "accepted", "declined", "expired", "held_out")


class Rule(IdMixin, TimestampMixin, Base):
    """A rule's identity; its content lives in versions (the newest is the one in force)."""

    __tablename__ = "engagement_rules"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RuleVersion(IdMixin, TimestampMixin, Base):
    """Every saved version of a rule: who, when, what (the whole rule as data)."""

    __tablename__ = "engagement_rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    rule_id: Mapped[str] = mapped_column(ForeignKey("engagement_rules.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Offer(IdMixin, TimestampMixin, Base):
    """One proactive offer to one visitor, and what became of it.

    ``held_out`` records a visitor of the control group: the rule matched and the guards
    allowed it, but nothing was shown, so uplift can be measured against them.
    """

    __tablename__ = "engagement_offers"
    __table_args__ = (
        Index("ix_engagement_offers_visitor", "workspace_id", "visitor_id", "created_at"),
        Index("ix_engagement_offers_rule", "workspace_id", "rule_key", "created_at"),
        # Texts may quote event props; the context holds pages and the cart.
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"), ByParent("conversation_id", "conversations")),
                export=Export("offers"),
                anonymise=Blank({"context": {}, "text": ERASED_TEXT}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(26), nullable=True)
    rule_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: by an agent
    rule_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    invited_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # chat, callback, cobrowse, message
    queue: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )


class GuardCount(IdMixin, Base):
    """How many matches of a rule the guards or pacing stopped, per hour, offer type, page
    and reason. The runtime counts in memory and adds its counts here in batches
    (``engagement/guarded.py``); several nodes add to the same row."""

    __tablename__ = "engagement_guard_counts"
    __table_args__ = (
        UniqueConstraint(
            "workspace_id",
            "hour",
            "rule_key",
            "kind",
            "page",
            "reason",
            name="uq_engagement_guard_counts_cell",
        ),
        declared(NoPersonalData("counts per hour, rule and reason")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    hour: Mapped[datetime] = mapped_column(UTCDateTime())
    rule_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    page: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)
