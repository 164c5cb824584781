"""Small builders for service-level tests: a workspace with agents, a visitor's message."""

from __future__ import annotations

from dataclasses import dataclass

from hovor.auth import service as auth
from hovor.auth.models import User, Workspace
from hovor.channels.base import Inbound
from hovor.channels.inbound import Received, receive_inbound
from hovor.db.transaction import Database

PASSWORD = "correct horse battery"


@dataclass
class Team:
    workspace: Workspace
    admin: User
    agents: list[User]


async def make_team(
    db: Database, name: str = "Acme", agents: int = 2, *, online: bool = False, capacity: int = 3
) -> Team:
    async with db.transaction() as tx:
        workspace = await auth.do_create_workspace(tx, name)
        slug = name.lower().replace(" ", "-")
        admin = await auth.do_create_user(
            tx,
            workspace.id,
            email=f"admin@{slug}.example.org",
            name="Admin",
            password=PASSWORD,
            role="admin",
        )
        members = []
        for i in range(agents):
            user = await auth.do_create_user(
                tx,
                workspace.id,
                email=f"agent{i}@{slug}.example.org",
                name=f"Agent {i}",
                password=PASSWORD,
                role="agent",
                chat_capacity=capacity,
            )
            if online:
                await auth.do_set_presence(tx, user, "online")
            members.append(user)
    return Team(workspace, admin, members)


async def visitor_writes(
    db: Database, workspace_id: str, visitor_id: str, body: str, client_id: str | None = None
) -> Received:
    async with db.transaction() as tx:
        return await receive_inbound(
            tx,
            Inbound(
                workspace_id=workspace_id,
                channel="webchat",
                source_id=visitor_id,
                identity_kind="visitor",
                body=body,
                provider_message_id=client_id,
            ),
        )
