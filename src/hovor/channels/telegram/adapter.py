"""The Telegram channel: a bot's private chats, through the Bot API (docs/telegram.md).

Inbound, Telegram posts each Update to the inbox's webhook URL with the header
``X-Telegram-Bot-Api-Secret-Token`` carrying the ``secret_token`` given to ``setWebhook``:
the inbox's webhook secret, compared in constant time. Telegram signs nothing else, so the
secret is the whole proof. Outbound, ``sendMessage`` to the chat; Telegram has neither
idempotency keys nor delivery receipts.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

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
from hovor.channels.telegram import bot_api
from hovor.channels.telegram.updates import KIND, load_update, read_update
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden, field_error

INFO = ChannelInfo(
    kind=KIND,
    display_name="Telegram",
    identity_kinds=("telegram",),
    realtime=True,
    default_sla_seconds=60.0,
    default_capacity=3,
)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
# What setWebhook accepts as secret_token; inbox secrets (token_urlsafe) always qualify.
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
MAX_TEXT = 4096  # sendMessage's limit, in characters; longer replies go out in parts
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A reply in parts of at most ``limit`` characters, cut at a line break or a space
    when there is one in the second half of the part."""
    parts = []
    text = text.strip()
    while len(text) > limit:
        cut = max(text.rfind(sep, limit // 2, limit + 1) for sep in ("\n", " "))
        cut = cut if cut > 0 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def _api_url(value: Any) -> str:
    loc: list[str | int] = ["body", "config", "api_url"]
    if value is None or value == "":
        return bot_api.DEFAULT_API_URL
    if not isinstance(value, str):
        raise field_error(loc, "a URL")
    url = urlsplit(value.strip())
    secure = url.scheme == "https" or (url.scheme == "http" and url.hostname in LOCAL_HOSTS)
    if not secure or not url.hostname or url.query or url.fragment:
        raise field_error(loc, "an https:// URL such as https://api.telegram.org")
    return value.strip().rstrip("/")


class TelegramAdapter:
    kind = INFO.kind
    info = INFO
    config_fields = (
        ConfigField(
            "bot_token",
            "Bot token",
            secret=True,
            help="from @BotFather: /newbot or /token, e.g. 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        ),
        ConfigField(
            "api_url",
            "Bot API URL",
            required=False,
            help=f"leave empty for {bot_api.DEFAULT_API_URL}; set it for a local Bot API server",
        ),
    )

    def check_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        token = config.get("bot_token")
        if not isinstance(token, str) or not BOT_TOKEN.fullmatch(token.strip()):
            raise field_error(["body", "config", "bot_token"], "a bot token: 123456:ABC-DEF…")
        return {"bot_token": token.strip(), "api_url": _api_url(config.get("api_url"))}

    def handshake(self, raw: RawInbound) -> str | None:
        return None  # Telegram has no GET verification: setWebhook is called by the admin

    def verify(self, raw: RawInbound) -> None:
        assert raw.inbox is not None
        given = raw.headers.get(SECRET_HEADER, "").encode()
        expected = raw.inbox.webhook_secret.encode()
        if not given or not hmac.compare_digest(given, expected):
            raise Forbidden("bad or missing X-Telegram-Bot-Api-Secret-Token")

    def parse(self, raw: RawInbound) -> list[Inbound]:
        assert raw.inbox is not None
        message = read_update(load_update(raw.body))
        if message is None:
            return []  # acknowledged and ignored: Telegram retries anything but a 2xx
        return [
            Inbound(
                workspace_id=raw.inbox.workspace_id,
                channel=self.kind,
                source_id=message.chat_id,
                identity_kind="telegram",
                body=message.body,
                provider_message_id=message.message_id,
                contact_name=message.sender_name,
                inbox_id=raw.inbox.id,
            )
        ]

    def receipts(self, raw: RawInbound) -> list[Receipt]:
        return []  # the Bot API reports neither delivery nor reading to bots

    async def send(self, outbound: Outbound) -> Sent:
        """``sendMessage`` to the private chat. The Bot API takes no idempotency key, so a
        send repeated after a crash (sent but not recorded) reaches the customer twice."""
        api_url, token = _credentials(outbound.inbox)
        parts = split_text(str(outbound.message.get("body") or ""))
        if not parts:
            raise DeliveryFailed("Telegram cannot send an empty message", permanent=True)
        chat = outbound.source_id
        chat_id: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        sent: Any = None
        for text in parts:
            payload = {"chat_id": chat_id, "text": text}
            sent = await bot_api.call(api_url, token, "sendMessage", payload)
        message_id = sent.get("message_id") if isinstance(sent, dict) else None
        # Telegram numbers messages per chat: the chat makes the id unique.
        return Sent(f"{chat}:{message_id}" if message_id is not None else None)

    async def check_connection(self, inbox: InboxRef) -> str:
        me = await bot_api.call(*_credentials(inbox), "getMe", {})
        if not isinstance(me, dict) or not me.get("username"):
            raise DeliveryFailed("Telegram's getMe answered without the bot's username")
        return f"bot @{me['username']}"


def _credentials(inbox: InboxRef | None) -> tuple[str, str]:
    """The Bot API's URL and the bot token of the inbox a message goes out through."""
    if inbox is None or not inbox.config.get("bot_token"):
        raise DeliveryFailed("the Telegram inbox is gone or has no bot token", permanent=True)
    api_url = inbox.config.get("api_url") or bot_api.DEFAULT_API_URL
    return str(api_url), str(inbox.config["bot_token"])
