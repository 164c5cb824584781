"""Each template fires on a realistic stream and stays quiet on a near miss."""

from __future__ import annotations

from typing import Any

import pytest

from hovor.engagement.cep.engine import Context, Match
from hovor.engagement.rules.compiler import compile_rule
from hovor.engagement.rules.templates import TEMPLATES
from hovor.tracking.enrich import Device
from hovor.tracking.live import LiveVisitor
from hovor.tracking.service import update_cart
from tests.engagement.support import Visitor


class Shopper(Visitor):
    """A visitor whose ``session`` (cart) follows their cart events, as in the runtime."""

    def __init__(self, rules: list[dict[str, Any]]) -> None:
        super().__init__(rules)
        self.live = LiveVisitor("w", "v", Device("desktop", None, None), None, False)

    def send(self, type_: str, after: float = 0, **props: Any) -> list[Match]:
        update_cart(self.live, type_, props)
        self.context = Context(session=self.live.session_facts())
        return super().send(type_, after, **props)


def visitor(template: str, **params: Any) -> Shopper:
    return Shopper([TEMPLATES[template].build({"key": "t", **params})])


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_compiles_with_defaults_and_has_a_schema(key: str) -> None:
    template = TEMPLATES[key]
    compiled = compile_rule(template.build({"key": "x"}))
    assert compiled.rule.action.text
    assert "key" in template.params.model_json_schema()["properties"]


def test_cart_abandoned() -> None:
    v = visitor("cart_abandoned", seconds=900)
    v.send("product.view", id="tv")
    v.send("cart.add", 20, id="tv", price=1200)
    v.send("page.view", 300, path="/blog")
    assert v.due(599) == []
    assert v.keys(v.due(1)) == ["t"]

    near = visitor("cart_abandoned", seconds=900)
    near.send("cart.add", id="tv")
    near.send("checkout.step", 600, step="shipping")
    assert near.due(900) == []


def test_cart_abandoned_needs_items_in_the_cart_when_the_timer_fires() -> None:
    """Regression: the cart was emptied after the add; "your cart (0)" must not be offered."""
    v = visitor("cart_abandoned", seconds=900, text="Still thinking about your cart?")
    v.send("cart.add", id="tv", price=1200)
    v.send("cart.add", 10, id="hdmi", price=20, quantity=2)
    v.send("cart.remove", 60, id="tv")
    v.send("cart.remove", 30, id="hdmi", quantity=2)
    assert v.due(900) == []

    kept = visitor("cart_abandoned", seconds=900)
    kept.send("cart.add", id="tv", price=1200)
    kept.send("cart.add", 10, id="hdmi", price=20, quantity=2)
    kept.send("cart.remove", 60, id="tv")  # one item left
    assert kept.keys(kept.due(900)) == ["t"]


def test_cart_emptied() -> None:
    v = visitor("cart_emptied")
    v.send("cart.add", id="a", items=2)
    assert v.send("cart.remove", 5, id="a", items=1) == []  # near miss: one left
    assert v.keys(v.send("cart.remove", 5, id="b", items=0)) == ["t"]


def test_payment_stuck() -> None:
    v = visitor("payment_stuck", seconds=60)
    v.send("checkout.step", step="shipping")
    v.send("checkout.step", 20, step="payment")
    assert v.due(59) == []
    (match,) = v.due(1)
    assert match.text.startswith("Not sure which payment method")

    near = visitor("payment_stuck", seconds=60)
    near.send("checkout.step", step="payment")
    near.send("checkout.payment_method", 45, method="card")
    assert near.due(60) == []


def test_payment_stuck_only_while_still_on_the_payment_step() -> None:
    """Regression: the visitor went back to shipping; the timer must not fire for payment."""
    v = visitor("payment_stuck", seconds=60)
    v.send("checkout.step", step="payment")
    v.send("checkout.step", 20, step="shipping")
    assert v.due(60) == []

    back = visitor("payment_stuck", seconds=60)
    back.send("checkout.step", step="payment")
    back.send("checkout.step", 20, step="shipping")
    back.send("checkout.step", 10, step="payment")  # back on it: counts from here
    assert back.due(59) == []
    assert back.keys(back.due(1)) == ["t"]


def test_terms_revisited_third_time_in_a_session() -> None:
    v = visitor("terms_revisited", path="/demo/shop/terms.html", times=3)
    for path in ["/demo/shop/terms.html", "/", "/demo/shop/terms.html", "/cart"]:
        assert v.send("page.view", 30, path=path) == []
    assert v.keys(v.send("page.view", 30, path="/demo/shop/terms.html")) == ["t"]

    near = visitor("terms_revisited", path="/demo/shop/terms.html", times=3)
    near.send("page.view", path="/demo/shop/terms.html")
    near.send("page.view", 30, path="/demo/shop/terms.html")
    near.session_id = "s2"  # the third view is in a new session
    assert near.send("page.view", 30, path="/demo/shop/terms.html") == []


