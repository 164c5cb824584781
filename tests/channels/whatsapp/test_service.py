"""The 24-hour window as the desktop sees it (from the customer's last stored message), an
agent's free text refused outside it before anything is queued, the inbox's templates cached
and refreshed, and a template message sent through the outbox exactly as Meta documents it
(both databases; the Cloud API is a local stand-in)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hovor.channels.base import InboxRef, Outbound, RawInbound
from hovor.channels.inbound import receive_inbound
from hovor.channels.inboxes.models import Inbox
from hovor.channels.meta.webhook import sign
from hovor.channels.outbox import service as outbox
from hovor.channels.whatsapp import listeners, service
from hovor.channels.whatsapp.adapter import INFO, WhatsAppAdapter
from hovor.channels.whatsapp.models import WhatsAppTemplateMessage
from hovor.conversations.models import Conversation, Delivery
from hovor.conversations.schemas import MessageOut
from hovor.conversations.service import do_send_message
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from hovor.db.transaction import Database
from tests.channels.whatsapp.cloud_api import (
    APP_SECRET,
    CUSTOMER,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    CloudApi,
    cloud_api,
    config,
    fixture,
    fixture_bytes,
)
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def api() -> Iterator[CloudApi]:
    with cloud_api() as api:
        yield api


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    manual = clock.ManualClock(START)
    previous = clock.set_clock(manual)
    yield manual
    clock.set_clock(previous)


@pytest.fixture
def wired(db: Database) -> Database:
    """The writers the app registers: a delivery with each reply, the window's refusal."""
    outbox.register(db.dispatcher, ChannelCatalogue([INFO]))
    listeners.register(db.dispatcher)
    return db


async def customer_wrote(db: Database, api_base: str) -> tuple[InboxRef, str, str]:
    """A WhatsApp inbox on the stand-in, and the fixture's text stored at ``clock.now()``."""
    team = await make_team(db, agents=1)
    async with db.transaction() as tx:
        row = Inbox(
            workspace_id=team.workspace.id,
            kind="whatsapp",
            name="Shop",
            config=config(api_base),
            webhook_secret=VERIFY_TOKEN,
        )
        tx.session.add(row)
        await tx.session.flush()
        inbox = InboxRef(row.id, row.workspace_id, row.kind, row.config, row.webhook_secret)
        body = fixture_bytes("text.json")
        raw = RawInbound(
            None, {"x-hub-signature-256": sign(APP_SECRET, body)}, inbox=inbox, body=body
        )
        (inbound,) = WhatsAppAdapter(db).parse(raw)
        received = await receive_inbound(tx, inbound)
    return inbox, received.conversation_id, team.agents[0].id


async def free_text(db: Database, conversation_id: str, agent_id: str, body: str) -> None:
    async with db.transaction() as tx:
        conversation = await tx.session.get(Conversation, conversation_id)
        assert conversation is not None
        await do_send_message(
            tx,
            conversation,
            author_type="agent",
            author_id=agent_id,
            author_name="Agent 0",
            body=body,
            client_id=body,
        )


async def deliveries(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Delivery)) or 0)


