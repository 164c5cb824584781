"""Tracker protocol v1: one event as sent by the tracker (see docs/tracker-protocol.md).

Validation is per event: a bad event is rejected with its id and a reason, the rest of
its batch goes on.

``EventIn`` (pydantic) is the definition. ``validate_event`` is what ingestion runs: a
hand-written check of the plain, common shape of an event that accepts only what
``EventIn`` accepts and gives the same values, several times faster; anything else (every
invalid event, and valid ones in a rarer shape) goes through ``EventIn``, so rejections
and their wording are the model's.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hovor.core.frames import DescribedAs
from hovor.core.jsontext import json_bytes_len

MAX_BATCH = 50
MAX_PROPS_BYTES = 4096
MAX_DEPTH = 3
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

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
    # The page's language (<html lang>, or the snippet's data-lang): offers are written in it.
    lang: str | None = Field(default=None, max_length=35)

    @field_validator("url", "title", "referrer", "lang")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("must not contain a NUL character")  # PostgreSQL text cannot
        return value


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
            try:
                return datetime.fromtimestamp(value / 1000, UTC)
            except (OverflowError, OSError, ValueError):
                # Raised as such, these would fail the whole frame instead of this event.
                raise ValueError("epoch milliseconds out of range") from None
        return value

    @field_validator("ts")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a timestamp needs a time zone (e.g. a trailing Z)")
        return value.astimezone(UTC)

    @field_validator("id")
    @classmethod
    def _printable_id(cls, value: str) -> str:
        if CONTROL_CHARACTERS.search(value):
            # PostgreSQL cannot store a NUL in text; no tracker sends control characters.
            raise ValueError("must not contain control characters")
        return value

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
        if not _finite(value):
            # JSON has no NaN or Infinity; PostgreSQL's json type refuses them.
            raise ValueError("numbers must be finite (NaN and Infinity are not JSON)")
        return value


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in ``value``."""
    if type(value) is float:
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


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


class _Typed(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def props(self) -> dict[str, Any]: ...


def _check_props(event: _Typed) -> str | None:
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


class ValidEvent:
    """A valid event as ingestion uses it: ``page`` as the dict of the page fields given."""

    __slots__ = ("id", "page", "props", "ts", "type")

    def __init__(
        self, id: str, ts: datetime, type: str, props: dict[str, Any], page: dict[str, Any]
    ) -> None:
        self.id, self.ts, self.type, self.props, self.page = id, ts, type, props, page


def validate_event(raw: Any) -> ValidEvent | Rejected:
    """Like ``parse_event`` (same acceptance, values and rejections), faster on the common
    shape of a valid event."""
    event = _fast_event(raw)
    if event is None:
        parsed = parse_event(raw)
        if isinstance(parsed, Rejected):
            return parsed
        page = parsed.page.model_dump(exclude_none=True) if parsed.page else {}
        return ValidEvent(parsed.id, parsed.ts, parsed.type, parsed.props, page)
    problem = _check_props(event)
    if problem:
        ref = raw.get("id")
        return Rejected(id=ref, code="invalid_event", detail=problem)
    return event


_EVENT_KEYS = frozenset(EventIn.model_fields)
_PAGE_KEYS = tuple(PageIn.model_fields)
_MAX_PAGE_FIELD = 2048
# ISO 8601 with a zone, in the one spelling both datetime.fromisoformat and pydantic read alike.
_ISO_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)\Z")
# ``json.dumps`` (ASCII) writes a value in at most 6 characters per byte orjson writes
# (e.g. U+007F: 1 byte → ``\u007f``); below this, the props' size needs no exact measure.
_SURELY_SMALL = MAX_PROPS_BYTES // 6
_FLAT = (str, int, float, bool, type(None))


def _fast_event(raw: Any) -> ValidEvent | None:
    """The event if it is valid and of the plain shape; None: let ``EventIn`` decide."""
    if type(raw) is not dict or not _EVENT_KEYS.issuperset(raw):
        return None
    event_id, event_type, ts = raw.get("id"), raw.get("type"), raw.get("ts")
    if type(event_id) is not str or not 0 < len(event_id) <= 64:
        return None
    if CONTROL_CHARACTERS.search(event_id):
        return None
    if type(event_type) is not str or not 0 < len(event_type) <= 64:
        return None
    if not TYPE_PATTERN.match(event_type):
        return None
    try:
        if type(ts) is str:
            if not _ISO_TS.match(ts):
                return None
            at = datetime.fromisoformat(ts).astimezone(UTC)
        elif type(ts) is int or type(ts) is float:
            at = datetime.fromtimestamp(ts / 1000, UTC)
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    props = raw.get("props", None) if "props" in raw else {}
    if type(props) is not dict:
        return None
    size = json_bytes_len(props)
    if (size is None or size > _SURELY_SMALL) and len(
        json.dumps(props, separators=(",", ":"))
    ) > MAX_PROPS_BYTES:
        return None
    if all(isinstance(v, _FLAT) for v in props.values()):
        if any(type(v) is float and not math.isfinite(v) for v in props.values()):
            return None
    elif _depth(props) > MAX_DEPTH or not _finite(props):
        return None
    page_in = raw.get("page")
    page: dict[str, Any] = {}
    if page_in is not None:
        if type(page_in) is not dict:
            return None
        for name in _PAGE_KEYS:
            value = page_in.get(name)
            if value is None:
                continue
            if type(value) is not str or len(value) > _MAX_PAGE_FIELD or "\x00" in value:
                return None
            page[name] = value
    return ValidEvent(event_id, at, event_type, props, page)


class TrackAck(BaseModel):
    accepted: list[str]
    rejected: list[Rejected]


class EventsFrame(BaseModel):
    """``{"type": "events", "events": [...]}`` on the visitor socket; events checked one by one."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["events"]
    # Checked one by one by ``validate_event`` (fast) or ``EventIn``, never here.
    events: Annotated[list[Any], DescribedAs(list[EventIn])] = Field(max_length=MAX_BATCH)
