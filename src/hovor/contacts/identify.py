"""Identify: a visitor says who they are; only a signed claim joins an existing profile.

The site's back-end signs its customer id with the site key's identity secret:
``signature = hex(HMAC-SHA256(secret, external_id))``. A valid signature attaches the
visitor to the contact owning that (verified) external id, created if there is none, and
merges the visitor's anonymous contact into it. Without a valid signature the claimed name
and e-mail are only kept as unverified claims on the visitor's own contact.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import events, timeline
from hovor.contacts.identities import normalize_email, normalize_identity, normalize_phone
from hovor.contacts.identity_secrets import (
    TokenReplayed,
    identity_keys,
    signature_is_valid,
    spend_token,
)
from hovor.contacts.identity_tokens import check_identity_token
from hovor.contacts.merge import LinkedRows, do_merge_contacts
from hovor.contacts.models import Contact
from hovor.contacts.service import (
    access_contact,
    do_add_identity,
    do_get_or_create_by_identity,
    find_identity,
    identities_of,
    refresh_primary_fields,
    visitor_display_name,
)
from hovor.core import clock
from hovor.core.errors import Forbidden, InvalidInput
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx

log = logging.getLogger(__name__)

IDENTIFY = "identify"
SYSTEM_IDENTIFY = "system:identify"


# Claims ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifyClaim:
    external_id: str
    signature: str | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    token: str | None = None  # a signed identity token (identity_tokens); replaces signature


def check_claim(props: dict[str, Any]) -> IdentifyClaim:
    """An identify call's props, checked; field-level errors name the prop."""
    errors: list[dict[str, Any]] = []
    raw_id = props.get("external_id")
    external_id = ""  # with a token and no external_id, the token's sub says it
    if raw_id is None and isinstance(props.get("token"), str):
        pass
    elif not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
        errors.append({"loc": ["external_id"], "msg": "required, a string"})
    elif str(raw_id) != str(raw_id).strip():
        # The shop signed exactly this id; stripped, it would be another customer's.
        errors.append({"loc": ["external_id"], "msg": "must not start or end with whitespace"})
    else:
        try:
            external_id = normalize_identity("external_id", str(raw_id), ["external_id"])
        except InvalidInput as exc:
            errors.extend(exc.errors or [])
    fields: dict[str, str | None] = {}
    for name in ("signature", "email", "name", "phone", "token"):
        value = props.get(name)
        if value is not None and not isinstance(value, str):
            errors.append({"loc": [name], "msg": "must be a string"})
            value = None
        fields[name] = value.strip() if isinstance(value, str) and value.strip() else None
    if fields["email"]:
        try:
            fields["email"] = normalize_email(fields["email"])
        except InvalidInput as exc:
            errors.extend(exc.errors or [])
    if fields["phone"]:
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except InvalidInput as exc:
            errors.extend(exc.errors or [])
    if fields["name"] and len(fields["name"]) > 200:
        errors.append({"loc": ["name"], "msg": "at most 200 characters"})
    if errors:
        raise InvalidInput("invalid identify call", errors=errors)
    return IdentifyClaim(
        external_id=external_id,
        signature=fields["signature"],
        email=fields["email"],
        name=fields["name"],
        phone=fields["phone"],
        token=fields["token"],
    )


async def check_verified(
    session: AsyncSession, workspace_id: str, claim: IdentifyClaim
) -> IdentifyClaim:
    """The claim with the customer id its signer vouched for, or ``Forbidden`` saying why
    not. A token must be current, for one of the workspace's site keys and, if it has a
    ``jti``, not used before (``TokenReplayed``; the use is recorded in the caller's
    transaction). The older signature (an HMAC of the id alone, deprecated: it never
    expires) is still accepted."""
    if claim.token:
        keys = await identity_keys(session, workspace_id)
        token = check_identity_token(claim.token, keys, now=clock.now())
        if claim.external_id and claim.external_id != token.external_id:
            raise Forbidden("invalid identity token: external_id differs from the token's sub")
        await spend_token(session, workspace_id, token)
        return replace(claim, external_id=token.external_id)
    if not claim.external_id or not await signature_is_valid(
        session, workspace_id, claim.external_id, claim.signature
    ):
        raise Forbidden("invalid identity signature")
    log.info("identify with a deprecated HMAC signature (workspace %s)", workspace_id)
    return claim


