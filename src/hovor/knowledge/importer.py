"""Importing a help center kept as files: a folder of Markdown articles with front matter.

The layout (``tests/data/help_center`` is the example the demo and the benchmark use)::

    categories.json                 {"returns": {"cs": "Vrácení zboží", "en": "Returns"}, ...}
    <any folders>/<name>.md         one translation of one article:

    ---
    id: returns-30-days             the article (its translations share it)
    slug: vraceni-zbozi-do-30-dnu   the page's address in this language
    category: returns               a key of categories.json (or any slug)
    language: cs
    title: Vrácení zboží do 30 dnů
    ---
    Markdown body…

``read_folder`` checks every file before anything is written (a bad file names itself and
its field, and nothing is imported); ``do_import`` writes through the same ``do_*``
operations as the API, so every save is a revision and the search indexes it. Importing
again is safe: an article is found by the slug of any of its translations, an unchanged
text leaves no new revision.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import select

from hovor.db.transaction import Tx
from hovor.knowledge import service
from hovor.knowledge.models import Article, Category, Translation
from hovor.knowledge.schemas import MAX_BODY, MAX_TITLE, Language, Slug

log = logging.getLogger(__name__)

# The demo shop's help center, present in a source checkout (not in an installed wheel).
SAMPLE_FOLDER = Path(__file__).resolve().parents[3] / "tests" / "data" / "help_center"
MAX_FILES = 20_000


class FolderError(ValueError):
    """A file of the folder that cannot be imported: ``"<file>: <field>: <reason>"``."""


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[\w.-]+$")]
    slug: Slug
    category: Slug
    language: Language
    title: str = Field(min_length=1, max_length=MAX_TITLE)


@dataclass(frozen=True, slots=True)
class SourceTranslation:
    language: str
    slug: str
    title: str
    body: str
    file: str = ""


@dataclass(frozen=True, slots=True)
class SourceArticle:
    key: str  # the front matter's ``id``
    category: str
    translations: tuple[SourceTranslation, ...]


@dataclass(frozen=True, slots=True)
class Folder:
    categories: dict[str, dict[str, str]]
    articles: list[SourceArticle]


@dataclass(slots=True)
class ImportResult:
    article_ids: dict[str, str] = field(default_factory=dict)  # front matter id -> Article.id
    created: int = 0  # translations
    changed: int = 0
    unchanged: int = 0


def parse_file(text: str, name: str) -> tuple[FrontMatter, str]:
    """The front matter and the Markdown body of one file."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise FolderError(f"{name}: the file must start with a '---' line of front matter")
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
    except StopIteration:
        raise FolderError(f"{name}: the front matter has no closing '---' line") from None
    try:
        meta: Any = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise FolderError(f"{name}: front matter: {exc}".splitlines()[0]) from None
    if not isinstance(meta, dict):
        raise FolderError(f"{name}: front matter: expected 'key: value' lines")
    try:
        front = FrontMatter.model_validate({k: str(v) for k, v in meta.items()})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "front matter"
        raise FolderError(f"{name}: {where}: {first['msg']}") from None
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    if len(body) > MAX_BODY:
        raise FolderError(f"{name}: body: longer than {MAX_BODY} characters")
    return front, body


def _categories(path: Path) -> dict[str, dict[str, str]]:
    file = path / "categories.json"
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FolderError(f"categories.json: {exc}") from None
    valid = isinstance(data, dict) and all(
        isinstance(names, dict) and all(isinstance(n, str) and n for n in names.values())
        for names in data.values()
    )
    if not valid:
        raise FolderError('categories.json: expected {"<category>": {"<language>": "<name>"}}')
    return {str(key): {str(k): str(v) for k, v in names.items()} for key, names in data.items()}


