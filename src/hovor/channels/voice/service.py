"""Callbacks: a request becomes a conversation on the ``callback`` channel, due within the SLA.

Agents see it in the same inbox as chats, with the number, the time the customer asked
for and why they were offered help. Routing holds it as a task that becomes ready at the
preferred time (or at once) and is due 5 minutes later. The agent records the outcome of
each attempt; no answer, busy and voicemail are retried later, up to three attempts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from sqlalchemy import select

from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.service import do_get_or_create_by_identity, visitor_display_name
from hovor.conversations.models import Conversation
from hovor.conversations.service import (
    do_add_system_note,
    do_close_conversation,
    do_open_conversation,
)
from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.db.transaction import Tx
from hovor.routing import service as routing

KIND = "callback"
CALLBACK_SLA = timedelta(minutes=5)
LATEST_PREFERRED = timedelta(days=7)


def check_phone(raw: str, region: str | None = None) -> str:
    """The number in E.164, or a field error saying what is wrong with it."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(
            "invalid phone number", errors=[{"loc": ["phone"], "msg": str(exc.args[0])}]
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            "invalid phone number",
            errors=[{"loc": ["phone"], "msg": "not a valid number; include the country code (+…)"}],
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
) -> tuple[Conversation, CallbackRequest]:
    """``queue`` names the routing queue (the rule's action); else the callback channel's."""
    e164 = check_phone(phone)
    now = clock.now()
    ready, due = call_window(now, preferred_at)
    contact = await do_get_or_create_by_identity(
        tx, workspace_id, "visitor", visitor_id, name=visitor_display_name(visitor_id)
    )
    conversation = await do_open_conversation(
        tx, workspace_id, contact_id=contact.id, channel=KIND, source_id=visitor_id
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
    await routing.do_enqueue(
        tx,
        conversation,
        queue=await routing.queue_by_name(tx.session, workspace_id, queue) if queue else None,
        ready_at=ready,
        deadline=due,
    )
    when = (
        "as soon as possible" if preferred_at is None else f"at {preferred_at:%Y-%m-%d %H:%M} UTC"
    )
    await do_add_system_note(
        tx,
        conversation,
        f"Callback requested to {e164}, {when}; call by {due:%H:%M:%S} UTC. {reason}".strip(),
    )
    return conversation, callback


OUTCOMES = ("reached", "no_answer", "busy", "voicemail", "wrong_number", "cancelled")
RETRIED = frozenset({"no_answer", "busy", "voicemail"})
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)


async def access_callback(tx: Tx, conversation: Conversation) -> CallbackRequest:
    callback = await tx.session.scalar(
        select(CallbackRequest).where(CallbackRequest.conversation_id == conversation.id)
    )
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
        await routing.do_retry_later(
            tx, conversation, ready_at=ready, deadline=callback.due_at, reason=outcome
        )
    else:
        await do_close_conversation(tx, conversation)
    return callback
