"""What a channel's real-server test asks the desktop API: the conversation a customer's
message opened, an agent's reply, and a reply's delivery reaching a status."""

from __future__ import annotations

from typing import Any

from tests.support.clients import Desktop, client_id
from tests.support.waiting import eventually


async def conversation_of(admin: Desktop, source: str) -> dict[str, Any]:
    """The conversation whose last message ``source`` (the customer's address) wrote."""

    async def find() -> dict[str, Any] | None:
        items = (await admin.change("GET", "/v1/conversations?view=all")).json()["items"]
        return next(
            (c for c in items if (c["last_message"] or {}).get("author_id") == source), None
        )

    found = await eventually(f"the conversation of {source}", find)
    assert found is not None
    return found


async def agent_reply(admin: Desktop, conversation_id: str, body: str) -> dict[str, Any]:
    r = await admin.change(
        "POST",
        f"/v1/conversations/{conversation_id}/messages",
        json={"body": body, "client_id": client_id()},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def delivery_in(
    admin: Desktop, conversation_id: str, message_id: str, status: str
) -> dict[str, Any]:
    """The reply's delivery once it is in ``status`` (pending, sent, read, failed…)."""

    async def check() -> dict[str, Any] | None:
        r = await admin.change("GET", f"/v1/conversations/{conversation_id}/deliveries")
        found = next(d for d in r.json() if d["message_id"] == message_id)
        return dict(found) if found["status"] == status else None

    found = await eventually(f"the reply {status}", check)
    assert found is not None
    return found
