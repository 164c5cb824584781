"""analytics: engagement_guard_counts (matches the guards or pacing stopped, per hour),
agent_presence_periods (presence history, for occupancy), analytics_weekly_reports (the
weekly report sent once per workspace and week)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "engagement_guard_counts",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("hour", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rule_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("page", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_engagement_guard_counts_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_guard_counts")),
        sa.UniqueConstraint(
            "workspace_id",
            "hour",
            "rule_key",
            "kind",
            "page",
            "reason",
            name="uq_engagement_guard_counts_cell",
        ),
    )
    op.create_table(
        "agent_presence_periods",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_agent_presence_periods_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_agent_presence_periods_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_presence_periods")),
    )
    op.create_index(
        "ix_agent_presence_periods_user",
        "agent_presence_periods",
        ["workspace_id", "user_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "analytics_weekly_reports",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_until", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_analytics_weekly_reports_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "week", name=op.f("pk_analytics_weekly_reports")),
    )


def downgrade() -> None:
    op.drop_table("analytics_weekly_reports")
    op.drop_index("ix_agent_presence_periods_user", table_name="agent_presence_periods")
    op.drop_table("agent_presence_periods")
    op.drop_table("engagement_guard_counts")
