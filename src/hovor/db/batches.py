"""Deleting many rows without holding the database: batches, each its own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select

from hovor.db.transaction import Database


async def delete_in_batches(
    db: Database, model: Any, *where: ColumnElement[bool], batch: int = 5000
) -> int:
    """Delete ``model``'s rows matching ``where``, ``batch`` ids at a time, each batch its
    own short transaction (SQLite has one writer; a crash loses only the batch in flight and
    the next run carries on); how many went. ``model`` needs an ``id`` column."""
    total = 0
    while True:
        async with db.transaction() as tx:
            ids = list(
                (await tx.session.scalars(select(model.id).where(*where).limit(batch))).all()
            )
            if ids:
                await tx.session.execute(
                    delete(model)
                    .where(model.id.in_(ids))
                    .execution_options(synchronize_session=False)
                )
        total += len(ids)
        if len(ids) < batch:
            return total
