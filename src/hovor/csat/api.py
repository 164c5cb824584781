"""CSAT: the customer rates through a signed link (page or widget); the team reads ratings."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from hovor.auth.deps import ActorDep
from hovor.channels.body import read_limited
from hovor.conversations.service import access_conversation
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.csat import service
from hovor.csat.page import form_page, invalid_page, thanks_page
from hovor.csat.schemas import RatingIn, RatingStateOut, SummaryOut, SurveyOut
from hovor.runtime import RuntimeDep

router = APIRouter(tags=["csat"], responses=PROBLEM_RESPONSES)
MAX_FORM = 16 * 1024


@router.get("/v1/widget/csat/{token}")
async def rating_state(token: str, runtime: RuntimeDep) -> RatingStateOut:
    """For the widget's card: has this link been used? (404 for a link we did not sign)."""
    async with runtime.db.read() as session:
        survey = await service.access_survey_by_token(session, runtime.settings.secret_key, token)
    return RatingStateOut(rated=survey.score is not None, score=survey.score)


@router.post("/v1/widget/csat/{token}")
async def rate(token: str, body: RatingIn, runtime: RuntimeDep) -> RatingStateOut:
    """The customer's rating, once per conversation (409 after that). Public: the signed
    link is the credential, sent only to the conversation's customer."""
    rating = service.check_rating(body.score, body.comment)
    async with runtime.db.transaction() as tx:
        survey = await service.access_survey_by_token(
            tx.session, runtime.settings.secret_key, token
        )
        await service.do_rate(tx, survey, rating)
    return RatingStateOut(rated=True, score=rating.score)


@router.get("/csat/{token}", response_class=HTMLResponse, include_in_schema=False)
async def rating_page(token: str, runtime: RuntimeDep) -> HTMLResponse:
    async with runtime.db.read() as session:
        try:
            survey = await service.access_survey_by_token(
                session, runtime.settings.secret_key, token
            )
        except NotFound:
            return HTMLResponse(invalid_page(), 404)
    if survey.score is not None:
        return HTMLResponse(thanks_page(survey.score))
    return HTMLResponse(form_page(token))


@router.post("/csat/{token}", response_class=HTMLResponse, include_in_schema=False)
async def rating_form(token: str, request: Request, runtime: RuntimeDep) -> HTMLResponse:
    """The page's form (no script): the same rating as the widget's, answered with a page."""
    fields = parse_qs((await read_limited(request, MAX_FORM, "the form")).decode(errors="replace"))
    raw_score = (fields.get("score") or [""])[0]
    comment = (fields.get("comment") or [""])[0]
    try:
        rating = service.check_rating(int(raw_score) if raw_score.isdigit() else 0, comment)
        async with runtime.db.transaction() as tx:
            survey = await service.access_survey_by_token(
                tx.session, runtime.settings.secret_key, token
            )
            await service.do_rate(tx, survey, rating)
    except InvalidInput as exc:
        return HTMLResponse(form_page(token, exc.detail), 422)
    except Conflict:
        return HTMLResponse(thanks_page(None), 409)
    return HTMLResponse(thanks_page(rating.score))


@router.get("/v1/conversations/{conversation_id}/csat")
async def conversation_rating(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> SurveyOut:
    """The conversation's survey (asked when it closed, rated or not); 404 if never asked."""
    async with runtime.db.read() as session:
        conversation = await access_conversation(session, actor.workspace_id, conversation_id)
        survey = await service.survey_of_conversation(session, actor.workspace_id, conversation.id)
    if survey is None:
        raise NotFound("no rating was asked for in this conversation")
    return SurveyOut.model_validate(survey)


@router.get("/v1/csat/summary")
async def csat_summary(
    actor: ActorDep, runtime: RuntimeDep, agent_id: str | None = None
) -> SummaryOut:
    """Asked, rated and the mean score, for the workspace or one agent."""
    async with runtime.db.read() as session:
        got = await service.summarise(session, actor.workspace_id, agent_id=agent_id)
    return SummaryOut(asked=got.asked, rated=got.rated, average=got.average)


@router.get("/v1/csat/ratings")
async def csat_ratings(
    actor: ActorDep,
    runtime: RuntimeDep,
    agent_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SurveyOut]:
    """The newest ratings, for the workspace or one agent."""
    async with runtime.db.read() as session:
        rows = await service.list_rated(session, actor.workspace_id, agent_id=agent_id, limit=limit)
    return [SurveyOut.model_validate(r) for r in rows]
