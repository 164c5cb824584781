"""The CRM webhook: each lead change, signed, delivered at least once.

A workspace names one URL. Every ``lead.created`` / ``lead.updated`` writes a delivery row
in the transaction that changes the lead (``do_promise``), so a committed change always
reaches the CRM and a rolled-back one never does; ``LeadWebhookWorker`` (``sender.py``)
sends due rows with the outbox's back-off (``channels/outbox``: 10 s, 1 min, 5 min, 15 min,
then failed) and claim lease.

Calls follow the Standard Webhooks specification (https://www.standardwebhooks.com/,
signed by its reference library): headers ``webhook-id`` (the delivery id, the same on
every attempt: the CRM's idempotency key), ``webhook-timestamp`` and ``webhook-signature``
``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the workspace's ``whsec_`` secret.
For a grace period after the secret is rotated, each call carries two signatures (the new
secret's and the previous one's, space-separated as the specification allows), so the CRM
verifies with whichever secret it holds while it is switched over.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks import Webhook

from hovor.channels.outbox.service import CLAIM_LEASE, MAX_REASON, RETRY_DELAYS
from hovor.core import clock
from hovor.core.errors import field_error
from hovor.core.jsontext import compact_json
from hovor.db.transaction import Tx
from hovor.leads.models import Lead, LeadDelivery, LeadWebhook

MAX_URL = 2048
DEFAULT_GRACE = timedelta(hours=24)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise field_error(["body", "url"], "an http:// or https:// URL")
    return url


async def webhook_of(session: AsyncSession, workspace_id: str) -> LeadWebhook | None:
    found: LeadWebhook | None = await session.scalar(
        select(LeadWebhook).where(LeadWebhook.workspace_id == workspace_id)
    )
    return found


async def do_set_webhook(
    tx: Tx,
    workspace_id: str,
    *,
    url: str,
    enabled: bool,
    rotate_secret: bool = False,
    grace: timedelta = DEFAULT_GRACE,
) -> LeadWebhook:
    """Set the workspace's CRM webhook; its secret is made once (or anew on ``rotate_secret``,
    the replaced one still signing too for ``grace``; 0: not at all)."""
    hook = await webhook_of(tx.session, workspace_id)
    if hook is None:
        hook = LeadWebhook(workspace_id=workspace_id, secret=new_secret())
        tx.session.add(hook)
    elif rotate_secret:
        hook.previous_secret = hook.secret if grace else None
        hook.previous_until = clock.now() + grace if grace else None
        hook.secret = new_secret()
    hook.url = check_url(url)
    hook.enabled = enabled
    await tx.session.flush()
    return hook


async def do_promise(tx: Tx, lead: Lead, event: str, payload: dict[str, Any]) -> None:
    """A delivery of this change, when the workspace has an enabled webhook."""
    hook = await webhook_of(tx.session, lead.workspace_id)
    if hook is None or not hook.enabled:
        return
    tx.session.add(
        LeadDelivery(
            workspace_id=lead.workspace_id,
            lead_id=lead.id,
            event=event,
            payload={"type": event, "timestamp": clock.now().isoformat(), "data": payload},
            next_attempt_at=clock.now(),
        )
    )


def signing_secrets(hook: LeadWebhook, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace lasts."""
    if hook.previous_secret and hook.previous_until is not None and now < hook.previous_until:
        return [hook.secret, hook.previous_secret]
    return [hook.secret]


def signed_request(
    secrets_: Sequence[str], delivery_id: str, body: str, at: datetime
) -> dict[str, str]:
    """The headers of one call (Standard Webhooks), signed with each of ``secrets_``."""
    return {
        "content-type": "application/json",
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(delivery_id, at, body) for s in secrets_),
    }


def body_of(delivery: LeadDelivery) -> str:
    return compact_json(delivery.payload)


async def claim_due(tx: Tx, *, limit: int = 20) -> list[tuple[LeadDelivery, LeadWebhook]]:
    """Due deliveries with their workspace's webhook, each claimed for one attempt."""
    now = clock.now()
    due = or_(LeadDelivery.status == "pending", LeadDelivery.status == "sending")
    rows = list(
        (
            await tx.session.scalars(
                select(LeadDelivery)
                .where(due, LeadDelivery.next_attempt_at <= now)
                .order_by(LeadDelivery.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
    )
    hooks = {
        h.workspace_id: h
        for h in await tx.session.scalars(
            select(LeadWebhook).where(LeadWebhook.workspace_id.in_({r.workspace_id for r in rows}))
        )
    }
    claimed = []
    for row in rows:
        hook = hooks.get(row.workspace_id)
        if hook is None:
            row.status, row.last_error = "failed", "the webhook was removed"
            continue
        row.status = "sending"
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_LEASE
        claimed.append((row, hook))
    return claimed


async def do_record(
    tx: Tx, delivery_id: str, *, status_code: int | None, error: str | None, permanent: bool
) -> None:
    """The outcome of one attempt: sent, back off for a retry, or failed for good."""
    row = await tx.session.get(LeadDelivery, delivery_id)
    if row is None or row.status != "sending":
        return
    now = clock.now()
    row.response_status = status_code
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, None
    elif permanent or row.attempts > len(RETRY_DELAYS):
        row.status, row.last_error = "failed", error[:MAX_REASON]
    else:
        row.status, row.last_error = "pending", error[:MAX_REASON]
        row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]


async def next_due_at(session: AsyncSession) -> datetime | None:
    return await session.scalar(
        select(LeadDelivery.next_attempt_at)
        .where(or_(LeadDelivery.status == "pending", LeadDelivery.status == "sending"))
        .order_by(LeadDelivery.next_attempt_at)
        .limit(1)
    )


async def deliveries_of(session: AsyncSession, workspace_id: str, limit: int) -> list[LeadDelivery]:
    """The workspace's latest deliveries, newest first (the admin's check that it works)."""
    return list(
        (
            await session.scalars(
                select(LeadDelivery)
                .where(LeadDelivery.workspace_id == workspace_id)
                .order_by(LeadDelivery.created_at.desc(), LeadDelivery.id.desc())
                .limit(limit)
            )
        ).all()
    )


async def do_retry_failed(tx: Tx, workspace_id: str) -> int:
    """Failed deliveries of the workspace are due again now; returns how many."""
    result = await tx.session.execute(
        update(LeadDelivery)
        .where(LeadDelivery.workspace_id == workspace_id, LeadDelivery.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
