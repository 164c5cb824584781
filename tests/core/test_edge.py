"""The edge guard refuses unstorable input for every route, naming the field."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Query
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from hovor.core import problems
from hovor.core.edge import INT64_MAX, EdgeGuard, long_digit_run, unstorable


class Item(BaseModel):
    name: str
    tags: list[str] = []
    count: int = 0
    props: dict[str, Any] = {}


def build() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    app.add_middleware(EdgeGuard)

    @app.post("/items")
    async def create(item: Item) -> dict[str, str]:
        return {"name": item.name}

    @app.get("/items/{item_id}")
    async def read(
        item_id: str,
        q: str | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        ids: Annotated[list[int] | None, Query()] = None,
    ) -> dict[str, Any]:
        return {"item_id": item_id, "q": q, "offset": offset}

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["loc"] for e in response.json()["errors"]]


async def test_a_nul_anywhere_in_a_body_is_a_field_error(http: httpx.AsyncClient) -> None:
    r = await http.post("/items", json={"name": "a\x00b", "tags": ["ok", "\x00"]})
    assert locs(r) == [["body", "name"], ["body", "tags", 1]]
    r = await http.post("/items", json={"name": "a", "props": {"k\x00": 1}})
    assert locs(r) == [["body", "props", "k\x00"]]
    assert (await http.post("/items", json={"name": "fine"})).status_code == 200


async def test_text_plain_bodies_are_checked_too(http: httpx.AsyncClient) -> None:
    r = await http.post(
        "/items", content=b'{"name": "\\u0000"}', headers={"content-type": "text/plain"}
    )
    assert locs(r) == [["body", "name"]]


async def test_integers_beyond_64_bits_in_a_body(http: httpx.AsyncClient) -> None:
    r = await http.post("/items", content=b'{"name": "a", "count": 99999999999999999999999}')
    assert locs(r) == [["body", "count"]]
    r = await http.post("/items", json={"name": "a", "count": INT64_MAX})
    assert r.status_code == 200
    r = await http.post("/items", json={"name": "a", "count": INT64_MAX + 1})
    assert locs(r) == [["body", "count"]]


async def test_query_and_path(http: httpx.AsyncClient) -> None:
    assert locs(await http.get("/items/x?q=a%00b")) == [["query", "q"]]
    assert locs(await http.get("/items/a%00b")) == [["path", "item_id"]]
    big = "9" * 30
    assert locs(await http.get(f"/items/x?offset={big}")) == [["query", "offset"]]
    assert locs(await http.get(f"/items/x?ids=1&ids={big}")) == [["query", "ids"]]
    # A long number in a string parameter is a string, not an integer out of range.
    r = await http.get(f"/items/{big}?q={big}&offset={INT64_MAX}")
    assert r.status_code == 200 and r.json()["q"] == big


async def test_deep_json_is_refused_before_parsing(http: httpx.AsyncClient) -> None:
    r = await http.post("/items", content=b"[" * 5000 + b"]" * 5000)
    assert locs(r) == [["body"]]
    assert "64 levels" in r.json()["detail"]


def test_unstorable_walks_any_depth_without_recursion() -> None:
    value: Any = "\x00"
    for _ in range(10_000):
        value = [value]
    assert unstorable(value, ["frame"]) == [
        {"loc": ["frame", *[0] * 10_000], "msg": "must not contain the NUL character (U+0000)"}
    ]
    assert unstorable({"a": [True, 1.5e300, -(2**63)], "b": None}, []) == []


@given(st.text(alphabet=st.sampled_from('0123456789-.e ,"a\u00e9\u0663'), max_size=80))
def test_long_digit_run_finds_nineteen_ascii_digits_in_a_row(text: str) -> None:
    expected = re.search(r"[0-9]{19}", text) is not None
    assert long_digit_run(text) is expected
    assert long_digit_run(text.encode()) is expected
