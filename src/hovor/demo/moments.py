"""The demo workspace's rules for the seed moments, made from their templates, enabled."""

from __future__ import annotations

from sqlalchemy import select

from hovor.db.transaction import Database
from hovor.demo.simulate import MOMENTS
from hovor.engagement import service as rules
from hovor.engagement.models import Rule
from hovor.engagement.rules.templates import TEMPLATES

# The queue each moment's offers go to (a demo queue); the others go to "Web chat".
MOMENT_QUEUES = {"high_value_removed": "Callbacks"}


async def ensure_moment_rules(db: Database, workspace_id: str) -> dict[str, int]:
    """The seed moments' rules, from their templates, enabled (made once; a manager's later
    changes are kept). Returns each rule's version."""
    async with db.transaction() as tx:
        for key in MOMENTS:
            exists = await tx.session.scalar(
                select(Rule.id).where(Rule.workspace_id == workspace_id, Rule.key == key)
            )
            if exists is None:
                data = TEMPLATES[key].build(
                    {"key": key, "queue": MOMENT_QUEUES.get(key, "Web chat")}
                )
                if key == "high_value_removed":
                    data["action"]["type"] = "callback"
                await rules.do_create_rule(tx, workspace_id, data, author_id=None)
        rows = await tx.session.execute(
            select(Rule.key, Rule.version).where(Rule.workspace_id == workspace_id)
        )
        return {k: v for k, v in rows.all()}
