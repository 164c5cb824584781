"""Per-visitor state: only what the compiled rules need, small and JSON-serialisable.

Times are epoch seconds rounded to milliseconds, so ``from_dict(to_dict(s))`` is exact.
Windows are keyed by the fact's signature (rules declaring the same fact share one),
timers by rule key.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1
MAX_ENTRIES = 1000  # per sliding window; the oldest entries go first past it
MAX_DISTINCT = 500  # distinct values kept per session tally
MAX_RUNS = 8  # partial matches kept per sequence


def epoch(ts: Any) -> float:
    return round(float(ts.timestamp()), 3)


def hashable(value: Any) -> Hashable:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(slots=True)
class SlidingEntries:
    """(ts, value) pairs in time order; an entry counts while ``now - ts < seconds``."""

    ts: list[float] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)  # empty for counts

    def add(self, ts: float, value: Any, keep_value: bool) -> None:
        if self.ts and ts < self.ts[-1]:
            i = bisect_right(self.ts, ts)
            self.ts.insert(i, ts)
            if keep_value:
                self.values.insert(i, value)
        else:
            self.ts.append(ts)
            if keep_value:
                self.values.append(value)
        if len(self.ts) > MAX_ENTRIES:
            del self.ts[0]
            if keep_value:
                del self.values[0]

    def prune(self, now: float, seconds: float) -> None:
        """Forget entries that can no longer count (``now - ts >= seconds``)."""
        ts = self.ts
        n = len(ts)
        cut = 0
        while cut < n and now - ts[cut] >= seconds:
            cut += 1
        if cut:
            del ts[:cut]
            if self.values:
                del self.values[:cut]

    def live(self, now: float) -> int:
        """How many entries are not in the future of ``now``."""
        ts = self.ts
        if not ts or ts[-1] <= now:
            return len(ts)
        return bisect_right(ts, now)


@dataclass(slots=True)
class SessionTally:
    """Count, sum and distinct values since the session began."""

    n: int = 0
    total: float = 0.0
    distinct: set[Hashable] = field(default_factory=set)


@dataclass(slots=True)
class SequenceProgress:
    runs: list[list[Any]] = field(default_factory=list)  # [start_ts, next_step, first]
    done: float | None = None  # when the last full match completed


@dataclass(slots=True)
class Timer:
    due: float
    event_id: str
    event: dict[str, Any]  # the ``after`` event, projected to what the rule reads


@dataclass(slots=True)
class VisitorState:
    session_id: str | None = None
    windows: dict[str, SlidingEntries] = field(default_factory=dict)
    tallies: dict[str, SessionTally] = field(default_factory=dict)
    sequences: dict[str, SequenceProgress] = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)

    def next_due(self) -> float | None:
        """Epoch seconds of the earliest absence timer, so the integrator can schedule."""
        return min((t.due for t in self.timers.values()), default=None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": STATE_VERSION, "s": self.session_id}
        windows = {k: [w.ts, w.values] for k, w in self.windows.items() if w.ts}
        if windows:
            out["w"] = windows
        if self.tallies:
            out["t"] = {
                k: [t.n, t.total, sorted(t.distinct, key=repr)] for k, t in self.tallies.items()
            }
        sequences = {
            k: [p.runs, p.done] for k, p in self.sequences.items() if p.runs or p.done is not None
        }
        if sequences:
            out["q"] = sequences
        if self.timers:
            out["a"] = {k: [t.due, t.event_id, t.event] for k, t in self.timers.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VisitorState:
        if data.get("v") != STATE_VERSION:
            return cls()  # an old shape: start afresh rather than misread it
        return cls(
            session_id=data.get("s"),
            windows={
                k: SlidingEntries(list(v[0]), list(v[1])) for k, v in data.get("w", {}).items()
            },
            tallies={k: SessionTally(v[0], v[1], set(v[2])) for k, v in data.get("t", {}).items()},
            sequences={
                k: SequenceProgress([list(r) for r in v[0]], v[1])
                for k, v in data.get("q", {}).items()
            },
            timers={k: Timer(v[0], v[1], v[2]) for k, v in data.get("a", {}).items()},
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=str)

    @classmethod
    def from_json(cls, text: str) -> VisitorState:
        loaded: dict[str, Any] = json.loads(text)
        return cls.from_dict(loaded)
