"""Endpoints of the engagement context: rules (versioned), templates, back-tests, live visitors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.auth.deps import Actor, ActorDep
from hovor.auth.service import require_role, users_by_ids
from hovor.conversations.service import access_conversation
from hovor.core import clock
from hovor.core.errors import InvalidInput, NotFound
from hovor.core.problems import PROBLEM_RESPONSES
from hovor.engagement import live_visitors as live
from hovor.engagement import offers, service
from hovor.engagement.backtest import backtest
from hovor.engagement.models import Rule
from hovor.engagement.rules.templates import TEMPLATES
from hovor.engagement.runtime import Engagement
from hovor.engagement.schemas import (
    BacktestIn,
    BacktestOut,
    ConversationOfferOut,
    InviteIn,
    LiveVisitorOut,
    OfferOut,
    RuleChangeIn,
    RuleEnabledIn,
    RuleOut,
    RuleVersionOut,
    TemplateBuildIn,
    TemplateOut,
)
from hovor.runtime import RuntimeDep, TxDep
from hovor.tracking.api import get_tracking

router = APIRouter(prefix="/v1", tags=["engagement"], responses=PROBLEM_RESPONSES)


def require_manager(actor: ActorDep) -> Actor:
    require_role(actor.user, "admin", "supervisor")
    return actor


ManagerDep = Annotated[Actor, Depends(require_manager)]


def get_engagement(request: Request) -> Engagement:
    engagement: Engagement = request.app.state.engagement
    return engagement


async def _rule_out(session: AsyncSession, rule: Rule) -> RuleOut:
    return RuleOut(
        key=rule.key,
        version=rule.version,
        enabled=rule.enabled,
        updated_at=rule.updated_at,
        data=await service.current_data(session, rule),
    )


@router.get("/rules", response_model=list[RuleOut])
async def list_rules(actor: ActorDep, runtime: RuntimeDep) -> list[RuleOut]:
    async with runtime.db.read() as session:
        rules = await service.list_rules(session, actor.workspace_id)
        return [await _rule_out(session, r) for r in rules]


@router.post("/rules", response_model=RuleOut, status_code=status.HTTP_201_CREATED)
async def create_rule(body: RuleChangeIn, actor: ManagerDep, tx: TxDep) -> RuleOut:
    rule = await service.do_create_rule(tx, actor.workspace_id, body.data, author_id=actor.user.id)
    return await _rule_out(tx.session, rule)


@router.get("/rules/{key}", response_model=RuleOut)
async def get_rule(key: str, actor: ActorDep, runtime: RuntimeDep) -> RuleOut:
    async with runtime.db.read() as session:
        rule = await service.access_rule(session, actor.workspace_id, key)
        return await _rule_out(session, rule)


@router.put("/rules/{key}", response_model=RuleOut)
async def change_rule(key: str, body: RuleChangeIn, actor: ManagerDep, tx: TxDep) -> RuleOut:
    rule = await service.access_rule(tx.session, actor.workspace_id, key)
    await service.do_update_rule(tx, rule, body.data, author_id=actor.user.id, note=body.note)
    return await _rule_out(tx.session, rule)


@router.put("/rules/{key}/enabled", response_model=RuleOut)
async def set_enabled(key: str, body: RuleEnabledIn, actor: ManagerDep, tx: TxDep) -> RuleOut:
    rule = await service.access_rule(tx.session, actor.workspace_id, key)
    await service.do_set_enabled(tx, rule, body.enabled, author_id=actor.user.id)
    return await _rule_out(tx.session, rule)


@router.get("/rules/{key}/versions", response_model=list[RuleVersionOut])
async def rule_history(key: str, actor: ActorDep, runtime: RuntimeDep) -> list[RuleVersionOut]:
    async with runtime.db.read() as session:
        rule = await service.access_rule(session, actor.workspace_id, key)
        versions = await service.rule_versions(session, rule)
        authors = await users_by_ids(session, {v.author_id for v in versions if v.author_id})
    return [
        RuleVersionOut(
            version=v.version,
            created_at=v.created_at,
            author_id=v.author_id,
            author_name=authors[v.author_id].name if v.author_id in authors else None,
            note=v.note,
            data=v.data,
        )
        for v in versions
    ]


@router.post("/rules/validate", response_model=RuleOut)
async def validate_rule(body: RuleChangeIn, actor: ActorDep) -> RuleOut:
    """Check a rule without saving it: 200 with the normalised rule, or 422 naming each field."""
    compiled = service.check_rule(body.data)
    from hovor.core import clock

    return RuleOut(
        key=compiled.key,
        version=1,
        enabled=compiled.rule.enabled,
        updated_at=clock.now(),
        data=compiled.rule.model_dump(mode="json"),
    )


@router.post("/rules/backtest", response_model=BacktestOut)
async def backtest_rule(body: BacktestIn, actor: ActorDep, runtime: RuntimeDep) -> BacktestOut:
    result = await backtest(runtime.db, actor.workspace_id, body.data, days=body.days)
    return BacktestOut(**result.as_dict())


@router.get("/rule-templates", response_model=list[TemplateOut])
async def list_templates(actor: ActorDep) -> list[TemplateOut]:
    return [
        TemplateOut(
            key=k,
            title=t.title,
            description=t.description,
            params_schema=t.params.model_json_schema(),
        )
        for k, t in TEMPLATES.items()
    ]


@router.post("/rule-templates/{template}/build", response_model=RuleOut)
async def build_from_template(template: str, body: TemplateBuildIn, actor: ActorDep) -> RuleOut:
    """The rule a template makes from the given parameters (not saved; POST /v1/rules saves)."""
    found = TEMPLATES.get(template)
    if found is None:
        raise NotFound(f"no template {template!r}")
    try:
        data = found.build(body.params)
    except ValidationError as exc:
        raise InvalidInput(
            "invalid template parameters",
            errors=[{"loc": ["params", *e["loc"]], "msg": e["msg"]} for e in exc.errors()],
        ) from None
    compiled = service.check_rule(data)
    return RuleOut(
        key=compiled.key,
        version=1,
        enabled=compiled.rule.enabled,
        updated_at=clock.now(),
        data=compiled.rule.model_dump(mode="json", exclude={"version"}),
    )


@router.get("/visitors/live", response_model=list[LiveVisitorOut])
async def live_visitors(
    actor: ActorDep, request: Request, runtime: RuntimeDep
) -> list[LiveVisitorOut]:
    """Visitors with a page open now (on this node), newest visit first."""
    return await live.list_live_visitors(runtime.db, get_tracking(request), actor.workspace_id)


@router.post(
    "/visitors/{visitor_id}/invite", response_model=OfferOut, status_code=status.HTTP_201_CREATED
)
async def invite_visitor(
    visitor_id: str, body: InviteIn, actor: ActorDep, request: Request
) -> OfferOut:
    return await live.invite_visitor(
        get_tracking(request),
        get_engagement(request),
        actor.workspace_id,
        visitor_id,
        kind=body.kind,
        text=body.text,
        agent_id=actor.user.id,
    )


@router.get("/conversations/{conversation_id}/offers", response_model=list[ConversationOfferOut])
async def conversation_offers(
    conversation_id: str, actor: ActorDep, runtime: RuntimeDep
) -> list[ConversationOfferOut]:
    """The accepted offers behind a conversation, each with its context card (the rule's
    facts, pages by title, the cart in the visitor's currency)."""
    async with runtime.db.read() as session:
        await access_conversation(session, actor.workspace_id, conversation_id)
        return await offers.conversation_offers(session, actor.workspace_id, conversation_id)


@router.get("/engagement/stats")
async def engagement_stats(actor: ManagerDep, request: Request) -> dict[str, int]:
    """This node's counters since start: events seen, rules matched, offers made, and why
    matches did not become offers (guards by reason, pacing)."""
    return dict(get_engagement(request).metrics)
