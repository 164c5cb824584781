"""Run benchmarks: ``python -m bench`` (all) or ``python -m bench NAME``."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
from pathlib import Path


def names() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if m.name not in ("report", "postgres", "__main__") and not m.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    wanted = argv or names()
    unknown = set(wanted) - set(names())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names())}")
        return 2
    all_met = True
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        all_met &= asyncio.run(module.run())
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
