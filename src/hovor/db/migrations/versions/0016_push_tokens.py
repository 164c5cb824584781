"""push tokens and attachments (the mobile API); several deliveries per message (push)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "push_tokens",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=1024), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=True),
        sa.Column("app_id", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_push_tokens_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_tokens")),
        sa.UniqueConstraint(
            "workspace_id",
            "platform",
            "token",
            name=op.f("uq_push_tokens_workspace_id_platform_token"),
        ),
    )
    with op.batch_alter_table("push_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_push_tokens_visitor", ["workspace_id", "visitor_id"])
    op.create_table(
        "attachments",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=26), nullable=True),
        sa.Column("message_id", sa.String(length=26), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_attachments_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_attachments_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_attachments_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_visitor", ["workspace_id", "visitor_id"])
    # A reply now has one delivery on its channel plus one per device it is pushed to.
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_deliveries_message_id"), type_="unique")
        batch_op.create_index("ix_deliveries_message", ["message_id"])


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE channel = 'push'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_message")
        batch_op.create_unique_constraint(op.f("uq_deliveries_message_id"), ["message_id"])
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_visitor")
    op.drop_table("attachments")
    with op.batch_alter_table("push_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_push_tokens_visitor")
    op.drop_table("push_tokens")
