"""Knowledge base operations on both databases."""

from __future__ import annotations

import pytest

from hovor.db.transaction import Database
from hovor.knowledge.service import do_save_category
from tests.support.factories import make_team

pytestmark = pytest.mark.storage


async def test_a_category_slug_as_long_as_the_api_allows_is_stored(db: Database) -> None:
    # The API allows 120 characters; the column held 80, and PostgreSQL refused the INSERT
    # (HTTP 500 of POST /v1/knowledge/categories, found by the API fuzz run).
    team = await make_team(db)
    async with db.transaction() as tx:
        category = await do_save_category(
            tx, team.workspace.id, None, slug="a" * 120, names={"en": "Long"}, position=0
        )
    assert category.slug == "a" * 120
