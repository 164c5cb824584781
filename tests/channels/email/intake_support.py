"""Helpers of the intake tests: an e-mail inbox, raw messages, what got stored."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, select

from hovor.channels.base import ChannelRegistry, InboxRef
from hovor.channels.email.adapter import EmailAdapter
from hovor.channels.inboxes import service as inboxes
from hovor.conversations.models import Conversation, Message
from hovor.db.transaction import Database

ADDRESS = "podpora@obchod.example.cz"


async def make_inbox(db: Database, workspace_id: str, **config: object) -> InboxRef:
    channels = ChannelRegistry()
    channels.add(EmailAdapter(db, None))
    async with db.transaction() as tx:
        inbox = await inboxes.do_add_inbox(
            tx,
            channels,
            workspace_id,
            kind="email",
            name="Podpora",
            config={"address": ADDRESS, **config},
        )
        return inboxes.ref(inbox)


def mail(
    text: str = "Dobrý den, kde je moje objednávka?",
    *,
    sender: str = "jana.novakova@example.cz",
    subject: str = "Objednávka 1234",
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Jana Nováková <{sender}>"
    message["To"] = ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.cz")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


async def messages(db: Database, workspace_id: str) -> list[Message]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.workspace_id == workspace_id)
            .order_by(Message.created_at, Message.id)
        )
        return list(rows)


async def count_conversations(db: Database, workspace_id: str) -> int:
    async with db.read() as session:
        found = await session.scalar(
            select(func.count()).where(Conversation.workspace_id == workspace_id)
        )
        return int(found or 0)
