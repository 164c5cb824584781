"""The routing node: runs the router for every workspace on the one process that leads.

Exactly one process decides at a time: the holder of the routing *lease* (``routing.lease``,
ADR 0005). Other processes forward what changed to the leader over the bus. The leader keeps
one ``engine.Router`` per workspace, rebuilt from the database when it takes the lease
(timers re-armed from the stored deadlines, wrap-ups from the completion times of the
tasks), and writes each decision (``routing.decisions``) with a conditional update on the
task's version, so even two leaders for a moment (a lease that expired during a pause)
cannot hand one task to two agents: the second write fails and that node re-reads the task.

Work items (a row changed, a timer is due) go through one queue drained by one coroutine,
so the router is never entered twice at once and a listener that reacts to the leader's
own writes cannot deadlock it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from hovor.auth.models import User
from hovor.bus import Bus
from hovor.bus.topics import agents_topic
from hovor.conversations.models import Conversation
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.outage import UNREACHABLE, outage
from hovor.db.transaction import Database, Tx
from hovor.routing import agents, queues, tasks
from hovor.routing.decisions import Decision, Reread, write_decision
from hovor.routing.engine import Router
from hovor.routing.frames import RoutingStatsFrame
from hovor.routing.lease import Lease, database_scope
from hovor.routing.model import Change
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingQueue, RoutingTask
from hovor.routing.snapshot import shortest_wait, snapshot

log = logging.getLogger(__name__)

ROUTING_TOPIC = "routing:changes"
STATS_TOPIC = "routing:stats"
RENEW_EVERY = 3.0
STATS_EVERY = 2.0
RECONCILE_EVERY = 60.0  # a full re-read of each workspace: repairs a lost bus message

_Item = tuple[
    str, str, str
]  # (workspace id, kind, key); kind: task | agent | queue | reload | tick


class RoutingNode:
    def __init__(self, db: Database, bus: Bus, lease: Lease, channels: ChannelCatalogue) -> None:
        self.db = db
        self.channels = channels
        self.bus = bus
        self.lease = lease
        self.leader = lease.local  # a local lease leads from the start (tests need no loop)
        scope = database_scope(db.url)
        self._changes_topic = f"{ROUTING_TOPIC}:{scope}"
        self._stats_topic = f"{STATS_TOPIC}:{scope}"
        self.routers: dict[str, Router] = {}
        self.queue_names: dict[str, dict[str, str]] = {}
        self.queue_channels: dict[str, dict[str, list[str]]] = {}  # the channels it serves
        self.stats: dict[str, dict[str, Any]] = {}  # the latest snapshot per workspace
        self._pending: deque[tuple[Any, ...]] = deque()  # work items (+ a waiter's id)
        self._drainer: asyncio.Task[Any] | None = None
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    # -- life ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self.leader:  # re-arm every timer (reservations, steps, SLA) from the database
            await self._load_all()
        self._tasks = [
            asyncio.create_task(self._listen(), name="routing-listen"),
            asyncio.create_task(self._run(), name="routing-run"),
        ]

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.lease.release()

    async def _listen(self) -> None:
        async with self.bus.subscribe(self._changes_topic, self._stats_topic) as subscription:
            async for topic, message in subscription:
                try:
                    if topic == self._stats_topic:
                        self.stats[message["workspace_id"]] = message["stats"]
                    elif self.leader:
                        await self._submit(
                            (message["workspace_id"], message["kind"], message["id"])
                        )
                except Exception:
                    log.exception("routing: bad message on %s", topic)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_renew = next_stats = 0.0
        next_reconcile = loop.time() + RECONCILE_EVERY
        while not self._closing:
            now = loop.time()
            try:
                if now >= next_renew:
                    await self._keep_lease()
                    next_renew = now + RENEW_EVERY
                if self.leader:
                    await self._submit(("*", "tick", ""))
                    if now >= next_stats:
                        await self.publish_stats()
                        next_stats = now + STATS_EVERY
                    if now >= next_reconcile:
                        for workspace_id in list(self.routers):
                            await self._submit((workspace_id, "reload", ""))
                        next_reconcile = now + RECONCILE_EVERY
            except Exception:
                log.exception("routing: loop step failed")
            wait = min(1.0, max(0.01, self._seconds_to_next_timer()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    def _seconds_to_next_timer(self) -> float:
        due = [t for r in self.routers.values() if (t := r.next_timer()) is not None]
        return min(due) - clock.now().timestamp() if due else 1.0

    async def _keep_lease(self) -> None:
        if self.lease.local:
            return
        try:
            held = await (self.lease.renew() if self.leader else self.lease.acquire())
        except UNREACHABLE as exc:  # Redis is down: keep what we hold; one warning, retry later
            outage("redis").failed(exc)
            return
        outage("redis").succeeded()
        if held and not self.leader:
            log.info("routing: this process leads now")
            self.leader = True
            self.routers.clear()
            await self._load_all()
        elif not held and self.leader:
            log.warning("routing: lost the lease; another process leads")
            self.leader = False
            self.routers.clear()

    async def _load_all(self) -> None:
        async with self.db.read() as session:
            workspaces = await tasks.workspaces_with_work(session)
        for workspace_id in workspaces:
            await self._submit((workspace_id, "reload", ""))

    # -- work items ---------------------------------------------------------------------

    async def kick(self, workspace_id: str, kind: str, key: str) -> None:
        """Something changed in the database; the leader re-reads it and decides."""
        if self.leader:
            await self._submit((workspace_id, kind, key))
        else:
            await self.bus.publish(
                self._changes_topic, {"workspace_id": workspace_id, "kind": kind, "id": key}
            )

    async def tick(self) -> None:
        """Fire due timers now (the loop does this by itself; tests call it)."""
        await self._submit(("*", "tick", ""))

    async def _submit(self, item: _Item) -> None:
        """Handle ``item`` after those before it; return once it has been handled.

        One coroutine drains the queue at a time. Another caller waits for its own item
        (so a request's response leaves after the routing it caused, as with a single
        caller); the drainer itself, reached again through listeners of its own writes,
        only queues the item and goes on.
        """
        current = asyncio.current_task()
        if self._drainer is not None:
            if current is self._drainer:
                self._pending.append(item)
                return
            done = asyncio.get_running_loop().create_future()
            self._waiting[id(done)] = done
            self._pending.append((*item, id(done)))
            try:
                await asyncio.shield(done)
            finally:
                self._waiting.pop(id(done), None)
            if self._drainer is not None or not self._pending:
                return
        else:
            self._pending.append(item)
        self._drainer = current
        try:
            while self._pending:
                workspace_id, kind, key, *waiter = self._pending.popleft()
                try:
                    await self._handle(workspace_id, kind, key)
                except Exception:
                    log.exception(
                        "routing: %s %s failed in %s; re-reading it", kind, key, workspace_id
                    )
                    self.routers.pop(workspace_id, None)
                finally:
                    if waiter and (future := self._waiting.get(waiter[0])) and not future.done():
                        future.set_result(None)
        finally:
            self._drainer = None
            if self._pending:  # cancelled midway: the loop's next tick drains the rest,
                for future in self._waiting.values():  # and nobody waits forever
                    if not future.done():
                        future.set_result(None)
        self._wake.set()

    async def _handle(self, workspace_id: str, kind: str, key: str) -> None:
        now = clock.now().timestamp()
        if kind == "tick":
            for ws, router in list(self.routers.items()):
                await self._persist(ws, router.advance(now))
            return
        if kind == "reload" or workspace_id not in self.routers:
            await self._load(workspace_id)
            if kind == "reload":
                return
        router = self.routers[workspace_id]
        if kind == "task":
            async with self.db.read() as session:
                row = await session.get(RoutingTask, key)
            if row is None or row.workspace_id != workspace_id:
                return
            await self._persist(workspace_id, self._sync_task(router, row, now))
        elif kind == "agent":
            async with self.db.read() as session:
                user = await session.get(User, key)
                profile = await agents.get_profile(session, user) if user is not None else None
            if user is None or user.workspace_id != workspace_id or not user.is_active:
                await self._persist(workspace_id, router.remove_agent(key))
            else:
                await self._persist(
                    workspace_id,
                    router.put_agent(agents.to_engine_agent(user, profile, self.channels), now),
                )
        elif kind == "queue":
            async with self.db.read() as session:
                queue = await session.get(RoutingQueue, key)
            if queue is None or queue.workspace_id != workspace_id:
                await self._load(workspace_id)  # deleted: start over from the database
                return
            self.queue_names.setdefault(workspace_id, {})[queue.id] = queue.name
            self.queue_channels.setdefault(workspace_id, {})[queue.id] = list(queue.channels or [])
            await self._persist(workspace_id, router.put_queue(queues.to_engine_queue(queue), now))

    async def _load(self, workspace_id: str) -> None:
        """Build the workspace's router from the database (start-up, new leader, repair)."""
        now = clock.now().timestamp()
        router = Router(self.channels)
        self.routers[workspace_id] = router
        async with self.db.transaction() as tx:
            await queues.do_default_queue(tx, workspace_id, agents.WEBCHAT)  # never queue-less
            for conversation in await tasks.orphan_conversations(tx.session, workspace_id):
                await _adopt(tx, conversation, self.channels)
        async with self.db.read() as session:
            queue_rows = await queues.list_queues(session, workspace_id)
            team = await agents.team(session, workspace_id)
            task_rows = await tasks.active_tasks(session, workspace_id)
        self.queue_names[workspace_id] = {q.id: q.name for q in queue_rows}
        self.queue_channels[workspace_id] = {q.id: list(q.channels or []) for q in queue_rows}
        changes: list[Change] = []
        for queue in queue_rows:
            changes += router.put_queue(queues.to_engine_queue(queue), now)
        for user, profile in team:
            if user.is_active:
                agent = agents.to_engine_agent(user, profile, self.channels)
                changes += router.put_agent(agent, now)
        held = [t for t in task_rows if t.status != "waiting"]
        waiting = [t for t in task_rows if t.status == "waiting"]
        for row in held:  # first: their agents' loads count
            changes += router.submit(tasks.to_engine_task(row), now)
        await self._resume_wrap_ups(workspace_id, router, now)  # those slots count too
        for row in waiting:
            changes += router.submit(tasks.to_engine_task(row), now)
        await self._persist(workspace_id, changes)

    async def _resume_wrap_ups(self, workspace_id: str, router: Router, now: float) -> None:
        """Wrap-ups are not stored: a task's completion time plus its queue's wrap-up says
        whether its agent's slot is still taken, and until when (a new leader, a restart)."""
        longest = max((q.wrap_up_seconds for q in router.queues.values()), default=0.0)
        if longest <= 0:
            return
        since = clock.now() - timedelta(seconds=longest)
        async with self.db.read() as session:
            ended = await tasks.wrap_ups_since(session, workspace_id, since)
        for agent_id, channel, queue_id, ended_at in ended:
            queue = router.queues.get(queue_id)
            if queue is not None and queue.wrap_up_seconds > 0:
                until = ended_at.timestamp() + queue.wrap_up_seconds
                router.resume_wrap_up(agent_id, channel, until, now)

    def _sync_task(self, router: Router, row: RoutingTask, now: float) -> list[Change]:
        """Bring the router in line with a task row that someone else changed."""
        current = router.tasks.get(row.id)
        if row.status not in ACTIVE_TASK_STATUSES:
            return router.complete(row.id, now) if current is not None else []
        if current is None:
            return router.submit(tasks.to_engine_task(row), now)
        if row.status == "assigned":
            agent_id = row.agent_id or ""
            if current.status == "reserved" and current.agent_id == agent_id:
                return router.accept(row.id, agent_id, now)
            moved = current.agent_id != agent_id or current.status != "assigned"
            if moved and agent_id in router.agents:
                return router.assign_to(row.id, agent_id, now)
            return []
        if row.status == "waiting":
            if current.status == "reserved" and current.agent_id in set(row.rejected or ()):
                return router.reject(row.id, current.agent_id or "", now)
            if current.queue_id != row.queue_id or current.status != "waiting":
                return router.transfer(row.id, row.queue_id, now)
        return []

    # -- writing decisions --------------------------------------------------------------

    async def _persist(self, workspace_id: str, changes: Sequence[Change]) -> None:
        router = self.routers.get(workspace_id)
        names = self.queue_names.get(workspace_id, {})
        for change in changes:
            if router is None or not change.task_id:
                continue
            decision = Decision(change, router.tasks.get(change.task_id), names)
            try:
                await write_decision(self.db, decision)
            except Reread:  # written; the router follows the row
                self._pending.append((workspace_id, "task", change.task_id))
            except tasks.StaleTask:
                log.info("routing: task %s changed under us; re-reading it", change.task_id)
                self._pending.append((workspace_id, "task", change.task_id))

    # -- live figures -------------------------------------------------------------------

    def snapshot(self, workspace_id: str) -> dict[str, Any] | None:
        router = self.routers.get(workspace_id)
        if router is None:
            return None
        names = self.queue_names.get(workspace_id, {})
        served = self.queue_channels.get(workspace_id, {})
        return snapshot(router, names, served, clock.now().timestamp())

    # -- live figures -------------------------------------------------------------------

    async def publish_stats(self) -> None:
        for workspace_id in list(self.routers):
            stats = self.snapshot(workspace_id)
            if stats is None:
                continue
            self.stats[workspace_id] = stats
            await self.bus.publish(
                self._stats_topic, {"workspace_id": workspace_id, "stats": stats}
            )
            await self.bus.publish(
                agents_topic(workspace_id),
                RoutingStatsFrame.model_validate({"stats": stats}).data(),
            )

    def estimated_wait(self, workspace_id: str, channel: str = "webchat") -> float | None:
        """The shortest estimated wait for ``channel`` over the workspace's queues (any node)."""
        stats = self.stats.get(workspace_id) or self.snapshot(workspace_id)
        if not stats:
            return None
        return shortest_wait(stats, channel)


async def _adopt(tx: Tx, conversation: Conversation, channels: ChannelCatalogue) -> None:
    task = await tasks.do_enqueue(tx, conversation, channels, announce=False)
    if conversation.assignee_id is not None:
        await tasks.do_apply(
            tx, task, status="assigned", agent_id=conversation.assignee_id, assigned_at=clock.now()
        )
