"""Analytics tables: each source row's contribution, and the hourly rollups they sum to.

A *contribution* is what one stored row (an offer, a conversation, a routing task, a
callback, an order, a rating) adds to the rollups: its hour, its dimensions and its
measures. Refreshing a row replaces its old contribution by the new one and applies the
difference to the rollups, so refreshing twice, or in any order, leaves the rollups equal
to a recomputation from the rows (docs/analytics.md, "How the rollups stay right").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import NoPersonalData, declared
from hovor.db.base import Base, UTCDateTime


class Contribution(Base):
    __tablename__ = "analytics_contributions"
    __table_args__ = (
        declared(NoPersonalData("ids of stored rows with counts and durations, no content")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)  # offer, conversation...
    source_id: Mapped[str] = mapped_column(String(26), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime())
    # {dimension: value}, e.g. {"rule": "cart_over_1000", "kind": "chat", "page": "/cart"}
    dims: Mapped[dict[str, str]] = mapped_column(JSON)
    # {measure: value}; a measure absent from a row adds nothing (not even to its count)
    measures: Mapped[dict[str, Any]] = mapped_column(JSON)


class RollupCells:
    """Count, sum and sum of squares per workspace, time, dimension value and measure
    (enough for means, rates and Welch's test without the rows)."""

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    dim: Mapped[str] = mapped_column(String(16), primary_key=True)  # all, rule, channel...
    key: Mapped[str] = mapped_column(String(128), primary_key=True)  # the dimension's value
    measure: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[float] = mapped_column(Float, default=0.0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    sumsq: Mapped[float] = mapped_column(Float, default=0.0)


class Rollup(RollupCells, Base):
    """Per hour (UTC): what the heat map, the daily trend in any time zone and the edges of
    a period are read from."""

    __tablename__ = "analytics_rollups"
    __table_args__ = (
        Index("ix_analytics_rollups_query", "workspace_id", "dim", "measure", "hour"),
        declared(NoPersonalData("counts and sums per hour and dimension")),
    )


class DailyRollup(RollupCells, Base):
    """The same cells per UTC day (``hour`` is the day's midnight): the whole days of a
    period are read from here, 24 times fewer rows than the hours."""

    __tablename__ = "analytics_rollups_daily"
    __table_args__ = (
        Index("ix_analytics_rollups_daily_query", "workspace_id", "dim", "measure", "hour"),
        declared(NoPersonalData("counts and sums per day and dimension")),
    )


class WeeklyReportSend(Base):
    """The weekly report of one workspace and week: claimed by one node before it sends
    (a lease, as the outbox's rows), marked sent after. Its primary key makes a second
    send of the same week impossible (docs/analytics.md, "Weekly report")."""

    __tablename__ = "analytics_weekly_reports"
    __table_args__ = (declared(NoPersonalData("which week's report went out, and when")),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)  # the week's Monday
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_until: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
