"""Callbacks: a request becomes a conversation on the ``callback`` channel, due within the SLA.

Agents see it in the same inbox as chats, with the number, the time the customer asked
for and why they were offered help. The routing issue turns it into a task with retries
and outcome codes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import phonenumbers

from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.service import do_get_or_create_by_identity, visitor_display_name
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_open_conversation, do_send_message
from hovor.core import clock
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Tx

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


def due_time(now: datetime, preferred_at: datetime | None) -> datetime:
    """Call at the preferred time, or within the SLA when none (or a past one) was given."""
    if preferred_at is None or preferred_at <= now + CALLBACK_SLA:
        return now + CALLBACK_SLA
    if preferred_at > now + LATEST_PREFERRED:
        raise InvalidInput(
            "preferred time too far ahead",
            errors=[{"loc": ["preferred_time"], "msg": "at most 7 days ahead"}],
        )
    return preferred_at


async def do_request_callback(
    tx: Tx,
    workspace_id: str,
    *,
    visitor_id: str,
    phone: str,
    preferred_at: datetime | None,
    reason: str,
    context: dict[str, Any],
) -> tuple[Conversation, CallbackRequest]:
    e164 = check_phone(phone)
    now = clock.now()
    due = due_time(now, preferred_at)
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
    when = (
        "as soon as possible" if preferred_at is None else f"at {preferred_at:%Y-%m-%d %H:%M} UTC"
    )
    await do_send_message(
        tx,
        conversation,
        author_type="system",
        author_id=None,
        author_name=None,
        body=f"Callback requested to {e164}, {when}; call by {due:%H:%M:%S} UTC. {reason}".strip(),
        private=True,
    )
    return conversation, callback
