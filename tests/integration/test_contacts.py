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
from tests.support.server import ADMIN, ALICE, DEMO_SITE_KEY, ServerProcess

SUPPORT = "support@demo.hovor.dev"

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


async def test_the_shop_vouches_for_a_customer_and_their_mail_joins_the_profile(
    server: ServerProcess,
) -> None:
    """PUT /v1/customers/{id} over HTTP: problem+json errors, the automatic merge of the
    mail-only contact, idempotence, the 409 for another customer's address, and isolation."""
    admin = await Desktop(server).login(ADMIN)
    tag = client_id()[:8]
    customer, address = f"cust-{tag}", f"ann.{tag}@example.org"
    try:
        secret = await identity_secret(admin)
        r = await admin.change(
            "PUT", "/v1/channels/email/settings", json={"support_address": SUPPORT}
        )
        assert r.status_code == 200, r.text
        token = (await admin.change("POST", "/v1/api-tokens", json={"name": "shop"})).json()[
            "token"
        ]
        auth = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=auth) as shop:
            raw = (
                f"From: Ann Lee <{address}>\r\nTo: {SUPPORT}\r\n"
                f"Subject: Kettle arrived broken {tag}\r\nMessage-ID: <{tag}@mail.example.org>\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\nThe lid is cracked.\r\n"
            ).encode()
            mailed = await shop.post(
                "/v1/channels/email/inbound",
                content=raw,
                headers={"content-type": "message/rfc822"},
            )
            assert mailed.status_code == 200, mailed.text
            mail_conversation = mailed.json()["conversation_id"]

            missing = await shop.get(f"/v1/customers/{customer}")
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
            assert missing.json()["detail"] == "no such customer"

            bad = await shop.put(
                f"/v1/customers/{customer}", json={"email": "ann@", "phone": "+44 1"}
            )
            assert bad.status_code == 422
            assert bad.headers["content-type"].startswith("application/problem+json")
            assert [e["loc"] for e in bad.json()["errors"]] == [
                ["body", "email"],
                ["body", "phone"],
            ]
            unknown_field = await shop.put(f"/v1/customers/{customer}", json={"emial": address})
            assert unknown_field.status_code == 422

            # The customer signs in on the website (signed identify), then the shop vouches.
            visitor = await Visitor(server).start()
            signed = await identify_http(
                server, visitor, {"external_id": customer, "signature": sign(secret, customer)}
            )
            assert signed.status_code == 200, signed.text
            profile_id = signed.json()["contact_id"]
            body = {"email": address.upper(), "name": "Ann Lee", "phone": "+44 20 7946 0958"}
            vouched = await shop.put(f"/v1/customers/{customer}", json=body)
            assert vouched.status_code == 200, vouched.text
            out = vouched.json()
            assert out["external_id"] == customer and out["contact"]["id"] == profile_id
            assert out["contact"]["name"] == "Ann Lee" and out["contact"]["email"] == address
            assert {
                (i["kind"], i["value"], i["verified"]) for i in out["contact"]["identities"]
            } >= {
                ("external_id", customer, True),
                ("email", address, True),
                ("phone", "+442079460958", True),
            }
            (made,) = out["merges"]
            assert (made["reason"], made["actor"]) == ("customer_api", "system:customer_api")
            assert made["moved"]["conversations"] == [mail_conversation]
            conversation = (await admin.http.get(f"/v1/conversations/{mail_conversation}")).json()
            assert conversation["contact"]["id"] == profile_id
            entries = (await admin.http.get(f"/v1/contacts/{profile_id}/timeline")).json()["items"]
            assert f"E-mail: Kettle arrived broken {tag}" in [e["summary"] for e in entries]

            again = await shop.put(f"/v1/customers/{customer}", json=body)
            assert again.status_code == 200 and again.json()["merges"] == []
            found = await shop.get(f"/v1/customers/{customer}")
            assert found.status_code == 200 and found.json()["id"] == profile_id

            # Another customer id claiming the verified address: refused, nothing changed.
            taken = await shop.put(f"/v1/customers/other-{tag}", json={"email": address})
            assert taken.status_code == 409
            assert taken.headers["content-type"].startswith("application/problem+json")
            assert taken.json()["errors"] == [
                {"loc": ["body", "email"], "msg": f"verified for another customer ({customer})"}
            ]
            assert (await shop.get(f"/v1/customers/other-{tag}")).status_code == 404

            # A new customer: 201.
            fresh = await shop.put(f"/v1/customers/new-{tag}", json={"name": "Bo"})
            assert fresh.status_code == 201 and fresh.json()["merges"] == []

        # Agents read customers but do not vouch for them.
        agent = await Desktop(server).login(ALICE)
        try:
            assert (await agent.http.get(f"/v1/customers/{customer}")).status_code == 200
            refused = await agent.change("PUT", f"/v1/customers/{customer}", json={})
            assert refused.status_code == 403
        finally:
            await agent.close()

        # Another workspace: its own customer of the same id; ours is untouched and unseen.
        other = await other_admin(server)
        try:
            assert (await other.http.get(f"/v1/customers/{customer}")).status_code == 404
            theirs = await other.change("PUT", f"/v1/customers/{customer}", json={"email": address})
            assert theirs.status_code == 201, theirs.text
            assert theirs.json()["contact"]["id"] != profile_id and theirs.json()["merges"] == []
            undo = await other.change("POST", f"/v1/contact-merges/{made['id']}/undo")
            assert undo.status_code == 404
        finally:
            await other.close()
        mine = (await admin.http.get(f"/v1/customers/{customer}")).json()
        assert mine["id"] == profile_id and mine["email"] == address

        # The merge is undone like any other.
        undone = await admin.change("POST", f"/v1/contact-merges/{made['id']}/undo")
        assert undone.status_code == 200, undone.text
        back = (await admin.http.get(f"/v1/conversations/{mail_conversation}")).json()
        assert back["contact"]["id"] == made["source_id"]
        # Leave no unassigned e-mail behind in the shared demo workspace (PostgreSQL).
        closed = await admin.change("POST", f"/v1/conversations/{mail_conversation}/close")
        assert closed.status_code == 200, closed.text
    finally:
        await admin.close()
