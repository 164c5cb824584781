"""Custom contact attributes: a per-workspace declared schema, and values checked against it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts.models import ATTRIBUTE_TYPES, ContactAttribute
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Tx

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_STRING = 1000


async def list_attributes(session: AsyncSession, workspace_id: str) -> Sequence[ContactAttribute]:
    return (
        await session.scalars(
            select(ContactAttribute)
            .where(ContactAttribute.workspace_id == workspace_id)
            .order_by(ContactAttribute.name)
        )
    ).all()


def check_attribute_declaration(name: str, type_: str, options: list[str]) -> None:
    errors: list[dict[str, Any]] = []
    if not NAME.match(name):
        errors.append({"loc": ["name"], "msg": "lower-case letters, digits and _, e.g. tier"})
    if type_ not in ATTRIBUTE_TYPES:
        errors.append({"loc": ["type"], "msg": f"one of {', '.join(ATTRIBUTE_TYPES)}"})
    if type_ == "enum" and not options:
        errors.append({"loc": ["options"], "msg": "an enum needs at least one option"})
    if type_ != "enum" and options:
        errors.append({"loc": ["options"], "msg": "only an enum has options"})
    if errors:
        raise InvalidInput("invalid attribute declaration", errors=errors)


async def do_declare_attribute(
    tx: Tx, workspace_id: str, *, name: str, label: str, type_: str, options: list[str]
) -> ContactAttribute:
    check_attribute_declaration(name, type_, options)
    existing = await tx.session.scalar(
        select(ContactAttribute).where(
            ContactAttribute.workspace_id == workspace_id, ContactAttribute.name == name
        )
    )
    if existing is not None:
        raise Conflict(f"attribute {name!r} is already declared")
    row = ContactAttribute(
        workspace_id=workspace_id, name=name, label=label or name, type=type_, options=options
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def do_delete_attribute(tx: Tx, workspace_id: str, name: str) -> None:
    row = await tx.session.scalar(
        select(ContactAttribute).where(
            ContactAttribute.workspace_id == workspace_id, ContactAttribute.name == name
        )
    )
    if row is None:
        raise NotFound("no such attribute")
    await tx.session.delete(row)


def _check_value(decl: ContactAttribute, value: Any) -> tuple[Any, str | None]:
    """The stored form of ``value`` and None, or None and what is wrong with it."""
    if decl.type == "string":
        if not isinstance(value, str):
            return None, "must be a string"
        if len(value) > MAX_STRING:
            return None, f"at most {MAX_STRING} characters"
        return value, None
    if decl.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "must be a number"
        return value, None
    if decl.type == "boolean":
        if not isinstance(value, bool):
            return None, "must be true or false"
        return value, None
    if decl.type == "date":
        try:
            return date.fromisoformat(value).isoformat(), None
        except (TypeError, ValueError):
            return None, "must be a date, YYYY-MM-DD"
    if value not in decl.options:
        return None, f"must be one of {', '.join(decl.options)}"
    return value, None


async def check_attribute_values(
    session: AsyncSession, workspace_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    """Values checked against the declared schema; ``None`` removes an attribute.

    Every problem is reported at once, each naming its attribute (``attributes.<name>``).
    """
    declared = {a.name: a for a in await list_attributes(session, workspace_id)}
    checked: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, value in values.items():
        decl = declared.get(name)
        if decl is None:
            errors.append({"loc": ["attributes", name], "msg": "no such attribute is declared"})
            continue
        if value is None:
            checked[name] = None
            continue
        stored, problem = _check_value(decl, value)
        if problem:
            errors.append({"loc": ["attributes", name], "msg": problem})
        else:
            checked[name] = stored
    if errors:
        raise InvalidInput("invalid attribute values", errors=errors)
    return checked
