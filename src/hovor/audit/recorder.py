"""What gets into the audit log: one ASGI middleware sees every HTTP request, so a new
endpoint is recorded without anyone remembering to.

Recorded, once the response's status is known and before it reaches the client:

- every state-changing request (POST, PUT, PATCH, DELETE) that succeeded (2xx), made by an
  admin or a supervisor (the roles that administer a workspace), by any account through an
  API token, or to a route that requires the admin role; except an account's own
  conversation work (``WORK``: replies, transfers, presence), which is not administration,
  and posts that change nothing (``NOT_CHANGES``: validate a rule, preview an article);
- the reading endpoints that export personal data (``EXPORTS``), by anyone.

Never the request's body or query (passwords, secrets, personal data): the route's template,
its path parameters (the ids acted on), the status, the client's address (as the server
already believes it: uvicorn applies ``HOVOR_TRUSTED_PROXIES`` to ``X-Forwarded-For``, the
same address the rate limits use) and the request id.

Why not in the action's own transaction: the endpoints open their transactions themselves,
and one mechanism for every endpoint cannot reach into each of them. So the entry is its own
short transaction after the action committed (the endpoint has returned when the response
starts). It is written before the response is sent, so a client that saw the answer finds
the entry; if writing it fails, the action stands and the failure is logged at ERROR with
everything the entry would have held, so the log still tells who did what.

Retention (``HOVOR_AUDIT_RETENTION_DAYS``, default 365, 0 keeps everything): after writing
an entry, a process that has not done so for an hour deletes the entries older than that,
in every workspace. No timer of its own: a log nobody writes to has nothing new to expire
before its next entry, which is when the purge runs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hovor.audit.models import AuditEntry
from hovor.audit.service import do_record_entry, forget_old_entries
from hovor.auth import service as auth
from hovor.auth.deps import SESSION_COOKIE, require_admin
from hovor.auth.models import User
from hovor.db.transaction import Database
from hovor.ops.request_id import request_id

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600.0
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ADMINISTERING_ROLES = frozenset({"admin", "supervisor"})
TOKEN_PREFIX = "hvr_"  # API tokens; other bearers (visitor tokens) are not staff
# Reading endpoints that hand out personal data: recorded for whoever calls them.
EXPORTS = frozenset(
    {
        ("GET", "/v1/contacts/{contact_id}/export"),
        ("GET", "/v1/leads/export.csv"),
        ("GET", "/v1/audit.csv"),
    }
)
# An account's own work on conversations, tasks and tickets, and its session: not audited.
WORK = (
    "/v1/auth/",
    "/v1/me/",
    "/v1/conversations/",
    "/v1/routing/tasks/",
    "/v1/cobrowse/{session_id}/",
    "/v1/tickets/",
    "/v1/visitors/",
)
NOT_CHANGES = frozenset(
    {
        ("POST", "/v1/rules/validate"),
        ("POST", "/v1/rules/backtest"),
        ("POST", "/v1/rule-templates/{template}/build"),
        ("POST", "/v1/knowledge/preview"),
    }
)


@dataclass(frozen=True)
class Who:
    user: User
    via: str  # "session" or "token"
    token_id: str | None = None
    token_name: str | None = None


def _requires_admin(dependant: Dependant) -> bool:
    return any(d.call is require_admin or _requires_admin(d) for d in dependant.dependencies)


def audited_route(method: str, route: APIRoute) -> bool:
    """Whether a successful call of ``route`` may be recorded (before asking who called)."""
    if (method, route.path) in EXPORTS:
        return True
    if method not in CHANGES or (method, route.path) in NOT_CHANGES:
        return False
    return not route.path.startswith(WORK)


def summary_of(route: APIRoute) -> str:
    """The operation's summary in the OpenAPI document, in words: "Create user"."""
    text = route.summary or route.name.replace("_", " ")
    return text[:1].upper() + text[1:].lower() if not route.summary else text


