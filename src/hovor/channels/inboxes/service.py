"""Inbox operations: admins add and remove accounts on webhook channels."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import ChannelRegistry, DeliveryFailed, InboxRef, WebhookChannel
from hovor.channels.inboxes.models import Inbox
from hovor.core.errors import InvalidInput, NotFound
from hovor.db.transaction import Tx


def ref(inbox: Inbox) -> InboxRef:
    return InboxRef(
        id=inbox.id,
        workspace_id=inbox.workspace_id,
        kind=inbox.kind,
        config=dict(inbox.config),
        webhook_secret=inbox.webhook_secret,
    )


async def inbox_refs(session: AsyncSession, ids: Iterable[str]) -> dict[str, InboxRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(Inbox).where(Inbox.id.in_(wanted)))
    return {inbox.id: ref(inbox) for inbox in rows}


def masked_config(channels: ChannelRegistry, inbox: Inbox) -> dict[str, Any]:
    """The inbox's settings as admins see them again: secrets masked but for a hint."""
    adapter = channels.get(inbox.kind)
    secret = {
        f.name
        for f in (adapter.config_fields if isinstance(adapter, WebhookChannel) else ())
        if f.secret
    }
    return {k: (f"…{str(v)[-4:]}" if k in secret and v else v) for k, v in inbox.config.items()}


async def check_connection(channels: ChannelRegistry, inbox: Inbox) -> tuple[bool, str]:
    adapter = check_webhook_channel(channels, inbox.kind)
    try:
        return True, await adapter.check_connection(ref(inbox))
    except DeliveryFailed as exc:
        return False, exc.reason


def check_webhook_channel(channels: ChannelRegistry, kind: str) -> WebhookChannel:
    adapter = channels.get(kind)
    if not isinstance(adapter, WebhookChannel):
        raise InvalidInput(
            f"{kind!r} is not a channel with inboxes",
            errors=[{"loc": ["body", "kind"], "msg": "not a webhook channel on this server"}],
        )
    return adapter


def webhook_adapter(channels: ChannelRegistry, kind: str) -> WebhookChannel:
    """The adapter a webhook URL names; 404 when this server has no such webhook channel."""
    adapter = channels.get(kind)
    if not isinstance(adapter, WebhookChannel):
        raise NotFound("no such channel")
    return adapter


async def do_add_inbox(
    tx: Tx,
    channels: ChannelRegistry,
    workspace_id: str,
    *,
    kind: str,
    name: str,
    config: Mapping[str, Any],
) -> Inbox:
    adapter = check_webhook_channel(channels, kind)
    inbox = Inbox(
        workspace_id=workspace_id,
        kind=kind,
        name=name,
        config=adapter.check_config(config),
        webhook_secret=secrets.token_urlsafe(24),
    )
    tx.session.add(inbox)
    await tx.session.flush()
    return inbox


async def access_inbox(session: AsyncSession, workspace_id: str, inbox_id: str) -> Inbox:
    inbox = await session.scalar(
        select(Inbox).where(Inbox.id == inbox_id, Inbox.workspace_id == workspace_id)
    )
    if inbox is None:
        raise NotFound("no such inbox")
    return inbox


async def find_webhook_inbox(session: AsyncSession, kind: str, inbox_id: str) -> Inbox:
    """The inbox a provider's call names; 404 for any mismatch (no hint which part)."""
    inbox = await session.get(Inbox, inbox_id)
    if inbox is None or inbox.kind != kind:
        raise NotFound("no such inbox")
    return inbox


async def list_inboxes(session: AsyncSession, workspace_id: str) -> list[Inbox]:
    rows = await session.scalars(
        select(Inbox).where(Inbox.workspace_id == workspace_id).order_by(Inbox.created_at)
    )
    return list(rows.all())


async def do_remove_inbox(tx: Tx, inbox: Inbox) -> None:
    """Conversations keep their history; replies to them then fail with a clear reason."""
    await tx.session.delete(inbox)
