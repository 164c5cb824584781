"""Co-browse sessions: the agent asks, the visitor consents, either side ends it.

A visitor who accepts a co-browse offer has consented already: ``do_record_offer_consent``
keeps that as a ``consented`` row (no agent yet), and the agent's ``do_request`` within
``CONSENT_MINUTES`` turns it into an active session without asking the visitor again.

Every change is one ``do_*`` operation that writes the session and queues its domain event
(``cobrowse.*``) for after the commit; ``cobrowse.listeners`` turns those into frames for
the visitor's widgets and the agents' desktops. The page itself never passes through here:
it is relayed by ``cobrowse.relay``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.channels.webchat.adapter import KIND as WEBCHAT
from hovor.cobrowse import events
from hovor.cobrowse.models import CobrowseSession, CobrowseSettings
from hovor.cobrowse.schemas import CobrowseSessionOut, CobrowseSettingsIn, CobrowseSettingsOut
from hovor.contacts import timeline
from hovor.conversations.models import Conversation
from hovor.conversations.service import access_conversation, do_add_system_note
from hovor.core import clock
from hovor.core.errors import Conflict, Forbidden, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx

REQUEST_SECONDS = 120  # a request nobody answered in this time is ended as unanswered
CONSENT_MINUTES = 30  # an accepted co-browse offer no agent used in this time is ended
CONSENTED = "consented"  # the visitor accepted an offer; no agent has started it yet
LIVE = ("requested", "active")  # the visitor is in a session (asked or shown)
OPEN = (*LIVE, CONSENTED)  # not yet ended: what ``do_end`` ends
DEFAULTS = CobrowseSettingsOut(enabled=True, record=False, retention_days=30)


def describe(row: CobrowseSession) -> CobrowseSessionOut:
    return CobrowseSessionOut.model_validate(row)


async def get_settings(session: AsyncSession, workspace_id: str) -> CobrowseSettingsOut:
    row = await session.scalar(
        select(CobrowseSettings).where(CobrowseSettings.workspace_id == workspace_id)
    )
    if row is None:
        return DEFAULTS
    return CobrowseSettingsOut(
        enabled=row.enabled, record=row.record, retention_days=row.retention_days
    )


async def do_update_settings(
    tx: Tx, workspace_id: str, body: CobrowseSettingsIn
) -> CobrowseSettingsOut:
    row = await tx.session.scalar(
        select(CobrowseSettings).where(CobrowseSettings.workspace_id == workspace_id)
    )
    if row is None:
        row = CobrowseSettings(workspace_id=workspace_id)
        tx.session.add(row)
    row.enabled, row.record, row.retention_days = body.enabled, body.record, body.retention_days
    row.updated_at = clock.now()
    await tx.session.flush()
    return await get_settings(tx.session, workspace_id)


async def access_session(
    session: AsyncSession, workspace_id: str, session_id: str
) -> CobrowseSession:
    """The session if it is in ``workspace_id``; 404 otherwise, whoever else owns it."""
    row = await session.scalar(
        select(CobrowseSession).where(
            CobrowseSession.id == session_id, CobrowseSession.workspace_id == workspace_id
        )
    )
    if row is None:
        raise NotFound("no such co-browse session")
    return row


async def visitor_session(
    session: AsyncSession, workspace_id: str, visitor_id: str, session_id: str
) -> CobrowseSession:
    """The session if it is this visitor's; 403 for a session of anyone else (a visitor
    cannot tell another visitor's session from one that does not exist)."""
    row = await session.scalar(
        select(CobrowseSession).where(
            CobrowseSession.id == session_id,
            CobrowseSession.workspace_id == workspace_id,
            CobrowseSession.visitor_id == visitor_id,
        )
    )
    if row is None:
        raise Forbidden("this co-browse session is not yours")
    return row


async def latest_for_conversation(
    session: AsyncSession, conversation: Conversation
) -> CobrowseSession | None:
    return await session.scalar(
        select(CobrowseSession)
        .where(
            CobrowseSession.workspace_id == conversation.workspace_id,
            CobrowseSession.conversation_id == conversation.id,
        )
        .order_by(CobrowseSession.created_at.desc(), CobrowseSession.id.desc())
        .limit(1)
    )


