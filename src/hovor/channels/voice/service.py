"""Callbacks: a request becomes a conversation on the ``callback`` channel, due within the SLA.

Agents see it in the same inbox as chats, with the number, the time the customer asked
for and why they were offered help. Routing holds it as a task that becomes ready at the
preferred time (or at once) and is due 5 minutes later. The agent records the outcome of
each attempt; no answer, busy and voicemail are retried later, up to three attempts. A
callback whose conversation is closed without an outcome is cancelled, with a note saying
so (``do_cancel_on_close``), so none stays pending forever.

The number becomes an unverified phone identity of the visitor's contact, so a later call,
SMS or WhatsApp message from it finds the same customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, get_args

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.voice.models import CallbackRequest
from hovor.channels.voice.schemas import Outcome
from hovor.contacts.identities import normalize_phone
from hovor.contacts.service import access_contact, do_add_identity, find_identity
from hovor.conversations.models import Conversation
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.conversations.service import (
    access_conversation,
    do_add_system_note,
    do_close_conversation,
)
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Tx
from hovor.routing import queues, tasks

KIND = "callback"
CALLBACK_SLA = timedelta(minutes=5)
LATEST_PREFERRED = timedelta(days=7)


def call_window(now: datetime, preferred_at: datetime | None) -> tuple[datetime, datetime]:
    """(ready, due): from the preferred time (or now, when none or a past one was given),
    the call is due within the SLA."""
    if preferred_at is not None and preferred_at > now + LATEST_PREFERRED:
        raise InvalidInput(
            "preferred time too far ahead",
            errors=[{"loc": ["preferred_time"], "msg": "at most 7 days ahead"}],
        )
    ready = preferred_at if preferred_at is not None and preferred_at > now else now
    return ready, ready + CALLBACK_SLA


async def do_request_callback(
    tx: Tx,
    workspace_id: str,
    *,
    visitor_id: str,
    phone: str,
    preferred_at: datetime | None,
    reason: str,
    context: dict[str, Any],
    queue: str | None = None,
    identity_kind: str = "visitor",
) -> tuple[Conversation, CallbackRequest]:
    """``queue`` names the routing queue (the rule's action); else the callback channel's.
    ``visitor_id`` is the customer's address of ``identity_kind``: a visitor who asked on the
    site, or (``"phone"``) the number of a missed call (telephony)."""
    e164 = normalize_phone(phone)
    now = clock.now()
    ready, due = call_window(now, preferred_at)
    conversation, _ = await do_find_or_open_conversation(
        tx,
        workspace_id,
        channel=KIND,
        source_id=visitor_id,
        identity_kind=identity_kind,
        continue_open=False,  # each request is a call of its own, with its own outcome
    )
    callback = CallbackRequest(
        workspace_id=workspace_id,
        conversation_id=conversation.id,
        phone=e164,
        preferred_at=preferred_at,
        due_at=due,
        context=context,
    )
    tx.session.add(callback)
    await tasks.do_schedule(
        tx,
        conversation,
        ready_at=ready,
        deadline=due,
        queue=await queues.queue_by_name(tx.session, workspace_id, queue) if queue else None,
    )
    when = (
        "as soon as possible" if preferred_at is None else f"at {preferred_at:%Y-%m-%d %H:%M} UTC"
    )
    await do_add_system_note(
        tx,
        conversation,
        f"Callback requested to {e164}, {when}; call by {due:%H:%M:%S} UTC. {reason}".strip(),
    )
    await do_attach_phone(tx, conversation, e164)
    return conversation, callback


async def do_attach_phone(tx: Tx, conversation: Conversation, e164: str) -> None:
    """Give the conversation's contact the number as an unverified phone identity.

    A number that already belongs to another contact is left there: two people may share
    a phone, and a merge is an agent's decision. A note tells the agent whose it is. A
    request racing another for the same new number loses only its savepoint, never the
    callback."""
    workspace_id = conversation.workspace_id
    contact = await access_contact(tx.session, workspace_id, conversation.contact_id)
    try:
        async with tx.session.begin_nested():
            await do_add_identity(tx, contact, "phone", e164, verified=False)
        return  # added, or the contact had it already
    except (Conflict, IntegrityError):
        existing = await find_identity(tx.session, workspace_id, "phone", e164)
        if existing is None:
            raise
    if existing.contact_id != contact.id:
        owner = await access_contact(tx.session, workspace_id, existing.contact_id)
        await do_add_system_note(
            tx,
            conversation,
            f"{e164} already belongs to another customer, {owner.name} ({owner.id}); it was "
            "not added to this customer's profile. If they are the same person, merge them.",
        )


async def list_callbacks(
    session: AsyncSession, workspace_id: str, conversation_ids: Sequence[str]
) -> list[CallbackRequest]:
    """The callbacks of these conversations (those that are callbacks), in one query."""
    if not conversation_ids:
        return []
    rows = await session.scalars(
        select(CallbackRequest).where(
            CallbackRequest.workspace_id == workspace_id,
            CallbackRequest.conversation_id.in_(set(conversation_ids)),
        )
    )
    return list(rows)


OUTCOMES: tuple[str, ...] = get_args(Outcome)
RETRIED = frozenset({"no_answer", "busy", "voicemail"})
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)


async def find_callback(
    session: AsyncSession, conversation: Conversation
) -> CallbackRequest | None:
    return await session.scalar(
        select(CallbackRequest).where(
            CallbackRequest.workspace_id == conversation.workspace_id,
            CallbackRequest.conversation_id == conversation.id,
        )
    )


async def access_callback(tx: Tx, conversation: Conversation) -> CallbackRequest:
    callback = await find_callback(tx.session, conversation)
    if callback is None:
        raise NotFound("this conversation is not a callback")
    return callback


async def do_record_outcome(
    tx: Tx, conversation: Conversation, outcome: str, *, agent_name: str, note: str | None = None
) -> CallbackRequest:
    """One call attempt's outcome. Reached, a wrong number and a cancelled request end the
    callback (and close the conversation); no answer, busy and voicemail try again in 10
    minutes, up to three attempts, then the callback has failed."""
    if outcome not in OUTCOMES:
        raise InvalidInput(
            "unknown outcome",
            errors=[{"loc": ["outcome"], "msg": f"must be one of {', '.join(OUTCOMES)}"}],
        )
    callback = await access_callback(tx, conversation)
    if callback.status != "pending":
        raise Conflict(f"this callback is already {callback.status}")
    callback.attempts += 1
    callback.last_outcome = outcome
    retry = outcome in RETRIED and callback.attempts < MAX_ATTEMPTS
    if retry:
        ready = clock.now() + RETRY_AFTER
        callback.due_at = ready + CALLBACK_SLA
        text = f"Call attempt {callback.attempts}: {outcome.replace('_', ' ')}. Next try at {ready:%H:%M} UTC."
    else:
        callback.status = (
            "done"
            if outcome == "reached"
            else ("cancelled" if outcome == "cancelled" else "failed")
        )
        text = f"Call attempt {callback.attempts}: {outcome.replace('_', ' ')}. Callback {callback.status}."
    if note and note.strip():
        text += f" {note.strip()}"
    await do_add_system_note(tx, conversation, text, author_name=agent_name)
    if retry:
        await tasks.do_retry_later(
            tx, conversation, ready_at=ready, deadline=callback.due_at, reason=outcome
        )
    else:
        await do_close_conversation(tx, conversation)
    return callback


async def do_cancel_on_close(
    tx: Tx, workspace_id: str, conversation_id: str
) -> CallbackRequest | None:
    """The conversation of a callback was closed. If no outcome ended the callback, it is
    cancelled (no further attempts; the attempts and the last outcome stay as recorded)
    and a note says so, so a callback never stays pending behind a closed conversation.
    Run inside the closing transaction (``listeners``)."""
    conversation = await access_conversation(tx.session, workspace_id, conversation_id)
    callback = await find_callback(tx.session, conversation)
    if callback is None or callback.status != "pending":
        return callback  # ended by its outcome (which closed the conversation), or none
    callback.status = "cancelled"
    await do_add_system_note(
        tx,
        conversation,
        "Closed without a call outcome: the callback is cancelled and will not be tried "
        "again. Record the outcome before closing to keep the call's result.",
    )
    return callback
