"""The one way a conversation is found or opened for a customer on a channel.

Inbound messages of every channel, accepted chat offers and callback requests all come
through here, so each finds the same contact by the same identity and continues the same
open conversation.
"""

from __future__ import annotations

from hovor.contacts.service import do_get_or_create_by_identity, visitor_display_name
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_open_conversation, find_latest_conversation
from hovor.db.transaction import Tx


async def do_find_or_open_conversation(
    tx: Tx,
    workspace_id: str,
    *,
    channel: str,
    source_id: str,
    identity_kind: str,
    contact_name: str | None = None,
    inbox_id: str | None = None,
    continue_open: bool = True,
) -> tuple[Conversation, bool]:
    """The source's latest open conversation on the channel, or a new one; and whether new.

    ``continue_open=False`` always opens a new one (each callback request is its own
    conversation). The contact is found by ``identity_kind``/``source_id`` or created,
    named ``contact_name`` (or a visitor's display name).
    """
    if continue_open:
        latest = await find_latest_conversation(tx.session, workspace_id, channel, source_id)
        if latest is not None and latest.status == "open":
            return latest, False
    contact = await do_get_or_create_by_identity(
        tx,
        workspace_id,
        identity_kind,
        source_id,
        name=contact_name or visitor_display_name(source_id),
    )
    conversation = await do_open_conversation(
        tx,
        workspace_id,
        contact_id=contact.id,
        channel=channel,
        source_id=source_id,
        inbox_id=inbox_id,
    )
    return conversation, True
