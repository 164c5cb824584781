"""e-mail intake: IMAP polling positions (UIDVALIDITY, last UID) and node leases per inbox

Revision ID: 0022
Revises: 0014
Create Date: 2026-12-03 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0022"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "email_imap_state",
        sa.Column("inbox_id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("held_until", hovor.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("updated_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_email_imap_state_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("inbox_id", name=op.f("pk_email_imap_state")),
    )
    op.create_index(op.f("ix_email_imap_state_workspace_id"), "email_imap_state", ["workspace_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_email_imap_state_workspace_id"), table_name="email_imap_state")
    op.drop_table("email_imap_state")
