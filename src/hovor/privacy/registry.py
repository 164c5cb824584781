"""The registry of personal-data tables, read from ``Base.metadata``.

Each table declares itself next to its model (``hovor.core.personal_data``); this module
turns the declarations into SQL for one contact's scope, so export and erasure follow a new
table without an edit here. ``Registry.of`` checks the declarations against the schema
(columns exist, a parent link is a foreign key to a declared table, ...) and fails loudly:
a wrong declaration must not silently leave data behind.

Tables come in dependency order (parents first); erasure walks them backwards, so a child
is deleted while the parent it reaches the subject through still exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Select,
    Table,
    and_,
    case,
    literal,
    null,
    or_,
    select,
    true,
)

from hovor.core.personal_data import (
    ByContact,
    ByParent,
    ByVisitor,
    ColumnIs,
    ColumnIsNot,
    Condition,
    Delete,
    InWorkspace,
    Keep,
    NotAVisitorId,
    PersonalData,
    When,
    declaration_of,
)
from hovor.privacy.scope import ContactScope


class DeclarationError(Exception):
    """A personal-data declaration does not match the schema."""


@dataclass(frozen=True)
class Registered:
    table: Table
    declaration: PersonalData

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def key(self) -> Column[object]:
        """The single-column primary key (paging and parent links go by it)."""
        return _key(self.table)

    def col(self, name: str) -> Column[object]:
        column: Column[object] = self.table.c[name]
        return column

    def is_subject(self) -> bool:
        """The table of contacts itself: reached by its own primary key."""
        return any(
            isinstance(link, ByContact) and link.column == self.key.name
            for link in self.declaration.reach
        )


def _key(table: Table) -> Column[object]:
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        raise DeclarationError(f"table {table.name}: personal data needs a one-column key")
    key: Column[object] = keys[0]
    return key


class Registry:
    """The declared personal-data tables of a ``MetaData``, in dependency order."""

    def __init__(self, metadata: MetaData, tables: Iterable[Registered]) -> None:
        self.metadata = metadata
        self.tables = list(tables)
        self.by_name = {r.name: r for r in self.tables}
        for registered in self.tables:
            self._check(registered)
        subjects = [r.name for r in self.tables if r.is_subject()]
        if len(subjects) != 1:
            raise DeclarationError(f"exactly one table must be reached by its key: {subjects}")
        self.subject = self.by_name[subjects[0]]

    @classmethod
    def of(cls, metadata: MetaData) -> Registry:
        found = []
        for table in metadata.sorted_tables:
            declaration = declaration_of(table)
            if isinstance(declaration, PersonalData):
                found.append(Registered(table, declaration))
        return cls(metadata, found)

    def _check(self, r: Registered) -> None:
        d, table = r.declaration, r.table
        r.key  # noqa: B018 - raises when the key is not one column
        named = ["workspace_id"]
        for link in d.reach:
            if isinstance(link, InWorkspace):
                if not (isinstance(d.anonymise, Keep) and isinstance(d.delete, Keep)):
                    raise DeclarationError(
                        f"table {table.name}: a table reached by workspace must Keep its rows"
                    )
                continue
            named.append(link.column)
            if isinstance(link, ByParent):
                parent = self.by_name.get(link.table)
                if parent is None or parent.table is table:
                    raise DeclarationError(
                        f"table {table.name}: parent {link.table} is not another declared "
                        "personal-data table"
                    )
                if not table.c[link.column].references(parent.key):
                    raise DeclarationError(
                        f"table {table.name}: {link.column} is not a foreign key to {link.table}"
                    )
        for action in (d.anonymise, d.delete):
            if isinstance(action, Keep):
                continue
            if action.only is not None:
                named.append(action.only.column)
            values = action.tombstone if isinstance(action, Delete) else action.values
            for name, value in (values or {}).items():
                named.append(name)
                if isinstance(value, When):
                    named.append(value.condition.column)
        missing = sorted({n for n in named if n not in table.c})
        if missing:
            raise DeclarationError(f"table {table.name}: no column(s) {missing}")

    def reached(self, r: Registered, scope: ContactScope) -> ColumnElement[bool]:
        """The rows of ``r`` that belong to the scope (always within its workspace)."""
        links: list[ColumnElement[bool]] = []
        for link in r.declaration.reach:
            if isinstance(link, InWorkspace):
                links.append(true())
            elif isinstance(link, ByContact):
                links.append(r.col(link.column).in_(scope.contact_ids))
            elif isinstance(link, ByVisitor):
                links.append(r.col(link.column).in_(scope.visitor_ids))
            else:
                links.append(r.col(link.column).in_(self.ids(self.by_name[link.table], scope)))
        return and_(r.col("workspace_id") == scope.workspace_id, or_(*links))

    def ids(self, r: Registered, scope: ContactScope) -> Select[object]:
        """A subquery: the keys of the rows of ``r`` in the scope."""
        return select(r.key).where(self.reached(r, scope))

    def children(self, parent: Registered) -> list[Registered]:
        """Tables exported nested in each row of ``parent``."""
        return [
            r
            for r in self.tables
            if r.declaration.export is not None
            and r.declaration.export.nested
            and (link := r.declaration.parent()) is not None
            and link.table == parent.name
        ]

    def keepers(self, r: Registered, mode: str) -> list[Column[object]]:
        """Foreign-key columns of other tables that point at ``r`` and whose rows ``mode``
        keeps (all or some): a row of ``r`` they point at must stay, as a tombstone."""
        found: list[Column[object]] = []
        for table in self.metadata.sorted_tables:
            if table is r.table:
                continue
            other = self.by_name.get(table.name)
            action = None if other is None else getattr(other.declaration, mode)
            if isinstance(action, Delete) and action.only is None:
                continue
            for fk in table.foreign_keys:
                if fk.references(r.table) and fk.parent is not None:
                    found.append(fk.parent)
        return found


def condition(r: Registered, only: Condition, scope: ContactScope) -> ColumnElement[bool]:
    column = r.col(only.column)
    if isinstance(only, ColumnIs):
        return column == only.value
    if isinstance(only, ColumnIsNot):
        return column != only.value
    assert isinstance(only, NotAVisitorId)
    return column.not_in(scope.visitor_ids)


def assignments(r: Registered, values: dict[str, object], scope: ContactScope) -> dict[str, object]:
    """The ``values`` of an ``UPDATE``; a ``When`` becomes ``CASE WHEN … ELSE column``."""
    out: dict[str, object] = {}
    for name, value in values.items():
        if isinstance(value, When):
            column = r.col(name)
            new = null() if value.value is None else literal(value.value, column.type)
            out[name] = case((condition(r, value.condition, scope), new), else_=column)
        else:
            out[name] = value
    return out


LINK_COLUMNS = frozenset({"contact_id", "visitor_id", "source_id"})
ADDRESS_WORDS = ("email", "phone", "address", "recipient")


def undeclared(metadata: MetaData) -> list[str]:
    """Why each table that looks personal but declares nothing needs a declaration: a
    ``contact_id`` / ``visitor_id`` / ``source_id`` column, an e-mail, phone, address or
    recipient column, or a foreign key to contacts or to a declared personal-data table."""
    personal = {"contacts"} | {
        t.name for t in metadata.sorted_tables if isinstance(declaration_of(t), PersonalData)
    }
    problems = []
    for table in metadata.sorted_tables:
        if declaration_of(table) is not None:
            continue
        signs = [
            f"column {c.name}"
            for c in table.columns
            if c.name in LINK_COLUMNS or any(word in c.name for word in ADDRESS_WORDS)
        ]
        signs += sorted(
            f"foreign key {fk.parent.name} to {fk.column.table.name}"
            for fk in table.foreign_keys
            if fk.column.table.name in personal
        )
        if signs:
            problems.append(
                f"table {table.name} ({', '.join(signs)}) declares no personal data: add "
                "declared(PersonalData(reach=..., export=..., anonymise=..., delete=...)) "
                'or declared(NoPersonalData("why")) to its __table_args__ '
                "(hovor.core.personal_data; docs/privacy.md)"
            )
    return problems
