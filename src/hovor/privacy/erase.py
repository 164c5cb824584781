"""Erasure of a contact's rows, table by table, as each table declares it.

There is no list of tables here: the registry (``privacy.registry``) walks ``Base.metadata``
and each table's declaration (``core.personal_data``) says how its rows reach the contact
and what ``anonymise`` (keep the shape, drop the person) and ``delete`` do to them.

Everything runs inside the caller's transaction with set-based ``UPDATE``/``DELETE``
statements (no rows are loaded into memory); ``privacy.service.do_erase_contact`` writes the
audit row in the same transaction. Tables are walked children first, so a row is erased
while the parent it reaches the contact through is still there.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, delete, not_, or_, select, update
from sqlalchemy.sql.dml import Delete as DeleteStatement
from sqlalchemy.sql.dml import Update

from hovor.core.personal_data import Blank, Delete, Keep
from hovor.db.transaction import Tx
from hovor.privacy.registry import Registered, Registry, assignments, condition
from hovor.privacy.scope import ContactScope

Mode = Literal["anonymise", "delete"]


async def _run(tx: Tx, statement: Update | DeleteStatement) -> int:
    result = await tx.session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def erase_scope(
    tx: Tx, registry: Registry, scope: ContactScope, mode: Mode
) -> dict[str, int]:
    """Apply ``mode`` to every declared table; the rows changed or deleted, per table."""
    counts: dict[str, int] = {}
    for r in reversed(registry.tables):
        action = r.declaration.anonymise if mode == "anonymise" else r.declaration.delete
        if isinstance(action, Keep):
            continue
        where = [registry.reached(r, scope)]
        if action.only is not None:
            where.append(condition(r, action.only, scope))
        table = r.table
        if isinstance(action, Blank):
            values = assignments(r, dict(action.values), scope)
            counts[r.name] = await _run(tx, update(table).where(*where).values(values))
        elif action.tombstone is not None:
            counts.update(await _delete_or_tombstone(tx, registry, r, mode, scope, where, action))
        else:
            counts[r.name] = await _run(tx, delete(table).where(*where))
    return counts


async def _delete_or_tombstone(
    tx: Tx,
    registry: Registry,
    r: Registered,
    mode: Mode,
    scope: ContactScope,
    where: list[ColumnElement[bool]],
    action: Delete,
) -> dict[str, int]:
    """Delete the rows, except those still pointed at by rows this mode keeps (e.g. a
    contact's orders, kept for bookkeeping): those get the tombstone values instead."""
    assert action.tombstone is not None
    keepers = registry.keepers(r, mode)
    referrers = "_and_".join(sorted({column.table.name for column in keepers}))
    if not keepers:
        return {r.name: await _run(tx, delete(r.table).where(*where))}
    pointed_at = []
    for column in keepers:
        same_workspace = column.table.c.get("workspace_id")
        query = select(column).where(column.is_not(None))
        if same_workspace is not None:
            query = query.where(same_workspace == scope.workspace_id)
        pointed_at.append(r.key.in_(query))
    held = or_(*pointed_at)
    values = assignments(r, dict(action.tombstone), scope)
    kept = await _run(tx, update(r.table).where(*where, held).values(values))
    deleted = await _run(tx, delete(r.table).where(*where, not_(held)))
    return {r.name: deleted, f"{r.name}_kept_for_{referrers}": kept}
