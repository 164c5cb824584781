"""The leads list: filters, keyset pages (``core.pagination``) and the CSV export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core.errors import field_error
from hovor.core.pagination import newest_first
from hovor.core.spreadsheet import Page, csv_pages, safe_cell
from hovor.leads.models import LEAD_SOURCES, LEAD_STATUSES, Lead

CSV_COLUMNS = (
    "id",
    "created_at",
    "status",
    "source",
    "name",
    "email",
    "phone",
    "owner_id",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referrer",
    "landing_url",
    "pages_seen",
    "cart_value",
    "cart_items",
    "message",
    "visitor_id",
    "contact_id",
)
CSV_BATCH = 500


@dataclass(frozen=True)
class LeadFilter:
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    owner_id: str | None = None
    unowned: bool = False
    campaign: str | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def parse_list(value: str | None, allowed: tuple[str, ...], field: str) -> tuple[str, ...]:
    """``"new,contacted"`` → its items, each one of ``allowed``; else 422 naming ``field``."""
    if not value:
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    for item in items:
        if item not in allowed:
            raise field_error(["query", field], f"{item!r} is not one of {', '.join(allowed)}")
    return items


def check_filter(
    *,
    status: str | None,
    source: str | None,
    owner: str | None,
    me: str,
    campaign: str | None,
    q: str | None,
    since: datetime | None,
    until: datetime | None,
) -> LeadFilter:
    for name, at in (("since", since), ("until", until)):
        if at is not None and at.tzinfo is None:
            raise field_error(["query", name], "a time needs a time zone (e.g. a trailing Z)")
    return LeadFilter(
        statuses=parse_list(status, LEAD_STATUSES, "status"),
        sources=parse_list(source, LEAD_SOURCES, "source"),
        owner_id=me if owner == "me" else (None if owner in (None, "", "none") else owner),
        unowned=owner == "none",
        campaign=(campaign or "").strip() or None,
        q=(q or "").strip() or None,
        since=since,
        until=until,
    )


def filtered(workspace_id: str, f: LeadFilter) -> Select[Lead]:
    query = select(Lead).where(Lead.workspace_id == workspace_id)
    if f.statuses:
        query = query.where(Lead.status.in_(f.statuses))
    if f.sources:
        query = query.where(Lead.source.in_(f.sources))
    if f.unowned:
        query = query.where(Lead.owner_id.is_(None))
    elif f.owner_id:
        query = query.where(Lead.owner_id == f.owner_id)
    if f.campaign:
        query = query.where(Lead.utm_campaign == f.campaign)
    if f.q:
        like = f"%{f.q.lower()}%"
        query = query.where(
            or_(
                func.lower(Lead.name).like(like),
                func.lower(Lead.email).like(like),
                Lead.phone.like(f"%{f.q}%"),
            )
        )
    if f.since is not None:
        query = query.where(Lead.created_at >= f.since)
    if f.until is not None:
        query = query.where(Lead.created_at < f.until)
    return query


async def list_leads(
    session: AsyncSession, workspace_id: str, f: LeadFilter, *, limit: int, cursor: str | None
) -> tuple[list[Lead], str | None]:
    return await newest_first(
        session,
        filtered(workspace_id, f),
        at=Lead.created_at,
        row_id=Lead.id,
        cursor=cursor,
        limit=limit,
    )


async def campaigns(session: AsyncSession, workspace_id: str) -> list[str]:
    """The UTM campaigns the workspace's leads came from (the list's filter offers them)."""
    rows = await session.scalars(
        select(Lead.utm_campaign)
        .where(Lead.workspace_id == workspace_id, Lead.utm_campaign.is_not(None))
        .distinct()
        .order_by(Lead.utm_campaign)
    )
    return [r for r in rows if r]


def csv_row(lead: Lead) -> list[str]:
    cart = lead.cart or {}
    values: dict[str, object] = {
        **{c: getattr(lead, c, None) for c in CSV_COLUMNS if hasattr(Lead, c)},
        "created_at": lead.created_at.isoformat(),
        "pages_seen": len(lead.pages or []),
        "cart_value": cart.get("value", ""),
        "cart_items": cart.get("items", ""),
    }
    return [safe_cell(values.get(c)) for c in CSV_COLUMNS]


def csv_chunks(session: AsyncSession, workspace_id: str, f: LeadFilter) -> AsyncIterator[str]:
    """The filtered leads as CSV (UTF-8, header first), newest first, in batches."""

    async def page(cursor: str | None) -> Page[Lead]:
        return await list_leads(session, workspace_id, f, limit=CSV_BATCH, cursor=cursor)

    return csv_pages(CSV_COLUMNS, page, csv_row)
