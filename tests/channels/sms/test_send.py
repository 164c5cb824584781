"""Replies as the outbox sends them: exactly what goes to Twilio's Messages API (a local
stand-in), refused before any call for a customer who texted STOP (read from the stored
history, both databases) or a body Twilio does not take, Twilio's errors as final or retried
failures, and "test connection"."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from hovor.channels.base import DeliveryFailed, InboxRef, Outbound, RawInbound
from hovor.channels.inbound import receive_inbound
from hovor.channels.inboxes.models import Inbox
from hovor.channels.sms.adapter import SmsAdapter
from hovor.channels.sms.opt_out import OPTED_OUT
from hovor.db.transaction import Database
from tests.channels.sms.twilio_api import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CUSTOMER,
    NUMBER,
    SENT_SID,
    TwilioApi,
    config,
    fixture,
    fixture_bytes,
    signed,
    twilio_api,
)
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

ORIGIN = "https://hovor.example.org"
BASIC = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


@pytest.fixture
def api() -> Iterator[TwilioApi]:
    with twilio_api() as api:
        yield api


async def an_inbox(db: Database, api_base: str, workspace_id: str = "") -> InboxRef:
    """An SMS inbox on the stand-in, in a new workspace unless ``workspace_id`` is given."""
    workspace_id = workspace_id or (await make_team(db, agents=0)).workspace.id
    async with db.transaction() as tx:
        row = Inbox(
            workspace_id=workspace_id,
            kind="sms",
            name="Shop",
            config=config(api_base),
            webhook_secret="unused-by-twilio",
        )
        tx.session.add(row)
        await tx.session.flush()
    return InboxRef(row.id, row.workspace_id, row.kind, row.config, row.webhook_secret)


async def customer_texted(db: Database, inbox: InboxRef, name: str) -> str:
    """The fixture stored as the webhook route stores it; the conversation's id."""
    body = fixture_bytes(name)
    url = f"{ORIGIN}/v1/channels/sms/{inbox.id}/webhook"
    raw = RawInbound(None, signed(url, body), inbox=inbox, body=body, url=url)
    adapter = SmsAdapter(db, ORIGIN)
    adapter.verify(raw)
    (inbound,) = adapter.parse(raw)
    async with db.transaction() as tx:
        received = await receive_inbound(tx, inbound)
    return received.conversation_id


def reply(inbox: InboxRef, conversation_id: str, body: str = "Yes, we have it in M.") -> Outbound:
    return Outbound(
        workspace_id=inbox.workspace_id,
        channel="sms",
        source_id=CUSTOMER,
        conversation_id=conversation_id,
        message={"id": "msg-1", "body": body},
        delivery_id="01JDELIVERY0000000000000001",
        inbox=inbox,
    )


async def test_a_reply_is_one_message_from_the_inbox_number_reporting_to_its_webhook(
    db: Database, api: TwilioApi
) -> None:
    inbox = await an_inbox(db, api.url)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    sent = await SmsAdapter(db, ORIGIN + "/").send(reply(inbox, conversation_id))
    assert sent.provider_message_id == SENT_SID  # what the status callbacks name
    (call,) = api.calls
    assert (call["method"], call["path"]) == (
        "POST",
        f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
    )
    assert call["form"] == {
        "To": CUSTOMER,
        "From": NUMBER,
        "Body": "Yes, we have it in M.",
        "StatusCallback": f"{ORIGIN}/v1/channels/sms/{inbox.id}/webhook",
    }
    assert call["headers"]["authorization"] == BASIC
    assert call["headers"]["content-type"] == "application/x-www-form-urlencoded"
    # Twilio's Messages API documents no idempotency key (docs/sms.md): none is made up.
    assert not any("idempotency" in name for name in call["headers"])