def test_coupon_failed() -> None:
    v = visitor("coupon_failed")
    assert v.send("coupon.failed", code="SPRING")[0].text == (
        "The code SPRING didn't work? Let us take a look."
    )
    near = visitor("coupon_failed", times=2, seconds=60)
    near.send("coupon.failed", code="A")
    assert near.send("coupon.failed", 61, code="B") == []


def test_login_failures_three_in_ten_minutes() -> None:
    v = visitor("login_failures")
    v.send("login.failed")
    v.send("login.failed", 200)
    assert v.keys(v.send("login.failed", 200)) == ["t"]

    near = visitor("login_failures")
    near.send("login.failed")
    near.send("login.failed", 300)
    assert near.send("login.failed", 300) == []  # the first is 600 s old


def test_high_value_removed() -> None:
    v = visitor("high_value_removed", amount=1000)
    assert v.send("cart.remove", id="a", name="Kettle", price=400, quantity=1) == []
    (match,) = v.send("cart.remove", 60, id="b", name="VistaView TV", price=300, quantity=2)
    assert match.facts == {"removed_value": 1000.0}
    assert match.text.startswith("Changed your mind about VistaView TV?")

    near = visitor("high_value_removed", amount=1000)
    near.send("cart.remove", id="a", price=999.99)
    assert near.send("cart.remove", 601, id="b", price=600) == []


def test_compared_back_and_forth() -> None:
    v = visitor("compared_back_and_forth", category="fridges", seconds=600)
    v.send("product.view", id="coolmax", category="fridges", name="CoolMax")
    v.send("product.view", 60, id="frostline", category="fridges", name="Frostline")
    (match,) = v.send("product.view", 60, id="coolmax", category="fridges", name="CoolMax")
    assert "CoolMax" in match.text

    near = visitor("compared_back_and_forth", category="fridges", seconds=600)
    near.send("product.view", id="coolmax", category="fridges")
    near.send("product.view", 60, id="vistaview", category="tvs")
    assert near.send("product.view", 60, id="coolmax", category="fridges") == []


def test_idle_on_product() -> None:
    v = visitor("idle_on_product", seconds=60)
    assert v.send("idle", seconds=90, path="/blog") == []  # near miss: not a product page
    assert v.send("idle", seconds=30, product_id="tv") == []  # near miss: too short
    assert v.keys(v.send("idle", seconds=60, product_id="tv")) == ["t"]


def test_no_add_after_product() -> None:
    v = visitor("no_add_after_product", seconds=120)
    v.send("product.view", id="tv", name="VistaView TV")
    (match,) = v.due(120)
    assert match.text == "Any questions about VistaView TV? Ask us."

    near = visitor("no_add_after_product", seconds=120)
    near.send("product.view", id="tv")
    near.send("cart.add", 100, id="tv")
    assert near.due(120) == []


def test_no_add_after_product_only_while_still_on_its_page() -> None:
    """Regression: the visitor moved on; the offer must not name a product left behind."""
    v = visitor("no_add_after_product", seconds=120)
    v.send("page.view", path="/product?id=tv")
    v.send("product.view", id="tv", name="VistaView TV")
    v.send("page.view", 30, path="/product?id=kettle")
    v.send("product.view", id="kettle", name="Kettle")
    assert v.due(90) == []  # the TV's timer is gone
    (match,) = v.due(30)
    assert match.text == "Any questions about Kettle? Ask us."


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError):
        TEMPLATES["login_failures"].build({"key": "x", "times": 0})
    with pytest.raises(ValueError):
        TEMPLATES["terms_revisited"].build({"key": "x", "colour": "red"})


def test_paths_with_quotes_are_escaped() -> None:
    v = visitor("terms_revisited", path='/it\'s "terms"', times=1)
    assert v.keys(v.send("page.view", path='/it\'s "terms"')) == ["t"]


def test_every_parameter_says_what_it_means() -> None:
    """The rule builder shows each parameter's description next to it (served in the
    template's schema): none may be missing."""
    for key, template in TEMPLATES.items():
        properties = template.params.model_json_schema()["properties"]
        for name, schema in properties.items():
            assert schema.get("description"), f"{key}.{name} has no description"


def test_terms_revisited_by_path_pattern() -> None:
    """Regression: the shop's terms page was /terms.html; the default now matches it."""
    v = visitor("terms_revisited", times=2)
    assert v.send("page.view", path="/terms.html") == []
    assert v.send("page.view", 30, path="/blog/terms-and-conditions") == []
    assert v.keys(v.send("page.view", 30, path="/terms.html")) == ["t"]

    localised = visitor("terms_revisited", path="*/obchodni-podminky*", times=2)
    localised.send("page.view", path="/cs/obchodni-podminky.html")
    assert localised.send("page.view", 30, path="/terms") == []
    assert localised.keys(localised.send("page.view", 30, path="/obchodni-podminky")) == ["t"]


