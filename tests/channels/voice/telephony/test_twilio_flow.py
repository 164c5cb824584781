"""Calls over a real server (both databases) with a stand-in Twilio playing the phones:
an inbound call pops the caller's profile, is put through to the agent who takes it, and
lands on the timeline; a missed one becomes a callback; the callback's click to call rings
the agent then the customer, no answer retries, answered completes it; forged or foreign
calls change nothing."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.channels.voice.telephony.twilio_network import (
    NUMBER,
    TwilioVoice,
    call_sid,
    config,
    twilio_voice,
)
from tests.support.clients import Desktop, receive
from tests.support.server import ADMIN, ALICE, ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage

AGENT_PHONE = "+420 601 111 222"


def a_caller() -> str:
    """A Czech mobile number no other test gives (the PostgreSQL database is shared)."""
    return f"+42077{random.randrange(10**6, 10**7)}"


@pytest.fixture(scope="module")
def network() -> Iterator[TwilioVoice]:
    with twilio_voice() as api:
        yield api


@pytest.fixture
async def desks(server: ServerProcess) -> AsyncIterator[tuple[Desktop, Desktop]]:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    yield admin, alice
    await admin.close()
    await alice.close()


async def twilio_inbox(admin: Desktop, network: TwilioVoice, **extra: str) -> dict[str, Any]:
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={
            "kind": "twilio_voice",
            "name": "Hlavní linka",
            "config": config(network.url, **extra),
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def call_frame(ws: websockets.ClientConnection, **expected: Any) -> dict[str, Any]:
    """The next ``call.updated`` whose call has these values (earlier ones skipped)."""
    while True:
        call = (await receive(ws, "call.updated"))["call"]
        if all(call[k] == v for k, v in expected.items()):
            return dict(call)


async def notes(desk: Desktop, conversation_id: str) -> list[str]:
    r = await desk.http.get(f"/v1/conversations/{conversation_id}/messages")
    return [m["body"] for m in r.json()["items"]]


async def callback_after(desk: Desktop, conversation_id: str) -> dict[str, Any]:
    """The callback a missed call scheduled (its note names the callback's conversation)."""
    (note,) = [n for n in await notes(desk, conversation_id) if "Missed call" in n]
    callback_conversation = note.rsplit("conversation ", 1)[1].rstrip(").")
    r = await desk.http.get("/v1/callbacks", params={"conversation_id": callback_conversation})
    (callback,) = r.json()["items"]
    return dict(callback)


async def missed_call(
    admin: Desktop, alice: Desktop, network: TwilioVoice, ws: websockets.ClientConnection
) -> tuple[str, dict[str, Any]]:
    """A call nobody took: the caller hangs up on hold. The caller and their callback."""
    inbox = await twilio_inbox(admin, network)
    caller, sid = a_caller(), call_sid()
    held = await network.incoming(inbox["webhook_url"], caller, sid)
    assert held.find("Redirect") is not None
    ringing = await call_frame(ws, from_number=caller)
    r = await network.caller_hangs_up(inbox["webhook_url"], caller, sid, 20)
    assert r.status_code == 200, r.text
    ended = await call_frame(ws, id=ringing["id"], status="ended")
    assert ended["outcome"] == "missed" and ended["duration_seconds"] == 0
    callback = await callback_after(alice, ended["conversation_id"])
    assert (callback["phone"], callback["status"]) == (caller, "pending")
    closed = (await alice.http.get(f"/v1/conversations/{ended['conversation_id']}")).json()
    assert closed["status"] == "closed"  # the missed call's own conversation; its task ends
    return caller, callback


async def test_an_inbound_call_pops_the_profile_and_is_put_through_to_the_agent_who_takes_it(
    server: ServerProcess, desks: tuple[Desktop, Desktop], network: TwilioVoice
) -> None:
    admin, alice = desks
    r = await alice.change("PUT", "/v1/me/phone", json={"phone": "601 111"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "phone"]
    r = await alice.change("PUT", "/v1/me/phone", json={"phone": AGENT_PHONE})
    assert r.json() == {"phone": "+420601111222"}
    inbox = await twilio_inbox(admin, network)
    caller, sid = a_caller(), call_sid()
    async with await alice.socket() as ws:
        held = await network.incoming(inbox["webhook_url"], caller, sid)
        assert [e.tag for e in held] == ["Say", "Pause", "Redirect"]
        assert held.find("Say").attrib["language"] == "cs-CZ"  # type: ignore[union-attr]

        # The desktop hears of the call at once: the caller's profile to pop.
        ringing = await call_frame(ws, from_number=caller)
        assert (ringing["direction"], ringing["status"], ringing["to_number"]) == (
            "inbound",
            "ringing",
            NUMBER,
        )
        contact = (await alice.http.get(f"/v1/contacts/{ringing['contact_id']}")).json()
        assert {"kind": "phone", "value": caller} in [
            {"kind": i["kind"], "value": i["value"]} for i in contact["identities"]
        ]
        conversation_id = ringing["conversation_id"]
        conversation = (await alice.http.get(f"/v1/conversations/{conversation_id}")).json()
        assert conversation["channel"] == "twilio_voice" and conversation["status"] == "open"

        # Alice takes it: the next poll of the held caller dials her phone.
        r = await alice.change(
            "POST",
            f"/v1/conversations/{conversation_id}/assign",
            json={"user_id": alice.user["id"]},
        )
        assert r.status_code == 200, r.text
        redirect = held.find("Redirect")
        assert redirect is not None
        put_through = await network.follow(redirect, caller, sid)
        dial = put_through.find("Dial")
        assert dial is not None and dial.findtext("Number") == "+420601111222"
        assert dial.attrib["callerId"] == NUMBER
        child = call_sid()
        r = await network.dialled_leg(dial, sid, child, "in-progress")
        assert r.status_code == 200, r.text
        answered = await call_frame(ws, id=ringing["id"], status="answered")
        assert answered["agent_id"] == alice.user["id"]

        r = await network.caller_hangs_up(inbox["webhook_url"], caller, sid, 42)
        ended = await call_frame(ws, id=ringing["id"], status="ended")
    assert (ended["outcome"], ended["duration_seconds"]) == ("reached", 42)
    assert f"Incoming call from {caller}." in await notes(alice, conversation_id)
    timeline = (await alice.http.get(f"/v1/contacts/{ringing['contact_id']}/timeline")).json()
    (entry,) = [e for e in timeline["items"] if e["kind"] == "call"]
    assert entry["data"]["outcome"] == "reached" and entry["data"]["duration_seconds"] == 42
    # A repeated report (Twilio retries) changes nothing.
    r = await network.caller_hangs_up(inbox["webhook_url"], caller, sid, 99)
    calls = (await alice.http.get(f"/v1/conversations/{conversation_id}/calls")).json()["items"]
    assert [(c["status"], c["duration_seconds"]) for c in calls] == [("ended", 42)]


async def test_a_missed_call_becomes_a_callback_whose_click_to_call_retries_then_completes(
    server: ServerProcess, desks: tuple[Desktop, Desktop], network: TwilioVoice
) -> None:
    admin, alice = desks
    await alice.change("PUT", "/v1/me/phone", json={"phone": AGENT_PHONE})
    async with await alice.socket() as ws:
        caller, callback = await missed_call(admin, alice, network, ws)
        conversation_id = callback["conversation_id"]
        path = f"/v1/conversations/{conversation_id}/calls"

        # Only the customer's own numbers are dialled.
        r = await alice.change("POST", path, json={"phone": "+420 777 000 111"})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "phone"]

        first = await click_to_call(alice, network, path, caller)
        r = await alice.change("POST", path, json={})
        assert r.status_code == 409  # one call at a time
        dial = await network.agent_picks_up(network.created[-1])
        number = dial.find("Dial/Number")
        assert number is not None and number.text == caller
        assert number.attrib["machineDetection"] == "Enable"
        parent, child = network.created[-1]["sid"], call_sid()
        await network.dialled_leg(dial.find("Dial"), parent, child, "ringing")  # type: ignore[arg-type]
        await call_frame(ws, id=first["id"], status="ringing")
        await network.dialled_leg(dial.find("Dial"), parent, child, "no-answer")  # type: ignore[arg-type]
        ended = await call_frame(ws, id=first["id"], status="ended")
        assert ended["outcome"] == "no_answer"

        # No answer is the callback's outcome: retried later, as an agent's would be.
        async def retried() -> dict[str, Any] | None:
            r = await alice.http.get("/v1/callbacks", params={"conversation_id": conversation_id})
            (cb,) = r.json()["items"]
            return dict(cb) if cb["attempts"] == 1 else None

        cb = await eventually("the callback retried", retried)
        assert (cb["status"], cb["last_outcome"]) == ("pending", "no_answer")

        second = await click_to_call(alice, network, path, caller)
        dial = await network.agent_picks_up(network.created[-1])
        parent, child = network.created[-1]["sid"], call_sid()
        await network.dialled_leg(dial.find("Dial"), parent, child, "in-progress")  # type: ignore[arg-type]
        await call_frame(ws, id=second["id"], status="answered")
        await network.dialled_leg(
            dial.find("Dial"),  # type: ignore[arg-type]
            parent,
            child,
            "completed",
            CallDuration="65",
        )
        ended = await call_frame(ws, id=second["id"], status="ended")
    assert (ended["outcome"], ended["duration_seconds"]) == ("reached", 65)
    r = await alice.http.get("/v1/callbacks", params={"conversation_id": conversation_id})
    (cb,) = r.json()["items"]
    assert (cb["status"], cb["attempts"], cb["last_outcome"]) == ("done", 2, "reached")
    closed = (await alice.http.get(f"/v1/conversations/{conversation_id}")).json()
    assert closed["status"] == "closed"
    timeline = (await alice.http.get(f"/v1/contacts/{ended['contact_id']}/timeline")).json()
    outcomes = sorted(e["data"]["outcome"] for e in timeline["items"] if e["kind"] == "call")
    assert outcomes == ["missed", "no_answer", "reached"]


async def click_to_call(
    alice: Desktop, network: TwilioVoice, path: str, caller: str
) -> dict[str, Any]:
    before = len(network.created)
    r = await alice.change("POST", path, json={})
    assert r.status_code == 201, r.text
    call = dict(r.json())
    assert (call["direction"], call["to_number"], call["from_number"]) == (
        "outbound",
        caller,
        NUMBER,
    )
    assert len(network.created) == before + 1
    created = network.created[-1]
    assert (created["To"], created["From"]) == ("+420601111222", NUMBER)  # the agent first
    assert f"call={call['id']}" in created["Url"] and "leg=bridge" in created["Url"]
    assert "leg=agent" in created["StatusCallback"]
    return call


async def test_forged_or_foreign_calls_change_nothing(
    server: ServerProcess, desks: tuple[Desktop, Desktop], network: TwilioVoice
) -> None:
    admin, _ = desks
    inbox = await twilio_inbox(admin, network)
    caller, sid = a_caller(), call_sid()
    form = {"CallSid": sid, "CallStatus": "ringing", "Direction": "inbound", "From": caller}
    async with httpx.AsyncClient() as http:
        r = await http.post(
            inbox["webhook_url"], data={**form, "To": NUMBER}, headers={"X-Twilio-Signature": "x"}
        )
    assert r.status_code == 403
    # Signed, but to a number this inbox does not answer (another workspace's, say).
    r = await network.post(inbox["webhook_url"], {**form, "To": "+420228880199"})
    assert r.status_code == 403
    r = await network.post(inbox["webhook_url"], {**form, "To": NUMBER, "CallStatus": "ringin"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "CallStatus"]
    r = await admin.http.get("/v1/contacts", params={"q": caller})
    assert r.json()["items"] == []  # nobody was created


async def test_a_workspace_can_mask_numbers_for_agents(
    server: ServerProcess, desks: tuple[Desktop, Desktop], network: TwilioVoice
) -> None:
    admin, alice = desks
    inbox = await twilio_inbox(admin, network, mask_numbers="yes")
    caller, sid = a_caller(), call_sid()
    try:
        async with await alice.socket() as ws:
            await network.incoming(inbox["webhook_url"], caller, sid)
            masked = f"{caller[:4]} *** *** {caller[-3:]}"
            ringing = await call_frame(ws, from_number=masked)  # the frames reach every role
        path = f"/v1/conversations/{ringing['conversation_id']}/calls"
        (as_agent,) = (await alice.http.get(path)).json()["items"]
        (as_admin,) = (await admin.http.get(path)).json()["items"]
        assert (as_agent["from_number"], as_admin["from_number"]) == (masked, caller)
        assert as_agent["to_number"] == f"{NUMBER[:4]} *** *** {NUMBER[-3:]}"
    finally:
        await network.caller_hangs_up(inbox["webhook_url"], caller, sid, 0)
        r = await admin.change("DELETE", f"/v1/inboxes/{inbox['id']}")
        assert r.status_code == 204, r.text


async def test_when_the_agents_own_phone_does_not_answer_the_callback_is_untouched(
    server: ServerProcess, desks: tuple[Desktop, Desktop], network: TwilioVoice
) -> None:
    admin, alice = desks
    await alice.change("PUT", "/v1/me/phone", json={"phone": AGENT_PHONE})
    async with await alice.socket() as ws:
        caller, callback = await missed_call(admin, alice, network, ws)
        path = f"/v1/conversations/{callback['conversation_id']}/calls"
        call = await click_to_call(alice, network, path, caller)
        await network.agent_leg(network.created[-1], "ringing")
        await network.agent_leg(network.created[-1], "no-answer")
        ended = await call_frame(ws, id=call["id"], status="ended")
    assert ended["outcome"] == "agent_unreachable"
    r = await alice.http.get(
        "/v1/callbacks", params={"conversation_id": callback["conversation_id"]}
    )
    (untouched,) = r.json()["items"]
    assert (untouched["status"], untouched["attempts"]) == ("pending", 0)
