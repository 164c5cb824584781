"""The engagement engine alone: 50 rules (the templates, 5 variants each), 10,000 visitors,
200,000 events through ``Engine.process``, in one process.

Also runs the same stream with every CEL expression replaced by a hand-written Python
function (same engine, same state), so the ratio shows what CEL itself costs, and reports
the size of a visitor's checkpointed state (JSON).

Rates are events per CPU second of this process (``time.process_time``), one core: the
engine is synchronous and CPU-bound, and wall-clock figures on a shared machine say more
about the neighbours than about the engine.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from bench.report import Metric, report
from hovor.core.cel import EvaluationError, Expression
from hovor.engagement.cep import engine as engine_module
from hovor.engagement.cep.engine import Engine, Event
from hovor.engagement.cep.state import VisitorState
from hovor.engagement.rules.compiler import compile_rule
from hovor.engagement.rules.templates import TEMPLATES

VISITORS = int(os.environ.get("BENCH_VISITORS", "10000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "200000"))
CATEGORIES = ["fridges", "tvs", "kettles", "laptops", "phones"]
PATHS = ["/", "/blog", "/terms", "/privacy", "/shipping", "/returns", "/faq", "/about"]

Py = Callable[[dict[str, Any]], Any]


def rules() -> list[tuple[dict[str, Any], dict[str, Py]]]:
    """50 rules, each with the hand-written Python for its expressions (by source)."""
    out: list[tuple[dict[str, Any], dict[str, Py]]] = []

    def add(template: str, params: dict[str, Any], python: dict[str, Py]) -> None:
        out.append((TEMPLATES[template].build({"key": f"{template}-{len(out)}", **params}), python))

    def props(v: dict[str, Any]) -> dict[str, Any]:
        event: dict[str, Any] = v["event"]
        return event["props"]  # type: ignore[no-any-return]

    for i in range(5):
        add("cart_abandoned", {"seconds": 600 + 300 * i}, {})
        add(
            "cart_emptied",
            {"queue": f"q{i}"},
            {
                "has(event.props.items) && event.props.items == 0": lambda v: (
                    "items" in props(v) and props(v)["items"] == 0
                )
            },
        )
        step = ["payment", "shipping", "review", "address", "payment"][i]
        add(
            "payment_stuck",
            {"step": step, "seconds": 60 + 30 * i},
            {f'event.props.step == "{step}"': lambda v, s=step: props(v)["step"] == s},
        )
        path = PATHS[2 + i]
        times = 2 + i % 3
        add(
            "terms_revisited",
            {"path": path, "times": times},
            {
                f'has(event.props.path) && event.props.path == "{path}"': lambda v, p=path: (
                    "path" in props(v) and props(v)["path"] == p
                ),
                f'has(event.props.path) && event.props.path == "{path}" '
                f"&& facts.terms_views >= {times}": lambda v, p=path, t=times: (
                    "path" in props(v) and props(v)["path"] == p and v["facts"]["terms_views"] >= t
                ),
            },
        )
        add(
            "coupon_failed",
            {"times": 1 + i % 2, "seconds": 900 * (i + 1)},
            {
                f"facts.failed_coupons >= {1 + i % 2}": lambda v, t=1 + i % 2: (
                    v["facts"]["failed_coupons"] >= t
                )
            },
        )
        add(
            "login_failures",
            {"times": 3 + i % 2, "seconds": 600},
            {
                f"facts.login_failures >= {3 + i % 2}": lambda v, t=3 + i % 2: (
                    v["facts"]["login_failures"] >= t
                )
            },
        )
        amount = 500.0 * (i + 1)
        add(
            "high_value_removed",
            {"amount": amount, "seconds": 600},
            {
                "has(event.props.price)": lambda v: "price" in props(v),
                "double(event.props.price) * (has(event.props.quantity) ? "
                "double(event.props.quantity) : 1.0)": lambda v: (
                    float(props(v)["price"])
                    * (float(props(v)["quantity"]) if "quantity" in props(v) else 1.0)
                ),
                f"facts.removed_value >= {amount!r}": lambda v, a=amount: (
                    v["facts"]["removed_value"] >= a
                ),
            },
        )
        category = CATEGORIES[i]
        add(
            "compared_back_and_forth",
            {"category": category, "seconds": 600},
            {
                "has(event.props.category) && has(event.props.id) "
                f'&& event.props.category == "{category}"': lambda v, c=category: (
                    "category" in props(v) and "id" in props(v) and props(v)["category"] == c
                ),
                "has(event.props.category) && has(event.props.id) "
                "&& event.props.category == first.props.category "
                "&& event.props.id != first.props.id": lambda v: (
                    "category" in props(v)
                    and "id" in props(v)
                    and props(v)["category"] == v["first"]["props"]["category"]
                    and props(v)["id"] != v["first"]["props"]["id"]
                ),
                "has(event.props.id) && event.props.id == first.props.id": lambda v: (
                    "id" in props(v) and props(v)["id"] == v["first"]["props"]["id"]
                ),
                "facts.compared": lambda v: v["facts"]["compared"],
            },
        )
        seconds = 30.0 * (i + 1)
        add(
            "idle_on_product",
            {"seconds": seconds},
            {
                f"has(event.props.product_id) && event.props.seconds >= {seconds!r}": lambda v, s=seconds: (
                    "product_id" in props(v) and props(v)["seconds"] >= s
                )
            },
        )
        add("no_add_after_product", {"seconds": 60 + 60 * i}, {})
    return out


def stream(rng: random.Random) -> list[tuple[int, Event]]:
    """EVENTS events from VISITORS visitors arriving over an hour, in time order."""
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    per_visitor = EVENTS // VISITORS
    events: list[tuple[float, int, Event]] = []
    for visitor in range(VISITORS):
        at = rng.uniform(0, 3600)
        product: dict[str, Any] = {}
        items = 0
        for n in range(per_visitor):
            at += rng.uniform(3, 40)
            kind = rng.choices(
                [
                    "page.view",
                    "product.view",
                    "cart.add",
                    "cart.remove",
                    "checkout.step",
                    "checkout.payment_method",
                    "coupon.failed",
                    "login.failed",
                    "idle",
                    "search",
                    "order.completed",
                ],
                [30, 30, 8, 5, 6, 2, 2, 2, 8, 6, 1],
            )[0]
            props: dict[str, Any]
            if kind == "page.view":
                props = {"path": rng.choice(PATHS), "title": "A page"}
            elif kind == "product.view":
                category = rng.choice(CATEGORIES)
                product = {
                    "id": f"{category}-{rng.randrange(4)}",
                    "category": category,
                    "name": f"Product {rng.randrange(100)}",
                    "price": rng.choice([49, 199, 499, 999, 1499]),
                }
                props = dict(product)
            elif kind == "cart.add":
                items += 1
                props = {
                    "id": product.get("id", "x"),
                    "price": product.get("price", 10),
                    "quantity": 1,
                    "items": items,
                }
            elif kind == "cart.remove":
                items = max(0, items - 1)
                props = {
                    "id": product.get("id", "x"),
                    "name": "P",
                    "price": product.get("price", 10),
                    "quantity": rng.randint(1, 2),
                    "items": items,
                }
            elif kind == "checkout.step":
                props = {"step": rng.choice(["address", "shipping", "payment", "review"])}
            elif kind == "checkout.payment_method":
                props = {"method": "card"}
            elif kind == "coupon.failed":
                props = {"code": "SPRING"}
            elif kind == "idle":
                props = {"seconds": rng.choice([15, 30, 60, 120])}
                if product and rng.random() < 0.5:
                    props["product_id"] = product["id"]
            elif kind == "search":
                props = {"query": "fridge"}
            elif kind == "order.completed":
                props = {"order_id": f"o{visitor}", "value": 100}
                items = 0
            else:
                props = {}
            ts = start + timedelta(seconds=at)
            events.append((at, visitor, Event(f"v{visitor}e{n}", kind, ts, props, f"s{visitor}")))
    events.sort(key=lambda e: e[0])
    return [(visitor, event) for _, visitor, event in events]


class _PlainBindings:
    __slots__ = ("variables",)

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables


def measure(
    engine: Engine, events: list[tuple[int, Event]]
) -> tuple[float, int, list[VisitorState]]:
    states = [VisitorState() for _ in range(VISITORS)]
    process = engine.process
    matches = 0
    started = time.process_time()  # CPU time: other processes on the machine do not count
    for visitor, event in events:
        matches += len(process(states[visitor], event))
    return len(events) / (time.process_time() - started), matches, states


async def run() -> bool:
    rng = random.Random(7)
    pairs = rules()
    compiled = [compile_rule(data) for data, _ in pairs]
    events = stream(rng)

    rate, matches, states = measure(Engine(compiled), events)
    sizes = [len(s.to_json().encode()) for s in states]
    cel_rate, cel_matches, _ = measure(Engine(compiled, fast_paths=False), events)

    python: dict[str, Py] = {}
    for _, functions in pairs:
        python.update(functions)

    def run_python(expression: Expression, bindings: _PlainBindings) -> Any:
        try:
            return python[expression.source](bindings.variables)
        except (KeyError, TypeError) as exc:
            raise EvaluationError(str(exc)) from None

    with (
        mock.patch.object(engine_module, "Bindings", _PlainBindings),
        mock.patch.object(engine_module, "run_with_cel", run_python),
    ):
        py_rate, py_matches, _ = measure(Engine(compiled, fast_paths=False), events)
    if not matches == cel_matches == py_matches:
        print(f"warning: matches differ: {matches} / CEL only {cel_matches} / Python {py_matches}")

    return report(
        "rules_engine",
        [
            Metric("events/s through Engine.process", rate, "ev/s", ">= 20000"),
            Metric("events/s, every expression through CEL", cel_rate, "ev/s", ">= 0"),
            Metric("events/s, hand-written Python conditions", py_rate, "ev/s", ">= 0"),
            Metric("time vs hand-written (engine as shipped)", py_rate / rate, "ratio", "<= 2"),
            Metric("time vs hand-written (CEL only)", py_rate / cel_rate, "ratio", ">= 0"),
            Metric("visitor state, mean", statistics.fmean(sizes), "bytes", "<= 2048"),
            Metric("visitor state, max", max(sizes), "bytes", "<= 16384"),
        ],
        notes=f"{len(compiled)} rules, {VISITORS} visitors, {len(events)} events, "
        f"{matches} matches",
    )
