"""The shop's back-end vouches for its customers: their identities become verified.

The back-end holds an API token, so what it says about a customer is trusted, unlike a
visitor's unsigned claim or a From header. Two callers, one code path: an order
(``orders.service.do_record_order``) and the customer upsert (``PUT /v1/customers/{id}``).

Resolving the customer the shop names (``do_resolve_customer``):

- the contact is the one holding a named identity **verified**, else one known *only* by
  identities the shop names now (an e-mail-only contact from inbound mail), else a new one;
- another contact holding a named identity verified is merged in, unless it is another
  customer of the shop (its own, different verified external id): then only that identity
  moves (an order) or the upsert is refused (``check_customer_conflicts``, 409);
- another contact holding a named identity *unverified* is merged in when every identity it
  has is one the shop names now: had the shop vouched first, all of it would have landed on
  this profile anyway. A contact with more (a browser, a messenger chat, another address)
  only loses the contested identity: an unproven claim never pulls a profile in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import events
from hovor.contacts.attributes import check_attribute_values
from hovor.contacts.identities import normalize_email, normalize_identity, normalize_phone
from hovor.contacts.merge import LinkedRows, do_merge_contacts
from hovor.contacts.models import Contact, ContactIdentity, ContactMerge
from hovor.contacts.service import (
    MAX_NAME,
    access_contact,
    do_add_identity,
    do_update_contact,
    find_identity,
    identities_of,
)
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

CUSTOMER_API = "customer_api"  # merge reason of PUT /v1/customers/{external_id}


@dataclass(frozen=True)
class CustomerRef:
    """A customer as the shop knows them (values already normalised)."""

    external_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None

    def identities(self) -> list[tuple[str, str]]:
        pairs = (("external_id", self.external_id), ("email", self.email), ("phone", self.phone))
        return [(kind, value) for kind, value in pairs if value]


@dataclass(frozen=True)
class Resolved:
    contact: Contact
    merges: list[ContactMerge] = field(default_factory=list)


def check_customer(
    loc: list[str | int],
    *,
    external_id: str | None,
    email: str | None,
    phone: str | None,
    name: str | None,
    external_id_loc: list[str | int] | None = None,
    external_id_required: bool = False,
) -> CustomerRef:
    """The customer with normalised identities; every field error at once, each under ``loc``
    (the external id under ``external_id_loc`` when it comes from elsewhere, e.g. the path)."""
    errors: list[dict[str, Any]] = []
    values: dict[str, str | None] = {"external_id": None, "email": None, "phone": None}
    checks = (
        ("external_id", external_id, lambda v, at: normalize_identity("external_id", v, at)),
        ("email", email, normalize_email),
        ("phone", phone, normalize_phone),
    )
    for key, raw, normalize in checks:
        at = external_id_loc if key == "external_id" and external_id_loc else [*loc, key]
        if raw is None or not raw.strip():
            if key == "external_id" and external_id_required:
                errors.append({"loc": at, "msg": "required"})
            continue
        try:
            values[key] = normalize(raw, at)
        except InvalidInput as exc:
            errors.extend(exc.errors or [])
    clean_name = name.strip() if name and name.strip() else None
    if clean_name is not None and len(clean_name) > MAX_NAME:
        errors.append({"loc": [*loc, "name"], "msg": f"at most {MAX_NAME} characters"})
    if not errors and not any(values.values()):
        errors.append({"loc": loc, "msg": "give external_id, email or phone"})
    if errors:
        raise InvalidInput("invalid customer", errors=errors)
    return CustomerRef(name=clean_name, **values)


async def verified_external_ids(session: AsyncSession, contact: Contact) -> set[str]:
    return {
        i.value
        for i in await identities_of(session, contact.workspace_id, contact.id)
        if i.kind == "external_id" and i.verified
    }


async def _named_identities(
    session: AsyncSession, workspace_id: str, customer: CustomerRef
) -> list[ContactIdentity]:
    """The stored identities among those the shop names (external id, e-mail, phone order)."""
    found = []
    for kind, value in customer.identities():
        identity = await find_identity(session, workspace_id, kind, value)
        if identity is not None:
            found.append(identity)
    return found


async def _known_only_by(
    session: AsyncSession, workspace_id: str, contact_id: str, named: set[tuple[str, str]]
) -> bool:
    """True when every identity of the contact is one the shop names now."""
    mine = await identities_of(session, workspace_id, contact_id)
    return bool(mine) and all((i.kind, i.value) in named for i in mine)


async def check_customer_conflicts(
    session: AsyncSession, workspace_id: str, customer: CustomerRef
) -> None:
    """409 when an e-mail or phone the shop names is verified for another of its customers
    (a contact with a different verified external id): the upsert would take it from them."""
    if customer.external_id is None:
        return
    errors: list[dict[str, Any]] = []
    for identity in await _named_identities(session, workspace_id, customer):
        if identity.kind == "external_id" or not identity.verified:
            continue
        holder = await access_contact(session, workspace_id, identity.contact_id)
        theirs = await verified_external_ids(session, holder)
        if theirs and customer.external_id not in theirs:
            others = ", ".join(sorted(theirs))
            errors.append(
                {
                    "loc": ["body", identity.kind],
                    "msg": f"verified for another customer ({others})",
                }
            )
    if errors:
        raise Conflict(
            "an identity belongs to another customer; nothing was changed", errors=errors
        )


async def do_resolve_customer(
    tx: Tx,
    workspace_id: str,
    customer: CustomerRef,
    *,
    reason: str,
    links: LinkedRows | None,
) -> Resolved:
    """The contact the shop means, created if none; the identities it names become verified
    on it, and contacts they prove to be the same customer are merged in (module doc)."""
    session = tx.session
    owned = await _named_identities(session, workspace_id, customer)
    named = set(customer.identities())
    contact: Contact | None = None
    holder = next((i for i in owned if i.verified), None)
    if holder is None:
        for identity in owned:
            if await _known_only_by(session, workspace_id, identity.contact_id, named):
                holder = identity
                break
    if holder is not None:
        contact = await access_contact(session, workspace_id, holder.contact_id)
        known = await verified_external_ids(session, contact)
        if customer.external_id and known and customer.external_id not in known:
            contact = None  # another customer of the shop: never this one's profile
    if contact is None:
        contact = Contact(
            workspace_id=workspace_id,
            name=customer.name or customer.email or customer.external_id or "Customer",
            attributes={},
            claims={},
        )
        session.add(contact)
        await session.flush()
        tx.publish_on_commit(
            DomainEvent(events.CONTACT_CREATED, workspace_id, {"contact_id": contact.id})
        )
    merges: list[ContactMerge] = []
    for identity in owned:
        if identity.contact_id == contact.id:  # also after an earlier merge moved it here
            identity.verified = True
            continue
        other = await access_contact(session, workspace_id, identity.contact_id)
        mine = await verified_external_ids(session, contact) | {customer.external_id} - {None}
        theirs = await verified_external_ids(session, other)
        if identity.verified:
            joins = not (mine and theirs and mine != theirs)
        else:
            joins = await _known_only_by(session, workspace_id, other.id, named)
        if joins:
            proven = [
                i.id
                for i in await identities_of(session, workspace_id, other.id)
                if (i.kind, i.value) in named and not i.verified
            ]
            merge = await do_merge_contacts(
                tx,
                workspace_id,
                other.id,
                contact.id,
                f"system:{reason}",
                reason=reason,
                links=links,
                verify=proven,  # unverified again if the merge is undone
            )
            merges.append(merge)
        else:  # an unproven claim, or another customer's: move only this identity
            identity.contact_id = contact.id
            identity.verified = True
    await session.flush()
    for kind, value in customer.identities():
        await do_add_identity(tx, contact, kind, value, verified=True)
    if customer.name and contact.name.startswith("Visitor "):
        contact.name = customer.name
    return Resolved(contact, merges)


async def find_customer(session: AsyncSession, workspace_id: str, external_id: str) -> Contact:
    """The contact holding the shop's verified customer id; 404 if none (in this workspace)."""
    value = normalize_identity("external_id", external_id, ["path", "external_id"])
    identity = await find_identity(session, workspace_id, "external_id", value)
    if identity is None or not identity.verified:
        raise NotFound("no such customer")
    return await access_contact(session, workspace_id, identity.contact_id)


