"""Canned responses: list, create, change, remove (admins), and render one for a conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import User
from hovor.canned.models import CannedResponse
from hovor.canned.variables import Rendered, check_template, first_name, render
from hovor.contacts.models import Contact
from hovor.contacts.service import contacts_by_ids
from hovor.conversations.models import Conversation
from hovor.conversations.schemas import MAX_BODY
from hovor.core import clock
from hovor.core.errors import Conflict, NotFound, field_error
from hovor.core.personal_data import ERASED_NAME
from hovor.db.transaction import Tx
from hovor.orders.service import list_orders

MAX_PER_WORKSPACE = 500
SHORTCUT = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class CannedData:
    title: str
    shortcut: str
    body: str


def check_canned(title: str, shortcut: str, body: str) -> CannedData:
    """Trimmed, the shortcut lower-cased without a leading "/", the body's variables known."""
    title = title.strip()
    if not title:
        raise field_error(["body", "title"], "empty")
    shortcut = shortcut.strip().lstrip("/").lower()
    if not SHORTCUT.fullmatch(shortcut):
        raise field_error(
            ["body", "shortcut"],
            "1-32 letters a-z, digits, '-' or '_', starting with a letter or digit",
        )
    body = body.strip()
    if not body:
        raise field_error(["body", "body"], "empty")
    if len(body) > MAX_BODY:
        raise field_error(["body", "body"], f"at most {MAX_BODY} characters")
    return CannedData(title=title, shortcut=shortcut, body=check_template(body, ["body", "body"]))


async def list_canned(session: AsyncSession, workspace_id: str) -> Sequence[CannedResponse]:
    return (
        await session.scalars(
            select(CannedResponse)
            .where(CannedResponse.workspace_id == workspace_id)
            .order_by(CannedResponse.shortcut)
        )
    ).all()


async def access_canned(session: AsyncSession, workspace_id: str, canned_id: str) -> CannedResponse:
    """The canned response if it is in ``workspace_id``; 404 otherwise."""
    found = await session.scalar(
        select(CannedResponse).where(
            CannedResponse.id == canned_id, CannedResponse.workspace_id == workspace_id
        )
    )
    if found is None:
        raise NotFound("no such canned response")
    return found


async def _check_shortcut_free(
    tx: Tx, workspace_id: str, shortcut: str, but: str | None = None
) -> None:
    query = select(CannedResponse.id).where(
        CannedResponse.workspace_id == workspace_id, CannedResponse.shortcut == shortcut
    )
    if but is not None:
        query = query.where(CannedResponse.id != but)
    if await tx.session.scalar(query) is not None:
        raise field_error(["body", "shortcut"], f"/{shortcut} is already taken")


async def do_create_canned(tx: Tx, workspace_id: str, data: CannedData) -> CannedResponse:
    count = await tx.session.scalar(
        select(func.count())
        .select_from(CannedResponse)
        .where(CannedResponse.workspace_id == workspace_id)
    )
    if (count or 0) >= MAX_PER_WORKSPACE:
        raise Conflict(f"a workspace keeps at most {MAX_PER_WORKSPACE} canned responses")
    await _check_shortcut_free(tx, workspace_id, data.shortcut)
    canned = CannedResponse(
        workspace_id=workspace_id, title=data.title, shortcut=data.shortcut, body=data.body
    )
    tx.session.add(canned)
    await tx.session.flush()
    return canned


async def do_change_canned(tx: Tx, canned: CannedResponse, data: CannedData) -> CannedResponse:
    await _check_shortcut_free(tx, canned.workspace_id, data.shortcut, but=canned.id)
    canned.title, canned.shortcut, canned.body = data.title, data.shortcut, data.body
    canned.updated_at = clock.now()
    await tx.session.flush()
    return canned


async def do_remove_canned(tx: Tx, canned: CannedResponse) -> None:
    await tx.session.delete(canned)
    await tx.session.flush()


def _known_name(contact: Contact) -> str | None:
    """The contact's name unless it is the placeholder of an anonymous or erased contact."""
    name = contact.name.strip()
    if not name or name.startswith("Visitor ") or name == ERASED_NAME:
        return None
    return name


async def conversation_values(
    session: AsyncSession, conversation: Conversation, agent: User
) -> dict[str, str | None]:
    """The variables' values for ``agent`` replying in ``conversation``."""
    contact = (await contacts_by_ids(session, {conversation.contact_id}))[conversation.contact_id]
    orders = await list_orders(session, conversation.workspace_id, contact.id)
    name = _known_name(contact)
    return {
        "contact.name": name,
        "contact.first_name": first_name(name),
        "contact.email": contact.email,
        "agent.name": agent.name,
        "agent.first_name": first_name(agent.name),
        "order.number": orders[0].external_id if orders else None,
    }


async def render_canned(
    session: AsyncSession, canned: CannedResponse, conversation: Conversation, agent: User
) -> Rendered:
    return render(canned.body, await conversation_values(session, conversation, agent))
