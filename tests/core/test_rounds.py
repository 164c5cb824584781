"""A worker's rounds: a full round is followed at once, a partial one sleeps until woken."""

from __future__ import annotations

import asyncio
from datetime import datetime

from hovor.core.rounds import run_rounds


async def test_full_rounds_follow_at_once_and_a_wake_ends_the_sleep() -> None:
    answers = [10, 10, 3, 0]  # two full batches, then a partial one; then one after the wake
    rounds: list[int] = []
    slept = asyncio.Event()
    woken_round = asyncio.Event()
    wake = asyncio.Event()

    async def run_once() -> int:
        rounds.append(answers[len(rounds)])
        if len(rounds) == 4:
            woken_round.set()
        return rounds[-1]

    async def next_due_at() -> datetime | None:
        slept.set()  # asked only before a sleep
        return None

    worker = asyncio.create_task(
        run_rounds(run_once, next_due_at, wake, batch=10, poll=3600, name="test")
    )
    await asyncio.wait_for(slept.wait(), 5)
    assert rounds == [10, 10, 3]  # no sleep between full rounds
    wake.set()
    await asyncio.wait_for(woken_round.wait(), 5)  # not the hour's poll: the wake
    worker.cancel()
    assert rounds == [10, 10, 3, 0]
