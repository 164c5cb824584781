"""CSAT: ask once when a conversation closes, take one rating from its customer, tell everyone.

The question is a message of the conversation (author ``system``, not private), so it leaves
through the outbox on the conversation's own channel like any reply: the widget shows it as a
rating card, e-mail and messengers get the text with the link to the public rating page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.contacts import timeline
from hovor.conversations.models import Conversation
from hovor.conversations.service import access_conversation, do_add_system_note, do_send_message
from hovor.core import clock
from hovor.core.errors import Conflict, NotFound, field_error
from hovor.core.events import DomainEvent
from hovor.csat import events, tokens
from hovor.csat.models import CsatSurvey
from hovor.db.transaction import Tx

MAX_COMMENT = 2000
SCORES = range(1, 6)
ASK_CLIENT_ID = "csat-ask"  # names the question among the conversation's messages


def rating_url(origin: str, secret: str, survey_id: str) -> str:
    return f"{origin}/csat/{tokens.sign(secret, survey_id)}"


def ask_text(url: str) -> str:
    return (
        "Jak jsme vám pomohli? Ohodnoťte prosím tento rozhovor / "
        f"How did we do? Rate this conversation (1 to 5): {url}"
    )


async def survey_of_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> CsatSurvey | None:
    return await session.scalar(
        select(CsatSurvey).where(
            CsatSurvey.workspace_id == workspace_id,
            CsatSurvey.conversation_id == conversation_id,
        )
    )


async def do_ask(
    tx: Tx, conversation: Conversation, *, origin: str, secret: str
) -> CsatSurvey | None:
    """The survey and its question, the first time the conversation closes; None after that
    (one rating per conversation, however often it is reopened and closed)."""
    if await survey_of_conversation(tx.session, conversation.workspace_id, conversation.id):
        return None
    survey = CsatSurvey(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        agent_id=conversation.assignee_id,
        channel=conversation.channel,
    )
    tx.session.add(survey)
    await tx.session.flush()
    await do_send_message(
        tx,
        conversation,
        author_type="system",
        author_id=None,
        author_name=None,
        body=ask_text(rating_url(origin, secret, survey.id)),
        client_id=ASK_CLIENT_ID,
    )
    return survey


async def access_survey_by_token(session: AsyncSession, secret: str, token: str) -> CsatSurvey:
    """The survey a rating link names; 404 for a link we did not sign (or a removed survey)."""
    survey_id = tokens.verify(secret, token)
    survey = await session.get(CsatSurvey, survey_id) if survey_id else None
    if survey is None:
        raise NotFound("no such rating link")
    return survey


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str | None


def check_rating(score: int, comment: str | None, loc: tuple[str, ...] = ("body",)) -> Rating:
    if score not in SCORES:
        raise field_error([*loc, "score"], "a whole number from 1 to 5")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise field_error([*loc, "comment"], f"at most {MAX_COMMENT} characters")
    return Rating(score=score, comment=text or None)


async def do_rate(tx: Tx, survey: CsatSurvey, rating: Rating) -> CsatSurvey:
    """Store the customer's rating: once (a second one is a 409), on the conversation (a note
    for the team), the contact's timeline and the ``csat.rated`` event."""
    if survey.score is not None:
        raise Conflict("this conversation has already been rated")
    survey.score, survey.comment, survey.rated_at = rating.score, rating.comment, clock.now()
    await tx.session.flush()
    said = f": “{rating.comment}”" if rating.comment else ""
    conversation = await access_conversation(
        tx.session, survey.workspace_id, survey.conversation_id
    )
    await do_add_system_note(
        tx, conversation, f"The customer rated this conversation {rating.score}/5{said}"
    )
    await timeline.do_record(
        tx,
        survey.workspace_id,
        survey.contact_id,
        events.CSAT_RATED,
        survey.rated_at,
        "csat",
        survey.id,
        f"Rated a conversation {rating.score}/5{said}",
        {"conversation_id": survey.conversation_id, "score": rating.score},
    )
    tx.publish_on_commit(
        DomainEvent(
            events.CSAT_RATED,
            survey.workspace_id,
            {
                "survey_id": survey.id,
                "conversation_id": survey.conversation_id,
                "contact_id": survey.contact_id,
                "agent_id": survey.agent_id,
                "channel": survey.channel,
                "score": rating.score,
                "rated_at": survey.rated_at.isoformat(),
            },
        )
    )
    return survey


@dataclass(frozen=True)
class Summary:
    asked: int
    rated: int
    average: float | None


async def summarise(
    session: AsyncSession, workspace_id: str, *, agent_id: str | None = None
) -> Summary:
    query = select(func.count(), func.count(CsatSurvey.score), func.avg(CsatSurvey.score)).where(
        CsatSurvey.workspace_id == workspace_id
    )
    if agent_id is not None:
        query = query.where(CsatSurvey.agent_id == agent_id)
    asked, rated, average = (await session.execute(query)).one()
    return Summary(
        int(asked), int(rated), round(float(average), 2) if average is not None else None
    )


async def list_rated(
    session: AsyncSession, workspace_id: str, *, agent_id: str | None, limit: int
) -> Sequence[CsatSurvey]:
    query = select(CsatSurvey).where(
        CsatSurvey.workspace_id == workspace_id, CsatSurvey.score.is_not(None)
    )
    if agent_id is not None:
        query = query.where(CsatSurvey.agent_id == agent_id)
    return (await session.scalars(query.order_by(CsatSurvey.rated_at.desc()).limit(limit))).all()
