"""Schemathesis over the whole OpenAPI document (src/hovor/openapi.json) against a real server,
on SQLite and on PostgreSQL, as an admin with an API token and with real ids for every path
parameter the demo workspace can fill: no answer may be a 5xx, and every answer must be
documented (status code, content type, headers) and match its schema.

Deterministic (schemathesis' deterministic generation, no example database) and bounded by the
examples per operation, so a run takes about a minute per database. docs/security.md#fuzzing
says what it checks and what it does not yet.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import hovor
from tests.support.clients import Desktop, Visitor, client_id, receive, send
from tests.support.conversations import conversation_of
from tests.support.server import ADMIN, BOB, ServerProcess

pytestmark = pytest.mark.storage

SCHEMA = Path(hovor.__file__).parent / "openapi.json"
HOOKS = Path(__file__).parents[1] / "support" / "schemathesis_hooks.py"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
MAX_EXAMPLES = 5  # per operation and phase; ~4,000 requests per database
RUN_TIMEOUT = 240.0  # seconds; a run takes about 60 (SQLite) to 90 (PostgreSQL)


async def created(admin: Desktop, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await admin.change("POST", path, json=body)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def first_id(admin: Desktop, path: str) -> str:
    r = await admin.http.get(path)
    assert r.status_code == 200, r.text
    page = r.json()
    items = page["items"] if isinstance(page, dict) else page
    return str(items[0]["id"])


async def visitor_conversation(
    server: ServerProcess, admin: Desktop
) -> tuple[Visitor, dict[str, Any]]:
    """A new visitor and the conversation its first message opened."""
    visitor = await Visitor(server).start()
    async with await visitor.connect() as ws:
        await receive(ws, "hello")
        await send(ws, {"type": "message.send", "client_id": client_id(), "body": "Hello?"})
        await receive(ws, "message.ack")
    return visitor, await conversation_of(admin, visitor.visitor_id)


async def real_objects(server: ServerProcess) -> tuple[str, Visitor, dict[str, str]]:
    """An admin's API token, a visitor with a conversation, and ids of real objects by path
    parameter name. Ids the fuzzer may delete or revoke are of objects made for it: its own
    token, the demo site key and the admin are left alone so the run keeps its access."""
    admin = await Desktop(server).login(ADMIN)
    try:
        token = (await created(admin, "/v1/api-tokens", {"name": "fuzz"}))["token"]
        spare_token = await created(admin, "/v1/api-tokens", {"name": "fuzz-spare"})
        site_key = await created(
            admin, "/v1/site-keys", {"name": "fuzz", "allowed_origins": ["https://fuzz.test"]}
        )
        canned = await created(
            admin, "/v1/canned-responses", {"title": "Hi", "shortcut": "hi", "body": "Hello!"}
        )
        visitor, opened = await visitor_conversation(server, admin)
        _, erased = await visitor_conversation(server, admin)
        ticket = await created(
            admin, f"/v1/conversations/{opened['id']}/ticket", {"subject": "Fuzzed"}
        )
        users = (await admin.http.get("/v1/users")).json()
        ids = {
            "conversation_id": opened["id"],
            "contact_id": opened["contact"]["id"],
            "visitor_id": visitor.visitor_id,
            "ticket_id": ticket["id"],
            "site_key_id": site_key["id"],
            "token_id": spare_token["id"],
            "canned_id": canned["id"],
            "user_id": next(u["id"] for u in users if u["email"] == BOB),
            "queue_id": await first_id(admin, "/v1/routing/queues"),
            "article_id": await first_id(admin, "/v1/knowledge/articles"),
            "category_id": await first_id(admin, "/v1/knowledge/categories"),
            "erased_contact_id": erased["contact"]["id"],
            "language": "en",
            "external_id": "fuzz-customer",
            "key": "fuzz-rule",
        }
        return token, visitor, ids
    finally:
        await admin.close()


def toml(value: object) -> str:
    """A TOML value: JSON's strings, numbers and booleans are TOML's too."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def config(server: ServerProcess, token: str, visitor: Visitor, ids: dict[str, str]) -> str:
    """schemathesis.toml: the admin's token for everything; the visitor's token and the site's
    origin where the widget's endpoints want them."""
    visitor_headers = {"Authorization": f"Bearer {visitor.token}", "Origin": server.origin}
    lines = [
        f"hooks = {toml(str(HOOKS))}",
        "workers = 1",
        f"headers = {toml({'Authorization': f'Bearer {token}'})}",
        "[generation]",
        "deterministic = true",
        f"max-examples = {MAX_EXAMPLES}",
        'database = "none"',
        "[parameters]",
        *(
            f"{toml('path.' + name)} = {toml(value)}"
            for name, value in ids.items()
            if name != "erased_contact_id"
        ),
        # Erasure removes the contact with its conversations: it gets a contact of its own.
        "[[operations]]",
        'include-path = "/v1/contacts/{contact_id}/erase"',
        f"parameters = {toml({'path.contact_id': ids['erased_contact_id']})}",
        "[[operations]]",
        'include-path-regex = "^/v1/widget/"',
        f"headers = {toml(visitor_headers)}",
        "[[operations]]",
        'include-path = "/v1/track"',
        f"headers = {toml({'Origin': server.origin})}",
        f"parameters = {toml({'query.site': visitor.site_key, 'query.token': visitor.token})}",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.timeout(RUN_TIMEOUT + 60)
async def test_every_operation_answers_as_documented(server: ServerProcess, tmp_path: Path) -> None:
    token, visitor, ids = await real_objects(server)
    (tmp_path / "schemathesis.toml").write_text(config(server, token, visitor, ids))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(tmp_path / "schemathesis.toml"),
        "--no-color",
        "run",
        str(SCHEMA),
        "--url",
        server.base_url,
        "--checks",
        ",".join(CHECKS),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"schemathesis did not finish within {RUN_TIMEOUT} s")
    report = out.decode(errors="replace")
    (tmp_path / "schemathesis.txt").write_text(report)
    assert process.returncode == 0, report[-20_000:]
