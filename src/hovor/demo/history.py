"""Writes the simulated history (``simulate.py``) into the demo workspace.

Rows are written as the running service writes them: web visits and their event log,
offers (``engagement.offers.new_offer``, held out for the control group as the guards
decide), conversations with their routing task and messages, callback requests, orders
(``orders.service.do_record_order``), tickets (``tickets.service.do_create_ticket``) and
leads (``leads.service.do_capture_lead``), each at its simulated time (a ``ManualClock``).
Simulated visitors' ids start with ``sim-``, so ``cleanup.reset_history`` removes exactly them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from hovor.auth.models import User
from hovor.channels.voice.models import CallbackRequest
from hovor.contacts.customers import CustomerRef
from hovor.conversations.models import Conversation, Message
from hovor.core import clock
from hovor.core.ids import new_id
from hovor.csat.models import CsatSurvey
from hovor.db.transaction import Database, Tx
from hovor.demo.cleanup import reset_history
from hovor.demo.moments import MOMENT_QUEUES, ensure_moment_rules
from hovor.demo.simulate import SimVisit, simulate
from hovor.demo.staffing import write_staffing
from hovor.demo.visit_rows import Rows, VisitIds, buyer_email, insert_rows, visit_rows
from hovor.engagement import offers
from hovor.engagement.rules.templates import TEMPLATES
from hovor.leads.service import LeadDetails, do_capture_lead
from hovor.leads.visit import VisitFacts
from hovor.orders import service as orders
from hovor.routing.models import RoutingQueue, RoutingTask
from hovor.tickets import service as tickets

BATCH = 100  # visits per transaction
Progress = Callable[[int], object]


async def write_history(
    db: Database, workspace_id: str, visits: Sequence[SimVisit], progress: Progress
) -> None:
    versions = await ensure_moment_rules(db, workspace_id)
    async with db.read() as session:
        agents = list(
            (
                await session.scalars(
                    select(User.id)
                    .where(User.workspace_id == workspace_id, User.role == "agent")
                    .order_by(User.email)
                )
            ).all()
        )
        queues = {
            q.name: q.id
            for q in await session.scalars(
                select(RoutingQueue).where(RoutingQueue.workspace_id == workspace_id)
            )
        }
    sim_clock = clock.ManualClock()
    previous = clock.set_clock(sim_clock)
    try:
        for start in range(0, len(visits), BATCH):
            batch = visits[start : start + BATCH]
            async with db.transaction() as tx:
                rows = Rows()
                ids = [visit_rows(workspace_id, visit, rows) for visit in batch]
                await insert_rows(tx, rows)
                for visit, visit_ids in zip(batch, ids, strict=True):
                    await _write_visit(
                        tx, workspace_id, visit, versions, agents, queues, sim_clock, visit_ids
                    )
            progress(len(batch))
    finally:
        clock.set_clock(previous)


async def _write_visit(
    tx: Tx,
    ws: str,
    v: SimVisit,
    versions: dict[str, int],
    agents: list[str],
    queues: dict[str, str],
    sim_clock: clock.ManualClock,
    ids: VisitIds,
) -> None:
    def at(when: datetime) -> None:
        """Move the simulation's clock (installed by ``write_history``) to ``when``."""
        sim_clock.advance((when - sim_clock.now()).total_seconds())

    s = tx.session
    facts = VisitFacts(
        referrer=v.referrer,
        landing_url=v.landing_url,
        utm=v.utm,
        pages=[{"url": p.url, "title": p.title, "at": p.at.isoformat()} for p in v.pages],
        cart={"value": v.cart_value, "items": len(v.cart) - len(v.removed)} if v.cart else {},
    )
    conversation = None
    if v.moment is not None and v.moment_at is not None:
        at(v.moment_at)
        kind = "callback" if v.moment == "high_value_removed" else "chat"
        texts = TEMPLATES[v.moment].build({"key": v.moment})["action"]["text"]
        if isinstance(texts, dict):  # per language: the demo shop is Czech
            texts = texts.get("cs") or next(iter(texts.values()))
        offer = offers.new_offer(
            ws,
            visitor_id=v.visitor_id,
            session_id=ids.session_id,
            kind=kind,
            text=str(texts).split("{{")[0].strip(),
            queue=MOMENT_QUEUES.get(v.moment, "Web chat"),
            context={"page": {"url": v.pages[-1].url, "title": v.pages[-1].title}},
            rule_key=v.moment,
            rule_version=versions.get(v.moment, 1),
            held_out=v.held_out,
        )
        if not v.held_out and v.offer_outcome:
            offer.shown_at = v.moment_at + timedelta(seconds=1)
            offer.status = v.offer_outcome
            if v.offer_outcome in ("accepted", "declined", "expired"):
                offer.decided_at = v.moment_at + timedelta(seconds=20)
        s.add(offer)
        await s.flush()
        if v.offer_outcome == "accepted" and v.channel:
            conversation = await _conversation(
                tx, ws, v, ids.contact_id, agents, queues, offer.text
            )
            offer.conversation_id = conversation.id
            if v.channel == "callback" and v.phone:
                s.add(
                    CallbackRequest(
                        workspace_id=ws,
                        conversation_id=conversation.id,
                        phone=v.phone,
                        due_at=v.moment_at + timedelta(minutes=5),
                        status="done",
                        attempts=1,
                        last_outcome="reached",
                        context={},
                        created_at=v.moment_at,
                    )
                )
                await s.flush()
                await do_capture_lead(
                    tx,
                    ws,
                    v.visitor_id,
                    LeadDetails("callback", name=v.name, phone=v.phone),
                    facts=facts,
                )
    if v.form_lead and v.email:
        at(v.last_seen_at)
        await do_capture_lead(
            tx, ws, v.visitor_id, LeadDetails("offer_form", name=v.name, email=v.email), facts=facts
        )
    if v.wrote_email and v.email:
        mail_at = v.last_seen_at + timedelta(hours=3)
        await _email(tx, ws, v, ids.contact_id, agents, queues, mail_at)
    if v.order_total is not None and v.order_at is not None:
        at(v.order_at)
        email = buyer_email(v)
        assert email is not None
        await orders.do_record_order(
            tx,
            ws,
            orders.OrderData(
                external_id=f"SIM-{v.visitor_id}",
                customer=CustomerRef(email=email),
                total=Decimal(str(v.order_total)),
                currency="EUR",
                items=[
                    {"sku": pid, "name": n, "quantity": 1, "price": str(p)}
                    for pid, n, p, _ in v.cart
                ],
                placed_at=v.order_at,
            ),
        )
    if conversation is not None and v.ticket and conversation.closed_at is not None:
        at(conversation.closed_at)
        await tickets.do_create_ticket(
            tx,
            conversation,
            user_id=conversation.assignee_id,
            subject=f"Follow-up: {v.question[:80]}",
        )


