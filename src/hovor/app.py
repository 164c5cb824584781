"""create_app(): wires the contexts, the bus and the lifespan; nothing else."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from hovor import __version__
from hovor.auth.api import router as auth_router
from hovor.bus import create_bus
from hovor.channels import outbound
from hovor.channels.base import ChannelRegistry
from hovor.channels.email.adapter import EmailAdapter
from hovor.channels.email.api import router as email_router
from hovor.channels.email.smtp import SmtpServer
from hovor.channels.voice.adapter import CallbackAdapter
from hovor.channels.voice.api import router as callbacks_router
from hovor.channels.webchat import listeners as webchat_listeners
from hovor.channels.webchat.adapter import WebChatAdapter
from hovor.channels.webchat.api import router as widget_router
from hovor.channels.webchat.cors import WidgetCORS
from hovor.config import Settings, get_settings
from hovor.contacts import listeners as contact_listeners
from hovor.contacts.api import router as contacts_router
from hovor.contacts.identify import Identify
from hovor.contacts.merge import LinkedRows
from hovor.conversations.api import router as conversations_router
from hovor.conversations.service import do_move_conversations
from hovor.core import problems
from hovor.core.dispatch import Dispatcher
from hovor.core.ratelimit import RateLimiter
from hovor.core.visitor_tokens import VisitorTokens
from hovor.db.transaction import Database
from hovor.demo.shop import router as demo_router
from hovor.engagement.api import router as engagement_router
from hovor.engagement.runtime import Engagement
from hovor.orders.api import router as orders_router
from hovor.orders.service import do_move_orders
from hovor.privacy.api import router as privacy_router
from hovor.privacy.retention import EventRetention
from hovor.realtime import fanout
from hovor.realtime.gateway import router as gateway_router
from hovor.routing import listeners as routing_listeners
from hovor.routing.api import router as routing_router
from hovor.routing.node import RoutingNode, create_lease
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


def build_runtime(
    settings: Settings, channels: ChannelRegistry | None = None
) -> tuple[Runtime, RoutingNode]:
    dispatcher = Dispatcher()
    db = Database(settings.database_url, dispatcher)
    bus = create_bus(settings.redis_url)
    channels = channels if channels is not None else ChannelRegistry()
    channels.add(WebChatAdapter(bus))
    channels.add(CallbackAdapter())
    smtp = SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None
    channels.add(EmailAdapter(db, smtp))
    # Listeners run in registration order: deliver what happened, then react to it (routing),
    # so clients see "conversation.created" before the "conversation.updated" of its assignment.
    outbound.register(dispatcher, channels)
    webchat_listeners.register(dispatcher, bus)
    fanout.register(dispatcher, bus)
    routing = RoutingNode(db, bus, create_lease(settings.redis_url, settings.database_url))
    routing_listeners.register(dispatcher, db, routing)
    contact_listeners.register(dispatcher, db)  # the timeline hears what happened
    ticket_listeners.register(dispatcher, db)  # open tickets shown on new conversations
    runtime = Runtime(
        settings=settings,
        db=db,
        bus=bus,
        dispatcher=dispatcher,
        limiter=RateLimiter(settings.redis_url),
        visitor_tokens=VisitorTokens(settings.secret_key),
    )
    return runtime, routing


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    channels = ChannelRegistry()
    runtime, routing = build_runtime(settings, channels)
    tracking = Tracking(
        EventLogWriter(runtime.db),
        runtime.limiter,
        events_per_minute=settings.tracker_events_per_minute,
        checkpoints=create_checkpoints(settings.redis_url),
    )
    engagement = Engagement(runtime.db, runtime.bus, tracking, routing.estimated_wait)
    engagement.register(runtime.dispatcher)
    # Merges move conversations, orders and tickets too; identify events resolve the visitor.
    links = LinkedRows(
        {
            "conversations": do_move_conversations,
            "orders": do_move_orders,
            "tickets": do_move_tickets,
        }
    )
    tracking.on_events(Identify(runtime.db, links).on_events)
    retention = EventRetention(runtime.db, settings.event_retention_days)
    email = channels.get("email")
    assert isinstance(email, EmailAdapter)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.bus.start()
        await tracking.writer.start()
        await engagement.start()
        await retention.start()
        await routing.start()
        # What start-up built lives as long as the process: keep it out of the collector's
        # full passes, which otherwise stall the event loop for tens of milliseconds.
        gc.freeze()
        try:
            yield
        finally:
            await routing.close()
            await retention.close()
            await email.close()  # deliveries still retrying stay "pending" in the table
            await engagement.close()
            await tracking.writer.close()  # stores what is queued before the database closes
            await tracking.checkpoints.close()
            await runtime.bus.close()
            await runtime.db.dispose()

    app = FastAPI(title="Hovor", version=__version__, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.tracking = tracking
    app.state.engagement = engagement
    app.state.contact_links = links
    app.state.email = email
    app.state.routing = routing
    problems.install(app)
    app.add_middleware(WidgetCORS)
    for router in (
        auth_router,
        conversations_router,
        widget_router,
        email_router,
        tracking_router,
        engagement_router,
        contacts_router,
        orders_router,
        privacy_router,
        tickets_router,
        routing_router,
        callbacks_router,
        gateway_router,
        demo_router,
    ):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

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
