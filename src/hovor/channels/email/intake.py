"""Mail that arrives by itself (IMAP polling, the SMTP receiver) into an e-mail inbox.

Both hand raw bytes here; from then on it is the API intake's path: ``parse_email``, then
``service.do_receive_email`` (dedup by Message-ID, threading, the shared inbound path). The
inbox is the recipient (its mailbox or its RCPT TO address), so no support-address check;
an echo of the inbox's own address is still refused. Automatic mail (``loop``) is stored
but never answered: it joins its thread without reopening it, or opens a conversation that
is closed at once (so no routed task), and nothing is sent back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hovor.channels.attachments.models import Attachment
from hovor.channels.base import Inbound, InboxRef
from hovor.channels.email import files as email_files
from hovor.channels.email import service
from hovor.channels.email.files import EmailFiles
from hovor.channels.email.loop import automatic_reason
from hovor.channels.email.models import EmailMessageId
from hovor.channels.email.parse import ParsedEmail, parse_email
from hovor.conversations.models import Conversation
from hovor.conversations.opening import do_find_or_open_conversation
from hovor.conversations.service import (
    access_conversation,
    check_message_body,
    do_close_conversation,
    do_send_message,
    find_message_by_client_id,
)
from hovor.core.errors import Forbidden, HovorError
from hovor.db.transaction import Database, Tx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    conversation_id: str
    message_id: str
    created: bool  # False: this Message-ID was received before
    automatic: str | None  # why it is not answered, for automatic mail


def inbox_address(inbox: InboxRef) -> str:
    return str(inbox.config.get("address") or "").lower()


def inbound_for(inbox: InboxRef, email: ParsedEmail) -> Inbound:
    return Inbound(
        workspace_id=inbox.workspace_id,
        channel=service.KIND,
        source_id=email.sender,
        identity_kind="email",
        body=email.text or email.subject or "(empty e-mail)",
        provider_message_id=service.client_id_for(email.message_id),
        contact_name=email.sender_name,
        threaded=True,
        inbox_id=inbox.id,
    )


async def do_intake(
    db: Database,
    inbox: InboxRef,
    raw: bytes,
    *,
    envelope_from: str | None = None,
    files: EmailFiles | None = None,
) -> Intake:
    """Store one raw message of ``inbox`` (its attachments in ``files``);
    ``InvalidInput``/``Forbidden`` when it cannot be."""
    email = parse_email(raw)
    if email.sender == inbox_address(inbox):
        raise Forbidden("an echo of our own message")  # a loop through a forwarder
    stored: list[Attachment] = []
    async with db.transaction() as tx:
        intake = await _store(tx, inbox, raw, email, envelope_from, files, stored)
    await email_files.finish_files(files, stored)
    return intake


async def do_intake_many(
    db: Database, inbox: InboxRef, raws: list[bytes], files: EmailFiles | None = None
) -> int:
    """Store a batch of messages (the IMAP poller's) in one transaction; how many were
    stored or recognised as stored. A message that cannot be stored (malformed, an echo) is
    skipped and logged; when the transaction fails, each is tried on its own."""
    parsed: list[tuple[bytes, ParsedEmail]] = []
    for raw in raws:
        try:
            email = parse_email(raw)
            if email.sender == inbox_address(inbox):
                raise Forbidden("an echo of our own message")
        except HovorError as exc:
            log.warning("inbox %s: a message skipped: %s", inbox.id, exc)
            continue
        parsed.append((raw, email))
    stored: list[Attachment] = []
    try:
        async with db.transaction() as tx:
            for raw, email in parsed:
                await _store(tx, inbox, raw, email, None, files, stored)
    except HovorError:
        return sum([await _intake_alone(db, inbox, raw, files) for raw, _ in parsed])
    await email_files.finish_files(files, stored)
    return len(parsed)


async def _intake_alone(db: Database, inbox: InboxRef, raw: bytes, files: EmailFiles | None) -> int:
    try:
        await do_intake(db, inbox, raw, files=files)
    except HovorError as exc:
        log.warning("inbox %s: a message skipped: %s", inbox.id, exc)
        return 0
    return 1


async def _store(
    tx: Tx,
    inbox: InboxRef,
    raw: bytes,
    email: ParsedEmail,
    envelope_from: str | None,
    files: EmailFiles | None,
    stored: list[Attachment],
) -> Intake:
    """Store the message; the files it wrote (to finish after the commit) join ``stored``."""
    inbound = inbound_for(inbox, email)
    reason = automatic_reason(raw, envelope_from)
    if reason is not None:
        return await _store_automatic(tx, inbound, email, reason, files, stored)
    got = await service.do_receive_email(tx, inbound, email, files)
    stored.extend(got.files)
    message = got.received.message
    return Intake(got.received.conversation_id, message.id, got.received.created, None)


async def _store_automatic(
    tx: Tx,
    inbound: Inbound,
    email: ParsedEmail,
    reason: str,
    files: EmailFiles | None,
    stored: list[Attachment],
) -> Intake:
    """Kept on its thread (not reopened; a note when the thread is open) or in a new
    conversation closed at once: routing queues only open conversations, the bot answers
    only in open ones, the outbox sends no visitor's message."""
    assert inbound.provider_message_id is not None
    existing = await find_message_by_client_id(
        tx.session, inbound.workspace_id, inbound.source_id, inbound.provider_message_id
    )
    if existing is not None:
        return Intake(existing.conversation_id, existing.id, False, reason)
    thread = await service.find_thread(tx.session, inbound.workspace_id, email.thread_ids)
    conversation: Conversation
    if thread is not None:
        conversation = await access_conversation(tx.session, inbound.workspace_id, thread)
    else:
        conversation, _ = await do_find_or_open_conversation(
            tx,
            inbound.workspace_id,
            channel=inbound.channel,
            source_id=inbound.source_id,
            identity_kind=inbound.identity_kind,
            contact_name=inbound.contact_name,
            inbox_id=inbound.inbox_id,
            continue_open=False,
        )
    body = service.message_body(email, new_thread=thread is None, files=files)
    body = check_message_body(f"[Automatic reply, not answered: {reason}]\n\n{body}")
    message, created = await do_send_message(
        tx,
        conversation,
        author_type="visitor",
        author_id=inbound.source_id,
        author_name=None,
        body=body,
        client_id=inbound.provider_message_id,
        checked_client_id=True,
        # In an open conversation it is kept as a note: a first-responder bot answers the
        # customer's messages there, and must not answer a robot's.
        private=thread is not None and conversation.status == "open",
    )
    if thread is None:
        await do_close_conversation(tx, conversation, ask_rating=False)
    row = EmailMessageId(
        workspace_id=inbound.workspace_id,
        header_id=email.message_id,
        conversation_id=conversation.id,
        message_id=message.id,
        direction="in",
        subject=email.subject,
    )
    tx.session.add(row)
    stored.extend(await email_files.do_store_parts(tx, files, row, message, email))
    return Intake(conversation.id, message.id, created, reason)
