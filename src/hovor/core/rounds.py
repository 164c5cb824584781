"""The loop of a worker that sends durable rows in rounds (the outbox, the leads' webhook).

Each round sends what is due and returns how many it sent. A full round (as many as a batch)
is followed at once by the next; otherwise the worker sleeps until the next row falls due, at
most ``poll`` seconds, or until woken (a new row committed on this node). A failing round is
logged once and retried with back-off (0.5 s doubling, at most 30 s) until one succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from hovor.core import clock

log = logging.getLogger(__name__)


async def run_rounds(
    run_once: Callable[[], Awaitable[int]],
    next_due_at: Callable[[], Awaitable[datetime | None]],
    wake: asyncio.Event,
    *,
    batch: int,
    poll: float,
    name: str,
) -> None:
    failures = 0
    while True:
        wake.clear()  # a wake from here on ends the next sleep
        try:
            sent = await run_once()
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception:
            failures += 1
            if failures == 1:
                log.exception("%s round failed; retrying with back-off", name)
            sent = 0
            await asyncio.sleep(min(30.0, 0.5 * 2**failures))
        if sent >= batch:
            continue  # more may be due right now
        timeout = poll
        due = await next_due_at()
        if due is not None:
            timeout = max(0.0, min(timeout, (due - clock.now()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)
