"""The AsyncAPI document: committed as generated, one message per frame type of each socket,
every reference resolving, and served by the app."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from hovor.app import create_app
from hovor.cli import main
from hovor.config import Settings
from hovor.realtime.asyncapi import asyncapi_document, asyncapi_text
from hovor.realtime.frame_schema import frame_schemas

DOCUMENT_FILE = Path(__file__).parents[2] / "src" / "hovor" / "asyncapi.json"


def test_the_committed_document_is_what_the_models_give_now() -> None:
    assert DOCUMENT_FILE.read_text() == asyncapi_text(), (
        "src/hovor/asyncapi.json is stale: run `make openapi`"
    )


def test_the_cli_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "asyncapi.json"
    main(["asyncapi", "-o", str(out)])
    assert out.read_text() == asyncapi_text()


def _types(schema: dict[str, Any], union: str) -> set[str]:
    return set(schema["$defs"][union]["discriminator"]["mapping"])


def test_each_frame_type_of_each_socket_is_a_message_of_its_operation() -> None:
    document = asyncapi_document()
    assert document["asyncapi"].startswith("3.")
    for socket, schema in frame_schemas().items():
        channel = document["channels"][socket]
        sends = document["operations"][f"{socket}Sends"]
        receives = document["operations"][f"{socket}Receives"]
        assert sends["action"] == "send" and receives["action"] == "receive"
        messages = document["components"]["messages"]
        sent = {messages[r["$ref"].rsplit("/", 1)[1]]["name"] for r in sends["messages"]}
        accepted = {messages[r["$ref"].rsplit("/", 1)[1]]["name"] for r in receives["messages"]}
        assert sent == _types(schema, "ServerFrame")
        assert accepted == _types(schema, "ClientFrame")
        assert len(channel["messages"]) == len(sent) + len(accepted)
    assert document["channels"]["visitor"]["address"] == "/v1/visitor"
    assert document["channels"]["visitor"]["bindings"]["ws"]["query"]["required"] == [
        "site",
        "token",
    ]


def test_every_reference_resolves_inside_the_document() -> None:
    document = asyncapi_document()
    refs = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(document)))
    assert refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        node: Any = document
        for part in ref[2:].split("/"):
            node = node[part]
        assert isinstance(node, dict), ref
    # AsyncAPI's Schema Object names the discriminating property as a string.
    schemas = document["components"]["schemas"]
    assert schemas["VisitorServerFrame"]["discriminator"] == "type"


async def test_the_app_serves_it(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        r = await client.get("/v1/asyncapi.json")
    assert r.status_code == 200
    assert r.json() == json.loads(DOCUMENT_FILE.read_text())
