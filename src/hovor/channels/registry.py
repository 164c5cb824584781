"""Which channels this server has: the built-in adapters, one line each, plus plugins.

A new channel is a folder ``channels/<kind>/`` with its adapter and one line in
``built_in`` below; a channel kept outside Hovor is named in ``HOVOR_CHANNEL_ADAPTERS``
as ``package.module:factory`` (docs/channels.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from hovor.bus import Bus
from hovor.channels.base import ChannelAdapter, ChannelRegistry
from hovor.channels.email import adapter as email
from hovor.channels.email.adapter import EmailAdapter
from hovor.channels.email.smtp import SmtpServer
from hovor.channels.meta import adapter as meta
from hovor.channels.mobile import adapter as push
from hovor.channels.mobile.adapter import PushAdapter, PushProviders
from hovor.channels.sms import adapter as sms
from hovor.channels.sms.adapter import SmsAdapter
from hovor.channels.telegram import adapter as telegram
from hovor.channels.telegram.adapter import TelegramAdapter
from hovor.channels.voice import adapter as voice
from hovor.channels.voice.adapter import CallbackAdapter
from hovor.channels.voice.telephony import pbx, twilio_voice
from hovor.channels.webchat import adapter as webchat
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.channels.whatsapp import adapter as whatsapp
from hovor.channels.whatsapp.adapter import WhatsAppAdapter
from hovor.config import Settings
from hovor.core.channels import ChannelCatalogue, ChannelInfo
from hovor.db.transaction import Database


@dataclass(frozen=True)
class ChannelDeps:
    """What an adapter may need to work: the database, the bus, the settings."""

    db: Database
    bus: Bus
    settings: Settings


AdapterFactory = Callable[[ChannelDeps], ChannelAdapter]


def _smtp(settings: Settings) -> SmtpServer | None:
    return SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None


# The built-in channels: one line each, the traits and how to build the adapter.
BUILT_IN: tuple[tuple[ChannelInfo, AdapterFactory], ...] = (
    (webchat.INFO, lambda deps: WebChatAdapter(deps.bus)),
    (voice.INFO, lambda deps: CallbackAdapter()),
    (
        twilio_voice.INFO,
        lambda deps: twilio_voice.TwilioVoiceAdapter(deps.db, deps.settings.origin),
    ),
    (pbx.INFO, lambda deps: pbx.PbxAdapter(deps.db)),
    (email.INFO, lambda deps: EmailAdapter(deps.db, _smtp(deps.settings))),
    (telegram.INFO, lambda deps: TelegramAdapter()),
    (meta.MESSENGER, lambda deps: meta.MessengerAdapter()),
    (meta.INSTAGRAM, lambda deps: meta.InstagramAdapter()),
    (whatsapp.INFO, lambda deps: WhatsAppAdapter(deps.db)),
    (sms.INFO, lambda deps: SmsAdapter(deps.db, deps.settings.origin)),
    (push.INFO, lambda deps: PushAdapter(deps.db, PushProviders(deps.settings))),
)


def built_in_catalogue() -> ChannelCatalogue:
    """The built-in channels' traits, for commands without a running app (the simulation)."""
    return ChannelCatalogue(info for info, _ in BUILT_IN)


def load_factory(spec: str) -> AdapterFactory:
    """``package.module:factory`` → the factory; a clear error naming the setting otherwise."""
    module_name, _, name = spec.strip().partition(":")
    if not module_name or not name:
        raise ValueError(f"HOVOR_CHANNEL_ADAPTERS: {spec!r} is not module:factory")
    try:
        factory = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"HOVOR_CHANNEL_ADAPTERS: cannot load {spec!r}: {exc}") from exc
    if not callable(factory):
        raise ValueError(f"HOVOR_CHANNEL_ADAPTERS: {spec!r} is not callable")
    return factory  # type: ignore[no-any-return]


def plugin_factories(settings: Settings) -> list[AdapterFactory]:
    """The factories ``HOVOR_CHANNEL_ADAPTERS`` names; ValueError naming the setting."""
    specs = (s.strip() for s in settings.channel_adapters.split(","))
    return [load_factory(spec) for spec in specs if spec]


def build_channels(deps: ChannelDeps) -> ChannelRegistry:
    registry = ChannelRegistry()
    for _, factory in BUILT_IN:
        registry.add(factory(deps))
    for factory in plugin_factories(deps.settings):
        registry.add(factory(deps))
    return registry
