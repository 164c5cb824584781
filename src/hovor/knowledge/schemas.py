"""API shapes of the knowledge base (admin API and the widget's public search)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_TITLE = 200
MAX_BODY = 100_000  # characters of Markdown: a long manual fits, a pasted database does not
MAX_QUERY = 200
Language = Literal["cs", "sk", "en", "de", "pl", "hu"]
Status = Literal["draft", "published"]
Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    names: dict[Language, Annotated[str, StringConstraints(min_length=1, max_length=120)]] = Field(
        min_length=1,
        description='one name per language: {"cs": "Doprava"}',
        examples=[{"cs": "Doprava", "en": "Shipping"}],
    )
    position: int = Field(default=0, ge=0, le=10_000)


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    slug: str
    names: dict[str, str]
    position: int


class ArticleIn(BaseModel):
    """A new article with its first translation (a draft)."""

    model_config = ConfigDict(extra="forbid")

    category_id: str | None = Field(default=None, max_length=26)
    language: Language
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    body: str = Field(max_length=MAX_BODY)
    slug: Slug | None = None


class ArticlePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category_id: str | None = Field(default=None, max_length=26)


class TranslationIn(BaseModel):
    """The text of one translation; saving keeps it as the next version."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    body: str = Field(max_length=MAX_BODY)
    slug: Slug | None = None
    note: str = Field(default="", max_length=200, description="what changed, for the history")
    base_version: int | None = Field(
        default=None, ge=1, description="the version the edit started from (409 if stale)"
    )


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status


class TranslationOut(BaseModel):
    id: str
    language: str
    slug: str
    title: str
    body: str
    status: str
    version: int
    published_at: datetime | None
    updated_at: datetime
    url: str
    helpful: int = 0
    not_helpful: int = 0


class ArticleOut(BaseModel):
    id: str
    category_id: str | None
    updated_at: datetime
    translations: list[TranslationOut]


class ArticleList(BaseModel):
    items: list[ArticleOut]


class RevisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    title: str
    author_id: str | None
    note: str
    created_at: datetime


class RevisionDetail(RevisionOut):
    body: str


class DiffOut(BaseModel):
    from_version: int
    to_version: int
    diff: str = Field(description="unified diff: the title as the first line, then the Markdown")


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=MAX_BODY)


class PreviewOut(BaseModel):
    html: str = Field(description="the sanitised HTML readers would see")


class HitOut(BaseModel):
    article_id: str
    title: str
    slug: str
    language: str
    url: str
    snippet: str
    score: float = Field(ge=0, le=1)


class SearchOut(BaseModel):
    items: list[HitOut]


class HelpCenterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: (
        Annotated[
            str,
            StringConstraints(min_length=2, max_length=64, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
        ]
        | None
    ) = None
    title: str = Field(default="Help center", min_length=1, max_length=120)
    default_language: Language = "cs"
    site_key_id: str | None = Field(
        default=None, max_length=26, description="the site key the pages' tracker uses"
    )


class HelpCenterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str | None
    title: str
    default_language: str
    site_key_id: str | None
    url: str = Field(description="the help center's path on this server")
