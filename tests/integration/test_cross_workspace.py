"""Tenant isolation over the whole route table, on a real server, on SQLite and PostgreSQL.

Workspace B (the demo) gets one object of every kind a route takes by id; workspace A's
admin then calls every operation of the served OpenAPI document that has an id in its
path with B's ids (and a body valid for its schema) and must get 404, as for an id that
does not exist; never a 2xx nor a 5xx. A new route is tested without an edit, unless it
takes an id of a kind not in ``KINDS``: then the test fails naming it, to be mapped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.server import ADMIN, ServerProcess
from tests.support.waiting import eventually

pytestmark = pytest.mark.storage

OTHER_PASSWORD = "other-workspace-pass"
ADMIN_OF_OTHER_CO = ("--workspace", "Other Co", "--role", "admin")
# The kind of object each path parameter names (the key into ``B.ids``).
KINDS = {
    "token_id": "api_token",
    "inbox_id": "inbox",
    "merge_id": "merge",
    "contact_id": "contact",
    "conversation_id": "conversation",
    "external_id": "customer",
    "delivery_id": "delivery",
    "user_id": "user",
    "queue_id": "queue",
    "task_id": "task",
    "site_key_id": "site_key",
    "ticket_id": "ticket",
    "article_id": "article",
    "category_id": "category",
    "visitor_id": "visitor",
    "canned_id": "canned",
    "attachment_id": "attachment",
    "push_token_id": "push_token",
    "lead_id": "lead",
    "session_id": "cobrowse",
    "source_id": "other_contact",  # in a body: the contact merged into contact_id
}
OTHER_PARAMETERS = {"kind": "telegram", "language": "cs", "version": "1"}  # not ids
# Operations that answer otherwise, and why; called last, so that an upsert in A does not
# stand in for B's object in the other calls.
EXPECTED: dict[str, tuple[set[int], str]] = {
    "GET /v1/channels/{kind}/{inbox_id}/webhook": (
        {403},
        "a provider's call: no workspace is signed in; the inbox's secret is the credential",
    ),
    "POST /v1/channels/{kind}/{inbox_id}/webhook": ({403}, "as above"),
    "DELETE /v1/widget/push-tokens/{push_token_id}": (
        {401},
        "a visitor's own device: the visitor token is the credential, a desktop session none",
    ),
    "GET /v1/widget/attachments/{attachment_id}/file": (
        {422},
        "a signed link: without its expiry and signature nothing is read",
    ),
    "PUT /v1/customers/{external_id}": (
        {200, 201},
        "an upsert by the shop's own id: creates the customer in the caller's workspace",
    ),
}


def is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def sample(schema: dict[str, Any], components: dict[str, Any], ids: dict[str, str]) -> Any:
    """A small value valid for ``schema``: required properties only, B's ids for ids."""
    if "$ref" in schema:
        return sample(components[schema["$ref"].split("/")[-1]], components, ids)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return sample(options[0], components, ids) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "examples" in schema:
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        # "exactly one of": the first alternative's required properties too
        first = schema.get("oneOf", [{}])[0]
        properties = {**schema.get("properties", {}), **first.get("properties", {})}
        required = [*schema.get("required", []), *first.get("required", [])]
        return {
            name: ids[KINDS[name]] if name in KINDS else sample(properties[name], components, ids)
            for name in required
        }
    if kind == "array":
        return [sample(schema["items"], components, ids)] * schema.get("minItems", 0)
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    return "x" * max(1, schema.get("minLength", 1))


