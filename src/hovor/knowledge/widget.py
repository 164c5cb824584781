"""The widget's help search: ``GET /v1/widget/knowledge/search``, public, by site key.

A page may call it when its origin is among the site key's allowed origins (the widget's
CORS applies: ``/v1/widget/*``); it finds the site key's workspace's published articles.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from hovor.auth.service import check_site_access
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.knowledge.schemas import MAX_QUERY, HitOut, Language, SearchOut
from hovor.knowledge.search import search_articles
from hovor.runtime import RuntimeDep

router = APIRouter(prefix="/v1/widget/knowledge", tags=["widget"], responses=PROBLEM_RESPONSES)


@router.get("/search", response_model=SearchOut)
async def widget_search(
    request: Request,
    runtime: RuntimeDep,
    site: Annotated[str, Query(min_length=1, max_length=64, description="the site key")],
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY)],
    language: Language | None = None,
    limit: Annotated[int, Query(ge=1, le=10)] = 5,
) -> SearchOut:
    """Published help-center articles for the visitor's question, best first; each hit's
    ``url`` is a path on this server (``/help/…``) and ``score`` is in 0..1."""
    address = request.client.host if request.client else "unknown"
    await runtime.limiter.check("60/minute", "help-search", address, what="searches")
    async with runtime.db.read() as session:
        key = await check_site_access(session, site, request.headers.get("origin"))
        hits = await search_articles(session, key.workspace_id, q, language=language, limit=limit)
    return SearchOut(items=[HitOut(**asdict(h)) for h in hits])
