"""The bot's settings (admins, per web chat and per inbox) and its state in a conversation."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from hovor.auth.deps import ActorDep, AdminDep
from hovor.bot.flows import check_flows
from hovor.bot.models import WEBCHAT_SCOPE, BotConfig
from hovor.bot.schemas import BotConfigIn, BotConfigOut, BotSessionOut, SuggestionOut
from hovor.bot.service import session_of
from hovor.bot.suggestions import suggest_articles
from hovor.channels.inboxes.service import access_inbox
from hovor.conversations.service import access_conversation
from hovor.core.errors import NotFound
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.runtime import RuntimeDep, TxDep

router = APIRouter(prefix="/v1", tags=["bot"], responses=PROBLEM_RESPONSES)


def _out(config: BotConfig) -> BotConfigOut:
    return BotConfigOut.model_validate(
        {
            "scope": config.scope,
            "enabled": config.enabled,
            "name": config.name,
            "threshold": config.threshold,
            "flows": config.flows,
        }
    )


@router.get("/bot/configs")
async def list_bot_configs(actor: AdminDep, runtime: RuntimeDep) -> list[BotConfigOut]:
    """The bot's settings that were saved: for the web chat and for inboxes (off unless saved)."""
    async with runtime.db.read() as session:
        rows = await session.scalars(
            select(BotConfig)
            .where(BotConfig.workspace_id == actor.workspace_id)
            .order_by(BotConfig.scope)
        )
        return [_out(c) for c in rows]


@router.put("/bot/configs/{scope}")
async def save_bot_config(
    scope: str, body: BotConfigIn, actor: AdminDep, tx: TxDep
) -> BotConfigOut:
    """``scope``: ``webchat`` for the site's chat, or an inbox id (a messaging channel)."""
    if scope != WEBCHAT_SCOPE:
        await access_inbox(tx.session, actor.workspace_id, scope)
    check_flows(body.flows)
    config = await tx.session.scalar(
        select(BotConfig).where(
            BotConfig.workspace_id == actor.workspace_id, BotConfig.scope == scope
        )
    )
    if config is None:
        config = BotConfig(workspace_id=actor.workspace_id, scope=scope)
        tx.session.add(config)
    config.enabled, config.name, config.threshold = body.enabled, body.name.strip(), body.threshold
    config.flows = [f.model_dump(mode="json", exclude_defaults=True) for f in body.flows]
    await tx.session.flush()
    return _out(config)


@router.get("/conversations/{conversation_id}/bot")
async def conversation_bot(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> BotSessionOut:
    """What the bot did in the conversation and why it handed off; 404 if it never answered."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        found = await session_of(session, conversation.id)
    if found is None:
        raise NotFound("the bot did not answer this conversation")
    return BotSessionOut.model_validate(found)


@router.get("/conversations/{conversation_id}/suggested-articles")
async def suggested_articles(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> list[SuggestionOut]:
    """Help-center articles for the customer's last messages, best first, with their link and
    text for the agent to insert into a reply."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        found = await suggest_articles(session, conversation, runtime.settings.origin)
    return [SuggestionOut.model_validate(s, from_attributes=True) for s in found]
