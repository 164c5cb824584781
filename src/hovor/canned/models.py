"""A canned response: a saved reply of a workspace, found by its shortcut or title."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.core.personal_data import NoPersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime


class CannedResponse(IdMixin, TimestampMixin, Base):
    __tablename__ = "canned_responses"
    __table_args__ = (
        UniqueConstraint("workspace_id", "shortcut"),
        declared(NoPersonalData("the team's own reply texts; variables are filled in when used")),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    shortcut: Mapped[str] = mapped_column(String(32))  # typed after "/" in the composer
    body: Mapped[str] = mapped_column(Text)  # may hold {{variables}} (canned.variables)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