def check_agent(row: CobrowseSession, user: User) -> None:
    """Only the agent who asked views and steers the session the visitor agreed to."""
    if row.agent_id != user.id:
        raise Forbidden(f"this co-browse session is {row.agent_name}'s")


async def check_request(tx: Tx, conversation: Conversation) -> bool:
    """May an agent ask this conversation's visitor now? Returns whether it is recorded."""
    settings = await get_settings(tx.session, conversation.workspace_id)
    if not settings.enabled:
        raise Forbidden("co-browsing is switched off for this workspace")
    if conversation.channel != WEBCHAT:
        raise Conflict("co-browsing needs a web chat: the visitor's page is in the widget")
    if conversation.status == "closed":
        raise Conflict("the conversation is closed")
    live = await tx.session.scalar(
        select(CobrowseSession).where(
            CobrowseSession.workspace_id == conversation.workspace_id,
            CobrowseSession.visitor_id == conversation.source_id,
            CobrowseSession.status.in_(LIVE),
        )
    )
    if live is not None and not _unanswered(live, clock.now()):
        raise Conflict(f"the visitor has a co-browse session already ({live.status})")
    if live is not None:
        await do_end(tx, live, by="system", reason="unanswered")
    return settings.record


async def do_request(
    tx: Tx, workspace_id: str, conversation_id: str, user: User
) -> CobrowseSession:
    """The agent asks; with the visitor's fresh consent from an accepted offer the session
    starts at once (the widget does not ask again)."""
    conversation = await access_conversation(tx.session, workspace_id, conversation_id)
    recorded = await check_request(tx, conversation)
    consent = await _fresh_consent(tx, conversation)
    if consent is not None:
        now = clock.now()
        consent.agent_id, consent.agent_name, consent.recorded = user.id, user.name, recorded
        consent.status, consent.started_at = "active", now
        await _changed(tx, consent, events.COBROWSE_STARTED)
        await _told(
            tx,
            consent,
            events.COBROWSE_STARTED,
            f"Co-browsing started: {user.name} views the visitor's page; the visitor agreed "
            "when accepting the offer.",
            f"Co-browsing with {user.name} started; the visitor agreed when accepting the offer",
            {"consent": "offer"},
        )
        return consent
    row = CobrowseSession(
        workspace_id=workspace_id,
        conversation_id=conversation.id,
        visitor_id=conversation.source_id,
        agent_id=user.id,
        agent_name=user.name,
        recorded=recorded,
        created_at=clock.now(),
    )
    tx.session.add(row)
    await _changed(tx, row, events.COBROWSE_REQUESTED)
    return row


def _unanswered(row: CobrowseSession, now: datetime) -> bool:
    return row.status == "requested" and row.created_at + timedelta(seconds=REQUEST_SECONDS) < now


def _unused(row: CobrowseSession, now: datetime) -> bool:
    return row.status == CONSENTED and row.created_at + timedelta(minutes=CONSENT_MINUTES) < now


async def _fresh_consent(tx: Tx, conversation: Conversation) -> CobrowseSession | None:
    """The conversation's consent from an accepted offer, if still fresh; a stale one is
    ended (``unused``) on the way, so only the normal request is left."""
    rows = (
        await tx.session.scalars(
            select(CobrowseSession)
            .where(
                CobrowseSession.workspace_id == conversation.workspace_id,
                CobrowseSession.conversation_id == conversation.id,
                CobrowseSession.status == CONSENTED,
            )
            .order_by(CobrowseSession.created_at.desc(), CobrowseSession.id.desc())
            .with_for_update()
        )
    ).all()
    now, fresh = clock.now(), None
    for row in rows:
        if fresh is None and not _unused(row, now) and row.visitor_id == conversation.source_id:
            fresh = row
        else:
            await do_end(tx, row, by="system", reason="unused")
    return fresh


