"""Bot flows: checked at the edge (every error names its field), buttons by number or label."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hovor.bot.flows import FlowIn, check_flows, chosen_button, render_step, valid_input
from hovor.bot.replies import not_helped, starts_flow, wants_person
from hovor.core.errors import InvalidInput


def flow(*steps: dict[str, Any]) -> FlowIn:
    return FlowIn.model_validate({"name": "f", "keywords": ["objednávka"], "steps": list(steps)})


def test_a_good_flow_passes() -> None:
    check_flows(
        [
            flow(
                {"id": "ask", "say": "Číslo?", "collect": "order_number", "next": "menu"},
                {
                    "id": "menu",
                    "say": "Co dál?",
                    "buttons": [
                        {"label": "Stav", "next": "ask"},
                        {"label": "Člověk", "handoff": True},
                    ],
                },
            )
        ]
    )


@pytest.mark.parametrize(
    ("steps", "loc"),
    [
        ([{"id": "a", "say": "x", "next": "nowhere"}], ["body", "flows", 0, "steps", 0, "next"]),
        (
            [{"id": "a", "say": "x"}, {"id": "a", "say": "y"}],
            ["body", "flows", 0, "steps", 1, "id"],
        ),
        (
            [{"id": "a", "say": "x", "buttons": [{"label": "b"}]}],
            ["body", "flows", 0, "steps", 0, "buttons", 0],
        ),
        (
            [
                {
                    "id": "a",
                    "say": "x",
                    "collect": "email",
                    "buttons": [{"label": "b", "handoff": True}],
                }
            ],
            ["body", "flows", 0, "steps", 0, "buttons"],
        ),
        (
            [{"id": "a", "say": "x", "handoff": True, "next": "a"}],
            ["body", "flows", 0, "steps", 0, "handoff"],
        ),
    ],
)
def test_a_bad_flow_names_the_field(steps: list[dict[str, Any]], loc: list[Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_flows([flow(*steps)])
    assert caught.value.errors and caught.value.errors[0]["loc"] == loc


def test_the_shape_is_checked_by_the_schema() -> None:
    with pytest.raises(ValidationError):
        flow({"id": "A B", "say": "x"})
    with pytest.raises(ValidationError):
        flow({"id": "a", "say": "x", "collect": "shoe_size"})
    with pytest.raises(ValidationError):
        FlowIn.model_validate({"name": "f", "keywords": [], "steps": [{"id": "a", "say": "x"}]})


def test_inputs_buttons_and_text() -> None:
    assert valid_input("order_number", " CZ-2026-1001 ") == "CZ-2026-1001"
    assert valid_input("order_number", "no") is None
    assert valid_input("email", "jana@example.cz") == "jana@example.cz"
    assert valid_input("email", "jana@") is None
    step = flow(
        {
            "id": "m",
            "say": "Objednávka {{order_number}}?",
            "buttons": [{"label": "Ano", "next": "m"}, {"label": "Ne", "handoff": True}],
        }
    ).steps[0]
    assert render_step(step, {"order_number": "CZ-1"}) == "Objednávka CZ-1?\n1) Ano\n2) Ne"
    assert render_step(step, {}) == "Objednávka ?\n1) Ano\n2) Ne"
    assert chosen_button(step, "2") is step.buttons[1]
    assert chosen_button(step, " ano ") is step.buttons[0]
    assert chosen_button(step, "maybe") is None


def test_what_the_customer_says() -> None:
    assert wants_person("Chci mluvit s člověkem")
    assert wants_person("chci cloveka")
    assert wants_person("operátora prosím")
    assert wants_person("Can I talk to a human?")
    assert wants_person("agent")
    assert not wants_person("Jak vrátit zboží?")
    assert starts_flow("Kde je moje objednavka?", ["objednávk"])
    assert not starts_flow("doprava", ["objednávk"])
    assert not_helped("ne")
    assert not_helped("To nepomohlo")
    assert not_helped("that didn't help")
    assert not not_helped("nevím jak vrátit zboží")