async def test_stop_refuses_replies_before_any_call_until_start(
    db: Database, api: TwilioApi
) -> None:
    inbox = await an_inbox(db, api.url)
    adapter = SmsAdapter(db, ORIGIN)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    await customer_texted(db, inbox, "stop.txt")  # "Stop": any case
    with pytest.raises(DeliveryFailed) as failed:
        await adapter.send(reply(inbox, conversation_id))
    assert failed.value.permanent and failed.value.reason == OPTED_OUT
    assert api.calls == []
    # Another number, or the same number on another inbox, is not opted out.
    other = await an_inbox(db, api.url, inbox.workspace_id)
    await adapter.send(reply(other, conversation_id))
    await customer_texted(db, inbox, "start.txt")
    await adapter.send(reply(inbox, conversation_id))
    assert len(api.calls) == 2


async def test_twilios_own_opt_out_list_fails_the_same_way(db: Database, api: TwilioApi) -> None:
    inbox = await an_inbox(db, api.url)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    api.fail = (400, fixture("error_unsubscribed.json"))
    with pytest.raises(DeliveryFailed) as failed:
        await SmsAdapter(db, ORIGIN).send(reply(inbox, conversation_id))
    assert failed.value.permanent and failed.value.reason == OPTED_OUT


@pytest.mark.parametrize(
    ("status", "error", "permanent", "reason"),
    [
        (
            400,
            "error_invalid_to.json",
            True,
            "(400, error 21211): The 'To' number +1401712266 is not a valid phone number.",
        ),
        (401, "error_authenticate.json", True, "(401, error 20003): Authenticate"),
        (429, "error_too_many_requests.json", False, "(429, error 20429): Too Many Requests"),
        (503, None, False, "(503): no message"),
    ],
)
async def test_twilios_errors_fail_for_good_or_are_retried(
    db: Database,
    api: TwilioApi,
    status: int,
    error: str | None,
    permanent: bool,
    reason: str,
) -> None:
    inbox = await an_inbox(db, api.url)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    api.fail = (status, fixture(error) if error else "upstream unavailable")
    with pytest.raises(DeliveryFailed) as failed:
        await SmsAdapter(db, ORIGIN).send(reply(inbox, conversation_id))
    assert failed.value.permanent is permanent
    assert failed.value.reason == f"Twilio refused {reason}"


async def test_a_call_that_does_not_answer_in_time_is_retried(db: Database, api: TwilioApi) -> None:
    inbox = await an_inbox(db, api.url)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    api.hold.set()
    with pytest.raises(DeliveryFailed, match="did not answer in time") as failed:
        await SmsAdapter(db, ORIGIN, timeout=0.3).send(reply(inbox, conversation_id))
    assert not failed.value.permanent and len(api.calls) == 1


async def test_a_reply_twilio_would_not_take_fails_for_good_before_any_call(
    db: Database, api: TwilioApi
) -> None:
    inbox = await an_inbox(db, api.url)
    conversation_id = await customer_texted(db, inbox, "text.txt")
    adapter = SmsAdapter(db, ORIGIN)
    with pytest.raises(DeliveryFailed, match=r"1600 characters .* \(1601\)") as failed:
        await adapter.send(reply(inbox, conversation_id, "x" * 1601))
    assert failed.value.permanent
    with pytest.raises(DeliveryFailed, match="empty") as failed:
        await adapter.send(reply(inbox, conversation_id, "  "))
    assert failed.value.permanent and api.calls == []
    await adapter.send(reply(inbox, conversation_id, "x" * 1600))  # Twilio segments it
    assert len(api.calls[0]["form"]["Body"]) == 1600


async def test_test_connection_names_the_account_or_says_why_not(
    db: Database, api: TwilioApi
) -> None:
    inbox = InboxRef("inbox-1", "ws-1", "sms", config(api.url), "unused-by-twilio")
    adapter = SmsAdapter(db, ORIGIN)
    assert await adapter.check_connection(inbox) == "Lucky Shrub (active)"
    (call,) = api.calls
    assert (call["method"], call["path"]) == ("GET", f"/2010-04-01/Accounts/{ACCOUNT_SID}.json")
    assert call["headers"]["authorization"] == BASIC
    wrong = InboxRef("inbox-1", "ws-1", "sms", {**config(api.url), "auth_token": "x"}, "")
    with pytest.raises(DeliveryFailed, match="Authenticate") as failed:
        await adapter.check_connection(wrong)
    assert failed.value.permanent
