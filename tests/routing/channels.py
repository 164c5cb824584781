"""The channels routing tests route: their own ChannelInfo, not the adapters' (routing may
not import hovor.channels, and a test should not change when an adapter's defaults do)."""

from __future__ import annotations

from hovor.core.channels import ChannelCatalogue, ChannelInfo

WEBCHAT = ChannelInfo(
    kind="webchat",
    display_name="Web chat",
    identity_kinds=("visitor",),
    realtime=True,
    default_sla_seconds=30.0,
    default_capacity=3,
)
CALLBACK = ChannelInfo(
    kind="callback",
    display_name="Callback",
    identity_kinds=("phone",),
    realtime=True,
    default_sla_seconds=300.0,
    default_capacity=1,
    outbound=False,
)
EMAIL = ChannelInfo(
    kind="email",
    display_name="E-mail",
    identity_kinds=("email",),
    realtime=False,
    default_sla_seconds=86_400.0,
    default_capacity=5,
)
CHANNELS = ChannelCatalogue([WEBCHAT, CALLBACK, EMAIL])
