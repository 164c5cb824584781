"""Admin API of the knowledge base (``/v1/knowledge``). Thin: parse, access, one operation.

Any signed-in user reads and searches; admins and supervisors write and publish.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.deps import Actor, ActorDep
from hovor.auth.service import require_role
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.knowledge import help_centers, service
from hovor.knowledge.models import Article, Category, HelpCenter, Translation
from hovor.knowledge.schemas import (
    ArticleIn,
    ArticleList,
    ArticleOut,
    ArticlePatch,
    CategoryIn,
    CategoryOut,
    DiffOut,
    HelpCenterIn,
    HelpCenterOut,
    HitOut,
    Language,
    PreviewIn,
    PreviewOut,
    RevisionDetail,
    RevisionOut,
    SearchOut,
    Status,
    StatusIn,
    TranslationIn,
    TranslationOut,
)
from hovor.knowledge.search import help_center_path, search_articles
from hovor.knowledge.text import render
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"], responses=PROBLEM_RESPONSES)


def require_editor(actor: ActorDep) -> Actor:
    require_role(actor.user, "admin", "supervisor")
    return actor


EditorDep = Annotated[Actor, Depends(require_editor)]


async def describe(session: AsyncSession, article: Article) -> ArticleOut:
    rows = await service.translations_of(session, article)
    base = help_center_path(
        await session.get(HelpCenter, article.workspace_id), article.workspace_id
    )
    votes = await service.feedback_counts(session, [t.id for t in rows])
    return ArticleOut(
        id=article.id,
        category_id=article.category_id,
        updated_at=article.updated_at,
        translations=[
            TranslationOut(
                id=t.id,
                language=t.language,
                slug=t.slug,
                title=t.title,
                body=t.body,
                status=t.status,
                version=t.version,
                published_at=t.published_at,
                updated_at=t.updated_at,
                url=f"{base}/{t.language}/{t.slug}",
                helpful=votes.get(t.id, (0, 0))[0],
                not_helpful=votes.get(t.id, (0, 0))[1],
            )
            for t in rows
        ],
    )


@router.get("/categories", response_model=list[CategoryOut])
async def list_categories(actor: ActorDep, runtime: RuntimeDep) -> list[CategoryOut]:
    async with runtime.db.read() as session:
        rows = await session.scalars(
            select(Category)
            .where(Category.workspace_id == actor.workspace_id)
            .order_by(Category.position, Category.slug)
        )
        return [CategoryOut.model_validate(c) for c in rows]


@router.post("/categories", response_model=CategoryOut, status_code=status.HTTP_201_CREATED)
async def create_category(body: CategoryIn, actor: EditorDep, tx: TxDep) -> CategoryOut:
    row = await service.do_save_category(
        tx,
        actor.workspace_id,
        None,
        slug=body.slug,
        names={str(k): v for k, v in body.names.items()},
        position=body.position,
    )
    return CategoryOut.model_validate(row)


@router.put("/categories/{category_id}", response_model=CategoryOut)
async def change_category(
    category_id: str, body: CategoryIn, actor: EditorDep, tx: TxDep
) -> CategoryOut:
    row = await service.do_save_category(
        tx,
        actor.workspace_id,
        category_id,
        slug=body.slug,
        names={str(k): v for k, v in body.names.items()},
        position=body.position,
    )
    return CategoryOut.model_validate(row)


@router.delete("/categories/{category_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_category(category_id: str, actor: EditorDep, tx: TxDep) -> None:
    """The category's articles stay, without a category."""
    row = await service.access_category(tx.session, actor.workspace_id, category_id, None)
    await tx.session.delete(row)


