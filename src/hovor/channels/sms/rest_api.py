"""Calls to Twilio's REST API (``{base}/2010-04-01/Accounts/{sid}/…``) and its errors.

Twilio answers a refusal with ``{"code": 21211, "message": "…", "more_info": "…",
"status": 400}``. A 4xx other than 429 cannot succeed on a retry (a bad number, bad
credentials, an opted-out recipient): a permanent ``DeliveryFailed`` with Twilio's message.
429, 5xx and network failures are temporary, so the outbox retries them with back-off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from hovor.channels.base import DeliveryFailed
from hovor.channels.sms.opt_out import OPTED_OUT
from hovor.contacts.identities import normalize_phone
from hovor.core.errors import field_error

DEFAULT_API_BASE = "https://api.twilio.com"
UNSUBSCRIBED = 21610  # "Attempt to send to unsubscribed recipient": Twilio's own STOP list


def check_account(config: Mapping[str, Any]) -> dict[str, Any]:
    """A Twilio inbox's account settings (SMS and Voice alike): account SID, auth token, the
    number in E.164 and the API base (Twilio's, or a stand-in's); a 422 names the field."""
    checked: dict[str, Any] = {}
    for name in ("account_sid", "auth_token", "phone_number"):
        value = config.get(name)
        if not isinstance(value, str) or not value.strip():
            raise field_error(["body", "config", name], "required")
        checked[name] = value.strip()
    sid = checked["account_sid"]
    if not (sid.startswith("AC") and len(sid) == 34 and sid.isalnum()):
        raise field_error(["body", "config", "account_sid"], "AC followed by 32 characters")
    checked["phone_number"] = normalize_phone(
        checked["phone_number"], ["body", "config", "phone_number"]
    )
    base = config.get("api_base") or DEFAULT_API_BASE
    if not isinstance(base, str) or not base.startswith(("https://", "http://")):
        raise field_error(["body", "config", "api_base"], "an http(s) URL")
    checked["api_base"] = base.rstrip("/")
    return checked


def account_url(base: str, account_sid: str, path: str = "") -> str:
    return f"{base.rstrip('/')}/2010-04-01/Accounts/{account_sid}{path}.json"


async def call(
    method: str,
    url: str,
    auth: tuple[str, str],
    form: dict[str, str] | None = None,
    *,
    seconds: float = 10.0,
) -> dict[str, Any]:
    """One REST call with HTTP basic auth; its JSON answer or ``DeliveryFailed``.

    A client per call, as the Telegram adapter does: sends are few, and a client bound to no
    event loop cannot be left open by a worker or a test that stops."""
    try:
        limits = httpx.Timeout(seconds, connect=min(seconds, 5.0))
        async with httpx.AsyncClient(timeout=limits, auth=auth) as client:
            response = await client.request(method, url, data=form)
    except httpx.TimeoutException as exc:
        raise DeliveryFailed(f"Twilio did not answer in time ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"Twilio could not be reached ({type(exc).__name__})") from exc
    answer = _json(response)
    if response.status_code >= 400:
        raise refused(response.status_code, answer)
    if answer is None:
        raise DeliveryFailed(f"Twilio answered {response.status_code} without a JSON body")
    return answer


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def refused(status: int, answer: dict[str, Any] | None) -> DeliveryFailed:
    code = answer.get("code") if answer is not None else None
    if code == UNSUBSCRIBED:
        return DeliveryFailed(OPTED_OUT, permanent=True)
    message = str((answer or {}).get("message") or "no message")[:300]
    label = f"{status}, error {code}" if isinstance(code, int) else str(status)
    permanent = 400 <= status < 500 and status != 429
    return DeliveryFailed(f"Twilio refused ({label}): {message}", permanent=permanent)
