"""Rule templates: a manager picks a moment and fills in a few numbers; no expressions.

Each builder returns rule data (a dict) that ``compile_rule`` accepts; ``TEMPLATES`` lists
them for the form builder (title, description, parameter schema, builder).

The shared parameters (action, fallback, guards) are in ``template_base``, the browsing
moments in ``browsing_templates``.

Assumptions about tracker props: ``page.view`` carries ``path`` and, when the page declares
one, ``page_type``; ``product.view`` carries ``id``, ``name`` and ``category``;
``cart.remove`` carries ``price`` and ``quantity`` and, when the tracker knows it, ``items``
(items left in the cart); ``checkout.step`` carries ``step``; ``checkout.payment_method``
carries ``method``; ``idle`` carries ``seconds`` and, on a product page, ``product_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import Field

from hovor.engagement.rules import template_texts as texts
from hovor.engagement.rules.browsing_templates import (
    ComparedParams,
    IdleOnProductParams,
    NoAddAfterProductParams,
    TermsRevisitedParams,
    compared_back_and_forth,
    idle_on_product,
    no_add_after_product,
    terms_revisited,
)
from hovor.engagement.rules.model import MAX_WINDOW_SECONDS
from hovor.engagement.rules.template_base import TemplateParams, literal, number, rule_data


# ------------------------------------------------------------------ cart
class CartAbandonedParams(TemplateParams):
    seconds: float = Field(
        default=900,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds without going to checkout after adding to the cart",
    )


def cart_abandoned(p: CartAbandonedParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Cart abandoned",
        texts.CART_ABANDONED,
        absence={
            "after": {"event": "cart.add"},
            "none_of": ["checkout.step", "order.completed"],
            "for_seconds": p.seconds,
        },
        # Evaluated when the timer fires, not when the item was added: a cart emptied
        # meanwhile is not abandoned.
        condition="has(session.cart_items) && session.cart_items > 0",
    )


class CartEmptiedParams(TemplateParams):
    pass


def cart_emptied(p: CartEmptiedParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Cart emptied",
        texts.CART_EMPTIED,
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
    return rule_data(
        p,
        "High-value items removed",
        texts.HIGH_VALUE_REMOVED,
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
        condition=f"facts.removed_value >= {number(p.amount)}",
    )


# ------------------------------------------------------------------ checkout
class PaymentStuckParams(TemplateParams):
    step: str = Field(
        default="payment",
        min_length=1,
        max_length=64,
        description="the payment step's name as your checkout sends it "
        '(data-hovor-checkout-step="payment")',
    )
    seconds: float = Field(
        default=60,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds on the payment step without choosing a method (or, with a "
        "pre-selected method, without going on)",
    )
    pre_selected_method: bool = Field(
        default=False,
        description="your checkout pre-selects a payment method, so the visitor may never "
        "choose one: fire when they stay on the step that long whatever they pick, unless "
        "they go on to another step or order",
    )


def payment_stuck(p: PaymentStuckParams) -> dict[str, Any]:
    # Another checkout step (back to shipping, on to review) means the visitor is no longer
    # on the payment step when the timer fires; coming back to it arms anew. With a
    # pre-selected method, picking a method is no sign of progress.
    progress = ["checkout.step", "order.completed"]
    if not p.pre_selected_method:
        progress.insert(0, "checkout.payment_method")
    return rule_data(
        p,
        "Stuck choosing a payment method",
        texts.PAYMENT_STUCK,
        absence={
            "after": {
                "event": "checkout.step",
                "where": f"event.props.step == {literal(p.step)}",
            },
            "none_of": progress,
            "for_seconds": p.seconds,
        },
    )


class PaymentSwitchingParams(TemplateParams):
    times: int = Field(
        default=3,
        ge=2,
        le=100,
        description="payment methods picked (each click on another method counts) that fire",
    )
    seconds: float = Field(
        default=120,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds within which the picks add up",
    )


def payment_switching(p: PaymentSwitchingParams) -> dict[str, Any]:
    window = {"seconds": p.seconds}
    return rule_data(
        p,
        "Switching payment methods back and forth",
        texts.PAYMENT_SWITCHING,
        trigger={"events": ["checkout.payment_method"]},
        facts=[
            {
                "name": "payment_switches",
                "kind": "count",
                "event": "checkout.payment_method",
                "window": window,
            },
            {
                # Picking the same method again and again is not hesitating between methods.
                "name": "payment_methods",
                "kind": "distinct",
                "event": "checkout.payment_method",
                "where": "has(event.props.method)",
                "value": "event.props.method",
                "window": window,
            },
        ],
        condition=f"facts.payment_switches >= {p.times} && facts.payment_methods >= 2",
    )


class CouponFailedParams(TemplateParams):
    times: int = Field(
        default=1, ge=1, le=100, description="rejected codes within the window that fire"
    )
    seconds: float = Field(
        default=1800,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds over which rejected codes add up",
    )


def coupon_failed(p: CouponFailedParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Coupon code failed",
        texts.COUPON_FAILED,
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
    times: int = Field(
        default=3, ge=1, le=100, description="failed sign-ins within the window that fire"
    )
    seconds: float = Field(
        default=600,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds over which failed sign-ins add up",
    )
    queue: str | None = Field(
        default="support", description="the queue the offer's conversation goes to"
    )


def login_failures(p: LoginFailuresParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Repeated login failures",
        texts.LOGIN_FAILED,
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
        "Items were added, the visitor did not go on to checkout for a while, and the cart still "
        "holds items.",
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
        "The visitor reached the payment step and stayed on it without choosing a payment method "
        "for a while (or, with a pre-selected method, without going on).",
        PaymentStuckParams,
        payment_stuck,
    ),
    "payment_switching": RuleTemplate(
        "Switching payment methods back and forth",
        "The visitor picked payment methods several times within a short while, at least two "
        "different ones (also on a checkout with a pre-selected method).",
        PaymentSwitchingParams,
        payment_switching,
    ),
    "terms_revisited": RuleTemplate(
        "Terms page visited again",
        "The visitor opened the terms page several times in one session; the page is "
        "recognised by its page type or by a path pattern.",
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
        "The visitor viewed a product, another one (of the same category, or of any), then "
        "the first again.",
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
        "The visitor stayed on a product page for a while without adding anything to the cart.",
        NoAddAfterProductParams,
        no_add_after_product,
    ),
}
