"""The demo workspace: an admin, two agents with skills, queues and the demo shop's site key.

Idempotent: what exists is left as it is (queues and skills only on the first seeding).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hovor.auth import service as auth
from hovor.auth.models import SiteKey, User
from hovor.core.channels import ChannelCatalogue
from hovor.db.transaction import Database, Tx
from hovor.knowledge.importer import import_sample_help_center
from hovor.routing import agents, queues

DEMO_SITE_KEY = "pk_demo_shop"
DEMO_WORKSPACE = "Demo Shop"
DEMO_USERS = (
    ("admin@demo.hovor.dev", "Ada Admin", "admin"),
    ("alice@demo.hovor.dev", "Alice Agent", "agent"),
    ("bob@demo.hovor.dev", "Bob Agent", "agent"),
)
DEMO_SKILLS = {
    "alice@demo.hovor.dev": ({"tv": 4, "fridges": 2}, {"languages": ["en", "cs"]}),
    "bob@demo.hovor.dev": ({"tv": 1, "fridges": 5}, {"languages": ["en", "de"]}),
}
DEMO_QUEUES = (
    queues.QueueSpec(
        name="Web chat", channels=["webchat"], steps=[{"target": ""}], sla_seconds={"webchat": 30}
    ),
    queues.QueueSpec(
        name="Callbacks",
        channels=["callback"],
        steps=[{"target": ""}],
        strategy="longest_idle",
        sla_seconds={"callback": 300},
    ),
    queues.QueueSpec(
        name="TV experts",
        channels=[],
        steps=[
            {"target": "has(skills.tv) && skills.tv >= 3", "timeout_seconds": 60},
            {"target": ""},
        ],
        weight_skill="tv",
    ),
)


@dataclass(frozen=True)
class DemoCredentials:
    email: str
    name: str
    role: str
    password: str


def demo_origins(origin: str) -> list[str]:
    """The demo shop is served by Hovor itself: allow its origin, by name and by address."""
    origins = {origin}
    if "://127.0.0.1:" in origin:
        origins.add(origin.replace("://127.0.0.1:", "://localhost:"))
    elif "://localhost:" in origin:
        origins.add(origin.replace("://localhost:", "://127.0.0.1:"))
    return sorted(origins)


async def seed_demo(
    db: Database, channels: ChannelCatalogue, *, origin: str, password: str
) -> list[DemoCredentials]:
    async with db.transaction() as tx:
        site = await tx.session.scalar(select(SiteKey).where(SiteKey.key == DEMO_SITE_KEY))
        if site is None:
            workspace = await auth.do_create_workspace(tx, DEMO_WORKSPACE)
            site = await auth.do_create_site_key(
                tx,
                workspace.id,
                name="Demo shop",
                allowed_origins=demo_origins(origin),
                widget_settings={
                    "title": "Demo Shop",
                    "greeting": "Hi! How can we help you today?",
                },
                key=DEMO_SITE_KEY,
            )
        else:
            # The server may run on another address than when the demo was seeded.
            site.allowed_origins = sorted(set(site.allowed_origins) | set(demo_origins(origin)))
        for email, name, role in DEMO_USERS:
            exists = await tx.session.scalar(select(User.id).where(User.email == email))
            if exists is None:
                user = await auth.do_create_user(
                    tx, site.workspace_id, email=email, name=name, password=password, role=role
                )
                if email in DEMO_SKILLS:
                    skills, attributes = DEMO_SKILLS[email]
                    await agents.do_set_profile(
                        tx, user, channels, skills=skills, attributes=attributes
                    )
        await _seed_queues(tx, site.workspace_id, channels)
        await import_sample_help_center(tx, site.workspace_id)
    return [DemoCredentials(e, n, r, password) for e, n, r in DEMO_USERS]


async def _seed_queues(tx: Tx, workspace_id: str, channels: ChannelCatalogue) -> None:
    if await queues.list_queues(tx.session, workspace_id):
        return
    for spec in DEMO_QUEUES:
        await queues.do_create_queue(tx, workspace_id, spec, channels)
