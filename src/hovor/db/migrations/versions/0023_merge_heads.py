"""merge the heads of 2026-12-03's parallel work (calls, push tokens, knowledge, canned/CSAT/bot,
analytics rollups, leads, co-browse, e-mail intake) into one

Revision ID: 0023
Revises: 0015, 0016, 0017, 0018, 0019, 0020, 0021, 0022
Create Date: 2026-12-03 14:20:00
"""

from collections.abc import Sequence

revision: str = "0023"
down_revision: str | Sequence[str] | None = (
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
    "0021",
    "0022",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
