"""The variables a canned response may hold, checked when it is saved and filled in when used.

A template names variables as ``{{contact.first_name}}`` (spaces inside the braces allowed).
Saving refuses an unknown name or a stray ``{{``/``}}``, naming the field, so a typo is caught
by the admin rather than sent. Rendering never leaves a ``{{…}}`` in the text: a variable the
conversation has no value for (an anonymous visitor's name, a contact with no orders) becomes
an empty string and is listed in ``missing`` so the composer can warn the agent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hovor.core.errors import field_error

VARIABLES: dict[str, str] = {
    "contact.name": "the customer's full name",
    "contact.first_name": "the customer's first name",
    "contact.email": "the customer's e-mail address",
    "agent.name": "your full name",
    "agent.first_name": "your first name",
    "order.number": "the number of the customer's latest order",
}

_VARIABLE = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
_BRACES = re.compile(r"\{\{|\}\}")


def template_variables(template: str) -> list[str]:
    """The variable names a template uses, in order of first use."""
    return list(dict.fromkeys(m.group(1) for m in _VARIABLE.finditer(template)))


def check_template(template: str, loc: list[str | int]) -> str:
    """The template if every ``{{…}}`` in it names a known variable; else a 422 on ``loc``."""
    for name in template_variables(template):
        if name not in VARIABLES:
            known = ", ".join(f"{{{{{v}}}}}" for v in VARIABLES)
            raise field_error(loc, f"unknown variable {{{{{name}}}}}; known: {known}")
    if _BRACES.search(_VARIABLE.sub("", template)):
        raise field_error(loc, "a '{{' or '}}' that does not enclose a variable name")
    return template


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: list[str]  # variables used that had no value (rendered as "")


def render(template: str, values: Mapping[str, str | None]) -> Rendered:
    """Fill in ``values``; a variable with no (or a blank) value becomes ``""``."""
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if not value and name not in missing:
            missing.append(name)
        return value

    text = _BRACES.sub("", _VARIABLE.sub(fill, template))
    return Rendered(text=text, missing=missing)


def first_name(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None
