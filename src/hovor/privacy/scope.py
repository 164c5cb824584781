"""What belongs to a contact: the contacts merged into it, its visitor ids, its conversations.

A merge keeps the source contact as a row (``merged_into_id``) so it can be undone; those
rows still carry a name and attributes, so export and erasure cover them too. The visitor
ids (a contact's ``visitor`` identities) tie it to the tracker's events, web sessions and
offers, which carry no contact id of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts.models import Contact, ContactIdentity
from hovor.contacts.service import access_contact
from hovor.conversations.models import Conversation
from hovor.core.errors import Conflict


@dataclass(frozen=True)
class ContactScope:
    workspace_id: str
    contact: Contact
    contact_ids: list[str]  # the contact first, then every contact merged into it
    visitor_ids: list[str]

    def conversation_ids(self) -> Select[str]:
        """A subquery: the ids of every conversation of these contacts."""
        return select(Conversation.id).where(
            Conversation.workspace_id == self.workspace_id,
            Conversation.contact_id.in_(self.contact_ids),
        )


async def merged_into(session: AsyncSession, workspace_id: str, contact_id: str) -> list[str]:
    """Every contact merged (directly or through others) into ``contact_id``."""
    found: list[str] = []
    frontier = [contact_id]
    while frontier:
        frontier = list(
            (
                await session.scalars(
                    select(Contact.id).where(
                        Contact.workspace_id == workspace_id,
                        Contact.merged_into_id.in_(frontier),
                    )
                )
            ).all()
        )
        frontier = [c for c in frontier if c not in found and c != contact_id]
        found.extend(frontier)
    return found


async def contact_scope(session: AsyncSession, workspace_id: str, contact_id: str) -> ContactScope:
    """The contact (404 outside the workspace) and what hangs off it.

    A contact that was merged into another one is reached through the live profile:
    asking for it directly is a 409 naming the profile to use.
    """
    contact = await access_contact(session, workspace_id, contact_id)
    if contact.merged_into_id is not None:
        raise Conflict(
            f"contact {contact.id} is merged into {contact.merged_into_id}; "
            "export or erase that contact (it includes this one)"
        )
    ids = [contact.id, *await merged_into(session, workspace_id, contact.id)]
    visitor_ids = list(
        (
            await session.scalars(
                select(ContactIdentity.value)
                .where(
                    ContactIdentity.workspace_id == workspace_id,
                    ContactIdentity.contact_id.in_(ids),
                    ContactIdentity.kind == "visitor",
                )
                .order_by(ContactIdentity.value)
            )
        ).all()
    )
    return ContactScope(workspace_id, contact, ids, visitor_ids)
