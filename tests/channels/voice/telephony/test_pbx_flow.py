"""The generic PBX connector over a real server (both databases): signed JSON events in and
out, refused when unsigned, forged or outside the timestamp window, a replay changes nothing,
and the same flows as Twilio's (inbound held, missed → callback, click to call → reached)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from hovor.channels.voice.telephony.signing import signature, signed_headers
from tests.channels.voice.telephony.test_twilio_flow import (
    a_caller,
    call_frame,
    callback_after,
    desks,
)
from tests.support.clients import Desktop
from tests.support.server import ServerProcess
from tests.support.stand_in import StandIn, stand_in

pytestmark = pytest.mark.storage
__all__ = ["desks"]  # the fixture, shared with the Twilio flow

NUMBER = "+420228880200"


@pytest.fixture(scope="module")
def pbx() -> Iterator[StandIn]:
    """The PBX's originate endpoint: answers each click to call with a call id of its own."""

    def answer(call: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"call_id": f"pbx-{len(call['json'] or {})}-{time.monotonic_ns()}"}

    with stand_in(answer) as server:
        yield server


@pytest.fixture
async def inbox(desks: tuple[Desktop, Desktop], pbx: StandIn) -> AsyncIterator[dict[str, Any]]:
    admin, _ = desks
    r = await admin.change(
        "POST",
        "/v1/inboxes",
        json={
            "kind": "pbx",
            "name": "Ústředna",
            "config": {"phone_number": "+420 228 880 200", "originate_url": pbx.origin + "/o"},
        },
    )
    assert r.status_code == 201, r.text
    yield dict(r.json())


async def post(inbox: dict[str, Any], event: dict[str, Any], **sign: Any) -> httpx.Response:
    body = json.dumps(event).encode()
    headers = signed_headers(inbox["webhook_secret"], body, **sign)
    async with httpx.AsyncClient() as http:
        return await http.post(inbox["webhook_url"], content=body, headers=headers)


def ringing(caller: str, call_id: str) -> dict[str, Any]:
    return {
        "event": "call.ringing",
        "call_id": call_id,
        "direction": "inbound",
        "from": caller,
        "to": NUMBER,
    }


async def test_unsigned_forged_or_stale_events_are_refused_and_change_nothing(
    server: ServerProcess, desks: tuple[Desktop, Desktop], inbox: dict[str, Any]
) -> None:
    admin, _ = desks
    caller = a_caller()
    body = json.dumps(ringing(caller, "pbx-forged")).encode()
    async with httpx.AsyncClient() as http:
        r = await http.post(inbox["webhook_url"], content=body)
        assert r.status_code == 403
        forged = signed_headers("not-the-secret", body)
        assert (
            await http.post(inbox["webhook_url"], content=body, headers=forged)
        ).status_code == 403
    stale = int(time.time()) - 600
    assert (await post(inbox, ringing(caller, "pbx-stale"), timestamp=stale)).status_code == 403
    r = await post(inbox, {**ringing(caller, "pbx-x"), "to": "+420228880999"})
    assert r.status_code == 403  # not this inbox's number
    r = await post(inbox, {**ringing(caller, "pbx-x"), "event": "call.rang"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "event"]
    r = await admin.http.get("/v1/contacts", params={"q": caller})
    assert r.json()["items"] == []


async def test_a_missed_pbx_call_is_called_back_and_answered(
    server: ServerProcess, desks: tuple[Desktop, Desktop], inbox: dict[str, Any], pbx: StandIn
) -> None:
    _, alice = desks
    await alice.change("PUT", "/v1/me/phone", json={"phone": "+420 601 222 333"})
    caller, call_id = a_caller(), f"pbx-in-{time.monotonic_ns()}"
    async with await alice.socket() as ws:
        r = await post(inbox, ringing(caller, call_id))
        assert r.status_code == 200, r.text
        held = r.json()
        assert held["action"] == "hold" and held["say"]
        first = await call_frame(ws, from_number=caller, status="ringing")
        # Replayed within the window: the same call, nothing new.
        assert (await post(inbox, ringing(caller, call_id))).json()["action"] == "ok"
        waiting = {**ringing(caller, call_id), "event": "call.waiting", "waited": 12}
        r = await post(inbox, waiting)
        assert r.json()["action"] == "hangup"
        missed = await call_frame(ws, id=first["id"], status="ended")
        assert missed["outcome"] == "missed"
        calls = await alice.http.get(f"/v1/conversations/{first['conversation_id']}/calls")
        assert len(calls.json()["items"]) == 1

        pending = await callback_after(alice, first["conversation_id"])
        assert (pending["phone"], pending["status"]) == (caller, "pending")
        callback = {"id": pending["conversation_id"]}
        before = len(pbx.calls)
        r = await alice.change("POST", f"/v1/conversations/{callback['id']}/calls", json={})
        assert r.status_code == 201, r.text
        out = r.json()
        (originate,) = pbx.wait_for_calls(before + 1)[before:]
        assert originate["json"] == {
            "hovor_call_id": out["id"],
            "agent": "+420601222333",
            "customer": caller,
            "caller_id": NUMBER,
            "callback_url": inbox["webhook_url"],
        }
        headers = originate["headers"]
        raw = json.dumps(originate["json"]).encode()
        assert headers["x-hovor-signature"] == signature(
            inbox["webhook_secret"], headers["x-hovor-timestamp"], raw
        )
        leg = {
            "call_id": "pbx-out-1",
            "direction": "outbound",
            "hovor_call_id": out["id"],
            "from": NUMBER,
            "to": caller,
        }
        assert (await post(inbox, {**leg, "event": "call.ringing"})).status_code == 200
        await call_frame(ws, id=out["id"], status="ringing")
        await post(inbox, {**leg, "event": "call.answered", "answered_by": "human"})
        await call_frame(ws, id=out["id"], status="answered")
        ended = {**leg, "event": "call.ended", "status": "completed", "duration": 30}
        await post(inbox, ended)
        done = await call_frame(ws, id=out["id"], status="ended")
    assert (done["outcome"], done["duration_seconds"]) == ("reached", 30)
    r = await alice.http.get("/v1/callbacks", params={"conversation_id": callback["id"]})
    assert r.json()["items"][0]["status"] == "done"
    # A replay of the ending changes nothing.
    await post(inbox, {**ended, "duration": 99})
    calls = await alice.http.get(f"/v1/conversations/{callback['id']}/calls")
    assert [c["duration_seconds"] for c in calls.json()["items"]] == [30]
