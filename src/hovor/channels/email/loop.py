"""Loop protection: is a message an automatic one (an auto-reply, a bounce, a list mail)?

Such mail is stored but never answered and never opens routed work: answering an
out-of-office reply with our own acknowledgement is how two robots mail each other forever.
The signals are those of RFC 3834 (``Auto-Submitted``), RFC 3464 (delivery status reports,
``multipart/report``), an empty return path (``MAIL FROM:<>``, ``Return-Path: <>``, what
bounces are sent with), and the headers Exchange and mailing lists set
(``X-Auto-Response-Suppress``, ``X-Autoreply``, ``Precedence: bulk/junk/list``).
"""

from __future__ import annotations

from email import policy
from email.parser import BytesHeaderParser

AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})


def automatic_reason(raw: bytes, envelope_from: str | None = None) -> str | None:
    """Why the message is automatic (a short phrase), or None for a person's mail.

    ``envelope_from`` is the SMTP ``MAIL FROM`` when we received the message ourselves
    (``""`` for the null return path); IMAP mail carries it as ``Return-Path``.
    """
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    auto_submitted = _value(headers.get("Auto-Submitted"))
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted}"
    if headers.get("X-Autoreply") is not None or headers.get("X-Autorespond") is not None:
        return "X-Autoreply"
    if headers.get("X-Auto-Response-Suppress") is not None:
        suppress = _value(headers.get("X-Auto-Response-Suppress"))
        if suppress not in ("", "none"):
            return f"X-Auto-Response-Suppress: {suppress}"
    precedence = _value(headers.get("Precedence"))
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    content_type = _value(headers.get("Content-Type"))
    if content_type.startswith("multipart/report"):
        return "a delivery status report (multipart/report)"
    if envelope_from is not None and envelope_from.strip("<> ") == "":
        return "a null return path (MAIL FROM:<>)"
    return_path = headers.get("Return-Path")
    if return_path is not None and str(return_path).strip().strip("<>").strip() == "":
        return "a null return path (Return-Path: <>)"
    return None


def _value(header: object) -> str:
    return " ".join(str(header).split()).lower() if header is not None else ""
