"""The channel registry: the built-in adapters, plugins by setting, and their traits."""

from __future__ import annotations

import dataclasses

import pytest

from hovor.bus.memory import MemoryBus
from hovor.channels.base import ChannelRegistry
from hovor.channels.registry import ChannelDeps, build_channels, built_in_catalogue
from hovor.config import Settings
from hovor.core.dispatch import Dispatcher
from hovor.db.transaction import Database
from tests.channels.echo.adapter import EchoAdapter


def deps(channel_adapters: str = "") -> ChannelDeps:
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:", channel_adapters=channel_adapters
    )
    return ChannelDeps(Database(settings.database_url, Dispatcher()), MemoryBus(), settings)


def test_the_built_in_channels_and_a_plugin_are_registered_with_their_traits() -> None:
    registry = build_channels(deps("tests.channels.echo.adapter:create"))
    assert [a.kind for a in registry] == [
        "webchat",
        "callback",
        "twilio_voice",
        "pbx",
        "email",
        "telegram",
        "messenger",
        "instagram",
        "whatsapp",
        "sms",
        "push",
        "echo",
    ]
    catalogue = registry.catalogue
    assert catalogue.deferred() == frozenset({"email"})
    assert catalogue.identity_kinds() == (
        "visitor",
        "email",
        "phone",
        "external_id",
        "telegram",
        "messenger",
        "instagram",
        "echo",
    )
    assert catalogue.default_sla_seconds("callback", 1.0) == 300.0
    assert catalogue.default_sla_seconds("unknown", 1.0) == 1.0
    assert [i.kind for i in built_in_catalogue()] == [
        "webchat",
        "callback",
        "twilio_voice",
        "pbx",
        "email",
        "telegram",
        "messenger",
        "instagram",
        "whatsapp",
        "sms",
        "push",
    ]


def test_bad_plugins_and_adapters_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="not module:factory"):
        build_channels(deps("tests.channels.echo.adapter"))
    with pytest.raises(ValueError, match=r"cannot load 'tests\.channels\.echo\.adapter:nothing'"):
        build_channels(deps("tests.channels.echo.adapter:nothing"))
    registry = ChannelRegistry()
    registry.add(EchoAdapter())
    other = EchoAdapter()
    other.info = dataclasses.replace(other.info, display_name="Another echo")  # type: ignore[misc]
    with pytest.raises(ValueError, match="registered twice"):
        registry.add(other)
    wrong = EchoAdapter()
    wrong.info = dataclasses.replace(wrong.info, kind="whatsapp")  # type: ignore[misc]
    with pytest.raises(ValueError, match="declares the traits of whatsapp"):
        ChannelRegistry().add(wrong)
