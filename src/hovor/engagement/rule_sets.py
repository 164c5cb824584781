"""Each workspace's compiled rules, loaded once however many sockets ask at the same moment.

A node compiles a workspace's enabled rules on first need and keeps them. Two things used
to hurt under load (issue 14): a cold start, where every socket's first frame found no
rules and compiled them itself, and a rule change, which emptied the cache so that the same
stampede followed. Here a load is single-flight (every caller of that moment awaits the
same one), and a change marks the set stale instead of dropping it: the next caller starts
one reload, its peers join it, and the new set replaces the old one whole. If a reload
fails (the database is briefly away), callers keep the last good set rather than no rules.

Generations order the changes: a change while a reload runs asks for another reload after
it, so an event that arrives after a change is never evaluated against rules loaded before
that change was known.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from hovor.engagement.cep.engine import Engine
from hovor.engagement.rules.compiler import CompiledRule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkspaceRules:
    engine: Engine
    by_key: dict[str, CompiledRule]

    @classmethod
    def of(cls, compiled: list[CompiledRule]) -> WorkspaceRules:
        return cls(Engine(compiled), {c.key: c for c in compiled})


@dataclass
class _Flight:
    generation: int
    task: asyncio.Task[WorkspaceRules]


class RuleSets:
    def __init__(self, load: Callable[[str], Awaitable[list[CompiledRule]]]) -> None:
        self._load = load
        self._sets: dict[str, tuple[int, WorkspaceRules]] = {}  # workspace → (generation, set)
        self._wanted: dict[str, int] = {}  # workspace → generation of its latest change
        self._flights: dict[str, _Flight] = {}

    def changed(self, workspace_id: str) -> None:
        """A rule of the workspace changed: the next caller reloads (the old set serves only
        callers that are already waiting)."""
        self._wanted[workspace_id] = self._wanted.get(workspace_id, 0) + 1

    async def get(self, workspace_id: str) -> WorkspaceRules:
        while True:
            wanted = self._wanted.get(workspace_id, 0)
            current = self._sets.get(workspace_id)
            if current is not None and current[0] >= wanted:
                return current[1]
            flight = self._flights.get(workspace_id)
            if flight is not None and flight.generation < wanted:
                # It started before the latest change: let it finish, then reload once more.
                await asyncio.wait([flight.task])
                continue
            if flight is None:
                flight = _Flight(wanted, asyncio.create_task(self._reload(workspace_id, wanted)))
                self._flights[workspace_id] = flight
            try:
                return await asyncio.shield(flight.task)
            except Exception:
                if current is None:
                    raise
                log.exception("reloading the rules of %s failed; the last set stays", workspace_id)
                return current[1]

    async def _reload(self, workspace_id: str, generation: int) -> WorkspaceRules:
        try:
            rules = WorkspaceRules.of(await self._load(workspace_id))
            current = self._sets.get(workspace_id)
            if current is None or current[0] <= generation:
                self._sets[workspace_id] = (generation, rules)
            return rules
        finally:
            flight = self._flights.get(workspace_id)
            if flight is not None and flight.generation == generation:
                del self._flights[workspace_id]
