"""Merging two contacts into one, and undoing it exactly.

A merge moves the source's identities, timeline entries and every linked row that a higher
context registers (conversations, orders: see ``LinkedRows``) to the target, fills the
target's empty attributes from the source, and marks the source ``merged_into`` the target.
The audit row (``ContactMerge``) lists every id that moved, so ``do_unmerge`` moves exactly
those back. A merge can be undone while its target is itself not merged elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update

from hovor.contacts import events
from hovor.contacts.models import ContactIdentity, ContactMerge, TimelineEntry
from hovor.contacts.service import access_contact, refresh_primary_fields
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

# (tx, workspace_id, from_contact_id, to_contact_id, only these ids or all) -> ids moved
Mover = Callable[[Tx, str, str, str, list[str] | None], Awaitable[list[str]]]


@dataclass
class LinkedRows:
    """Rows of higher contexts that belong to a contact, registered by the app factory.

    Contacts sit below conversations and orders and may not import them; those contexts'
    "move rows to another contact" functions are handed in here instead.
    """

    movers: dict[str, Mover] = field(default_factory=dict)

    def add(self, kind: str, mover: Mover) -> None:
        self.movers[kind] = mover


async def _move_identities(
    tx: Tx, workspace_id: str, from_id: str, to_id: str, only: list[str] | None
) -> list[str]:
    query = select(ContactIdentity.id).where(
        ContactIdentity.workspace_id == workspace_id, ContactIdentity.contact_id == from_id
    )
    if only is not None:
        query = query.where(ContactIdentity.id.in_(only))
    ids = list((await tx.session.scalars(query)).all())
    if ids:
        await tx.session.execute(
            update(ContactIdentity).where(ContactIdentity.id.in_(ids)).values(contact_id=to_id)
        )
    return ids


async def _move_timeline(
    tx: Tx, workspace_id: str, from_id: str, to_id: str, only: list[str] | None
) -> list[str]:
    query = select(TimelineEntry.id).where(
        TimelineEntry.workspace_id == workspace_id, TimelineEntry.contact_id == from_id
    )
    if only is not None:
        query = query.where(TimelineEntry.id.in_(only))
    ids = list((await tx.session.scalars(query)).all())
    if ids:
        await tx.session.execute(
            update(TimelineEntry).where(TimelineEntry.id.in_(ids)).values(contact_id=to_id)
        )
    return ids


async def _set_verified(
    tx: Tx, workspace_id: str, contact_id: str, ids: list[str], verified: bool
) -> list[str]:
    """Mark those of the contact's identities ``verified``; returns the ids that changed."""
    if not ids:
        return []
    changed = list(
        (
            await tx.session.scalars(
                select(ContactIdentity.id).where(
                    ContactIdentity.workspace_id == workspace_id,
                    ContactIdentity.contact_id == contact_id,
                    ContactIdentity.id.in_(ids),
                    ContactIdentity.verified.is_(not verified),
                )
            )
        ).all()
    )
    if changed:
        await tx.session.execute(
            update(ContactIdentity).where(ContactIdentity.id.in_(changed)).values(verified=verified)
        )
    return changed


OWN_MOVERS: dict[str, Mover] = {"identities": _move_identities, "timeline": _move_timeline}


def _movers(links: LinkedRows | None) -> dict[str, Mover]:
    return {**OWN_MOVERS, **(links.movers if links else {})}


async def check_merge(tx: Tx, workspace_id: str, source_id: str, target_id: str) -> None:
    if source_id == target_id:
        raise InvalidInput(
            "a contact cannot be merged into itself",
            errors=[{"loc": ["source_id"], "msg": "same as the target"}],
        )


