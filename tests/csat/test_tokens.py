"""Rating links: signed per survey, refused when forged, moved or cut."""

from __future__ import annotations

import pytest

from hovor.core.errors import InvalidInput
from hovor.csat import tokens
from hovor.csat.service import check_rating


def test_a_signed_token_names_its_survey_and_nothing_else() -> None:
    token = tokens.sign("s3cret", "01SURVEY")
    assert tokens.verify("s3cret", token) == "01SURVEY"
    assert tokens.verify("other", token) is None
    mac = token.split(".")[1]
    assert tokens.verify("s3cret", f"01OTHER.{mac}") is None
    assert tokens.verify("s3cret", token[:-1]) is None
    assert tokens.verify("s3cret", "01SURVEY") is None
    assert tokens.verify("s3cret", "." + mac) is None
    assert tokens.verify("s3cret", token + "x" * 100) is None


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [(0, None, "score"), (6, None, "score"), (3, "x" * 2001, "comment")],
)
def test_a_rating_is_checked_naming_the_field(score: int, comment: str | None, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_rating(score, comment)
    assert caught.value.errors and caught.value.errors[0]["loc"] == ["body", field]


def test_a_blank_comment_is_none() -> None:
    assert check_rating(5, "  ").comment is None
    assert check_rating(1, " slow ").comment == "slow"


def test_a_token_with_non_ascii_characters_is_not_ours() -> None:
    # A link's token comes from the URL path; comparing a non-ASCII str raised TypeError (500).
    assert tokens.verify("s3cret", "01SURVEY.ž" + "x" * 31) is None