class AuditRecorder:
    def __init__(self, app: ASGIApp, db: Database, retention_days: int = 0) -> None:
        self.app = app
        self.db = db
        self.retention_days = retention_days
        self._admin_only: dict[int, bool] = {}
        self._purged_at: float | None = None  # time.monotonic() of the last purge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        recorded = False

        async def sending(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start":
                recorded = await self._maybe_record(scope, int(message["status"]))
            await send(message)

        await self.app(scope, receive, sending)
        if recorded:  # the client has its answer: expiring old entries holds nobody up
            await self._forget_old()

    async def _maybe_record(self, scope: Scope, status: int) -> bool:
        """Record the request if it is audited; whether an entry was stored."""
        route = scope.get("route")
        method = scope["method"]
        if not 200 <= status < 300 or not isinstance(route, APIRoute):
            return False
        if not audited_route(method, route):
            return False
        try:
            who = await self._who(scope)
            if who is None or not self._counts(method, route, who):
                return False
            entry = self._entry(scope, route, who, status)
        except Exception:
            log.exception("audit: could not tell who made %s %s", method, route.path)
            return False
        try:
            async with self.db.transaction() as tx:
                await do_record_entry(tx, entry)
        except Exception:
            log.exception(
                "audit: entry NOT stored: workspace=%s actor=%s <%s> via=%s token=%s %s %s "
                "target=%s status=%s address=%s request=%s",
                entry.workspace_id,
                entry.actor_id,
                entry.actor_email,
                entry.via,
                entry.token_id,
                entry.method,
                entry.route,
                entry.target,
                entry.status,
                entry.address,
                entry.request_id,
            )
            return False
        return True

    async def _forget_old(self) -> None:
        now = time.monotonic()
        if self.retention_days <= 0:
            return
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = now
        try:
            gone = await forget_old_entries(self.db, self.retention_days)
        except Exception:  # tried again an hour later
            log.exception("audit retention (%d days): purge failed", self.retention_days)
            return
        if gone:
            log.info("audit retention (%d days): deleted %d entries", self.retention_days, gone)

    def _counts(self, method: str, route: APIRoute, who: Who) -> bool:
        if (method, route.path) in EXPORTS or who.via == "token":
            return True
        if who.user.role in ADMINISTERING_ROLES:
            return True
        # An admin who just demoted themselves is an agent by now; the route says they
        # were an admin when it ran.
        key = id(route)
        if key not in self._admin_only:
            self._admin_only[key] = _requires_admin(route.dependant)
        return self._admin_only[key]

    async def _who(self, scope: Scope) -> Who | None:
        """The staff account the request authenticated as; None without asking the database
        when it carries no API token or session cookie (the widget's and tracker's posts)."""
        headers = Headers(scope=scope)
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            raw = authorization[7:].strip()
            if not raw.startswith(TOKEN_PREFIX):
                return None
            async with self.db.read() as session:
                found_token = await auth.get_token_user(session, raw)
            if found_token is None:
                return None
            user, token = found_token
            return Who(user, "token", token.id, token.name)
        cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
        if not cookie:
            return None
        async with self.db.read() as session:
            found = await auth.get_session_user(session, cookie)
        return Who(found[0], "session") if found is not None else None

    @staticmethod
    def _entry(scope: Scope, route: APIRoute, who: Who, status: int) -> AuditEntry:
        params: dict[str, Any] = scope.get("path_params") or {}
        client = scope.get("client")
        return AuditEntry(
            workspace_id=who.user.workspace_id,
            actor_id=who.user.id,
            actor_name=who.user.name[:120],
            actor_email=who.user.email[:254],
            via=who.via,
            token_id=who.token_id,
            token_name=who.token_name[:120] if who.token_name else None,
            method=scope["method"],
            route=route.path[:200],
            target={str(k): str(v)[:200] for k, v in params.items()},
            summary=summary_of(route)[:200],
            status=status,
            address=(client[0] if client else "")[:64],
            request_id=request_id.get()[:64],
        )
