"""analytics: contributions of stored rows and their hourly and daily rollups

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-03 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0019"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_contributions",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=26), nullable=False),
        sa.Column("hour", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dims", sa.JSON(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_analytics_contributions_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "source", "source_id", name=op.f("pk_analytics_contributions")
        ),
    )
    for table in ("analytics_rollups", "analytics_rollups_daily"):
        op.create_table(
            table,
            sa.Column("workspace_id", sa.String(length=26), nullable=False),
            sa.Column("hour", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
            sa.Column("dim", sa.String(length=16), nullable=False),
            sa.Column("key", sa.String(length=128), nullable=False),
            sa.Column("measure", sa.String(length=32), nullable=False),
            sa.Column("n", sa.Float(), nullable=False),
            sa.Column("total", sa.Float(), nullable=False),
            sa.Column("sumsq", sa.Float(), nullable=False),
            sa.ForeignKeyConstraint(
                ["workspace_id"],
                ["workspaces.id"],
                name=op.f(f"fk_{table}_workspace_id_workspaces"),
            ),
            sa.PrimaryKeyConstraint(
                "workspace_id", "hour", "dim", "key", "measure", name=op.f(f"pk_{table}")
            ),
        )
        op.create_index(
            f"ix_{table}_query", table, ["workspace_id", "dim", "measure", "hour"], unique=False
        )


def downgrade() -> None:
    for table in ("analytics_rollups_daily", "analytics_rollups"):
        op.drop_index(f"ix_{table}_query", table_name=table)
        op.drop_table(table)
    op.drop_table("analytics_contributions")
