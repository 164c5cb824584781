"""Offer texts: ``{{event.props.name}}``, ``{{facts.x}}``, ``{{session.cart_value}}``.

A tiny dotted-path substitution rather than a template library: the texts only ever need
to insert a value, the names can be checked when the rule is compiled, and nothing in the
text can run code. Missing values render as empty; the output is plain text (the widget
escapes it). A text given per language is one template per language; the visitor's
language picks one (``Texts.choose``). Amounts (``MONEY_PATHS`` and the facts the caller names as money) are written
by the caller's ``money`` formatter: "189 Kč", not "189".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hovor.core.languages import choose

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
TEXT_ROOTS = frozenset({"event", "session", "visitor", "contact", "facts"})
# Values that are amounts of money wherever they appear (tracker-protocol.md's props).
MONEY_PATHS = frozenset(
    {
        ("session", "cart_value"),
        ("event", "props", "price"),
        ("event", "props", "value"),
        ("event", "props", "total"),
    }
)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Template:
    source: str
    parts: tuple[str | tuple[str, ...], ...]  # literal text, or a path to look up

    @property
    def paths(self) -> list[tuple[str, ...]]:
        return [p for p in self.parts if isinstance(p, tuple)]

    def render(
        self,
        variables: Mapping[str, Any],
        money: Callable[[float], str] | None = None,
        money_facts: frozenset[str] = frozenset(),
    ) -> str:
        """The text; numbers at money paths (``MONEY_PATHS``, ``facts.X`` for X in
        ``money_facts``) go through ``money`` when it is given."""
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = _lookup(variables, part)
            if money is not None and _is_number(value) and _is_money(part, money_facts):
                out.append(money(float(value)))
            else:
                out.append(_format(value))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Texts:
    """An offer's text: one template, or one per language (in the rule's order)."""

    templates: tuple[tuple[str | None, Template], ...]  # (language or None, template)
    default_language: str | None = None

    @property
    def paths(self) -> list[tuple[str, ...]]:
        return [path for _, template in self.templates for path in template.paths]

    def choose(self, locale: str | None) -> Template:
        """The template for a visitor writing ``locale`` (core.languages.choose)."""
        if len(self.templates) == 1:
            return self.templates[0][1]
        by_language = {language or "": template for language, template in self.templates}
        return choose(by_language, locale, self.default_language)


def parse_texts(
    source: str | Mapping[str, str], default_language: str | None = None
) -> tuple[Texts, list[tuple[str | None, TemplateError]]]:
    """The templates of a text given as one string or per language, and the errors of
    each (with the language they are in); a text in error is left out."""
    items: list[tuple[str | None, str]] = (
        [(None, source)] if isinstance(source, str) else list(source.items())
    )
    templates: list[tuple[str | None, Template]] = []
    errors: list[tuple[str | None, TemplateError]] = []
    for language, text in items:
        try:
            templates.append((language, parse_template(text)))
        except TemplateError as exc:
            errors.append((language, exc))
    if not templates:
        templates.append((None, parse_template("")))
    return Texts(tuple(templates), default_language), errors


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_money(path: tuple[str, ...], money_facts: frozenset[str]) -> bool:
    return path in MONEY_PATHS or (path[0] == "facts" and path[-1] in money_facts)


def parse_template(source: str) -> Template:
    """Split ``source`` into text and paths; unknown roots or malformed paths are errors."""
    parts: list[str | tuple[str, ...]] = []
    position = 0
    for match in _PLACEHOLDER.finditer(source):
        if match.start() > position:
            parts.append(source[position : match.start()])
        expression = match.group(1)
        if not _PATH.match(expression):
            raise TemplateError(
                f"{{{{{expression}}}}} at {match.start() + 1}: only dotted names like "
                "{{facts.x}} or {{event.props.name}} are allowed"
            )
        path = tuple(expression.split("."))
        if path[0] not in TEXT_ROOTS:
            raise TemplateError(
                f"unknown name {path[0]!r} at {match.start() + 1}; "
                f"use one of {', '.join(sorted(TEXT_ROOTS))}"
            )
        if path[0] == "facts" and len(path) != 2:
            raise TemplateError(f"{{{{{expression}}}}}: refer to a fact as facts.NAME")
        parts.append(path)
        position = match.end()
    if position < len(source) or not parts:
        parts.append(source[position:])
    return Template(source=source, parts=tuple(parts))


def _lookup(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _format(value: Any) -> str:
    if value is None or isinstance(value, Mapping | list | tuple | set):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return str(value)
