"""The public help center: server-rendered pages at ``/help/<slug or workspace id>/…``.

Pages are plain HTML (no JavaScript of their own) and carry the Hovor tracker when the help
center names a site key (whose allowed origins must include Hovor's own origin): each page
is a ``page.view`` with ``page_type`` ``article`` on articles, ``help`` elsewhere, and a
search sends a ``search`` event ``{query, results}``, so both land on the visitor's (and
the contact's) timeline and rules can use them.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core.errors import NotFound, field_error
from hovor.knowledge.help_centers import find_help_center, site_key_of
from hovor.knowledge.models import Article, Category, Feedback, HelpCenter, Translation
from hovor.knowledge.schemas import MAX_QUERY, Language
from hovor.knowledge.search import help_center_path, search_articles
from hovor.knowledge.templates import ENVIRONMENT, WORDS
from hovor.knowledge.text import render
from hovor.runtime import RuntimeDep

router = APIRouter(prefix="/help", include_in_schema=False)


def _policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' https: http:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


async def _page(
    session: AsyncSession,
    center: HelpCenter,
    lang: str,
    template: str,
    *,
    page_type: str = "help",
    **context: Any,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    site = await site_key_of(session, center)
    languages = sorted(
        set(
            await session.scalars(
                select(Translation.language)
                .where(
                    Translation.workspace_id == center.workspace_id,
                    Translation.status == "published",
                )
                .distinct()
            )
        )
        | {center.default_language}
    )
    html = ENVIRONMENT.get_template(template).render(
        center=center,
        base=help_center_path(center, center.workspace_id),
        lang=lang,
        w=WORDS.get(lang, WORDS["en"]),
        languages=languages,
        nonce=nonce,
        site_key=site.key if site is not None else None,
        page_type=page_type,
        **context,
    )
    return HTMLResponse(
        html,
        headers={
            "content-security-policy": _policy(nonce),
            "referrer-policy": "strict-origin-when-cross-origin",
            "x-frame-options": "DENY",
            "cache-control": "no-store",
        },
    )


async def _published(
    session: AsyncSession, center: HelpCenter, lang: str, slug: str
) -> Translation:
    row = await session.scalar(
        select(Translation).where(
            Translation.workspace_id == center.workspace_id,
            Translation.language == lang,
            Translation.slug == slug,
            Translation.status == "published",
        )
    )
    if row is None:
        raise NotFound("no such article")
    return row


@router.get("/{center_key}")
async def home_redirect(center_key: str, runtime: RuntimeDep) -> RedirectResponse:
    async with runtime.db.read() as session:
        center = await find_help_center(session, center_key)
    base = help_center_path(center, center.workspace_id)
    return RedirectResponse(f"{base}/{center.default_language}", status_code=302)


@router.get("/{center_key}/{lang}")
async def home(center_key: str, lang: Language, runtime: RuntimeDep) -> HTMLResponse:
    """Categories and their published articles in one language."""
    async with runtime.db.read() as session:
        center = await find_help_center(session, center_key)
        categories = list(
            await session.scalars(
                select(Category)
                .where(Category.workspace_id == center.workspace_id)
                .order_by(Category.position, Category.slug)
            )
        )
        rows = await session.execute(
            select(Translation, Article.category_id)
            .join(Article, Article.id == Translation.article_id)
            .where(
                Translation.workspace_id == center.workspace_id,
                Translation.language == lang,
                Translation.status == "published",
            )
            .order_by(Translation.title)
        )
        by_category: dict[str | None, list[Translation]] = {}
        for translation, category_id in rows:
            by_category.setdefault(category_id, []).append(translation)
        w = WORDS.get(lang, WORDS["en"])
        groups = [
            {
                "name": c.names.get(lang) or next(iter(c.names.values()), c.slug),
                "articles": by_category.pop(c.id),
            }
            for c in categories
            if c.id in by_category
        ]
        rest = [t for ts in by_category.values() for t in ts]
        if rest:
            groups.append({"name": w["other"], "articles": rest})
        return await _page(session, center, lang, "home.html", groups=groups)


@router.get("/{center_key}/{lang}/search")
async def search_page(
    center_key: str,
    lang: Language,
    runtime: RuntimeDep,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
) -> HTMLResponse:
    async with runtime.db.read() as session:
        center = await find_help_center(session, center_key)
        hits = (
            await search_articles(session, center.workspace_id, q, language=lang, limit=10)
            if q.strip()
            else []
        )
        return await _page(session, center, lang, "search.html", query=q, hits=hits)


@router.get("/{center_key}/{lang}/{slug}")
async def article_page(
    center_key: str, lang: Language, slug: str, runtime: RuntimeDep, thanks: bool = False
) -> HTMLResponse:
    async with runtime.db.read() as session:
        center = await find_help_center(session, center_key)
        article = await _published(session, center, lang, slug)
        return await _page(
            session,
            center,
            lang,
            "article.html",
            page_type="article",
            article=article,
            html=render(article.body),
            thanks=thanks,
        )


@router.post("/{center_key}/{lang}/{slug}/feedback")
async def feedback(
    center_key: str,
    lang: Language,
    slug: str,
    request: Request,
    runtime: RuntimeDep,
) -> RedirectResponse:
    """One anonymous "did this help?" answer (form field ``helpful``: yes or no), then back
    to the article."""
    form = parse_qs((await request.body())[:1000].decode("utf-8", "replace"))
    helpful = (form.get("helpful") or [""])[0]
    if helpful not in ("yes", "no"):
        raise field_error(["body", "helpful"], "yes or no")
    address = request.client.host if request.client else "unknown"
    await runtime.limiter.check("30/minute", "help-feedback", address, what="answers")
    async with runtime.db.transaction() as tx:
        center = await find_help_center(tx.session, center_key)
        article = await _published(tx.session, center, lang, slug)
        tx.session.add(
            Feedback(
                workspace_id=center.workspace_id,
                translation_id=article.id,
                helpful=helpful == "yes",
            )
        )
    base = help_center_path(center, center.workspace_id)
    return RedirectResponse(f"{base}/{lang}/{slug}?thanks=true", status_code=303)