async def test_the_window_closes_24_hours_after_the_customers_last_message(
    wired: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id, agent_id = await customer_wrote(wired, api.url)
    manual_clock.advance(3600)
    await free_text(wired, conversation_id, agent_id, "Yes, in green.")  # ours: no reopening
    manual_clock.advance(22 * 3600)
    async with wired.read() as session:
        conversation, _ = await service.access_whatsapp_conversation(
            session, inbox.workspace_id, conversation_id
        )
        window = await service.window_of(session, conversation)
    assert window == service.Window(True, START, START + timedelta(hours=24))
    manual_clock.advance(3600)  # exactly 24 h: closed
    async with wired.read() as session:
        assert not (await service.window_of(session, conversation)).free_text


async def test_free_text_outside_the_window_is_refused_and_nothing_is_queued(
    wired: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id, agent_id = await customer_wrote(wired, api.url)
    await free_text(wired, conversation_id, agent_id, "Inside the window")
    assert await deliveries(wired) == 1
    manual_clock.advance(25 * 3600)
    with pytest.raises(Conflict, match=r"24-hour window .*2026-06-01 09:00 UTC.*template"):
        await free_text(wired, conversation_id, agent_id, "A day later")
    assert await deliveries(wired) == 1  # the refused reply left no row, no message
    # The bot is not refused here (it answers at once); the adapter checks its window.
    await free_text(wired, conversation_id, "bot", "The bot speaks")
    assert await deliveries(wired) == 2
    async with wired.read() as session:
        with pytest.raises(NotFound):
            await service.access_whatsapp_conversation(session, inbox.workspace_id, "nope")


async def test_templates_are_cached_and_refreshed_and_only_approved_ones_offered(
    wired: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, _, _ = await customer_wrote(wired, api.url)
    adapter = WhatsAppAdapter(wired)
    offered = await service.offered_templates(wired, adapter, inbox)
    assert [(t.name, t.language) for t in offered] == [
        ("follow_up", "en_US"),
        ("order_shipped", "en_US"),
    ]
    assert len(api.calls) == 2  # two pages
    await service.offered_templates(wired, adapter, inbox)
    assert len(api.calls) == 2  # from the cache
    await service.offered_templates(wired, adapter, inbox, refresh=True)
    assert len(api.calls) == 4
    manual_clock.advance(3601)  # stale: fetched again; a failing fetch falls back to the cache
    api.fail = (503, "upstream unavailable")
    assert len(await service.offered_templates(wired, adapter, inbox)) == 2
    with pytest.raises(ServiceUnavailable, match="WhatsApp refused"):
        await service.offered_templates(wired, adapter, inbox, refresh=True)
    no_account = InboxRef(
        inbox.id,
        inbox.workspace_id,
        "whatsapp",
        {k: v for k, v in inbox.config.items() if k != "business_account_id"},
        VERIFY_TOKEN,
    )
    with pytest.raises(Conflict, match="Business Account ID"):
        await service.offered_templates(wired, adapter, no_account, refresh=True)


async def test_a_template_goes_out_of_the_window_exactly_as_meta_documents_it(
    wired: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id, agent_id = await customer_wrote(wired, api.url)
    adapter = WhatsAppAdapter(wired)
    await service.offered_templates(wired, adapter, inbox)
    manual_clock.advance(25 * 3600)

    async def send(name: str, parameters: list[str], client_id: str) -> MessageOut:
        async with wired.transaction() as tx:
            conversation = await tx.session.get(Conversation, conversation_id)
            assert conversation is not None
            message = await service.do_send_template(
                tx,
                conversation,
                inbox,
                author_id=agent_id,
                author_name="Agent 0",
                name=name,
                language="en_US",
                parameters=parameters,
                client_id=client_id,
            )
            return MessageOut.model_validate(message)

    for name, parameters in [
        ("follow_up", []),  # one parameter missing
        ("spring_sale", []),  # pending
        ("order_pickup", ["335628"]),  # named variables
        ("no_such_template", []),
    ]:
        with pytest.raises(InvalidInput):
            await send(name, parameters, f"refused-{name}")
    message = await send("follow_up", ["Sheena"], "template-1")
    assert message.body == (
        "Hello Sheena, we have an answer to your question. Reply to this message to continue "
        "the conversation."
    )
    assert (await send("follow_up", ["Sheena"], "template-1")).id == message.id  # a resend
    async with wired.read() as session:
        (delivery,) = (await session.scalars(select(Delivery))).all()
        stored = await session.get(WhatsAppTemplateMessage, message.id)
    assert delivery.message_id == message.id
    assert stored is not None and stored.parameters == ["Sheena"]

    sent = await adapter.send(
        Outbound(
            workspace_id=inbox.workspace_id,
            channel="whatsapp",
            source_id=CUSTOMER,
            conversation_id=conversation_id,
            message=message.model_dump(mode="json"),
            delivery_id=delivery.id,
            inbox=inbox,
        )
    )
    assert sent.provider_message_id == fixture("send_response.json")["messages"][0]["id"]
    call = api.calls[-1]
    assert (call["method"], call["path"]) == ("POST", f"/v26.0/{PHONE_NUMBER_ID}/messages")
    assert call["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "template",
        "template": {
            "name": "follow_up",
            "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": "Sheena"}]}],
        },
        "biz_opaque_callback_data": delivery.id,
    }
