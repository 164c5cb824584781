"""The outbox: a delivery is promised with its message in one transaction, claimed once,
backed off and settled in the row (both databases)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from hovor.channels.base import ChannelRegistry, DeliveryFailed, Outbound, Sent
from hovor.channels.outbox import service as outbox
from hovor.channels.outbox.worker import OutboxWorker
from hovor.conversations import service as conversations
from hovor.conversations.models import Conversation, Delivery
from hovor.core.errors import Conflict
from hovor.db.transaction import Database
from tests.routing.channels import WEBCHAT
from tests.support.events import capture_events
from tests.support.factories import make_team, visitor_writes

pytestmark = pytest.mark.storage


class Recorder:
    """A stand-in adapter: records what it is asked to send, or refuses as told."""

    kind = "webchat"
    info = WEBCHAT

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.refuse: DeliveryFailed | None = None

    def verify(self, raw: object) -> None:
        return None

    def parse(self, raw: object) -> list[object]:
        return []

    async def send(self, outbound: Outbound) -> Sent:
        if self.refuse is not None:
            raise self.refuse
        self.sent.append(outbound)
        return Sent(provider_message_id=f"p-{len(self.sent)}")


async def setup(db: Database) -> tuple[Recorder, OutboxWorker, str, Conversation]:
    adapter = Recorder()
    registry = ChannelRegistry()
    registry.add(adapter)  # type: ignore[arg-type]
    outbox.register(db.dispatcher, registry.catalogue)
    team = await make_team(db)
    got = await visitor_writes(db, team.workspace.id, "v-1", "Dobrý den")
    async with db.read() as session:
        conversation = await conversations.access_conversation(
            session, team.workspace.id, got.conversation_id
        )
    return adapter, OutboxWorker(db, registry), team.agents[0].id, conversation


async def reply(
    db: Database, conversation: Conversation, agent_id: str, body: str, **kw: bool
) -> str:
    async with db.transaction() as tx:
        fresh = await conversations.access_conversation(
            tx.session, conversation.workspace_id, conversation.id
        )
        message, _ = await conversations.do_send_message(
            tx, fresh, author_type="agent", author_id=agent_id, author_name="A", body=body, **kw
        )
    return message.id


async def deliveries(db: Database) -> list[Delivery]:
    async with db.read() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.created_at))).all())


async def test_a_reply_promises_a_delivery_and_only_a_reply_does(db: Database) -> None:
    adapter, worker, agent, conversation = await setup(db)
    assert await deliveries(db) == []  # the visitor's own message goes nowhere
    reply_id = await reply(db, conversation, agent, "Dobrý den, jak pomohu?")
    await reply(db, conversation, agent, "note for the team", private=True)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            fresh = await conversations.access_conversation(
                tx.session, conversation.workspace_id, conversation.id
            )
            await conversations.do_send_message(
                tx, fresh, author_type="agent", author_id=agent, author_name="A", body="lost"
            )
            raise RuntimeError("the request failed after the message was written")
    (delivery,) = await deliveries(db)
    assert (delivery.message_id, delivery.status, delivery.recipient) == (
        reply_id,
        "pending",
        "v-1",
    )
    with capture_events(db) as captured:
        assert await worker.run_once() == 1
    assert [o.delivery_id for o in adapter.sent] == [delivery.id]
    assert adapter.sent[0].message["body"] == "Dobrý den, jak pomohu?"
    (delivery,) = await deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == ("sent", 1, "p-1")
    [event] = captured.of(outbox.DELIVERY_UPDATED)
    assert event.payload["delivery"]["status"] == "sent"
    assert await worker.run_once() == 0  # sent once


async def test_a_permanent_refusal_fails_at_once_and_retry_now_sends_again(db: Database) -> None:
    adapter, worker, agent, conversation = await setup(db)
    await reply(db, conversation, agent, "Hello")
    adapter.refuse = DeliveryFailed("recipient blocked us", permanent=True)
    await worker.run_once()
    (delivery,) = await deliveries(db)
    assert (delivery.status, delivery.last_error) == ("failed", "recipient blocked us")
    adapter.refuse = None
    async with db.transaction() as tx:
        found = await outbox.access_delivery(tx.session, conversation.workspace_id, delivery.id)
        await outbox.do_retry_now(tx, found)
    assert await worker.run_once() == 1
    (delivery,) = await deliveries(db)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, None)
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await outbox.do_retry_now(
                tx, await outbox.access_delivery(tx.session, conversation.workspace_id, delivery.id)
            )


async def test_concurrent_workers_claim_each_delivery_once(db: Database) -> None:
    _adapter, _worker, agent, conversation = await setup(db)
    for i in range(20):
        await reply(db, conversation, agent, f"reply {i}")

    async def claim() -> list[str]:
        async with db.transaction() as tx:
            claimed = await outbox.claim_due(tx, limit=15)
            await asyncio.sleep(0)  # let the other claim run while this one holds its rows
            return [c.delivery.id for c in claimed]

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    assert len(first) + len(second) == 20
    async with db.read() as session:
        sending = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "sending")
        )
    assert sending == 20


async def test_receipts_move_a_delivery_forward_only(db: Database) -> None:
    _adapter, worker, agent, conversation = await setup(db)
    await reply(db, conversation, agent, "Hi")
    await worker.run_once()
    ws = conversation.workspace_id
    for status, expected in (("read", "read"), ("delivered", "read")):
        async with db.transaction() as tx:
            got = await outbox.do_record_receipt(tx, ws, "webchat", "p-1", status)
        assert got is not None and got.status == expected
    async with db.transaction() as tx:
        assert (
            await outbox.do_record_receipt(tx, "other-workspace", "webchat", "p-1", "read") is None
        )
