"""Which page a page condition means: a page type the shop declares, or a URL path pattern.

Shops name their pages differently (``/terms``, ``/terms.html``, ``/cs/obchodni-podminky``),
so a template that waits for "the terms page" takes either the page type the shop's pages
declare (``data-hovor-page-type="terms"``, sent by the tracker as ``page_type`` on
``page.view``) or a path pattern with ``*`` (any characters, ``/`` included) and ``?``
(one character), matched against the whole path (``page.view``'s ``path``, which the
server adds). A pattern without wildcards is an exact path.

The CEL this writes is the plainest that says it: ``==`` for an exact path (the engine's
fast path evaluates it without CEL), ``startsWith``/``endsWith``/``contains`` for one
leading or trailing ``*``, and ``matches`` (RE2) for anything else.
"""

from __future__ import annotations

import json
import re

WILDCARDS = frozenset("*?")
# Characters RE2 treats specially outside a class; everything else is literal as is.
_RE2_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$])")


def literal(value: str) -> str:
    """A CEL string literal for ``value`` (JSON escapes are valid CEL escapes)."""
    return json.dumps(value)


def glob_regex(pattern: str) -> str:
    """The RE2 regular expression (anchored) for a path pattern with ``*`` and ``?``."""
    out = ["^"]
    for char in pattern:
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        else:
            out.append(_RE2_SPECIAL.sub(r"\\\1", char))
    out.append("$")
    return "".join(out)


def path_condition(pattern: str, field: str = "event.props.path") -> str:
    """CEL that is true when ``field`` (a string that may be absent) matches ``pattern``."""
    present = f"has({field})"
    inner = pattern.strip("*")
    if not WILDCARDS & set(pattern):
        test = f"{field} == {literal(pattern)}"
    elif not WILDCARDS & set(inner):
        if inner == "":
            return present  # "*": any path
        leading, trailing = pattern.startswith("*"), pattern.endswith("*")
        method = "contains" if leading and trailing else "endsWith" if leading else "startsWith"
        test = f"{field}.{method}({literal(inner)})"
    else:
        test = f"{field}.matches({literal(glob_regex(pattern))})"
    return f"{present} && {test}"


def page_condition(path: str | None, page_type: str | None) -> str:
    """CEL for a ``page.view`` of the page: its declared type is ``page_type`` or its path
    matches ``path`` (either may be None, not both)."""
    parts: list[str] = []
    if page_type is not None:
        parts.append(f"has(event.props.page_type) && event.props.page_type == {literal(page_type)}")
    if path is not None:
        parts.append(path_condition(path))
    if not parts:
        raise ValueError("give a page type or a path")
    if len(parts) == 1:
        return parts[0]
    return " || ".join(f"({p})" for p in parts)
