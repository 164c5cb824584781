"""E-mail service: the support address, receiving a parsed message, preparing a reply."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.attachments.models import Attachment
from hovor.channels.base import Inbound
from hovor.channels.email import files as email_files
from hovor.channels.email.files import EmailFiles
from hovor.channels.email.models import EmailMessageId, EmailSettings
from hovor.channels.email.parse import ParsedEmail
from hovor.channels.inbound import Received, receive_inbound
from hovor.contacts import timeline
from hovor.contacts.identities import normalize_email
from hovor.conversations.models import Conversation, Message
from hovor.conversations.schemas import MAX_BODY
from hovor.db.transaction import Tx

KIND = "email"
PREVIEW = 200  # characters of a new thread's text kept on the customer's timeline


async def get_settings(session: AsyncSession, workspace_id: str) -> EmailSettings | None:
    return await session.get(EmailSettings, workspace_id)


async def do_set_settings(
    tx: Tx, workspace_id: str, *, support_address: str, display_name: str | None
) -> EmailSettings:
    address = normalize_email(support_address, ["support_address"])
    row = await get_settings(tx.session, workspace_id)
    if row is None:
        row = EmailSettings(workspace_id=workspace_id, support_address=address)
        tx.session.add(row)
    row.support_address = address
    row.display_name = (display_name or "").strip()[:120] or None
    await tx.session.flush()
    return row


def client_id_for(header_id: str) -> str:
    """Message-IDs can be long; the message's ``client_id`` (64 chars) holds a digest."""
    return "email:" + hashlib.sha256(header_id.encode()).hexdigest()[:40]


def message_body(email: ParsedEmail, *, new_thread: bool, files: EmailFiles | None) -> str:
    """The message's text: the subject of a new thread, the mail's text, its files listed."""
    text = email.text.strip()
    if new_thread and email.subject:
        text = f"Subject: {email.subject}\n\n{text}".strip()
    listed = email_files.listing(email_files.plan(email, files))
    text = (text or "(empty e-mail)") if not listed else f"{text}\n\n{listed}".strip()
    if len(text) > MAX_BODY:
        text = text[: MAX_BODY - 20].rstrip() + "\n…[truncated]"
    return text


async def find_thread(session: AsyncSession, workspace_id: str, ids: list[str]) -> str | None:
    """The conversation of the first of ``ids`` we know, most specific first."""
    if not ids:
        return None
    rows = (
        await session.execute(
            select(EmailMessageId.header_id, EmailMessageId.conversation_id).where(
                EmailMessageId.workspace_id == workspace_id, EmailMessageId.header_id.in_(ids)
            )
        )
    ).all()
    known = {header_id: conversation_id for header_id, conversation_id in rows}
    return next((known[i] for i in ids if i in known), None)


@dataclass(frozen=True)
class EmailReceived:
    received: Received
    threaded: bool  # True: continued a known conversation
    files: list[Attachment]  # written as .part: finish them once committed (files.finish_files)


async def do_receive_email(
    tx: Tx, inbound: Inbound, email: ParsedEmail, files: EmailFiles | None = None
) -> EmailReceived:
    """Dedup by Message-ID, thread by In-Reply-To/References, then the shared inbound path;
    a new message keeps its HTML and attachments (``files``; None: the files are listed, not
    stored)."""
    known = await tx.session.scalar(
        select(EmailMessageId).where(
            EmailMessageId.workspace_id == inbound.workspace_id,
            EmailMessageId.header_id == email.message_id,
        )
    )
    if known is not None:
        message = await tx.session.get(Message, known.message_id)
        if message is not None:
            return EmailReceived(Received(message, message.conversation_id, False), True, [])
    conversation_id = await find_thread(tx.session, inbound.workspace_id, email.thread_ids)
    inbound = replace(
        inbound,
        threaded=True,
        conversation_id=conversation_id,
        body=message_body(email, new_thread=conversation_id is None, files=files),
    )
    received = await receive_inbound(tx, inbound)
    stored: list[Attachment] = []
    if received.created:
        row = EmailMessageId(
            workspace_id=inbound.workspace_id,
            header_id=email.message_id,
            conversation_id=received.conversation_id,
            message_id=received.message.id,
            direction="in",
            subject=email.subject,
        )
        tx.session.add(row)
        stored = await email_files.do_store_parts(tx, files, row, received.message, email)
        if conversation_id is None:
            await record_thread_started(tx, received.conversation_id, email)
    return EmailReceived(received, conversation_id is not None, stored)


async def record_thread_started(tx: Tx, conversation_id: str, email: ParsedEmail) -> None:
    """The timeline's ``conversation.started`` entry of a new e-mail thread, with its subject
    and the start of its text, written with the conversation (the generic listener, which
    runs after the commit, then finds it recorded and adds nothing)."""
    conversation = await tx.session.get(Conversation, conversation_id)
    assert conversation is not None
    text = " ".join(email.text.split())
    preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"
    await timeline.do_record(
        tx,
        conversation.workspace_id,
        conversation.contact_id,
        timeline.CONVERSATION_STARTED,
        conversation.created_at,
        "conversation",
        conversation.id,
        f"E-mail: {email.subject}" if email.subject else "E-mail (no subject)",
        {
            "conversation_id": conversation.id,
            "channel": KIND,
            "subject": email.subject,
            "preview": preview,
        },
    )
