"""The bot over a real server and the widget socket, on SQLite and PostgreSQL: an admin
switches it on for the web chat, a visitor's question is answered from the demo help center
with a link, "člověk" hands off, and the desktop reads why; a bad flow is refused naming its
field; an inbox of another workspace cannot be given a bot."""

from __future__ import annotations

from typing import Any

import pytest
import websockets

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ServerProcess

pytestmark = pytest.mark.storage


async def bot_says(ws: websockets.ClientConnection) -> dict[str, Any]:
    """The next message frame from the bot (the visitor's own echo skipped)."""
    while True:
        frame = await receive(ws, "message", within=15)
        if frame["message"]["author_id"] == "bot":
            return dict(frame["message"])


async def test_the_bot_answers_on_the_widget_socket_and_hands_off(server: ServerProcess) -> None:
    admin = await Desktop(server).login(ADMIN)
    try:
        bad = await admin.change(
            "PUT",
            "/v1/bot/configs/webchat",
            json={
                "enabled": True,
                "flows": [
                    {
                        "name": "x",
                        "keywords": ["x"],
                        "steps": [{"id": "a", "say": "?", "next": "zz"}],
                    }
                ],
            },
        )
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"] == ["body", "flows", 0, "steps", 0, "next"]
        assert (
            await admin.change("PUT", "/v1/bot/configs/01NOTANINBOX", json={})
        ).status_code == 404
        saved = await admin.change(
            "PUT",
            "/v1/bot/configs/webchat",
            json={"enabled": True, "name": "Hovorka", "threshold": 0.5},
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["enabled"] is True

        visitor = await Visitor(server).start()
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            await send(
                ws, {"type": "message.send", "client_id": client_id(), "body": "Jak vrátit zboží?"}
            )
            ack = await receive(ws, "message.ack")
            conversation_id = ack["message"]["conversation_id"]
            answer = await bot_says(ws)
            assert answer["author_name"] == "Hovorka" and "/help/" in answer["body"]
            await send(
                ws, {"type": "message.send", "client_id": client_id(), "body": "Chci člověka"}
            )
            handoff = await bot_says(ws)
        assert "colleague" in handoff["body"] or "Nobody is free" in handoff["body"]

        state = (await admin.http.get(f"/v1/conversations/{conversation_id}/bot")).json()
        assert state["handoff_reason"] == "the customer asked for a person"
        assert state["status"] in ("handed_off", "awaiting_phone")
        messages = (await admin.http.get(f"/v1/conversations/{conversation_id}/messages")).json()
        notes = [m["body"] for m in messages["items"] if m["private"]]
        assert "Bot handed the conversation to a person: the customer asked for a person." in notes
    finally:
        await admin.change("PUT", "/v1/bot/configs/webchat", json={"enabled": False})
        await admin.close()
