"""What the provider reports on a call, applied: one report moves a call on by one step.

Outbound (a click to call): the agent's phone answers and asks whom to dial (``bridge``), the
customer's leg rings, answers (a voicemail too) and ends; its outcome is the callback's
(``voice.service.do_record_outcome``): reached completes it, no answer, busy and voicemail
retry it. Inbound: a new call finds or creates the caller's contact by phone and opens a
conversation on the inbox's channel, which routing offers like any other (capacity 1); the
caller is held and polls until an agent has the conversation, then the agent's phone is
dialled. A caller nobody answered becomes a callback task. Every ending lands on the
contact's timeline and as a note in the conversation.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import InboxRef, RawInbound
from hovor.channels.voice import service as callbacks
from hovor.channels.voice.models import Call
from hovor.channels.voice.telephony import calls
from hovor.channels.voice.telephony.calls import Connector
from hovor.channels.voice.telephony.connector import CallEvent, CallReply
from hovor.contacts import timeline
from hovor.conversations.models import Conversation
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.conversations.service import (
    access_conversation,
    do_add_system_note,
    do_close_conversation,
)
from hovor.core import clock
from hovor.core.errors import Forbidden, NotFound, field_error
from hovor.db.transaction import Database, Tx

TIMELINE_KIND = "call"
MAX_WAITS = 12  # polls of a held caller (about a minute) before the call counts as missed
GREETING = "Dobrý den, spojujeme vás s operátorem. Prosím vydržte."
NOBODY = "Všichni operátoři jsou obsazeni. Zavoláme vám zpět co nejdříve."
ENDED_OUTCOME = {"busy": "busy", "no_answer": "no_answer", "canceled": "no_answer"}


# The provider's reports --------------------------------------------------------------------


async def _find(session: AsyncSession, inbox: InboxRef, event: CallEvent) -> Call | None:
    if event.hovor_call_id:
        call = await calls.access_call(session, inbox.workspace_id, event.hovor_call_id)
        if call.inbox_id != inbox.id:
            raise NotFound("no such call")
        return call
    return await session.scalar(
        select(Call).where(
            Call.workspace_id == inbox.workspace_id,
            Call.provider_call_id == event.provider_call_id,
        )
    )


async def do_receive_call_webhook(
    db: Database, connector: Connector, raw: RawInbound
) -> tuple[bytes, str]:
    """Verify (403), read the event (422), apply it in one transaction, answer the provider."""
    assert raw.inbox is not None
    connector.verify(raw)
    event = connector.call_event(raw)
    async with db.transaction() as tx:
        reply = await do_apply_call_event(tx, raw.inbox, connector, event)
    return connector.reply(raw.inbox, raw, reply)


async def do_apply_call_event(
    tx: Tx, inbox: InboxRef, connector: Connector, event: CallEvent
) -> CallReply:
    """Move the call on by one report. A report repeated (a provider's retry, a replay in
    the signature's window) or older than the call's state changes nothing."""
    call = await _find(tx.session, inbox, event)
    if call is None:
        if event.direction == "inbound" and event.status == "ringing" and event.leg == "caller":
            return await _do_inbound(tx, inbox, connector, event)
        return CallReply("ok")  # a report on a call we never knew (another app's): ignored
    if event.recording_url and not call.recording_url:
        call.recording_url = event.recording_url
        await calls.changed(tx, call)
    if call.status == "ended":
        return CallReply("hangup") if event.leg in ("wait", "bridge") else CallReply("ok")
    if call.direction == "outbound":
        return await _outbound(tx, call, event)
    return await _inbound(tx, call, event)


async def _outbound(tx: Tx, call: Call, event: CallEvent) -> CallReply:
    if event.leg == "bridge":  # the agent picked up: now ring the customer
        return CallReply("connect", number=call.to_number, hovor_call_id=call.id)
    if event.leg == "agent":
        if event.status == "ended" and call.status == "requested":
            await _end(tx, call, "agent_unreachable", event)
        return CallReply("ok")
    if event.leg != "customer":
        return CallReply("ok")
    if event.status == "ringing" and call.status == "requested":
        call.status = "ringing"
        await calls.changed(tx, call)
    elif event.status == "answered" and call.status in ("requested", "ringing"):
        call.status = "answered"
        call.answered_at = clock.now()
        if event.machine:
            call.outcome = "voicemail"  # kept when it ends
        await calls.changed(tx, call)
    elif event.status == "ended":
        if event.ended_as == "completed":
            answered = call.answered_at is not None
            machine = event.machine or call.outcome == "voicemail"
            outcome = "voicemail" if machine else ("reached" if answered else "no_answer")
        elif event.ended_as == "failed":
            outcome = "wrong_number"
        else:
            outcome = ENDED_OUTCOME.get(event.ended_as or "", "no_answer")
        await _end(tx, call, outcome, event)
    return CallReply("ok")


async def _inbound(tx: Tx, call: Call, event: CallEvent) -> CallReply:
    if event.leg == "wait":
        if call.status == "answered":  # the agent's leg ended: the conversation took place
            return CallReply("hangup")
        conversation = await access_conversation(
            tx.session, call.workspace_id, call.conversation_id
        )
        if conversation.assignee_id is not None:
            number = await calls.agent_phone(
                tx.session, call.workspace_id, conversation.assignee_id
            )
            if number is not None:
                if call.agent_id != conversation.assignee_id:
                    call.agent_id = conversation.assignee_id
                    await calls.changed(tx, call)
                return CallReply(
                    "connect",
                    number=number,
                    hovor_call_id=call.id,
                    dial_leg="agent",
                    waited=event.waited + 1,
                )
        if event.waited >= MAX_WAITS:
            await _end(tx, call, "missed", event)
            return CallReply("hangup", say=NOBODY)
        return CallReply("hold", hovor_call_id=call.id, waited=event.waited + 1)
    if event.leg == "agent" and event.status == "answered" and call.status != "answered":
        call.status = "answered"
        call.answered_at = clock.now()
        await calls.changed(tx, call)
    elif event.leg == "caller" and event.status == "ended":
        await _end(tx, call, "reached" if call.answered_at is not None else "missed", event)
    return CallReply("ok")


async def _do_inbound(tx: Tx, inbox: InboxRef, connector: Connector, event: CallEvent) -> CallReply:
    """A new call to the company number: contact by phone, conversation, routing, hold."""
    company = connector.company_number(inbox)
    if event.to_number != company:
        raise Forbidden(f"this inbox answers calls to {company}, not to the number called")
    if event.from_number is None:
        raise field_error(["body", "From"], "the caller's number, +420…")
    conversation, _ = await do_find_or_open_conversation(
        tx,
        inbox.workspace_id,
        channel=inbox.kind,
        source_id=event.from_number,
        identity_kind="phone",
        contact_name=event.from_number,
        inbox_id=inbox.id,
    )
    call = Call(
        workspace_id=inbox.workspace_id,
        inbox_id=inbox.id,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        direction="inbound",
        from_number=event.from_number,
        to_number=company,
        status="ringing",
        provider_call_id=event.provider_call_id,
        started_at=clock.now(),
    )
    tx.session.add(call)
    await do_add_system_note(tx, conversation, f"Incoming call from {event.from_number}.")
    await calls.changed(tx, call)
    return CallReply("hold", hovor_call_id=call.id, say=GREETING)


async def _end(tx: Tx, call: Call, outcome: str, event: CallEvent) -> None:
    """The call is over: its outcome, a note, the timeline; the callback or the missed call."""
    now = clock.now()
    call.status = "ended"
    call.outcome = outcome
    call.ended_at = now
    if event.duration_seconds is not None:
        call.duration_seconds = event.duration_seconds if call.answered_at else 0
    elif call.answered_at is not None:
        call.duration_seconds = int((now - call.answered_at).total_seconds())
    else:
        call.duration_seconds = 0
    conversation = await access_conversation(tx.session, call.workspace_id, call.conversation_id)
    who = call.to_number if call.direction == "outbound" else call.from_number
    summary = (
        f"{call.direction.capitalize()} call {'to' if call.direction == 'outbound' else 'from'} "
        f"{who}: {outcome.replace('_', ' ')}, {call.duration_seconds} s"
    )
    if call.recording_url:
        summary += f". Recording: {call.recording_url}"
    await do_add_system_note(tx, conversation, summary + ".")
    await timeline.do_record(
        tx,
        call.workspace_id,
        call.contact_id,
        TIMELINE_KIND,
        call.started_at,
        "call",
        call.id,
        summary,
        {
            "direction": call.direction,
            "outcome": outcome,
            "duration_seconds": call.duration_seconds,
            "conversation_id": call.conversation_id,
            "recording_url": call.recording_url,
        },
    )
    await calls.changed(tx, call)
    if call.direction == "outbound":
        await _settle_callback(tx, conversation, outcome)
    elif outcome == "missed":
        await _do_missed(tx, conversation, call)


async def _settle_callback(tx: Tx, conversation: Conversation, outcome: str) -> None:
    """A click to call's outcome is the callback's: reached completes it, no answer, busy
    and voicemail retry it (``voice.service``), a failed number ends it."""
    if outcome == "agent_unreachable" or conversation.status != "open":
        return
    callback = await callbacks.find_callback(tx.session, conversation)
    if callback is None or callback.status != "pending":
        return
    await callbacks.do_record_outcome(tx, conversation, outcome, agent_name="Phone")


async def _do_missed(tx: Tx, conversation: Conversation, call: Call) -> None:
    """Nobody answered the caller: a callback task to the number, and the call's
    conversation closes (its routing task ends)."""
    callback_conversation, callback = await callbacks.do_request_callback(
        tx,
        call.workspace_id,
        visitor_id=call.from_number,
        identity_kind="phone",
        phone=call.from_number,
        preferred_at=None,
        reason="Missed call.",
        context={"call_id": call.id, "conversation_id": conversation.id},
    )
    await do_add_system_note(
        tx,
        conversation,
        f"Missed call: a callback to {call.from_number} is due by "
        f"{callback.due_at:%H:%M} UTC (conversation {callback_conversation.id}).",
    )
    if conversation.status == "open":
        await do_close_conversation(tx, conversation)
