"""leads, the leads' CRM webhook and its deliveries

Revision ID: 0020
Revises: 0014
Create Date: 2026-12-03 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0020"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=26), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=26), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("referrer", sa.String(length=2048), nullable=True),
        sa.Column("landing_url", sa.String(length=2048), nullable=True),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("utm_medium", sa.String(length=200), nullable=True),
        sa.Column("utm_campaign", sa.String(length=200), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("cart", sa.JSON(), nullable=False),
        sa.Column("updated_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        *_created(),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_leads_workspace_id_workspaces")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_leads_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index("ix_leads_workspace_created", ["workspace_id", "created_at"])
        batch_op.create_index("ix_leads_visitor", ["workspace_id", "visitor_id"])
        batch_op.create_index("ix_leads_status", ["workspace_id", "status"])
    op.create_table(
        "lead_webhooks",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        *_created(),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_lead_webhooks_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_webhooks")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_lead_webhooks_workspace_id")),
    )
    op.create_table(
        "lead_deliveries",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("lead_id", sa.String(length=26), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("sent_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        *_created(),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_lead_deliveries_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_deliveries_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_deliveries")),
    )
    with op.batch_alter_table("lead_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_lead_deliveries_due", ["status", "next_attempt_at"])
        batch_op.create_index(batch_op.f("ix_lead_deliveries_lead_id"), ["lead_id"])


def downgrade() -> None:
    op.drop_table("lead_deliveries")
    op.drop_table("lead_webhooks")
    op.drop_table("leads")
