"""Routing's API shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Strategy = Literal["least_occupied", "longest_idle"]


class StepIn(BaseModel):
    target: str = Field(default="", max_length=2000, description="CEL over skills and attributes")
    timeout_seconds: float | None = Field(default=None, description="then the next step")


class QueueIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    channels: list[str] = Field(default_factory=list, description="default queue for these")
    steps: list[StepIn] = Field(default_factory=lambda: [StepIn()], min_length=1, max_length=10)
    strategy: Strategy = "least_occupied"
    overflow_queue_id: str | None = None
    sla_seconds: dict[str, float] = Field(default_factory=dict)
    sticky_seconds: float = Field(default=0.0, ge=0, le=86_400)
    wrap_up_seconds: float = Field(default=0.0, ge=0, le=3_600)
    reservation_seconds: float = Field(default=30.0, gt=0, le=600)
    auto_accept: bool = True
    weight_skill: str | None = Field(default=None, max_length=32)


class QueueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    channels: list[str]
    steps: list[StepIn]
    strategy: Strategy
    overflow_queue_id: str | None
    sla_seconds: dict[str, float]
    sticky_seconds: float
    wrap_up_seconds: float
    reservation_seconds: float
    auto_accept: bool
    weight_skill: str | None
    created_at: datetime
    updated_at: datetime


class ProfileIn(BaseModel):
    skills: dict[str, int] | None = Field(default=None, description="skill → level 1-5")
    attributes: dict[str, Any] | None = None
    capacity: dict[str, int] | None = Field(default=None, description="channel → slots")


class AgentOut(BaseModel):
    id: str
    name: str
    role: str
    presence: str
    presence_reason: str | None
    skills: dict[str, int]
    attributes: dict[str, Any]
    capacity: dict[str, int]


class TaskOut(BaseModel):
    id: str
    conversation_id: str
    contact_id: str | None
    channel: str
    queue_id: str
    queue_name: str | None
    priority: int
    status: str
    step: int
    agent_id: str | None
    created_at: datetime
    ready_at: datetime
    deadline: datetime
    reservation_expires_at: datetime | None
    assigned_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    sla_warned: bool
    sla_breached: bool
    unroutable: bool


class TransferIn(BaseModel):
    # The service takes exactly one of the two; the schema says so for clients.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["queue_id"], "properties": {"queue_id": {"type": "string"}}},
                {"required": ["agent_id"], "properties": {"agent_id": {"type": "string"}}},
            ]
        }
    )

    queue_id: str | None = None
    agent_id: str | None = None
    note: str | None = Field(default=None, max_length=2000, description="kept as a private note")


class QueueToday(BaseModel):
    queue_id: str
    offered: int
    answered: int
    answered_in_sla: int
    abandoned: int
    sla_percent: float | None
    average_answer_seconds: float | None


class QueueNow(BaseModel):
    id: str
    name: str
    waiting: int = Field(description="ready and waiting for an agent")
    scheduled: int = Field(description="callbacks waiting for their preferred time")
    reserved: int
    assigned: int
    unroutable: int
    longest_wait_seconds: float
    estimated_wait_seconds: dict[str, float | None] = Field(
        description="per channel it serves; null: no available agent could take it"
    )
    sla_seconds: dict[str, float]


class AgentsNow(BaseModel):
    available: int = Field(description="online, holding no work")
    working: int = Field(description="online, holding work, room for more")
    full: int
    busy: int
    away: int
    offline: int


class WallboardLive(BaseModel):
    at: datetime
    queues: list[QueueNow]
    agents: AgentsNow


class Wallboard(BaseModel):
    live: WallboardLive | None = Field(
        description="right now, from the router (the same as the wallboard.updated frames)"
    )
    today: list[QueueToday]
