"""The bot's flows: a small declarative format a manager edits, checked at the edge.

A flow starts when a customer's message contains one of its ``keywords`` (case and
diacritics ignored) and walks its ``steps`` from the first::

    {"name": "order status", "keywords": ["objednavka", "order"],
     "steps": [
       {"id": "ask", "say": "Jaké je číslo objednávky?", "collect": "order_number",
        "next": "menu"},
       {"id": "menu", "say": "Co potřebujete?", "buttons": [
          {"label": "Stav doručení", "next": "status"},
          {"label": "Mluvit s člověkem", "handoff": true}]},
       {"id": "status", "say": "Objednávku {{order_number}} jsme předali dopravci.",
        "handoff": false}]}

A step says its text (``{{order_number}}``/``{{email}}``/``{{text}}`` filled from what was
collected), then waits for the customer when it ``collect``s a value (``order_number``,
``email`` or ``text``) or offers ``buttons`` (shown as numbered choices, answered by number
or label); otherwise it goes on to ``next`` at once, hands off (``handoff: true``) or ends the
flow. A flow that keeps going round (a step entered more than ``MAX_VISITS`` times, or more
than ``MAX_STEPS`` steps in one conversation) is stopped and handed to a person.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hovor.core.errors import InvalidInput

MAX_FLOWS = 20
MAX_STEPS = 40  # per conversation, over all flows
MAX_VISITS = 3  # per step per conversation
COLLECT = {
    "order_number": re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]{2,39}"),
    "email": re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}"),
    "text": re.compile(r"(?s).{1,500}"),
}
STEP_ID = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class ButtonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=60)
    next: str | None = Field(default=None, pattern=STEP_ID)
    handoff: bool = False


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=STEP_ID)
    say: str = Field(min_length=1, max_length=1000)
    collect: Literal["order_number", "email", "text"] | None = None
    buttons: list[ButtonIn] = Field(default_factory=list, max_length=8)
    next: str | None = Field(default=None, pattern=STEP_ID)
    handoff: bool = False


class FlowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    keywords: list[str] = Field(min_length=1, max_length=20)
    steps: list[StepIn] = Field(min_length=1, max_length=30)


def check_flows(flows: list[FlowIn], loc: tuple[str | int, ...] = ("body", "flows")) -> None:
    """Every ``next`` names a step of its flow, ids are unique, a step does one kind of
    waiting; all errors at once, each naming its field."""
    errors: list[dict[str, object]] = []
    if len(flows) > MAX_FLOWS:
        errors.append({"loc": list(loc), "msg": f"at most {MAX_FLOWS} flows"})
    for f, flow in enumerate(flows):
        at = [*loc, f]
        ids = [s.id for s in flow.steps]
        for s, step in enumerate(flow.steps):
            if step.id in ids[:s]:
                errors.append({"loc": [*at, "steps", s, "id"], "msg": f"{step.id!r} is used twice"})
            if step.collect and step.buttons:
                errors.append(
                    {
                        "loc": [*at, "steps", s, "buttons"],
                        "msg": "a step collects or offers buttons",
                    }
                )
            if step.handoff and (step.next or step.buttons or step.collect):
                errors.append(
                    {"loc": [*at, "steps", s, "handoff"], "msg": "a hand-off ends the flow"}
                )
            if step.next and step.next not in ids:
                errors.append({"loc": [*at, "steps", s, "next"], "msg": f"no step {step.next!r}"})
            for b, button in enumerate(step.buttons):
                if button.next and button.next not in ids:
                    errors.append(
                        {
                            "loc": [*at, "steps", s, "buttons", b, "next"],
                            "msg": f"no step {button.next!r}",
                        }
                    )
                if not button.next and not button.handoff:
                    errors.append(
                        {"loc": [*at, "steps", s, "buttons", b], "msg": "needs next or handoff"}
                    )
        for k, keyword in enumerate(flow.keywords):
            if not keyword.strip():
                errors.append({"loc": [*at, "keywords", k], "msg": "empty"})
    if errors:
        raise InvalidInput("invalid bot flows", errors=errors)


def step_of(flow: FlowIn, step_id: str | None) -> StepIn | None:
    return next((s for s in flow.steps if s.id == step_id), None)


def valid_input(collect: str, text: str) -> str | None:
    """The collected value, or None when ``text`` is not one."""
    value = text.strip()
    return value if COLLECT[collect].fullmatch(value) else None


def chosen_button(step: StepIn, text: str) -> ButtonIn | None:
    """The button a reply picks: its number (``2``) or its label (case ignored)."""
    answer = text.strip().rstrip(".)").lower()
    for i, button in enumerate(step.buttons, start=1):
        if answer == str(i) or answer == button.label.strip().lower():
            return button
    return None


def render_step(step: StepIn, collected: dict[str, str]) -> str:
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: collected.get(m.group(1), ""), step.say)
    if step.buttons:
        text += "\n" + "\n".join(f"{i}) {b.label}" for i, b in enumerate(step.buttons, 1))
    return text
