from __future__ import annotations

import pytest

from hovor.engagement.rules.text import TemplateError, parse_template, parse_texts


def test_renders_values_and_blanks_missing_ones() -> None:
    template = parse_template("Hi {{ event.props.name }}: {{facts.n}} in {{session.cart_value}}.")
    variables = {"event": {"props": {"name": "Ann"}}, "facts": {"n": 2.0}, "session": {}}
    assert template.render(variables) == "Hi Ann: 2 in ."
    assert template.render({}) == "Hi :  in ."
    assert template.render({"event": "not a dict", "facts": {"n": {"deep": 1}}}) == "Hi :  in ."


def test_plain_text_is_returned_as_is() -> None:
    assert parse_template("<b>no {markup}</b>").render({}) == "<b>no {markup}</b>"


def test_formats_floats_and_booleans() -> None:
    template = parse_template("{{facts.a}}|{{facts.b}}|{{facts.c}}")
    assert template.render({"facts": {"a": 1234.5, "b": True, "c": 7}}) == "1234.5|yes|7"


@pytest.mark.parametrize(
    "source", ["{{ event.props.name | upper }}", "{{ __import__ }}", "{{facts}}", "{{x.y}}"]
)
def test_rejects_anything_but_known_dotted_names(source: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(source)


def test_amounts_go_through_the_money_formatter() -> None:
    template = parse_template(
        "{{session.cart_value}}|{{event.props.price}}|{{facts.spent}}|{{facts.n}}|"
        "{{event.props.quantity}}|{{event.props.value}}"
    )
    variables = {
        "session": {"cart_value": 189.0},
        "event": {"props": {"price": 20, "quantity": 3, "value": "n/a"}},
        "facts": {"spent": 40.5, "n": 2},
    }
    written = template.render(
        variables, money=lambda amount: f"{amount:.2f} Kč", money_facts=frozenset({"spent"})
    )
    # Only amounts are written as money; a count stays a count, text stays text.
    assert written == "189.00 Kč|20.00 Kč|40.50 Kč|2|3|n/a"
    assert template.render(variables) == "189|20|40.5|2|3|n/a"


def test_the_visitors_language_picks_the_text_else_the_rules_language() -> None:
    texts, problems = parse_texts(
        {"en": "Hi {{event.props.name}}", "cs": "Ahoj", "sk": "Čau"}, "sk"
    )
    assert problems == []
    assert texts.choose("cs-CZ").render({}) == "Ahoj"
    assert texts.choose("de").render({}) == "Čau"  # the rule's default language
    assert texts.choose(None).render({}) == "Čau"
    assert texts.paths == [("event", "props", "name")]
    first, _ = parse_texts({"en": "Hi", "cs": "Ahoj"})
    assert first.choose("de").render({}) == "Hi"  # no default language: the first text
    one, _ = parse_texts("Hi")
    assert one.choose("cs").render({}) == "Hi"  # one string for everyone, as before


def test_an_error_in_one_language_names_it() -> None:
    texts, problems = parse_texts({"en": "Hi", "cs": "{{nope}}"})
    assert [language for language, _ in problems] == ["cs"]
    assert texts.choose("cs").render({}) == "Hi"
