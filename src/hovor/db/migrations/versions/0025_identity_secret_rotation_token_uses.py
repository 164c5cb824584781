"""identity secrets keep the previous secret for a grace period; identity token jtis seen

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identity_secrets") as batch:
        batch.add_column(sa.Column("previous_secret", sa.String(length=128), nullable=True))
        batch.add_column(
            sa.Column("previous_until", hovor.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "identity_token_uses",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("jti_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", hovor.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_identity_token_uses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "jti_digest", name=op.f("pk_identity_token_uses")),
    )
    op.create_index(
        op.f("ix_identity_token_uses_expires_at"),
        "identity_token_uses",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_identity_token_uses_expires_at"), table_name="identity_token_uses")
    op.drop_table("identity_token_uses")
    with op.batch_alter_table("identity_secrets") as batch:
        batch.drop_column("previous_until")
        batch.drop_column("previous_secret")
