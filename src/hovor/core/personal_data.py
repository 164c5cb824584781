"""Declarations of personal data, made by each table next to its model.

Privacy export and erasure (``hovor.privacy``) have no list of tables of their own: they
walk ``Base.metadata`` and act on what each table declares in ``Table.info`` under
``PERSONAL_DATA``. A table that holds a contact's or a visitor's data declares

- how a row reaches the data subject (``reach``: one or more links, any of them is enough):
  a column holding a contact id (``ByContact``), a column holding one of the contact's
  visitor ids (``ByVisitor``), or a column holding the id of a row of a parent table that
  is itself reached (``ByParent``, e.g. messages → conversations);
- where its rows go in the export (``export``: a key of the document, or nested in each
  row of its parent under that key);
- what each erasure mode does to the rows (``anonymise`` and ``delete``): ``Keep`` them,
  ``Blank`` named columns, or ``Delete`` them.

A table that holds nothing personal although it looks as if it did (an audit holding a
contact id, an agent's e-mail) declares ``NoPersonalData(reason)``. A test fails for any
table with a contact or visitor reference that declares neither.

How a model declares itself (``declared`` builds the ``__table_args__`` entry)::

    from hovor.core.personal_data import (
        ERASED_TEXT, Blank, ByParent, Delete, Export, PersonalData, declared,
    )

    class Delivery(IdMixin, Base):
        __tablename__ = "deliveries"
        __table_args__ = (
            Index("ix_deliveries_conversation", "conversation_id"),
            declared(
                PersonalData(
                    reach=(ByParent("conversation_id", "conversations"),),
                    export=Export("deliveries"),
                    anonymise=Blank({"recipient": ERASED_TEXT}),
                    delete=Delete(),
                )
            ),
        )

A table without other ``__table_args__`` writes ``__table_args__ = (declared(...),)``.
Every row is also filtered by its ``workspace_id``, which every personal table must have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

PERSONAL_DATA = "personal_data"
"""The key of the declaration in ``Table.info``."""

ERASED_TEXT = "[erased]"
ERASED_NAME = "Erased contact"
ERASED_DIGEST = "erased"


@dataclass(frozen=True)
class ByContact:
    """``column`` holds the id of one of the subject's contacts (the contact or one merged
    into it). On the contacts table itself this is ``id``."""

    column: str


@dataclass(frozen=True)
class ByVisitor:
    """``column`` holds one of the subject's visitor ids (its ``visitor`` identities)."""

    column: str


@dataclass(frozen=True)
class ByParent:
    """``column`` holds the ``id`` of a row of ``table``, a table reached by its own
    declaration (e.g. ``ByParent("conversation_id", "conversations")``)."""

    column: str
    table: str


@dataclass(frozen=True)
class InWorkspace:
    """Every row of the workspace: context the export needs to be read (e.g. the
    declarations of contact attributes), not data about the subject."""


Link = ByContact | ByVisitor | ByParent | InWorkspace


@dataclass(frozen=True)
class ColumnIs:
    """Only rows whose ``column`` equals ``value``."""

    column: str
    value: object


@dataclass(frozen=True)
class ColumnIsNot:
    """Only rows whose ``column`` differs from ``value``."""

    column: str
    value: object


@dataclass(frozen=True)
class NotAVisitorId:
    """Only rows whose ``column`` is not one of the subject's visitor ids."""

    column: str


Condition = ColumnIs | ColumnIsNot | NotAVisitorId


@dataclass(frozen=True)
class When:
    """A value set only in rows matching ``condition`` (others keep theirs): inside a
    ``Blank``, ``{"author_name": When(ColumnIs("author_type", "visitor"), None)}``."""

    condition: Condition
    value: object


@dataclass(frozen=True)
class Keep:
    """The rows stay as they are; ``reason`` says why that is right (ids only, bookkeeping)."""

    reason: str


@dataclass(frozen=True)
class Blank:
    """The rows stay; the named columns get these values (``When`` for some rows only).
    ``only`` narrows the rows changed (and counted)."""

    values: Mapping[str, object]
    only: Condition | None = None


@dataclass(frozen=True)
class Delete:
    """The rows are deleted (``only`` narrows which).

    ``tombstone``: a row still referenced by a foreign key from a table whose rows this
    mode keeps (e.g. a contact holding orders, kept for bookkeeping) cannot go; it gets
    these values instead and is counted as ``<table>_kept_for_<referring tables>``.
    """

    only: Condition | None = None
    tombstone: Mapping[str, object] | None = None


Action = Keep | Blank | Delete


@dataclass(frozen=True)
class Export:
    """Rows go in the export under ``key``; with ``nested`` inside each row of the parent
    table of the declaration's ``ByParent`` link (e.g. messages inside conversations)."""

    key: str
    nested: bool = False


@dataclass(frozen=True)
class PersonalData:
    """The table holds data about contacts or visitors: how to find, export and erase it."""

    reach: tuple[Link, ...]
    export: Export | None
    anonymise: Action
    delete: Action

    def __post_init__(self) -> None:
        if not self.reach:
            raise ValueError("a personal-data declaration needs at least one link in reach")
        links = {link.column for link in self.reach if not isinstance(link, InWorkspace)}
        for action in (self.anonymise, self.delete):
            if isinstance(action, Blank) and links & set(action.values):
                # Children reach their rows through these columns during the same erasure.
                raise ValueError(f"Blank must not change a reach column: {sorted(links)}")
        if self.export is not None and self.export.nested and self.parent() is None:
            raise ValueError("a nested export needs a ByParent link")

    def parent(self) -> ByParent | None:
        """The first ``ByParent`` link (the parent a nested export goes into)."""
        return next((link for link in self.reach if isinstance(link, ByParent)), None)


@dataclass(frozen=True)
class NoPersonalData:
    """The table holds no personal data of contacts or visitors, for ``reason`` (e.g. an
    audit holding only ids); export and erasure leave it alone."""

    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("say why the table holds no personal data")


Declaration = PersonalData | NoPersonalData


def declared(declaration: Declaration) -> dict[str, Any]:
    """The ``__table_args__`` entry (its last item) that attaches ``declaration``."""
    return {"info": {PERSONAL_DATA: declaration}}


def declaration_of(table: Table) -> Declaration | None:
    """What ``table`` declares, or ``None`` when it declares nothing."""
    found = table.info.get(PERSONAL_DATA)
    if found is None or isinstance(found, PersonalData | NoPersonalData):
        return found
    raise TypeError(f"table {table.name}: info[{PERSONAL_DATA!r}] is not a declaration")