@dataclass(frozen=True)
class Upserted:
    contact: Contact
    created: bool  # no contact held this customer id (verified) before
    merges: Sequence[ContactMerge]


async def check_upsert_customer(
    session: AsyncSession, workspace_id: str, customer: CustomerRef, attributes: dict[str, Any]
) -> dict[str, Any]:
    """Everything that can make the upsert fail, before it writes: attribute values (422)
    and identities verified for another customer (409). Returns the checked attributes."""
    checked = await check_attribute_values(session, workspace_id, attributes)
    await check_customer_conflicts(session, workspace_id, customer)
    return checked


async def do_upsert_customer(
    tx: Tx,
    workspace_id: str,
    customer: CustomerRef,
    *,
    attributes: dict[str, Any],
    links: LinkedRows | None,
) -> Upserted:
    """``PUT /v1/customers/{external_id}``: the shop states who its customer is. Idempotent:
    the same call again changes nothing and merges nothing."""
    assert customer.external_id is not None
    await check_upsert_customer(tx.session, workspace_id, customer, attributes)
    before = await find_identity(tx.session, workspace_id, "external_id", customer.external_id)
    created = before is None or not before.verified
    resolved = await do_resolve_customer(
        tx, workspace_id, customer, reason=CUSTOMER_API, links=links
    )
    await do_update_contact(tx, resolved.contact, name=customer.name, attributes=attributes)
    return Upserted(resolved.contact, created, resolved.merges)
