"""Help-center tables: the help center's settings, categories, articles, their translations,
the saved versions of each translation and readers' "did this help?" answers.

An article is language-neutral (its category); what a reader sees is a translation (one per
language, each with its own slug, title, Markdown body and draft/published status). Every
save of a translation keeps the text as a numbered revision, so history and diffs need no
other table. ``search_title`` and ``search_body`` hold the folded text (lower case, no
diacritics; see ``text.fold``) that the search indexes: on SQLite an FTS5 table kept by
triggers, on PostgreSQL a generated ``tsvector`` column (migration 0017).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hovor.core import clock
from hovor.db.base import Base, IdMixin, TimestampMixin, UTCDateTime

STATUSES = ("draft", "published")


class HelpCenter(Base):
    """A workspace's public help center: its address and which site key its pages track with."""

    __tablename__ = "knowledge_help_centers"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(String(120), default="Help center")
    default_language: Mapped[str] = mapped_column(String(8), default="cs")
    site_key_id: Mapped[str | None] = mapped_column(
        ForeignKey("site_keys.id", ondelete="SET NULL"), nullable=True
    )


class Category(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_categories"
    __table_args__ = (UniqueConstraint("workspace_id", "slug"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120))  # as the API allows (knowledge.schemas.Slug)
    # {"cs": "Doprava", "en": "Shipping"}: one name per language
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Article(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_articles"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_categories.id", ondelete="SET NULL"), nullable=True, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class Translation(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_translations"
    __table_args__ = (
        UniqueConstraint("workspace_id", "language", "slug"),
        UniqueConstraint("article_id", "language"),
        Index("ix_knowledge_translations_list", "workspace_id", "status", "language"),
    )

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"))
    article_id: Mapped[str] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")


class Revision(IdMixin, TimestampMixin, Base):
    """The text of a translation as one save left it (version 1 is the first save)."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (UniqueConstraint("translation_id", "version"),)

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    translation_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_translations.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    note: Mapped[str] = mapped_column(String(200), default="")


class Feedback(IdMixin, TimestampMixin, Base):
    """One anonymous "did this help?" answer (no visitor id: nothing personal is kept)."""

    __tablename__ = "knowledge_feedback"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    translation_id: Mapped[str] = mapped_column(
        ForeignKey("knowledge_translations.id", ondelete="CASCADE"), index=True
    )
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(String(1000), default="")


class Word(Base):
    """A folded word that occurs in some translation of the workspace: where the search looks
    for what a mistyped query word was meant to be. Words are added on save and never
    removed (a stale word only costs a lookup that finds nothing)."""

    __tablename__ = "knowledge_words"

    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    word: Mapped[str] = mapped_column(String(64), primary_key=True)
