"""The routing node: runs the router for every workspace on the one process that leads.

Exactly one process decides at a time: the holder of the routing *lease* (a Redis key with
a time-to-live when Redis is configured, ADR 0005; without Redis there is one process and
it always leads). Other processes forward what changed to the leader over the bus. The
leader keeps one ``engine.Router`` per workspace, rebuilt from the database when it takes
the lease (timers re-armed from the stored deadlines), and writes each decision with a
conditional update on the task's version, so even two leaders for a moment (a lease that
expired during a pause) cannot hand one task to two agents: the second write fails and
that node re-reads the task.

Work items (a row changed, a timer is due) go through one queue drained by one coroutine,
so the router is never entered twice at once and a listener that reacts to the leader's
own writes cannot deadlock it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from hovor.auth.models import User
from hovor.bus import Bus
from hovor.bus.topics import agents_topic
from hovor.conversations.models import Conversation
from hovor.conversations.service import do_claim_unassigned
from hovor.core import clock
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx
from hovor.routing import engine, events, service
from hovor.routing.models import ACTIVE_TASK_STATUSES, RoutingQueue, RoutingTask

log = logging.getLogger(__name__)

ROUTING_TOPIC = "routing:changes"
STATS_TOPIC = "routing:stats"
LEASE_KEY = "hovor:routing:leader"
LEASE_SECONDS = 10.0
RENEW_EVERY = 3.0
STATS_EVERY = 2.0
RECONCILE_EVERY = 60.0  # a full re-read of each workspace: repairs a lost bus message


def ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def to_engine_task(row: RoutingTask) -> engine.Task:
    return engine.Task(
        id=row.id,
        queue_id=row.queue_id,
        channel=row.channel,
        created_at=row.created_at.timestamp(),
        priority=row.priority,
        ready_at=row.ready_at.timestamp(),
        sticky_agent_id=row.sticky_agent_id,
        deadline=row.deadline.timestamp(),
        status=row.status,
        step=row.step,
        step_started_at=row.step_started_at.timestamp(),
        agent_id=row.agent_id,
        reserved_at=ts(row.reserved_at),
        reservation_expires_at=ts(row.reservation_expires_at),
        assigned_at=ts(row.assigned_at),
        rejected=set(row.rejected or ()),
        sla_warned=row.sla_warned,
        sla_breached=row.sla_breached,
        unroutable=row.unroutable,
    )


def task_out(row: RoutingTask, queue_name: str | None = None) -> dict[str, Any]:
    """The task as the API and the live frames show it."""
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "contact_id": row.contact_id,
        "channel": row.channel,
        "queue_id": row.queue_id,
        "queue_name": queue_name,
        "priority": row.priority,
        "status": row.status,
        "step": row.step,
        "agent_id": row.agent_id,
        "created_at": row.created_at.isoformat(),
        "ready_at": row.ready_at.isoformat(),
        "deadline": row.deadline.isoformat(),
        "reservation_expires_at": (
            row.reservation_expires_at.isoformat() if row.reservation_expires_at else None
        ),
        "assigned_at": row.assigned_at.isoformat() if row.assigned_at else None,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "end_reason": row.end_reason,
        "sla_warned": row.sla_warned,
        "sla_breached": row.sla_breached,
        "unroutable": row.unroutable,
    }


class _Reread(Exception):
    """A decision was overtaken and the row was put right instead: commit, then re-read."""


# Leases ------------------------------------------------------------------------------------


class Lease(Protocol):
    local: bool

    async def acquire(self) -> bool: ...

    async def renew(self) -> bool: ...

    async def release(self) -> None: ...


class LocalLease:
    """One process, no Redis: this process always leads."""

    local = True

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None


_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisLease:
    """A key with a time-to-live holding this process's token: SET NX to take, renew often."""

    local = False

    def __init__(self, url: str, key: str, seconds: float = LEASE_SECONDS) -> None:
        from redis.asyncio import Redis

        self._redis: Redis = Redis.from_url(url)
        self._key = key
        self._ms = int(seconds * 1000)
        self.token = secrets.token_hex(8)

    async def acquire(self) -> bool:
        if await self._redis.set(self._key, self.token, nx=True, px=self._ms):
            return True
        return await self.renew()

    async def renew(self) -> bool:
        return bool(await self._redis.eval(_RENEW, 1, self._key, self.token, self._ms))

    async def release(self) -> None:
        with contextlib.suppress(Exception):
            await self._redis.eval(_RELEASE, 1, self._key, self.token)
        await self._redis.aclose()


