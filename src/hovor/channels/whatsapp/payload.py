"""WhatsApp Cloud API webhook bodies (the ``messages`` field) read into plain values.

Meta's shape: ``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {"metadata": {"phone_number_id"}, "contacts": [...], "messages": [...],
"statuses": [...]}}]}]}``. One call may batch several entries, changes and messages. Media
are kept as a line of text (``[photo] caption``): Hovor stores no attachments yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hovor.core.errors import field_error

Loc = list[str | int]

# Statuses that move a delivery on; "sent" is ignored: the outbox knows once the API answered.
RECEIPT_STATUSES = ("delivered", "read", "failed")
MEDIA_LABELS = {"image": "photo", "video": "video", "audio": "audio", "sticker": "sticker"}


@dataclass(frozen=True)
class Change:
    """One ``changes[].value`` of the ``messages`` field, for one business phone number."""

    value: dict[str, Any]
    phone_number_id: str
    loc: Loc  # where it is in the body, for errors


@dataclass(frozen=True)
class CustomerMessage:
    wa_id: str  # the sender's WhatsApp id: the phone number without "+"
    message_id: str  # the wamid
    body: str
    name: str | None
    loc: Loc


@dataclass(frozen=True)
class Status:
    message_id: str  # the wamid our send got back
    status: str  # delivered | read | failed
    error: str | None


def _object(value: Any, loc: Loc) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise field_error(loc, "an object")
    return value


def _list(value: Any, loc: Loc) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise field_error(loc, "a list")
    return value


def _text(value: Any, loc: Loc) -> str:
    if not isinstance(value, str) or not value:
        raise field_error(loc, "a non-empty string")
    return value


def changes(payload: dict[str, Any]) -> Iterator[Change]:
    """The ``messages`` changes of every entry; other fields (account updates…) are skipped."""
    for i, entry in enumerate(_list(payload.get("entry"), ["body", "entry"])):
        entry = _object(entry, ["body", "entry", i])
        for j, change in enumerate(_list(entry.get("changes"), ["body", "entry", i, "changes"])):
            loc: Loc = ["body", "entry", i, "changes", j]
            change = _object(change, loc)
            if change.get("field") != "messages":
                continue
            value = _object(change.get("value"), [*loc, "value"])
            metadata = _object(value.get("metadata"), [*loc, "value", "metadata"])
            number = metadata.get("phone_number_id")
            yield Change(value, _text(number, [*loc, "value", "metadata", "phone_number_id"]), loc)


def _names(change: Change) -> dict[str, str]:
    names = {}
    for contact in _list(change.value.get("contacts"), [*change.loc, "value", "contacts"]):
        if not isinstance(contact, dict):
            continue
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str) and name.strip():
            names[contact["wa_id"]] = name.strip()
    return names


def _media(kind: str, content: dict[str, Any]) -> str:
    label = MEDIA_LABELS.get(kind, kind)
    if kind == "document":
        filename = content.get("filename")
        label = f"document: {filename}" if isinstance(filename, str) and filename else "document"
    caption = content.get("caption")
    return f"[{label}] {caption}" if isinstance(caption, str) and caption else f"[{label}]"


def _location(content: dict[str, Any], loc: Loc) -> str:
    lat, lon = content.get("latitude"), content.get("longitude")
    for name, value in (("latitude", lat), ("longitude", lon)):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise field_error([*loc, name], "a number")
    place = ", ".join(
        v for v in (content.get("name"), content.get("address")) if isinstance(v, str) and v
    )
    return f"[location] {lat},{lon}" + (f" {place}" if place else "")


def _interactive(content: dict[str, Any], loc: Loc) -> str | None:
    kind = content.get("type")
    if kind not in ("button_reply", "list_reply"):
        return None  # e.g. nfm_reply (flows): not read yet
    reply = _object(content.get(kind), [*loc, kind])
    return _text(reply.get("title"), [*loc, kind, "title"])


def body_of(message: dict[str, Any], loc: Loc) -> str | None:
    """The message as one line of text; None for kinds Hovor does not read (reactions…)."""
    kind = message.get("type")
    content = message.get(kind) if isinstance(kind, str) else None
    where: Loc = [*loc, str(kind)]
    if kind == "text":
        return _text(_object(content, where).get("body"), [*where, "body"])
    if kind in MEDIA_LABELS or kind == "document":
        return _media(str(kind), _object(content, where))
    if kind == "location":
        return _location(_object(content, where), where)
    if kind == "interactive":
        return _interactive(_object(content, where), where)
    if kind == "button":  # a template's quick-reply button
        return _text(_object(content, where).get("text"), [*where, "text"])
    return None


def customer_messages(change: Change) -> Iterator[CustomerMessage]:
    names = _names(change)
    items = _list(change.value.get("messages"), [*change.loc, "value", "messages"])
    for k, item in enumerate(items):
        loc: Loc = [*change.loc, "value", "messages", k]
        message = _object(item, loc)
        wa_id = _text(message.get("from"), [*loc, "from"])
        message_id = _text(message.get("id"), [*loc, "id"])
        _text(message.get("type"), [*loc, "type"])
        body = body_of(message, loc)
        if body is not None:
            yield CustomerMessage(wa_id, message_id, body, names.get(wa_id), loc)


def _reason(errors: list[Any]) -> str:
    """``131047 Re-engagement message: Message failed to send because…``"""
    parts = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        data = error.get("error_data")
        details = data.get("details") if isinstance(data, dict) else None
        text = details or error.get("message")
        head = " ".join(str(v) for v in (error.get("code"), error.get("title")) if v)
        parts.append(f"{head}: {text}" if text and text != error.get("title") else head)
    return "; ".join(p for p in parts if p) or "WhatsApp reported the message failed"


def statuses(change: Change) -> Iterator[Status]:
    items = _list(change.value.get("statuses"), [*change.loc, "value", "statuses"])
    for k, item in enumerate(items):
        loc: Loc = [*change.loc, "value", "statuses", k]
        status = _object(item, loc)
        message_id = _text(status.get("id"), [*loc, "id"])
        state = _text(status.get("status"), [*loc, "status"])
        if state not in RECEIPT_STATUSES:
            continue
        error = (
            _reason(_list(status.get("errors"), [*loc, "errors"])) if state == "failed" else None
        )
        yield Status(message_id, state, error)
