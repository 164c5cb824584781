"""An e-mail inbox's settings: its address and, optionally, the IMAP mailbox to read.

Checked when an admin adds the inbox (422 naming the field); "test connection" logs in and
opens the folder, so a wrong password or folder shows at once, not at the first poll.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hovor.channels.base import ConfigField, InboxRef
from hovor.contacts.identities import normalize_email
from hovor.core.errors import field_error

TLS_MODES = ("ssl", "none")

CONFIG_FIELDS = (
    ConfigField(
        "address",
        "Address",
        help="the address customers write to; the SMTP receiver takes mail for it",
    ),
    ConfigField("imap_host", "IMAP server", required=False, help="empty: no mailbox to read"),
    ConfigField("imap_port", "IMAP port", required=False, help="993 (ssl) or 143 (none)"),
    ConfigField("imap_tls", "TLS", required=False, help="ssl (implicit TLS, default) or none"),
    ConfigField("imap_user", "IMAP user", required=False),
    ConfigField("imap_password", "IMAP password", secret=True, required=False),
    ConfigField("imap_folder", "Folder", required=False, help="INBOX unless set"),
)


def _loc(name: str) -> list[str | int]:
    return ["body", "config", name]


def _text(config: Mapping[str, Any], name: str, limit: int = 255) -> str:
    value = config.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int) or len(str(value)) > limit:
        raise field_error(_loc(name), f"text of at most {limit} characters")
    return str(value).strip()


def check_config(config: Mapping[str, Any]) -> dict[str, Any]:
    address = normalize_email(_text(config, "address"), _loc("address"))
    host = _text(config, "imap_host")
    if not host:
        return {"address": address}
    tls = (_text(config, "imap_tls") or "ssl").lower()
    if tls not in TLS_MODES:
        raise field_error(_loc("imap_tls"), f"one of {', '.join(TLS_MODES)}")
    port_text = _text(config, "imap_port") or ("993" if tls == "ssl" else "143")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise field_error(_loc("imap_port"), "a port number from 1 to 65535")
    user = _text(config, "imap_user")
    if not user:
        raise field_error(_loc("imap_user"), "the mailbox's login")
    password = _text(config, "imap_password", 1000)
    if not password:
        raise field_error(_loc("imap_password"), "the mailbox's password")
    return {
        "address": address,
        "imap_host": host,
        "imap_port": int(port_text),
        "imap_tls": tls,
        "imap_user": user,
        "imap_password": password,
        "imap_folder": _text(config, "imap_folder") or "INBOX",
    }


async def check_connection(inbox: InboxRef) -> str:
    """Log in and open the folder; raise ``DeliveryFailed`` with the server's reason."""
    from hovor.channels.email import imap_poller  # the IMAP client only when asked

    config = imap_poller.imap_config(inbox)
    if config is None:
        return f"no mailbox to read: mail for {inbox.config.get('address')} comes by forwarding"
    client = await imap_poller.connect(config)
    try:
        _, count = await imap_poller.select_folder(client, config.folder)
    finally:
        await imap_poller.logout(client)
    return f"logged in as {config.user}; {config.folder} holds {count} messages"
