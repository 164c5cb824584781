"""A workspace's help center: its address (``/help/<slug or workspace id>``) and settings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.models import SiteKey, Workspace
from hovor.core.errors import NotFound, field_error
from hovor.db.transaction import Tx
from hovor.knowledge.models import HelpCenter


async def help_center_of(session: AsyncSession, workspace_id: str) -> HelpCenter:
    """The workspace's settings, or the defaults (not stored) when none were saved."""
    row = await session.get(HelpCenter, workspace_id)
    if row is not None:
        return row
    return HelpCenter(
        workspace_id=workspace_id, slug=None, title="Help center", default_language="cs"
    )


async def find_help_center(session: AsyncSession, key: str) -> HelpCenter:
    """The help center at ``/help/<key>``: by its slug, else by its workspace's id."""
    row = await session.scalar(select(HelpCenter).where(HelpCenter.slug == key))
    if row is not None:
        return row
    if len(key) <= 26 and await session.get(Workspace, key) is not None:
        return await help_center_of(session, key)
    raise NotFound("no such help center")


async def do_save_help_center(
    tx: Tx,
    workspace_id: str,
    *,
    slug: str | None,
    title: str,
    default_language: str,
    site_key_id: str | None,
) -> HelpCenter:
    session = tx.session
    if slug is not None:
        taken = await session.scalar(select(HelpCenter.workspace_id).where(HelpCenter.slug == slug))
        if taken is not None and taken != workspace_id:
            raise field_error(["body", "slug"], "another help center has this address")
    if site_key_id is not None:
        key = await session.scalar(
            select(SiteKey).where(SiteKey.id == site_key_id, SiteKey.workspace_id == workspace_id)
        )
        if key is None:
            raise field_error(["body", "site_key_id"], "no such site key")
    row = await session.get(HelpCenter, workspace_id)
    if row is None:
        row = HelpCenter(workspace_id=workspace_id)
        session.add(row)
    row.slug, row.title, row.default_language, row.site_key_id = (
        slug,
        title,
        default_language,
        site_key_id,
    )
    await session.flush()
    return row


async def site_key_of(session: AsyncSession, help_center: HelpCenter) -> SiteKey | None:
    """The site key the help center's pages load the tracker with, if one is chosen."""
    if help_center.site_key_id is None:
        return None
    return await session.get(SiteKey, help_center.site_key_id)
