"""Each template fires on a realistic stream and stays quiet on a near miss."""

from __future__ import annotations

from typing import Any

import pytest

from hovor.engagement.rules.compiler import compile_rule
from hovor.engagement.rules.templates import TEMPLATES
from tests.engagement.support import Visitor


def visitor(template: str, **params: Any) -> Visitor:
    return Visitor([TEMPLATES[template].build({"key": "t", **params})])


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


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError):
        TEMPLATES["login_failures"].build({"key": "x", "times": 0})
    with pytest.raises(ValueError):
        TEMPLATES["terms_revisited"].build({"key": "x", "colour": "red"})


def test_paths_with_quotes_are_escaped() -> None:
    v = visitor("terms_revisited", path='/it\'s "terms"', times=1)
    assert v.keys(v.send("page.view", path='/it\'s "terms"')) == ["t"]
