"""Serves the demo shop at /demo/shop/, its pages carrying the Hovor snippet like any site."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hovor.core.errors import NotFound
from hovor.demo.seed import DEMO_SITE_KEY

SHOP_DIR = Path(__file__).parent / "shop"
router = APIRouter(include_in_schema=False)


@router.get("/demo/shop")
async def shop_root() -> RedirectResponse:
    return RedirectResponse("/demo/shop/")


@router.get("/demo/shop/{path:path}")
async def shop_file(path: str, request: Request) -> Response:
    path = path or "index.html"
    target = (SHOP_DIR / path).resolve()
    if not target.is_relative_to(SHOP_DIR.resolve()) or not target.is_file():
        raise NotFound("no such page in the demo shop")
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix != ".html":
        return Response(target.read_bytes(), media_type=media_type)
    origin = f"{request.url.scheme}://{request.url.netloc}"
    html = (
        target.read_text()
        .replace("{{HOVOR_ORIGIN}}", origin)
        .replace("{{SITE_KEY}}", DEMO_SITE_KEY)
    )
    return Response(html, media_type="text/html; charset=utf-8")
