"""Domain events: ``noun.past_verb`` names, the same string on the bus, timeline and webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hovor.core import clock


@dataclass(frozen=True, slots=True)
class DomainEvent:
    name: str
    workspace_id: str
    payload: dict[str, Any]
    occurred_at: datetime = field(default_factory=clock.now)
