"""Frames an agent desktop may send on its WebSocket (see docs/api.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Frame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentTyping(_Frame):
    type: Literal["typing"]
    conversation_id: str = Field(min_length=1, max_length=64)
    state: bool


class AgentPing(_Frame):
    type: Literal["ping"]


AgentFrame = Annotated[AgentTyping | AgentPing, Field(discriminator="type")]
agent_frame = TypeAdapter[AgentTyping | AgentPing](AgentFrame)
