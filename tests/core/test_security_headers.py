"""Security headers: strict on the desktop and the API, only nosniff where customer pages
embed or call us (their CORS and CSP stay theirs)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from hovor.core import problems
from hovor.core.security_headers import API_CSP, DESKTOP_CSP, SecurityHeaders


def build() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    app.add_middleware(SecurityHeaders)

    @app.get("/app/")
    async def desktop() -> PlainTextResponse:
        return PlainTextResponse("<!doctype html>", media_type="text/html")

    @app.get("/v1/contacts")
    async def contacts() -> list[str]:
        return []

    @app.get("/v1/widget/config")
    async def widget() -> PlainTextResponse:
        return PlainTextResponse("{}", headers={"Content-Security-Policy": "sandbox"})

    return app


async def get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=build())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_the_desktop_gets_its_strict_policy_and_cannot_be_framed() -> None:
    r = await get("/app/")
    assert r.headers["content-security-policy"] == DESKTOP_CSP
    assert "'unsafe-inline'" not in DESKTOP_CSP and "'unsafe-eval'" not in DESKTOP_CSP
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/v1/contacts", "/v1/nowhere"])
async def test_api_answers_and_errors_are_never_documents(path: str) -> None:
    r = await get(path)
    assert r.headers["content-security-policy"] == API_CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


async def test_what_customer_pages_call_gets_only_nosniff_and_keeps_its_own() -> None:
    r = await get("/v1/widget/config")
    assert r.headers["content-security-policy"] == "sandbox"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in r.headers and "referrer-policy" not in r.headers
    r = await get("/widget/hovor.js")
    assert "content-security-policy" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"
