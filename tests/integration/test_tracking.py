"""Tracker events over the real visitor socket and the beacon endpoint."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from tests.support.clients import Visitor, client_id, receive, send
from tests.support.server import DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage


def event(type_: str = "page.view", **props: object) -> dict[str, object]:
    return {"id": client_id(), "ts": datetime.now(UTC).isoformat(), "type": type_, "props": props}


async def test_events_are_acknowledged_once_stored(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    good = [event(), event("product.view", id="tv", price=2499)]
    bad = event("cart.add", id="tv", price="lots")
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "events", "events": [*good, bad]})
        ack = await receive(ws, "events.ack")
        assert ack["accepted"] == [e["id"] for e in good]
        assert ack["rejected"] == [
            {"id": bad["id"], "code": "invalid_event", "detail": "props.price: must be a number"}
        ]
        await send(ws, {"type": "events", "events": good})  # resent after a lost ack
        assert (await receive(ws, "events.ack"))["accepted"] == [e["id"] for e in good]
        await send(ws, {"type": "events", "events": "nope"})
        assert (await receive(ws, "error"))["code"] == "invalid_frame"
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "still chatting"})
        await receive(ws, "message.ack")


async def test_beacon_stores_events_of_an_unloading_page(server: ServerProcess) -> None:
    visitor = await Visitor(server).start()
    body = {"events": [event("page.view"), event("idle", seconds=30)]}
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post(
            "/v1/track",
            params={"site": DEMO_SITE_KEY, "token": visitor.token},
            content=json.dumps(body),
            headers={"content-type": "text/plain", "origin": server.origin},
        )
        assert r.status_code == 202 and len(r.json()["accepted"]) == 2
        forged = await http.post(
            "/v1/track",
            params={"site": DEMO_SITE_KEY, "token": "forged"},
            content=b'{"events": []}',
            headers={"content-type": "text/plain", "origin": server.origin},
        )
        assert forged.status_code == 401
        broken = await http.post(
            "/v1/track",
            params={"site": DEMO_SITE_KEY, "token": visitor.token},
            content=b"{not json",
            headers={"content-type": "text/plain"},
        )
        assert broken.status_code == 422 and broken.json()["detail"] == "the body is not JSON"
