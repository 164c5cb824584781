"""Rule templates: a manager picks a moment and fills in a few numbers; no expressions.

Each builder returns rule data (a dict) that ``compile_rule`` accepts; ``TEMPLATES`` lists
them for the form builder (title, description, parameter schema, builder).

Assumptions about tracker props: ``page.view`` carries ``path``; ``product.view`` carries
``id``, ``name`` and ``category``; ``cart.remove`` carries ``price`` and ``quantity`` and,
when the tracker knows it, ``items`` (items left in the cart); ``checkout.step`` carries
``step``; ``idle`` carries ``seconds`` and, on a product page, ``product_id``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from hovor.engagement.rules.model import MAX_WINDOW_SECONDS

ActionType = Literal["chat", "callback", "cobrowse", "message"]


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
    action: ActionType = Field(default="chat", description="what to offer")
    queue: str | None = Field(
        default="sales", description="the queue the offer's conversation goes to"
    )
    text: str | None = Field(
        default=None,
        max_length=2000,
        description="the offer's text; may insert {{event.props.name}}, {{facts.x}}, {{session.cart_value}}",
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
    control_share: float = Field(
        default=0.0,
        ge=0.0,
        le=0.9,
        description="share of visitors held out as a control group (0 to 0.9)",
    )


def _literal(value: str) -> str:
    """A CEL string literal for ``value`` (JSON escapes are valid CEL escapes)."""
    return json.dumps(value)


def _number(value: float) -> str:
    return repr(float(value))


def _rule(
    params: TemplateParams,
    default_name: str,
    default_text: str,
    **body: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": params.key,
        "name": params.name or default_name,
        "enabled": True,
        **body,
        "action": {
            "type": params.action,
            "queue": params.queue,
            "text": default_text if params.text is None else params.text,
        },
        "guards": {
            "max_per_session": params.max_per_session,
            "max_per_visitor_per_day": params.max_per_visitor_per_day,
            "quiet_after_decline_seconds": params.quiet_after_decline_seconds,
            "control_share": params.control_share,
        },
    }
    return data


# ------------------------------------------------------------------ cart
class CartAbandonedParams(TemplateParams):
    seconds: float = Field(
        default=900,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds without going to checkout after adding to the cart",
    )


def cart_abandoned(p: CartAbandonedParams) -> dict[str, Any]:
    return _rule(
        p,
        "Cart abandoned",
        "Anything holding you back from checking out? We're happy to help.",
        absence={
            "after": {"event": "cart.add"},
            "none_of": ["checkout.step", "order.completed"],
            "for_seconds": p.seconds,
        },
    )


class CartEmptiedParams(TemplateParams):
    pass


def cart_emptied(p: CartEmptiedParams) -> dict[str, Any]:
    return _rule(
        p,
        "Cart emptied",
        "You've emptied your cart. Didn't find what you were looking for?",
        trigger={"events": ["cart.remove"]},
        condition="has(event.props.items) && event.props.items == 0",
    )


class HighValueRemovedParams(TemplateParams):
    amount: float = Field(
        default=1000,
        gt=0,
        description="the cart value removed that counts as high (in the shop's currency)",
    )
    seconds: float = Field(
        default=600,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="the window, in seconds, over which removals add up",
    )


def high_value_removed(p: HighValueRemovedParams) -> dict[str, Any]:
    return _rule(
        p,
        "High-value items removed",
        "Changed your mind about {{event.props.name}}? Ask us anything before you decide.",
        trigger={"events": ["cart.remove"]},
        facts=[
            {
                "name": "removed_value",
                "kind": "sum",
                "event": "cart.remove",
                "where": "has(event.props.price)",
                "value": "double(event.props.price) * "
                "(has(event.props.quantity) ? double(event.props.quantity) : 1.0)",
                "window": {"seconds": p.seconds},
            }
        ],
        condition=f"facts.removed_value >= {_number(p.amount)}",
    )


# ------------------------------------------------------------------ checkout
class PaymentStuckParams(TemplateParams):
    step: str = Field(
        default="payment",
        min_length=1,
        max_length=64,
        description="the checkout step's name as the tracker sends it",
    )
    seconds: float = Field(
        default=60, gt=0, le=MAX_WINDOW_SECONDS, description="seconds on the step without choosing"
    )


def payment_stuck(p: PaymentStuckParams) -> dict[str, Any]:
    return _rule(
        p,
        "Stuck choosing a payment method",
        "Not sure which payment method to choose? We can help.",
        absence={
            "after": {
                "event": "checkout.step",
                "where": f"event.props.step == {_literal(p.step)}",
            },
            "none_of": ["checkout.payment_method", "order.completed"],
            "for_seconds": p.seconds,
        },
    )


class CouponFailedParams(TemplateParams):
    times: int = Field(default=1, ge=1, le=100, description="how many times")
    seconds: float = Field(
        default=1800, gt=0, le=MAX_WINDOW_SECONDS, description="the window, in seconds"
    )


def coupon_failed(p: CouponFailedParams) -> dict[str, Any]:
    return _rule(
        p,
        "Coupon code failed",
        "The code {{event.props.code}} didn't work? Let us take a look.",
        trigger={"events": ["coupon.failed"]},
        facts=[
            {
                "name": "failed_coupons",
                "kind": "count",
                "event": "coupon.failed",
                "window": {"seconds": p.seconds},
            }
        ],
        condition=f"facts.failed_coupons >= {p.times}",
    )


class LoginFailuresParams(TemplateParams):
    times: int = Field(default=3, ge=1, le=100, description="how many times")
    seconds: float = Field(
        default=600, gt=0, le=MAX_WINDOW_SECONDS, description="the window, in seconds"
    )
    queue: str | None = "support"


def login_failures(p: LoginFailuresParams) -> dict[str, Any]:
    return _rule(
        p,
        "Repeated login failures",
        "Having trouble signing in? We can help you get back into your account.",
        trigger={"events": ["login.failed"]},
        facts=[
            {
                "name": "login_failures",
                "kind": "count",
                "event": "login.failed",
                "window": {"seconds": p.seconds},
            }
        ],
        condition=f"facts.login_failures >= {p.times}",
    )


# ------------------------------------------------------------------ browsing
class TermsRevisitedParams(TemplateParams):
    path: str = Field(
        default="/terms",
        min_length=1,
        max_length=512,
        description="the page's path, as in its URL (e.g. /terms)",
    )
    times: int = Field(default=3, ge=1, le=100, description="how many times")


def terms_revisited(p: TermsRevisitedParams) -> dict[str, Any]:
    path = _literal(p.path)
    return _rule(
        p,
        "Terms page visited again",
        "Questions about our terms? We're happy to explain.",
        trigger={"events": ["page.view"]},
        facts=[
            {
                "name": "terms_views",
                "kind": "count",
                "event": "page.view",
                "where": f"has(event.props.path) && event.props.path == {path}",
                "window": "session",
            }
        ],
        condition=f"has(event.props.path) && event.props.path == {path} "
        f"&& facts.terms_views >= {p.times}",
    )


class ComparedParams(TemplateParams):
    category: str | None = Field(
        default=None,
        max_length=128,
        description="only products of this category (empty: any category)",
    )
    seconds: float = Field(
        default=600,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds within which the visitor went back and forth",
    )


def compared_back_and_forth(p: ComparedParams) -> dict[str, Any]:
    first = "has(event.props.category) && has(event.props.id)"
    if p.category is not None:
        first += f" && event.props.category == {_literal(p.category)}"
    return _rule(
        p,
        "Comparing products back and forth",
        "Still deciding between {{event.props.name}} and another one? We can help you compare.",
        trigger={"events": ["product.view"]},
        facts=[
            {
                "name": "compared",
                "kind": "sequence",
                "steps": [
                    {"event": "product.view", "where": first},
                    {
                        "event": "product.view",
                        "where": "has(event.props.category) && has(event.props.id) "
                        "&& event.props.category == first.props.category "
                        "&& event.props.id != first.props.id",
                    },
                    {
                        "event": "product.view",
                        "where": "has(event.props.id) && event.props.id == first.props.id",
                    },
                ],
                "within_seconds": p.seconds,
            }
        ],
        condition="facts.compared",
    )


class IdleOnProductParams(TemplateParams):
    seconds: float = Field(
        default=60, gt=0, le=MAX_WINDOW_SECONDS, description="seconds idle on a product page"
    )


def idle_on_product(p: IdleOnProductParams) -> dict[str, Any]:
    return _rule(
        p,
        "Long hesitation on a product page",
        "Any questions about this product? Ask us.",
        trigger={"events": ["idle"]},
        condition=f"has(event.props.product_id) && event.props.seconds >= {_number(p.seconds)}",
    )


class NoAddAfterProductParams(TemplateParams):
    seconds: float = Field(
        default=120,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds on a product page without adding it to the cart",
    )


def no_add_after_product(p: NoAddAfterProductParams) -> dict[str, Any]:
    return _rule(
        p,
        "Product viewed, nothing added",
        "Any questions about {{event.props.name}}? Ask us.",
        absence={
            "after": {"event": "product.view"},
            "none_of": ["cart.add", "order.completed"],
            "for_seconds": p.seconds,
        },
    )


# ------------------------------------------------------------------ registry
P = TypeVar("P", bound=TemplateParams)


@dataclass(frozen=True, slots=True)
class RuleTemplate(Generic[P]):
    title: str
    description: str
    params: type[P]
    builder: Callable[[P], dict[str, Any]]

    def build(self, params: dict[str, Any]) -> dict[str, Any]:
        """Validate ``params`` against the schema and build the rule data."""
        return self.builder(self.params.model_validate(params))


TEMPLATES: dict[str, RuleTemplate[Any]] = {
    "cart_abandoned": RuleTemplate(
        "Cart abandoned",
        "Items were added but the visitor did not go on to checkout for a while.",
        CartAbandonedParams,
        cart_abandoned,
    ),
    "cart_emptied": RuleTemplate(
        "Cart emptied",
        "The visitor removed the last item from the cart.",
        CartEmptiedParams,
        cart_emptied,
    ),
    "payment_stuck": RuleTemplate(
        "Stuck choosing a payment method",
        "The visitor reached the payment step and chose no payment method for a while.",
        PaymentStuckParams,
        payment_stuck,
    ),
    "terms_revisited": RuleTemplate(
        "Terms page visited again",
        "The visitor opened the terms page several times in one session.",
        TermsRevisitedParams,
        terms_revisited,
    ),
    "coupon_failed": RuleTemplate(
        "Coupon code failed",
        "A coupon code the visitor entered was rejected.",
        CouponFailedParams,
        coupon_failed,
    ),
    "login_failures": RuleTemplate(
        "Repeated login failures",
        "The visitor failed to sign in several times within a few minutes.",
        LoginFailuresParams,
        login_failures,
    ),
    "high_value_removed": RuleTemplate(
        "High-value items removed",
        "Items worth more than an amount were removed from the cart within a window.",
        HighValueRemovedParams,
        high_value_removed,
    ),
    "compared_back_and_forth": RuleTemplate(
        "Comparing products back and forth",
        "The visitor viewed a product, another of the same category, then the first again.",
        ComparedParams,
        compared_back_and_forth,
    ),
    "idle_on_product": RuleTemplate(
        "Long hesitation on a product page",
        "The visitor stayed idle on a product page for a while.",
        IdleOnProductParams,
        idle_on_product,
    ),
    "no_add_after_product": RuleTemplate(
        "Product viewed, nothing added",
        "The visitor viewed a product and added nothing to the cart for a while.",
        NoAddAfterProductParams,
        no_add_after_product,
    ),
}