async def _conversation(
    tx: Tx,
    ws: str,
    v: SimVisit,
    contact_id: str,
    agents: list[str],
    queues: dict[str, str],
    offer_text: str,
) -> Conversation:
    assert v.moment_at is not None and v.channel is not None
    opened = v.moment_at + timedelta(seconds=20)
    answered = opened + timedelta(seconds=v.wait_seconds)
    closed = answered + timedelta(seconds=v.handle_seconds)
    agent = agents[v.agent % len(agents)] if agents else None
    conv = Conversation(
        id=new_id(),
        workspace_id=ws,
        contact_id=contact_id,
        channel=v.channel,
        source_id=v.visitor_id,
        status="closed",
        assignee_id=agent,
        last_activity_at=closed,
        closed_at=closed,
        created_at=opened,
    )
    tx.session.add(conv)
    queue = "Callbacks" if v.channel == "callback" else "Web chat"
    _task(tx, ws, conv, contact_id, queues.get(queue), agent, opened, answered, closed)
    lines: list[tuple[str, str | None, str, datetime]] = [
        ("system", None, f"Offer accepted: {offer_text}", opened)
    ]
    if v.channel == "webchat":
        lines += [
            ("visitor", None, v.question, opened + timedelta(seconds=5)),
            ("agent", agent, v.answer, answered),
        ]
    else:
        lines += [("agent", agent, "Called back; the customer was reached.", answered)]
    _survey(tx, conv, v.csat)
    for author_type, author_id, body, when in lines:
        tx.session.add(
            Message(
                workspace_id=ws,
                conversation_id=conv.id,
                author_type=author_type,
                author_id=author_id,
                body=body,
                private=author_type == "system",
                created_at=when,
            )
        )
    await tx.session.flush()
    return conv


