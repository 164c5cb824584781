"""The reference client: a visitor's session, identity, chat socket, history, attachments
and push tokens, each one call of the public API (docs/mobile-api.md).

    client = HovorClient("https://chat.shop.cz", "pk_…", origin="https://shop.cz")
    await client.start_session()                       # POST /v1/widget/session
    await client.identify(identity_token)              # POST /v1/widget/identify
    await client.register_push("fcm", token=fcm_token)  # POST /v1/widget/push-tokens
    async with client.connect() as chat:               # WebSocket /v1/visitor
        ack = await chat.send("Dobrý den, kde je moje objednávka?")
        reply = await chat.receive("message")
    page = await client.history()                      # GET /v1/widget/messages
    sent = await client.upload("faktura.pdf", "application/pdf", data)
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx
import websockets

Json = dict[str, Any]


class HovorError(Exception):
    """The server refused a call: its problem document (status, detail, errors)."""

    def __init__(self, status: int, problem: Json) -> None:
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title')}")
        self.status = status
        self.problem = problem


class HovorClient:
    """One visitor of one site. ``origin`` is one of the site key's allowed origins (the
    shop's website): a native app sends it as browsers do. Keep ``token`` between launches
    (pass it back as ``token=``) so the visitor, and their chat, stay the same."""

    def __init__(
        self,
        base_url: str,
        site_key: str,
        *,
        origin: str,
        token: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.site_key = site_key
        self.origin = origin
        self.token = token
        self.visitor_id: str | None = None
        self.settings: Json = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url, headers={"Origin": origin}, timeout=timeout
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> HovorClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    # -- calls ----------------------------------------------------------------------------

    async def start_session(self) -> str:
        """A visitor token (the same visitor when the kept token is still good)."""
        body = await self._call(
            "POST", "/v1/widget/session", json={"site_key": self.site_key, "token": self.token}
        )
        self.token, self.visitor_id, self.settings = (
            body["token"],
            body["visitor_id"],
            body["settings"],
        )
        return str(self.visitor_id)

    async def identify(self, identity_token: str, **profile: str) -> Json:
        """Sign the visitor in as the shop's customer (a JWT the shop's back-end signed)."""
        return await self._call(
            "POST", "/v1/widget/identify", json={"token": identity_token, **profile}, auth=True
        )

    async def history(self, *, limit: int = 50, before: str | None = None) -> Json:
        """``{"items": [message…], "has_more": bool}``, oldest first; page back with ``before``."""
        params: Json = {"limit": limit}
        if before:
            params["before"] = before
        return await self._call("GET", "/v1/widget/messages", params=params, auth=True)

    async def register_push(
        self,
        platform: str,
        *,
        token: str | None = None,
        subscription: Json | None = None,
        app_id: str | None = None,
        locale: str | None = None,
    ) -> Json:
        """``fcm``/``apns`` with ``token``, ``webpush`` with the browser's ``subscription``."""
        body: Json = {"platform": platform, "token": token, "subscription": subscription}
        body.update({k: v for k, v in {"app_id": app_id, "locale": locale}.items() if v})
        return await self._call("POST", "/v1/widget/push-tokens", json=body, auth=True)

    async def push_tokens(self) -> list[Json]:
        body = await self._call("GET", "/v1/widget/push-tokens", auth=True)
        return list(body["items"])

    async def unregister_push(self, token_id: str) -> None:
        await self._call("DELETE", f"/v1/widget/push-tokens/{quote(token_id)}", auth=True)

    async def upload(
        self, filename: str, content_type: str, data: bytes, *, client_id: str | None = None
    ) -> Json:
        """Send a file as the visitor's message; the answer holds its signed ``url``."""
        return await self._call(
            "POST",
            "/v1/widget/attachments",
            params={"filename": filename, "client_id": client_id or str(uuid.uuid4())},
            content=data,
            headers={"Content-Type": content_type},
            auth=True,
        )

    async def attachments(self) -> list[Json]:
        body = await self._call("GET", "/v1/widget/attachments", auth=True)
        return list(body["items"])

    async def download(self, url: str) -> bytes:
        """A file by its signed URL (no token needed)."""
        response = await self._http.get(url)
        if response.status_code != 200:
            raise HovorError(response.status_code, _problem(response))
        return response.content

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[ChatSocket]:
        """The live chat: ``hello`` first, then messages, typing, status, acks."""
        if self.token is None:
            await self.start_session()
        ws_base = "ws" + self.base_url.removeprefix("http")
        url = f"{ws_base}/v1/visitor?site={quote(self.site_key)}&token={quote(str(self.token))}"
        async with websockets.connect(url, additional_headers={"Origin": self.origin}) as ws:
            socket = ChatSocket(ws)
            socket.hello = await socket.receive("hello")
            yield socket

    async def _call(self, method: str, path: str, *, auth: bool = False, **kwargs: Any) -> Json:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            if self.token is None:
                await self.start_session()
            headers["Authorization"] = f"Bearer {self.token}"
        response = await self._http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise HovorError(response.status_code, _problem(response))
        if response.status_code == 204 or not response.content:
            return {}
        body: Json = response.json()
        return body


class ChatSocket:
    """The visitor socket. Frames the caller did not wait for are kept, in order, for the
    next ``receive`` that asks for their type."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self._ws = ws
        self._pending: list[Json] = []
        self.hello: Json = {}

    async def send(self, body: str, *, client_id: str | None = None, wait: float = 10.0) -> Json:
        """Send a message; returns it as stored (``message.ack``). Resending the same
        ``client_id`` after a lost connection stores it once."""
        client_id = client_id or str(uuid.uuid4())
        await self._ws.send(
            json.dumps({"type": "message.send", "client_id": client_id, "body": body})
        )
        ack = await self.receive(
            "message.ack", wait=wait, where=lambda f: f.get("client_id") == client_id
        )
        message: Json = ack["message"]
        return message

    async def typing(self, state: bool) -> None:
        await self._ws.send(json.dumps({"type": "typing", "state": state}))

    async def ping(self, wait: float = 10.0) -> None:
        await self._ws.send(json.dumps({"type": "ping"}))
        await self.receive("pong", wait=wait)

    async def receive(
        self, kind: str | None = None, *, wait: float = 10.0, where: Any = None
    ) -> Json:
        """The next frame (of type ``kind``, matching ``where``); an ``error`` frame answering
        a frame of ours raises ``HovorError``."""

        def wanted(frame: Json) -> bool:
            return (kind is None or frame.get("type") == kind) and (where is None or where(frame))

        for i, frame in enumerate(self._pending):
            if wanted(frame):
                return self._pending.pop(i)
        async with asyncio.timeout(wait):
            while True:
                frame = json.loads(await self._ws.recv())
                if frame.get("type") == "error" and kind != "error":
                    raise HovorError(400, frame)
                if wanted(frame):
                    return dict(frame)
                self._pending.append(frame)


def _problem(response: httpx.Response) -> Json:
    try:
        body = response.json()
    except ValueError:
        return {"detail": response.text[:300]}
    return body if isinstance(body, dict) else {"detail": str(body)}
