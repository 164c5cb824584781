"""The analytics dashboard in Chromium on both server backends: a visitor's chat reaches the
rollups as it is stored, and an admin sees the tiles, the charts (funnel, per-day trend,
distributions, hour x weekday heat map), the service table by channel and a CSV export;
with the demo's simulated history, the funnel's guarded step and occupancy."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ContextFactory, log_in
from tests.browser.test_webchat import Visitor
from tests.support.server import ADMIN, DEMO_PASSWORD, ServerProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.browser


def _conversations(server: ServerProcess) -> int:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        r = http.post("/v1/auth/login", json={"email": ADMIN, "password": DEMO_PASSWORD})
        r.raise_for_status()
        overview = http.get("/v1/analytics/overview").json()
    return int((overview.get("service") or {}).get("conversations") or 0)


def test_the_dashboard_shows_a_chat_in_its_charts_and_tables(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    before = _conversations(server)
    visitor = Visitor.arrive(new_context("visitor"), server)
    visitor.open_chat()
    visitor.send("Dobrý den, máte konvici i v bílé barvě?")
    wait_until("the chat is in the rollups", lambda: _conversations(server) > before)

    page = new_context("admin").new_page()
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-analytics").click()
    expect(page).to_have_url(re.compile(r"#/analytics$"))
    dashboard = page.get_by_test_id("analytics")
    expect(dashboard.get_by_role("heading", name="Analytics")).to_be_visible()
    expect(page.get_by_test_id("tile-conversations")).not_to_have_text(re.compile("^(\u2013|0)$"))
    for chart in ("chart-funnel", "chart-trend", "chart-first-response", "chart-resolution"):
        expect(page.get_by_test_id(chart)).to_be_visible()
    expect(page.get_by_test_id("chart-trend").get_by_role("application")).to_be_visible()
    heat = page.get_by_test_id("chart-heatmap")
    expect(heat.locator("td.heatmap__cell")).to_have_count(7 * 24)
    service = page.get_by_test_id("service-report")
    expect(service.get_by_test_id("service-row").filter(has_text="webchat")).to_be_visible()
    page.get_by_test_id("service-dim").select_option("agent")
    expect(service.get_by_test_id("service-row").first).to_be_visible()

    csv = page.request.get(
        server.base_url + page.get_by_test_id("service-csv").get_attribute("href")
    )
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert csv.text().splitlines()[0].startswith("key,label,conversations,")


def test_the_demo_history_shows_the_guarded_step_and_occupancy(
    server: ServerProcess, new_context: ContextFactory
) -> None:
    # `hovor demo` against the running server's database (last in this module: it enables
    # the seed moments' rules, which would make offers to the other tests' visitors).
    done = subprocess.run(
        [sys.executable, "-m", "hovor.cli", "demo", "--days", "3", "--visitors", "120"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr

    page = new_context("admin").new_page()
    log_in(page, server.base_url, ADMIN, DEMO_PASSWORD)
    page.get_by_test_id("nav-analytics").click()
    funnel = page.get_by_test_id("chart-funnel")
    expect(funnel.get_by_test_id("funnel-matched")).not_to_have_text(re.compile("^(\u2013|0)$"))
    expect(funnel.get_by_test_id("funnel-guarded")).not_to_have_text(re.compile("^(\u2013|0)$"))
    expect(funnel.get_by_test_id("funnel-guarded-reasons")).to_contain_text("an offer was open")
    expect(page.get_by_test_id("tile-occupancy")).to_have_text(re.compile(r"^\d+[,.]\d %$"))
    service = page.get_by_test_id("service-report")
    page.get_by_test_id("service-dim").select_option("agent")
    expect(
        service.get_by_test_id("service-occupancy").filter(has_text=re.compile(r"\d %$")).first
    ).to_be_visible()
    rule = page.get_by_test_id("engagement-report").get_by_test_id("engagement-row").first
    expect(rule).to_contain_text("\u2192")