def database_scope(database_url: str) -> str:
    """A short name for the database: deployments (or test runs) sharing one Redis keep
    their routing lease and their routing bus topics apart by it."""
    plain = make_url(database_url).render_as_string(hide_password=True)
    return hashlib.sha256(plain.encode()).hexdigest()[:16]


def create_lease(redis_url: str | None, database_url: str) -> Lease:
    """One lease per database."""
    if not redis_url:
        return LocalLease()
    return RedisLease(redis_url, f"{LEASE_KEY}:{database_scope(database_url)}")


# The node ----------------------------------------------------------------------------------

_Item = tuple[
    str, str, str
]  # (workspace id, kind, key); kind: task | agent | queue | reload | tick


class RoutingNode:
    def __init__(self, db: Database, bus: Bus, lease: Lease) -> None:
        self.db = db
        self.bus = bus
        self.lease = lease
        self.leader = lease.local  # a local lease leads from the start (tests need no loop)
        scope = database_scope(db.url)
        self._changes_topic = f"{ROUTING_TOPIC}:{scope}"
        self._stats_topic = f"{STATS_TOPIC}:{scope}"
        self.routers: dict[str, engine.Router] = {}
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
        held = await (self.lease.renew() if self.leader else self.lease.acquire())
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
            workspaces = await service.workspaces_with_work(session)
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
                profile = await service.get_profile(session, user) if user is not None else None
            if user is None or user.workspace_id != workspace_id or not user.is_active:
                await self._persist(workspace_id, router.remove_agent(key))
            else:
                await self._persist(
                    workspace_id, router.put_agent(service.to_engine_agent(user, profile), now)
                )
        elif kind == "queue":
            async with self.db.read() as session:
                queue = await session.get(RoutingQueue, key)
            if queue is None or queue.workspace_id != workspace_id:
                await self._load(workspace_id)  # deleted: start over from the database
                return
            self.queue_names.setdefault(workspace_id, {})[queue.id] = queue.name
            self.queue_channels.setdefault(workspace_id, {})[queue.id] = list(queue.channels or [])
            await self._persist(workspace_id, router.put_queue(service.to_engine_queue(queue), now))

    async def _load(self, workspace_id: str) -> None:
        """Build the workspace's router from the database (start-up, new leader, repair)."""
        now = clock.now().timestamp()
        router = engine.Router()
        self.routers[workspace_id] = router
        async with self.db.transaction() as tx:
            await service.do_default_queue(tx, workspace_id, service.WEBCHAT)  # never queue-less
            for conversation in await service.orphan_conversations(tx.session, workspace_id):
                await _adopt(tx, conversation)
        async with self.db.read() as session:
            queues = await service.list_queues(session, workspace_id)
            team = await service.team(session, workspace_id)
            tasks = await service.active_tasks(session, workspace_id)
        self.queue_names[workspace_id] = {q.id: q.name for q in queues}
        self.queue_channels[workspace_id] = {q.id: list(q.channels or []) for q in queues}
        changes: list[engine.Change] = []
        for queue in queues:
            changes += router.put_queue(service.to_engine_queue(queue), now)
        for user, profile in team:
            if user.is_active:
                changes += router.put_agent(service.to_engine_agent(user, profile), now)
        held = [t for t in tasks if t.status != "waiting"]
        waiting = [t for t in tasks if t.status == "waiting"]
        for row in [*held, *waiting]:  # held first: their agents' loads count
            changes += router.submit(to_engine_task(row), now)
        await self._persist(workspace_id, changes)

    def _sync_task(
        self, router: engine.Router, row: RoutingTask, now: float
    ) -> list[engine.Change]:
        """Bring the router in line with a task row that someone else changed."""
        current = router.tasks.get(row.id)
        if row.status not in ACTIVE_TASK_STATUSES:
            return router.complete(row.id, now) if current is not None else []
        if current is None:
            return router.submit(to_engine_task(row), now)
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

    async def _persist(self, workspace_id: str, changes: Sequence[engine.Change]) -> None:
        router = self.routers.get(workspace_id)
        for change in changes:
            if router is None or not change.task_id:
                continue
            try:
                await self._write(workspace_id, router, change)
            except _Reread:  # written; the router follows the row
                self._pending.append((workspace_id, "task", change.task_id))
            except service.StaleTask:
                log.info("routing: task %s changed under us; re-reading it", change.task_id)
                self._pending.append((workspace_id, "task", change.task_id))

    async def _write(self, workspace_id: str, router: engine.Router, change: engine.Change) -> None:
        task = router.tasks.get(change.task_id)
        now = clock.now()
        reread = False
        async with self.db.transaction() as tx:
            row = await tx.session.get(
                RoutingTask, change.task_id, with_for_update=not self.db.is_sqlite
            )
            if row is None or row.status not in ACTIVE_TASK_STATUSES:
                raise service.StaleTask(change.task_id)
            kind = change.kind
            if kind == "reserved":
                if row.status != "waiting" or task is None:
                    raise service.StaleTask(row.id)
                await service.do_apply(
                    tx,
                    row,
                    status="reserved",
                    agent_id=change.agent_id,
                    reserved_at=now,
                    reservation_expires_at=dt(change.detail["expires_at"]),
                    rejected=sorted(task.rejected),  # "no"s the router has forgotten go too
                )
            elif kind == "assigned":
                if row.status == "assigned" and row.agent_id == change.agent_id:
                    return  # accepted through the API: already written
                if row.status == "reserved" and row.agent_id != change.agent_id:
                    raise service.StaleTask(row.id)
                conversation = await tx.session.get(Conversation, row.conversation_id)
                holder = conversation.assignee_id if conversation is not None else None
                if conversation is None or conversation.status != "open":
                    # Closed without its task ending (a lost listener run): end it now, so
                    # the router stops handing it out; the re-read removes it there.
                    await service.do_apply(
                        tx, row, status="cancelled", ended_at=now, end_reason="closed"
                    )
                    reread = True
                elif holder is not None and holder != change.agent_id:
                    # Someone assigned it by hand meanwhile: the task follows the person.
                    await service.do_apply(
                        tx, row, status="assigned", agent_id=holder, assigned_at=now
                    )
                    reread = True
                else:
                    await service.do_apply(
                        tx,
                        row,
                        status="assigned",
                        agent_id=change.agent_id,
                        assigned_at=now,
                        reservation_expires_at=None,
                        reserved_at=row.reserved_at or now,
                    )
                    if holder is None and not await do_claim_unassigned(
                        tx, conversation, change.agent_id or ""
                    ):
                        raise service.StaleTask(row.id)
            elif kind == "requeued":
                if row.status == "waiting":
                    return  # rejected through the API: already written
                await service.do_apply(
                    tx,
                    row,
                    status="waiting",
                    agent_id=None,
                    reserved_at=None,
                    reservation_expires_at=None,
                    rejected=sorted(task.rejected) if task is not None else row.rejected,
                )
            elif kind in ("step", "overflowed"):
                if task is None:
                    return
                await service.do_apply(
                    tx,
                    row,
                    queue_id=task.queue_id,
                    step=task.step,
                    step_started_at=now,
                    rejected=[],
                )
            elif kind == "sla_warning":
                await service.do_apply(tx, row, sla_warned=True)
                self._announce(tx, events.SLA_WARNING, row)
            elif kind == "sla_breached":
                await service.do_apply(tx, row, sla_breached=True)
                self._announce(tx, events.SLA_BREACHED, row)
            elif kind in ("unroutable", "routable"):
                await service.do_apply(tx, row, unroutable=kind == "unroutable")
                if kind == "unroutable":
                    self._announce(tx, events.TASK_UNROUTABLE, row)
            else:
                return
            self._announce(tx, events.TASK_CHANGED, row)
        if reread:
            raise _Reread(change.task_id)

    def _announce(self, tx: Tx, name: str, row: RoutingTask) -> None:
        names = self.queue_names.get(row.workspace_id, {})
        tx.publish_on_commit(
            DomainEvent(name, row.workspace_id, {"task": task_out(row, names.get(row.queue_id))})
        )

    # -- live figures -------------------------------------------------------------------

    def snapshot(self, workspace_id: str) -> dict[str, Any] | None:
        router = self.routers.get(workspace_id)
        if router is None:
            return None
        now = clock.now().timestamp()
        names = self.queue_names.get(workspace_id, {})
        queues = []
        for queue_id, queue in router.queues.items():
            tasks = [t for t in router.tasks.values() if t.queue_id == queue_id]
            waiting = [t for t in tasks if t.status == "waiting" and t.ready_at <= now]
            served = self.queue_channels.get(workspace_id, {}).get(queue_id) or [service.WEBCHAT]
            channels = sorted({t.channel for t in tasks} | set(served))
            queues.append(
                {
                    "id": queue_id,
                    "name": names.get(queue_id, queue_id),
                    "waiting": len(waiting),
                    "scheduled": sum(
                        1 for t in tasks if t.status == "waiting" and t.ready_at > now
                    ),
                    "reserved": sum(1 for t in tasks if t.status == "reserved"),
                    "assigned": sum(1 for t in tasks if t.status == "assigned"),
                    "unroutable": sum(1 for t in waiting if t.unroutable),
                    "longest_wait_seconds": round(
                        max((now - max(t.created_at, t.ready_at) for t in waiting), default=0.0), 1
                    ),
                    "estimated_wait_seconds": {
                        c: (
                            None
                            if (w := router.estimated_wait(queue_id, c)) is None
                            else round(w, 1)
                        )
                        for c in channels
                    },
                    "sla_seconds": {c: queue.sla_for(c) for c in channels},
                }
            )
        agents = {"available": 0, "working": 0, "full": 0, "busy": 0, "away": 0, "offline": 0}
        for agent in router.agents.values():
            if agent.status != "available":
                agents[agent.status if agent.status in agents else "away"] += 1
            elif not agent.total_load():
                agents["available"] += 1
            elif any(agent.has_room(c) for c in agent.capacity):
                agents["working"] += 1
            else:
                agents["full"] += 1
        queues.sort(key=lambda q: str(q["name"]))
        return {"at": dt(now).isoformat(), "queues": queues, "agents": agents}

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
                agents_topic(workspace_id), {"type": "routing.stats", "stats": stats}
            )

    def estimated_wait(self, workspace_id: str, channel: str = "webchat") -> float | None:
        """The shortest estimated wait for ``channel`` over the workspace's queues (any node)."""
        stats = self.stats.get(workspace_id) or self.snapshot(workspace_id)
        if not stats:
            return None
        waits = [
            w
            for q in stats["queues"]
            if (w := q["estimated_wait_seconds"].get(channel)) is not None
        ]
        return min(waits) if waits else None


async def _adopt(tx: Tx, conversation: Conversation) -> None:
    task = await service.do_enqueue(tx, conversation, announce=False)
    if conversation.assignee_id is not None:
        await service.do_apply(
            tx, task, status="assigned", agent_id=conversation.assignee_id, assigned_at=clock.now()
        )
