"""Widget protocol v1: the frames a visitor's widget may send (see docs/widget-protocol.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 16 * 1024


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageSend(_Frame):
    type: Literal["message.send"]
    client_id: str = Field(min_length=1, max_length=64)
    body: str = Field(min_length=1, max_length=4000)


class Typing(_Frame):
    type: Literal["typing"]
    state: bool


class Ping(_Frame):
    type: Literal["ping"]