def read_folder(path: Path) -> Folder:
    """Every article of the folder, checked (raises ``FolderError`` on the first bad file)."""
    if not path.is_dir():
        raise FolderError(f"{path}: not a folder")
    files = sorted(path.rglob("*.md"))
    if not files:
        raise FolderError(f"{path}: no .md files")
    if len(files) > MAX_FILES:
        raise FolderError(f"{path}: more than {MAX_FILES} .md files")
    grouped: dict[str, list[SourceTranslation]] = {}
    category_of: dict[str, tuple[str, str]] = {}
    slugs: dict[tuple[str, str], str] = {}
    for file in files:
        name = str(file.relative_to(path))
        try:
            text = file.read_text("utf-8")
        except UnicodeDecodeError:
            raise FolderError(f"{name}: not UTF-8 text") from None
        front, body = parse_file(text, name)
        for other in grouped.get(front.id, []):
            if other.language == front.language:
                raise FolderError(
                    f"{name}: language: {other.file} is already the {front.language} "
                    f"translation of {front.id}"
                )
        if front.id in category_of and category_of[front.id][0] != front.category:
            first = category_of[front.id][1]
            raise FolderError(f"{name}: category: {first} puts {front.id} in another category")
        if (front.language, front.slug) in slugs:
            raise FolderError(
                f"{name}: slug: {slugs[(front.language, front.slug)]} has the same slug"
            )
        slugs[(front.language, front.slug)] = name
        category_of.setdefault(front.id, (front.category, name))
        grouped.setdefault(front.id, []).append(
            SourceTranslation(front.language, front.slug, front.title, body, name)
        )
    articles = [
        SourceArticle(key, category_of[key][0], tuple(translations))
        for key, translations in grouped.items()
    ]
    return Folder(_categories(path), articles)


async def _category_ids(
    tx: Tx, workspace_id: str, folder: Folder, used: set[str]
) -> dict[str, str]:
    existing = {
        row.slug: row
        for row in await tx.session.scalars(
            select(Category).where(Category.workspace_id == workspace_id)
        )
    }
    ids: dict[str, str] = {}
    order = list(folder.categories) + sorted(used - set(folder.categories))
    for position, slug in enumerate(order):
        if slug not in used:
            continue
        names = folder.categories.get(slug) or {"en": slug.replace("-", " ").capitalize()}
        row = existing.get(slug)
        if row is None:
            row = await service.do_save_category(
                tx, workspace_id, None, slug=slug, names=names, position=position
            )
        ids[slug] = row.id
    return ids


async def _existing_article(tx: Tx, workspace_id: str, source: SourceArticle) -> Article | None:
    for t in source.translations:
        article_id = await tx.session.scalar(
            select(Translation.article_id).where(
                Translation.workspace_id == workspace_id,
                Translation.language == t.language,
                Translation.slug == t.slug,
            )
        )
        if article_id is not None:
            return await service.access_article(tx.session, workspace_id, article_id)
    return None


async def do_import(
    tx: Tx, workspace_id: str, folder: Folder, *, publish: bool = True
) -> ImportResult:
    """Create or update the folder's categories, articles and translations in the workspace
    (published unless ``publish`` is False; a draft already there is left a draft)."""
    result = ImportResult()
    categories = await _category_ids(
        tx, workspace_id, folder, {a.category for a in folder.articles}
    )
    for source in folder.articles:
        article = await _existing_article(tx, workspace_id, source)
        category_id = categories[source.category]
        if article is None:
            article = await service.do_create_article(tx, workspace_id, category_id)
        elif article.category_id != category_id:
            await service.do_change_article(tx, article, category_id)
        result.article_ids[source.key] = article.id
        for t in source.translations:
            before = await tx.session.scalar(
                select(Translation.version).where(
                    Translation.article_id == article.id, Translation.language == t.language
                )
            )
            row = await service.do_save_translation(
                tx,
                article,
                language=t.language,
                title=t.title,
                body=t.body,
                slug=t.slug,
                author_id=None,
                note="imported",
            )
            if before is None:
                result.created += 1
                if publish:
                    await service.do_set_status(tx, row, "published")
            elif row.version != before:
                result.changed += 1
            else:
                result.unchanged += 1
    return result


async def import_sample_help_center(tx: Tx, workspace_id: str) -> None:
    """The demo shop's help center, into a workspace that has no articles yet (skipped when
    the sample folder is not there, as in an installed package)."""
    if not SAMPLE_FOLDER.is_dir():
        log.info("no sample help center at %s: the demo starts without articles", SAMPLE_FOLDER)
        return
    has_articles = await tx.session.scalar(
        select(Article.id).where(Article.workspace_id == workspace_id).limit(1)
    )
    if has_articles is None:
        await do_import(tx, workspace_id, read_folder(SAMPLE_FOLDER))
