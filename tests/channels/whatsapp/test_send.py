"""Replies as the outbox sends them: exactly what goes to the Cloud API (a local stand-in),
only inside the 24-hour window read from the stored history (both databases), WhatsApp's
errors as final or retried failures, and "test connection"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hovor.channels.base import DeliveryFailed, InboxRef, Outbound, RawInbound
from hovor.channels.inbound import receive_inbound
from hovor.channels.inboxes.models import Inbox
from hovor.channels.meta.webhook import sign
from hovor.channels.whatsapp.adapter import WhatsAppAdapter
from hovor.channels.whatsapp.window import OUTSIDE
from hovor.core import clock
from hovor.db.transaction import Database
from tests.channels.whatsapp.cloud_api import (
    APP_SECRET,
    CUSTOMER,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFY_TOKEN,
    CloudApi,
    cloud_api,
    config,
    fixture,
    fixture_bytes,
)
from tests.support.factories import make_team

pytestmark = pytest.mark.storage


@pytest.fixture
def api() -> Iterator[CloudApi]:
    with cloud_api() as api:
        yield api


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    manual = clock.ManualClock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    previous = clock.set_clock(manual)
    yield manual
    clock.set_clock(previous)


async def customer_wrote(db: Database, api_base: str) -> tuple[InboxRef, str]:
    """A workspace with a WhatsApp inbox on the stand-in, and the fixture's text stored."""
    team = await make_team(db, agents=0)
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
    return inbox, received.conversation_id


def reply(inbox: InboxRef, conversation_id: str, body: str = "Yes, in green.") -> Outbound:
    return Outbound(
        workspace_id=inbox.workspace_id,
        channel="whatsapp",
        source_id=CUSTOMER,
        conversation_id=conversation_id,
        message={"id": "msg-1", "body": body},
        delivery_id="01JDELIVERY0000000000000001",
        inbox=inbox,
    )


async def test_a_reply_in_the_window_is_a_text_message_to_the_number(
    db: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id = await customer_wrote(db, api.url)
    manual_clock.advance(23 * 3600)  # still within 24 hours of the customer's message
    sent = await WhatsAppAdapter(db).send(reply(inbox, conversation_id))
    assert sent.provider_message_id == fixture("send_response.json")["messages"][0]["id"]
    (call,) = api.calls
    assert (call["method"], call["path"]) == ("POST", f"/v26.0/{PHONE_NUMBER_ID}/messages")
    assert call["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "text",
        "text": {"body": "Yes, in green."},
        "biz_opaque_callback_data": "01JDELIVERY0000000000000001",
    }
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert call["headers"]["content-type"] == "application/json"


async def test_outside_the_window_nothing_is_sent_and_the_reply_fails_for_good(
    db: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id = await customer_wrote(db, api.url)
    manual_clock.advance(24 * 3600 + 1)
    with pytest.raises(DeliveryFailed) as failed:
        await WhatsAppAdapter(db).send(reply(inbox, conversation_id))
    assert failed.value.permanent and failed.value.reason == OUTSIDE
    # A number that never wrote to this inbox has no window at all.
    stranger = Outbound(**{**reply(inbox, conversation_id).__dict__, "source_id": "+16315551181"})
    with pytest.raises(DeliveryFailed, match="24-hour window"):
        await WhatsAppAdapter(db).send(stranger)
    assert api.calls == []


@pytest.mark.parametrize(
    ("status", "error", "permanent", "reason"),
    [
        (400, "error_not_allowed.json", True, "(400, code 131030): (#131030) Recipient phone"),
        (401, "error_token_expired.json", True, "(401, code 190): Error validating access token"),
        (400, "error_rate_limit.json", False, "Cloud API message throughput has been reached"),
        (429, "error_rate_limit.json", False, "(429, code 130429)"),
        (503, None, False, "(503)"),
    ],
)
async def test_whatsapps_errors_fail_for_good_or_are_retried(
    db: Database,
    api: CloudApi,
    manual_clock: clock.ManualClock,
    status: int,
    error: str | None,
    permanent: bool,
    reason: str,
) -> None:
    inbox, conversation_id = await customer_wrote(db, api.url)
    api.fail = (status, fixture(error) if error else "upstream unavailable")
    with pytest.raises(DeliveryFailed) as failed:
        await WhatsAppAdapter(db).send(reply(inbox, conversation_id))
    assert failed.value.permanent is permanent
    assert reason in failed.value.reason and failed.value.reason.startswith("WhatsApp refused")


async def test_a_call_that_does_not_answer_in_time_is_retried(
    db: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id = await customer_wrote(db, api.url)
    assert api.server is not None
    api.server.hold.set()
    with pytest.raises(DeliveryFailed, match="did not answer") as failed:
        await WhatsAppAdapter(db, timeout=0.3).send(reply(inbox, conversation_id))
    assert not failed.value.permanent and len(api.calls) == 1


async def test_a_reply_longer_than_whatsapp_takes_fails_for_good(
    db: Database, api: CloudApi, manual_clock: clock.ManualClock
) -> None:
    inbox, conversation_id = await customer_wrote(db, api.url)
    with pytest.raises(DeliveryFailed, match="4096") as failed:
        await WhatsAppAdapter(db).send(reply(inbox, conversation_id, "x" * 4097))
    assert failed.value.permanent and api.calls == []


async def test_test_connection_names_the_number_or_says_why_not(
    db: Database, api: CloudApi
) -> None:
    inbox = InboxRef("inbox-1", "ws-1", "whatsapp", config(api.url), VERIFY_TOKEN)
    adapter = WhatsAppAdapter(db)
    assert await adapter.check_connection(inbox) == "+1 555-078-3881 (Lucky Shrub)"
    (call,) = api.calls
    assert (call["method"], call["path"]) == ("GET", f"/v26.0/{PHONE_NUMBER_ID}")
    assert call["query"] == {"fields": "display_phone_number,verified_name"}
    assert call["headers"]["authorization"] == f"Bearer {TOKEN}"
    api.fail = (401, fixture("error_token_expired.json"))
    with pytest.raises(DeliveryFailed, match="Session has expired"):
        await adapter.check_connection(inbox)
