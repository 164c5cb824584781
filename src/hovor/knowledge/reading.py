"""What a visitor read and searched on the help center, onto their contact's timeline.

The help center's pages send ``page.view`` with ``page_type`` ``article`` and ``search``
events through the tracker like any page (``pages.py``). This records each as an
``article.viewed`` or ``help.searched`` timeline entry of the visitor's contact: at once
when the visitor is already a contact, else when their first conversation starts (the
last day's reading is looked up in the event log), so the agent who picks the
conversation up sees what was read. Entries are idempotent by the tracker's event id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from hovor.contacts import timeline
from hovor.contacts.service import find_by_identity, identities_of
from hovor.conversations.events import CONVERSATION_CREATED
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database, Tx
from hovor.tracking.live import LiveVisitor
from hovor.tracking.models import TrackedEvent
from hovor.tracking.service import Tracked

ARTICLE_VIEWED = "article.viewed"
HELP_SEARCHED = "help.searched"
LOOK_BACK = timedelta(days=1)


def _path(page: dict[str, Any], props: dict[str, Any]) -> str:
    path = props.get("path")
    if isinstance(path, str):
        return path
    url = page.get("url")
    return urlsplit(url).path if isinstance(url, str) else ""


def is_help_reading(kind: str, props: dict[str, Any], page: dict[str, Any]) -> bool:
    if not _path(page, props).startswith("/help/"):
        return False
    return kind == "search" or (kind == "page.view" and props.get("page_type") == "article")


async def record_reading(
    tx: Tx,
    workspace_id: str,
    contact_id: str,
    *,
    event_id: str,
    kind: str,
    ts: datetime,
    props: dict[str, Any],
    page: dict[str, Any],
) -> None:
    title = str(page.get("title") or _path(page, props))[:200]
    if kind == "search":
        query = str(props.get("query", ""))[:200]
        await timeline.do_record(
            tx, workspace_id, contact_id, HELP_SEARCHED, ts, "tracked_event", event_id,
            f"Searched the help center for “{query}”",
            {"query": query, "results": props.get("results"), "url": page.get("url")},
        )  # fmt: skip
    else:
        await timeline.do_record(
            tx, workspace_id, contact_id, ARTICLE_VIEWED, ts, "tracked_event", event_id,
            f"Read the help article “{title}”",
            {"title": title, "url": page.get("url"), "path": _path(page, props)},
        )  # fmt: skip


class HelpReading:
    """Registered with ``Tracking.on_events`` and on the dispatcher (``register``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def on_events(self, visitor: LiveVisitor, tracked: Sequence[Tracked]) -> None:
        reading = [e for e in tracked if is_help_reading(e.type, e.props, e.page)]
        if not reading:
            return
        async with self._db.transaction() as tx:
            contact = await find_by_identity(
                tx.session, visitor.workspace_id, "visitor", visitor.visitor_id
            )
            if contact is None:
                return  # recorded when the visitor's first conversation starts
            for e in reading:
                await record_reading(
                    tx, visitor.workspace_id, contact.id, event_id=e.event_id, kind=e.type,
                    ts=e.ts, props=e.props, page=e.page,
                )  # fmt: skip

    async def backfill(self, event: DomainEvent) -> None:
        """A conversation started: the contact's help reading of the last day, if any."""
        contact_id = event.payload["conversation"]["contact"]["id"]
        since = event.occurred_at - LOOK_BACK
        async with self._db.transaction() as tx:
            visitors = [
                i.value
                for i in await identities_of(tx.session, event.workspace_id, contact_id)
                if i.kind == "visitor"
            ]
            if not visitors:
                return
            rows = await tx.session.scalars(
                select(TrackedEvent).where(
                    TrackedEvent.workspace_id == event.workspace_id,
                    TrackedEvent.visitor_id.in_(visitors),
                    TrackedEvent.ts >= since,
                    TrackedEvent.type.in_(("page.view", "search")),
                )
            )
            for row in rows:
                if is_help_reading(row.type, row.props, row.page):
                    await record_reading(
                        tx, event.workspace_id, contact_id, event_id=row.event_id,
                        kind=row.type, ts=row.ts, props=row.props, page=row.page,
                    )  # fmt: skip

    def register(self, dispatcher: Dispatcher) -> None:
        dispatcher.on(CONVERSATION_CREATED)(self.backfill)
