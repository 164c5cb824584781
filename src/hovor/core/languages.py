"""Texts written in several languages, and which one a visitor reads.

A text a site shows its visitors (an offer's text, the widget's greeting) is either one
string, read by everyone, or one string per language: ``{"cs": "…", "sk": "…", "en": "…"}``.
Keys are language tags (``cs``, ``cs-CZ``, ``en-GB``); the visitor's tag comes from their
page (``<html lang>``) or a ``locale`` prop their events carry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from pydantic import Field, PlainValidator, StringConstraints

T = TypeVar("T")

LANGUAGE_TAG = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"
LanguageTag = Annotated[str, StringConstraints(pattern=LANGUAGE_TAG, max_length=35)]
MAX_LANGUAGES = 20
_TAG = re.compile(LANGUAGE_TAG)


def texts_validator(max_length: int, min_length: int = 0) -> PlainValidator:
    """The validator of a text that is one string or one per language, for Pydantic fields:
    ``Annotated[str | dict[str, str], texts_validator(2000)]``. One validator, so a wrong
    value is one error at the field (not one per member of a union)."""
    one = Annotated[str, Field(min_length=min_length, max_length=max_length)]
    several = Annotated[dict[LanguageTag, one], Field(min_length=1, max_length=MAX_LANGUAGES)]
    return PlainValidator(
        _check_texts(min_length, max_length), json_schema_input_type=one | several
    )


def _check_texts(min_length: int, max_length: int) -> Callable[[Any], str | dict[str, str]]:
    def check(value: Any) -> str | dict[str, str]:
        if isinstance(value, str):
            _check_length(value, min_length, max_length)
            return value
        if not isinstance(value, Mapping):
            raise ValueError('must be a text, or one per language: {"cs": "…", "en": "…"}')
        if not 1 <= len(value) <= MAX_LANGUAGES:
            raise ValueError(f"give between 1 and {MAX_LANGUAGES} languages")
        for tag, text in value.items():
            if not isinstance(tag, str) or len(tag) > 35 or not _TAG.match(tag):
                raise ValueError(f"{tag!r} is not a language tag like cs, sk or en-GB")
            if not isinstance(text, str):
                raise ValueError(f"the {tag} text must be a string")
            _check_length(text, min_length, max_length, tag)
        return dict(value)

    return check


def _check_length(text: str, min_length: int, max_length: int, tag: str | None = None) -> None:
    which = f"the {tag} text" if tag else "the text"
    if len(text) < min_length:
        raise ValueError(f"{which} must not be empty")
    if len(text) > max_length:
        raise ValueError(f"{which} must be at most {max_length} characters")


def primary(tag: str) -> str:
    """``cs`` of ``cs-CZ`` (lower case)."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def choose(texts: Mapping[str, T], locale: str | None, default: str | None = None) -> T:
    """The text for a visitor writing ``locale``: the exact tag (``cs-CZ``), else its language
    (``cs``, or another ``cs-…``), else the ``default`` language's, else the first text.

    ``texts`` must not be empty."""
    if locale:
        wanted = locale.replace("_", "-").lower()
        by_tag = {key.replace("_", "-").lower(): value for key, value in texts.items()}
        if wanted in by_tag:
            return by_tag[wanted]
        language = primary(wanted)
        if language in by_tag:
            return by_tag[language]
        for key, value in texts.items():
            if primary(key) == language:
                return value
    if default:
        for key, value in texts.items():
            if key.lower() == default.lower():
                return value
        for key, value in texts.items():
            if primary(key) == primary(default):
                return value
    return next(iter(texts.values()))


def choose_text(
    text: str | Mapping[str, str], locale: str | None, default: str | None = None
) -> str:
    """One string as it is; one of several per ``choose``."""
    return text if isinstance(text, str) else choose(text, locale, default)