async def _email(
    tx: Tx,
    ws: str,
    v: SimVisit,
    contact_id: str,
    agents: list[str],
    queues: dict[str, str],
    at_: datetime,
) -> None:
    assert v.email is not None
    answered = at_ + timedelta(hours=2, minutes=17)
    agent = agents[0] if agents else None
    conv = Conversation(
        id=new_id(),
        workspace_id=ws,
        contact_id=contact_id,
        channel="email",
        source_id=v.email,
        status="closed",
        assignee_id=agent,
        last_activity_at=answered,
        closed_at=answered + timedelta(minutes=5),
        created_at=at_,
    )
    tx.session.add(conv)
    _task(
        tx,
        ws,
        conv,
        contact_id,
        queues.get("Web chat"),
        agent,
        at_,
        answered,
        answered + timedelta(minutes=5),
    )
    _survey(tx, conv, v.email_csat)
    tx.session.add(
        Message(
            workspace_id=ws,
            conversation_id=conv.id,
            author_type="visitor",
            body="Dobrý den, kdy mi dorazí objednávka?",
            created_at=at_,
        )
    )
    tx.session.add(
        Message(
            workspace_id=ws,
            conversation_id=conv.id,
            author_type="agent",
            author_id=agent,
            body="Dobrý den, zásilka je na cestě, dorazí zítra.",
            created_at=answered,
        )
    )
    await tx.session.flush()


def _task(
    tx: Tx,
    ws: str,
    conv: Conversation,
    contact_id: str,
    queue_id: str | None,
    agent: str | None,
    opened: datetime,
    answered: datetime,
    closed: datetime,
) -> None:
    if queue_id is None:
        return
    tx.session.add(
        RoutingTask(
            workspace_id=ws,
            conversation_id=conv.id,
            contact_id=contact_id,
            channel=conv.channel,
            queue_id=queue_id,
            status="completed",
            step_started_at=opened,
            ready_at=opened,
            deadline=opened + timedelta(seconds=300 if conv.channel == "callback" else 30),
            agent_id=agent,
            assigned_at=answered,
            ended_at=closed,
            end_reason="closed",
            created_at=opened,
        )
    )


async def generate_history(
    db: Database,
    workspace_id: str,
    *,
    days: int,
    visitors: int,
    seed: int = 1,
    end: datetime | None = None,
    progress: Progress = lambda _n: None,
) -> int:
    """Replace the workspace's simulated history with ``visitors`` visits over the ``days``
    before ``end`` (now); returns how many visits were written."""
    end = end or clock.now()
    visits = list(simulate(days, visitors, seed, end))
    await reset_history(db, workspace_id)
    await write_history(db, workspace_id, visits, progress)
    await write_staffing(db, workspace_id, visits, end, seed)
    return len(visits)


def _survey(tx: Tx, conv: Conversation, score: int | None) -> None:
    """The satisfaction question asked when the conversation closed (as ``csat.do_ask``
    records it) and, if the customer answered, their score an hour later."""
    if conv.closed_at is None:
        return
    tx.session.add(
        CsatSurvey(
            workspace_id=conv.workspace_id,
            conversation_id=conv.id,
            contact_id=conv.contact_id,
            agent_id=conv.assignee_id,
            channel=conv.channel,
            score=score,
            rated_at=conv.closed_at + timedelta(hours=1) if score is not None else None,
            created_at=conv.closed_at,
        )
    )
