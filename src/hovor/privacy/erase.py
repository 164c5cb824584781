"""Erasure of a contact: anonymise (keep the shape, drop the person) or delete.

Both modes run in **one transaction** with set-based ``UPDATE``/``DELETE`` statements (no
rows are loaded into memory), together with the audit row: either everything is erased
and audited, or, after a crash or an error, nothing changed and the request can simply be
sent again. What each mode does, table by table, is in ``docs/privacy.md``.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Update

from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.models import Contact, ContactIdentity, ContactMerge, TimelineEntry
from hovor.conversations.models import Conversation, Message
from hovor.core.errors import InvalidInput
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.engagement.models import Offer
from hovor.orders.models import Order
from hovor.privacy import events
from hovor.privacy.models import PrivacyRequest
from hovor.privacy.scope import ContactScope, contact_scope
from hovor.tickets.models import Ticket, TicketEvent, TicketNote
from hovor.tracking.models import TrackedEvent, WebSession

Mode = Literal["anonymise", "delete"]
ERASED_NAME = "Erased contact"
ERASED_TEXT = "[erased]"
ERASED_DIGEST = "erased"
MAX_REASON = 500


def check_erase(mode: str, reason: str) -> str:
    errors = []
    if mode not in ("anonymise", "delete"):
        errors.append({"loc": ["mode"], "msg": "anonymise or delete"})
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        errors.append({"loc": ["reason"], "msg": f"1 to {MAX_REASON} characters"})
    if errors:
        raise InvalidInput("invalid erase request", errors=errors)
    return reason


async def _run(tx: Tx, statement: Update | Delete) -> int:
    result = await tx.session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def do_erase_contact(
    tx: Tx, workspace_id: str, contact_id: str, *, mode: Mode, reason: str, actor: str
) -> PrivacyRequest:
    """Erase the contact (and the contacts merged into it) everywhere; audit and publish."""
    reason = check_erase(mode, reason)
    scope = await contact_scope(tx.session, workspace_id, contact_id)
    if mode == "anonymise":
        counts = await _anonymise(tx, scope)
    else:
        counts = await _delete(tx, scope)
    request = PrivacyRequest(
        workspace_id=workspace_id,
        contact_id=scope.contact.id,
        actor=actor,
        mode=mode,
        reason=reason,
        counts=counts,
    )
    tx.session.add(request)
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(
            events.CONTACT_ERASED,
            workspace_id,
            {
                "contact_id": scope.contact.id,
                "request_id": request.id,
                "mode": mode,
                "actor": actor,
                "counts": counts,
            },
        )
    )
    return request


async def _anonymise(tx: Tx, scope: ContactScope) -> dict[str, Any]:
    ws, visitors, ids = scope.workspace_id, scope.visitor_ids, scope.contact_ids
    conversations = scope.conversation_ids()
    counts: dict[str, int] = {}
    counts["tracked_events"] = await _run(
        tx,
        update(TrackedEvent)
        .where(TrackedEvent.workspace_id == ws, TrackedEvent.visitor_id.in_(visitors))
        .values(props={}, page={}),
    )
    counts["web_sessions"] = await _run(
        tx,
        update(WebSession)
        .where(WebSession.workspace_id == ws, WebSession.visitor_id.in_(visitors))
        .values(landing_url=None, referrer=None, utm={}, user_agent=None),
    )
    counts["engagement_offers"] = await _run(
        tx,
        update(Offer)
        .where(Offer.workspace_id == ws, Offer.visitor_id.in_(visitors))
        .values(context={}, text=ERASED_TEXT),
    )
    counts["callback_requests"] = await _run(
        tx,
        update(CallbackRequest)
        .where(
            CallbackRequest.workspace_id == ws,
            CallbackRequest.conversation_id.in_(conversations),
        )
        .values(phone="", context={}),
    )
    # Agents' replies and system notes quote the customer (the callback note carries the
    # number, the offer note the pages and cart): every body of these conversations goes.
    counts["messages"] = await _run(
        tx,
        update(Message)
        .where(Message.workspace_id == ws, Message.conversation_id.in_(conversations))
        .values(body=ERASED_TEXT),
    )
    await _run(
        tx,
        update(Message)
        .where(
            Message.workspace_id == ws,
            Message.conversation_id.in_(conversations),
            Message.author_type == "visitor",
        )
        .values(author_name=None),
    )
    # A channel address that is not one of the visitor ids (an e-mail thread, a chat id).
    counts["conversations"] = await _run(
        tx,
        update(Conversation)
        .where(
            Conversation.workspace_id == ws,
            Conversation.contact_id.in_(ids),
            Conversation.source_id.not_in(visitors),
        )
        .values(source_id=ERASED_TEXT),
    )
    tickets = select(Ticket.id).where(Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
    counts["ticket_notes"] = await _run(
        tx,
        update(TicketNote)
        .where(TicketNote.workspace_id == ws, TicketNote.ticket_id.in_(tickets))
        .values(body=ERASED_TEXT),
    )
    counts["ticket_events"] = await _run(
        tx,
        update(TicketEvent)
        .where(
            TicketEvent.workspace_id == ws,
            TicketEvent.ticket_id.in_(tickets),
            TicketEvent.field == "subject",
        )
        .values(old_value=ERASED_TEXT, new_value=ERASED_TEXT, data={}),
    )
    counts["tickets"] = await _run(
        tx,
        update(Ticket)
        .where(Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
        .values(subject=ERASED_TEXT),
    )
    counts["timeline_entries"] = await _run(
        tx,
        update(TimelineEntry)
        .where(TimelineEntry.workspace_id == ws, TimelineEntry.contact_id.in_(ids))
        .values(summary=ERASED_TEXT, data={}),
    )
    counts["orders"] = await _erase_order_digests(tx, scope)
    counts["contact_identities"] = await _run(
        tx,
        delete(ContactIdentity).where(
            ContactIdentity.workspace_id == ws,
            ContactIdentity.contact_id.in_(ids),
            ContactIdentity.kind != "visitor",
        ),
    )
    counts["contacts"] = await _run(
        tx,
        update(Contact)
        .where(Contact.workspace_id == ws, Contact.id.in_(ids))
        .values(name=ERASED_NAME, email=None, phone=None, attributes={}, claims={}),
    )
    return dict(counts)


async def _erase_order_digests(tx: Tx, scope: ContactScope) -> int:
    """Orders stay for bookkeeping; their digest hashed the customer's e-mail and phone."""
    return await _run(
        tx,
        update(Order)
        .where(Order.workspace_id == scope.workspace_id, Order.contact_id.in_(scope.contact_ids))
        .values(digest=ERASED_DIGEST),
    )


