"""Every table that holds a contact's or a visitor's data says so, and the declarations
match the schema; a table that forgets itself fails here, naming itself and the fix."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, MetaData, String, Table

import hovor
from hovor.core.personal_data import (
    Blank,
    ByContact,
    ByParent,
    Delete,
    Export,
    InWorkspace,
    Keep,
    NoPersonalData,
    PersonalData,
    declaration_of,
)
from hovor.models import metadata
from hovor.privacy.registry import DeclarationError, Registry, undeclared

SOURCE = Path(hovor.__file__).parent


def _fresh(code: str) -> list[str]:
    """What ``code`` prints in a new interpreter (one line per item): imports as the app
    and the migrations see them, not as this test session has accumulated them."""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120
    )
    return out.stdout.split()


def test_hovor_models_imports_every_models_module() -> None:
    modules = sorted(
        "hovor." + ".".join(p.relative_to(SOURCE).with_suffix("").parts)
        for p in SOURCE.rglob("models.py")
        if p.parent != SOURCE
    )
    loaded = _fresh(
        "import sys, hovor.models\n"
        "print('\\n'.join(m for m in sys.modules if m.endswith('.models')))"
    )
    assert sorted(set(modules) - set(loaded)) == []


def test_the_app_has_every_table_that_privacy_walks() -> None:
    """Export and erase walk ``Base.metadata`` as the running app has it: every table must
    be imported by the app, or erasure would skip it without a word."""
    with_app = _fresh(
        "import hovor.app\nfrom hovor.db.base import Base\nprint('\\n'.join(Base.metadata.tables))"
    )
    assert sorted(set(metadata.tables) - set(with_app)) == []


def test_every_table_that_looks_personal_declares_itself() -> None:
    problems = undeclared(metadata)
    assert problems == [], "\n".join(problems)


def test_declarations_match_the_schema() -> None:
    registry = Registry.of(metadata)
    assert registry.subject.name == "contacts"
    keys = [r.declaration.export.key for r in registry.tables if r.declaration.export]
    assert len(keys) == len(set(keys)), "two tables export under one key"
    assert [r.name for r in registry.children(registry.by_name["conversations"])] == ["messages"]
    for table in metadata.sorted_tables:
        declaration = declaration_of(table)
        if isinstance(declaration, NoPersonalData):
            assert declaration.reason.strip()


def _chat_handles(meta: MetaData, **info: object) -> Table:
    Table("workspaces", meta, Column("id", String, primary_key=True))
    Table(
        "contacts",
        meta,
        Column("id", String, primary_key=True),
        Column("workspace_id", ForeignKey("workspaces.id")),
        info={
            "personal_data": PersonalData(
                reach=(ByContact("id"),), export=None, anonymise=Keep("x"), delete=Delete()
            )
        },
    )
    return Table(
        "chat_handles",
        meta,
        Column("id", String, primary_key=True),
        Column("workspace_id", ForeignKey("workspaces.id")),
        Column("owner", ForeignKey("contacts.id")),
        Column("handle", String),
        info=info,
    )


def test_a_table_that_forgets_itself_is_named_with_the_fix() -> None:
    meta = MetaData()
    _chat_handles(meta)
    (problem,) = undeclared(meta)
    assert problem.startswith("table chat_handles (foreign key owner to contacts)")
    assert "declared(PersonalData(" in problem and "declared(NoPersonalData(" in problem

    meta = MetaData()
    _chat_handles(meta, personal_data=NoPersonalData("handles are public bot names"))
    assert undeclared(meta) == []


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            PersonalData(
                reach=(ByParent("owner", "workspaces"),),
                export=None,
                anonymise=Keep("x"),
                delete=Delete(),
            ),
            "parent workspaces is not another declared personal-data table",
        ),
        (
            PersonalData(
                reach=(ByContact("owner"),),
                export=Export("handles"),
                anonymise=Blank({"nickname": None}),
                delete=Delete(),
            ),
            "no column(s) ['nickname']",
        ),
        (
            PersonalData(reach=(InWorkspace(),), export=None, anonymise=Keep("x"), delete=Delete()),
            "a table reached by workspace must Keep its rows",
        ),
        (
            PersonalData(
                reach=(ByParent("handle", "contacts"),),
                export=None,
                anonymise=Keep("x"),
                delete=Delete(),
            ),
            "handle is not a foreign key to contacts",
        ),
    ],
)
def test_a_wrong_declaration_is_refused(declaration: PersonalData, message: str) -> None:
    meta = MetaData()
    _chat_handles(meta, personal_data=declaration)
    with pytest.raises(DeclarationError, match=re.escape(message)):
        Registry.of(meta)


def test_a_blank_may_not_change_the_column_rows_are_reached_by() -> None:
    with pytest.raises(ValueError, match="reach column"):
        PersonalData(
            reach=(ByContact("owner"),),
            export=None,
            anonymise=Blank({"owner": None}),
            delete=Delete(),
        )
