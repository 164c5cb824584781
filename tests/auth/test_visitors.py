"""A visitor's widget session: the site's greeting and title in the page's language."""

from __future__ import annotations

from hovor.auth import service
from hovor.auth.visitors import start_visitor_session
from hovor.core.visitor_tokens import VisitorTokens
from hovor.db.transaction import Database
from tests.support.factories import make_team

ORIGIN = "https://shop.example.org"
TOKENS = VisitorTokens("visitors-test-secret")


async def test_the_greeting_is_the_one_of_the_visitors_language(db: Database) -> None:
    team = await make_team(db)
    greeting = {"en": "Hi!", "cs": "Dobrý den!", "sk": "Dobrý deň!"}
    async with db.transaction() as tx:
        site = await service.do_create_site_key(
            tx,
            team.workspace.id,
            name="shop",
            allowed_origins=[ORIGIN],
            widget_settings={"greeting": greeting, "title": "Hovor"},
        )

    async def settings(lang: str | None) -> dict[str, object]:
        async with db.read() as session:
            started = await start_visitor_session(
                session, TOKENS, site_key=site.key, origin=ORIGIN, previous_token=None, lang=lang
            )
        return started.settings

    assert (await settings("cs-CZ"))["greeting"] == "Dobrý den!"
    assert (await settings("sk"))["greeting"] == "Dobrý deň!"
    assert (await settings("de"))["greeting"] == "Hi!"  # none fits: the first
    assert (await settings(None))["greeting"] == "Hi!"
    assert (await settings("cs"))["title"] == "Hovor"  # one text for everyone
    async with db.read() as session:
        stored = await service.get_site_key(session, site.id)
    assert stored is not None and stored.widget_settings["greeting"] == greeting  # kept whole
