"""contact search: trigram indexes on PostgreSQL

Substring search over names, e-mails, external ids and phone numbers ("contains") cannot
use a B-tree index. On PostgreSQL, pg_trgm's GIN indexes serve ``LIKE '%…%'`` (needs the
pg_trgm extension, shipped with PostgreSQL; creating it needs the CREATE privilege on the
database). SQLite scans, which is fine at its scale.

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_contacts_name_trgm ON contacts USING gin (lower(name) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_contact_identities_value_trgm "
        "ON contact_identities USING gin (lower(value) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_contact_identities_value_trgm")
    op.execute("DROP INDEX IF EXISTS ix_contacts_name_trgm")
