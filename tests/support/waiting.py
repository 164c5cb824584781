"""Waiting for a condition in tests: poll it until it holds, with a deadline and a message.

Use these only where nothing announces the condition (a fact on another process, a row
another connection writes). Prefer an event, a future or Playwright's auto-waiting
``expect`` when one exists; never sleep a fixed time before an assertion.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

TIMEOUT = 10.0  # seconds
EVERY = 0.05  # seconds between two polls


def wait_until(what: str, probe: Callable[[], T], timeout: float = TIMEOUT) -> T:
    """Call ``probe`` until it returns something truthy, and return that.

    Synchronous, for the browser tests (Playwright's sync API owns the thread's loop).
    Raises ``AssertionError`` naming ``what`` and the last value after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what} (last: {value!r})")
        time.sleep(EVERY)


async def eventually(what: str, check: Callable[[], Awaitable[T]], within: float = TIMEOUT) -> T:
    """The asynchronous ``wait_until``: await ``check`` until its result is truthy."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {within} s: {what} (last: {value!r})")
        await asyncio.sleep(EVERY)
