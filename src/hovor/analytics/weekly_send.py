"""Sending the weekly report: once per workspace and week, even with several nodes.

Every node's ``WeeklyReports`` wakes every few minutes; from Monday ``weekly_report_hour``
(in ``weekly_report_tz``) on, it sends last week's report of each workspace that has not
had it. Before sending, a node *claims* the week: it inserts the week's row in
``analytics_weekly_reports`` (the primary key lets only one insert succeed), or takes over
a row whose claim lapsed unsent (the sender died), as the outbox claims its rows. The
winner sends through ``HOVOR_SMTP_URL`` and marks the row sent; a failed send gives the
claim back, so the next wake retries. A node that dies after sending but before marking
the row lets the week be sent again after the lease (at least once, not exactly once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from hovor.analytics.models import WeeklyReportSend
from hovor.analytics.weekly import last_week, render, weekly_figures
from hovor.auth.models import User, Workspace
from hovor.channels.email.smtp import SmtpServer
from hovor.config import Settings
from hovor.core import clock
from hovor.core.ids import new_id
from hovor.db.transaction import Database

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=10)
WAKE_SECONDS = 300.0
RECIPIENT_ROLES = ("admin", "supervisor")


@dataclass(frozen=True)
class WeeklyMail:
    recipients: list[str]
    subject: str
    text: str
    html: str
    message: EmailMessage


async def build_mail(
    db: Database, workspace_id: str, monday: date, tz: ZoneInfo, origin: str, sender: str
) -> WeeklyMail:
    """Last week's mail of a workspace to its active admins and supervisors."""
    async with db.read() as session:
        workspace = await session.get(Workspace, workspace_id)
        recipients = sorted(
            (
                await session.scalars(
                    select(User.email).where(
                        User.workspace_id == workspace_id,
                        User.is_active,
                        User.role.in_(RECIPIENT_ROLES),
                    )
                )
            ).all()
        )
        figures = await weekly_figures(session, workspace_id, monday, tz)
    dashboard = f"{origin}/app/#/analytics?from={figures.period.start}&to={figures.period.end}"
    subject, text, html = render(figures, workspace.name if workspace else "Hovor", dashboard)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return WeeklyMail(recipients, subject, text, html, message)


async def claim_week(db: Database, workspace_id: str, monday: date, node: str) -> bool:
    """Claim the week's report for this node; False when it is sent or another node holds
    a claim that has not lapsed."""
    now = clock.now()
    async with db.transaction() as tx:
        insert = (
            postgresql.insert
            if tx.session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        inserted = await tx.session.execute(
            insert(WeeklyReportSend)
            .values(
                workspace_id=workspace_id,
                week=monday,
                claimed_by=node,
                claimed_until=now + CLAIM_LEASE,
                recipients=0,
            )
            .on_conflict_do_nothing(index_elements=["workspace_id", "week"])
        )
        if getattr(inserted, "rowcount", 0) == 1:
            return True
        taken = await tx.session.execute(
            update(WeeklyReportSend)
            .where(
                WeeklyReportSend.workspace_id == workspace_id,
                WeeklyReportSend.week == monday,
                WeeklyReportSend.sent_at.is_(None),
                WeeklyReportSend.claimed_until <= now,
            )
            .values(claimed_by=node, claimed_until=now + CLAIM_LEASE)
        )
        return getattr(taken, "rowcount", 0) == 1


async def _settle(
    db: Database, workspace_id: str, monday: date, node: str, sent: int | None
) -> None:
    """Mark the claimed week sent (to ``sent`` recipients), or give the claim back."""
    now = clock.now()
    values: dict[str, object] = (
        {"sent_at": now, "recipients": sent} if sent is not None else {"claimed_until": now}
    )
    async with db.transaction() as tx:
        await tx.session.execute(
            update(WeeklyReportSend)
            .where(
                WeeklyReportSend.workspace_id == workspace_id,
                WeeklyReportSend.week == monday,
                WeeklyReportSend.claimed_by == node,
            )
            .values(**values)
        )


@dataclass
class WeeklyReports:
    """The per-node scheduler of the weekly reports (``app.py`` starts it)."""

    db: Database
    smtp: SmtpServer | None
    origin: str
    sender: str
    tz: ZoneInfo
    hour: int
    enabled: bool = True
    node: str = ""
    _task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, db: Database, settings: Settings) -> WeeklyReports:
        return cls(
            db,
            SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None,
            settings.origin,
            settings.weekly_report_from,
            ZoneInfo(settings.weekly_report_tz),
            settings.weekly_report_hour,
            enabled=settings.weekly_report,
        )

    def __post_init__(self) -> None:
        self.node = self.node or f"{socket.gethostname()}:{new_id()}"[:64]

    def due_week(self, now: datetime) -> date | None:
        """Last week's Monday once this week's Monday ``hour`` has passed (local time)."""
        monday = last_week(now, self.tz) + timedelta(days=7)
        starts = datetime(monday.year, monday.month, monday.day, self.hour, tzinfo=self.tz)
        return last_week(now, self.tz) if now >= starts else None

    async def send_due(self) -> int:
        """Send every workspace's report that is due and unsent; how many this node sent."""
        if not self.enabled or self.smtp is None:
            return 0
        week = self.due_week(clock.now())
        if week is None:
            return 0
        async with self.db.read() as session:
            done = set(
                (
                    await session.scalars(
                        select(WeeklyReportSend.workspace_id).where(
                            WeeklyReportSend.week == week, WeeklyReportSend.sent_at.is_not(None)
                        )
                    )
                ).all()
            )
            workspaces = [w for w in (await session.scalars(select(Workspace.id))).all()]
        sent = 0
        for workspace_id in workspaces:
            if workspace_id not in done and await self.send_week(workspace_id, week):
                sent += 1
        return sent

    async def send_week(self, workspace_id: str, monday: date) -> bool:
        """Claim, send and mark one workspace's week; False when another node has it."""
        if self.smtp is None or not await claim_week(self.db, workspace_id, monday, self.node):
            return False
        try:
            mail = await build_mail(
                self.db, workspace_id, monday, self.tz, self.origin, self.sender
            )
            if mail.recipients:
                await self.smtp.send(mail.message)
        except Exception:
            log.exception("analytics: the weekly report of %s could not be sent", workspace_id)
            await _settle(self.db, workspace_id, monday, self.node, None)
            return False
        await _settle(self.db, workspace_id, monday, self.node, len(mail.recipients))
        return True

    async def start(self) -> None:
        if self.enabled and self.smtp is not None:
            self._task = asyncio.create_task(self._run(), name="analytics-weekly-reports")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.send_due()
            except Exception:
                log.exception("analytics: sending the weekly reports failed")
            await asyncio.sleep(WAKE_SECONDS)
