"""Leads over real HTTP against a real server: a visitor's details become a lead, and the
CRM (a local stand-in) receives it signed per Standard Webhooks, retried after a refusal."""

from __future__ import annotations

import httpx
import pytest
from standardwebhooks import Webhook

from tests.support.clients import Desktop, Visitor, client_id
from tests.support.server import ADMIN, ServerProcess
from tests.support.stand_in import stand_in
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage


async def test_a_lead_reaches_the_crm_signed_and_a_bad_one_is_refused(
    server: ServerProcess,
) -> None:
    answers = iter([(503, {"error": "busy"})])
    admin = await Desktop(server).login(ADMIN)
    with stand_in(lambda _call: next(answers, (200, {"ok": True}))) as crm:
        hook = (
            await admin.change("PUT", "/v1/leads/webhook", json={"url": crm.origin + "/in"})
        ).json()
        assert hook["secret"].startswith("whsec_") and hook["enabled"] is True
        visitor = await Visitor(server).start()
        email = f"crm-{client_id()[:8].lower()}@example.cz"
        headers = {"authorization": f"Bearer {visitor.token}", "origin": visitor.origin}
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            bad = await http.post(
                "/v1/widget/leads", json={"name": "Petr", "phone": "12"}, headers=headers
            )
            assert bad.status_code == 422
            assert bad.json()["errors"][0]["loc"] == ["body", "phone"]
            missing = await http.post("/v1/widget/leads", json={"name": "Petr"}, headers=headers)
            assert missing.json()["errors"][0]["loc"] == ["body", "email"]
            anonymous = await http.post("/v1/widget/leads", json={"email": email})
            assert anonymous.status_code == 401
            ok = await http.post(
                "/v1/widget/leads", json={"email": email, "name": "Petr"}, headers=headers
            )
            assert ok.status_code == 201, ok.text
        page = (await admin.http.get("/v1/leads", params={"q": email})).json()
        [lead] = page["items"]
        assert (lead["status"], lead["source"], lead["visitor_id"]) == (
            "new",
            "form",
            visitor.visitor_id,
        )

        # The first call is refused (503); the retry 10 s later is taken.
        first = crm.wait_for_calls(1)[0]
        assert first["path"] == "/in"
        body = Webhook(hook["secret"]).verify(first["raw"], first["headers"])
        assert body["type"] == "lead.created" and body["data"]["email"] == email

        async def settled() -> dict[str, object] | None:
            rows = (await admin.http.get("/v1/leads/webhook/deliveries")).json()
            mine = [d for d in rows if d["lead_id"] == lead["id"]]
            return mine[0] if mine and mine[0]["status"] == "sent" else None

        delivery = await eventually("the retried call is sent", settled, within=40)
        assert delivery is not None
        assert delivery["attempts"] == 2 and delivery["response_status"] == 200
        again = crm.calls[1]
        assert again["headers"]["webhook-id"] == first["headers"]["webhook-id"] == delivery["id"]

        # A change of the lead is a second call: lead.updated.
        r = await admin.change("PATCH", f"/v1/leads/{lead['id']}", json={"status": "qualified"})
        assert r.json()["status"] == "qualified"
        updated = crm.wait_for_calls(3)[2]
        assert Webhook(hook["secret"]).verify(updated["raw"], updated["headers"])["type"] == (
            "lead.updated"
        )
    await admin.close()
