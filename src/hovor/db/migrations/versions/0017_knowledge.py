"""knowledge: help centers, categories, articles, translations, revisions, feedback; search

Search indexes the folded copies (``search_title``, ``search_body``: lower case, no
diacritics, folded in Python so both databases see the same words):

- SQLite: an FTS5 table ``knowledge_fts`` of the published translations (tokenizer
  unicode61; workspace id and language are columns, so one MATCH finds a workspace's
  articles in a language) kept in step by three triggers. Its rowid is the translation's
  rowid, so a change deletes the old entry through the index; the translation's id is kept
  in an unindexed column and is what the search reads. (A VACUUM may renumber the rowids of
  a table keyed by text: entries left behind then can only add a candidate, which the
  search checks against the translation's own row, published and rescored from its text.)
- PostgreSQL: a generated ``tsvector`` column ``search_vector`` (configuration ``simple``,
  title weighted A, body B) with a GIN index; no ``unaccent`` needed.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-03 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hovor.db.base

revision: str = "0017"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = hovor.db.base.UTCDateTime(timezone=True)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(length=26), nullable=False)


def upgrade() -> None:
    op.create_table(
        "knowledge_help_centers",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("default_language", sa.String(length=8), nullable=False),
        sa.Column("site_key_id", sa.String(length=26), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_help_centers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_key_id"],
            ["site_keys.id"],
            name=op.f("fk_knowledge_help_centers_site_key_id_site_keys"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_knowledge_help_centers")),
        sa.UniqueConstraint("slug", name=op.f("uq_knowledge_help_centers_slug")),
    )
    op.create_table(
        "knowledge_categories",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _id(),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_categories_workspace_id_workspaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_categories")),
        sa.UniqueConstraint(
            "workspace_id", "slug", name=op.f("uq_knowledge_categories_workspace_id")
        ),
    )
    op.create_index(
        op.f("ix_knowledge_categories_workspace_id"), "knowledge_categories", ["workspace_id"]
    )
    op.create_table(
        "knowledge_articles",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("category_id", sa.String(length=26), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        _id(),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_articles_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["knowledge_categories.id"],
            name=op.f("fk_knowledge_articles_category_id_knowledge_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
    )
    op.create_index(
        op.f("ix_knowledge_articles_workspace_id"), "knowledge_articles", ["workspace_id"]
    )
    op.create_index(
        op.f("ix_knowledge_articles_category_id"), "knowledge_articles", ["category_id"]
    )
    op.create_table(
        "knowledge_translations",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("article_id", sa.String(length=26), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        _id(),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_translations_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_translations_article_id_knowledge_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_translations")),
        sa.UniqueConstraint(
            "workspace_id",
            "language",
            "slug",
            name=op.f("uq_knowledge_translations_workspace_id"),
        ),
        sa.UniqueConstraint(
            "article_id", "language", name=op.f("uq_knowledge_translations_article_id")
        ),
    )
    op.create_index(
        "ix_knowledge_translations_list",
        "knowledge_translations",
        ["workspace_id", "status", "language"],
    )
    op.create_table(
        "knowledge_revisions",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("translation_id", sa.String(length=26), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=26), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        _id(),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_revisions_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["knowledge_translations.id"],
            name=op.f("fk_knowledge_revisions_translation_id_knowledge_translations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_knowledge_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_revisions")),
        sa.UniqueConstraint(
            "translation_id", "version", name=op.f("uq_knowledge_revisions_translation_id")
        ),
    )
    op.create_index(
        op.f("ix_knowledge_revisions_workspace_id"), "knowledge_revisions", ["workspace_id"]
    )
    op.create_table(
        "knowledge_feedback",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("translation_id", sa.String(length=26), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        _id(),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_feedback_workspace_id_workspaces"),
        ),
        sa.ForeignKeyConstraint(
            ["translation_id"],
            ["knowledge_translations.id"],
            name=op.f("fk_knowledge_feedback_translation_id_knowledge_translations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_feedback")),
    )
    op.create_index(
        op.f("ix_knowledge_feedback_workspace_id"), "knowledge_feedback", ["workspace_id"]
    )
    op.create_index(
        op.f("ix_knowledge_feedback_translation_id"), "knowledge_feedback", ["translation_id"]
    )
    op.create_table(
        "knowledge_words",
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_words_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "word", name=op.f("pk_knowledge_words")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE knowledge_translations ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED"
        )
        op.execute(
            "CREATE INDEX ix_knowledge_translations_search "
            "ON knowledge_translations USING gin (search_vector)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_fts USING fts5(translation_id UNINDEXED, "
            "workspace_id, language, search_title, search_body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        columns = "rowid, translation_id, workspace_id, language, search_title, search_body"
        values = (
            "new.rowid, new.id, new.workspace_id, new.language, new.search_title, new.search_body"
        )
        op.execute(
            "CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_translations "
            f"WHEN new.status = 'published' BEGIN "
            f"INSERT INTO knowledge_fts ({columns}) VALUES ({values}); END"
        )
        op.execute(
            "CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF "
            "search_title, search_body, status, language ON knowledge_translations BEGIN "
            "DELETE FROM knowledge_fts WHERE rowid = old.rowid; "
            f"INSERT INTO knowledge_fts ({columns}) SELECT {values} "
            "WHERE new.status = 'published'; END"
        )
        op.execute(
            "CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_translations BEGIN "
            "DELETE FROM knowledge_fts WHERE rowid = old.rowid; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_knowledge_translations_search")
    else:
        for trigger in ("knowledge_fts_insert", "knowledge_fts_update", "knowledge_fts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    for table in (
        "knowledge_words",
        "knowledge_feedback",
        "knowledge_revisions",
        "knowledge_translations",
        "knowledge_articles",
        "knowledge_categories",
        "knowledge_help_centers",
    ):
        op.drop_table(table)
