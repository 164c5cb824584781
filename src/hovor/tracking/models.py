"""Tables of the tracking context: web sessions and the raw event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import Blank, ByVisitor, Delete, Export, PersonalData, declared
from hovor.db.base import Base, IdMixin, UTCDateTime


class WebSession(IdMixin, Base):
    """One visit: events of a visitor with no gap longer than the inactivity timeout."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        Index("ix_web_sessions_visitor", "workspace_id", "visitor_id", "started_at"),
        Index("ix_web_sessions_last_seen", "workspace_id", "last_seen_at"),  # retention purge
        # Anonymised: kept with times, device, browser, OS and event count.
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"),),
                export=Export("web_sessions"),
                anonymise=Blank(
                    {"landing_url": None, "referrer": None, "utm": {}, "user_agent": None}
                ),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    landing_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    referrer: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    utm: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    user_agent: Mapped[str | None] = mapped_column(String(512), nullable=True)
    device: Mapped[str] = mapped_column(String(16), default="unknown")
    browser: Mapped[str | None] = mapped_column(String(64), nullable=True)
    os: Mapped[str | None] = mapped_column(String(64), nullable=True)
    returning_visitor: Mapped[bool] = mapped_column(Boolean, default=False)
    events: Mapped[int] = mapped_column(Integer, default=0)


class TrackedEvent(IdMixin, Base):
    """The event log: every accepted tracker event, once (deduplicated by the client's id)."""

    __tablename__ = "tracked_events"
    __table_args__ = (
        UniqueConstraint("workspace_id", "visitor_id", "event_id"),
        Index("ix_tracked_events_time", "workspace_id", "ts"),
        Index("ix_tracked_events_session", "session_id", "ts"),
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"),),
                export=Export("tracked_events"),
                anonymise=Blank({"props": {}, "page": {}}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(String(26))
    event_id: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(64))
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    clock_skew: Mapped[bool] = mapped_column(Boolean, default=False)
    props: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
