"""Which of a text's languages a visitor reads (core.languages.choose)."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from hovor.core.languages import choose, choose_text, texts_validator

TEXTS = {"en": "Hello", "cs": "Dobrý den", "sk": "Dobrý deň", "en-GB": "Good day"}


@pytest.mark.parametrize(
    ("locale", "default", "expected"),
    [
        ("cs-CZ", None, "Dobrý den"),  # the language of a regional tag
        ("cs", None, "Dobrý den"),
        ("CS_cz", None, "Dobrý den"),  # case and underscore do not matter
        ("en-GB", None, "Good day"),  # the exact tag first
        ("en-US", None, "Hello"),
        ("de-AT", "sk", "Dobrý deň"),  # no German: the rule's default language
        ("de", None, "Hello"),  # no default: the first text
        (None, "cs", "Dobrý den"),
        (None, None, "Hello"),
        ("", "xx", "Hello"),  # a default language without a text: the first
    ],
)
def test_the_visitors_language_then_the_default_then_the_first(
    locale: str | None, default: str | None, expected: str
) -> None:
    assert choose(TEXTS, locale, default) == expected


def test_a_regional_text_serves_its_language() -> None:
    assert choose({"en": "Hi", "cs-CZ": "Ahoj"}, "cs") == "Ahoj"
    assert choose({"en": "Hi", "cs-CZ": "Ahoj"}, "sk", "cs") == "Ahoj"


def test_one_string_is_read_by_everyone() -> None:
    assert choose_text("Hi", "cs-CZ") == "Hi"
    assert choose_text({"sk": "Ahoj", "en": "Hi"}, "sk-SK") == "Ahoj"


class Shape(BaseModel):
    text: Annotated[str | dict[str, str], texts_validator(10, min_length=1)]


def test_a_text_is_a_string_or_one_per_language() -> None:
    assert Shape(text="Hi").text == "Hi"
    assert Shape(text={"cs": "Ahoj", "en-GB": "Hi"}).text == {"cs": "Ahoj", "en-GB": "Hi"}
    for bad, message in [
        ({}, "between 1 and 20"),
        ({"czech": "Ahoj"}, "not a language tag"),
        ({"cs": ""}, "the cs text must not be empty"),
        ({"cs": "x" * 11}, "at most 10"),
        ({"cs": 1}, "must be a string"),
        (["Hi"], "one per language"),
    ]:
        with pytest.raises(ValidationError, match=message) as caught:
            Shape(text=bad)
        assert [e["loc"] for e in caught.value.errors()] == [("text",)]
