"""Calls to the Telegram Bot API (``{base}/bot<token>/<method>``) and its errors.

Every answer is ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …,
"description": …}``. A refusal that retrying cannot change (400 chat not found, 401 bad
token, 403 bot blocked by the user) is a permanent ``DeliveryFailed`` with Telegram's
description; 429 (with ``retry_after``), 5xx and network failures are temporary, so the
outbox retries them with back-off.

The bot token is part of every URL: reasons and errors never include the URL.
"""

from __future__ import annotations

from typing import Any

import httpx

from hovor.channels.base import DeliveryFailed

DEFAULT_API_URL = "https://api.telegram.org"
# Telegram answers within a second or two; a call that takes longer is retried later.
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


async def call(base_url: str, token: str, method: str, payload: dict[str, Any]) -> Any:
    """POST one Bot API method; its ``result``, or ``DeliveryFailed`` with the reason.

    A client per call: sends are a few per conversation, and a client bound to no event
    loop cannot be left open by a worker or a test that stops."""
    url = f"{base_url.rstrip('/')}/bot{token}/{method}"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            response = await client.post(url, json=payload)
    except httpx.TimeoutException as exc:
        raise DeliveryFailed(f"Telegram did not answer in time ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"Telegram could not be reached ({type(exc).__name__})") from exc
    return result(response)


def result(response: httpx.Response) -> Any:
    """The ``result`` of a Bot API answer; ``DeliveryFailed`` for a refusal."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        reason = f"Telegram answered {response.status_code} without a Bot API body"
        raise DeliveryFailed(reason, permanent=_permanent(response.status_code))
    if answer.get("ok") is True and response.status_code < 400:
        return answer.get("result")
    code = answer.get("error_code")
    status = code if isinstance(code, int) else response.status_code
    description = str(answer.get("description") or "no description")
    reason = f"Telegram refused ({status}): {description}"
    parameters = answer.get("parameters")
    if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int):
        reason += f" (retry after {parameters['retry_after']} s)"
    raise DeliveryFailed(reason, permanent=_permanent(status))


def _permanent(status: int) -> bool:
    """4xx but 429 cannot succeed on a retry; 429 and 5xx can."""
    return 400 <= status < 500 and status != 429
