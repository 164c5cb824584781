"""What the desktop needs in a WhatsApp conversation: whether free text may go out now and
until when, the inbox's approved templates, and sending one of them (docs/whatsapp.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.base import DeliveryFailed, InboxRef
from hovor.channels.inboxes.service import access_inbox, ref
from hovor.channels.whatsapp import templates
from hovor.channels.whatsapp.adapter import INFO, WhatsAppAdapter
from hovor.channels.whatsapp.models import WhatsAppTemplateMessage
from hovor.channels.whatsapp.window import closes_at, last_customer_message_in, window_open
from hovor.conversations.models import Conversation, Message
from hovor.conversations.service import access_conversation, do_send_message
from hovor.core.errors import Conflict, NotFound, ServiceUnavailable, field_error
from hovor.db.transaction import Database, Tx


@dataclass(frozen=True)
class Window:
    free_text: bool  # an agent's free-text reply may go out now
    last_customer_message_at: datetime | None
    closes_at: datetime | None  # last customer message + 24 h


async def access_whatsapp_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> tuple[Conversation, InboxRef]:
    """The conversation and its inbox; 404 for another workspace's or another channel's."""
    conversation = await access_conversation(session, workspace_id, conversation_id)
    if conversation.channel != INFO.kind or conversation.inbox_id is None:
        raise NotFound("not a WhatsApp conversation")
    try:
        inbox = await access_inbox(session, workspace_id, conversation.inbox_id)
    except NotFound:
        raise NotFound("the WhatsApp inbox of this conversation was removed") from None
    return conversation, ref(inbox)


async def window_of(session: AsyncSession, conversation: Conversation) -> Window:
    assert conversation.inbox_id is not None
    last = await last_customer_message_in(
        session,
        conversation.workspace_id,
        conversation.channel,
        conversation.source_id,
        conversation.inbox_id,
    )
    return Window(window_open(last), last, closes_at(last))


async def check_free_text(session: AsyncSession, conversation: Conversation) -> None:
    """409 for an agent's free-text reply outside the window: it would only fail later."""
    window = await window_of(session, conversation)
    if window.free_text:
        return
    since = (
        f" (the customer last wrote at {window.last_customer_message_at:%Y-%m-%d %H:%M} UTC)"
        if window.last_customer_message_at is not None
        else " (the customer has not written to this number)"
    )
    raise Conflict(
        f"outside WhatsApp's 24-hour window{since}: only an approved template can be sent"
    )


async def offered_templates(
    db: Database, adapter: WhatsAppAdapter, inbox: InboxRef, *, refresh: bool = False
) -> list[templates.Template]:
    """The inbox's approved templates the desktop can send, from the cache; fetched from
    Meta when asked (``refresh``), when never fetched, or when older than an hour (then a
    failing fetch falls back to the cache)."""
    async with db.read() as session:
        rows = await templates.cached(session, inbox.id)
    if refresh or templates.is_stale(rows):
        if not inbox.config.get("business_account_id"):
            raise Conflict(
                "the inbox has no WhatsApp Business Account ID: an admin adds it to the "
                "inbox to list its message templates"
            )
        try:
            listed = await adapter.fetch_templates(inbox)
        except DeliveryFailed as exc:
            if refresh or not rows:
                raise ServiceUnavailable(exc.reason) from exc
        else:
            async with db.transaction() as tx:
                rows = await templates.do_store_templates(tx, inbox.workspace_id, inbox.id, listed)
    return [t for t in map(templates.offerable, rows) if t is not None]


async def check_template(
    session: AsyncSession, inbox: InboxRef, name: str, language: str, parameters: list[str]
) -> tuple[templates.Template, list[str]]:
    for row in await templates.cached(session, inbox.id):
        if row.name == name and row.language == language:
            template = templates.offerable(row)
            if template is None:
                raise field_error(
                    ["body", "name"], f"{name} ({language}) is not an approved template to send"
                )
            return template, templates.check_parameters(template, parameters)
    raise field_error(["body", "name"], f"no template {name} ({language}) in this inbox")


async def do_send_template(
    tx: Tx,
    conversation: Conversation,
    inbox: InboxRef,
    *,
    author_id: str,
    author_name: str,
    name: str,
    language: str,
    parameters: list[str],
    client_id: str,
) -> Message:
    """An agent's template message: stored with its rendered text (what the customer reads)
    and its template, so the outbox sends ``"type": "template"`` at any time."""
    template, values = await check_template(tx.session, inbox, name, language, parameters)
    body = templates.render(template.body, values)
    if template.header:
        body = f"{template.header}\n\n{body}"
    message, new = await do_send_message(
        tx,
        conversation,
        author_type="agent",
        author_id=author_id,
        author_name=author_name,
        body=body,
        client_id=client_id,
    )
    if new:
        tx.session.add(
            WhatsAppTemplateMessage(
                message_id=message.id,
                workspace_id=conversation.workspace_id,
                name=template.name,
                language=template.language,
                parameters=values,
            )
        )
        await tx.session.flush()
    return message
