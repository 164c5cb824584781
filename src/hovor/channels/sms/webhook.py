"""What Twilio's messaging webhooks carry: form-encoded parameters, signed.

Twilio POSTs ``application/x-www-form-urlencoded`` parameters and signs each call with
``X-Twilio-Signature``: base64 HMAC-SHA1, under the account's auth token, of the URL it
called followed by every posted parameter (sorted by name, name then value). The URL is
the public one (``RawInbound.url``: ``HOVOR_PUBLIC_URL`` + path + query), which is what makes
it work behind a proxy. Twilio's own ``RequestValidator`` checks it (it also tries the URL
with and without the port, as Twilio's signing does).

The same URL receives two kinds of call: an incoming message (``MessageSid``, ``From``,
``To``, ``Body``, ``NumMedia`` and ``MediaUrl{N}``/``MediaContentType{N}``) and, for messages
we sent with ``StatusCallback`` set to it, a status callback (``MessageStatus``, with
``ErrorCode`` when it failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from hovor.contacts.identities import normalize_phone
from hovor.core.errors import Forbidden, field_error

SIGNATURE_HEADER = "x-twilio-signature"
FORM = "application/x-www-form-urlencoded"
MAX_SID = 60  # Twilio's SIDs are 34 characters; the dedup key is "sms:<sid>" (<= 64)
# MessageStatus values of outbound messages that say where a message is; only the final
# ones become receipts (docs/sms.md).
DELIVERED = frozenset({"delivered"})
READ = frozenset({"read"})
FAILED = frozenset({"undelivered", "failed"})
IN_FLIGHT = frozenset(
    {"accepted", "scheduled", "queued", "sending", "sent", "canceled", "partially_delivered"}
)


class FormParams(dict[str, list[str]]):
    """The posted parameters, each with every value it was given (``getlist`` is what
    Twilio's validator reads for a repeated name)."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def one(self, name: str) -> str | None:
        values = self.get(name)
        return values[-1] if values else None


def form(body: bytes, headers: Mapping[str, str]) -> FormParams:
    """The call's parameters; InvalidInput unless it is a form as Twilio posts it."""
    content_type = headers.get("content-type", FORM).split(";")[0].strip().lower()
    if content_type != FORM:
        raise field_error(["headers", "content-type"], FORM)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise field_error(["body"], "not UTF-8") from exc
    params = FormParams()
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio sends for ``params`` posted to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))


def check_signature(
    auth_token: str, url: str, params: FormParams, headers: Mapping[str, str]
) -> None:
    """Forbidden unless the call carries Twilio's signature of this URL and all parameters.

    The validator compares in constant time (``twilio.request_validator.compare``)."""
    given = headers.get(SIGNATURE_HEADER, "")
    if not auth_token or not given or not RequestValidator(auth_token).validate(url, params, given):
        raise Forbidden("bad or missing X-Twilio-Signature")


@dataclass(frozen=True)
class IncomingMessage:
    sid: str
    sender: str  # E.164
    to: str
    body: str  # the text, with media as "[photo]"… (media are not stored yet)


@dataclass(frozen=True)
class Status:
    sid: str
    status: str  # delivered | read | failed
    error: str | None


def _required(params: FormParams, name: str) -> str:
    value = params.one(name)
    if value is None or not value.strip():
        raise field_error(["body", name], "required")
    return value.strip()


def _sid(params: FormParams) -> str:
    sid = _required(params, "MessageSid")
    if len(sid) > MAX_SID or not sid.isalnum():
        raise field_error(["body", "MessageSid"], "a Twilio message SID")
    return sid


def is_status_callback(params: FormParams) -> bool:
    """A report on a message we sent: it names a ``MessageStatus`` other than ``received``
    (Twilio's incoming-message calls carry ``SmsStatus=received`` and no ``MessageStatus``)."""
    status = params.one("MessageStatus")
    return status is not None and status != "received"


def _media(params: FormParams) -> list[str]:
    """``[photo]``, ``[video]``, ``[audio]``, ``[file: application/pdf]`` per attachment."""
    count = params.one("NumMedia") or "0"
    if not count.isdigit() or int(count) > 10:  # MMS carries at most 10 media
        raise field_error(["body", "NumMedia"], "a number of media, 0 to 10")
    labels = []
    for n in range(int(count)):
        kind = (params.one(f"MediaContentType{n}") or "").strip().lower()
        if params.one(f"MediaUrl{n}") is None:
            raise field_error(["body", f"MediaUrl{n}"], "required when NumMedia says so")
        major = kind.split("/")[0]
        if major == "image":
            labels.append("[photo]")
        elif major in ("video", "audio"):
            labels.append(f"[{major}]")
        else:
            labels.append(f"[file: {kind or 'unknown type'}]")
    return labels


def incoming_message(params: FormParams) -> IncomingMessage | None:
    """The customer's message; None when it carries neither text nor media."""
    sid = _sid(params)
    sender = normalize_phone(_required(params, "From"), ["body", "From"])
    to = normalize_phone(_required(params, "To"), ["body", "To"])
    parts = _media(params)
    text = (params.one("Body") or "").strip()
    if text:
        parts.append(text)
    if not parts:
        return None
    return IncomingMessage(sid, sender, to, " ".join(parts))


def status(params: FormParams) -> Status | None:
    """A final report on a message we sent; None for the in-flight ones (queued, sent…)."""
    sid = _sid(params)
    value = _required(params, "MessageStatus")
    if value in DELIVERED:
        return Status(sid, "delivered", None)
    if value in READ:
        return Status(sid, "read", None)
    if value in FAILED:
        code = params.one("ErrorCode")
        return Status(sid, "failed", f"Twilio error {code}" if code else f"Twilio: {value}")
    if value in IN_FLIGHT:
        return None
    raise field_error(["body", "MessageStatus"], "a Twilio message status")