async def _delete(tx: Tx, scope: ContactScope) -> dict[str, Any]:
    ws, visitors, ids = scope.workspace_id, scope.visitor_ids, scope.contact_ids
    conversations = scope.conversation_ids()
    counts: dict[str, int] = {}
    counts["tracked_events"] = await _run(
        tx,
        delete(TrackedEvent).where(
            TrackedEvent.workspace_id == ws, TrackedEvent.visitor_id.in_(visitors)
        ),
    )
    counts["web_sessions"] = await _run(
        tx,
        delete(WebSession).where(
            WebSession.workspace_id == ws, WebSession.visitor_id.in_(visitors)
        ),
    )
    counts["engagement_offers"] = await _run(
        tx,
        delete(Offer).where(
            Offer.workspace_id == ws,
            (Offer.visitor_id.in_(visitors)) | (Offer.conversation_id.in_(conversations)),
        ),
    )
    counts["callback_requests"] = await _run(
        tx,
        delete(CallbackRequest).where(
            CallbackRequest.workspace_id == ws,
            CallbackRequest.conversation_id.in_(conversations),
        ),
    )
    tickets = select(Ticket.id).where(Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
    counts["ticket_notes"] = await _run(
        tx,
        delete(TicketNote).where(TicketNote.workspace_id == ws, TicketNote.ticket_id.in_(tickets)),
    )
    counts["ticket_events"] = await _run(
        tx,
        delete(TicketEvent).where(
            TicketEvent.workspace_id == ws, TicketEvent.ticket_id.in_(tickets)
        ),
    )
    # Their links to conversations go with the tickets (ON DELETE CASCADE).
    counts["tickets"] = await _run(
        tx, delete(Ticket).where(Ticket.workspace_id == ws, Ticket.contact_id.in_(ids))
    )
    counts["messages"] = await _run(
        tx,
        delete(Message).where(
            Message.workspace_id == ws, Message.conversation_id.in_(conversations)
        ),
    )
    counts["conversations"] = await _run(
        tx,
        delete(Conversation).where(
            Conversation.workspace_id == ws, Conversation.contact_id.in_(ids)
        ),
    )
    counts["timeline_entries"] = await _run(
        tx,
        delete(TimelineEntry).where(
            TimelineEntry.workspace_id == ws, TimelineEntry.contact_id.in_(ids)
        ),
    )
    counts["contact_identities"] = await _run(
        tx,
        delete(ContactIdentity).where(
            ContactIdentity.workspace_id == ws, ContactIdentity.contact_id.in_(ids)
        ),
    )
    counts["contact_merges"] = await _run(
        tx,
        delete(ContactMerge).where(
            ContactMerge.workspace_id == ws,
            ContactMerge.source_id.in_(ids) | ContactMerge.target_id.in_(ids),
        ),
    )
    # Orders are kept for bookkeeping; the contacts holding them stay as bare tombstones.
    counts["orders"] = await _erase_order_digests(tx, scope)
    with_orders = select(Order.contact_id).where(
        Order.workspace_id == ws, Order.contact_id.in_(ids)
    )
    kept = await _run(
        tx,
        update(Contact)
        .where(Contact.workspace_id == ws, Contact.id.in_(with_orders))
        .values(
            name=ERASED_NAME, email=None, phone=None, attributes={}, claims={}, merged_into_id=None
        ),
    )
    deleted = await _run(
        tx,
        delete(Contact).where(
            Contact.workspace_id == ws, Contact.id.in_(ids), Contact.id.not_in(with_orders)
        ),
    )
    counts["contacts"] = deleted
    counts["contacts_kept_for_orders"] = kept
    return dict(counts)


async def list_requests(
    session: AsyncSession, workspace_id: str, *, contact_id: str | None, limit: int, offset: int
) -> tuple[list[PrivacyRequest], int]:
    query = select(PrivacyRequest).where(PrivacyRequest.workspace_id == workspace_id)
    if contact_id:
        query = query.where(PrivacyRequest.contact_id == contact_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.scalars(
        query.order_by(PrivacyRequest.created_at.desc(), PrivacyRequest.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total