def request_for(
    route: str,
    path: str,
    operation: dict[str, Any],
    ids: dict[str, str],
    components: dict[str, Any],
) -> tuple[str, dict[str, Any]] | None:
    """The URL and body with which to call ``route`` on B's objects; None when it takes no
    id; LookupError when it takes one of a kind not mapped in ``KINDS``."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    if not any(is_id(name) for name in names):
        return None
    url = path
    for name in names:
        if name not in KINDS and name not in OTHER_PARAMETERS:
            raise LookupError(name)
        value = ids[KINDS[name]] if name in KINDS else OTHER_PARAMETERS[name]
        url = url.replace(f"{{{name}}}", value)
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        return url, {"json": sample(body["schema"], components, ids)}
    return url, {}


async def create_other_admin(server: ServerProcess) -> str:
    email = f"{client_id()[:8]}@other.example.org"
    await asyncio.to_thread(
        subprocess.run,
        [*(sys.executable, "-m", "hovor.cli", "create-user", email), *ADMIN_OF_OTHER_CO],
        env={**server.env, "HOVOR_NEW_PASSWORD": OTHER_PASSWORD},
        check=True,
        capture_output=True,
    )
    return email


async def chat(server: ServerProcess, text: str) -> tuple[str, str]:
    """A visitor's chat in the demo workspace: (visitor id, conversation id)."""
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": text})
        ack = await receive(ws, "message.ack")
    return visitor.visitor_id, str(ack["message"]["conversation_id"])


async def a_lead(server: ServerProcess, b: Desktop) -> str:
    """A visitor of B's site leaves an e-mail address (the site's form): B's lead."""
    visitor = await Visitor(server).start()
    email = f"lead-{client_id()[:8].lower()}@example.org"
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post(
            "/v1/widget/leads",
            json={"email": email},
            headers={"authorization": f"Bearer {visitor.token}", "origin": visitor.origin},
        )
    created(r)
    page = created(await b.http.get("/v1/leads", params={"q": email}))
    return str(page["items"][0]["id"])


async def an_attachment(server: ServerProcess) -> str:
    """A visitor of B's site sends a file in their chat: B's attachment."""
    visitor = await Visitor(server).start()
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        r = await http.post(
            "/v1/widget/attachments",
            params={"filename": "b.txt", "client_id": client_id()},
            content=b"B's file",
            headers={
                "authorization": f"Bearer {visitor.token}",
                "origin": visitor.origin,
                "content-type": "text/plain",
            },
        )
    return str(created(r)["id"])


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def objects_of_b(server: ServerProcess, b: Desktop) -> dict[str, str]:
    """One object of every kind in workspace B, by kind."""
    visitor_id, conversation_id = await chat(server, "first")
    _, other_conversation_id = await chat(server, "second")
    conversation = created(await b.http.get(f"/v1/conversations/{conversation_id}"))
    other = created(await b.http.get(f"/v1/conversations/{other_conversation_id}"))
    contact_id, other_contact_id = conversation["contact"]["id"], other["contact"]["id"]
    merge = created(
        await b.change(
            "POST", f"/v1/contacts/{contact_id}/merge", json={"source_id": other_contact_id}
        )
    )
    reply = {"body": "hello from B", "client_id": client_id()}
    created(await b.change("POST", f"/v1/conversations/{conversation_id}/messages", json=reply))

    async def a_delivery() -> str | None:
        r = await b.http.get(f"/v1/conversations/{conversation_id}/deliveries")
        items = r.json() if r.status_code == 200 else []
        return str(items[0]["id"]) if items else None

    async def a_task() -> str | None:
        r = await b.http.get("/v1/routing/tasks", params={"active": "false"})
        tasks = [t for t in r.json() if t["conversation_id"] == conversation_id]
        return str(tasks[0]["id"]) if tasks else None

    ticket = created(
        await b.change(
            "POST", f"/v1/conversations/{conversation_id}/ticket", json={"subject": "B's"}
        )
    )
    token = created(await b.change("POST", "/v1/api-tokens", json={"name": "B's token"}))
    inbox = created(
        await b.change(
            "POST",
            "/v1/inboxes",
            json={
                "kind": "telegram",
                "name": "B's bot",
                "config": {"bot_token": "123456:B-bot-token-ew11", "api_url": server.base_url},
            },
        )
    )
    canned = created(
        await b.change(
            "POST",
            "/v1/canned-responses",
            json={"title": "B's", "shortcut": f"b{client_id()[:8].lower()}", "body": "B"},
        )
    )
    lead = await a_lead(server, b)
    category = created(
        await b.change(
            "POST",
            "/v1/knowledge/categories",
            json={"slug": f"b-{client_id()[:8].lower()}", "names": {"cs": "B"}},
        )
    )
    article = created(
        await b.change(
            "POST",
            "/v1/knowledge/articles",
            json={"language": "cs", "title": f"B {client_id()[:8]}", "body": "B"},
        )
    )
    external_id = f"b-{client_id()[:8]}"
    customer = created(await b.change("PUT", f"/v1/customers/{external_id}", json={}))
    return {
        "api_token": token["id"],
        "article": article["id"],
        "category": category["id"],
        "canned": canned["id"],
        "inbox": inbox["id"],
        "lead": lead,
        "cobrowse": created(
            await b.change("POST", f"/v1/conversations/{conversation_id}/cobrowse")
        )["id"],
        "merge": merge["id"],
        "contact": contact_id,
        "other_contact": other_contact_id,
        "conversation": conversation_id,
        "customer": external_id,
        "customer_of_b": customer["contact"]["id"],
        "delivery": await eventually("a delivery of B's reply", a_delivery),
        "user": b.user["id"],
        "queue": (await b.http.get("/v1/routing/queues")).json()[0]["id"],
        "task": await eventually("a routing task of B's conversation", a_task),
        "site_key": (await b.http.get("/v1/site-keys")).json()[0]["id"],
        "ticket": ticket["id"],
        "visitor": visitor_id,
        "attachment": await an_attachment(server),
        # No push service is set up here, so B has no device; the route refuses A's session
        # before it looks the id up (EXPECTED).
        "push_token": "01J0000000000000000000PUSH",
    }