async def do_record_offer_consent(
    tx: Tx, workspace_id: str, conversation_id: str, visitor_id: str
) -> CobrowseSession | None:
    """The visitor accepted a co-browse offer that opened (or joined) this web chat: keep
    the consent for the agent who takes it (``do_request``). Nothing when co-browsing is
    off, the chat is not the visitor's open web chat, or a fresh consent is kept already.
    The widget is not told (it must not ask); the desktops see the row."""
    if not (await get_settings(tx.session, workspace_id)).enabled:
        return None
    conversation = await access_conversation(tx.session, workspace_id, conversation_id)
    if (
        conversation.channel != WEBCHAT
        or conversation.status == "closed"
        or conversation.source_id != visitor_id
    ):
        return None
    kept = await _fresh_consent(tx, conversation)
    if kept is not None:
        return kept
    row = CobrowseSession(
        workspace_id=workspace_id,
        conversation_id=conversation.id,
        visitor_id=visitor_id,
        agent_id=None,
        agent_name="",
        status=CONSENTED,
        created_at=clock.now(),
    )
    tx.session.add(row)
    await _changed(tx, row, events.COBROWSE_CONSENTED)
    return row


async def do_consent(tx: Tx, row: CobrowseSession, *, accepted: bool, control: bool) -> None:
    """The visitor's answer: to the session itself, or (``control``) to the agent's request
    to click and scroll on the page. Answers to anything not asked are ignored."""
    now = clock.now()
    if control:
        if row.status == "active" and row.control == "requested":
            row.control = "granted" if accepted else "none"
            await _changed(tx, row, events.COBROWSE_CONTROL_CHANGED)
        return
    if row.status != "requested":
        return
    if _unanswered(row, now):
        await do_end(tx, row, by="system", reason="unanswered")
        return
    if not accepted:
        row.status, row.ended_at, row.ended_by, row.end_reason = "declined", now, "visitor", None
        await _changed(tx, row, events.COBROWSE_DECLINED)
        return
    row.status, row.started_at = "active", now
    await _changed(tx, row, events.COBROWSE_STARTED)
    await _told(
        tx,
        row,
        events.COBROWSE_STARTED,
        f"Co-browsing started: {row.agent_name} views the visitor's page.",
        f"Co-browsing with {row.agent_name} started; the visitor agreed",
        {},
    )


async def do_request_control(tx: Tx, row: CobrowseSession, *, on: bool) -> None:
    if row.status != "active":
        raise Conflict("the co-browse session is not active")
    wanted = "requested" if on else "none"
    if on and row.control == "granted":
        return
    if row.control != wanted:
        row.control = wanted
        await _changed(tx, row, events.COBROWSE_CONTROL_CHANGED)


async def do_end(tx: Tx, row: CobrowseSession, *, by: str, reason: str | None = None) -> None:
    """End a requested, active or consented session (a second end changes nothing)."""
    if row.status not in OPEN:
        return
    now = clock.now()
    was_active = row.status == "active"
    row.status, row.ended_at, row.ended_by, row.end_reason = "ended", now, by, reason
    row.control = "none"
    await _changed(tx, row, events.COBROWSE_ENDED)
    if not was_active or row.started_at is None:
        return
    seconds = max(0, round((now - row.started_at).total_seconds()))
    who = {"visitor": "the visitor", "agent": row.agent_name}.get(by, "Hovor")
    took = duration_text(seconds)
    await _told(
        tx,
        row,
        events.COBROWSE_ENDED,
        f"Co-browsing ended by {who} after {took}.",
        f"Co-browsing with {row.agent_name} ended by {who} after {took}",
        {"ended_by": by, "duration_seconds": seconds},
    )


async def _told(
    tx: Tx, row: CobrowseSession, kind: str, note: str, summary: str, data: dict[str, Any]
) -> None:
    """The conversation's private note and the contact's timeline entry of a start or end."""
    conversation = await access_conversation(tx.session, row.workspace_id, row.conversation_id)
    await do_add_system_note(tx, conversation, note)
    who = {
        "session_id": row.id,
        "conversation_id": row.conversation_id,  # beside that conversation, its notes say it
        "agent_id": row.agent_id,
        "agent_name": row.agent_name,
    }
    await timeline.do_record(
        tx,
        row.workspace_id,
        conversation.contact_id,
        kind,
        clock.now(),
        kind,
        row.id,
        summary,
        {**who, **data},
    )


def duration_text(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


async def _changed(tx: Tx, row: CobrowseSession, name: str) -> None:
    await tx.session.flush()
    tx.publish_on_commit(
        DomainEvent(name, row.workspace_id, {"session": describe(row).model_dump(mode="json")})
    )
