"""WhatsApp message templates: read from Meta's list, cached per inbox, rendered and sent.

Outside the 24-hour window (``window.py``) a business may send only a template Meta has
approved. ``GET /{waba-id}/message_templates`` answers ``{"data": [{"name", "language",
"status", "category", "components": [{"type": "BODY", "text": "Hi {{1}}…"}, …]}],
"paging": {…}}``. Hovor offers the APPROVED templates whose only variables are the body's
numbered ``{{1}}``, ``{{2}}``…; one is sent as ``{"type": "template", "template": {"name",
"language": {"code"}, "components": [{"type": "body", "parameters": [{"type": "text",
"text"}]}]}}`` (docs/whatsapp.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hovor.channels.whatsapp.models import WhatsAppTemplate
from hovor.core import clock
from hovor.core.errors import ServiceUnavailable, field_error
from hovor.db.transaction import Tx

APPROVED = "APPROVED"
CACHE_FOR = timedelta(hours=1)  # the list is fetched again when older (or on "refresh")
MAX_PARAMETER = 1024  # characters of one body parameter
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# Buttons that need no parameter when the template is sent.
_STATIC_BUTTONS = frozenset({"QUICK_REPLY", "PHONE_NUMBER", "URL"})


@dataclass(frozen=True)
class Template:
    """A template as the desktop offers it."""

    name: str
    language: str
    category: str | None
    body: str  # the BODY text with its {{n}} placeholders
    parameters: int  # how many body parameters it takes ({{1}}..{{n}})
    header: str | None  # a text header without variables
    footer: str | None


def _component(components: Sequence[Any], kind: str) -> dict[str, Any] | None:
    for component in components:
        if isinstance(component, dict) and str(component.get("type", "")).upper() == kind:
            return component
    return None


def _numbers(text: str) -> list[str]:
    return _VARIABLE.findall(text)


def offerable(row: WhatsAppTemplate) -> Template | None:
    """The template as the desktop can send it, or None: not approved, or it needs what the
    desktop does not ask for (named variables, a media or variable header, a button's
    parameter)."""
    if row.status != APPROVED:
        return None
    body = _component(row.components, "BODY")
    text = body.get("text") if body is not None else None
    if not isinstance(text, str) or not text:
        return None
    numbers = _numbers(text)
    if any(not n.isdigit() for n in numbers):
        return None  # named parameters ({{first_name}})
    count = len(set(numbers))
    if set(numbers) != {str(i) for i in range(1, count + 1)}:
        return None
    header = _component(row.components, "HEADER")
    header_text = None
    if header is not None:
        header_text = header.get("text")
        if str(header.get("format", "")).upper() != "TEXT" or not isinstance(header_text, str):
            return None  # an image, video, document or location header needs a parameter
        if _numbers(header_text):
            return None
    buttons = _component(row.components, "BUTTONS")
    for button in buttons.get("buttons", []) if buttons is not None else []:
        kind = str(button.get("type", "")).upper() if isinstance(button, dict) else ""
        if kind not in _STATIC_BUTTONS or _numbers(str(button.get("url", ""))):
            return None  # a copy code, OTP, flow or variable URL button needs a parameter
    footer = _component(row.components, "FOOTER")
    footer_text = footer.get("text") if footer is not None else None
    return Template(
        name=row.name,
        language=row.language,
        category=row.category,
        body=text,
        parameters=count,
        header=header_text,
        footer=footer_text if isinstance(footer_text, str) else None,
    )


def render(body: str, parameters: Sequence[str]) -> str:
    """The body as the customer reads it: ``{{n}}`` replaced by the n-th parameter."""
    return _VARIABLE.sub(lambda m: parameters[int(m.group(1)) - 1], body)


def check_parameters(template: Template, parameters: Sequence[str]) -> list[str]:
    if len(parameters) != template.parameters:
        raise field_error(
            ["body", "parameters"],
            f"the template {template.name!r} takes {template.parameters} parameter(s)",
        )
    checked = []
    for i, value in enumerate(parameters):
        value = value.strip()
        if not value or len(value) > MAX_PARAMETER:
            raise field_error(["body", "parameters", i], f"1 to {MAX_PARAMETER} characters")
        if "\n" in value or "\t" in value or "    " in value:
            # Meta refuses (132018) a parameter with new lines, tabs or more than 4 spaces.
            raise field_error(["body", "parameters", i], "no new lines, tabs or 4 spaces in a row")
        checked.append(value)
    return checked


def cloud_api_template(name: str, language: str, parameters: Sequence[str]) -> dict[str, Any]:
    """The ``template`` object of a Cloud API message, as Meta documents it."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}
        ]
    return template


# The cache ----------------------------------------------------------------------------------


def read_listing(data: Any) -> list[dict[str, Any]]:
    """The templates of one page of Meta's answer (``data``), each with a name and language."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ServiceUnavailable("WhatsApp's answer to the template list has no data")
    return [
        item
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("name"), str)
        and isinstance(item.get("language"), str)
    ]


async def cached(session: AsyncSession, inbox_id: str) -> list[WhatsAppTemplate]:
    return list(
        (
            await session.scalars(
                select(WhatsAppTemplate)
                .where(WhatsAppTemplate.inbox_id == inbox_id)
                .order_by(WhatsAppTemplate.name, WhatsAppTemplate.language)
            )
        ).all()
    )


def is_stale(rows: Sequence[WhatsAppTemplate]) -> bool:
    return not rows or min(r.fetched_at for r in rows) <= clock.now() - CACHE_FOR


async def do_store_templates(
    tx: Tx, workspace_id: str, inbox_id: str, listed: Sequence[dict[str, Any]]
) -> list[WhatsAppTemplate]:
    """Replace the inbox's cached templates with what Meta listed."""
    await tx.session.execute(delete(WhatsAppTemplate).where(WhatsAppTemplate.inbox_id == inbox_id))
    now = clock.now()
    rows: dict[tuple[str, str], WhatsAppTemplate] = {}
    for item in listed:
        components = item.get("components")
        category = item.get("category")
        rows[(item["name"], item["language"])] = WhatsAppTemplate(
            workspace_id=workspace_id,
            inbox_id=inbox_id,
            name=item["name"][:512],
            language=item["language"][:16],
            status=str(item.get("status") or "")[:32],
            category=category[:32] if isinstance(category, str) else None,
            components=components if isinstance(components, list) else [],
            fetched_at=now,
        )
    tx.session.add_all(rows.values())
    await tx.session.flush()
    return sorted(rows.values(), key=lambda r: (r.name, r.language))
