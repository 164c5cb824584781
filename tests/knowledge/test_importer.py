"""Importing a folder of Markdown articles: every file checked first, then written through
the service (revisions, search index), idempotent on a second run, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hovor.auth import service as auth
from hovor.db.transaction import Database
from hovor.knowledge.importer import FolderError, do_import, parse_file, read_folder
from hovor.knowledge.models import Category, Revision, Translation
from hovor.knowledge.search import search_articles

ARTICLE = """---
id: returns
slug: {slug}
category: returns
language: {language}
title: {title}
---
{body}
"""


def write(folder: Path, name: str, **fields: str) -> None:
    values = {"slug": "vraceni-zbozi", "language": "cs", "title": "Vrácení zboží"} | fields
    values.setdefault("body", "Zboží vrátíte do 30 dnů přes Zásilkovnu.")
    (folder / name).write_text(ARTICLE.format(**values), "utf-8")


def sample(tmp_path: Path) -> Path:
    write(tmp_path, "returns.cs.md")
    write(
        tmp_path,
        "returns.en.md",
        slug="returns",
        language="en",
        title="Returns",
        body="Return goods within 30 days.",
    )
    (tmp_path / "categories.json").write_text(json.dumps({"returns": {"cs": "Vrácení"}}))
    return tmp_path


def test_front_matter_and_body() -> None:
    front, body = parse_file(ARTICLE.format(slug="a", language="en", title="T", body="B"), "x")
    assert (front.id, front.slug, front.category, front.language, front.title) == (
        "returns", "a", "returns", "en", "T",
    )  # fmt: skip
    assert body == "B\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", r"x.md: the file must start with a '---' line"),
        ("---\nid: a\n", r"x.md: the front matter has no closing '---' line"),
        ("---\n- a\n---\n", r"x.md: front matter: expected 'key: value' lines"),
        ("---\ntitle: a: b\n---\n", r"x.md: front matter: mapping values"),
        (ARTICLE.format(slug="Bad Slug", language="cs", title="T", body=""), r"x.md: slug: "),
        (ARTICLE.format(slug="a", language="xx", title="T", body=""), r"x.md: language: "),
        (ARTICLE.format(slug="a", language="cs", title="T", body="") + "extra: 1", None),
    ],
)
def test_bad_files_are_named(text: str, message: str | None) -> None:
    if message is None:  # a body line that looks like a key is just text
        assert parse_file(text, "x.md")[1] == "extra: 1\n"
        return
    with pytest.raises(FolderError, match=message):
        parse_file(text, "x.md")


def test_folder_checks(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match=r"no \.md files"):
        read_folder(tmp_path)
    write(tmp_path, "a.md")
    write(tmp_path, "b.md", slug="jine")
    with pytest.raises(FolderError, match=r"b.md: language: a.md is already the cs translation"):
        read_folder(tmp_path)
    (tmp_path / "b.md").unlink()
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "c.md", title="Other")
    (tmp_path / "sub" / "c.md").write_text(
        (tmp_path / "sub" / "c.md").read_text().replace("id: returns", "id: other")
    )
    with pytest.raises(FolderError, match=r"sub/c.md: slug: a.md has the same slug"):
        read_folder(tmp_path)


def test_the_shipped_help_center_reads() -> None:
    folder = read_folder(Path(__file__).resolve().parents[1] / "data" / "help_center")
    assert len(folder.articles) >= 100
    assert set(folder.categories) >= {a.category for a in folder.articles}


@pytest.mark.storage
async def test_import_publishes_and_a_second_run_changes_nothing(
    db: Database, tmp_path: Path
) -> None:
    folder = read_folder(sample(tmp_path))
    async with db.transaction() as tx:
        workspace_id = (await auth.do_create_workspace(tx, "Shop")).id
        first = await do_import(tx, workspace_id, folder)
    assert (first.created, first.changed, first.unchanged) == (2, 0, 0)
    async with db.read() as session:
        hits = await search_articles(session, workspace_id, "vraceni zbozi")
        assert [h.article_id for h in hits][:1] == [first.article_ids["returns"]]
        names = await session.scalar(select(Category.names).where(Category.slug == "returns"))
        assert names == {"cs": "Vrácení"}
    async with db.transaction() as tx:
        again = await do_import(tx, workspace_id, read_folder(tmp_path))
    assert (again.created, again.changed, again.unchanged) == (0, 0, 2)
    assert again.article_ids == first.article_ids
    write(tmp_path, "returns.cs.md", body="Zboží vrátíte do 30 dnů, i rozbalené.")
    async with db.transaction() as tx:
        changed = await do_import(tx, workspace_id, read_folder(tmp_path), publish=False)
    assert (changed.created, changed.changed, changed.unchanged) == (0, 1, 1)
    async with db.read() as session:
        statuses = set(await session.scalars(select(Translation.status)))
        revisions = await session.scalar(select(func.count()).select_from(Revision))
    assert statuses == {"published"} and revisions == 3


@pytest.mark.storage
async def test_drafts_stay_out_of_search(db: Database, tmp_path: Path) -> None:
    async with db.transaction() as tx:
        workspace_id = (await auth.do_create_workspace(tx, "Shop")).id
        await do_import(tx, workspace_id, read_folder(sample(tmp_path)), publish=False)
    async with db.read() as session:
        assert await search_articles(session, workspace_id, "vraceni") == []
