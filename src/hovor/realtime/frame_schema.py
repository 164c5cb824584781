"""The JSON Schema of both sockets' frames, from which the desktop's and the widget's
TypeScript frame types are generated (``make openapi``: ``hovor frames``, then
``web/scripts/gen-frames.mjs``; docs/api.md, "Frame types").

Per socket one schema: ``$defs`` holds ``ServerFrame`` (what the server sends, as it
serializes it), ``ClientFrame`` (what it accepts, as it validates it) and the models
they use. Property titles are left out: the generator would make a named type of each
("Type", "Type1", ...); the models' titles name the interfaces.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import core_schema

from hovor.realtime.agent_frames import agent_frame, to_agent_frame
from hovor.realtime.visitor_frames import to_visitor_frame, visitor_frame

REF_TEMPLATE = "#/$defs/{model}"


class _AsSent(GenerateJsonSchema):
    """What the server sends has every field, defaults too (as the OpenAPI schema says of
    responses), except one it leaves out when empty (``exclude_if``)."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        if self.mode == "serialization" and field["type"] != "typed-dict-field":
            return field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)


def socket_schema(title: str, server: TypeAdapter[Any], client: TypeAdapter[Any]) -> dict[str, Any]:
    """The schema of one socket: the union ``server`` sends and the union ``client`` sends."""
    unions: dict[str, tuple[str, JsonSchemaMode, TypeAdapter[Any]]] = {
        "ServerFrame": ("server", "serialization", server),
        "ClientFrame": ("client", "validation", client),
    }
    by_key, top = TypeAdapter.json_schemas(
        list(unions.values()), ref_template=REF_TEMPLATE, schema_generator=_AsSent
    )
    defs: dict[str, Any] = dict(top.get("$defs", {}))
    for name, (key, mode, _union) in unions.items():
        if name in defs:
            raise ValueError(f"a model is named {name}, as a union of frames is")
        defs[name] = {"title": name, **by_key[(key, mode)]}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "anyOf": [{"$ref": REF_TEMPLATE.format(model=name)} for name in unions],
        "$defs": dict(sorted(defs.items())),
    }
    stripped: dict[str, Any] = _without_property_titles(schema)
    return stripped


def frame_schemas() -> dict[str, Any]:
    """``{"agent": schema, "visitor": schema}``: the desktop's and the widget's socket."""
    return {
        "agent": socket_schema("AgentSocketFrame", to_agent_frame, agent_frame),
        "visitor": socket_schema("VisitorSocketFrame", to_visitor_frame, visitor_frame),
    }


def frame_schemas_text() -> str:
    return json.dumps(frame_schemas(), indent=2) + "\n"


def _without_property_titles(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_property_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _without_property_titles(value) for key, value in node.items()}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {
            name: _strip_title(_without_property_titles(value))
            for name, value in node["properties"].items()
        }
    return out


def _strip_title(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: value for key, value in node.items() if key != "title"}
    return node
