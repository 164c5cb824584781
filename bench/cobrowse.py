"""Co-browsing end to end in headless Chromium against a real server on SQLite.

A visitor on the demo shop's product page and Alice on the desktop: Alice asks, the
visitor allows, the desktop's viewer replays the page live. Measured:

- ``recorder_ms_per_batch``: main-thread time a mutation batch costs the page with the
  recorder on, minus the same batch with it off (median of BATCHES each; a batch inserts a
  list of 20 items, changes the cart count and removes the previous list; the time runs
  from the change to the next task, so rrweb's mutation observer and our batching are in);
- ``dom_to_agent_p50`` / ``p99``: from a DOM change on the visitor's page (rrweb's event
  time) to its replay in the agent's viewer (the viewer notes each applied mutation); both
  browsers run on this machine, so on one clock;
- ``bytes_per_minute``: what the widget sends for a typical product page view: one full
  snapshot, then SECONDS of mouse moves, scrolls, a quantity change and an add to cart,
  scaled to a minute.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

from playwright.async_api import Frame, Page, async_playwright

from bench.report import Metric, percentile, report
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.server import ALICE, DEMO_PASSWORD, ServerProcess, run_server

BATCHES = int(os.environ.get("BENCH_COBROWSE_BATCHES", "200"))
SECONDS = float(os.environ.get("BENCH_COBROWSE_SECONDS", "30"))
PRODUCT_PAGE = "/demo/shop/kettle-brewmate.html"

# One mutation batch, timed from the change to the next task (a MessageChannel message is
# not clamped like setTimeout): mutation observers, rrweb's serialization and our batching
# all run in between.
TIME_BATCHES = """
async (n) => {
  const next = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
  const count = document.querySelector('[data-testid=cart-count]');
  const times = [];
  let previous = null;
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    const list = document.createElement('ul');
    for (let j = 0; j < 20; j++) {
      const li = document.createElement('li');
      li.className = 'bench-item';
      li.textContent = `Položka ${i}.${j}: BrewMate 1,7 l — 39,00 €`;
      list.appendChild(li);
    }
    document.querySelector('main, body').appendChild(list);
    count.textContent = String(i);
    if (previous) previous.remove();
    previous = list;
    await next();
    times.push(performance.now() - t0);
  }
  previous && previous.remove();
  return times;
}
"""


async def run() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        with run_server(Path(tmp), database_url=url) as server:
            return await _measure(server)


async def _viewer(page: Page) -> Frame:
    for _ in range(200):
        for frame in page.frames:
            if "cobrowse-viewer" in frame.url:
                return frame
        await asyncio.sleep(0.05)
    raise RuntimeError("the desktop shows no co-browse viewer")


async def _measure(server: ServerProcess) -> bool:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visitor_ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
            agent_ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
            visitor = await visitor_ctx.new_page()
            sent: list[tuple[float, int]] = []

            def on_socket(ws: object) -> None:
                def framesent(payload: str | bytes) -> None:
                    if isinstance(payload, str) and '"cobrowse.events"' in payload:
                        sent.append((time.monotonic(), len(payload.encode())))

                ws.on("framesent", framesent)  # type: ignore[attr-defined]

            visitor.on("websocket", on_socket)
            await visitor.goto(server.base_url + PRODUCT_PAGE)

            # Recorder off: the same batches without co-browsing.
            await visitor.wait_for_function("() => window.__hovor && window.__hovor.link.ready")
            off = await visitor.evaluate(TIME_BATCHES, BATCHES)

            text = f"bench {uuid.uuid4().hex[:8]}"
            await visitor.get_by_test_id("hovor-launcher").click()
            await visitor.get_by_test_id("hovor-input").fill(text)
            await visitor.get_by_test_id("hovor-send").click()
            await visitor.get_by_test_id("hovor-close").click()

            agent = await agent_ctx.new_page()
            await agent.goto(server.base_url + "/app/")
            await agent.get_by_test_id("login-email").fill(ALICE)
            await agent.get_by_test_id("login-password").fill(DEMO_PASSWORD)
            await agent.get_by_test_id("login-submit").click()
            await agent.get_by_test_id("inbox-tab-all").click()
            item = agent.get_by_test_id("conversation-item").filter(has_text=text)
            await item.click()
            await agent.get_by_test_id("cobrowse-start").click()
            await visitor.get_by_test_id("cobrowse-allow").click()
            viewer = await _viewer(agent)
            await viewer.wait_for_function("() => document.querySelector('iframe') !== null")
            replay = agent.frame_locator('[data-testid="cobrowse-frame"]').frame_locator("iframe")
            await replay.get_by_test_id("product-name").wait_for()

            # Recorder on: cost per batch, and each mutation's way to the agent's replay.
            await viewer.evaluate("() => { window.__hovorLags = []; }")
            on = await visitor.evaluate(TIME_BATCHES, BATCHES)
            await asyncio.sleep(2)
            lags: list[float] = await viewer.evaluate("() => window.__hovorLags")

            # A typical product page view: a fresh snapshot, then a visitor looking around.
            sent.clear()
            started = time.monotonic()
            await visitor.reload()
            await visitor.get_by_test_id("cobrowse-banner").wait_for()
            step = 0
            while time.monotonic() - started < SECONDS:
                step += 1
                await visitor.mouse.move(200 + (step * 37) % 800, 150 + (step * 23) % 500)
                if step % 30 == 0:
                    await visitor.mouse.wheel(0, 300 if step % 60 else -300)
                if step == 50:
                    await visitor.get_by_test_id("quantity").fill("2")
                if step == 80:
                    await visitor.get_by_test_id("add-to-cart").click()
                await asyncio.sleep(0.1)
            elapsed = time.monotonic() - started
            await asyncio.sleep(0.5)
            total = sum(size for at, size in sent if at - started <= elapsed)
            await visitor.get_by_test_id("cobrowse-stop").click()
        finally:
            await browser.close()

    cost = percentile(on, 50) - percentile(off, 50)
    return report(
        "cobrowse",
        [
            Metric("dom_to_agent_p50", percentile(lags, 50), "ms", "<= 500"),
            Metric("dom_to_agent_p99", percentile(lags, 99), "ms", "<= 1000"),
            # A tenth of the relay's per-session limit (cobrowse.relay.BYTES_LIMIT).
            Metric("bytes_per_minute", total * 60 / elapsed, "B/min", "<= 2000000"),
            Metric("recorder_ms_per_batch", max(0.0, cost), "ms", "<= 5"),
        ],
        notes=(
            f"headless Chromium, SQLite + memory bus, {BATCHES} batches of 20 list items, "
            f"{len(lags)} mutations replayed, product page for {elapsed:.0f} s; "
            f"batch off/on p50 {percentile(off, 50):.2f}/{percentile(on, 50):.2f} ms"
        ),
    )