def test_terms_revisited_by_page_type() -> None:
    v = visitor("terms_revisited", page_type="terms", path=None, times=2)
    v.send("page.view", path="/vop", page_type="terms")
    assert v.send("page.view", 30, path="/terms") == []  # no type: not the page
    assert v.keys(v.send("page.view", 30, path="/vop?print=1", page_type="terms")) == ["t"]

    either = visitor("terms_revisited", page_type="terms", times=2)  # or the default path
    either.send("page.view", path="/vop", page_type="terms")
    assert either.keys(either.send("page.view", 30, path="/terms.html")) == ["t"]

    with pytest.raises(ValueError, match="page's type or its path"):
        TEMPLATES["terms_revisited"].build({"key": "x", "path": None})


def test_payment_stuck_with_a_pre_selected_method() -> None:
    """Regression: the checkout pre-selects card; choosing a method never happens, and
    clicking through methods is no progress either."""
    v = visitor("payment_stuck", seconds=60, pre_selected_method=True)
    v.send("checkout.step", step="payment")
    v.send("checkout.payment_method", 20, method="transfer")
    assert v.keys(v.due(40)) == ["t"]

    moved_on = visitor("payment_stuck", seconds=60, pre_selected_method=True)
    moved_on.send("checkout.step", step="payment")
    moved_on.send("checkout.step", 30, step="review")
    assert moved_on.due(60) == []


def test_payment_switching_back_and_forth() -> None:
    v = visitor("payment_switching", times=3, seconds=120)
    assert v.send("checkout.payment_method", method="card") == []
    assert v.send("checkout.payment_method", 20, method="transfer") == []
    (match,) = v.send("checkout.payment_method", 20, method="card")
    assert match.facts == {"payment_switches": 3, "payment_methods": 2}

    same = visitor("payment_switching", times=3, seconds=120)
    for _ in range(4):  # the same option clicked again and again
        assert same.send("checkout.payment_method", 5, method="card") == []

    slow = visitor("payment_switching", times=3, seconds=120)
    slow.send("checkout.payment_method", method="card")
    slow.send("checkout.payment_method", 70, method="transfer")
    assert slow.send("checkout.payment_method", 70, method="card") == []  # the first is old


def test_compared_across_categories() -> None:
    v = visitor("compared_back_and_forth", any_category=True)
    v.send("product.view", id="phone-x", category="phones", name="Phone X")
    v.send("product.view", 60, id="tab-y", category="tablets", name="Tab Y")
    (match,) = v.send("product.view", 60, id="phone-x", category="phones", name="Phone X")
    assert "Phone X" in match.text

    no_category = visitor("compared_back_and_forth", any_category=True)
    no_category.send("product.view", id="a")
    no_category.send("product.view", 60, id="b")
    assert no_category.keys(no_category.send("product.view", 60, id="a")) == ["t"]

    same_only = visitor("compared_back_and_forth")  # the default: one category
    same_only.send("product.view", id="phone-x", category="phones")
    same_only.send("product.view", 60, id="tab-y", category="tablets")
    assert same_only.send("product.view", 60, id="phone-x", category="phones") == []


def test_a_fallback_is_part_of_the_rule() -> None:
    data = TEMPLATES["cart_abandoned"].build({"key": "x", "fallback": "callback"})
    assert data["action"]["fallback"]["type"] == "callback"
    assert compile_rule(data).fallback_text is not None
    own = TEMPLATES["coupon_failed"].build(
        {"key": "x", "fallback": "message", "fallback_text": "See https://shop.example/help"}
    )
    assert own["action"]["fallback"] == {"type": "message", "text": "See https://shop.example/help"}
    assert "fallback" not in TEMPLATES["coupon_failed"].build({"key": "x"})["action"]
    for bad in (
        {"action": "message", "fallback": "callback"},
        {"action": "callback", "fallback": "callback"},
    ):
        with pytest.raises(ValueError, match="fallback"):
            TEMPLATES["coupon_failed"].build({"key": "x", **bad})


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_holds_out_a_tenth_by_default(key: str) -> None:
    """Without a control group no uplift can be measured, so templates start at 10 %."""
    assert TEMPLATES[key].build({"key": "x"})["guards"]["control_share"] == 0.1
    assert TEMPLATES[key].build({"key": "x", "control_share": 0})["guards"]["control_share"] == 0


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_templates_default_text_is_in_english_czech_and_slovak(key: str) -> None:
    data = TEMPLATES[key].build({"key": "x", "fallback": "message"})
    if data["action"]["type"] == "message":
        data = TEMPLATES[key].build({"key": "x"})
    for text in [data["action"]["text"], *[data["action"].get("fallback", {}).get("text")]]:
        if text is None:
            continue
        assert list(text) == ["en", "cs", "sk"]  # English first: the default, as before
        assert all(text.values())


def test_a_czech_visitor_reads_the_templates_czech_text() -> None:
    v = Visitor([TEMPLATES["no_add_after_product"].build({"key": "t", "seconds": 120})])
    v.context = Context(locale="cs-CZ")  # the page's <html lang>
    v.send("product.view", id="tv", name="VistaView TV")
    (match,) = v.due(120)
    assert match.text == "Máte otázky k VistaView TV? Zeptejte se nás."
