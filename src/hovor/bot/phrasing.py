"""Optional: an LLM phrases the bot's answer from the articles it found (off by default).

Any OpenAI-compatible chat-completions endpoint (``HOVOR_BOT_LLM_URL``, e.g. a local model
server's ``…/v1``). The model sees only the customer's question and the found articles'
titles and texts, and is told to answer from them alone, in the customer's language. The
article links are always added by Hovor, not by the model. Any failure (no answer within
``TIMEOUT``, an HTTP error, an empty or malformed reply) falls back to the plain answer: the
bot works the same without it.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from hovor.config import Settings
from hovor.knowledge.search import ArticleHit

log = logging.getLogger(__name__)
TIMEOUT = 8.0
MAX_ARTICLE_CHARS = 1500
MAX_REPLY_CHARS = 1500
SYSTEM = (
    "You are a customer-service assistant of a shop. Answer the customer's question briefly, "
    "using only the help-center articles given. Answer in the language of the question. "
    "If the articles do not answer it, say so. Do not add links."
)


def request_body(
    model: str, question: str, articles: list[tuple[ArticleHit, str]]
) -> dict[str, Any]:
    context = "\n\n".join(f"# {hit.title}\n{text[:MAX_ARTICLE_CHARS]}" for hit, text in articles)
    return {
        "model": model,
        "temperature": 0.2,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Articles:\n\n{context}\n\nQuestion: {question}"},
        ],
    }


async def phrase(
    settings: Settings, question: str, articles: list[tuple[ArticleHit, str]]
) -> str | None:
    """The model's answer, or None (not configured, or it failed: use the plain answer)."""
    if not settings.bot_llm_url or not articles:
        return None
    headers = (
        {"authorization": f"Bearer {settings.bot_llm_api_key}"} if settings.bot_llm_api_key else {}
    )
    url = settings.bot_llm_url.rstrip("/") + "/chat/completions"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            r = await client.post(
                url, json=request_body(settings.bot_llm_model, question, articles), headers=headers
            )
            r.raise_for_status()
            text = r.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("bot LLM phrasing failed, plain answer used: %s", exc)
        return None
    if not isinstance(text, str) or not text.strip():
        return None
    return text.strip()[:MAX_REPLY_CHARS]
