"""One CSAT survey per conversation: asked when it first closes, rated once by its customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import Blank, ByContact, Delete, Export, PersonalData, declared
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime


class CsatSurvey(IdMixin, TimestampMixin, Base):
    __tablename__ = "csat_surveys"
    __table_args__ = (
        Index("ix_csat_surveys_agent", "workspace_id", "agent_id", "rated_at"),
        # The customer's own words; the score stays for the team's figures when anonymised.
        declared(
            PersonalData(
                reach=(ByContact("contact_id"),),
                export=Export("csat_surveys"),
                anonymise=Blank({"comment": None}),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True)
    # Who handled the conversation when it closed (the rating counts for them).
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1..5 once rated
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
