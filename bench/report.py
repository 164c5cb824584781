"""One way to print a benchmark's table and write its JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

OUT_DIR = Path("var/bench")


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    target: str  # e.g. "<= 50", ">= 300"

    def met(self) -> bool:
        op, limit = self.target.split()
        return self.value <= float(limit) if op == "<=" else self.value >= float(limit)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, metrics: list[Metric], notes: str = "") -> bool:
    width = max(len(m.name) for m in metrics)
    print(f"\n{name}{' — ' + notes if notes else ''}")
    print(f"{'metric':<{width}}  {'value':>10}  {'unit':<8}  {'target':<10}  ok")
    for m in metrics:
        print(
            f"{m.name:<{width}}  {m.value:>10.2f}  {m.unit:<8}  {m.target:<10}  {'yes' if m.met() else 'NO'}"
        )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        m.name: {"value": round(m.value, 3), "unit": m.unit, "target": m.target} for m in metrics
    }
    (OUT_DIR / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    return all(m.met() for m in metrics)
