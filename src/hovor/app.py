"""create_app(): wires the contexts, the bus and the lifespan; nothing else."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from hovor import __version__
from hovor.analytics import listeners as analytics_listeners
from hovor.analytics.api import router as analytics_router
from hovor.analytics.weekly_send import WeeklyReports
from hovor.audit.api import router as audit_router
from hovor.audit.recorder import AuditRecorder
from hovor.auth.api import router as auth_router
from hovor.auth.presence_history import PresenceHours
from hovor.bot import listeners as bot_listeners
from hovor.bot import service as bot_service
from hovor.bot.api import router as bot_router
from hovor.bus import create_bus
from hovor.canned.api import router as canned_router
from hovor.channels.base import ChannelRegistry
from hovor.channels.email.api import router as email_router
from hovor.channels.email.intake_workers import EmailIntake
from hovor.channels.inboxes.api import router as inboxes_router
from hovor.channels.mobile import listeners as push_listeners
from hovor.channels.mobile.api import router as mobile_router
from hovor.channels.outbox import service as outbox
from hovor.channels.outbox.api import router as deliveries_router
from hovor.channels.outbox.worker import OutboxWorker
from hovor.channels.registry import ChannelDeps, build_channels
from hovor.channels.voice import listeners as callback_listeners
from hovor.channels.voice.api import router as callbacks_router
from hovor.channels.voice.telephony import listeners as call_listeners
from hovor.channels.voice.telephony.api import router as calls_router
from hovor.channels.webchat import listeners as webchat_listeners
from hovor.channels.webchat.api import router as widget_router
from hovor.channels.webchat.cors import WidgetCORS
from hovor.channels.whatsapp import listeners as whatsapp_listeners
from hovor.channels.whatsapp.api import router as whatsapp_router
from hovor.cobrowse import listeners as cobrowse_listeners
from hovor.cobrowse.api import router as cobrowse_router
from hovor.cobrowse.sweeper import CobrowseSweeper
from hovor.config import Settings, get_settings
from hovor.contacts import listeners as contact_listeners
from hovor.contacts.api import router as contacts_router
from hovor.contacts.identify import Identify
from hovor.contacts.merge import LinkedRows
from hovor.conversations.api import router as conversations_router
from hovor.conversations.service import do_move_conversations
from hovor.core import problems
from hovor.core.dispatch import Dispatcher
from hovor.core.edge import EdgeGuard
from hovor.core.ratelimit import RateLimiter
from hovor.core.security_headers import SecurityHeaders
from hovor.core.visitor_tokens import VisitorTokens
from hovor.csat import listeners as csat_listeners
from hovor.csat.api import router as csat_router
from hovor.db.transaction import Database
from hovor.demo.shop import router as demo_router
from hovor.engagement.api import router as engagement_router
from hovor.engagement.runtime import Engagement
from hovor.knowledge.api import router as knowledge_router
from hovor.knowledge.pages import router as help_pages_router
from hovor.knowledge.reading import HelpReading
from hovor.knowledge.widget import router as help_search_router
from hovor.leads import listeners as lead_listeners
from hovor.leads.api import router as leads_router
from hovor.leads.sender import LeadWebhookWorker
from hovor.ops import health, metrics
from hovor.ops.access import Peers
from hovor.ops.request_id import RequestIdMiddleware, install_log_filter
from hovor.orders.api import router as orders_router
from hovor.orders.service import do_move_orders
from hovor.privacy import events as privacy_events
from hovor.privacy.api import router as privacy_router
from hovor.privacy.retention import EventRetention
from hovor.realtime import fanout
from hovor.realtime.asyncapi import router as asyncapi_router
from hovor.realtime.gateway import router as gateway_router
from hovor.realtime.socket_quota import create_socket_quota
from hovor.routing import listeners as routing_listeners
from hovor.routing.api import router as routing_router
from hovor.routing.lease import create_lease
from hovor.routing.node import RoutingNode
from hovor.runtime import Runtime
from hovor.tickets import listeners as ticket_listeners
from hovor.tickets.api import router as tickets_router
from hovor.tickets.service import do_move_tickets
from hovor.tracking.api import router as tracking_router
from hovor.tracking.checkpoint import create_checkpoints
from hovor.tracking.service import Tracking
from hovor.tracking.writer import EventLogWriter

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
NOT_BUILT = """<!doctype html><title>Hovor</title><h1>The agent desktop is not built</h1>
<p>Run <code>make run</code> (or <code>cd web && npm ci && npm run build</code>).</p>"""


def build_runtime(settings: Settings) -> tuple[Runtime, RoutingNode, ChannelRegistry]:
    dispatcher = Dispatcher()
    db = Database(settings.database_url, dispatcher)
    bus = create_bus(settings.redis_url)
    channels = build_channels(ChannelDeps(db, bus, settings))
    callback_listeners.register(dispatcher)  # closing a callback's conversation settles it
    # A delivery row with each reply, claimed for this node, whose worker sends it at once.
    outbox.register(
        dispatcher, channels.catalogue, claim_for=timedelta(seconds=settings.outbox_claim_seconds)
    )
    # With a web chat reply, a push to each of the visitor's devices while no socket is open.
    push_listeners.register(
        dispatcher, bus, claim_for=timedelta(seconds=settings.outbox_claim_seconds)
    )
    whatsapp_listeners.register(dispatcher)  # free text outside the 24-hour window: 409
    # Listeners run in registration order: deliver what happened, then react to it (routing),
    # so clients see "conversation.created" before the "conversation.updated" of its assignment.
    webchat_listeners.register(dispatcher, bus)
    fanout.register(dispatcher, bus)
    call_listeners.register(dispatcher, bus)  # call progress to the desktops
    cobrowse_listeners.register(dispatcher, bus, db)  # session changes to widgets and desktops
    lease = create_lease(settings.redis_url, settings.database_url)
    routing = RoutingNode(db, bus, lease, channels.catalogue)
    # The bot holds the conversations it answers from routing, and queues them at hand-off.
    routing_listeners.register(dispatcher, db, routing, hold=bot_service.holds)
    bot_listeners.register(
        dispatcher,
        db,
        bot_service.BotDeps(channels.catalogue, routing.estimated_wait, settings.origin, settings),
    )
    contact_listeners.register(dispatcher, db)  # the timeline hears what happened
    ticket_listeners.register(dispatcher, db)  # open tickets shown on new conversations
    # A closed conversation asks its customer for a rating, on its own channel.
    csat_listeners.register(
        dispatcher, db, channels.catalogue, origin=settings.origin, secret=settings.secret_key
    )
    runtime = Runtime(
        settings=settings,
        db=db,
        bus=bus,
        dispatcher=dispatcher,
        limiter=RateLimiter(settings.redis_url),
        visitor_tokens=VisitorTokens(settings.secret_key, settings.previous_secret_keys),
        channels=channels.catalogue,
    )
    return runtime, routing, channels


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime, routing, channels = build_runtime(settings)
    outbox_worker = OutboxWorker(
        runtime.db, channels, lease=timedelta(seconds=settings.outbox_claim_seconds)
    )
    outbox_worker.register(runtime.dispatcher)  # replies leave as soon as they commit
    email_intake = EmailIntake(runtime.db, settings)  # IMAP polling, the SMTP receiver
    tracking = Tracking(
        EventLogWriter(runtime.db),
        runtime.limiter,
        events_per_minute=settings.tracker_events_per_minute,
        checkpoints=create_checkpoints(settings.redis_url),
    )
    engagement = Engagement(
        runtime.db, runtime.bus, tracking, routing.estimated_wait, channels=runtime.channels
    )
    engagement.register(runtime.dispatcher)
    # An erasure deletes visitors' attachment rows; their files then go from disk.
    push_listeners.remove_erased_files(
        runtime.dispatcher, runtime.db, settings.data_dir, privacy_events.CONTACT_ERASED
    )
    lead_listeners.register(runtime.dispatcher)  # a callback offer accepted is a lead
    lead_webhook = LeadWebhookWorker(runtime.db)
    lead_webhook.register(runtime.dispatcher)  # lead changes reach the CRM after commit
    metrics.register(runtime.dispatcher)  # after it: event -> offer once published
    # Merges move conversations, orders and tickets too; identify events resolve the visitor.
    links = LinkedRows(
        {
            "conversations": do_move_conversations,
            "orders": do_move_orders,
            "tickets": do_move_tickets,
        }
    )
    tracking.on_events(Identify(runtime.db, links).on_events)
    # Help-center reading (article views, searches) onto the contact's timeline.
    help_reading = HelpReading(runtime.db)
    tracking.on_events(help_reading.on_events)
    help_reading.register(runtime.dispatcher)
    retention = EventRetention(runtime.db, settings.event_retention_days)
    backlog = metrics.BacklogPoller(runtime.db)
    cobrowse_sweeper = CobrowseSweeper(runtime.db, runtime.bus)  # lapsed, left, retention
    rollups = analytics_listeners.register(runtime.dispatcher, runtime.db)  # last: reads all
    weekly_reports = WeeklyReports.from_settings(runtime.db, settings)  # Mondays, by e-mail
    presence_hours = PresenceHours(runtime.db)  # staffed time for occupancy, hour by hour
    peers = Peers(settings.trusted_proxies)
    sockets = create_socket_quota(settings.redis_url)  # the cluster's count with Redis
    install_log_filter()  # "%(request_id)s" in the log format names the request

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.bus.start()
        await tracking.writer.start()
        await engagement.start()
        await retention.start()
        await routing.start()
        await outbox_worker.start()
        await email_intake.start()
        await lead_webhook.start()
        await backlog.start()
        await cobrowse_sweeper.start()
        await rollups.start()
        await weekly_reports.start()
        await presence_hours.start()
        # What start-up built lives as long as the process: keep it out of the collector's
        # full passes, which otherwise stall the event loop for tens of milliseconds.
        gc.freeze()
        try:
            yield
        finally:
            await presence_hours.close()
            await weekly_reports.close()
            await rollups.close()
            await cobrowse_sweeper.close()
            await backlog.close()
            await routing.close()
            await retention.close()
            await email_intake.close()
            await outbox_worker.close()  # a claimed delivery is due again after its lease
            await lead_webhook.close()
            await engagement.close()
            await tracking.writer.close()  # stores what is queued before the database closes
            await tracking.checkpoints.close()
            await sockets.close()
            await runtime.bus.close()
            await runtime.db.dispose()

    app = FastAPI(title="Hovor", version=__version__, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.tracking = tracking
    app.state.engagement = engagement
    app.state.contact_links = links
    app.state.channels = channels
    app.state.routing = routing
    app.state.rollups = rollups
    app.state.weekly_reports = weekly_reports
    app.state.peers = peers
    app.state.sockets = sockets  # open sockets per visitor and address
    problems.install(app)
    # Innermost: it sees the route matched. Old entries expire after the retention setting.
    app.add_middleware(AuditRecorder, db=runtime.db, retention_days=settings.audit_retention_days)
    app.add_middleware(EdgeGuard)  # inside CORS: its refusals carry the widget's headers
    app.add_middleware(WidgetCORS)
    app.add_middleware(SecurityHeaders)  # outside CORS and the guard: their answers carry them
    app.add_middleware(RequestIdMiddleware, peers=peers)  # outermost: every line is named
    for router in (
        auth_router,
        audit_router,
        conversations_router,
        widget_router,
        mobile_router,
        email_router,
        inboxes_router,
        deliveries_router,
        whatsapp_router,
        tracking_router,
        engagement_router,
        contacts_router,
        orders_router,
        leads_router,
        privacy_router,
        tickets_router,
        routing_router,
        analytics_router,
        callbacks_router,
        calls_router,
        cobrowse_router,
        canned_router,
        csat_router,
        bot_router,
        knowledge_router,
        help_search_router,
        help_pages_router,
        gateway_router,
        asyncapi_router,
        demo_router,
        health.router,
        metrics.router,
    ):
        app.include_router(router)

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/app/")

    _mount_static(app)
    return app


def _mount_static(app: FastAPI) -> None:
    widget_dir, agent_dir = STATIC_DIR / "widget", STATIC_DIR / "agent"
    if widget_dir.is_dir():
        app.mount("/widget", StaticFiles(directory=widget_dir), name="widget")
    if (agent_dir / "index.html").is_file():
        app.mount("/app", StaticFiles(directory=agent_dir, html=True), name="agent")
    else:
        log.warning("agent desktop not built: %s is missing", agent_dir)

        @app.get("/app/", include_in_schema=False)
        async def not_built() -> HTMLResponse:
            return HTMLResponse(NOT_BUILT, status_code=503)
