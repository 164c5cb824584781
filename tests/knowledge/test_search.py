"""Search over articles on both databases: Czech with and without diacritics, typos,
inflected forms, ranking, the 0..1 score, language, drafts and workspaces kept apart."""

from __future__ import annotations

import pytest

from hovor.db.transaction import Database
from hovor.knowledge import service
from hovor.knowledge.search import search_articles
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

ARTICLES = [
    (
        "cs",
        "Vrácení zboží",
        "Zboží můžete **vrátit do 14 dnů** od převzetí bez udání důvodu. "
        "Vyplňte formulář a balík pošlete na naši adresu.",
    ),
    (
        "cs",
        "Reklamace poškozeného zboží",
        "Reklamaci uplatníte v **reklamačním formuláři**. Přiložte fotografie poškození.",
    ),
    (
        "cs",
        "Doprava a platba",
        "Zboží doručujeme přes Zásilkovnu a PPL. Platit můžete kartou nebo převodem.",
    ),
    (
        "en",
        "Returning goods",
        "You can return goods within 14 days of delivery, no reason needed.",
    ),
]


async def publish_all(db: Database, workspace_id: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    async with db.transaction() as tx:
        for language, title, body in ARTICLES:
            article = await service.do_create_article(tx, workspace_id, None)
            row = await service.do_save_translation(
                tx, article, language=language, title=title, body=body, slug=None, author_id=None
            )
            await service.do_set_status(tx, row, "published")
            ids[title] = article.id
    return ids


async def titles(db: Database, workspace_id: str, query: str, **kw: object) -> list[str]:
    async with db.read() as session:
        hits = await search_articles(session, workspace_id, query, **kw)  # type: ignore[arg-type]
    return [h.title for h in hits]


async def test_diacritics_either_way_and_typos(db: Database) -> None:
    team = await make_team(db, agents=0)
    ws = team.workspace.id
    await publish_all(db, ws)
    assert (await titles(db, ws, "vraceni zbozi"))[0] == "Vrácení zboží"
    assert (await titles(db, ws, "Vrácení zboží"))[0] == "Vrácení zboží"
    assert (await titles(db, ws, "VRACENI"))[0] == "Vrácení zboží"
    # a typo: "reklamce" is no indexed word's prefix; the closest word stands in
    assert (await titles(db, ws, "reklamce"))[0] == "Reklamace poškozeného zboží"
    assert (await titles(db, ws, "jak vratit zbozi"))[0] == "Vrácení zboží"
    # inflected forms share a prefix: "reklamaci" finds "Reklamace"
    assert (await titles(db, ws, "reklamaci"))[0] == "Reklamace poškozeného zboží"
    assert (await titles(db, ws, "zasilkovna"))[0] == "Doprava a platba"
    assert await titles(db, ws, "kryptoměny") == []
    assert await titles(db, ws, "   ?!  ") == []


async def test_score_language_and_snippet(db: Database) -> None:
    team = await make_team(db, agents=0)
    ws = team.workspace.id
    ids = await publish_all(db, ws)
    async with db.read() as session:
        hits = await search_articles(session, ws, "vraceni zbozi", limit=2)
        english = await search_articles(session, ws, "return goods", language="en")
        none_in_cs = await search_articles(session, ws, "returning", language="cs")
        partial = await search_articles(session, ws, "vraceni penez kartou")
    assert len(hits) == 2
    best = hits[0]
    assert best.article_id == ids["Vrácení zboží"]
    assert best.language == "cs" and best.slug == "vraceni-zbozi"
    assert best.url == f"/help/{ws}/cs/vraceni-zbozi"
    assert best.score == 1.0  # every word, as written, in the title
    assert 0 < hits[1].score < best.score
    assert "vrátit do 14 dnů" in best.snippet
    assert [h.title for h in english] == ["Returning goods"]
    assert none_in_cs == []
    assert all(0 <= h.score < 0.7 for h in partial)


async def test_drafts_and_other_workspaces_are_not_found(db: Database) -> None:
    one = await make_team(db, "One", agents=0)
    other = await make_team(db, "Other", agents=0)
    await publish_all(db, one.workspace.id)
    async with db.transaction() as tx:
        article = await service.do_create_article(tx, other.workspace.id, None)
        await service.do_save_translation(
            tx,
            article,
            language="cs",
            title="Vrácení zboží",
            body="Koncept",
            slug=None,
            author_id=None,
        )
    assert await titles(db, other.workspace.id, "vraceni zbozi") == []
    async with db.transaction() as tx:
        row = await service.access_translation(tx.session, article, "cs")
        await service.do_set_status(tx, row, "published")
    found = await titles(db, other.workspace.id, "vraceni zbozi")
    assert found == ["Vrácení zboží"]
    async with db.transaction() as tx:
        await service.do_delete_article(tx, article)
    assert await titles(db, other.workspace.id, "vraceni zbozi") == []
    assert len(await titles(db, one.workspace.id, "zbozi", limit=10)) == 3


async def test_an_edit_reindexes(db: Database) -> None:
    team = await make_team(db, agents=0)
    ws = team.workspace.id
    ids = await publish_all(db, ws)
    async with db.transaction() as tx:
        article = await service.access_article(tx.session, ws, ids["Doprava a platba"])
        await service.do_save_translation(
            tx,
            article,
            language="cs",
            title="Doprava a platba",
            body="Posíláme jen přes Českou poštu.",
            slug=None,
            author_id=None,
        )
    assert await titles(db, ws, "zasilkovna") == []
    assert await titles(db, ws, "ceska posta") == ["Doprava a platba"]
