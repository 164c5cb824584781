"""Issue 21, defect 10: the OpenAPI document says what the server answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from hovor.app import create_app
from hovor.config import Settings
from hovor.core import problems


class Item(BaseModel):
    name: str


def build() -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/items", responses=problems.PROBLEM_RESPONSES)
    async def list_items() -> list[str]:
        return []

    @app.post("/items", responses=problems.PROBLEM_RESPONSES)
    async def create_item(item: Item) -> dict[str, str]:
        return {"name": item.name}

    @app.delete("/items/{item_id}")
    async def delete_item(item_id: str) -> dict[str, str]:
        return {"deleted": item_id}

    @app.post(
        "/raw",
        openapi_extra={
            "requestBody": {"content": {"message/rfc822": {"schema": {"type": "string"}}}}
        },
    )
    async def raw(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_every_operation_of_hovor_with_a_body_documents_400(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"))
    operations = [
        (method, path, operation)
        for path, ops in app.openapi()["paths"].items()
        for method, operation in ops.items()
    ]
    with_body = [(m, p, op) for m, p, op in operations if "requestBody" in op]
    assert len(with_body) > 20
    missing = [f"{m.upper()} {p}" for m, p, op in with_body if "400" not in op["responses"]]
    assert missing == []
    raw = [f"{m.upper()} {p}" for m, p, op in with_body if "413" in op["responses"]]
    assert "POST /v1/channels/email/inbound" in raw
    assert "POST /v1/users" not in raw


async def test_a_body_that_cannot_be_read_is_a_documented_400(http: httpx.AsyncClient) -> None:
    r = await http.post(
        "/items", content=b'{"name": "\xff"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.headers["content-type"] == problems.PROBLEM
    responses = build().openapi()["paths"]["/items"]["post"]["responses"]
    assert responses["400"]["content"][problems.PROBLEM]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "413" not in responses
    assert "413" in build().openapi()["paths"]["/raw"]["post"]["responses"]
    assert "requestBody" not in build().openapi()["paths"]["/items"]["get"]
    assert "400" not in build().openapi()["paths"]["/items"]["get"]["responses"]


async def test_405_allows_every_method_of_the_path(http: httpx.AsyncClient) -> None:
    r = await http.delete("/items")
    assert r.status_code == 405
    assert r.headers["content-type"] == problems.PROBLEM
    assert r.headers["allow"] == "GET, POST"
    r = await http.put("/items/a")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE"


async def test_hovor_names_every_method_of_a_path_in_405(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.delete("/v1/routing/queues")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