@router.get("/articles", response_model=ArticleList)
async def list_articles(
    actor: ActorDep,
    runtime: RuntimeDep,
    category_id: Annotated[str | None, Query(max_length=26)] = None,
    language: Language | None = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> ArticleList:
    """The workspace's articles, last changed first."""
    async with runtime.db.read() as session:
        query = select(Article).where(Article.workspace_id == actor.workspace_id)
        if category_id is not None:
            query = query.where(Article.category_id == category_id)
        if language is not None or status is not None:
            inner = select(Translation.article_id).where(
                Translation.workspace_id == actor.workspace_id
            )
            if language is not None:
                inner = inner.where(Translation.language == language)
            if status is not None:
                inner = inner.where(Translation.status == status)
            query = query.where(Article.id.in_(inner))
        rows = await session.scalars(
            query.order_by(Article.updated_at.desc(), Article.id.desc()).limit(limit)
        )
        return ArticleList(items=[await describe(session, a) for a in rows])


@router.post("/articles", response_model=ArticleOut, status_code=status.HTTP_201_CREATED)
async def create_article(body: ArticleIn, actor: EditorDep, tx: TxDep) -> ArticleOut:
    """A new article with its first translation, a draft."""
    article = await service.do_create_article(tx, actor.workspace_id, body.category_id)
    await service.do_save_translation(
        tx,
        article,
        language=body.language,
        title=body.title,
        body=body.body,
        slug=body.slug,
        author_id=actor.user.id,
        note="created",
    )
    return await describe(tx.session, article)


@router.get("/articles/{article_id}", response_model=ArticleOut)
async def get_article(article_id: str, actor: ActorDep, runtime: RuntimeDep) -> ArticleOut:
    async with runtime.db.read() as session:
        article = await service.access_article(session, actor.workspace_id, article_id)
        return await describe(session, article)


@router.patch("/articles/{article_id}", response_model=ArticleOut)
async def change_article(
    article_id: str, body: ArticlePatch, actor: EditorDep, tx: TxDep
) -> ArticleOut:
    article = await service.access_article(tx.session, actor.workspace_id, article_id)
    await service.do_change_article(tx, article, body.category_id)
    return await describe(tx.session, article)


@router.delete("/articles/{article_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_article(article_id: str, actor: EditorDep, tx: TxDep) -> None:
    article = await service.access_article(tx.session, actor.workspace_id, article_id)
    await service.do_delete_article(tx, article)


@router.put("/articles/{article_id}/translations/{language}", response_model=ArticleOut)
async def save_translation(
    article_id: str, language: Language, body: TranslationIn, actor: EditorDep, tx: TxDep
) -> ArticleOut:
    """Create or change the translation; the text is kept as its next version."""
    article = await service.access_article(tx.session, actor.workspace_id, article_id)
    await service.do_save_translation(
        tx,
        article,
        language=language,
        title=body.title,
        body=body.body,
        slug=body.slug,
        author_id=actor.user.id,
        note=body.note,
        base_version=body.base_version,
    )
    return await describe(tx.session, article)


@router.post("/articles/{article_id}/translations/{language}/status", response_model=ArticleOut)
async def set_status(
    article_id: str, language: Language, body: StatusIn, actor: EditorDep, tx: TxDep
) -> ArticleOut:
    """Publish (readers, the widget and the bot find it) or take back to draft."""
    article = await service.access_article(tx.session, actor.workspace_id, article_id)
    translation = await service.access_translation(tx.session, article, language)
    await service.do_set_status(tx, translation, body.status)
    return await describe(tx.session, article)


@router.get(
    "/articles/{article_id}/translations/{language}/revisions", response_model=list[RevisionOut]
)
async def list_revisions(
    article_id: str, language: Language, actor: ActorDep, runtime: RuntimeDep
) -> list[RevisionOut]:
    """The translation's saved versions, newest first."""
    async with runtime.db.read() as session:
        article = await service.access_article(session, actor.workspace_id, article_id)
        translation = await service.access_translation(session, article, language)
        return [
            RevisionOut.model_validate(r) for r in await service.revisions(session, translation)
        ]


@router.get(
    "/articles/{article_id}/translations/{language}/revisions/{version}",
    response_model=RevisionDetail,
)
async def get_revision(
    article_id: str, language: Language, version: int, actor: ActorDep, runtime: RuntimeDep
) -> RevisionDetail:
    async with runtime.db.read() as session:
        article = await service.access_article(session, actor.workspace_id, article_id)
        translation = await service.access_translation(session, article, language)
        row = await service.access_revision(session, translation, version, ["path", "version"])
        return RevisionDetail.model_validate(row)


@router.get("/articles/{article_id}/translations/{language}/diff", response_model=DiffOut)
async def diff_revisions(
    article_id: str,
    language: Language,
    actor: ActorDep,
    runtime: RuntimeDep,
    from_version: Annotated[
        int | None, Query(alias="from", ge=1, description="default: the version before `to`")
    ] = None,
    to_version: Annotated[
        int | None, Query(alias="to", ge=1, description="default: the latest version")
    ] = None,
) -> DiffOut:
    """What changed from one version to another, as a unified diff."""
    async with runtime.db.read() as session:
        article = await service.access_article(session, actor.workspace_id, article_id)
        translation = await service.access_translation(session, article, language)
        to_version = to_version or translation.version
        from_version = from_version or max(1, to_version - 1)
        old = await service.access_revision(session, translation, from_version, ["query", "from"])
        new = await service.access_revision(session, translation, to_version, ["query", "to"])
        return DiffOut(
            from_version=old.version, to_version=new.version, diff=service.diff(old, new)
        )


@router.post("/preview", response_model=PreviewOut)
async def preview(body: PreviewIn, actor: ActorDep) -> PreviewOut:
    """The sanitised HTML of some Markdown, exactly as the help center would show it."""
    return PreviewOut(html=render(body.body))


@router.get("/search", response_model=SearchOut)
async def search(
    actor: ActorDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    language: Language | None = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> SearchOut:
    """Published articles matching ``q`` (what the bot and the widget would find)."""
    async with runtime.db.read() as session:
        hits = await search_articles(session, actor.workspace_id, q, language=language, limit=limit)
    return SearchOut(items=[HitOut(**asdict(h)) for h in hits])


@router.get("/help-center", response_model=HelpCenterOut)
async def get_help_center(actor: ActorDep, runtime: RuntimeDep) -> HelpCenterOut:
    async with runtime.db.read() as session:
        row = await help_centers.help_center_of(session, actor.workspace_id)
        return help_center_out(row)


@router.put("/help-center", response_model=HelpCenterOut)
async def save_help_center(body: HelpCenterIn, actor: EditorDep, tx: TxDep) -> HelpCenterOut:
    """The help center's address, title, first language and the site key of its tracker."""
    row = await help_centers.do_save_help_center(
        tx,
        actor.workspace_id,
        slug=body.slug,
        title=body.title,
        default_language=body.default_language,
        site_key_id=body.site_key_id,
    )
    return help_center_out(row)


def help_center_out(row: HelpCenter) -> HelpCenterOut:
    return HelpCenterOut(
        slug=row.slug,
        title=row.title,
        default_language=row.default_language,
        site_key_id=row.site_key_id,
        url=help_center_path(row, row.workspace_id),
    )
