"""co-browsing: per-workspace settings, sessions, recorded event batches

Revision ID: 0021
Revises: 0014
Create Date: 2026-12-03 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0021"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cobrowse_settings",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("record", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_cobrowse_settings_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_settings")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_cobrowse_settings_workspace_id")),
    )
    op.create_table(
        "cobrowse_sessions",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("conversation_id", sa.String(length=26), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=26), nullable=True),
        sa.Column("agent_name", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("control", sa.String(length=16), nullable=False),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.Column("started_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=16), nullable=True),
        sa.Column("end_reason", sa.String(length=64), nullable=True),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["users.id"],
            name=op.f("fk_cobrowse_sessions_agent_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_cobrowse_sessions_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_cobrowse_sessions_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_sessions")),
    )
    op.create_index(
        "ix_cobrowse_sessions_visitor",
        "cobrowse_sessions",
        ["workspace_id", "visitor_id", "status"],
    )
    op.create_index("ix_cobrowse_sessions_conversation", "cobrowse_sessions", ["conversation_id"])
    op.create_table(
        "cobrowse_chunks",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("session_id", sa.String(length=26), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("received_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["cobrowse_sessions.id"],
            name=op.f("fk_cobrowse_chunks_session_id_cobrowse_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_cobrowse_chunks_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cobrowse_chunks")),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_cobrowse_chunks_session_id_seq")),
    )
    op.create_index(
        "ix_cobrowse_chunks_retention", "cobrowse_chunks", ["workspace_id", "received_at"]
    )


def downgrade() -> None:
    op.drop_table("cobrowse_chunks")
    op.drop_index("ix_cobrowse_sessions_conversation", table_name="cobrowse_sessions")
    op.drop_index("ix_cobrowse_sessions_visitor", table_name="cobrowse_sessions")
    op.drop_table("cobrowse_sessions")
    op.drop_table("cobrowse_settings")