async def do_merge_contacts(
    tx: Tx,
    workspace_id: str,
    source_id: str,
    target_id: str,
    actor: str,
    *,
    reason: str = "manual",
    links: LinkedRows | None = None,
    verify: Sequence[str] = (),
) -> ContactMerge:
    """Merge ``source`` into ``target`` (both in ``workspace_id``; 404 otherwise).

    ``verify``: ids of the source's identities that the reason for this merge proves (the
    shop vouched for them); they become verified, and unverified again on undo.
    """
    await check_merge(tx, workspace_id, source_id, target_id)
    source = await access_contact(tx.session, workspace_id, source_id)
    target = await access_contact(tx.session, workspace_id, target_id)
    for contact in (source, target):
        if contact.merged_into_id is not None:
            raise Conflict(f"contact {contact.id} is already merged into {contact.merged_into_id}")
    verified = await _set_verified(tx, workspace_id, source.id, list(verify), True)
    moved: dict[str, list[str]] = {}
    for kind, mover in _movers(links).items():
        moved[kind] = await mover(tx, workspace_id, source.id, target.id, None)
    filled = {
        name: value
        for name, value in (source.attributes or {}).items()
        if name not in (target.attributes or {})
    }
    if filled:
        target.attributes = {**(target.attributes or {}), **filled}
    source.merged_into_id = target.id
    merge = ContactMerge(
        workspace_id=workspace_id,
        source_id=source.id,
        target_id=target.id,
        actor=actor,
        reason=reason,
        moved={
            **moved,
            "attributes": sorted(filled),
            **({"verified": verified} if verified else {}),
        },
    )
    tx.session.add(merge)
    await tx.session.flush()
    await refresh_primary_fields(tx.session, target)
    await refresh_primary_fields(tx.session, source)
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_MERGED,
            workspace_id,
            {
                "merge_id": merge.id,
                "source_id": source.id,
                "target_id": target.id,
                "reason": reason,
                "actor": actor,
                "moved": {k: len(v) for k, v in merge.moved.items()},
            },
        )
    )
    return merge


async def access_merge(tx: Tx, workspace_id: str, merge_id: str) -> ContactMerge:
    merge = await tx.session.scalar(
        select(ContactMerge).where(
            ContactMerge.id == merge_id, ContactMerge.workspace_id == workspace_id
        )
    )
    if merge is None:
        raise NotFound("no such merge")
    return merge


async def do_unmerge(
    tx: Tx,
    workspace_id: str,
    merge_id: str,
    actor: str,
    *,
    links: LinkedRows | None = None,
) -> ContactMerge:
    """Move back exactly what the merge moved and bring the source contact back."""
    merge = await access_merge(tx, workspace_id, merge_id)
    if merge.undone_at is not None:
        raise Conflict("this merge was already undone")
    source = await access_contact(tx.session, workspace_id, merge.source_id)
    target = await access_contact(tx.session, workspace_id, merge.target_id)
    if target.merged_into_id is not None:
        raise Conflict(
            f"the merged contact was merged again into {target.merged_into_id}; undo that first"
        )
    movers = _movers(links)
    for kind, ids in merge.moved.items():
        mover = movers.get(kind)
        if mover is not None and ids:
            await mover(tx, workspace_id, target.id, source.id, list(ids))
    await _set_verified(tx, workspace_id, source.id, list(merge.moved.get("verified", [])), False)
    target_attributes = dict(target.attributes or {})
    for name in merge.moved.get("attributes", []):
        target_attributes.pop(name, None)
    target.attributes = target_attributes
    source.merged_into_id = None
    merge.undone_at = clock.now()
    merge.undone_by = actor
    await tx.session.flush()
    await refresh_primary_fields(tx.session, target)
    await refresh_primary_fields(tx.session, source)
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_UNMERGED,
            workspace_id,
            {
                "merge_id": merge.id,
                "source_id": source.id,
                "target_id": target.id,
                "actor": actor,
            },
        )
    )
    return merge


async def list_merges(tx: Tx, workspace_id: str, contact_id: str) -> list[ContactMerge]:
    rows = await tx.session.scalars(
        select(ContactMerge)
        .where(
            ContactMerge.workspace_id == workspace_id,
            (ContactMerge.target_id == contact_id) | (ContactMerge.source_id == contact_id),
        )
        .order_by(ContactMerge.created_at.desc(), ContactMerge.id.desc())
    )
    return list(rows)
