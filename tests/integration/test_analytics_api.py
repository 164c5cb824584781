"""/v1/analytics over real HTTP on both backends: who may read it, what a bad parameter
answers, and the CSV export."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from tests.support.server import ADMIN, ALICE, DEMO_PASSWORD, ServerProcess

pytestmark = pytest.mark.storage


def _client(server: ServerProcess, email: str) -> httpx.Client:
    http = httpx.Client(base_url=server.base_url, timeout=10)
    r = http.post("/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    r.raise_for_status()
    return http


def test_analytics_is_for_admins_and_supervisors_and_names_bad_parameters(
    server: ServerProcess,
) -> None:
    with closing(_client(server, ALICE)) as agent:
        assert agent.get("/v1/analytics/overview").status_code == 403
    with closing(_client(server, ADMIN)) as admin:
        r = admin.get("/v1/analytics/service", params={"tz": "Mars/Olympus"})
        assert r.status_code == 422
        assert r.json()["errors"] == [
            {"loc": ["query", "tz"], "msg": "not an IANA time zone (e.g. Europe/Prague)"}
        ]
        r = admin.get("/v1/analytics/engagement", params={"from": "2026-11-10", "to": "2026-11-01"})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "from"]
        r = admin.get("/v1/analytics/engagement", params={"from": "yesterday"})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "from"]
        r = admin.get("/v1/analytics/service.csv", params={"dim": "planet"})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "dim"]

        report = admin.get("/v1/analytics/engagement", params={"dim": "rule"})
        assert report.status_code == 200 and report.json()["attribution_hours"] == 24
        csv = admin.get("/v1/analytics/service.csv", params={"dim": "channel"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert "attachment" in csv.headers["content-disposition"]


def test_the_weekly_report_is_previewed_and_needs_smtp_to_be_sent_now(
    server: ServerProcess,
) -> None:
    with closing(_client(server, ALICE)) as agent:
        assert agent.get("/v1/analytics/weekly-report").status_code == 403
    with closing(_client(server, ADMIN)) as admin:
        r = admin.get("/v1/analytics/weekly-report", params={"week": "2026-11-04"})
        assert r.status_code == 200
        preview = r.json()
        assert preview["week"] == "2026-11-02" and preview["sent"] is False
        assert ADMIN in preview["recipients"] and ALICE not in preview["recipients"]
        assert "Stopped by guards or pacing: " in preview["text"]
        assert preview["html"].startswith("<!doctype html>")
        # The test server has no HOVOR_SMTP_URL: nothing can be sent.
        csrf = {"X-CSRF-Token": admin.get("/v1/auth/me").json()["csrf_token"]}
        assert admin.post("/v1/analytics/weekly-report/send", headers=csrf).status_code == 409
        csv = admin.get("/v1/analytics/engagement.csv", params={"dim": "rule"}).text
        header = csv.splitlines()[0].split(",") if csv else []
        assert not header or {"funnel.matched", "funnel.guarded_by_reason.pacing"} <= set(header)
        service = admin.get("/v1/analytics/service", params={"dim": "agent"}).json()
        assert all("occupancy" in row and "staffed_minutes" in row for row in service["rows"])
