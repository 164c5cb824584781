"""The bot answers each customer message of a conversation it holds, after it is stored."""

from __future__ import annotations

from hovor.bot.phrasing import phrase
from hovor.bot.service import BotDeps, do_answer, knowledge_hits
from hovor.bot.suggestions import article_texts
from hovor.conversations import events as conversation_events
from hovor.conversations.service import access_conversation
from hovor.core.dispatch import Dispatcher
from hovor.core.events import DomainEvent
from hovor.db.transaction import Database


def register(dispatcher: Dispatcher, db: Database, deps: BotDeps) -> None:
    @dispatcher.on(conversation_events.MESSAGE_CREATED)
    async def answer(event: DomainEvent) -> None:
        message = event.payload["message"]
        if message["author_type"] != "visitor" or message["private"]:
            return
        phrased = None
        if deps.settings is not None and deps.settings.bot_llm_url:
            async with db.read() as session:
                conversation = await access_conversation(
                    session, event.workspace_id, message["conversation_id"]
                )
                hits = await knowledge_hits(session, conversation, message["body"])
                texts = await article_texts(session, event.workspace_id, hits or [])
            phrased = await phrase(deps.settings, message["body"], texts)
        async with db.transaction() as tx:
            conversation = await access_conversation(
                tx.session, event.workspace_id, message["conversation_id"]
            )
            if conversation.status == "open":
                await do_answer(tx, deps, conversation, message["body"], phrased=phrased)
