"""Compiled rule sets: one load for many callers, a change never empties the cache."""

from __future__ import annotations

import asyncio

import pytest

from hovor.engagement.rule_sets import RuleSets
from hovor.engagement.rules.compiler import CompiledRule, compile_rule
from tests.engagement.support import rule


class Loader:
    """Answers loads when told to, so a test controls what is in flight."""

    def __init__(self) -> None:
        self.calls = 0
        self.keys = ["a"]
        self.gates: list[asyncio.Event] = []
        self.fail = False
        self.called = asyncio.Condition()

    async def __call__(self, _workspace_id: str) -> list[CompiledRule]:
        async with self.called:
            self.calls += 1
            self.called.notify_all()
        keys = list(self.keys)  # the rules as they are when the load reads them
        gate = asyncio.Event()
        self.gates.append(gate)
        await gate.wait()
        if self.fail:
            raise ConnectionError("the database is away")
        return [compile_rule(rule(key=k)) for k in keys]

    def release(self) -> None:
        for gate in self.gates:
            gate.set()


async def started(loader: Loader, calls: int) -> None:
    async with loader.called:
        await loader.called.wait_for(lambda: loader.calls >= calls)


async def test_a_cold_start_loads_once_for_every_caller() -> None:
    loader = Loader()
    sets = RuleSets(loader)
    callers = [asyncio.create_task(sets.get("w")) for _ in range(100)]
    await started(loader, 1)
    loader.release()
    results = await asyncio.gather(*callers)
    assert loader.calls == 1
    assert all(r is results[0] for r in results)
    assert list(results[0].by_key) == ["a"]
    assert await sets.get("w") is results[0]  # kept
    assert loader.calls == 1


async def test_a_change_reloads_once_and_replaces_the_set_whole() -> None:
    loader = Loader()
    sets = RuleSets(loader)
    first = asyncio.create_task(sets.get("w"))
    await started(loader, 1)
    loader.release()
    old = await first
    loader.keys = ["a", "b"]
    sets.changed("w")
    callers = [asyncio.create_task(sets.get("w")) for _ in range(50)]
    await started(loader, 2)
    loader.release()
    new = await asyncio.gather(*callers)
    assert loader.calls == 2
    assert {id(r) for r in new} == {id(new[0])} and new[0] is not old
    assert sorted(new[0].by_key) == ["a", "b"]


async def test_a_change_during_a_reload_is_not_lost() -> None:
    """A caller after the change never gets rules read before it."""
    loader = Loader()
    sets = RuleSets(loader)
    early = asyncio.create_task(sets.get("w"))
    await started(loader, 1)  # reading ["a"]
    loader.keys = ["a", "c"]
    sets.changed("w")
    late = asyncio.create_task(sets.get("w"))
    await asyncio.sleep(0)
    loader.release()
    assert list((await early).by_key) == ["a"]  # it asked before the change
    await started(loader, 2)
    loader.release()
    assert sorted((await late).by_key) == ["a", "c"]
    assert loader.calls == 2


async def test_a_failed_reload_keeps_the_last_good_set(caplog: pytest.LogCaptureFixture) -> None:
    loader = Loader()
    sets = RuleSets(loader)
    first = asyncio.create_task(sets.get("w"))
    await started(loader, 1)
    loader.release()
    good = await first
    loader.fail = True
    sets.changed("w")
    retry = asyncio.create_task(sets.get("w"))
    await started(loader, 2)
    loader.release()
    assert await retry is good
    assert "the last set stays" in caplog.text
    loader.fail = False  # back: the next caller reloads
    again = asyncio.create_task(sets.get("w"))
    await started(loader, 3)
    loader.release()
    assert (await again) is not good


async def test_a_failed_cold_start_raises() -> None:
    loader = Loader()
    loader.fail = True
    sets = RuleSets(loader)
    task = asyncio.create_task(sets.get("w"))
    await started(loader, 1)
    loader.release()
    with pytest.raises(ConnectionError):
        await task
