"""Articles to suggest to the agent for an open conversation, from its last customer messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.conversations.models import Conversation, Message
from hovor.conversations.schemas import MAX_BODY
from hovor.knowledge.search import ArticleHit, search_articles
from hovor.knowledge.service import access_article, access_translation
from hovor.knowledge.text import plain_text

LAST_MESSAGES = 3  # the customer's newest messages make the query
MAX_QUERY_CHARS = 400


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    language: str
    url: str  # absolute
    snippet: str
    score: float
    text: str  # the article as plain text, cut to a message's length


async def customer_words(session: AsyncSession, conversation: Conversation) -> str:
    rows = await session.scalars(
        select(Message.body)
        .where(
            Message.conversation_id == conversation.id,
            Message.author_type == "visitor",
            Message.private.is_(False),
        )
        .order_by(Message.id.desc())
        .limit(LAST_MESSAGES)
    )
    return " ".join(reversed(list(rows)))[-MAX_QUERY_CHARS:]


async def article_texts(
    session: AsyncSession, workspace_id: str, hits: list[ArticleHit]
) -> list[tuple[ArticleHit, str]]:
    """Each hit with its article as plain text, cut to a message's length."""
    out = []
    for hit in hits:
        article = await access_article(session, workspace_id, hit.article_id)
        translation = await access_translation(session, article, hit.language)
        text = plain_text(translation.body)
        if len(text) > MAX_BODY:
            text = text[: MAX_BODY - 1].rsplit(" ", 1)[0] + "…"
        out.append((hit, text))
    return out


async def suggest_articles(
    session: AsyncSession, conversation: Conversation, origin: str, *, limit: int = 3
) -> list[Suggestion]:
    query = await customer_words(session, conversation)
    if not query.strip():
        return []
    hits = await search_articles(session, conversation.workspace_id, query, limit=limit)
    out = []
    for hit, text in await article_texts(session, conversation.workspace_id, hits):
        out.append(
            Suggestion(
                article_id=hit.article_id,
                title=hit.title,
                language=hit.language,
                url=origin + hit.url,
                snippet=hit.snippet,
                score=hit.score,
                text=text,
            )
        )
    return out
