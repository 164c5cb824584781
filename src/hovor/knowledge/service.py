"""Writing the help center: categories, articles and their translations, publishing, history.

Every save of a translation stores its text as the next revision (``version`` counts them)
and refreshes the folded copies the search indexes; the words of the text join the
workspace's vocabulary that typo correction looks in (``search._typos``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.errors import Conflict, NotFound, field_error
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.knowledge.models import Article, Category, Feedback, Revision, Translation, Word
from hovor.knowledge.text import fold, plain_text, words

ARTICLE_PUBLISHED = "article.published"
ARTICLE_UNPUBLISHED = "article.unpublished"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"search"})  # /help/<center>/<lang>/search is the search page


def slugify(title: str) -> str:
    """``"Vrácení zboží"`` -> ``"vraceni-zbozi"``."""
    slug = "-".join(re.findall(r"[a-z0-9]+", fold(title)))[:120].strip("-") or "article"
    return f"{slug}-article" if slug in RESERVED_SLUGS else slug


def check_slug(slug: str, loc: list[str | int]) -> str:
    if _SLUG.fullmatch(slug) is None:
        raise field_error(loc, "lower-case letters, digits and single hyphens only")
    if slug in RESERVED_SLUGS:
        raise field_error(loc, f"{slug} is the address of a help-center page; choose another")
    return slug


async def access_article(session: AsyncSession, workspace_id: str, article_id: str) -> Article:
    row = await session.scalar(
        select(Article).where(Article.id == article_id, Article.workspace_id == workspace_id)
    )
    if row is None:
        raise NotFound("no such article")
    return row


async def access_category(
    session: AsyncSession, workspace_id: str, category_id: str, loc: list[str | int] | None
) -> Category:
    """The workspace's category; else 404 when it came in the path (``loc`` None), or a
    422 naming ``loc`` when it came in a body."""
    row = await session.scalar(
        select(Category).where(Category.id == category_id, Category.workspace_id == workspace_id)
    )
    if row is None:
        if loc is None:
            raise NotFound("no such category")
        raise field_error(loc, "no such category")
    return row


async def translations_of(session: AsyncSession, article: Article) -> Sequence[Translation]:
    return (
        await session.scalars(
            select(Translation)
            .where(Translation.article_id == article.id)
            .order_by(Translation.language)
        )
    ).all()


async def access_translation(session: AsyncSession, article: Article, language: str) -> Translation:
    row = await session.scalar(
        select(Translation).where(
            Translation.article_id == article.id, Translation.language == language
        )
    )
    if row is None:
        raise NotFound(f"the article has no {language} translation")
    return row


async def _check_slug_free(
    session: AsyncSession, workspace_id: str, language: str, slug: str, own_id: str | None
) -> None:
    taken = await session.scalar(
        select(Translation.id).where(
            Translation.workspace_id == workspace_id,
            Translation.language == language,
            Translation.slug == slug,
        )
    )
    if taken is not None and taken != own_id:
        raise field_error(["body", "slug"], f"another {language} article has the slug {slug}")


async def _add_words(session: AsyncSession, workspace_id: str, text: str) -> None:
    found = {w for w in words(text) if 3 <= len(w) <= 64 and not w.isdigit()}
    if not found:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(Word).on_conflict_do_nothing(index_elements=["workspace_id", "word"]),
        [{"workspace_id": workspace_id, "word": w} for w in sorted(found)],
    )


async def do_save_category(
    tx: Tx,
    workspace_id: str,
    category_id: str | None,
    *,
    slug: str,
    names: dict[str, str],
    position: int,
) -> Category:
    """Create a category (``category_id`` None) or change one."""
    session = tx.session
    row = (
        None
        if category_id is None
        else await access_category(session, workspace_id, category_id, None)
    )
    taken = await session.scalar(
        select(Category.id).where(Category.workspace_id == workspace_id, Category.slug == slug)
    )
    if taken is not None and taken != category_id:
        raise field_error(["body", "slug"], f"another category has the slug {slug}")
    if row is None:
        row = Category(workspace_id=workspace_id, slug=slug, names=names, position=position)
        session.add(row)
    else:
        assert row is not None
        row.slug, row.names, row.position = slug, names, position
    await session.flush()
    return row


async def do_create_article(tx: Tx, workspace_id: str, category_id: str | None) -> Article:
    if category_id is not None:
        await access_category(tx.session, workspace_id, category_id, ["body", "category_id"])
    article = Article(workspace_id=workspace_id, category_id=category_id)
    tx.session.add(article)
    await tx.session.flush()
    return article


async def do_change_article(tx: Tx, article: Article, category_id: str | None) -> None:
    if category_id is not None:
        await access_category(
            tx.session, article.workspace_id, category_id, ["body", "category_id"]
        )
    article.category_id = category_id
    article.updated_at = clock.now()


async def do_save_translation(
    tx: Tx,
    article: Article,
    *,
    language: str,
    title: str,
    body: str,
    slug: str | None,
    author_id: str | None,
    note: str = "",
    base_version: int | None = None,
) -> Translation:
    """Create or change the article's translation in ``language`` and keep the text as a new
    revision. ``base_version``, when given, must be the version the author started from
    (409 otherwise: someone else saved meanwhile)."""
    session = tx.session
    row = await session.scalar(
        select(Translation).where(
            Translation.article_id == article.id, Translation.language == language
        )
    )
    if row is not None and base_version is not None and base_version != row.version:
        raise Conflict(
            f"version {row.version} was saved after version {base_version}: reload and merge"
        )
    slug = slug or (row.slug if row is not None else slugify(title))
    check_slug(slug, ["body", "slug"])
    await _check_slug_free(
        session, article.workspace_id, language, slug, row.id if row is not None else None
    )
    now = clock.now()
    if row is None:
        row = Translation(
            workspace_id=article.workspace_id,
            article_id=article.id,
            language=language,
            version=1,
            status="draft",
            slug=slug,
            title=title,
            body=body,
        )
        session.add(row)
    else:
        if row.title == title and row.body == body and row.slug == slug:
            return row  # nothing changed: no empty revision
        row.version += 1
    row.slug, row.title, row.body, row.updated_at = slug, title, body, now
    row.search_title = fold(title)
    row.search_body = fold(plain_text(body))
    article.updated_at = now
    await session.flush()
    session.add(
        Revision(
            workspace_id=article.workspace_id,
            translation_id=row.id,
            version=row.version,
            title=title,
            body=body,
            author_id=author_id,
            note=note,
        )
    )
    await _add_words(session, article.workspace_id, f"{title} {row.search_body}")
    return row


async def do_set_status(tx: Tx, translation: Translation, status: str) -> None:
    """Publish or unpublish a translation (readers and search see only published ones)."""
    if translation.status == status:
        return
    translation.status = status
    if status == "published":
        translation.published_at = clock.now()
    tx.publish_on_commit(
        DomainEvent(
            ARTICLE_PUBLISHED if status == "published" else ARTICLE_UNPUBLISHED,
            translation.workspace_id,
            {
                "article_id": translation.article_id,
                "language": translation.language,
                "slug": translation.slug,
                "version": translation.version,
            },
        )
    )


async def do_delete_article(tx: Tx, article: Article) -> None:
    # Translations first, by a statement of their own (SQLite's FTS triggers fire per row);
    # the ORM alone would not order this delete before the article's.
    await tx.session.execute(delete(Translation).where(Translation.article_id == article.id))
    await tx.session.delete(article)


async def revisions(session: AsyncSession, translation: Translation) -> Sequence[Revision]:
    return (
        await session.scalars(
            select(Revision)
            .where(Revision.translation_id == translation.id)
            .order_by(Revision.version.desc())
        )
    ).all()


async def access_revision(
    session: AsyncSession, translation: Translation, version: int, loc: list[str | int]
) -> Revision:
    row = await session.scalar(
        select(Revision).where(
            Revision.translation_id == translation.id, Revision.version == version
        )
    )
    if row is None:
        raise field_error(loc, f"no version {version}")
    return row


def diff(old: Revision, new: Revision) -> str:
    """A unified diff of two revisions (title as the first line, then the Markdown)."""
    before = [f"# {old.title}", "", *old.body.splitlines()]
    after = [f"# {new.title}", "", *new.body.splitlines()]
    return "\n".join(
        difflib.unified_diff(
            before,
            after,
            fromfile=f"version {old.version}",
            tofile=f"version {new.version}",
            lineterm="",
        )
    )


async def feedback_counts(
    session: AsyncSession, translation_ids: list[str]
) -> dict[str, tuple[int, int]]:
    """``{translation_id: (helpful, not helpful)}``."""
    if not translation_ids:
        return {}
    result: dict[str, tuple[int, int]] = {}
    rows = await session.execute(
        select(Feedback.translation_id, Feedback.helpful, func.count())
        .where(Feedback.translation_id.in_(translation_ids))
        .group_by(Feedback.translation_id, Feedback.helpful)
    )
    for translation_id, helpful, count in rows:
        yes, no = result.get(translation_id, (0, 0))
        result[translation_id] = (yes + count, no) if helpful else (yes, no + count)
    return result
