"""HTTP shapes of the widget endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class VisitorSessionIn(BaseModel):
    site_key: str = Field(min_length=1, max_length=64)
    token: str | None = Field(default=None, max_length=1024)
    lang: str | None = Field(
        default=None,
        max_length=35,
        description="the page's language (the snippet's data-lang, <html lang>, the "
        "browser's): picks the greeting and title the site wrote per language",
    )


class VisitorSessionOut(BaseModel):
    visitor_id: str
    token: str
    settings: dict[str, Any]
