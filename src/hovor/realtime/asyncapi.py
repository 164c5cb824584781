"""The AsyncAPI 3.0 document of both sockets, built from the same frame schemas as
``frames.schema.json`` (``frame_schema.frame_schemas``), so the two cannot drift.

``make openapi`` writes it to ``src/hovor/asyncapi.json`` (``hovor asyncapi``); the server
serves it at ``GET /v1/asyncapi.json``; a test checks that the file is current. Each frame
type is one message (named by its ``type``); the server ``send``s the server frames and
``receive``s the client frames of each socket (docs/mobile-api.md).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from hovor import __version__
from hovor.realtime.frame_schema import REF_TEMPLATE, frame_schemas

ASYNCAPI_VERSION = "3.0.0"
COMPONENT_REF = "#/components/schemas/{model}"

SOCKETS: dict[str, dict[str, Any]] = {
    "visitor": {
        "address": "/v1/visitor",
        "title": "Visitor socket",
        "description": "A visitor's widget or mobile app: chat, tracking, offers. Query "
        "`site` (site key) and `token` (visitor token of POST /v1/widget/session); the "
        "Origin header must be one of the site key's allowed origins "
        "(docs/widget-protocol.md, docs/mobile-api.md).",
        "query": {
            "type": "object",
            "properties": {
                "site": {"type": "string", "description": "the site key (pk_…)"},
                "token": {"type": "string", "description": "the visitor token"},
            },
            "required": ["site", "token"],
        },
    },
    "agent": {
        "address": "/v1/agent/ws",
        "title": "Agent socket",
        "description": "The agent desktop's live updates; authenticated by the desktop's "
        "session cookie (docs/api.md).",
        "query": None,
    },
}


def asyncapi_document() -> dict[str, Any]:
    sockets = frame_schemas()
    schemas: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for socket, schema in sockets.items():
        defs: dict[str, Any] = schema["$defs"]
        prefix = socket.capitalize()
        renamed = {name: f"{prefix}{name}" for name in ("ServerFrame", "ClientFrame")}
        for name, definition in defs.items():
            target = renamed.get(name, name)
            body = _rewrite_refs(definition, renamed)
            if target in schemas and schemas[target] != body:
                raise ValueError(f"two different schemas are named {target}")
            schemas[target] = body
        channel_messages: dict[str, Any] = {}
        for union, action in (("ServerFrame", "send"), ("ClientFrame", "receive")):
            mapping: dict[str, str] = defs[union]["discriminator"]["mapping"]
            names = []
            for frame_type, ref in sorted(mapping.items()):
                model = ref.removeprefix(REF_TEMPLATE.format(model=""))
                key = f"{socket}.{'server' if action == 'send' else 'client'}.{frame_type}"
                messages[key] = {
                    "name": frame_type,
                    "title": defs[model].get("title", model),
                    "contentType": "application/json",
                    "payload": {"$ref": COMPONENT_REF.format(model=model)},
                }
                if "description" in defs[model]:
                    messages[key]["summary"] = defs[model]["description"].split("\n")[0]
                channel_messages[key] = {"$ref": f"#/components/messages/{key}"}
                names.append(key)
            operations[f"{socket}{'Sends' if action == 'send' else 'Receives'}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{socket}"},
                "summary": (
                    f"frames the server sends on the {socket} socket"
                    if action == "send"
                    else f"frames the server accepts on the {socket} socket"
                ),
                "messages": [{"$ref": f"#/channels/{socket}/messages/{n}"} for n in names],
            }
        meta = SOCKETS[socket]
        channel: dict[str, Any] = {
            "address": meta["address"],
            "title": meta["title"],
            "description": meta["description"],
            "messages": channel_messages,
        }
        if meta["query"] is not None:
            channel["bindings"] = {"ws": {"query": meta["query"], "bindingVersion": "0.1.0"}}
        channels[socket] = channel
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Hovor WebSockets",
            "version": __version__,
            "description": "The frames of Hovor's two WebSockets, one JSON object per frame "
            "with a `type`. Generated from the server's frame models, like "
            "frames.schema.json.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "hovor": {
                "host": "HOST",
                "protocol": "wss",
                "description": "where Hovor runs (ws:// without TLS)",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages},
    }


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_rewrite_refs(item, renamed) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _rewrite_refs(value, renamed) for key, value in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        out["$ref"] = COMPONENT_REF.format(model=renamed.get(name, name))
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict):
        # An AsyncAPI schema names the discriminating property (OpenAPI's object does more).
        out["discriminator"] = discriminator["propertyName"]
    return out


def asyncapi_text() -> str:
    return json.dumps(asyncapi_document(), indent=2) + "\n"


router = APIRouter()


@cache
def _served() -> dict[str, Any]:
    return asyncapi_document()


@router.get("/v1/asyncapi.json", include_in_schema=False)
async def asyncapi() -> JSONResponse:
    """The AsyncAPI document of the sockets (as ``/openapi.json`` is of the HTTP API)."""
    return JSONResponse(_served())
