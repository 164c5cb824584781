"""Tracker protocol v1: one event as sent by the tracker (see docs/tracker-protocol.md).

Validation is per event: a bad event is rejected with its id and a reason, the rest of
its batch goes on.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_BATCH = 50
MAX_PROPS_BYTES = 4096
MAX_DEPTH = 3
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")

STRING, NUMBER = "string", "number"
# Standard types and the props they require: name → kind.
REQUIRED_PROPS: dict[str, dict[str, str]] = {
    "page.view": {},
    "product.view": {"id": STRING},
    "cart.add": {"id": STRING},
    "cart.remove": {"id": STRING},
    "cart.view": {},
    "checkout.step": {"step": STRING},
    "checkout.payment_method": {"method": STRING},
    "order.completed": {"order_id": STRING, "value": NUMBER},
    "coupon.failed": {"code": STRING},
    "login.failed": {},
    "search": {"query": STRING},
    "idle": {"seconds": NUMBER},
    "form.error": {"form": STRING, "field": STRING},
    "identify": {},
}
# Props that, when present, must be numbers (engagement rules compare them).
NUMERIC_PROPS = ("price", "quantity", "value", "seconds", "items", "dwell_seconds")


class PageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: str | None = Field(default=None, max_length=2048)
    title: str | None = Field(default=None, max_length=2048)
    referrer: str | None = Field(default=None, max_length=2048)


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    ts: datetime
    type: str = Field(min_length=1, max_length=64)
    props: dict[str, Any] = Field(default_factory=dict)
    page: PageIn | None = None

    @field_validator("ts", mode="before")
    @classmethod
    def _epoch_millis(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value / 1000, UTC)
        return value

    @field_validator("ts")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a timestamp needs a time zone (e.g. a trailing Z)")
        return value.astimezone(UTC)

    @field_validator("type")
    @classmethod
    def _type_name(cls, value: str) -> str:
        if not TYPE_PATTERN.match(value):
            raise ValueError("lower-case words separated by dots, e.g. cart.add")
        return value

    @field_validator("props")
    @classmethod
    def _props(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, separators=(",", ":"))) > MAX_PROPS_BYTES:
            raise ValueError(f"props are limited to {MAX_PROPS_BYTES} bytes")
        if _depth(value) > MAX_DEPTH:
            raise ValueError(f"props are limited to {MAX_DEPTH} levels")
        return value


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


class Rejected(BaseModel):
    id: str | None
    code: str
    detail: str


def parse_event(raw: Any) -> EventIn | Rejected:
    """One raw event → a valid EventIn, or a Rejected naming the id and the first problem."""
    event_id = raw.get("id") if isinstance(raw, dict) else None
    ref = event_id if isinstance(event_id, str) else None
    try:
        event = EventIn.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "event"
        return Rejected(id=ref, code="invalid_event", detail=f"{where}: {err['msg']}")
    problem = _check_props(event)
    if problem:
        return Rejected(id=ref, code="invalid_event", detail=problem)
    return event


def _check_props(event: EventIn) -> str | None:
    for name, kind in REQUIRED_PROPS.get(event.type, {}).items():
        value = event.props.get(name)
        if value is None:
            return f"props.{name}: required for {event.type}"
        if kind == STRING and not isinstance(value, str):
            return f"props.{name}: must be a string"
        if kind == NUMBER and not _is_number(value):
            return f"props.{name}: must be a number"
    for name in NUMERIC_PROPS:
        if name in event.props and not _is_number(event.props[name]):
            return f"props.{name}: must be a number"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class TrackAck(BaseModel):
    accepted: list[str]
    rejected: list[Rejected]


class EventsFrame(BaseModel):
    """``{"type": "events", "events": [...]}`` on the visitor socket; events checked one by one."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["events"]
    events: list[Any] = Field(max_length=MAX_BATCH)
