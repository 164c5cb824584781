"""What every WebSocket frame is built on, and the frames both sockets share.

A frame a client sends (``ClientFrame``) is validated: unknown fields are refused and
``type`` has no default, so it always names the frame. A frame the server sends
(``ServerFrame``) has its ``type`` as a default and is built with keywords, e.g.
``PongFrame().data()``; in the JSON Schema the TypeScript types are generated from (``hovor
frames``, docs/api.md) a field with a default is still required, because the server always
sends it, unless it is left out when empty (``exclude_if``, as an error's ``client_id``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, TypeAdapter
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic_core import CoreSchema

from hovor.core.metrics import count_problem


class ClientFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerFrame(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)

    def data(self) -> dict[str, Any]:
        """The frame as JSON data, as the bus carries it and the socket sends it."""
        return self.model_dump(mode="json")


class Ping(ClientFrame):
    """Keep-alive; answered with `pong`."""

    type: Literal["ping"]


class PongFrame(ServerFrame):
    type: Literal["pong"] = "pong"


class ErrorFrame(ServerFrame):
    """A frame was refused (the socket stays open), or the socket is refused before it closes."""

    type: Literal["error"] = "error"
    code: str
    detail: str
    # The client's id of the frame refused, when it carried one (e.g. ``message.send``).
    client_id: str | SkipJsonSchema[None] = Field(default=None, exclude_if=lambda v: v is None)


def error_frame(code: str, detail: str, client_id: str | None = None) -> dict[str, Any]:
    count_problem(code)
    return ErrorFrame(code=code, detail=detail, client_id=client_id).data()


class DescribedAs:
    """Annotates a field that is validated loosely, for speed or to judge its items one by
    one, with the shape its JSON Schema (and so the generated TypeScript) shows, e.g.
    ``Annotated[list[Any], DescribedAs(list[EventIn])]``."""

    def __init__(self, shape: Any) -> None:
        self.shape = shape

    def __get_pydantic_json_schema__(
        self, _core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(TypeAdapter[Any](self.shape).core_schema)
