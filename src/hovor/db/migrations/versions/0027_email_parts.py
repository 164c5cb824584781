"""e-mail attachments and HTML: attachments.content_id (inline cid: images), the sanitised
HTML of an e-mail and the attachments it had that were not stored (too large)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 19:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("content_id", sa.String(length=255), nullable=True))
    with op.batch_alter_table("email_message_ids") as batch:
        batch.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch.add_column(sa.Column("skipped", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_message_ids") as batch:
        batch.drop_column("skipped")
        batch.drop_column("html")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("content_id")
