"""A rule is versioned data (JSON/YAML-able). These models validate its shape; the compiler
checks the expressions and the cross-field rules (declared facts, reachable, ...)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hovor.core.languages import LanguageTag, texts_validator

MAX_WINDOW_SECONDS = 30 * 24 * 3600
EVENT_TYPE = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
NAME = r"^[a-z_][a-z0-9_]*$"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

EventType = Annotated[str, Field(pattern=EVENT_TYPE, max_length=64)]
Seconds = Annotated[float, Field(gt=0, le=MAX_WINDOW_SECONDS)]
# An offer's text: one string, or one per language ({"cs": "…", "en": "…"}; the visitor
# reads theirs, see core.languages.choose).
OfferText = Annotated[str | dict[str, str], texts_validator(2000)]
NonEmptyOfferText = Annotated[str | dict[str, str], texts_validator(2000, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Trigger(_Strict):
    events: list[EventType] = Field(min_length=1)


class Step(_Strict):
    event: EventType
    where: str | None = None


class Absence(_Strict):
    """Fire when none of ``none_of`` happened for ``for_seconds`` after ``after``."""

    after: Step
    none_of: list[EventType] = Field(min_length=1)
    for_seconds: Seconds


class SlidingWindow(_Strict):
    seconds: Seconds


Window = Literal["session"] | SlidingWindow


class CountFact(_Strict):
    name: str = Field(pattern=NAME, max_length=64)
    kind: Literal["count"]
    event: EventType
    where: str | None = None
    window: Window


class SumFact(_Strict):
    name: str = Field(pattern=NAME, max_length=64)
    kind: Literal["sum"]
    event: EventType
    where: str | None = None
    value: str
    window: Window


class DistinctFact(_Strict):
    name: str = Field(pattern=NAME, max_length=64)
    kind: Literal["distinct"]
    event: EventType
    where: str | None = None
    value: str
    window: Window


class SequenceFact(_Strict):
    """True when the steps happened in this order within ``within_seconds`` (from the first
    step to the last) and the last step was at most ``within_seconds`` ago. A later step's
    ``where`` may read ``first`` (the event that matched step 1)."""

    name: str = Field(pattern=NAME, max_length=64)
    kind: Literal["sequence"]
    steps: list[Step] = Field(min_length=2, max_length=8)
    within_seconds: Seconds


Fact = Annotated[CountFact | SumFact | DistinctFact | SequenceFact, Field(discriminator="kind")]


class Fallback(_Strict):
    """What to offer instead when pacing says no agent can take the action now (nobody
    online, or every slot taken): a callback (called back when an agent is free) or a
    message (e.g. with a link to the contact form), so the moment is not lost."""

    type: Literal["callback", "message"]
    queue: str | None = Field(default=None, max_length=64)  # None: the action's queue
    text: NonEmptyOfferText


class Action(_Strict):
    type: Literal["chat", "callback", "cobrowse", "message"]
    queue: str | None = Field(default=None, max_length=64)
    text: OfferText = ""
    # The compiler checks it differs from ``type``. Left out of the rule's data when absent,
    # so rules without one read (and diff) as before.
    fallback: Fallback | None = Field(default=None, exclude_if=lambda value: value is None)


class BusinessHours(_Strict):
    timezone: str
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1)  # 0 = Monday
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _TIME.match(value):
            raise ValueError("must be HH:MM (24-hour)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Guards(_Strict):
    max_per_session: int | None = Field(default=1, ge=1)
    max_per_visitor_per_day: int | None = Field(default=None, ge=1)
    quiet_after_decline_seconds: float | None = Field(default=None, ge=0)
    business_hours: BusinessHours | None = None
    control_share: float = Field(default=0.0, ge=0.0, le=0.9)
    min_seconds_between_offers: float | None = Field(default=None, ge=0)


class Rule(_Strict):
    """Exactly one of ``trigger`` (evaluate on these events) and ``absence`` (evaluate when
    the absence timer falls due; ``event`` is then the ``after`` event)."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)
    version: int = Field(default=1, ge=1)
    name: str = Field(min_length=1, max_length=200)
    enabled: bool = True
    # The language of texts given per language for a visitor whose language has none (else
    # the first text). Left out of the rule's data when absent, as ``Action.fallback``.
    language: LanguageTag | None = Field(default=None, exclude_if=lambda value: value is None)
    trigger: Trigger | None = None
    absence: Absence | None = None
    facts: list[Fact] = Field(default_factory=list, max_length=20)
    condition: str | None = None
    action: Action
    guards: Guards = Field(default_factory=Guards)
