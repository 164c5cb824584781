"""Telegram ``Update`` objects (Bot API) → normalised inbound messages.

Telegram posts one Update per webhook call. Only messages of private chats with the bot
are conversations: ``message`` and ``edited_message`` whose ``chat.type`` is ``private``.
Every other update (callback and inline queries, group and channel posts, membership
changes, service messages with no content) is acknowledged and ignored, because Telegram
retries whatever is not answered with a 2xx.

Media are not stored yet (no attachment storage exists): a photo, document, voice… becomes
a text body such as ``[photo] caption`` or ``[document: name.pdf]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hovor.core.errors import field_error

KIND = "telegram"

# The content kinds of a Message we show, in the order tried, with their label.
_MEDIA: tuple[tuple[str, str], ...] = (
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "GIF"),
    ("video_note", "video message"),
    ("voice", "voice message"),
    ("audio", "audio"),
    ("sticker", "sticker"),
)


@dataclass(frozen=True)
class TelegramMessage:
    """What Hovor keeps of one private-chat message."""

    chat_id: str  # the customer's address: a private chat's id is the user's id
    message_id: str  # the provider's id for dedup: ``telegram:<chat>:<message>[:e<edit>]``
    body: str
    sender_name: str | None


def load_update(body: bytes) -> dict[str, Any]:
    """The Update object; 422 naming the field when the body is not one."""
    try:
        update = json.loads(body)
    except ValueError as exc:
        raise field_error(["body"], "not JSON") from exc
    if not isinstance(update, dict):
        raise field_error(["body"], "an Update object")
    update_id = update.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise field_error(["body", "update_id"], "an integer")
    return update


def read_update(update: Mapping[str, Any]) -> TelegramMessage | None:
    """The private-chat message an Update carries, or None for updates Hovor ignores."""
    for field, edited in (("message", False), ("edited_message", True)):
        if field in update:
            return _read_message(update[field], ["body", field], edited=edited)
    return None


def _integer(value: Any, loc: list[str | int]) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise field_error(loc, "an integer")
    return value


def _object(value: Any, loc: list[str | int]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise field_error(loc, "an object")
    return value


def _optional_text(value: Any, loc: list[str | int]) -> str | None:
    if value is not None and not isinstance(value, str):
        raise field_error(loc, "a string")
    return value or None


def _read_message(value: Any, loc: list[str | int], *, edited: bool) -> TelegramMessage | None:
    message = _object(value, loc)
    message_id = _integer(message.get("message_id"), [*loc, "message_id"])
    chat = _object(message.get("chat"), [*loc, "chat"])
    chat_id = _integer(chat.get("id"), [*loc, "chat", "id"])
    chat_type = chat.get("type", "private")  # the webhook guide's oldest sample omits it
    if not isinstance(chat_type, str):
        raise field_error([*loc, "chat", "type"], "a string")
    sender = message.get("from")
    if sender is not None:
        sender = _object(sender, [*loc, "from"])
    if chat_type != "private" or (sender is not None and sender.get("is_bot") is True):
        return None  # groups, channels and other bots are not customers
    text = _content(message, loc)
    if text is None:
        return None  # a service message (pinned, chat photo changed…): nothing to answer
    dedup = f"{KIND}:{chat_id}:{message_id}"
    if edited:
        edit_date = _integer(message.get("edit_date"), [*loc, "edit_date"])
        dedup = f"{dedup}:e{edit_date}"
        text = f"(edited) {text}"
    return TelegramMessage(str(chat_id), dedup, text, _name(sender or chat, [*loc, "from"]))


def _content(message: Mapping[str, Any], loc: list[str | int]) -> str | None:
    """The message as text: its text, or its media as ``[label] caption``."""
    text = _optional_text(message.get("text"), [*loc, "text"])
    if text is not None:
        return text
    caption = _optional_text(message.get("caption"), [*loc, "caption"])
    if "document" in message:
        document = _object(message["document"], [*loc, "document"])
        name = _optional_text(document.get("file_name"), [*loc, "document", "file_name"])
        label = f"[document: {name}]" if name else "[document]"
        return f"{label} {caption}" if caption else label
    for field, label in _MEDIA:
        if field in message:
            if field == "sticker":
                sticker = _object(message[field], [*loc, field])
                emoji = _optional_text(sticker.get("emoji"), [*loc, field, "emoji"])
                return f"[sticker {emoji}]" if emoji else "[sticker]"
            return f"[{label}] {caption}" if caption else f"[{label}]"
    if "location" in message:
        location = _object(message["location"], [*loc, "location"])
        return f"[location: {location.get('latitude')}, {location.get('longitude')}]"
    if "contact" in message:
        contact = _object(message["contact"], [*loc, "contact"])
        name = " ".join(str(contact.get(k) or "") for k in ("first_name", "last_name")).strip()
        return f"[contact: {name} {contact.get('phone_number') or ''}]".replace(" ]", "]")
    return None


def _name(user: Mapping[str, Any], loc: list[str | int]) -> str | None:
    """``first_name last_name``, else ``@username``; None when the payload has neither."""
    parts = [_optional_text(user.get(k), [*loc, k]) for k in ("first_name", "last_name")]
    name = " ".join(p for p in parts if p).strip()
    if name:
        return name
    username = _optional_text(user.get("username"), [*loc, "username"])
    return f"@{username}" if username else None
