"""What every rule template shares: the parameters a manager fills in for any moment (name,
what to offer, the fallback when nobody can chat, the no-nagging guards) and the rule data
they turn into.

Each parameter's ``description`` says what it means in the shop's words: the rule builder
shows it next to the field (``GET /v1/rule-templates`` serves it in ``params_schema``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hovor.engagement.rules.model import NonEmptyOfferText, OfferText
from hovor.engagement.rules.pages import literal
from hovor.engagement.rules.template_texts import FALLBACK_TEXTS

ActionType = Literal["chat", "callback", "cobrowse", "message"]
FallbackType = Literal["callback", "message"]


class TemplateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]*$",
        max_length=64,
        description="a short unique name for the rule, e.g. tv-removed",
    )
    name: str | None = Field(
        default=None,
        max_length=200,
        description="what managers see in the list (default: the template's title)",
    )
    action: ActionType = Field(
        default="chat",
        description="what to offer: a chat, a callback, co-browsing, or a message with no agent",
    )
    queue: str | None = Field(
        default="sales", description="the queue the offer's conversation goes to"
    )
    text: OfferText | None = Field(
        default=None,
        description='the offer\'s text, one or one per language ({"cs": "…", "en": "…"}; '
        "default: the template's text in English, Czech and Slovak); may insert "
        "{{event.props.name}}, {{facts.x}}, {{session.cart_value}}",
    )
    fallback: FallbackType | None = Field(
        default=None,
        description="when no agent can take the offer now (nobody online, every slot taken), "
        "offer this instead so the moment is not lost: a callback, or a message (e.g. with a "
        "link to your contact form); empty: offer nothing",
    )
    fallback_text: NonEmptyOfferText | None = Field(
        default=None,
        description="the fallback's text (default: a short apology and what happens next)",
    )
    max_per_session: int = Field(
        default=1, ge=1, description="offers of this rule at most per visit"
    )
    max_per_visitor_per_day: int | None = Field(
        default=3, ge=1, description="offers of this rule at most per visitor in 24 hours"
    )
    # Never nag: after a "no thanks", no offer of any rule for this long.
    quiet_after_decline_seconds: float = Field(
        default=1800, ge=0, description="seconds without any offer after the visitor says no thanks"
    )
    # 10 % by default: without a control group no uplift can ever be measured.
    control_share: float = Field(
        default=0.1,
        ge=0.0,
        le=0.9,
        description=(
            "share of visitors held out as a control group (0 to 0.9; default 0.1, "
            "so the offer's uplift can be measured)"
        ),
    )

    @field_validator("fallback")
    @classmethod
    def _fallback_needs_a_paced_action(
        cls, value: FallbackType | None, info: ValidationInfo
    ) -> FallbackType | None:
        action = info.data.get("action")
        if value is not None and action == "message":
            raise ValueError("a message needs no agent, so it never falls back: leave empty")
        if value is not None and value == action:
            raise ValueError(f"the fallback must be something other than a {action}")
        return value


__all__ = ["TemplateParams", "literal", "number", "rule_data"]


def number(value: float) -> str:
    return repr(float(value))


def rule_data(
    params: TemplateParams,
    default_name: str,
    default_text: str | dict[str, str],
    **body: Any,
) -> dict[str, Any]:
    """The rule a template makes: its moment (``body``) with the shared action and guards."""
    action: dict[str, Any] = {
        "type": params.action,
        "queue": params.queue,
        "text": _copy(default_text if params.text is None else params.text),
    }
    if params.fallback is not None:
        action["fallback"] = {
            "type": params.fallback,
            "text": _copy(params.fallback_text or FALLBACK_TEXTS[params.fallback]),
        }
    return {
        "key": params.key,
        "name": params.name or default_name,
        "enabled": True,
        **body,
        "action": action,
        "guards": {
            "max_per_session": params.max_per_session,
            "max_per_visitor_per_day": params.max_per_visitor_per_day,
            "quiet_after_decline_seconds": params.quiet_after_decline_seconds,
            "control_share": params.control_share,
        },
    }


def _copy(text: str | dict[str, str]) -> str | dict[str, str]:
    """A rule's own copy of a text (the templates' defaults are shared)."""
    return text if isinstance(text, str) else dict(text)
