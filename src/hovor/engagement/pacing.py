"""Pacing: offer help only when the team can take it.

An offer that needs an agent (chat, callback, co-browse) is made only if

    waiting + p_accept * (pending + 1) <= free

where ``free`` is the free chat capacity of online agents (sum of capacity - open chats),
``waiting`` the conversations already waiting for an agent, ``pending`` the offers
shown or on their way and not yet answered, and ``p_accept`` the observed acceptance rate
of the last 24 hours, smoothed towards 30 % while there is little data (a Beta(1, 2)
prior: (accepted + 1) / (decided + 3)). So with 3 free slots and a 30 % acceptance rate
about nine offers may be open at once; as visitors accept and chats fill the slots,
invitations slow down, and they stop when nobody could answer.

Routing's estimated wait for a web chat (``RoutingNode.estimated_wait``) is the second
check: when a new chat would wait longer than ``MAX_WAIT_SECONDS`` no offer is made, even
with free slots on paper (slots of agents in other queues, work about to arrive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.engagement.models import Offer
from hovor.engagement.rules.compiler import PACED_ACTIONS
from hovor.routing.agents import free_chat_slots

NEEDS_AGENT = PACED_ACTIONS
MAX_WAIT_SECONDS = 60.0
RATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class PacingDecision:
    allowed: bool
    free: int
    waiting: int
    pending: int
    p_accept: float
    estimated_wait: float | None = None

    @property
    def reason(self) -> str:
        wait = "unknown" if self.estimated_wait is None else f"{self.estimated_wait:.0f} s"
        return (
            f"free {self.free}, waiting {self.waiting}, pending {self.pending}, "
            f"acceptance {self.p_accept:.0%}, estimated wait {wait}"
        )


def acceptance_rate(accepted: int, decided: int) -> float:
    return (accepted + 1) / (decided + 3)


def decide(free: int, waiting: int, pending: int, p_accept: float) -> bool:
    return waiting + p_accept * (pending + 1) <= free


async def check_pacing(
    session: AsyncSession, workspace_id: str, estimated_wait: float | None = None
) -> PacingDecision:
    """``estimated_wait``: routing's figure for a new web chat, None when not known."""
    now = clock.now()
    free, waiting = await free_chat_slots(session, workspace_id)
    pending = (
        await session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(
                Offer.workspace_id == workspace_id,
                Offer.kind.in_(NEEDS_AGENT),
                Offer.status.in_(("offered", "shown")),
                Offer.expires_at > now,
            )
        )
        or 0
    )
    rows = await session.execute(
        select(Offer.status, func.count())
        .where(
            Offer.workspace_id == workspace_id,
            Offer.kind.in_(NEEDS_AGENT),
            Offer.status.in_(("accepted", "declined", "expired")),
            Offer.created_at > now - RATE_WINDOW,
        )
        .group_by(Offer.status)
    )
    counts = {status: n for status, n in rows}
    decided = sum(counts.values())
    p = acceptance_rate(counts.get("accepted", 0), decided)
    allowed = decide(free, waiting, pending, p) and (
        estimated_wait is None or estimated_wait <= MAX_WAIT_SECONDS
    )
    return PacingDecision(allowed, free, waiting, pending, p, estimated_wait)
