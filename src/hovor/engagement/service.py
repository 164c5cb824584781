"""Rules as versioned data: create, change (a new version each time), enable, list, history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.core import clock
from hovor.core.errors import Conflict, InvalidInput, NotFound
from hovor.core.events import DomainEvent
from hovor.db.transaction import Tx
from hovor.engagement import events
from hovor.engagement.models import Rule, RuleVersion
from hovor.engagement.rules.compiler import CompiledRule, compile_rule


def check_rule(data: dict[str, Any], *, version: int = 1) -> CompiledRule:
    """Compile ``data`` as version ``version``; InvalidInput names every problem's field."""
    if not isinstance(data, dict):
        raise InvalidInput("a rule is a JSON object")
    return compile_rule({**data, "version": version})


def _stored(compiled: CompiledRule) -> dict[str, Any]:
    return compiled.rule.model_dump(mode="json", exclude={"version"})


async def access_rule(session: AsyncSession, workspace_id: str, key: str) -> Rule:
    rule = await session.scalar(
        select(Rule).where(Rule.workspace_id == workspace_id, Rule.key == key)
    )
    if rule is None:
        raise NotFound(f"no rule {key!r}")
    return rule


async def current_data(session: AsyncSession, rule: Rule) -> dict[str, Any]:
    row = await session.scalar(
        select(RuleVersion).where(
            RuleVersion.rule_id == rule.id, RuleVersion.version == rule.version
        )
    )
    assert row is not None, "a rule always has its current version"
    return {**row.data, "enabled": rule.enabled, "version": rule.version}


def _changed(tx: Tx, rule: Rule) -> None:
    tx.publish_on_commit(
        DomainEvent(
            events.RULE_CHANGED, rule.workspace_id, {"key": rule.key, "version": rule.version}
        )
    )


async def do_create_rule(
    tx: Tx, workspace_id: str, data: dict[str, Any], *, author_id: str | None
) -> Rule:
    compiled = check_rule(data)
    exists = await tx.session.scalar(
        select(Rule.id).where(Rule.workspace_id == workspace_id, Rule.key == compiled.key)
    )
    if exists:
        raise Conflict(f"a rule with key {compiled.key!r} exists already")
    rule = Rule(
        workspace_id=workspace_id,
        key=compiled.key,
        version=1,
        enabled=compiled.rule.enabled,
        updated_at=clock.now(),
    )
    tx.session.add(rule)
    await tx.session.flush()
    tx.session.add(
        RuleVersion(
            workspace_id=workspace_id,
            rule_id=rule.id,
            version=1,
            data=_stored(compiled),
            author_id=author_id,
            note="created",
        )
    )
    _changed(tx, rule)
    return rule


async def do_update_rule(
    tx: Tx, rule: Rule, data: dict[str, Any], *, author_id: str | None, note: str | None
) -> Rule:
    compiled = check_rule(data, version=rule.version + 1)
    if compiled.key != rule.key:
        raise InvalidInput(
            "the key of a rule cannot change",
            errors=[{"loc": ["key"], "msg": "must stay " + rule.key}],
        )
    rule.version += 1
    rule.enabled = compiled.rule.enabled
    rule.updated_at = clock.now()
    tx.session.add(
        RuleVersion(
            workspace_id=rule.workspace_id,
            rule_id=rule.id,
            version=rule.version,
            data=_stored(compiled),
            author_id=author_id,
            note=note,
        )
    )
    _changed(tx, rule)
    return rule


async def do_set_enabled(tx: Tx, rule: Rule, enabled: bool, *, author_id: str | None) -> Rule:
    if rule.enabled == enabled:
        return rule
    data = await current_data(tx.session, rule)
    return await do_update_rule(
        tx,
        rule,
        {**data, "enabled": enabled},
        author_id=author_id,
        note="enabled" if enabled else "disabled",
    )


async def list_rules(session: AsyncSession, workspace_id: str) -> Sequence[Rule]:
    return (
        await session.scalars(
            select(Rule).where(Rule.workspace_id == workspace_id).order_by(Rule.key)
        )
    ).all()


async def rule_versions(session: AsyncSession, rule: Rule) -> Sequence[RuleVersion]:
    return (
        await session.scalars(
            select(RuleVersion)
            .where(RuleVersion.rule_id == rule.id)
            .order_by(RuleVersion.version.desc())
        )
    ).all()


async def enabled_rules(session: AsyncSession, workspace_id: str) -> list[CompiledRule]:
    """The workspace's enabled rules, compiled (as they are in force now)."""
    rows = await session.execute(
        select(Rule, RuleVersion)
        .join(RuleVersion, (RuleVersion.rule_id == Rule.id) & (RuleVersion.version == Rule.version))
        .where(Rule.workspace_id == workspace_id, Rule.enabled)
    )
    return [check_rule(version.data, version=rule.version) for rule, version in rows]
