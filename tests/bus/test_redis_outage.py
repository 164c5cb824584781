"""The Redis bus over a redis-server we stop and start: publishing never fails its caller,
one warning per outage, and live fan-out resumes when Redis is back."""

from __future__ import annotations

import asyncio
import logging

import pytest

from hovor.bus.base import Message, Subscription
from hovor.bus.redis import RedisBus
from hovor.core import outage
from tests.support.redis_server import redis_server, require_redis_server
from tests.support.server import free_port


async def next_message(sub: Subscription, within: float) -> Message | None:
    async def first() -> Message:
        async for _topic, message in sub:
            return message
        raise AssertionError("the subscription ended")

    try:
        return await asyncio.wait_for(first(), within)
    except TimeoutError:
        return None


async def test_fan_out_resumes_after_an_outage(caplog: pytest.LogCaptureFixture) -> None:
    require_redis_server()
    port = free_port()
    outage._shared.pop("redis", None)  # a fresh tracker: this test counts its warnings
    caplog.set_level(logging.INFO, logger="hovor")
    with redis_server(port) as first:
        bus = RedisBus(f"redis://127.0.0.1:{port}/0")
        await bus.start()
        try:
            async with bus.subscribe("t") as sub:
                await bus.publish("t", {"n": 1})
                assert await next_message(sub, 5) == {"n": 1}
                first.terminate()
                first.wait(10)
                for n in range(20):  # never raises; the message is dropped
                    await bus.publish("t", {"n": n})
                assert outage.outage("redis").down
                with redis_server(port):
                    got = None
                    deadline = asyncio.get_running_loop().time() + 60
                    while got is None and asyncio.get_running_loop().time() < deadline:
                        await bus.publish("t", {"n": "back"})  # dropped while backing off
                        got = await next_message(sub, 0.5)
                    assert got == {"n": "back"}
                    assert not outage.outage("redis").down
        finally:
            await bus.close()
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert not any(r.exc_info for r in caplog.records)
