"""CSAT over a real server, SQLite and PostgreSQL: an agent closes a web chat, the customer's
widget gets the question with its signed link over the socket, rates once (the page and the
widget call refuse a second rating and a forged link), and the desktop reads the rating on
the conversation, the agent's figures and the contact's timeline."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.integration.test_tickets import visitor_says
from tests.support.clients import Desktop, Visitor, receive
from tests.support.server import ALICE, ServerProcess

pytestmark = pytest.mark.storage
LINK = re.compile(r"(https?://\S+/csat/([A-Za-z0-9]+\.[A-Za-z0-9_-]+))$")


async def test_a_closed_chat_is_rated_once_by_its_customer(server: ServerProcess) -> None:
    alice = await Desktop(server).login(ALICE)
    try:
        visitor = await Visitor(server).start()
        first = await visitor_says(visitor, "Kde je moje objednávka?")
        conversation_id = first["conversation_id"]
        r = await alice.change(
            "POST",
            f"/v1/conversations/{conversation_id}/assign",
            json={"user_id": alice.user["id"]},
        )
        assert r.status_code == 200, r.text
        async with await visitor.connect() as ws:
            await receive(ws, "hello")
            r = await alice.change("POST", f"/v1/conversations/{conversation_id}/close")
            assert r.status_code == 200, r.text
            frame = await receive(ws, "message")
        ask = frame["message"]
        assert ask["author_type"] == "system" and not ask.get("private")
        found = LINK.search(ask["body"])
        assert found, ask["body"]
        url, token = found.group(1), found.group(2)
        assert url.startswith(server.base_url)

        async with httpx.AsyncClient(base_url=server.base_url) as http:
            page = await http.get(f"/csat/{token}")
            assert page.status_code == 200 and 'name="score"' in page.text
            state = await http.get(f"/v1/widget/csat/{token}")
            assert state.json() == {"rated": False, "score": None}
            forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
            assert (
                await http.post(f"/v1/widget/csat/{forged}", json={"score": 5})
            ).status_code == 404
            bad = await http.post(f"/v1/widget/csat/{token}", json={"score": 9})
            assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "score"]
            rated = await http.post(
                f"/v1/widget/csat/{token}",
                json={"score": 5, "comment": "Rychlá pomoc"},
                headers={"origin": visitor.origin},
            )
            assert rated.status_code == 200, rated.text
            assert rated.headers["access-control-allow-origin"] == visitor.origin
            assert rated.json() == {"rated": True, "score": 5}
            again = await http.post(f"/v1/widget/csat/{token}", json={"score": 1})
            assert again.status_code == 409
            form = await http.post(
                f"/csat/{token}",
                content="score=1&comment=x",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert form.status_code == 409
            assert "5/5" in (await http.get(f"/csat/{token}")).text

        survey = (await alice.http.get(f"/v1/conversations/{conversation_id}/csat")).json()
        assert (survey["score"], survey["comment"], survey["agent_id"]) == (
            5,
            "Rychlá pomoc",
            alice.user["id"],
        )
        summary = (
            await alice.http.get("/v1/csat/summary", params={"agent_id": alice.user["id"]})
        ).json()
        assert summary["rated"] >= 1 and summary["average"] is not None
        contact_id = (await alice.http.get(f"/v1/conversations/{conversation_id}")).json()[
            "contact"
        ]["id"]
        timeline = (await alice.http.get(f"/v1/contacts/{contact_id}/timeline")).json()
        kinds = [e["kind"] for e in timeline["items"]]
        assert "csat.rated" in kinds
    finally:
        await alice.close()


async def test_the_rating_page_takes_a_form_without_script(server: ServerProcess) -> None:
    alice = await Desktop(server).login(ALICE)
    try:
        visitor = await Visitor(server).start()
        first = await visitor_says(visitor, "Dotaz")
        conversation_id = first["conversation_id"]
        r = await alice.change("POST", f"/v1/conversations/{conversation_id}/close")
        assert r.status_code == 200, r.text
        messages = (await alice.http.get(f"/v1/conversations/{conversation_id}/messages")).json()
        ask = next(m for m in messages["items"] if "/csat/" in m["body"])
        found = LINK.search(ask["body"])
        assert found
        token = found.group(2)
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            bad = await http.post(
                f"/csat/{token}",
                content="score=&comment=",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert bad.status_code == 422 and "1 to 5" in bad.text
            done = await http.post(
                f"/csat/{token}",
                content="score=3&comment=Ujde%20to",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert done.status_code == 200 and "3/5" in done.text
        survey = (await alice.http.get(f"/v1/conversations/{conversation_id}/csat")).json()
        assert (survey["score"], survey["comment"]) == (3, "Ujde to")
    finally:
        await alice.close()
