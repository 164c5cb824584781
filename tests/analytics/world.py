"""A small store built row by row for the analytics tests: contacts with visitor ids,
offers, orders, conversations, replies, routing tasks, callbacks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hovor.auth import service as auth
from hovor.auth.models import User
from hovor.auth.presence_history import record_presence
from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.models import Contact, ContactIdentity
from hovor.conversations.models import Conversation, Message
from hovor.db.transaction import Database
from hovor.engagement.guarded import do_record_guarded, hour_of
from hovor.engagement.models import Offer
from hovor.orders.models import Order
from hovor.routing.models import RoutingQueue, RoutingTask

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Prague


@dataclass
class World:
    db: Database
    workspace_id: str
    agent_id: str
    queue_id: str
    contacts: list[str] = field(default_factory=list)

    @classmethod
    async def create(cls, db: Database, contacts: int = 3) -> World:
        async with db.transaction() as tx:
            workspace = await auth.do_create_workspace(tx, "Obchod")
            ws = workspace.id
            # A staff row without a password (hashing one costs ~50 ms per example).
            agent = User(
                workspace_id=ws,
                email=f"agent-{ws.lower()}@shop.example.cz",
                name="Petra",
                role="agent",
                password_hash="!",
            )
            tx.session.add(agent)
            queue = RoutingQueue(workspace_id=ws, name="Sales", steps=[{"target": ""}])
            tx.session.add(queue)
            ids = []
            for i in range(contacts):
                contact = Contact(workspace_id=ws, name=f"Zákazník {i}")
                tx.session.add(contact)
                await tx.session.flush()
                tx.session.add(
                    ContactIdentity(
                        workspace_id=ws, contact_id=contact.id, kind="visitor", value=f"v{i}"
                    )
                )
                ids.append(contact.id)
            await tx.session.flush()
            return cls(db, ws, agent.id, queue.id, ids)

    async def offer(
        self,
        visitor: int,
        at: datetime,
        *,
        held_out: bool = False,
        rule: str = "cart_over_1000",
        status: str | None = None,
        conversation_id: str | None = None,
    ) -> str:
        async with self.db.transaction() as tx:
            offer = Offer(
                workspace_id=self.workspace_id,
                visitor_id=f"v{visitor}",
                rule_key=rule,
                rule_version=1,
                kind="chat",
                text="Pomůžeme s výběrem?",
                status=status or ("held_out" if held_out else "offered"),
                created_at=at,
                expires_at=at + timedelta(minutes=2),
                shown_at=at + timedelta(seconds=1) if status in ("shown", "accepted") else None,
                context={"page": {"url": "https://shop.example.cz/kosik?x=1", "title": "Košík"}},
                conversation_id=conversation_id,
            )
            tx.session.add(offer)
            await tx.session.flush()
            return offer.id

    async def order(self, contact: int, at: datetime, total: str) -> str:
        async with self.db.transaction() as tx:
            order = Order(
                workspace_id=self.workspace_id,
                external_id=f"o-{at.timestamp()}-{contact}-{total}",
                contact_id=self.contacts[contact],
                total=Decimal(total),
                currency="CZK",
                items=[],
                placed_at=at,
                digest="x",
            )
            tx.session.add(order)
            await tx.session.flush()
            return order.id

    async def conversation(
        self,
        contact: int,
        at: datetime,
        *,
        channel: str = "webchat",
        closed_at: datetime | None = None,
    ) -> str:
        async with self.db.transaction() as tx:
            conversation = Conversation(
                workspace_id=self.workspace_id,
                contact_id=self.contacts[contact],
                channel=channel,
                source_id=f"v{contact}",
                status="closed" if closed_at else "open",
                created_at=at,
                last_activity_at=at,
                closed_at=closed_at,
            )
            tx.session.add(conversation)
            await tx.session.flush()
            return conversation.id

    async def close(self, conversation_id: str, at: datetime) -> None:
        async with self.db.transaction() as tx:
            conversation = await tx.session.get(Conversation, conversation_id)
            assert conversation is not None
            conversation.status, conversation.closed_at = "closed", at

    async def reply(self, conversation_id: str, at: datetime, *, private: bool = False) -> None:
        async with self.db.transaction() as tx:
            tx.session.add(
                Message(
                    workspace_id=self.workspace_id,
                    conversation_id=conversation_id,
                    author_type="agent",
                    author_id=self.agent_id,
                    body="Dobrý den",
                    private=private,
                    created_at=at,
                )
            )

    async def task(
        self,
        conversation_id: str,
        at: datetime,
        *,
        assigned_after: float | None = None,
        ended_after: float | None = None,
        sla_seconds: float = 60.0,
    ) -> str:
        async with self.db.transaction() as tx:
            task = RoutingTask(
                workspace_id=self.workspace_id,
                conversation_id=conversation_id,
                channel="webchat",
                queue_id=self.queue_id,
                status="waiting",
                created_at=at,
                deadline=at + timedelta(seconds=sla_seconds),
            )
            tx.session.add(task)
            await tx.session.flush()
            task_id = task.id
        if assigned_after is not None:
            await self.assign(task_id, at + timedelta(seconds=assigned_after))
        if ended_after is not None:
            await self.end(task_id, at + timedelta(seconds=ended_after))
        return task_id

    async def assign(self, task_id: str, at: datetime) -> None:
        async with self.db.transaction() as tx:
            task = await tx.session.get(RoutingTask, task_id)
            assert task is not None
            task.status, task.assigned_at, task.agent_id = "assigned", at, self.agent_id
            conversation = await tx.session.get(Conversation, task.conversation_id)
            assert conversation is not None
            conversation.assignee_id = self.agent_id

    async def end(self, task_id: str, at: datetime) -> None:
        async with self.db.transaction() as tx:
            task = await tx.session.get(RoutingTask, task_id)
            assert task is not None
            task.status = "completed" if task.assigned_at else "cancelled"
            task.ended_at = at

    async def callback(self, conversation_id: str, at: datetime, status: str) -> str:
        async with self.db.transaction() as tx:
            callback = CallbackRequest(
                workspace_id=self.workspace_id,
                conversation_id=conversation_id,
                phone="+420601123456",
                due_at=at + timedelta(minutes=5),
                status=status,
                created_at=at,
            )
            tx.session.add(callback)
            await tx.session.flush()
            return callback.id

    async def guarded(
        self, at: datetime, reason: str, n: int = 1, rule: str = "cart_over_1000"
    ) -> list[str]:
        """Matches the guards stopped, stored as the engagement runtime stores them."""
        key = (self.workspace_id, hour_of(at), rule, "chat", "/kosik", reason)
        async with self.db.transaction() as tx:
            return await do_record_guarded(tx, Counter({key: n}))

    async def presence(self, status: str, at: datetime) -> list[str]:
        """The agent's presence changes at ``at`` (the periods as ``do_set_presence`` keeps)."""
        async with self.db.transaction() as tx:
            return await record_presence(tx, self.workspace_id, self.agent_id, status, at)
