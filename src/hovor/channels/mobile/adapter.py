"""The push channel: an agent's reply, sent to one of the visitor's devices.

Not a channel conversations come in on: its deliveries are written next to a web chat
reply's own (``listeners.promise_pushes``) when the visitor has no open socket, one per
registered device, and the outbox worker sends each here like any delivery (retries,
back-off, final state, the agent's "retry"). ``source_id`` of a push delivery is the id of
the push token, never the token itself.
"""

from __future__ import annotations

from hovor.channels.base import DeliveryFailed, Inbound, Outbound, RawInbound, Sent
from hovor.channels.mobile.apns import Apns
from hovor.channels.mobile.fcm import Fcm
from hovor.channels.mobile.models import PushToken
from hovor.channels.mobile.notification import Notification, TokenGone
from hovor.channels.mobile.tokens import do_forget_push_tokens
from hovor.channels.mobile.webpush import WebPush
from hovor.config import Settings
from hovor.core.channels import ChannelInfo
from hovor.core.errors import Forbidden
from hovor.db.transaction import Database

KIND = "push"
INFO = ChannelInfo(
    kind=KIND,
    display_name="Push notification",
    identity_kinds=("visitor",),
    realtime=True,
    default_sla_seconds=30.0,
    default_capacity=0,  # nothing is ever routed on it
)


class PushProviders:
    """The providers this server has credentials for (``HOVOR_FCM_*``, ``_APNS_*``, ``_VAPID_*``)."""

    def __init__(self, settings: Settings) -> None:
        self.fcm: Fcm | None = None
        self.apns: Apns | None = None
        self.webpush: WebPush | None = None
        if settings.fcm_credentials:
            self.fcm = Fcm(settings.fcm_credentials, settings.fcm_url)
        if (
            settings.apns_key_file
            and settings.apns_key_id
            and settings.apns_team_id
            and settings.apns_topic
        ):
            self.apns = Apns(
                settings.apns_key_file,
                settings.apns_key_id,
                settings.apns_team_id,
                settings.apns_topic,
                settings.apns_url,
            )
        if settings.vapid_private_key:
            self.webpush = WebPush(settings.vapid_private_key, settings.vapid_subject)

    def platforms(self) -> set[str]:
        """The platforms this server has credentials for."""
        found = {"fcm": self.fcm, "apns": self.apns, "webpush": self.webpush}
        return {name for name, provider in found.items() if provider is not None}


class PushAdapter:
    kind = KIND
    info = INFO

    def __init__(self, db: Database, providers: PushProviders) -> None:
        self._db = db
        self.providers = providers

    def verify(self, raw: RawInbound) -> None:
        raise Forbidden("nothing comes in on the push channel")

    def parse(self, raw: RawInbound) -> list[Inbound]:
        raise Forbidden("nothing comes in on the push channel")

    async def send(self, outbound: Outbound) -> Sent:
        async with self._db.read() as session:
            token = await session.get(PushToken, outbound.source_id)
        if token is None or token.workspace_id != outbound.workspace_id:
            raise DeliveryFailed("the device was unregistered", permanent=True)
        note = Notification.of_reply(outbound.message)
        try:
            return Sent(await self._push(token, note, outbound.delivery_id))
        except TokenGone:
            async with self._db.transaction() as tx:
                await do_forget_push_tokens(tx, token.workspace_id, [token.id])
            raise

    async def _push(self, token: PushToken, note: Notification, delivery_id: str) -> str | None:
        p = self.providers
        if token.platform == "fcm" and p.fcm is not None:
            return await p.fcm.send(token.token, note)
        if token.platform == "apns" and p.apns is not None:
            return await p.apns.send(token.token, note, delivery_id)
        if token.platform == "webpush" and p.webpush is not None:
            return await p.webpush.send(token.token, token.keys or {}, note)
        raise DeliveryFailed(f"{token.platform} push is not set up on this server", permanent=True)
