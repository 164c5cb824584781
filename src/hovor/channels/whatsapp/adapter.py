"""WhatsApp Cloud API: a business phone number as an inbox (docs/whatsapp.md).

Meta calls the inbox's webhook URL: a GET handshake (``hub.verify_token`` is the inbox's
webhook secret) and POSTs signed with ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body
under the app secret). Senders are phone numbers, stored in E.164 with identity kind
``phone``, so the same number on SMS, WhatsApp and a callback is one contact. Replies go to
``POST {api_base}/{phone_number_id}/messages``, but only inside WhatsApp's 24-hour
customer-service window (``window.py``); outside it only approved templates may be sent
(``templates.py``: listed from ``GET {api_base}/{business_account_id}/message_templates``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from hovor.channels.base import (
    ConfigField,
    DeliveryFailed,
    Inbound,
    InboxRef,
    Outbound,
    RawInbound,
    Receipt,
    Sent,
)
from hovor.channels.meta.webhook import challenge, check_signature, load, message_key
from hovor.channels.whatsapp import payload
from hovor.channels.whatsapp.models import WhatsAppTemplateMessage
from hovor.channels.whatsapp.templates import cloud_api_template, read_listing
from hovor.channels.whatsapp.window import OUTSIDE, last_customer_message_at, window_open
from hovor.contacts.identities import normalize_phone
from hovor.core.channels import ChannelInfo
from hovor.core.errors import field_error
from hovor.db.transaction import Database

log = logging.getLogger(__name__)

INFO = ChannelInfo(
    kind="whatsapp",
    display_name="WhatsApp",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=300.0,
    default_capacity=3,
)

DEFAULT_API_BASE = "https://graph.facebook.com/v26.0"
MAX_TEXT = 4096  # the Cloud API's limit for a text message body
# Graph API error codes that mean "later", even when they come with HTTP 400: throttling
# (4, 80007, 130429, 131048, 131056) and Meta's own trouble (1, 2, 131000, 131016, 133004).
TEMPORARY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004})
TEMPLATE_PAGES = 20  # pages of 100 templates read at most (a WABA holds up to 250 names)


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        answer = response.json()
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _graph_error(response: httpx.Response) -> tuple[int | None, str]:
    """Meta's ``{"error": {"code", "message", "error_data": {"details"}}}``, as code and text."""
    answer = _json(response)
    error = answer.get("error") if answer is not None else None
    if not isinstance(error, dict):
        return None, response.text[:200] or response.reason_phrase
    code = error.get("code") if isinstance(error.get("code"), int) else None
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    text = str(error.get("message") or "")
    if isinstance(details, str) and details and details not in text:
        text = f"{text} ({details})" if text else details
    return code, text[:300]


class WhatsAppAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField(
            "phone_number_id",
            "Phone number ID",
            help="WhatsApp Manager → API Setup: the number's ID (not the phone number)",
        ),
        ConfigField(
            "access_token",
            "Access token",
            secret=True,
            help="a system user's permanent token with whatsapp_business_messaging",
        ),
        ConfigField(
            "app_secret",
            "App secret",
            secret=True,
            help="App settings → Basic → App secret: checks X-Hub-Signature-256",
        ),
        ConfigField(
            "business_account_id",
            "WhatsApp Business Account ID",
            required=False,
            help="WhatsApp Manager → API Setup: the account's ID; lists the message templates",
        ),
        ConfigField(
            "api_base",
            "Graph API base URL",
            required=False,
            help=f"default {DEFAULT_API_BASE}",
        ),
    )

    def __init__(self, db: Database, *, timeout: float = 10.0) -> None:
        self._db = db
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    # Settings ------------------------------------------------------------------------------

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        for name in ("phone_number_id", "access_token", "app_secret"):
            value = config.get(name)
            if not isinstance(value, str) or not value.strip():
                raise field_error(["body", "config", name], "required")
            checked[name] = value.strip()
        if not checked["phone_number_id"].isdigit():
            raise field_error(["body", "config", "phone_number_id"], "the number's ID: digits only")
        account = config.get("business_account_id")
        if account not in (None, ""):
            if not isinstance(account, str) or not account.strip().isdigit():
                raise field_error(
                    ["body", "config", "business_account_id"], "the account's ID: digits only"
                )
            checked["business_account_id"] = account.strip()
        base = config.get("api_base") or DEFAULT_API_BASE
        if not isinstance(base, str) or not base.startswith(("https://", "http://")):
            raise field_error(["body", "config", "api_base"], "an http(s) URL")
        checked["api_base"] = base.rstrip("/")
        return checked

    # Inbound ------------------------------------------------------------------------------

    def handshake(self, raw: RawInbound) -> str | None:
        assert raw.inbox is not None
        return challenge(raw.query, raw.inbox.webhook_secret)

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        check_signature(str(raw.inbox.config.get("app_secret", "")), raw.headers, raw.body)

    def _changes(self, raw: RawInbound) -> list[payload.Change]:
        """The changes for this inbox's number. A Meta app's webhook may carry several
        numbers; others' messages belong to their own inboxes (set the callback per number)."""
        assert raw.inbox is not None
        mine = []
        for change in payload.changes(load(raw.body, "whatsapp_business_account")):
            if change.phone_number_id == raw.inbox.config.get("phone_number_id"):
                mine.append(change)
            else:
                log.warning(
                    "whatsapp inbox %s: skipped a change for phone number id %s",
                    raw.inbox.id,
                    change.phone_number_id,
                )
        return mine

    def parse(self, raw: RawInbound) -> list[Inbound]:
        assert raw.inbox is not None
        parsed = []
        for change in self._changes(raw):
            for message in payload.customer_messages(change):
                wa_id = message.wa_id
                phone = normalize_phone(
                    wa_id if wa_id.startswith("+") else f"+{wa_id}", [*message.loc, "from"]
                )
                parsed.append(
                    Inbound(
                        workspace_id=raw.inbox.workspace_id,
                        channel=self.kind,
                        source_id=phone,
                        identity_kind="phone",
                        body=message.body,
                        provider_message_id=message_key(self.kind, message.message_id),
                        contact_name=message.name,
                        inbox_id=raw.inbox.id,
                    )
                )
        return parsed

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        assert raw.inbox is not None
        return [
            Receipt(raw.inbox.workspace_id, self.kind, s.message_id, s.status, s.error)
            for change in self._changes(raw)
            for s in payload.statuses(change)
        ]

    # Outbound -----------------------------------------------------------------------------

    def _request(
        self, inbox: InboxRef, path: str, node: str = "phone_number_id"
    ) -> tuple[str, dict[str, str]]:
        base = str(inbox.config.get("api_base") or DEFAULT_API_BASE)
        url = f"{base}/{inbox.config[node]}{path}"
        return url, {"Authorization": f"Bearer {inbox.config['access_token']}"}

    async def _template_of(self, message_id: str) -> WhatsAppTemplateMessage | None:
        async with self._db.read() as session:
            return await session.get(WhatsAppTemplateMessage, message_id)

    async def send(self, outbound: Outbound) -> Sent:
        inbox = outbound.inbox
        if inbox is None:
            raise DeliveryFailed(
                "the WhatsApp inbox of this conversation was removed", permanent=True
            )
        message: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outbound.source_id,
        }
        template = await self._template_of(str(outbound.message.get("id")))
        if template is not None:  # allowed at any time: Meta approved its text
            message["type"] = "template"
            message["template"] = cloud_api_template(
                template.name, template.language, template.parameters
            )
        else:
            message["type"] = "text"
            message["text"] = {"body": await self._free_text(outbound, inbox)}
        # Meta has no idempotency key; this only traces the delivery in its statuses.
        message["biz_opaque_callback_data"] = outbound.delivery_id
        url, headers = self._request(inbox, "/messages")
        try:
            response = await self._http.post(url, json=message, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"WhatsApp did not answer: {exc!r}") from exc
        if response.status_code >= 400:
            raise self._refused(response)
        messages = (_json(response) or {}).get("messages")
        wamid = messages[0].get("id") if isinstance(messages, list) and messages else None
        return Sent(provider_message_id=wamid if isinstance(wamid, str) else None)

    async def _free_text(self, outbound: Outbound, inbox: InboxRef) -> str:
        body = str(outbound.message.get("body") or "")
        if len(body) > MAX_TEXT:
            raise DeliveryFailed(
                f"longer than WhatsApp's {MAX_TEXT} characters ({len(body)})", permanent=True
            )
        last = await last_customer_message_at(
            self._db, outbound.workspace_id, self.kind, outbound.source_id, inbox.id
        )
        if not window_open(last):
            raise DeliveryFailed(OUTSIDE, permanent=True)
        return body

    async def fetch_templates(self, inbox: InboxRef) -> list[dict[str, Any]]:
        """Every template of the inbox's business account, all pages (Meta's cursors)."""
        if not inbox.config.get("business_account_id"):
            raise DeliveryFailed(
                "the inbox has no WhatsApp Business Account ID: an admin adds it to list "
                "the message templates",
                permanent=True,
            )
        url, headers = self._request(inbox, "/message_templates", node="business_account_id")
        params = {"fields": "name,language,status,category,components", "limit": "100"}
        listed: list[dict[str, Any]] = []
        for _ in range(TEMPLATE_PAGES):
            try:
                response = await self._http.get(url, params=params, headers=headers)
            except httpx.HTTPError as exc:
                raise DeliveryFailed(f"WhatsApp did not answer: {exc!r}") from exc
            if response.status_code >= 400:
                raise self._refused(response)
            answer = _json(response)
            listed.extend(read_listing(answer))
            paging = (answer or {}).get("paging")
            paging = paging if isinstance(paging, dict) else {}
            cursors = paging.get("cursors")
            after = cursors.get("after") if isinstance(cursors, dict) else None
            if not paging.get("next") or not isinstance(after, str) or not after:
                break  # Meta gives "next" only when another page follows
            params = {**params, "after": str(after)}
        return listed

    def _refused(self, response: httpx.Response) -> DeliveryFailed:
        code, text = _graph_error(response)
        status = response.status_code
        temporary = status == 429 or status >= 500 or code in TEMPORARY_CODES
        label = f"{status}, code {code}" if code is not None else str(status)
        return DeliveryFailed(f"WhatsApp refused ({label}): {text}", permanent=not temporary)

    async def check_connection(self, inbox: InboxRef) -> str:
        url, headers = self._request(inbox, "")
        try:
            response = await self._http.get(
                url, params={"fields": "display_phone_number,verified_name"}, headers=headers
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"WhatsApp did not answer: {exc!r}") from exc
        if response.status_code >= 400:
            raise self._refused(response)
        number = _json(response) or {}
        return f"{number.get('display_phone_number')} ({number.get('verified_name')})"
