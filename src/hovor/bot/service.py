"""The bot's work on a conversation: hold it from routing while it answers, reply to each
customer message, run flows, hand off to a person (a chat when someone is free, else a
callback), leaving every word in the conversation and the reason for the agent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.bot import replies
from hovor.bot.flows import (
    MAX_STEPS,
    MAX_VISITS,
    FlowIn,
    chosen_button,
    render_step,
    step_of,
    valid_input,
)
from hovor.bot.models import WEBCHAT_SCOPE, BotConfig, BotSession
from hovor.channels.voice.service import do_request_callback
from hovor.config import Settings
from hovor.contacts import timeline
from hovor.contacts.identities import normalize_phone
from hovor.conversations.models import Conversation, Message
from hovor.conversations.schemas import MAX_BODY
from hovor.conversations.service import do_add_system_note, do_send_message
from hovor.core import clock
from hovor.core.channels import ChannelCatalogue
from hovor.core.errors import InvalidInput
from hovor.db.transaction import Tx
from hovor.knowledge.search import ArticleHit, search_articles
from hovor.routing import tasks

BOT_AUTHOR_ID = "bot"  # messages with this author id are the bot's (author_type "agent")
FREE_WAIT_SECONDS = 180.0  # an estimated wait up to this means someone is free
HANDED_OFF = "bot.handed_off"  # timeline kind

EstimatedWait = Callable[[str, str], float | None]


@dataclass(frozen=True)
class BotDeps:
    channels: ChannelCatalogue
    estimated_wait: EstimatedWait
    origin: str
    settings: Settings | None = None  # its bot_llm_* phrase answers (bot/phrasing.py)


async def knowledge_hits(
    session: AsyncSession, conversation: Conversation, text: str
) -> list[ArticleHit] | None:
    """The help center's confident hits when the bot will answer ``text`` from them (no
    flow, hand-off or "did not help" first); None otherwise. Read before the bot's
    transaction, so an LLM can phrase the answer without holding it open."""
    bot = await session_of(session, conversation.id)
    if bot is None or bot.status != "active" or bot.flow is not None:
        return None
    config = await session.get(BotConfig, bot.config_id)
    if config is None or not config.enabled or conversation.assignee_id is not None:
        return None
    if replies.wants_person(text) or replies.not_helped(text):
        return None
    if any(replies.starts_flow(text, f.keywords) for f in _flows(config)):
        return None
    hits = await search_articles(session, conversation.workspace_id, text, limit=5)
    return hits if hits and hits[0].score >= config.threshold else None


async def config_for(session: AsyncSession, conversation: Conversation) -> BotConfig | None:
    """The enabled bot of the conversation's inbox, or of the workspace's web chat."""
    if conversation.inbox_id is not None:
        scope = conversation.inbox_id
    elif conversation.channel == "webchat":
        scope = WEBCHAT_SCOPE
    else:
        return None
    config = await session.scalar(
        select(BotConfig).where(
            BotConfig.workspace_id == conversation.workspace_id, BotConfig.scope == scope
        )
    )
    return config if config is not None and config.enabled else None


async def session_of(session: AsyncSession, conversation_id: str) -> BotSession | None:
    return await session.scalar(
        select(BotSession).where(BotSession.conversation_id == conversation_id)
    )


async def holds(tx: Tx, conversation: Conversation) -> bool:
    """Routing asks before queueing a new (or reopened) conversation: True while the bot
    answers it. A new conversation of an inbox with the bot on gets its bot session here."""
    if conversation.assignee_id is not None:
        return False
    found = await session_of(tx.session, conversation.id)
    if found is not None:
        return found.status != "handed_off"
    config = await config_for(tx.session, conversation)
    if config is None:
        return False
    tx.session.add(
        BotSession(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            config_id=config.id,
        )
    )
    await tx.session.flush()
    return True


async def _say(tx: Tx, conversation: Conversation, config: BotConfig, body: str) -> None:
    await do_send_message(
        tx,
        conversation,
        author_type="agent",
        author_id=BOT_AUTHOR_ID,
        author_name=config.name,
        body=body,
    )


async def do_hand_off(
    tx: Tx,
    deps: BotDeps,
    conversation: Conversation,
    config: BotConfig,
    bot: BotSession,
    reason: str,
) -> None:
    """Tell the team why (a note and the timeline), then a chat with a person when someone
    is free, else offer a callback."""
    bot.handoff_reason = reason
    await do_add_system_note(tx, conversation, replies.handoff_text(reason))
    await timeline.do_record(
        tx,
        conversation.workspace_id,
        conversation.contact_id,
        HANDED_OFF,
        clock.now(),
        "bot_session",
        bot.id,
        f"The bot handed a conversation to a person: {reason}",
        {"conversation_id": conversation.id, "reason": reason},
    )
    wait = deps.estimated_wait(conversation.workspace_id, conversation.channel)
    if wait is not None and wait <= FREE_WAIT_SECONDS:
        bot.status = "handed_off"
        await _say(tx, conversation, config, replies.connect_text(wait))
        await tasks.do_enqueue(tx, conversation, deps.channels)
    else:
        bot.status = "awaiting_phone"
        await _say(tx, conversation, config, replies.CALLBACK_OFFER)


async def _take_phone(
    tx: Tx, deps: BotDeps, conversation: Conversation, config: BotConfig, bot: BotSession, text: str
) -> None:
    if replies.wants_person(text):
        # Still asks for a chat: it waits in the queue for the next free person.
        bot.status = "handed_off"
        await tasks.do_enqueue(tx, conversation, deps.channels)
        return
    try:
        phone = normalize_phone(text.strip())
    except InvalidInput:
        await _say(tx, conversation, config, replies.CALLBACK_BAD_PHONE)
        return
    callback_conversation, _ = await do_request_callback(
        tx,
        conversation.workspace_id,
        visitor_id=conversation.source_id,
        phone=phone,
        preferred_at=None,
        reason=f"From the bot: {bot.handoff_reason or 'asked'}.",
        context={"conversation_id": conversation.id, "bot_reason": bot.handoff_reason},
    )
    await do_add_system_note(
        tx, callback_conversation, await _transcript(tx, conversation, config.name)
    )
    bot.status = "handed_off"
    await _say(tx, conversation, config, replies.callback_done(phone))


async def _transcript(tx: Tx, chat: Conversation, bot_name: str) -> str:
    """The chat's messages the customer saw (no notes), for the callback it led to: the
    callback is a conversation of its own, and the agent who calls back opens that one."""
    rows = await tx.session.scalars(
        select(Message)
        .where(Message.conversation_id == chat.id, Message.private.is_(False))
        .where(Message.author_type != "system")
        .order_by(Message.id)
    )
    lines = [
        (
            "Customer"
            if m.author_type == "visitor"
            else (bot_name if m.author_id == BOT_AUTHOR_ID else m.author_name or "Agent"),
            m.body,
        )
        for m in rows
    ]
    return replies.transcript_note(lines, chat.id, MAX_BODY)


def _flows(config: BotConfig) -> list[FlowIn]:
    return [FlowIn.model_validate(f) for f in config.flows]


async def _run_flow(
    tx: Tx,
    deps: BotDeps,
    conversation: Conversation,
    config: BotConfig,
    bot: BotSession,
    flow: FlowIn,
    step_id: str | None,
) -> None:
    """Enter ``step_id`` and go on until a step waits for the customer, ends or hands off."""
    while step_id is not None:
        step = step_of(flow, step_id)
        if step is None:
            break
        visits = dict(bot.visits)
        visits[step.id] = visits.get(step.id, 0) + 1
        bot.visits, bot.steps_taken = visits, bot.steps_taken + 1
        if visits[step.id] > MAX_VISITS or bot.steps_taken > MAX_STEPS:
            bot.flow = bot.step = None
            await do_hand_off(
                tx, deps, conversation, config, bot, f"the flow “{flow.name}” went round in a loop"
            )
            return
        await _say(tx, conversation, config, render_step(step, bot.collected))
        if step.handoff:
            bot.flow = bot.step = None
            await do_hand_off(
                tx, deps, conversation, config, bot, f"the flow “{flow.name}” hands off here"
            )
            return
        if step.collect or step.buttons:
            bot.flow, bot.step = flow.name, step.id
            return
        step_id = step.next
    bot.flow = bot.step = None


async def _flow_input(
    tx: Tx, deps: BotDeps, conversation: Conversation, config: BotConfig, bot: BotSession, text: str
) -> None:
    flow = next((f for f in _flows(config) if f.name == bot.flow), None)
    step = step_of(flow, bot.step) if flow else None
    if flow is None or step is None:  # the flow was changed meanwhile
        bot.flow = bot.step = None
        return
    if step.collect:
        value = valid_input(step.collect, text)
        if value is None:
            await _run_flow(tx, deps, conversation, config, bot, flow, step.id)  # ask again
            return
        bot.collected = {**bot.collected, step.collect: value}
        await _run_flow(tx, deps, conversation, config, bot, flow, step.next)
        return
    button = chosen_button(step, text)
    if button is None:
        await _run_flow(tx, deps, conversation, config, bot, flow, step.id)
    elif button.handoff:
        bot.flow = bot.step = None
        await do_hand_off(
            tx, deps, conversation, config, bot, f"the customer chose “{button.label}”"
        )
    else:
        await _run_flow(tx, deps, conversation, config, bot, flow, button.next)


async def do_answer(
    tx: Tx, deps: BotDeps, conversation: Conversation, text: str, *, phrased: str | None = None
) -> bool:
    """The bot's turn after the customer's message; False when it is not the bot's to answer
    (no bot session, handed off, or a person took the conversation)."""
    bot = await session_of(tx.session, conversation.id)
    if bot is None or bot.status == "handed_off" or conversation.assignee_id is not None:
        return False
    config = await tx.session.get(BotConfig, bot.config_id)
    if config is None or not config.enabled:
        return False
    if bot.status == "awaiting_phone":
        await _take_phone(tx, deps, conversation, config, bot, text)
    elif bot.flow is not None:
        await _flow_input(tx, deps, conversation, config, bot, text)
    elif replies.wants_person(text):
        await do_hand_off(tx, deps, conversation, config, bot, "the customer asked for a person")
    elif flow := next((f for f in _flows(config) if replies.starts_flow(text, f.keywords)), None):
        await _run_flow(tx, deps, conversation, config, bot, flow, flow.steps[0].id)
    elif replies.not_helped(text):
        bot.failures += 1
        if bot.failures >= replies.FAILED_ANSWERS:
            await do_hand_off(
                tx, deps, conversation, config, bot, "two answers in a row did not help"
            )
        else:
            await _say(tx, conversation, config, replies.SORRY)
    else:
        hits = await search_articles(tx.session, conversation.workspace_id, text, limit=5)
        answer = replies.answer_from(hits, config.threshold, deps.origin, phrased=phrased)
        await _say(tx, conversation, config, answer.text)
        if not answer.confident:
            bot.failures += 1
            if bot.failures >= replies.FAILED_ANSWERS:
                await do_hand_off(
                    tx,
                    deps,
                    conversation,
                    config,
                    bot,
                    "two answers in a row did not help (last: low confidence, best "
                    f"help-center score {answer.best_score:.2f} below {config.threshold:.2f})",
                )
        else:
            bot.failures = 0
    await tx.session.flush()
    return True
