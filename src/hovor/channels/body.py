"""Reading a request body with a size limit: the raw endpoints' (e-mail, webhooks) one way."""

from __future__ import annotations

from fastapi import Request

from hovor.core.errors import HovorError


class PayloadTooLarge(HovorError):
    status = 413
    code = "too_large"
    title = "Payload too large"


async def read_limited(request: Request, max_bytes: int, what: str) -> bytes:
    """The body, or 413 as soon as the declared or read length passes ``max_bytes``."""
    too_large = PayloadTooLarge(f"{what} may be at most {max_bytes} bytes")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
