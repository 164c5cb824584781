"""Meta's Graph API, as far as Hovor calls it: the Send API and "who am I" (test connection).

The page access token goes in the ``Authorization: Bearer`` header rather than the
``access_token`` query parameter, so it never appears in a URL or an access log.
"""

from __future__ import annotations

from typing import Any

import httpx

from hovor.channels.base import DeliveryFailed

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)

# Graph API error codes that say "later": API too busy, service unavailable, rate limits
# (application, user, page), Messenger's temporary send failure. Anything else in a 4xx is
# the provider refusing this message for good (bad token, blocked user, outside the window).
TEMPORARY_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, 1200})


def _error_of(response: httpx.Response) -> tuple[int | None, str]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        return None, f"Meta answered {response.status_code}: {response.text[:200]}"
    code = error.get("code")
    subcode = error.get("error_subcode")
    detail = f"code {code}" + (f"/{subcode}" if subcode else "")
    return (
        code if isinstance(code, int) else None,
        f"Meta answered {response.status_code}: {error.get('message', '')} ({detail})",
    )


def refusal(response: httpx.Response) -> DeliveryFailed:
    """The outbox's view of an error answer: permanent unless Meta says to try later."""
    code, reason = _error_of(response)
    temporary = (
        response.status_code == 429 or response.status_code >= 500 or code in TEMPORARY_CODES
    )
    return DeliveryFailed(reason, permanent=not temporary)


class GraphClient:
    def __init__(self) -> None:
        self._http = httpx.AsyncClient(timeout=TIMEOUT)

    async def _call(
        self, method: str, url: str, token: str, json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            response = await self._http.request(
                method, url, json=json, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as exc:  # timeouts, refused connections: try again later
            raise DeliveryFailed(f"Meta did not answer: {exc!r}") from exc
        if response.status_code >= 400:
            raise refusal(response)
        try:
            answer = response.json()
        except ValueError as exc:
            raise DeliveryFailed(f"Meta answered {response.status_code} without JSON") from exc
        return answer if isinstance(answer, dict) else {}

    async def send(self, api_base: str, token: str, message: dict[str, Any]) -> str | None:
        """POST {api_base}/me/messages; Meta's ``message_id`` (receipts name it)."""
        answer = await self._call("POST", f"{api_base}/me/messages", token, json=message)
        message_id = answer.get("message_id")
        return message_id if isinstance(message_id, str) else None

    async def name(self, api_base: str, token: str) -> str:
        """GET {api_base}/me?fields=name: the page's (or account's) name."""
        answer = await self._call("GET", f"{api_base}/me?fields=name", token)
        return str(answer.get("name") or answer.get("id") or "?")
