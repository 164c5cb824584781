"""Calls: their rows and shapes, the agents' phones, and the click to call.

Click to call (``do_request_call`` → the connector's ``start_call`` → ``do_record_started``):
only a number of the conversation's contact is dialled; the agent's own phone rings first.
What the provider then reports is applied by ``progress.py``. Every change publishes
``call.updated`` after the commit (``changed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import InboxRef, RawInbound
from hovor.channels.inboxes import service as inboxes
from hovor.channels.inboxes.models import Inbox
from hovor.channels.voice import service as callbacks
from hovor.channels.voice.models import AgentPhone, Call
from hovor.channels.voice.telephony.connector import CallEvent, CallReply, DialRequest
from hovor.channels.voice.telephony.events import CALL_UPDATED
from hovor.channels.voice.telephony.schemas import CallOut
from hovor.contacts.identities import normalize_phone
from hovor.contacts.service import identities_of
from hovor.conversations.models import Conversation
from hovor.conversations.service import (
    access_conversation,
    do_add_system_note,
)
from hovor.core import clock
from hovor.core.errors import Conflict, HovorError, NotFound, field_error
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx


class ProviderRefused(HovorError):
    status = 502
    code = "provider_refused"
    title = "The telephony provider refused"


class Connector(Protocol):
    """What the calls service needs of a telephony adapter (``connector.TelephonyConnector``
    plus the channel adapter's ``verify`` and ``kind``)."""

    kind: str

    def verify(self, raw: RawInbound) -> None: ...

    def company_number(self, inbox: InboxRef) -> str: ...

    def call_event(self, raw: RawInbound) -> CallEvent: ...

    def reply(self, inbox: InboxRef, raw: RawInbound, reply: CallReply) -> tuple[bytes, str]: ...


def check_yes_no(value: Any, loc: list[str | int]) -> str:
    """An inbox's yes/no setting: "yes" or "no" (empty: no)."""
    if value is None or value == "":
        return "no"
    if not isinstance(value, str) or value.strip().lower() not in ("yes", "no"):
        raise field_error(loc, "yes or no")
    return value.strip().lower()


def mask(number: str) -> str:
    """+420 *** *** 789: the country and the last three digits."""
    if len(number) < 8:
        return "***"
    return f"{number[:4]} *** *** {number[-3:]}"


def call_out(call: Call, *, masked: bool = False) -> CallOut:
    out = CallOut.model_validate(call)
    if masked:
        out = out.model_copy(
            update={"from_number": mask(call.from_number), "to_number": mask(call.to_number)}
        )
    return out


async def masks_numbers(session: AsyncSession, workspace_id: str) -> bool:
    """The workspace setting: a telephony inbox of it says agents see numbers masked."""
    rows = await session.scalars(select(Inbox).where(Inbox.workspace_id == workspace_id))
    return any(i.config.get("mask_numbers") == "yes" for i in rows)


def _publish(tx: Tx, call: Call, masked: bool) -> None:
    # First after the commit: the agent's screen should not wait for the listeners of the
    # conversation and note the same webhook opened (routing, analytics, search).
    tx.publish_on_commit(
        DomainEvent(
            CALL_UPDATED,
            call.workspace_id,
            {"call": call_out(call, masked=masked).model_dump(mode="json")},
        ),
        first=True,
    )


async def changed(tx: Tx, call: Call) -> None:
    await tx.session.flush()
    _publish(tx, call, await masks_numbers(tx.session, call.workspace_id))


# Agents' phones ----------------------------------------------------------------------------


async def agent_phone(session: AsyncSession, workspace_id: str, user_id: str) -> str | None:
    return await session.scalar(
        select(AgentPhone.phone).where(
            AgentPhone.workspace_id == workspace_id, AgentPhone.user_id == user_id
        )
    )


async def do_set_agent_phone(tx: Tx, workspace_id: str, user_id: str, phone: str) -> str:
    e164 = normalize_phone(phone, ["body", "phone"])
    row = await tx.session.scalar(
        select(AgentPhone).where(
            AgentPhone.workspace_id == workspace_id, AgentPhone.user_id == user_id
        )
    )
    if row is None:
        tx.session.add(AgentPhone(workspace_id=workspace_id, user_id=user_id, phone=e164))
    else:
        row.phone = e164
    return e164


# Reading -----------------------------------------------------------------------------------


async def list_calls(session: AsyncSession, workspace_id: str, conversation_id: str) -> list[Call]:
    rows = await session.scalars(
        select(Call)
        .where(Call.workspace_id == workspace_id, Call.conversation_id == conversation_id)
        .order_by(Call.started_at, Call.id)
    )
    return list(rows)


async def telephony_inbox(
    session: AsyncSession,
    workspace_id: str,
    kinds: Mapping[str, object],
    inbox_id: str | None,
    contact_id: str,
) -> Inbox:
    """The inbox to call through: the one named; else the line the customer last called or
    was called on; else the workspace's first telephony inbox."""
    if inbox_id is not None:
        inbox = await inboxes.access_inbox(session, workspace_id, inbox_id)
        if inbox.kind not in kinds:
            raise field_error(["body", "inbox_id"], "not a telephony inbox")
        return inbox
    last = await session.scalar(
        select(Inbox)
        .join(Call, Call.inbox_id == Inbox.id)
        .where(
            Call.workspace_id == workspace_id,
            Call.contact_id == contact_id,
            Inbox.kind.in_(list(kinds)),
        )
        .order_by(Call.started_at.desc(), Call.id.desc())
        .limit(1)
    )
    if last is not None:
        return last
    first = await session.scalar(
        select(Inbox)
        .where(Inbox.workspace_id == workspace_id, Inbox.kind.in_(list(kinds)))
        .order_by(Inbox.created_at, Inbox.id)
        .limit(1)
    )
    if first is None:
        raise Conflict("no telephony inbox: an admin adds one under Admin → Channels")
    return first


# Click to call -----------------------------------------------------------------------------


async def contact_numbers(tx: Tx, conversation: Conversation) -> list[str]:
    """The numbers a click to call may dial: the contact's phones and the callback's."""
    numbers = [
        i.value
        for i in await identities_of(tx.session, conversation.workspace_id, conversation.contact_id)
        if i.kind == "phone"
    ]
    callback = await callbacks.find_callback(tx.session, conversation)
    if callback is not None and callback.phone and callback.phone not in numbers:
        numbers.insert(0, callback.phone)
    return numbers


async def do_request_call(
    tx: Tx,
    conversation: Conversation,
    inbox: Inbox,
    company_number: str,
    *,
    agent_id: str,
    phone: str | None,
) -> tuple[Call, str]:
    """Check and write a click to call; the call and the agent's number to ring first.

    Only a number on the conversation's contact is dialled (422 otherwise); the agent needs
    a phone on their profile (409); one call at a time per conversation (409)."""
    if conversation.status != "open":
        raise Conflict("the conversation is closed")
    numbers = await contact_numbers(tx, conversation)
    if phone is None:
        if not numbers:
            raise field_error(["body", "phone"], "the customer has no phone number")
        customer = numbers[0]
    else:
        customer = normalize_phone(phone, ["body", "phone"])
        if customer not in numbers:
            raise field_error(["body", "phone"], "not a number of this customer")
    agent = await agent_phone(tx.session, conversation.workspace_id, agent_id)
    if agent is None:
        raise Conflict("add your phone number to your profile first (PUT /v1/me/phone)")
    live = await tx.session.scalar(
        select(Call.id).where(
            Call.workspace_id == conversation.workspace_id,
            Call.conversation_id == conversation.id,
            Call.status != "ended",
        )
    )
    if live is not None:
        raise Conflict("a call of this conversation is in progress")
    call = Call(
        workspace_id=conversation.workspace_id,
        inbox_id=inbox.id,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        agent_id=agent_id,
        direction="outbound",
        from_number=company_number,
        to_number=customer,
        status="requested",
        started_at=clock.now(),
    )
    tx.session.add(call)
    await changed(tx, call)
    return call, agent


async def do_record_started(tx: Tx, call_id: str, workspace_id: str, provider_id: str) -> Call:
    call = await access_call(tx.session, workspace_id, call_id)
    if call.provider_call_id is None:
        call.provider_call_id = provider_id
    return call


async def do_record_refused(tx: Tx, call_id: str, workspace_id: str, reason: str) -> Call:
    """The provider refused to place the call: it ends, with a note giving the reason."""
    call = await access_call(tx.session, workspace_id, call_id)
    if call.status != "ended":
        call.status = "ended"
        call.ended_at = clock.now()
        conversation = await access_conversation(tx.session, workspace_id, call.conversation_id)
        await do_add_system_note(tx, conversation, f"The call could not be placed: {reason}")
        await changed(tx, call)
    return call


async def start_call(
    db: Database, connector: Any, inbox: InboxRef, call: Call, agent_number: str, url: str
) -> Call:
    """Ask the provider (outside any transaction) and record its answer."""
    request = DialRequest(call.id, agent_number, call.to_number, url)
    try:
        provider_id = await connector.start_call(inbox, request)
    except Exception as exc:
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}"
        async with db.transaction() as tx:
            await do_record_refused(tx, call.id, call.workspace_id, reason)
        raise ProviderRefused(reason) from exc
    async with db.transaction() as tx:
        return await do_record_started(tx, call.id, call.workspace_id, provider_id)


async def access_call(session: AsyncSession, workspace_id: str, call_id: str) -> Call:
    call = await session.scalar(
        select(Call).where(Call.workspace_id == workspace_id, Call.id == call_id)
    )
    if call is None:
        raise NotFound("no such call")
    return call
