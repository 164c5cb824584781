"""The demo workspace: an admin, two agents and the demo shop's site key. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hovor.auth import service as auth
from hovor.auth.models import SiteKey, User
from hovor.db.transaction import Database

DEMO_SITE_KEY = "pk_demo_shop"
DEMO_WORKSPACE = "Demo Shop"
DEMO_USERS = (
    ("admin@demo.hovor.dev", "Ada Admin", "admin"),
    ("alice@demo.hovor.dev", "Alice Agent", "agent"),
    ("bob@demo.hovor.dev", "Bob Agent", "agent"),
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


async def seed_demo(db: Database, *, origin: str, password: str) -> list[DemoCredentials]:
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
                await auth.do_create_user(
                    tx, site.workspace_id, email=email, name=name, password=password, role=role
                )
    return [DemoCredentials(e, n, r, password) for e, n, r in DEMO_USERS]
