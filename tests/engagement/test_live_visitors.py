"""Live visitors on both databases: who is on the site now, their visit's offers, invitations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from hovor.bus import MemoryBus
from hovor.core import clock
from hovor.core.errors import NotFound
from hovor.db.transaction import Database
from hovor.engagement.live_visitors import invite_visitor, list_live_visitors
from hovor.engagement.runtime import Engagement
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracking
from tests.routing.channels import CHANNELS
from tests.support.factories import Team, make_team
from tests.support.tracking import running_tracking

pytestmark = pytest.mark.storage


@dataclass
class Site:
    db: Database
    tracking: Tracking
    engagement: Engagement
    team: Team

    async def arrives(self, visitor_id: str, *pages: str) -> LiveVisitor:
        async with self.db.read() as session:
            live = await self.tracking.attach(session, self.team.workspace.id, visitor_id, None)
        events = [
            {
                "id": f"{visitor_id}-{n}",
                "ts": clock.now().isoformat(),
                "type": "page.view",
                "props": {},
                "page": {"url": url, "title": f"Page {n}"},
            }
            for n, url in enumerate(pages)
        ]
        await self.tracking.track(live, events)
        return live

    async def invite(self, visitor_id: str, workspace_id: str | None = None) -> str:
        offer = await invite_visitor(
            self.tracking,
            self.engagement,
            workspace_id or self.team.workspace.id,
            visitor_id,
            kind="chat",
            text="May I help?",
            agent_id=self.team.agents[0].id,
        )
        return offer.id


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    async with running_tracking(db) as tracking:
        engagement = Engagement(db, MemoryBus(), tracking, channels=CHANNELS)
        engagement.register(db.dispatcher)
        yield Site(db, tracking, engagement, await make_team(db))


async def test_only_visitors_with_a_page_open_newest_visit_first(site: Site) -> None:
    first = await site.arrives("v_first", "https://shop.example.org/")
    await site.arrives("v_second", "https://shop.example.org/a", "https://shop.example.org/b")
    gone = await site.arrives("v_gone", "https://shop.example.org/")
    site.tracking.visitors.detach(gone)
    offer_id = await site.invite("v_first")
    listed = await list_live_visitors(site.db, site.tracking, site.team.workspace.id)
    assert [v.visitor_id for v in listed] == ["v_second", "v_first"]
    second, shown_first = listed
    assert (second.page_url, second.page_title, second.page_views) == (
        "https://shop.example.org/b",
        "Page 1",
        2,
    )
    assert [(o.id, o.invited_by, o.status) for o in shown_first.offers] == [
        (offer_id, site.team.agents[0].id, "offered")
    ]
    assert second.offers == [] and first.sockets == 1
    other = await make_team(site.db, "Other")
    assert await list_live_visitors(site.db, site.tracking, other.workspace.id) == []


async def test_only_a_visitor_on_the_site_now_can_be_invited(site: Site) -> None:
    gone = await site.arrives("v_gone", "https://shop.example.org/")
    site.tracking.visitors.detach(gone)
    await site.arrives("v_here", "https://shop.example.org/")
    other = await make_team(site.db, "Other")
    for visitor_id, workspace_id in [
        ("v_gone", None),
        ("v_nobody", None),
        ("v_here", other.workspace.id),
    ]:
        with pytest.raises(NotFound, match="not on the site"):
            await site.invite(visitor_id, workspace_id)
    assert await site.invite("v_here")


async def test_a_live_visitor_shows_where_the_visit_came_from(site: Site) -> None:
    """The referrer and the landing page's UTM tags, as agents see them in the list and in
    a conversation's "On the website now" card."""
    async with site.db.read() as session:
        live = await site.tracking.attach(session, site.team.workspace.id, "v_ads", None)
    landing = "https://shop.example.org/?utm_source=google&utm_medium=cpc&utm_campaign=zima"
    page = {"url": landing, "title": "Shop", "referrer": "https://www.google.com/"}
    await site.tracking.track(
        live,
        [
            {
                "id": "v_ads-0",
                "ts": clock.now().isoformat(),
                "type": "page.view",
                "props": {},
                "page": page,
            }
        ],
    )
    [listed] = await list_live_visitors(site.db, site.tracking, site.team.workspace.id)
    assert (listed.referrer, listed.landing_url) == ("https://www.google.com/", landing)
    assert listed.utm == {"source": "google", "medium": "cpc", "campaign": "zima"}
