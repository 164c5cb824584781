"""The demo's history as stored: through the same operations as the service, linked the way
analytics reads it, replaced by a regeneration, and the seed moments' rules enabled."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hovor.analytics.models import Rollup
from hovor.auth.models import PresencePeriod, SiteKey
from hovor.cli import builtin_channels
from hovor.contacts.models import ContactIdentity
from hovor.conversations.models import Conversation
from hovor.csat.models import CsatSurvey
from hovor.db.transaction import Database
from hovor.demo.command import seed_history
from hovor.demo.history import generate_history
from hovor.demo.simulate import MOMENTS
from hovor.engagement.models import GuardCount, Offer, Rule
from hovor.leads.models import Lead
from hovor.orders.models import Order
from hovor.routing.models import RoutingTask
from hovor.tracking.models import TrackedEvent, WebSession

pytestmark = pytest.mark.storage
END = datetime(2026, 12, 1, 12, tzinfo=UTC)


async def demo_workspace(db: Database) -> str:
    from hovor.demo.seed import DEMO_SITE_KEY, seed_demo

    await seed_demo(db, builtin_channels(), origin="http://127.0.0.1:1", password="demo-pass-123")
    async with db.read() as session:
        ws = await session.scalar(select(SiteKey.workspace_id).where(SiteKey.key == DEMO_SITE_KEY))
    assert ws is not None
    return ws


async def counts(db: Database) -> dict[str, int]:
    async with db.read() as s:
        return {
            m.__tablename__: await s.scalar(select(func.count()).select_from(m)) or 0
            for m in (
                WebSession,
                TrackedEvent,
                Offer,
                Conversation,
                Order,
                Lead,
                RoutingTask,
                CsatSurvey,
                GuardCount,
                PresencePeriod,
            )
        }


async def test_the_history_is_stored_consistently_and_regenerated(db: Database) -> None:
    ws = await demo_workspace(db)
    seen: list[int] = []
    n = await generate_history(db, ws, days=3, visitors=150, seed=4, end=END, progress=seen.append)
    assert n == 150 and sum(seen) == 150
    first = await counts(db)
    assert first["web_sessions"] == 150 and first["engagement_offers"] > 0
    # The funnel's guarded step and occupancy have data (demo/staffing.py).
    assert first["engagement_guard_counts"] > 0
    assert first["agent_presence_periods"] == 2 * 3 * 9  # 2 agents, 3 whole days, 9 rows
    async with db.read() as s:
        rules = (
            await s.execute(select(Rule.key, Rule.enabled).where(Rule.workspace_id == ws))
        ).all()
        assert {k for k, on in rules if on} >= set(MOMENTS)
        offers = list((await s.scalars(select(Offer))).all())
        assert Counter(o.status for o in offers)["held_out"] > 0
        assert all(END - timedelta(days=3) <= o.created_at <= END for o in offers)
        # An order belongs to the contact of the visitor who bought: analytics follows
        # offer → visitor identity → contact → orders.
        for order in (await s.scalars(select(Order))).all():
            visitor = await s.scalar(
                select(ContactIdentity.value).where(
                    ContactIdentity.contact_id == order.contact_id,
                    ContactIdentity.kind == "visitor",
                )
            )
            assert visitor is not None and order.external_id == f"SIM-{visitor}"
        accepted = [o for o in offers if o.status == "accepted"]
        for offer in accepted:
            conv = await s.get(Conversation, offer.conversation_id)
            assert (
                conv is not None and conv.status == "closed" and conv.source_id == offer.visitor_id
            )
        scores = list((await s.scalars(select(CsatSurvey.score))).all())
        assert scores and {x for x in scores if x is not None} <= {1, 2, 3, 4, 5}
        leads = list((await s.scalars(select(Lead))).all())
        assert leads and all(lead.pages for lead in leads)
    # Again with the same seed: replaced, not added to.
    await generate_history(db, ws, days=3, visitors=150, seed=4, end=END)
    assert await counts(db) == first
    # run --demo keeps what is there; a zero-day history writes nothing.
    assert await seed_history(db, days=3, visitors=150, regenerate=False) is None
    assert await seed_history(db, days=0, visitors=150, regenerate=True) is None
    # `hovor demo` regenerates, then backfills the analytics rollups from the new rows.
    assert await seed_history(db, days=2, visitors=40, regenerate=True) == 40
    async with db.read() as s:
        assert ((await s.scalar(select(func.count()).select_from(Rollup))) or 0) > 0
        measures = set((await s.scalars(select(Rollup.measure).distinct())).all())
        assert {"staffed", "g.offer_open", "g.pacing"} <= measures
