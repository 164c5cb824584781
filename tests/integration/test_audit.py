"""The audit log over a real server, on SQLite and PostgreSQL: an admin's changes are
recorded with their route templates and ids; an agent may not read the log."""

from __future__ import annotations

import pytest

from tests.support.clients import Desktop, client_id
from tests.support.server import ADMIN, ALICE, ServerProcess

pytestmark = pytest.mark.storage


async def test_an_admins_new_user_and_rule_change_are_in_the_log(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    alice = await Desktop(server).login(ALICE)
    try:
        email = f"audited-{client_id()[:8]}@demo.hovor.dev"
        password = "audited-password"
        made = await admin.change(
            "POST", "/v1/users", json={"email": email, "name": "Audited", "password": password}
        )
        assert made.status_code == 201, made.text
        key = f"audited-{client_id()[:6]}"
        built = await admin.change(
            "POST",
            "/v1/rule-templates/high_value_removed/build",
            json={"params": {"key": key, "action": "callback", "amount": 1000}},
        )
        assert built.status_code == 200, built.text
        rule = await admin.change("POST", "/v1/rules", json={"data": built.json()["data"]})
        assert rule.status_code == 201, rule.text
        changed = await admin.change("PUT", f"/v1/rules/{key}/enabled", json={"enabled": False})
        assert changed.status_code == 200, changed.text

        page = await admin.http.get("/v1/audit", params={"actor_id": admin.user["id"]})
        assert page.status_code == 200, page.text
        newest, created, before = page.json()["items"][:3]  # the template's build is a read
        assert (newest["method"], newest["route"], newest["target"]) == (
            "PUT",
            "/v1/rules/{key}/enabled",
            {"key": key},
        )
        assert (created["route"], created["target"]) == ("/v1/rules", {})
        assert newest["request_id"] == changed.headers["x-request-id"]
        assert (before["method"], before["route"], before["target"]) == ("POST", "/v1/users", {})
        assert before["request_id"] == made.headers["x-request-id"]
        for entry in (newest, before):
            assert (entry["actor_email"], entry["via"], entry["address"]) == (
                ADMIN,
                "session",
                "127.0.0.1",
            )
        assert password not in page.text

        users = await admin.http.get("/v1/audit", params={"action": "/v1/users"})
        assert [e["route"] for e in users.json()["items"]][:1] == ["/v1/users"]
        exported = await admin.http.get("/v1/audit.csv", params={"action": "/v1/rules"})
        assert exported.status_code == 200
        assert "/v1/rules/{key}/enabled" in exported.text

        assert (await alice.http.get("/v1/audit")).status_code == 403
        assert (await alice.http.get("/v1/audit.csv")).status_code == 403
    finally:
        await admin.close()
        await alice.close()