# Resolution --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identified:
    contact_id: str
    verified: bool
    merge_id: str | None = None


async def _verified_external_ids(tx: Tx, contact: Contact) -> set[str]:
    return {
        i.value
        for i in await identities_of(tx.session, contact.workspace_id, contact.id)
        if i.kind == "external_id" and i.verified
    }


async def _add_unverified_details(
    tx: Tx, contact: Contact, claim: IdentifyClaim, *, new_customer: bool
) -> None:
    """Name and unsigned e-mail/phone of a signed identify: used where nobody else owns them,
    and the e-mail and phone only on a customer this identify verified first. Added to a
    customer verified before, they would let whoever replays a signature attach their own
    address to that customer's profile."""
    if claim.name and contact.name.startswith("Visitor "):
        contact.name = claim.name
    if not new_customer:
        return
    for kind, value in (("email", claim.email), ("phone", claim.phone)):
        if value is None:
            continue
        owner = await find_identity(tx.session, contact.workspace_id, kind, value)
        if owner is None:
            await do_add_identity(tx, contact, kind, value, verified=False)
        elif owner.contact_id != contact.id:
            contact.claims = {**(contact.claims or {}), kind: value}


async def do_identify(
    tx: Tx,
    workspace_id: str,
    visitor_id: str,
    claim: IdentifyClaim,
    *,
    verified: bool,
    links: LinkedRows | None = None,
    occurred_at: datetime | None = None,
    ref_id: str | None = None,
) -> Identified:
    """Resolve the visitor after an identify; ``verified`` says the signature was checked."""
    occurred_at = occurred_at or clock.now()
    visitor_contact = await do_get_or_create_by_identity(
        tx, workspace_id, "visitor", visitor_id, name=visitor_display_name(visitor_id)
    )
    if not verified:
        claims = {
            k: v
            for k, v in (
                ("external_id", claim.external_id),
                ("email", claim.email),
                ("name", claim.name),
                ("phone", claim.phone),
            )
            if v
        }
        visitor_contact.claims = {**(visitor_contact.claims or {}), **claims}
        await tx.session.flush()
        return Identified(visitor_contact.id, verified=False)

    merge_id: str | None = None
    owner_identity = await find_identity(tx.session, workspace_id, "external_id", claim.external_id)
    was_verified = owner_identity is not None and owner_identity.verified
    others = await _verified_external_ids(tx, visitor_contact)
    shared_device = bool(others - {claim.external_id})  # another customer used this browser
    if owner_identity is None:
        if shared_device:
            target = Contact(
                workspace_id=workspace_id,
                name=claim.name or claim.external_id,
                attributes={},
                claims={},
            )
            tx.session.add(target)
            await tx.session.flush()
            await _move_visitor_identity(tx, workspace_id, visitor_id, target)
        else:
            target = visitor_contact
        await do_add_identity(tx, target, "external_id", claim.external_id, verified=True)
    else:
        target = await access_contact(tx.session, workspace_id, owner_identity.contact_id)
        if not owner_identity.verified:
            owner_identity.verified = True  # only an unverified claim's: the signature wins
            if target.id != visitor_contact.id:
                owner_identity.contact_id = visitor_contact.id
                target = visitor_contact
        if target.id != visitor_contact.id:
            if shared_device:
                await _move_visitor_identity(tx, workspace_id, visitor_id, target)
            else:
                merge = await do_merge_contacts(
                    tx,
                    workspace_id,
                    visitor_contact.id,
                    target.id,
                    SYSTEM_IDENTIFY,
                    reason="identify",
                    links=links,
                )
                merge_id = merge.id
    new_customer = owner_identity is None or not was_verified
    await _add_unverified_details(tx, target, claim, new_customer=new_customer)
    await tx.session.flush()
    await timeline.do_record(
        tx,
        workspace_id,
        target.id,
        timeline.CONTACT_IDENTIFIED,
        occurred_at,
        "identify",
        ref_id or f"{visitor_id}:{occurred_at.isoformat()}",
        f"Signed in on the website as {claim.external_id}",
        {"visitor_id": visitor_id, "external_id": claim.external_id},
    )
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_IDENTIFIED,
            workspace_id,
            {"contact_id": target.id, "visitor_id": visitor_id, "merge_id": merge_id},
        )
    )
    return Identified(target.id, verified=True, merge_id=merge_id)


