"""merge the parallel branches: tickets (0006), privacy (0007), contact search (0008)

Revision ID: 0009
Revises: 0006, 0007, 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0006", "0007", "0008")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
