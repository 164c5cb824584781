"""Security headers on what the server answers itself: the agent desktop and the API.

The desktop (``/app/``) is a Vite build: one module script and one stylesheet from its own
origin, no inline script or style element, styles set through the CSSOM by React (which
CSP does not govern), its socket on the same origin. So its policy allows only ``'self'``
and cannot be framed by any page. API answers are data, never a document: ``default-src
'none'``. What customer pages load or call (the widget's files under ``/widget/``, the
widget and tracker endpoints, the visitor socket, the demo shop standing in for a
customer's site) keeps the CORS and CSP its embedding page decides; it only gets
``nosniff``, which every answer carries.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DESKTOP_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Paths that customer pages load or call, and the stand-in customer site.
EMBEDDED_PREFIXES = ("/widget", "/v1/widget", "/v1/track", "/v1/visitor", "/demo")

_COMMON = {"x-content-type-options": "nosniff"}
_DESKTOP = {
    **_COMMON,
    "content-security-policy": DESKTOP_CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
_API = {
    **_COMMON,
    "content-security-policy": API_CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def headers_for(path: str) -> dict[str, str]:
    """The security headers an HTTP answer at ``path`` carries."""
    if path == "/app" or path.startswith("/app/"):
        return _DESKTOP
    if path.startswith(EMBEDDED_PREFIXES):
        return _COMMON
    return _API


class SecurityHeaders:
    """ASGI middleware: adds ``headers_for(path)`` to every HTTP answer, keeping a header
    a route set itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
