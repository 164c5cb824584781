"""whatsapp templates: an inbox's cached message templates and the template of a sent message

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_templates",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("inbox_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("fetched_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbox_id"],
            ["inboxes.id"],
            name=op.f("fk_whatsapp_templates_inbox_id_inboxes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_whatsapp_templates_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_templates")),
        sa.UniqueConstraint(
            "inbox_id",
            "name",
            "language",
            name=op.f("uq_whatsapp_templates_inbox_id_name_language"),
        ),
    )
    op.create_table(
        "whatsapp_template_messages",
        sa.Column("message_id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_whatsapp_template_messages_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_whatsapp_template_messages_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_whatsapp_template_messages")),
    )
    op.create_index(
        "ix_whatsapp_template_messages_workspace",
        "whatsapp_template_messages",
        ["workspace_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_whatsapp_template_messages_workspace", table_name="whatsapp_template_messages"
    )
    op.drop_table("whatsapp_template_messages")
    op.drop_table("whatsapp_templates")
