"""``hovor knowledge import <folder>``: a folder of Markdown articles into a workspace."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hovor.auth.models import Workspace
from hovor.config import Settings
from hovor.core.dispatch import Dispatcher
from hovor.db.transaction import Database
from hovor.knowledge.importer import FolderError, do_import, read_folder


def add_command(sub: Any) -> None:
    """The ``knowledge`` command and its ``import`` subcommand on the ``hovor`` parser."""
    knowledge = sub.add_parser("knowledge", help="help-center articles (docs/knowledge.md)")
    commands = knowledge.add_subparsers(dest="knowledge_command", required=True)
    found = commands.add_parser(
        "import",
        help="import a folder of Markdown articles with front matter into a workspace",
        description="Each .md file is one translation of one article: front matter with id, "
        "slug, category, language and title, then Markdown; categories.json names the "
        "categories. Importing again updates what changed. Example: tests/data/help_center",
    )
    found.add_argument("folder", type=Path)
    found.add_argument("--workspace", default="Default", help="workspace name (must exist)")
    found.add_argument(
        "--draft", action="store_true", help="leave new translations as drafts (not published)"
    )


async def _import(settings: Settings, args: argparse.Namespace) -> str:
    folder = read_folder(args.folder)  # every file is checked before anything is written
    db = Database(settings.database_url, Dispatcher())
    try:
        async with db.transaction() as tx:
            workspace = await tx.session.scalar(
                select(Workspace).where(Workspace.name == args.workspace)
            )
            if workspace is None:
                names = ", ".join(repr(n) for n in await tx.session.scalars(select(Workspace.name)))
                raise FolderError(
                    f"--workspace: no workspace named {args.workspace!r} (there are: {names or 'none'})"
                )
            result = await do_import(tx, workspace.id, folder, publish=not args.draft)
    finally:
        await db.dispose()
    translations = result.created + result.changed + result.unchanged
    return (
        f"hovor: imported {len(result.article_ids)} articles ({translations} translations: "
        f"{result.created} new, {result.changed} changed, {result.unchanged} unchanged) "
        f"into workspace {args.workspace!r}"
        + (" as drafts" if args.draft and result.created else "")
    )


def run(settings: Settings, args: argparse.Namespace) -> None:
    try:
        print(asyncio.run(_import(settings, args)))
    except FolderError as exc:
        print(f"hovor: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
