"""the CRM webhook keeps its previous signing secret for a grace period after a rotation

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 19:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lead_webhooks") as batch:
        batch.add_column(sa.Column("previous_secret", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("previous_until", hovor.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("lead_webhooks") as batch:
        batch.drop_column("previous_until")
        batch.drop_column("previous_secret")
