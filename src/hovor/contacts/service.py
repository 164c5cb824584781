"""Contact operations. Identity resolution and merging grow here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import events
from hovor.contacts.models import Contact, ContactIdentity
from hovor.core.errors import NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx


def visitor_display_name(visitor_id: str) -> str:
    """A friendly, stable name for an anonymous visitor: ``Visitor 7QK2``."""
    return f"Visitor {visitor_id[-4:].upper()}"


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
    tx: Tx, workspace_id: str, kind: str, value: str, *, name: str
) -> Contact:
    """The contact owning identity ``kind:value``, created with it when there is none.

    Two first messages racing for the same new visitor both try to insert; the loser's
    savepoint rolls back on the unique identity and it reads the winner's contact.
    """
    found = await find_by_identity(tx.session, workspace_id, kind, value)
    if found is not None:
        return found
    contact = Contact(workspace_id=workspace_id, name=name)
    try:
        async with tx.session.begin_nested():
            tx.session.add(contact)
            await tx.session.flush()
            tx.session.add(
                ContactIdentity(
                    workspace_id=workspace_id, contact_id=contact.id, kind=kind, value=value
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
