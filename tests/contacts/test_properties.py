"""Property test: random sequences of identify / mail / vouch / merge / unmerge keep the
books straight.

After every step: each identity and each timeline entry belongs to exactly one live (not
merged-away) contact; no timeline entry is lost or duplicated; a signed identify puts the
visitor on the contact of its external id; the shop vouching for an e-mail puts it, verified,
on the contact of the customer id, or is refused (another customer's) and changes nothing;
undoing a merge right after it restores exactly who owned what before.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hovor.contacts import customers, merge
from hovor.contacts.models import Contact, ContactIdentity, ContactMerge, TimelineEntry
from hovor.contacts.service import do_get_or_create_by_identity
from hovor.core.dispatch import Dispatcher
from hovor.core.errors import Conflict
from hovor.db.transaction import Database
from hovor.models import metadata
from tests.contacts.helpers import LINKS, identify_as, site_secret
from tests.support.factories import make_team

pytestmark = pytest.mark.storage

Op = tuple[str, int, int, bool]
ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("identify"), st.integers(0, 4), st.integers(0, 2), st.booleans()
        ),  # visitor, customer, signed
        st.tuples(st.just("merge"), st.integers(0, 20), st.integers(0, 20), st.just(False)),
        st.tuples(st.just("unmerge"), st.just(0), st.just(0), st.just(False)),
        # an e-mail arrives from address x (an unverified, e-mail-only contact)
        st.tuples(st.just("mail"), st.integers(0, 2), st.just(0), st.just(False)),
        # the shop vouches: customer y has address x
        st.tuples(st.just("vouch"), st.integers(0, 2), st.integers(0, 2), st.just(False)),
    ),
    min_size=1,
    max_size=14,
)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


async def _state(db: Database, ws: str) -> tuple[dict[str, str], dict[str, str], set[str]]:
    async with db.read() as session:
        idents = {
            f"{i.kind}:{i.value}": i.contact_id
            for i in (
                await session.scalars(
                    select(ContactIdentity).where(ContactIdentity.workspace_id == ws)
                )
            ).all()
        }
        entries = {
            e.ref_id: e.contact_id
            for e in (
                await session.scalars(select(TimelineEntry).where(TimelineEntry.workspace_id == ws))
            ).all()
        }
        live = set(
            (
                await session.scalars(
                    select(Contact.id).where(
                        Contact.workspace_id == ws, Contact.merged_into_id.is_(None)
                    )
                )
            ).all()
        )
    return idents, entries, live


async def _run(url: str, steps: list[Op]) -> None:
    db = Database(url, Dispatcher())
    try:
        async with db.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())
        team = await make_team(db, agents=0)
        ws = team.workspace.id
        secret = await site_secret(db, ws)
        recorded: set[str] = set()  # refs of the timeline entries written so far
        last_merge: tuple[str, dict[str, str], dict[str, str]] | None = None
        for n, (op, x, y, signed) in enumerate(steps):
            before_idents, before_entries, live = await _state(db, ws)
            made: str | None = None
            if op == "identify":
                ref = f"e{n}"
                result = await identify_as(
                    db,
                    ws,
                    f"v_{x}",
                    f"cust-{y}",
                    secret=secret if signed else None,
                    at=T0 + timedelta(minutes=n),
                    ref_id=ref,
                )
                if signed:
                    recorded.add(ref)
                    made = result.merge_id
                    idents, _, _ = await _state(db, ws)
                    assert idents[f"visitor:v_{x}"] == idents[f"external_id:cust-{y}"]
                else:
                    assert result.contact_id == (await _state(db, ws))[0][f"visitor:v_{x}"]
            elif op == "mail":
                async with db.transaction() as tx:
                    await do_get_or_create_by_identity(
                        tx, ws, "email", f"a{x}@example.org", name=f"Sender {x}"
                    )
            elif op == "vouch":
                ref_ = customers.check_customer(
                    ["body"],
                    external_id=f"cust-{y}",
                    email=f"a{x}@example.org",
                    phone=None,
                    name=None,
                )
                try:
                    async with db.transaction() as tx:
                        await customers.do_upsert_customer(tx, ws, ref_, attributes={}, links=LINKS)
                except Conflict:
                    assert await _state(db, ws) == (before_idents, before_entries, live)
                else:
                    idents, _, _ = await _state(db, ws)
                    assert idents[f"email:a{x}@example.org"] == idents[f"external_id:cust-{y}"]
                    async with db.read() as session:
                        flags = set(
                            (
                                await session.scalars(
                                    select(ContactIdentity.verified).where(
                                        ContactIdentity.workspace_id == ws,
                                        ContactIdentity.value.in_(
                                            (f"a{x}@example.org", f"cust-{y}")
                                        ),
                                    )
                                )
                            ).all()
                        )
                    assert flags == {True}
            elif op == "merge" and len(live) >= 2:
                ordered = sorted(live)
                source, target = ordered[x % len(ordered)], ordered[y % len(ordered)]
                if source != target:
                    async with db.transaction() as tx:
                        made = (
                            await merge.do_merge_contacts(
                                tx, ws, source, target, "user:test", links=LINKS
                            )
                        ).id
            elif op == "unmerge":
                async with db.read() as session:
                    open_merges = (
                        await session.scalars(
                            select(ContactMerge)
                            .where(
                                ContactMerge.workspace_id == ws, ContactMerge.undone_at.is_(None)
                            )
                            .order_by(ContactMerge.created_at.desc(), ContactMerge.id.desc())
                        )
                    ).all()
                undoable = [m for m in open_merges if m.target_id in live]
                if undoable:
                    async with db.transaction() as tx:
                        await merge.do_unmerge(tx, ws, undoable[0].id, "user:test", links=LINKS)
                    if last_merge is not None and last_merge[0] == undoable[0].id:
                        idents, entries, _ = await _state(db, ws)
                        assert {k: idents[k] for k in last_merge[1]} == last_merge[1]
                        assert {k: entries[k] for k in last_merge[2]} == last_merge[2]
            last_merge = (made, before_idents, before_entries) if made else None

            idents, entries, live = await _state(db, ws)
            assert set(idents.values()) <= live, "an identity on a merged-away contact"
            assert set(entries.values()) <= live, "a timeline entry on a merged-away contact"
            assert set(entries) == recorded, "a timeline entry lost or duplicated"
            async with db.read() as session:
                count = len(
                    (
                        await session.scalars(
                            select(TimelineEntry.id).where(TimelineEntry.workspace_id == ws)
                        )
                    ).all()
                )
            assert count == len(recorded)
    finally:
        await db.dispose()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=ops)
def test_identify_merge_unmerge_sequences(database_url: str, steps: list[Op]) -> None:
    asyncio.run(_run(database_url, steps))
