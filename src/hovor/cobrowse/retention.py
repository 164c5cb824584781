"""Recorded co-browse sessions are kept for the workspace's ``retention_days``.

The sweeper (``cobrowse.sweeper``) purges every hour; a recorded session's end purges its
workspace at once too. Each purge is one DELETE per workspace that has recorded sessions,
by ``ix_cobrowse_chunks_retention`` (workspace, received_at).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from hovor.cobrowse.models import CobrowseChunk, CobrowseSession
from hovor.cobrowse.service import get_settings
from hovor.core import clock
from hovor.db.transaction import Database

log = logging.getLogger(__name__)


async def purge_recordings(db: Database, workspace_id: str) -> int:
    """Delete the workspace's recorded batches older than its retention; how many went."""
    async with db.transaction() as tx:
        settings = await get_settings(tx.session, workspace_id)
        before = clock.now() - timedelta(days=settings.retention_days)
        result = await tx.session.execute(
            delete(CobrowseChunk)
            .where(CobrowseChunk.workspace_id == workspace_id, CobrowseChunk.received_at < before)
            .execution_options(synchronize_session=False)
        )
    deleted = int(getattr(result, "rowcount", 0) or 0)
    if deleted:
        log.info("co-browse retention: deleted %d recorded batches of %s", deleted, workspace_id)
    return deleted


async def purge_all_recordings(db: Database) -> int:
    """The hourly purge: every workspace that ever recorded a session; how many went."""
    async with db.read() as session:
        workspaces = list(
            (
                await session.scalars(
                    select(CobrowseSession.workspace_id)
                    .where(CobrowseSession.recorded.is_(True))
                    .distinct()
                )
            ).all()
        )
    return sum([await purge_recordings(db, workspace_id) for workspace_id in workspaces])
