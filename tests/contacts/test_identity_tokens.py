"""Signed identity tokens (issue 21, defect 6): current, for their own site, exact ids; a
replayed signature attaches no address to a customer verified before. Both databases."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hovor.auth import service as auth
from hovor.contacts import identify, identity_secrets, service
from hovor.contacts.identity_tokens import IdentityKey, issue_identity_token
from hovor.contacts.models import IdentitySecret
from hovor.core import clock
from hovor.core.clock import ManualClock
from hovor.core.errors import Forbidden, InvalidInput
from hovor.db.transaction import Database
from tests.contacts.helpers import LINKS, identify_as
from tests.support.factories import make_team

pytestmark = pytest.mark.storage


async def site(db: Database, workspace_id: str, name: str = "Shop") -> IdentityKey:
    async with db.transaction() as tx:
        row = await auth.do_create_site_key(
            tx, workspace_id, name=name, allowed_origins=["https://shop.example.org"]
        )
        secret = await identity_secrets.do_get_identity_secret(tx, workspace_id, row.id)
        return IdentityKey(secret.secret, row.key)


async def verify(db: Database, workspace_id: str, props: dict[str, Any]) -> identify.IdentifyClaim:
    async with db.read() as session:
        return await identify.check_verified(session, workspace_id, identify.check_claim(props))


async def test_a_current_token_vouches_for_its_subject(db: Database) -> None:
    team = await make_team(db)
    key = await site(db, team.workspace.id)
    token = issue_identity_token(key, "cust-7", issued_at=clock.now())
    claim = await verify(db, team.workspace.id, {"token": token})
    assert claim.external_id == "cust-7"
    claim = await verify(db, team.workspace.id, {"token": token, "external_id": "cust-7"})
    assert claim.external_id == "cust-7"
    with pytest.raises(Forbidden, match="differs"):
        await verify(db, team.workspace.id, {"token": token, "external_id": "cust-8"})


@pytest.mark.parametrize(
    ("issued_ago", "lifetime", "reason"),
    [
        (timedelta(hours=2), timedelta(hours=1), "expired"),
        (timedelta(0), timedelta(hours=25), "at most 24 hours"),
        (-timedelta(hours=1), timedelta(hours=2), "in the future"),
    ],
)
async def test_times_are_checked(
    db: Database, issued_ago: timedelta, lifetime: timedelta, reason: str
) -> None:
    team = await make_team(db)
    key = await site(db, team.workspace.id)
    token = issue_identity_token(
        key, "cust-7", issued_at=clock.now() - issued_ago, lifetime=lifetime
    )
    with pytest.raises(Forbidden, match=reason):
        await verify(db, team.workspace.id, {"token": token})


async def test_audience_signer_and_algorithm(db: Database) -> None:
    team, other = await make_team(db), await make_team(db, "Other")
    key = await site(db, team.workspace.id)
    second = await site(db, team.workspace.id, "Second shop")
    foreign = await site(db, other.workspace.id)
    now = clock.now()
    wrong_audience = issue_identity_token(
        IdentityKey(key.secret, second.audience), "c", issued_at=now
    )
    with pytest.raises(Forbidden, match="aud must be the site key"):
        await verify(db, team.workspace.id, {"token": wrong_audience})
    with pytest.raises(Forbidden, match="bad signature"):
        await verify(
            db, team.workspace.id, {"token": issue_identity_token(foreign, "c", issued_at=now)}
        )
    valid = issue_identity_token(key, "c", issued_at=now)
    unsigned = _b64({"alg": "none"}) + "." + valid.split(".")[1] + "."
    with pytest.raises(Forbidden, match="HS256"):
        await verify(db, team.workspace.id, {"token": unsigned})
    tampered = valid.split(".")
    tampered[1] = _b64({**json.loads(_unb64(tampered[1])), "sub": "someone-else"})
    with pytest.raises(Forbidden, match="bad signature"):
        await verify(db, team.workspace.id, {"token": ".".join(tampered)})
    with pytest.raises(Forbidden, match="not a JWT"):
        await verify(db, team.workspace.id, {"token": "x" * 10})


async def test_an_id_with_surrounding_whitespace_is_not_the_same_id(db: Database) -> None:
    with pytest.raises(InvalidInput) as caught:
        identify.check_claim({"external_id": " cust-7", "signature": "ab"})
    assert caught.value.errors == [
        {"loc": ["external_id"], "msg": "must not start or end with whitespace"}
    ]


async def test_a_replayed_signature_adds_no_address_to_a_verified_customer(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    key = await site(db, ws)
    first = await identify_as(db, ws, "v_ann", "cust-1", secret=key.secret, email="ann@example.org")
    replayed = await identify_as(
        db, ws, "v_mallory", "cust-1", secret=key.secret, email="mallory@example.org"
    )
    assert replayed.contact_id == first.contact_id  # the deprecated form still attaches
    async with db.read() as session:
        identities = await service.identities_of(session, ws, first.contact_id)
        mallory = await service.find_by_identity(session, ws, "email", "mallory@example.org")
    assert ("email", "mallory@example.org") not in {(i.kind, i.value) for i in identities}
    assert mallory is None


@dataclass
class FakeVisitor:
    workspace_id: str
    visitor_id: str

    def session_facts(self) -> dict[str, Any]:
        return {}


@dataclass
class FakeEvent:
    props: dict[str, Any]
    event_id: str = "e1"
    type: str = "identify"
    ts: datetime = field(default_factory=clock.now)


async def test_the_tracker_hook_takes_a_token(db: Database) -> None:
    team = await make_team(db)
    key = await site(db, team.workspace.id)
    hook = identify.Identify(db, LINKS)
    token = issue_identity_token(key, "cust-9", issued_at=clock.now())
    done = await hook.identify(FakeVisitor(team.workspace.id, "v_1"), FakeEvent({"token": token}))
    assert done is not None and done.verified
    expired = issue_identity_token(key, "cust-9", issued_at=clock.now() - timedelta(days=2))
    refused = await hook.identify(
        FakeVisitor(team.workspace.id, "v_2"), FakeEvent({"token": expired})
    )
    assert refused is not None and not refused.verified
    assert hook.metrics == {"verified": 1, "refused": 1}


async def test_a_token_with_a_jti_is_accepted_once(db: Database) -> None:
    team, other = await make_team(db), await make_team(db, "Other")
    key, foreign = await site(db, team.workspace.id), await site(db, other.workspace.id)
    token = issue_identity_token(key, "cust-7", issued_at=clock.now(), jti="t-1")
    async with db.transaction() as tx:
        claim = await identify.check_verified(
            tx.session, team.workspace.id, identify.check_claim({"token": token})
        )
    assert claim.external_id == "cust-7"
    with pytest.raises(identity_secrets.TokenReplayed, match="already used"):
        async with db.transaction() as tx:
            await identify.check_verified(
                tx.session, team.workspace.id, identify.check_claim({"token": token})
            )
    # The same jti in another workspace is another token; without a jti, no limit.
    same_jti = issue_identity_token(foreign, "cust-7", issued_at=clock.now(), jti="t-1")
    plain = issue_identity_token(key, "cust-7", issued_at=clock.now())
    for workspace_id, each in (
        (other.workspace.id, same_jti),
        (team.workspace.id, plain),
        (team.workspace.id, plain),
    ):
        async with db.transaction() as tx:
            await identify.check_verified(
                tx.session, workspace_id, identify.check_claim({"token": each})
            )


async def test_a_failed_identify_does_not_spend_its_jti(db: Database) -> None:
    team = await make_team(db)
    key = await site(db, team.workspace.id)
    token = issue_identity_token(key, "cust-7", issued_at=clock.now(), jti="t-2")
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await identify.check_verified(
                tx.session, team.workspace.id, identify.check_claim({"token": token})
            )
            raise RuntimeError("the identify failed after the check")
    async with db.transaction() as tx:
        await identify.check_verified(
            tx.session, team.workspace.id, identify.check_claim({"token": token})
        )


async def test_a_replay_through_the_tracker_records_nothing(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    key = await site(db, ws)
    hook = identify.Identify(db, LINKS)
    token = issue_identity_token(key, "cust-9", issued_at=clock.now(), jti="t-3")
    done = await hook.identify(FakeVisitor(ws, "v_1"), FakeEvent({"token": token}))
    assert done is not None and done.verified
    replay = FakeEvent({"token": token, "email": "mallory@example.org", "name": "Mallory"})
    assert await hook.identify(FakeVisitor(ws, "v_2"), replay) is None
    assert hook.metrics == {"verified": 1, "replayed": 1}
    async with db.read() as session:
        assert await service.find_by_identity(session, ws, "visitor", "v_2") is None
        assert await service.find_by_identity(session, ws, "email", "mallory@example.org") is None


async def test_a_token_of_the_previous_secret_verifies_during_the_grace(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    old = await site(db, ws)
    manual = ManualClock(clock.now())
    previous = clock.set_clock(manual)
    try:
        async with db.transaction() as tx:
            site_key_id = (await tx.session.scalars(select(IdentitySecret))).one().site_key_id
            row = await identity_secrets.do_rotate_identity_secret(
                tx, ws, site_key_id, grace=timedelta(hours=1)
            )
            new = IdentityKey(row.secret, old.audience)
        for key in (old, new):
            token = issue_identity_token(key, "cust-7", issued_at=manual.now())
            assert (await verify(db, ws, {"token": token})).external_id == "cust-7"
        manual.advance(3600)
        late = issue_identity_token(old, "cust-7", issued_at=manual.now())
        with pytest.raises(Forbidden, match="bad signature"):
            await verify(db, ws, {"token": late})
        current = issue_identity_token(new, "cust-7", issued_at=manual.now())
        assert (await verify(db, ws, {"token": current})).external_id == "cust-7"
    finally:
        clock.set_clock(previous)


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
