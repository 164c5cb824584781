"""Contact operations: find, create, identities, attributes, search.

Identity resolution (identify, verified matches) is in ``identify.py``, merging in
``merge.py``, the timeline in ``timeline.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import events
from hovor.contacts.attributes import check_attribute_values
from hovor.contacts.identities import normalize_identity
from hovor.contacts.models import IDENTITY_KINDS, Contact, ContactIdentity
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

MAX_NAME = 200


def visitor_display_name(visitor_id: str) -> str:
    """A friendly, stable name for an anonymous visitor: ``Visitor 7QK2``."""
    return f"Visitor {visitor_id[-4:].upper()}"


async def find_identity(
    session: AsyncSession, workspace_id: str, kind: str, value: str
) -> ContactIdentity | None:
    return await session.scalar(
        select(ContactIdentity).where(
            ContactIdentity.workspace_id == workspace_id,
            ContactIdentity.kind == kind,
            ContactIdentity.value == value,
        )
    )


async def find_by_identity(
    session: AsyncSession, workspace_id: str, kind: str, value: str
) -> Contact | None:
    return await session.scalar(
        select(Contact)
        .join(ContactIdentity, ContactIdentity.contact_id == Contact.id)
        .where(
            ContactIdentity.workspace_id == workspace_id,
            ContactIdentity.kind == kind,
            ContactIdentity.value == value,
        )
    )


async def do_get_or_create_by_identity(
    tx: Tx, workspace_id: str, kind: str, value: str, *, name: str, verified: bool = False
) -> Contact:
    """The contact owning identity ``kind:value``, created with it when there is none.

    Two first messages racing for the same new visitor both try to insert; the loser's
    savepoint rolls back on the unique identity and it reads the winner's contact.
    """
    found = await find_by_identity(tx.session, workspace_id, kind, value)
    if found is not None:
        return found
    contact = Contact(
        workspace_id=workspace_id,
        name=name,
        email=value if kind == "email" else None,
        phone=value if kind == "phone" else None,
        attributes={},
        claims={},
    )
    try:
        async with tx.session.begin_nested():
            tx.session.add(contact)
            await tx.session.flush()
            tx.session.add(
                ContactIdentity(
                    workspace_id=workspace_id,
                    contact_id=contact.id,
                    kind=kind,
                    value=value,
                    verified=verified,
                )
            )
            await tx.session.flush()
    except IntegrityError:
        found = await find_by_identity(tx.session, workspace_id, kind, value)
        if found is None:
            raise
        return found
    tx.publish_on_commit(
        DomainEvent(events.CONTACT_CREATED, workspace_id, {"contact_id": contact.id})
    )
    return contact


async def access_contact(session: AsyncSession, workspace_id: str, contact_id: str) -> Contact:
    contact = await session.scalar(
        select(Contact).where(Contact.id == contact_id, Contact.workspace_id == workspace_id)
    )
    if contact is None:
        raise NotFound("no such contact")
    return contact


async def contacts_by_ids(session: AsyncSession, ids: set[str]) -> dict[str, Contact]:
    if not ids:
        return {}
    result = await session.scalars(select(Contact).where(Contact.id.in_(ids)))
    return {c.id: c for c in result}


async def identities_of(
    session: AsyncSession, workspace_id: str, contact_id: str
) -> Sequence[ContactIdentity]:
    return (
        await session.scalars(
            select(ContactIdentity)
            .where(
                ContactIdentity.workspace_id == workspace_id,
                ContactIdentity.contact_id == contact_id,
            )
            .order_by(ContactIdentity.created_at, ContactIdentity.id)
        )
    ).all()


async def refresh_primary_fields(session: AsyncSession, contact: Contact) -> None:
    """Keep ``contact.email`` / ``.phone`` in step with its identities (verified ones first)."""
    identities = await identities_of(session, contact.workspace_id, contact.id)
    for kind in ("email", "phone"):
        candidates = sorted(
            (i for i in identities if i.kind == kind), key=lambda i: (not i.verified, i.created_at)
        )
        setattr(contact, kind, candidates[0].value if candidates else None)


async def do_add_identity(
    tx: Tx,
    contact: Contact,
    kind: str,
    value: str,
    *,
    verified: bool,
    kinds: Collection[str] = IDENTITY_KINDS,
) -> ContactIdentity:
    """Give ``contact`` the identity; 409 if another contact owns it (merge them instead).

    ``kinds``: the identity kinds allowed (the core ones unless the caller names the
    registered channels' too)."""
    value = normalize_identity(kind, value, ["value"], kinds)
    existing = await find_identity(tx.session, contact.workspace_id, kind, value)
    if existing is not None:
        if existing.contact_id != contact.id:
            raise Conflict(f"{kind} {value} belongs to another contact ({existing.contact_id})")
        if verified and not existing.verified:
            existing.verified = True
        return existing
    identity = ContactIdentity(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        kind=kind,
        value=value,
        verified=verified,
    )
    tx.session.add(identity)
    await tx.session.flush()
    await refresh_primary_fields(tx.session, contact)
    return identity


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            "invalid name", errors=[{"loc": ["name"], "msg": f"1 to {MAX_NAME} characters"}]
        )
    return name


async def do_update_contact(
    tx: Tx, contact: Contact, *, name: str | None = None, attributes: dict[str, Any] | None = None
) -> Contact:
    if name is not None:
        contact.name = check_name(name)
    if attributes:
        checked = await check_attribute_values(tx.session, contact.workspace_id, attributes)
        merged = {**(contact.attributes or {}), **checked}
        contact.attributes = {k: v for k, v in merged.items() if v is not None}
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(events.CONTACT_UPDATED, contact.workspace_id, {"contact_id": contact.id})
    )
    return contact


async def search_contacts(
    session: AsyncSession, workspace_id: str, *, q: str | None, limit: int, offset: int
) -> tuple[Sequence[Contact], int]:
    """Live (not merged away) contacts whose name, e-mail, external id or phone contains ``q``.

    The matches are a union of id lists, each served by its own index (trigram indexes on
    PostgreSQL, migration 0008), rather than one OR across tables that no index can serve.
    """
    query = select(Contact).where(
        Contact.workspace_id == workspace_id, Contact.merged_into_id.is_(None)
    )
    if q:
        needle = f"%{q.strip().lower()}%"
        digits = "".join(ch for ch in q if ch.isdigit())
        parts = [
            select(Contact.id.label("id")).where(
                Contact.workspace_id == workspace_id, func.lower(Contact.name).like(needle)
            ),
            select(ContactIdentity.contact_id.label("id")).where(
                ContactIdentity.workspace_id == workspace_id,
                ContactIdentity.kind.in_(("email", "external_id")),
                func.lower(ContactIdentity.value).like(needle),
            ),
        ]
        if len(digits) >= 3:
            parts.append(
                select(ContactIdentity.contact_id.label("id")).where(
                    ContactIdentity.workspace_id == workspace_id,
                    ContactIdentity.kind == "phone",
                    func.lower(ContactIdentity.value).like(f"%{digits}%"),
                )
            )
        matching = union(*parts).subquery()
        query = query.where(Contact.id.in_(select(matching.c.id)))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = (
        await session.scalars(
            query.order_by(Contact.created_at.desc(), Contact.id.desc()).limit(limit).offset(offset)
        )
    ).all()
    return rows, total
