"""Canned-response variables: checked on save, never left raw in a rendered text."""

from __future__ import annotations

import pytest

from hovor.canned.variables import check_template, first_name, render, template_variables
from hovor.core.errors import InvalidInput


def test_the_variables_of_a_template_in_order_of_first_use() -> None:
    body = "Hi {{contact.first_name}}, order {{ order.number }}; {{contact.first_name}}"
    assert template_variables(body) == ["contact.first_name", "order.number"]


def test_a_known_variable_is_filled_in() -> None:
    got = render(
        "Dobrý den {{contact.first_name}}, objednávka {{ order.number }} je na cestě. {{agent.first_name}}",
        {"contact.first_name": "Jiří", "order.number": "CZ-1001", "agent.first_name": "Eva"},
    )
    assert got.text == "Dobrý den Jiří, objednávka CZ-1001 je na cestě. Eva"
    assert got.missing == []


def test_a_missing_variable_renders_empty_and_is_reported_once() -> None:
    got = render(
        "Hi {{contact.first_name}}! {{order.number}} / {{order.number}}",
        {"contact.first_name": None, "order.number": "  "},
    )
    assert "{{" not in got.text and "}}" not in got.text
    assert got.text == "Hi !  / "
    assert got.missing == ["contact.first_name", "order.number"]


def test_no_stray_braces_survive_rendering() -> None:
    assert render("a {{ b }} c }}", {}).text == "a  b  c "
    assert render("{{{contact.name}}}", {"contact.name": "X"}).text == "{X}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {{contact.nickname}}", "unknown variable {{contact.nickname}}"),
        ("Hi {{contact.first_name}", "does not enclose"),
        ("Hi {{ }}", "does not enclose"),
        ("50 }} off", "does not enclose"),
    ],
)
def test_saving_refuses_an_unknown_variable_or_stray_braces(body: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        check_template(body, ["body", "body"])
    assert caught.value.errors == [{"loc": ["body", "body"], "msg": caught.value.errors[0]["msg"]}]


def test_a_template_with_known_variables_passes() -> None:
    body = (
        "{{contact.name}} {{contact.first_name}} {{contact.email}} {{agent.name}} {{order.number}}"
    )
    assert check_template(body, ["body"]) == body


def test_first_name_is_the_first_word() -> None:
    assert first_name("Jana Nováková") == "Jana"
    assert first_name("  ") is None
    assert first_name(None) is None
