"""The connectors alone: what Twilio's form parameters and the PBX's JSON become, what each
answers in its own terms, the generic signature and its window, and masked numbers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from hovor.channels.base import InboxRef, RawInbound
from hovor.channels.voice.telephony import signing
from hovor.channels.voice.telephony.calls import mask
from hovor.channels.voice.telephony.connector import CallReply
from hovor.channels.voice.telephony.pbx import PbxAdapter
from hovor.channels.voice.telephony.twilio_voice import TwilioVoiceAdapter
from hovor.core import clock
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Forbidden, InvalidInput
from hovor.db.transaction import Database
from tests.channels.voice.telephony.twilio_network import NUMBER, config

DB = Database("sqlite+aiosqlite:///:memory:", Dispatcher())  # parsing never touches it
ORIGIN = "https://hovor.example.cz"
TWILIO = InboxRef("inbox-1", "ws-1", "twilio_voice", config("http://127.0.0.1:9"), "unused")


def twilio_call(params: dict[str, str], query: dict[str, str] | None = None) -> RawInbound:
    return RawInbound(
        payload=None,
        headers={"content-type": "application/x-www-form-urlencoded"},
        inbox=TWILIO,
        body=urlencode(params).encode(),
        query=query or {},
    )


@pytest.fixture
def twilio() -> TwilioVoiceAdapter:
    return TwilioVoiceAdapter(DB, ORIGIN)


def test_twilio_statuses_legs_and_voicemail(twilio: TwilioVoiceAdapter) -> None:
    base = {"CallSid": "CA" + "1" * 32, "From": NUMBER, "To": "+420777123456"}
    event = twilio.call_event(
        twilio_call(
            {
                **base,
                "CallStatus": "in-progress",
                "ParentCallSid": "CA" + "2" * 32,
                "AnsweredBy": "machine_end_beep",
            },
            {"leg": "customer", "call": "01HCALL"},
        )
    )
    assert (event.status, event.leg, event.machine, event.hovor_call_id) == (
        "answered",
        "customer",
        True,
        "01HCALL",
    )
    assert event.provider_call_id == "CA" + "2" * 32  # the parent: the call Hovor started
    ended = twilio.call_event(
        twilio_call({**base, "CallStatus": "no-answer"}, {"leg": "customer", "call": "x"})
    )
    assert (ended.status, ended.ended_as) == ("ended", "no_answer")
    inbound = twilio.call_event(
        twilio_call({**base, "CallStatus": "ringing", "Direction": "inbound"})
    )
    assert (inbound.leg, inbound.direction, inbound.status) == ("caller", "inbound", "ringing")
    for bad, loc in (
        ({**base, "CallStatus": "ringin"}, ["body", "CallStatus"]),
        ({**base, "CallSid": "CA-1", "CallStatus": "ringing"}, ["body", "CallSid"]),
        ({**base, "CallStatus": "completed", "CallDuration": "ten"}, ["body", "CallDuration"]),
    ):
        with pytest.raises(InvalidInput) as refused:
            twilio.call_event(twilio_call(bad))
        assert refused.value.errors[0]["loc"] == loc
    with pytest.raises(InvalidInput):
        twilio.call_event(twilio_call({**base, "CallStatus": "ringing"}, {"leg": "boss"}))


def test_twilio_answers_in_twiml(twilio: TwilioVoiceAdapter) -> None:
    raw = twilio_call({})
    body, media = twilio.reply(
        TWILIO, raw, CallReply("hold", hovor_call_id="c1", waited=3, say="Moment")
    )
    assert media == "application/xml"
    held = ET.fromstring(body)
    assert [e.tag for e in held] == ["Say", "Pause", "Redirect"]
    assert "leg=wait" in (held.findtext("Redirect") or "") and "n=3" in (
        held.findtext("Redirect") or ""
    )
    recording = InboxRef("inbox-1", "ws-1", "twilio_voice", {**TWILIO.config, "record": "yes"}, "")
    body, _ = twilio.reply(
        recording, raw, CallReply("connect", number="+420777123456", hovor_call_id="c1")
    )
    dial = ET.fromstring(body).find("Dial")
    assert dial is not None and dial.attrib["record"] == "record-from-answer-dual"
    number = dial.find("Number")
    assert number is not None and number.attrib["machineDetection"] == "Enable"
    assert number.attrib["statusCallback"].startswith(
        f"{ORIGIN}/v1/channels/twilio_voice/inbox-1/webhook?"
    )
    assert (
        ET.fromstring(twilio.reply(TWILIO, raw, CallReply("reject"))[0]).find("Reject") is not None
    )


def test_twilio_settings_are_checked(twilio: TwilioVoiceAdapter) -> None:
    checked = twilio.check_config(
        {**TWILIO.config, "phone_number": "+420 228 880 100", "record": "YES"}
    )
    assert (checked["phone_number"], checked["record"], checked["mask_numbers"]) == (
        NUMBER,
        "yes",
        "no",
    )
    for field, value in (("account_sid", "SK1"), ("phone_number", "12"), ("record", "maybe")):
        with pytest.raises(InvalidInput) as refused:
            twilio.check_config({**TWILIO.config, field: value})
        assert refused.value.errors[0]["loc"] == ["body", "config", field]


PBX = InboxRef("inbox-2", "ws-1", "pbx", {"phone_number": "+420228880200"}, "s3cret")


def pbx_call(event: dict[str, object], secret: str = "s3cret", **sign: int) -> RawInbound:
    body = json.dumps(event).encode()
    headers = {k.lower(): v for k, v in signing.signed_headers(secret, body, **sign).items()}
    return RawInbound(payload=None, headers=headers, inbox=PBX, body=body)


def test_the_generic_signature_and_its_window() -> None:
    adapter = PbxAdapter(DB)
    event = {
        "event": "call.ringing",
        "call_id": "1.2",
        "direction": "inbound",
        "from": "+420777123456",
        "to": "+420228880200",
    }
    frozen = clock.ManualClock(datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    previous = clock.set_clock(frozen)
    try:
        now = int(frozen.now().timestamp())
        adapter.verify(pbx_call(event))
        adapter.verify(pbx_call(event, timestamp=now - 299))
        for raw in (
            pbx_call(event, timestamp=now - 301),  # a replay after the window
            pbx_call(event, timestamp=now + 301),
            pbx_call(event, secret="other"),
            RawInbound(payload=None, headers={}, inbox=PBX, body=b"{}"),
        ):
            with pytest.raises(Forbidden):
                adapter.verify(raw)
        tampered = pbx_call(event)
        with pytest.raises(Forbidden):
            adapter.verify(RawInbound(None, tampered.headers, inbox=PBX, body=tampered.body + b" "))
    finally:
        clock.set_clock(previous)


def test_the_generic_events_and_answers() -> None:
    adapter = PbxAdapter(DB)
    ended = adapter.call_event(
        pbx_call(
            {
                "event": "call.ended",
                "call_id": "9",
                "direction": "outbound",
                "hovor_call_id": "01H",
                "status": "busy",
                "duration": 0,
                "answered_by": "machine",
                "to": "+420 777 123 456",
            }
        )
    )
    assert (ended.status, ended.ended_as, ended.leg, ended.machine, ended.to_number) == (
        "ended",
        "busy",
        "customer",
        True,
        "+420777123456",
    )
    for event, loc in (
        ({"event": "call.ended", "call_id": "9", "direction": "outbound"}, ["body", "status"]),
        ({"event": "call.rang", "call_id": "9", "direction": "inbound"}, ["body", "event"]),
        (
            {"event": "call.ringing", "call_id": "9", "direction": "inbound", "from": "12"},
            ["body", "from"],
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            adapter.call_event(pbx_call(event))
        assert refused.value.errors[0]["loc"] == loc
    body, media = adapter.reply(
        PBX, pbx_call({}), CallReply("connect", number="+420601", hovor_call_id="c")
    )
    assert media == "application/json"
    assert json.loads(body) == {
        "action": "connect",
        "number": "+420601",
        "hovor_call_id": "c",
        "waited": 0,
        "say": None,
    }


def test_numbers_are_masked_to_the_country_and_last_digits() -> None:
    assert mask("+420777123456") == "+420 *** *** 456"
    assert mask("+4201") == "***"
