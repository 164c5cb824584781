"""Privacy over a real server: an admin exports a contact (a download), anonymises it, sees
the audit; agents and other workspaces are refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.integration.test_contacts import identify_http, identity_secret, other_admin, sign
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ALICE, ServerProcess

pytestmark = pytest.mark.storage


async def test_export_erase_and_audit(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    agent = await Desktop(server).login(ALICE)
    other = await other_admin(server)
    try:
        marker = f"zqint{client_id()[:8]}"
        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            await send(
                ws,
                {"type": "message.send", "client_id": client_id(), "body": f"I live at {marker}"},
            )
            await receive(ws, "message.ack")
            event = {
                "id": client_id(),
                "ts": datetime.now(UTC).isoformat(),
                "type": "page.view",
                "props": {},
                "page": {"url": f"https://shop.example.org/{marker}", "title": marker},
            }
            await send(ws, {"type": "events", "events": [event]})
            assert (await receive(ws, "events.ack"))["accepted"] == [event["id"]]
        secret = await identity_secret(admin)
        customer = f"cust-{marker}"
        r = await identify_http(
            server,
            visitor,
            {
                "external_id": customer,
                "signature": sign(secret, customer),
                "name": f"Ann {marker}",
                "email": f"{marker}@example.org",
            },
        )
        assert r.status_code == 200, r.text
        contact_id = r.json()["contact_id"]

        # Export: a JSON download with the profile, the chat and the raw events.
        exported = await admin.http.get(f"/v1/contacts/{contact_id}/export")
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-disposition"] == (
            f'attachment; filename="contact-{contact_id}.json"'
        )
        doc = exported.json()
        assert doc["contact"]["name"] == f"Ann {marker}"
        bodies = [m["body"] for c in doc["conversations"] for m in c["messages"]]
        assert f"I live at {marker}" in bodies
        assert marker in json.dumps(doc["tracked_events"])
        assert (await agent.http.get(f"/v1/contacts/{contact_id}/export")).status_code == 403
        assert (await other.http.get(f"/v1/contacts/{contact_id}/export")).status_code == 404

        # Erase: agents and other workspaces are refused; the admin anonymises.
        body = {"mode": "anonymise", "reason": "request #7"}
        refused = await agent.change("POST", f"/v1/contacts/{contact_id}/erase", json=body)
        assert refused.status_code == 403
        hidden = await other.change("POST", f"/v1/contacts/{contact_id}/erase", json=body)
        assert hidden.status_code == 404
        bad = await admin.change(
            "POST", f"/v1/contacts/{contact_id}/erase", json={"mode": "shred", "reason": "x"}
        )
        assert bad.status_code == 422
        erased = await admin.change("POST", f"/v1/contacts/{contact_id}/erase", json=body)
        assert erased.status_code == 200, erased.text
        audit = erased.json()
        assert (audit["mode"], audit["reason"], audit["actor"]) == (
            "anonymise",
            "request #7",
            f"user:{admin.user['id']}",
        )
        assert audit["counts"]["messages"] >= 1 and audit["counts"]["tracked_events"] >= 1

        after = (await admin.http.get(f"/v1/contacts/{contact_id}/export")).text
        assert marker not in after
        profile = (await admin.http.get(f"/v1/contacts/{contact_id}")).json()
        assert profile["name"] == "Erased contact" and profile["email"] is None

        listed = await admin.http.get("/v1/privacy-requests", params={"contact_id": contact_id})
        assert listed.status_code == 200
        assert [i["mode"] for i in listed.json()["items"]] == ["export", "anonymise", "export"]
        assert marker not in listed.text
        assert (await agent.http.get("/v1/privacy-requests")).status_code == 403
        assert (await other.http.get("/v1/privacy-requests")).json()["total"] == 0
    finally:
        await admin.close()
        await agent.close()
        await other.close()
