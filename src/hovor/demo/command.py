"""``hovor demo`` and ``hovor run --demo``: the demo workspace's simulated history, with a
progress bar (tqdm, on standard error)."""

from __future__ import annotations

import sys

from sqlalchemy import select
from tqdm import tqdm

from hovor.analytics.rollups import rebuild
from hovor.auth.models import SiteKey
from hovor.db.transaction import Database
from hovor.demo.cleanup import has_history
from hovor.demo.history import generate_history
from hovor.demo.seed import DEMO_SITE_KEY


async def seed_history(
    db: Database, *, days: int, visitors: int, seed: int = 1, regenerate: bool
) -> int | None:
    """Write ``visitors`` simulated visits over the last ``days`` into the demo workspace
    (seeded before). Without ``regenerate`` an existing history is kept (``run --demo``
    starts quickly the second time); returns how many visits were written, or None."""
    async with db.read() as session:
        workspace_id = await session.scalar(
            select(SiteKey.workspace_id).where(SiteKey.key == DEMO_SITE_KEY)
        )
    if workspace_id is None:
        raise RuntimeError("seed the demo workspace first")
    if days <= 0 or visitors <= 0:
        return None
    if not regenerate and await has_history(db, workspace_id):
        return None
    with tqdm(
        total=visitors, desc=f"demo: {days} days of history", unit=" visits", file=sys.stderr
    ) as bar:
        written = await generate_history(
            db, workspace_id, days=days, visitors=visitors, seed=seed, progress=bar.update
        )
    # The rows were written without the running app's listeners: backfill the analytics
    # rollups from them (what `hovor analytics rebuild` does).
    await rebuild(db)
    return written
