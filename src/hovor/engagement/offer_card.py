"""The offer's context as the agent reads it: a card (for the desktop) and its text (the
system note, which e-mail, exports and any client without the card show).

The context is stored on the offer when it is made (``Engagement._context``): the rule and
its facts, the page, the last pages with their titles, the cart, and how this visitor's
amounts are written (the currency and locale their events carried).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from hovor.engagement.schemas import CardFact, CardItem, CardPage, OfferCardOut
from hovor.orders.currencies import CODES, format_money

MAX_TITLES = 50


@dataclass
class Shopper:
    """What a visitor's events say about how to write to them: the currency of their cart
    and products (``currency`` on ``cart.view``, ``cart.add``, ``product.view``,
    ``order.completed``…), their language (a ``locale`` prop, or the page's ``lang``) and
    the titles of the pages they saw, so the agent reads titles rather than URLs."""

    currency: str | None = None
    locale: str | None = None
    titles: OrderedDict[str, str] = field(default_factory=OrderedDict)

    def observe(self, props: dict[str, Any], page: dict[str, Any]) -> None:
        currency = props.get("currency")
        if isinstance(currency, str) and currency.upper() in CODES:
            self.currency = currency.upper()
        locale = props.get("locale") or page.get("lang")
        if isinstance(locale, str) and 2 <= len(locale) <= 35:
            self.locale = locale
        url, title = page.get("url"), page.get("title")
        if isinstance(url, str) and isinstance(title, str) and title.strip():
            self.titles[url] = title.strip()
            self.titles.move_to_end(url)
            if len(self.titles) > MAX_TITLES:
                self.titles.popitem(last=False)

    def titles_of(self, urls: list[str]) -> dict[str, str]:
        return {u: self.titles[u] for u in urls if u in self.titles}


def offer_card(
    ctx: dict[str, Any],
    *,
    rule_key: str | None,
    rule_version: int | None,
    invited_by: str | None,
) -> OfferCardOut:
    """The card of an offer's stored ``ctx`` (older offers lack titles, currency and
    money facts: their pages show as URLs and amounts as numbers)."""
    currency, locale = ctx.get("currency"), ctx.get("locale")
    money_facts = set(ctx.get("money_facts") or [])
    page = ctx.get("page") or {}
    titles: dict[str, str] = dict(ctx.get("page_titles") or {})
    if page.get("url") and page.get("title"):
        titles[page["url"]] = page["title"]

    def money(amount: float) -> str:
        return format_money(amount, currency, locale)

    facts = [
        _fact(name, value, money if name in money_facts else None)
        for name, value in (ctx.get("facts") or {}).items()
    ]
    items = [
        CardItem(
            id=str(pid),
            name=item.get("name") or str(pid),
            quantity=int(item.get("quantity", 0)),
            price=float(item.get("price", 0)),
            price_text=money(float(item.get("price", 0))),
        )
        for pid, item in (ctx.get("cart") or {}).items()
    ]
    cart_value = float(ctx.get("cart_value") or 0)
    return OfferCardOut(
        rule_key=rule_key,
        rule_name=ctx.get("rule_name") or rule_key,
        rule_version=rule_version,
        invited_by=invited_by,
        facts=facts,
        page=CardPage(url=page["url"], title=titles.get(page["url"])) if page.get("url") else None,
        recent_pages=[CardPage(url=u, title=titles.get(u)) for u in ctx.get("recent_pages") or []],
        cart=items,
        cart_value=cart_value,
        cart_value_text=money(cart_value),
        currency=currency,
        locale=locale,
        device=ctx.get("device"),
        returning=ctx.get("returning"),
    )


def _fact(name: str, value: Any, money: Any) -> CardFact:
    label = name.replace("_", " ").strip().capitalize()
    if isinstance(value, list | tuple | set):
        text = ", ".join(str(v) for v in value) or "none"
    elif money is not None and isinstance(value, int | float) and not isinstance(value, bool):
        text = money(float(value))
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return CardFact(name=name, label=label, value=value, text=text)


def card_text(text: str, card: OfferCardOut) -> str:
    """The card as the system note's lines: what the agent reads first."""
    lines = [f"Offer accepted: {text}"]
    if card.rule_key:
        lines.append(f"Rule: {card.rule_name} (v{card.rule_version})")
    elif card.invited_by:
        lines.append("Invited by an agent")
    if card.facts:
        lines.append("Why: " + "; ".join(f"{f.label}: {f.text}" for f in card.facts))
    if card.page is not None:
        lines.append(f"Page: {_page(card.page)}")
    if card.recent_pages:
        lines.append("Recent pages: " + " → ".join(_page(p) for p in card.recent_pages[-5:]))
    if card.cart:
        items = ", ".join(f"{i.name} x{i.quantity} ({i.price_text})" for i in card.cart)
        lines.append(f"Cart ({card.cart_value_text}): {items}")
    return "\n".join(lines)


def _page(page: CardPage) -> str:
    return f"{page.title} ({page.url})" if page.title else page.url
