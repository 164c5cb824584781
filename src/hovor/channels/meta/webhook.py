"""What Meta's webhook calls carry, for both Messenger and Instagram Direct.

Meta signs every call with ``X-Hub-Signature-256: sha256=<hex>``, an HMAC-SHA256 of the exact
body under the app secret, and verifies the URL once with a GET (``hub.mode=subscribe``,
``hub.verify_token``, ``hub.challenge``). A call batches ``entry[]`` (one per page or account)
each with ``messaging[]`` events: a message from a customer, an echo of the page's own
message, a delivery (``mids``) or a read (Messenger: a ``watermark``; Instagram: a ``mid``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hovor.core.errors import Forbidden, field_error

SIGNATURE_HEADER = "x-hub-signature-256"
MAX_MESSAGE_ID = 64  # Inbound.provider_message_id (messages.client_id)


def sign(app_secret: str, body: bytes) -> str:
    """The header value Meta sends for ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(app_secret: str, headers: Mapping[str, str], body: bytes) -> None:
    """Forbidden unless the call carries Meta's signature of these exact bytes."""
    given = headers.get(SIGNATURE_HEADER, "")
    if not given.startswith("sha256=") or not hmac.compare_digest(
        given.encode(), sign(app_secret, body).encode()
    ):
        raise Forbidden("bad or missing X-Hub-Signature-256")


def challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """The verification GET's answer: the challenge when the token is the inbox's; else None."""
    given = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        given.encode(), verify_token.encode()
    ):
        return None
    return query.get("hub.challenge") or None


def message_key(kind: str, mid: str) -> str:
    """The dedup key of a provider message id: ``<kind>:<mid>``, hashed when Meta's id is too
    long for the column (Messenger mids run to ~90 characters)."""
    key = f"{kind}:{mid}"
    if len(key) <= MAX_MESSAGE_ID:
        return key
    return f"{kind}:sha256:{hashlib.sha256(mid.encode()).hexdigest()[: MAX_MESSAGE_ID - len(kind) - 8]}"


@dataclass(frozen=True)
class Event:
    """One ``messaging[]`` item of an entry addressed to the inbox's page or account."""

    sender: str
    recipient: str
    timestamp: int | None
    item: dict[str, Any]
    loc: list[str | int]  # where it sits in the body, for errors


def load(body: bytes, expected_object: str) -> dict[str, Any]:
    """The body as Meta sends it: ``{"object": …, "entry": [...]}``; InvalidInput otherwise."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise field_error(["body"], "not JSON") from exc
    if not isinstance(payload, dict):
        raise field_error(["body"], "an object")
    if payload.get("object") != expected_object:
        raise field_error(["body", "object"], f"{expected_object!r}")
    if not isinstance(payload.get("entry"), list):
        raise field_error(["body", "entry"], "a list of entries")
    return payload


def _id_of(item: dict[str, Any], name: str, loc: list[str | int]) -> str:
    party = item.get(name)
    value = party.get("id") if isinstance(party, dict) else None
    if not isinstance(value, str) or not value:
        raise field_error([*loc, name, "id"], "a non-empty string")
    return value


def events(payload: dict[str, Any], account_id: str) -> Iterator[Event]:
    """The ``messaging[]`` events of the entries for ``account_id``.

    An entry of another page or account is not this inbox's (one app may serve several
    pages; each inbox has its own URL): it is acknowledged and skipped. Entries without
    ``messaging`` (``changes``: comments, mentions) are not messages and are skipped too.
    """
    for i, entry in enumerate(payload["entry"]):
        loc: list[str | int] = ["body", "entry", i]
        if not isinstance(entry, dict):
            raise field_error(loc, "an object")
        if str(entry.get("id", "")) != account_id:
            continue
        messaging = entry.get("messaging", [])
        if not isinstance(messaging, list):
            raise field_error([*loc, "messaging"], "a list")
        for j, item in enumerate(messaging):
            item_loc: list[str | int] = [*loc, "messaging", j]
            if not isinstance(item, dict):
                raise field_error(item_loc, "an object")
            timestamp = item.get("timestamp")
            yield Event(
                sender=_id_of(item, "sender", item_loc),
                recipient=_id_of(item, "recipient", item_loc),
                timestamp=timestamp if isinstance(timestamp, int) else None,
                item=item,
                loc=item_loc,
            )


@dataclass(frozen=True)
class CustomerMessage:
    mid: str
    body: str


def customer_message(event: Event) -> CustomerMessage | None:
    """A customer's message or button tap (postback) as text; None for anything else: echoes
    of the page's own messages, deletions, unsupported content, reactions, receipts."""
    message = event.item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo") or message.get("is_deleted") or message.get("is_unsupported"):
            return None
        mid = _mid(message, [*event.loc, "message", "mid"])
        parts = [f"[{kind}]" for kind in _attachment_kinds(message, [*event.loc, "message"])]
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            parts.append(text)
        return CustomerMessage(mid, " ".join(parts)) if parts else None
    postback = event.item.get("postback")
    if isinstance(postback, dict) and isinstance(postback.get("mid"), str):
        title = postback.get("title") or postback.get("payload")
        if isinstance(title, str) and title.strip():
            return CustomerMessage(_mid(postback, [*event.loc, "postback", "mid"]), title)
    return None


def _mid(obj: dict[str, Any], loc: list[str | int]) -> str:
    mid = obj.get("mid")
    if not isinstance(mid, str) or not mid:
        raise field_error(loc, "a non-empty string")
    return mid


def _attachment_kinds(message: dict[str, Any], loc: list[str | int]) -> list[str]:
    """``[image]``, ``[video]``, ``[file]``…: media are not stored yet (docs/meta.md)."""
    attachments = message.get("attachments", [])
    if not isinstance(attachments, list):
        raise field_error([*loc, "attachments"], "a list")
    kinds = []
    for k, attachment in enumerate(attachments):
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        if not isinstance(kind, str) or not kind:
            raise field_error([*loc, "attachments", k, "type"], "a non-empty string")
        kinds.append(kind)
    return kinds


def delivered_mids(event: Event) -> list[str]:
    """Messenger's ``delivery.mids`` (sometimes absent: then only a watermark)."""
    delivery = event.item.get("delivery")
    if not isinstance(delivery, dict):
        return []
    mids = delivery.get("mids", [])
    if not isinstance(mids, list) or not all(isinstance(m, str) for m in mids):
        raise field_error([*event.loc, "delivery", "mids"], "a list of message ids")
    return list(mids)


def delivery_watermark(event: Event) -> int | None:
    """A delivery's watermark (ms) when it names no ``mids``; None otherwise."""
    delivery = event.item.get("delivery")
    if not isinstance(delivery, dict) or delivery.get("mids"):
        return None
    watermark = delivery.get("watermark")
    return watermark if isinstance(watermark, int) else None


def read_mark(event: Event) -> tuple[str | None, int | None] | None:
    """A read event: Instagram names the ``mid``; Messenger gives a ``watermark`` (ms)."""
    read = event.item.get("read")
    if not isinstance(read, dict):
        return None
    mid, watermark = read.get("mid"), read.get("watermark")
    return (
        mid if isinstance(mid, str) and mid else None,
        watermark if isinstance(watermark, int) else None,
    )
