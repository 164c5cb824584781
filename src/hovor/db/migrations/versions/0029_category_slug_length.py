"""knowledge: a category's slug holds 120 characters, as the API allows and a translation's
slug holds (PostgreSQL refused 81 or more: HTTP 500, found by the API fuzz run)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 20:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_categories") as batch:
        batch.alter_column("slug", existing_type=sa.String(length=80), type_=sa.String(length=120))


def downgrade() -> None:
    with op.batch_alter_table("knowledge_categories") as batch:
        batch.alter_column("slug", existing_type=sa.String(length=120), type_=sa.String(length=80))
