"""Raw RFC 5322 bytes → ``ParsedEmail``: sender, subject, text, sanitised HTML, thread ids,
attachments (with their bytes).

Pure functions on the standard library's ``email`` package (``policy.default``); anything
that makes a message unusable raises ``InvalidInput`` naming the offending part. The text
(for search, the timeline and the message body) is the plain part, or the HTML part's text;
the HTML part, when there is one, is also kept sanitised (``hovor.core.html``, ``cid:``
images allowed) for display.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from hovor.contacts.identities import normalize_email
from hovor.core import html as sanitiser
from hovor.core.errors import InvalidInput

MAX_HEADER_ID = 500
MAX_HTML = 1024 * 1024  # characters of sanitised HTML kept; a longer body shows as text
_ID = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class Attachment:
    filename: str
    size: int  # bytes, decoded
    content_type: str
    data: bytes = b""
    content_id: str | None = None  # without <>: what the HTML names as cid:…


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str  # without angle brackets
    sender: str  # normalised address
    sender_name: str | None
    recipients: tuple[str, ...]  # lower-cased To, Cc, Delivered-To, X-Original-To
    subject: str
    text: str  # quoted reply stripped; may be empty
    html: str | None  # the HTML part, sanitised; None: a text-only mail
    in_reply_to: str | None
    references: tuple[str, ...]  # oldest first
    attachments: tuple[Attachment, ...]

    @property
    def thread_ids(self) -> list[str]:
        """Ids this message answers, the most specific first: In-Reply-To, then References."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


def _invalid(loc: str, msg: str) -> InvalidInput:
    return InvalidInput(f"malformed e-mail: {loc}: {msg}", errors=[{"loc": [loc], "msg": msg}])


def header_ids(value: str | None) -> list[str]:
    """The ``<id>`` tokens of a Message-ID, In-Reply-To or References header, brackets off."""
    return [i for i in _ID.findall(value or "") if len(i) <= MAX_HEADER_ID]


def parse_email(raw: bytes) -> ParsedEmail:
    if not raw.strip():
        raise _invalid("message", "empty")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    if not message.keys():
        raise _invalid("message", "no headers")
    sender, sender_name = _sender(message)
    ids = header_ids(_header(message, "Message-ID"))
    # A message without an id (rare: MTAs add one) gets one from its bytes: resends still dedup.
    message_id = ids[0] if ids else f"{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.hovor"
    in_reply_to = header_ids(_header(message, "In-Reply-To"))
    text = _text(message)
    return ParsedEmail(
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        subject=" ".join(_header(message, "Subject").split())[:300],
        text=strip_quoted(text),
        html=_html(message),
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=tuple(header_ids(_header(message, "References"))[-50:]),
        attachments=tuple(_attachments(message)),
    )


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError) as exc:  # a header the parser cannot read
        raise _invalid(name.lower(), "unreadable header") from exc
    return str(value) if value is not None else ""


def _sender(message: EmailMessage) -> tuple[str, str | None]:
    raw = _header(message, "From")
    if not raw.strip():
        raise _invalid("from", "missing From header")
    pairs = [(n, a) for n, a in getaddresses([raw]) if a]
    if len(pairs) != 1:
        raise _invalid("from", "need exactly one sender address")
    name, address = pairs[0]
    try:
        address = normalize_email(address, ["from"])
    except InvalidInput as exc:
        raise _invalid("from", "not a valid e-mail address") from exc
    return address, " ".join(name.split())[:120] or None


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    values = [
        _header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    ]
    return tuple(a.strip().lower() for _, a in getaddresses([v for v in values if v]) if a)


def _decode(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    assert isinstance(body, EmailMessage)
    content = _decode(body)
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").replace("\r", "\n")


def _html(message: EmailMessage) -> str | None:
    body = message.get_body(preferencelist=("html",))
    if body is None:
        return None
    assert isinstance(body, EmailMessage)
    cleaned = sanitiser.clean(_decode(body), extra_schemes={"cid"}, relative_urls=False).strip()
    return cleaned if cleaned and len(cleaned) <= MAX_HTML else None


def _attachments(message: EmailMessage) -> list[Attachment]:
    """Parts that are files: those with a file name, and inline parts with a Content-ID
    (images an HTML body shows as ``cid:…``), but never the body parts themselves."""
    bodies = {id(b) for b in (message.get_body(("plain",)), message.get_body(("html",))) if b}
    found: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart() or id(part) in bodies:
            continue
        content_id = _header(part, "Content-ID").strip().strip("<>").strip()[:255] or None
        filename = part.get_filename()
        if not filename and content_id is None:
            continue  # a text part of the message, not a file
        if not filename and part.get_content_disposition() == "attachment":
            filename = "attachment"
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        kind = part.get_content_type()
        name = (filename or f"{kind.split('/')[0]}-{len(found) + 1}")[:200]
        found.append(Attachment(name, len(data), kind, data, content_id))
    return found


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag == "blockquote":
            self._quote += 1  # quoted replies are dropped, like "> " lines in plain text
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag == "blockquote" and self._quote:
            self._quote -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping and not self._quote:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = [" ".join(line.split()) for line in "".join(extractor.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_ATTRIBUTION = re.compile(r"^(On\b.*\bwrote:|Le\b.*\ba écrit\s?:|Am\b.*\bschrieb.*:)\s*$", re.I)
_SEPARATOR = re.compile(r"^(-{2,}\s*Original Message\s*-{2,}|_{10,}|-- )\s*$", re.I)
_OUTLOOK_FROM = re.compile(r"^From:\s.+")


def strip_quoted(text: str) -> str:
    """The new part of a reply: cut at the attribution, separator or signature; drop ``>`` lines.

    A heuristic: when it would leave nothing, the whole text is kept.
    """
    lines = text.split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        plain = line.rstrip()
        joined = f"{plain} {lines[i + 1].strip()}" if i + 1 < len(lines) else plain
        if _ATTRIBUTION.match(plain) or (
            plain.startswith("On ") and _ATTRIBUTION.match(joined)  # wrapped over two lines
        ):
            break
        if _SEPARATOR.match(line) or (
            _OUTLOOK_FROM.match(plain) and i + 1 < len(lines) and lines[i + 1].startswith("Sent:")
        ):
            break
        if plain.startswith(">"):
            continue
        kept.append(plain)
    stripped = "\n".join(kept).strip()
    return stripped or text.strip()
