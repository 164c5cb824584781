"""Templates for moments while browsing: the terms page again, products compared back and
forth, hesitation on a product page. (``templates.TEMPLATES`` lists every template.)"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from hovor.engagement.rules import template_texts as texts
from hovor.engagement.rules.model import MAX_WINDOW_SECONDS
from hovor.engagement.rules.pages import page_condition
from hovor.engagement.rules.template_base import TemplateParams, literal, number, rule_data


class TermsRevisitedParams(TemplateParams):
    page_type: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the terms page's type, if your pages declare one "
        '(data-hovor-page-type="terms"): the most reliable way to recognise it',
    )
    path: str | None = Field(
        default="/terms*",
        min_length=1,
        max_length=512,
        description="the terms page's path as in its URL; * stands for any characters "
        "(/terms* matches /terms and /terms.html; */obchodni-podminky* matches it under any "
        "language prefix); empty: by page type only",
    )
    times: int = Field(
        default=3, ge=1, le=100, description="the view of the page, in one visit, that fires"
    )

    @model_validator(mode="after")
    def _some_page(self) -> TermsRevisitedParams:
        if self.page_type is None and self.path is None:
            raise ValueError("give the page's type or its path")
        return self


def terms_revisited(p: TermsRevisitedParams) -> dict[str, Any]:
    page = page_condition(p.path, p.page_type)
    on_page = f"({page})" if "||" in page else page
    return rule_data(
        p,
        "Terms page visited again",
        texts.TERMS_REVISITED,
        trigger={"events": ["page.view"]},
        facts=[
            {
                "name": "terms_views",
                "kind": "count",
                "event": "page.view",
                "where": page,
                "window": "session",
            }
        ],
        condition=f"{on_page} && facts.terms_views >= {p.times}",
    )


class ComparedParams(TemplateParams):
    category: str | None = Field(
        default=None,
        max_length=128,
        description="only when the first product is of this category (empty: any category)",
    )
    any_category: bool = Field(
        default=False,
        description="also when the other product is of another category (a phone against a "
        "tablet); off: both products of the same category",
    )
    seconds: float = Field(
        default=600,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds from the first view of product A to the view of A again",
    )


def compared_back_and_forth(p: ComparedParams) -> dict[str, Any]:
    first = (
        "has(event.props.id)"
        if p.any_category
        else "has(event.props.category) && has(event.props.id)"
    )
    if p.category is not None:
        first = f"has(event.props.category) && has(event.props.id) && event.props.category == {literal(p.category)}"
    other = (
        "has(event.props.id) && event.props.id != first.props.id"
        if p.any_category
        else "has(event.props.category) && has(event.props.id) "
        "&& event.props.category == first.props.category "
        "&& event.props.id != first.props.id"
    )
    return rule_data(
        p,
        "Comparing products back and forth",
        texts.COMPARING,
        trigger={"events": ["product.view"]},
        facts=[
            {
                "name": "compared",
                "kind": "sequence",
                "steps": [
                    {"event": "product.view", "where": first},
                    {"event": "product.view", "where": other},
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
        default=60,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds without moving the mouse, typing or scrolling on a product page "
        "(the tracker reports 30, 60 and 120)",
    )


def idle_on_product(p: IdleOnProductParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Long hesitation on a product page",
        texts.LONG_HESITATION,
        trigger={"events": ["idle"]},
        condition=f"has(event.props.product_id) && event.props.seconds >= {number(p.seconds)}",
    )


class NoAddAfterProductParams(TemplateParams):
    seconds: float = Field(
        default=120,
        gt=0,
        le=MAX_WINDOW_SECONDS,
        description="seconds on a product page without adding it to the cart",
    )


def no_add_after_product(p: NoAddAfterProductParams) -> dict[str, Any]:
    return rule_data(
        p,
        "Product viewed, nothing added",
        texts.VIEWED_NOT_ADDED,
        absence={
            "after": {"event": "product.view"},
            # The next page (it starts with a page.view) means the product page was left: the
            # offer must not name a product the visitor is no longer looking at.
            "none_of": ["cart.add", "order.completed", "page.view"],
            "for_seconds": p.seconds,
        },
    )
