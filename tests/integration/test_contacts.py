"""Contacts over a real server: identify (signed, forged), orders on the timeline, merges,
another workspace's contacts out of reach."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, DEMO_SITE_KEY, ServerProcess

pytestmark = pytest.mark.storage


def sign(secret: str, external_id: str) -> str:
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


async def identity_secret(admin: Desktop) -> str:
    keys = (await admin.http.get("/v1/site-keys")).json()
    site = next(k for k in keys if k["key"] == DEMO_SITE_KEY)
    r = await admin.http.get(f"/v1/site-keys/{site['id']}/identity-secret")
    assert r.status_code == 200, r.text
    return str(r.json()["secret"])


async def identify_http(server: ServerProcess, visitor: Visitor, body: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        return await http.post(
            "/v1/widget/identify",
            json=body,
            headers={"authorization": f"Bearer {visitor.token}", "origin": visitor.origin},
        )


async def contact_of(admin: Desktop, needle: str) -> dict[str, Any]:
    found = (await admin.http.get("/v1/contacts", params={"q": needle})).json()
    assert found["total"] == 1, found
    return dict(found["items"][0])


async def test_identify_orders_timeline_and_merges(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        secret = await identity_secret(admin)
        customer = f"cust-{client_id()[:8]}"

        # On the laptop: a chat, then the shop page identifies the signed-in customer.
        laptop = await Visitor(server).start()
        async with await laptop.connect() as ws:
            await receive(ws, "hello")
            await send(ws, {"type": "message.send", "client_id": client_id(), "body": "hi"})
            await receive(ws, "message.ack")
            event = {
                "id": client_id(),
                "ts": datetime.now(UTC).isoformat(),
                "type": "identify",
                "props": {
                    "external_id": customer,
                    "signature": sign(secret, customer),
                    "name": "Ann Lee",
                    "email": f"{customer}@example.org",
                },
            }
            await send(ws, {"type": "events", "events": [event]})
            assert (await receive(ws, "events.ack"))["accepted"] == [event["id"]]
        profile = await contact_of(admin, customer)

        # On the phone, the same customer: the HTTP identify joins the same profile.
        phone = await Visitor(server).start()
        r = await identify_http(
            server, phone, {"external_id": customer, "signature": sign(secret, customer)}
        )
        assert r.status_code == 200, r.text
        assert r.json() == {"contact_id": profile["id"], "verified": True}

        # A forged call is refused and attaches nothing.
        intruder = await Visitor(server).start()
        forged = await identify_http(
            server, intruder, {"external_id": customer, "signature": sign("guess", customer)}
        )
        assert forged.status_code == 403
        assert forged.json()["detail"] == "invalid identity signature"
        bad_phone = await identify_http(
            server,
            intruder,
            {"external_id": customer, "signature": sign(secret, customer), "phone": "+44 1"},
        )
        assert bad_phone.status_code == 422
        assert [e["loc"] for e in bad_phone.json()["errors"]] == [["phone"]]
        # Through the tracker, a forged identify is kept as an unverified claim only.
        async with await intruder.connect() as ws:
            await receive(ws, "hello")
            event = {
                "id": client_id(),
                "ts": datetime.now(UTC).isoformat(),
                "type": "identify",
                "props": {"external_id": customer, "signature": "00" * 32},
            }
            await send(ws, {"type": "events", "events": [event]})
            await receive(ws, "events.ack")

        detail = (await admin.http.get(f"/v1/contacts/{profile['id']}")).json()
        assert detail["name"] == "Ann Lee" and detail["email"] == f"{customer}@example.org"
        visitors = {i["value"] for i in detail["identities"] if i["kind"] == "visitor"}
        assert visitors == {laptop.visitor_id, phone.visitor_id}
        assert {"kind": "external_id", "value": customer, "verified": True}.items() <= next(
            i for i in detail["identities"] if i["kind"] == "external_id"
        ).items()

        # The shop's back-end reports an order with an API token.
        made = await admin.change("POST", "/v1/api-tokens", json={"name": "shop back-end"})
        token = made.json()["token"]
        order = {
            "external_id": f"order-{customer}",
            "contact": {"external_id": customer},
            "total": "129.00",
            "currency": "EUR",
            "items": [{"sku": "tv-55", "name": "TV 55", "quantity": 1, "price": "129.00"}],
            "placed_at": datetime.now(UTC).isoformat(),
        }
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"authorization": f"Bearer {token}"}
        ) as shop:
            created = await shop.post("/v1/orders", json=order)
            assert created.status_code == 201, created.text
            assert created.json()["contact_id"] == profile["id"]
            again = await shop.post("/v1/orders", json=order)
            assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
            changed = await shop.post("/v1/orders", json={**order, "total": "1.00"})
            assert changed.status_code == 409
            bad = await shop.post("/v1/orders", json={**order, "currency": "EURO"})
            assert bad.status_code == 422

        page = (await admin.http.get(f"/v1/contacts/{profile['id']}/timeline")).json()
        kinds = [e["kind"] for e in page["items"]]
        assert kinds.count("order.placed") == 1 and "contact.identified" in kinds
        assert "conversation.started" in kinds
        only_orders = await admin.http.get(
            f"/v1/contacts/{profile['id']}/timeline", params={"kinds": "order.placed"}
        )
        assert [e["summary"] for e in only_orders.json()["items"]] == [
            f"Order order-{customer}: 129.00 EUR, 1 items"
        ]
        orders = (await admin.http.get(f"/v1/contacts/{profile['id']}/orders")).json()
        assert [o["external_id"] for o in orders] == [f"order-{customer}"]

        # The intruder's anonymous contact: merged by an agent, then the merge undone.
        intruder_contact = (
            await admin.http.get("/v1/contacts", params={"q": intruder.visitor_id[-4:]})
        ).json()["items"]
        source = next(c for c in intruder_contact if c["id"] != profile["id"])  # "Visitor XXXX"
        merged = await admin.change(
            "POST", f"/v1/contacts/{profile['id']}/merge", json={"source_id": source["id"]}
        )
        assert merged.status_code == 200, merged.text
        assert merged.json()["actor"] == f"user:{admin.user['id']}"
        undone = await admin.change("POST", f"/v1/contact-merges/{merged.json()['id']}/undo")
        assert undone.status_code == 200 and undone.json()["undone_at"]
        after = (await admin.http.get(f"/v1/contacts/{source['id']}")).json()
        assert after["merged_into_id"] is None and after["claims"]["external_id"] == customer

        # Another workspace sees none of it.
        other = await other_admin(server)
        try:
            assert (await other.http.get(f"/v1/contacts/{profile['id']}")).status_code == 404
            timeline = await other.http.get(f"/v1/contacts/{profile['id']}/timeline")
            assert timeline.status_code == 404
            r = await other.change(
                "POST", f"/v1/contacts/{profile['id']}/merge", json={"source_id": source["id"]}
            )
            assert r.status_code == 404
            undo = await other.change("POST", f"/v1/contact-merges/{merged.json()['id']}/undo")
            assert undo.status_code == 404
            assert (await other.http.get("/v1/contacts", params={"q": customer})).json()[
                "total"
            ] == 0
        finally:
            await other.close()
    finally:
        await admin.close()


async def other_admin(server: ServerProcess) -> Desktop:
    env = {**server.env, "HOVOR_NEW_PASSWORD": "other-workspace-pass"}
    email = f"{client_id()[:8]}@other.example.org"
    await asyncio.to_thread(
        subprocess.run,
        [
            *(sys.executable, "-m", "hovor.cli", "create-user", email),
            *("--workspace", "Other Co", "--role", "admin"),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return await Desktop(server).login(email, "other-workspace-pass")
