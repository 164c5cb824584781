"""Builders shared by the contacts tests: a site with an identity secret, a signed identify."""

from __future__ import annotations

from datetime import datetime

from hovor.auth import service as auth
from hovor.contacts import identify, identity_secrets
from hovor.contacts.identify import Identified, IdentifyClaim
from hovor.contacts.merge import LinkedRows
from hovor.conversations.service import do_move_conversations
from hovor.db.transaction import Database
from hovor.orders.service import do_move_orders

LINKS = LinkedRows({"conversations": do_move_conversations, "orders": do_move_orders})


async def site_secret(db: Database, workspace_id: str) -> str:
    async with db.transaction() as tx:
        site = await auth.do_create_site_key(
            tx, workspace_id, name="Shop", allowed_origins=["https://shop.example.org"]
        )
        return (await identity_secrets.do_get_identity_secret(tx, workspace_id, site.id)).secret


async def identify_as(
    db: Database,
    workspace_id: str,
    visitor_id: str,
    external_id: str,
    *,
    secret: str | None,
    email: str | None = None,
    name: str | None = None,
    at: datetime | None = None,
    ref_id: str | None = None,
) -> Identified:
    """The tracker's identify: signed with ``secret`` (None: a forged signature)."""
    signature = identity_secrets.sign(secret, external_id) if secret else "00" * 32
    claim = IdentifyClaim(external_id, signature, email=email, name=name)
    async with db.transaction() as tx:
        verified = await identity_secrets.signature_is_valid(
            tx.session, workspace_id, external_id, signature
        )
        return await identify.do_identify(
            tx,
            workspace_id,
            visitor_id,
            claim,
            verified=verified,
            links=LINKS,
            occurred_at=at,
            ref_id=ref_id,
        )
