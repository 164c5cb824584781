"""The migrations build exactly the schema the models declare, on both databases.

Alembic's autogenerate compares the migrated database with the models' metadata. What only
raw SQL in a migration creates is listed here with its reason; anything else that differs
(a column, table or index a model has and no migration makes, or the reverse) fails, so a
model change never ships without its migration.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, UniqueConstraint

from hovor.db.transaction import Database
from hovor.models import metadata

pytestmark = pytest.mark.storage

RAW_SQL_TABLES = ("knowledge_fts",)  # SQLite FTS5 (virtual table and its shadow tables)
RAW_SQL_INDEXES = {
    "ix_contact_identities_value_trgm",  # pg_trgm GIN indexes (contact search)
    "ix_contacts_name_trgm",
    "ix_knowledge_translations_search",  # GIN over the generated tsvector (PostgreSQL)
}
RAW_SQL_COLUMNS = {("knowledge_translations", "search_vector")}  # generated tsvector (PostgreSQL)


def _unique_columns(diff: tuple[Any, ...]) -> tuple[str, tuple[str, ...]] | None:
    constraint = diff[1]
    if diff[0] in ("add_constraint", "remove_constraint") and isinstance(
        constraint, UniqueConstraint
    ):
        return str(constraint.table.name), tuple(c.name for c in constraint.columns)
    return None


def differences(connection: Connection) -> list[tuple[Any, ...]]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    found: list[tuple[Any, ...]] = []
    for diff in compare_metadata(context, metadata):
        if isinstance(diff, list):  # column modifications come grouped
            found.extend(diff)
        else:
            found.append(diff)
    # Unnamed unique constraints are reflected without the name the model would give them:
    # a remove and an add of the same columns is the same constraint.
    added = {_unique_columns(d) for d in found if d[0] == "add_constraint"}
    removed = {_unique_columns(d) for d in found if d[0] == "remove_constraint"}
    same = (added & removed) - {None}
    kept = []
    for diff in found:
        kind = diff[0]
        if _unique_columns(diff) in same:
            continue
        if kind == "remove_table" and diff[1].name.startswith(RAW_SQL_TABLES):
            continue
        if kind == "remove_index" and diff[1].name in RAW_SQL_INDEXES:
            continue
        if kind == "remove_column" and (diff[2], diff[3].name) in RAW_SQL_COLUMNS:
            continue
        kept.append(diff)
    return kept


async def test_the_migrated_schema_is_the_models_schema(db: Database) -> None:
    async with db.engine.connect() as connection:
        found = await connection.run_sync(differences)
    assert found == [], "\n".join(map(str, found))
