"""Live visitors: who has a page open now on this node, with this visit's offers, and an
agent's invitation to one of them."""

from __future__ import annotations

from datetime import UTC, datetime

from hovor.core.errors import NotFound
from hovor.db.transaction import Database
from hovor.engagement import offers
from hovor.engagement.models import Offer
from hovor.engagement.runtime import Engagement
from hovor.engagement.schemas import LiveVisitorOut, OfferOut
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import Tracking

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def list_live_visitors(
    db: Database, tracking: Tracking, workspace_id: str
) -> list[LiveVisitorOut]:
    """Visitors of the workspace with a page open now (on this node), newest visit first."""
    visitors = tracking.visitors.online(workspace_id)
    since = {v.visitor_id: v.visit.started_at for v in visitors if v.visit}
    async with db.read() as session:
        made = await offers.offers_since(session, workspace_id, since)
    out = [_live_visitor_out(v, made.get(v.visitor_id, [])) for v in visitors]
    out.sort(key=lambda v: v.session_started_at or EPOCH, reverse=True)
    return out


def _live_visitor_out(v: LiveVisitor, made: list[Offer]) -> LiveVisitorOut:
    visit = v.visit
    return LiveVisitorOut(
        visitor_id=v.visitor_id,
        returning=v.returning,
        device=v.device.kind,
        browser=v.device.browser,
        page_url=visit.page_url if visit else None,
        page_title=visit.page_title if visit else None,
        session_started_at=visit.started_at if visit else None,
        page_views=visit.page_views if visit else 0,
        cart_value=v.cart_value,
        cart_items=v.session_facts()["cart_items"],
        referrer=visit.referrer if visit else None,
        landing_url=visit.landing_url if visit else None,
        utm=dict(visit.utm) if visit else {},
        offers=[OfferOut.model_validate(offers.describe(o)) for o in made],
    )


def access_live_visitor(tracking: Tracking, workspace_id: str, visitor_id: str) -> LiveVisitor:
    """The visitor's live state if they have a page open on this node now, else NotFound."""
    live = tracking.visitors.get(workspace_id, visitor_id)
    if live is None or live.sockets == 0:
        raise NotFound("the visitor is not on the site now")
    return live


async def invite_visitor(
    tracking: Tracking,
    engagement: Engagement,
    workspace_id: str,
    visitor_id: str,
    *,
    kind: str,
    text: str,
    agent_id: str,
) -> OfferOut:
    """An agent invites a visitor who is on the site now (no rule, guards or pacing)."""
    live = access_live_visitor(tracking, workspace_id, visitor_id)
    offer = await engagement.invite(live, kind=kind, text=text, agent_id=agent_id)
    return OfferOut.model_validate(offer)
