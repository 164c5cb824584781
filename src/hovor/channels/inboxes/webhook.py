"""The generic webhook path: find the inbox, let its adapter verify and parse, store."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from hovor.channels.base import RawInbound, ResolvesReceipts, WebhookChannel
from hovor.channels.inbound import receive_inbound
from hovor.channels.inboxes import service
from hovor.channels.inboxes.models import Inbox
from hovor.channels.outbox.service import do_record_receipt
from hovor.db.transaction import Database

MAX_BYTES = 1024 * 1024  # providers' webhook bodies are a few KB; media come by URL


def raw_call(request: Request, inbox: Inbox, body: bytes, origin: str) -> RawInbound:
    """The provider's call as adapters see it; ``url`` as the provider called it (origin:
    HOVOR_PUBLIC_URL when set, which is what a provider behind a proxy signs)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RawInbound(
        payload=None,
        headers={k.lower(): v for k, v in request.headers.items()},
        workspace_id=inbox.workspace_id,
        inbox=service.ref(inbox),
        body=body,
        query=dict(request.query_params),
        url=f"{origin}{request.url.path}{query}",
    )


@dataclass(frozen=True)
class WebhookReceived:
    messages: int  # new messages stored (a provider's resend counts once)
    receipts: int  # delivery reports applied to our outbound messages


async def do_receive_webhook(
    db: Database,
    adapter: WebhookChannel,
    kind: str,
    inbox_id: str,
    request: Request,
    body: bytes,
    origin: str,
) -> WebhookReceived:
    """Verify (403 when not authentic), parse (422 naming the field), then store the messages
    and apply the receipts in one transaction, before the provider gets its answer."""
    async with db.read() as session:
        inbox = await service.find_webhook_inbox(session, kind, inbox_id)
    raw = raw_call(request, inbox, body, origin)
    adapter.verify(raw)
    messages = adapter.parse(raw)
    receipts = adapter.receipts(raw)
    created = applied = 0
    async with db.transaction() as tx:
        for inbound in messages:
            if inbound.workspace_id != inbox.workspace_id or inbound.channel != kind:
                raise ValueError(f"adapter {kind} parsed a message for another inbox")
            received = await receive_inbound(tx, inbound)
            created += int(received.created)
        if isinstance(adapter, ResolvesReceipts):  # reports that name no message (watermarks)
            receipts = [*receipts, *await adapter.resolve_receipts(tx.session, raw)]
        for receipt in receipts:
            delivery = await do_record_receipt(
                tx,
                inbox.workspace_id,
                kind,
                receipt.provider_message_id,
                receipt.status,
                error=receipt.error,
            )
            applied += int(delivery is not None)
    return WebhookReceived(created, applied)
