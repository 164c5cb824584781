"""The ``attachments`` table: a file a customer sent (a web-chat upload, an e-mail's part)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core.personal_data import (
    ByParent,
    ByVisitor,
    Delete,
    Export,
    PersonalData,
    declared,
)
from hovor.db.base import Base, IdMixin, TimestampMixin


class Attachment(IdMixin, TimestampMixin, Base):
    """A file kept under ``HOVOR_DATA_DIR/attachments/<workspace>/<id>``.

    ``visitor_id`` is the author: the visitor of a web-chat upload, the sender's id (the
    message's ``author_id``) of an e-mail. ``content_id`` is an e-mail part's Content-ID,
    which its HTML names as ``cid:…`` for inline images.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_visitor", "workspace_id", "visitor_id"),
        declared(
            PersonalData(
                reach=(ByVisitor("visitor_id"), ByParent("conversation_id", "conversations")),
                export=Export("attachments"),
                anonymise=Delete(),
                delete=Delete(),
            )
        ),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    visitor_id: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), nullable=True
    )
    message_id: Mapped[str | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), nullable=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