async def _move_visitor_identity(
    tx: Tx, workspace_id: str, visitor_id: str, target: Contact
) -> None:
    identity = await find_identity(tx.session, workspace_id, "visitor", visitor_id)
    assert identity is not None
    identity.contact_id = target.id
    await tx.session.flush()
    await refresh_primary_fields(tx.session, target)


# The tracking hook -------------------------------------------------------------------------


class VisitorLike(Protocol):
    @property
    def workspace_id(self) -> str: ...
    @property
    def visitor_id(self) -> str: ...
    def session_facts(self) -> dict[str, Any]: ...


class TrackedLike(Protocol):
    @property
    def event_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def ts(self) -> datetime: ...
    @property
    def props(self) -> dict[str, Any]: ...


class Identify:
    """Handles the tracker's ``identify`` events (registered with ``Tracking.on_events``)."""

    def __init__(self, db: Database, links: LinkedRows) -> None:
        self._db = db
        self.links = links
        self.metrics: Counter[str] = Counter()

    async def on_events(self, visitor: VisitorLike, tracked: Sequence[TrackedLike]) -> None:
        for event in tracked:
            if event.type == IDENTIFY:
                await self.identify(visitor, event)

    async def identify(self, visitor: VisitorLike, event: TrackedLike) -> Identified | None:
        try:
            claim = check_claim(event.props)
        except InvalidInput as exc:
            self.metrics["invalid"] += 1
            log.info("identify refused (%s): %s", visitor.visitor_id, exc.errors)
            return None
        async with self._db.transaction() as tx:
            try:
                claim = await check_verified(tx.session, visitor.workspace_id, claim)
                verified = True
                self.metrics["verified"] += 1
            except TokenReplayed as exc:
                # A replay records nothing, not even the claims it carries.
                self.metrics["replayed"] += 1
                log.warning(
                    "identify refused from visitor %s (workspace %s): %s",
                    visitor.visitor_id,
                    visitor.workspace_id,
                    exc.detail,
                )
                return None
            except Forbidden as exc:
                verified = False
                self.metrics["refused"] += 1
                log.warning(
                    "identify refused from visitor %s (workspace %s): %s",
                    visitor.visitor_id,
                    visitor.workspace_id,
                    exc.detail,
                )
            result = await do_identify(
                tx,
                visitor.workspace_id,
                visitor.visitor_id,
                claim,
                verified=verified,
                links=self.links,
                occurred_at=event.ts,
                ref_id=event.event_id,
            )
            await record_web_session(tx, visitor.workspace_id, result.contact_id, visitor)
        return result


async def record_web_session(
    tx: Tx, workspace_id: str, contact_id: str, visitor: VisitorLike
) -> None:
    """The visit so far (pages, product on page, cart), summarised once per visit on identify."""
    facts = visitor.session_facts()
    if not facts.get("id"):
        return
    started = facts.get("started_at")
    occurred_at = datetime.fromisoformat(started) if isinstance(started, str) else clock.now()
    pages, cart_items = facts.get("page_views", 0), facts.get("cart_items", 0)
    await timeline.do_record(
        tx,
        workspace_id,
        contact_id,
        timeline.WEB_SESSION,
        occurred_at,
        "web_session",
        str(facts["id"]),
        f"Visited the website: {pages} pages, {cart_items} items in the cart",
        {
            k: facts.get(k)
            for k in ("page_views", "events", "landing_url", "referrer", "cart_value", "cart_items")
        },
    )


async def check_signed(
    session: AsyncSession, workspace_id: str, claim: IdentifyClaim
) -> IdentifyClaim:
    """For the HTTP endpoint: a forged, expired or missing signature is refused with a
    clear error."""
    return await check_verified(session, workspace_id, claim)
