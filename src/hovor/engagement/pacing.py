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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.engagement.models import Offer
from hovor.routing.service import free_chat_slots

NEEDS_AGENT = ("chat", "callback", "cobrowse")
RATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class PacingDecision:
    allowed: bool
    free: int
    waiting: int
    pending: int
    p_accept: float

    @property
    def reason(self) -> str:
        return (
            f"free {self.free}, waiting {self.waiting}, pending {self.pending}, "
            f"acceptance {self.p_accept:.0%}"
        )


def acceptance_rate(accepted: int, decided: int) -> float:
    return (accepted + 1) / (decided + 3)


def decide(free: int, waiting: int, pending: int, p_accept: float) -> bool:
    return waiting + p_accept * (pending + 1) <= free


async def check_pacing(session: AsyncSession, workspace_id: str) -> PacingDecision:
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
    return PacingDecision(decide(free, waiting, pending, p), free, waiting, pending, p)