async def test_no_route_reaches_another_workspaces_object(server: ServerProcess) -> None:
    b = await Desktop(server).login(ADMIN)
    a = await Desktop(server).login(await create_other_admin(server), OTHER_PASSWORD)
    try:
        ids = await objects_of_b(server, b)
        document = (await a.http.get("/openapi.json")).json()
        components = document["components"]["schemas"]
        unmapped: list[str] = []
        wrong: list[str] = []
        called = 0
        routes = sorted(
            (
                (f"{method.upper()} {path}", path, operation)
                for path, operations in document["paths"].items()
                for method, operation in operations.items()
            ),
            key=lambda found: found[0] in EXPECTED,
        )
        for route, path, operation in routes:
            try:
                call = request_for(route, path, operation, ids, components)
            except LookupError:
                unmapped.append(route)
                continue
            if call is None:
                continue
            r = await a.change(route.split()[0], call[0], **call[1])
            called += 1
            allowed, _why = EXPECTED.get(route, ({404}, "another workspace's id"))
            if r.status_code not in allowed:
                wrong.append(f"{route} -> {r.status_code} {r.text[:200]}")
        assert unmapped == [], "map these routes' path parameters in KINDS"
        assert wrong == [], "\n".join(wrong)
        assert called >= 40
        # B's objects are all still there, unchanged by A's attempts.
        assert (await b.http.get(f"/v1/contacts/{ids['contact']}")).status_code == 200
        assert (await b.http.get(f"/v1/tickets/{ids['ticket']}")).status_code == 200
        # PUT made A a customer of its own with B's external id: the two stay apart.
        of_a = (await a.http.get(f"/v1/customers/{ids['customer']}")).json()
        of_b = (await b.http.get(f"/v1/customers/{ids['customer']}")).json()
        assert of_b["id"] == ids["customer_of_b"] != of_a["id"]
        tokens = (await b.http.get("/v1/api-tokens")).json()
        assert ids["api_token"] in [t["id"] for t in tokens]
    finally:
        await a.close()
        await b.close()
