"""the outbox (deliveries) replaces email_deliveries; inboxes; conversations.inbox_id

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = {"pending": "pending", "sent": "sent", "failed": "failed", "unsent": "failed"}


def upgrade() -> None:
    op.create_table(
        "inboxes",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("webhook_secret", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_inboxes_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inboxes")),
    )
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inboxes_workspace_id"), ["workspace_id"])
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inbox_id", sa.String(length=26), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_conversations_inbox_id_inboxes"),
            "inboxes",
            ["inbox_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "deliveries",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("message_id", sa.String(length=26), nullable=False),
        sa.Column("conversation_id", sa.String(length=26), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("inbox_id", sa.String(length=26), nullable=True),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider_message_id", sa.String(length=200), nullable=True),
        sa.Column("sent_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_deliveries_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_deliveries_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_deliveries_workspace_id_workspaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("message_id", name=op.f("uq_deliveries_message_id")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["status", "next_attempt_at"])
        batch_op.create_index("ix_deliveries_conversation", ["conversation_id"])
        batch_op.create_index(
            "ix_deliveries_provider", ["workspace_id", "channel", "provider_message_id"]
        )
    # E-mail deliveries move into the outbox; their Message-IDs stay in email_message_ids.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT d.id, d.workspace_id, d.message_id, m.conversation_id, d.to_address,"
            " d.status, d.attempts, d.last_error, d.sent_at, d.created_at"
            " FROM email_deliveries d JOIN messages m ON m.id = d.message_id"
        )
    ).all()
    deliveries = sa.table(
        "deliveries",
        *(
            sa.column(name)
            for name in [
                "id",
                "workspace_id",
                "message_id",
                "conversation_id",
                "channel",
                "recipient",
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "sent_at",
                "updated_at",
                "created_at",
            ]
        ),
    )
    if rows:
        op.bulk_insert(
            deliveries,
            [
                {
                    "id": r.id,
                    "workspace_id": r.workspace_id,
                    "message_id": r.message_id,
                    "conversation_id": r.conversation_id,
                    "channel": "email",
                    "recipient": r.to_address,
                    "status": STATUS.get(r.status, "failed"),
                    "attempts": r.attempts,
                    "next_attempt_at": r.created_at,
                    "last_error": r.last_error,
                    "sent_at": r.sent_at,
                    "updated_at": r.created_at,
                    "created_at": r.created_at,
                }
                for r in rows
            ],
        )
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_email_deliveries_status")
    op.drop_table("email_deliveries")


def downgrade() -> None:
    op.create_table(
        "email_deliveries",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("message_id", sa.String(length=26), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("header_id", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("created_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_email_deliveries_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_email_deliveries_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_deliveries")),
        sa.UniqueConstraint("message_id", name=op.f("uq_email_deliveries_message_id")),
    )
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_email_deliveries_status", ["workspace_id", "status"])
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_provider")
        batch_op.drop_index("ix_deliveries_conversation")
        batch_op.drop_index("ix_deliveries_due")
    op.drop_table("deliveries")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_conversations_inbox_id_inboxes"), type_="foreignkey"
        )
        batch_op.drop_column("inbox_id")
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inboxes_workspace_id"))
    op.drop_table("inboxes")
