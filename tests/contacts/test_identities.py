"""Identity values and custom attributes: normalised, validated, errors naming the field."""

from __future__ import annotations

import pytest

from hovor.contacts import attributes, service
from hovor.contacts.identities import normalize_email, normalize_identity, normalize_phone
from hovor.core.errors import Conflict, InvalidInput
from hovor.db.transaction import Database
from tests.support.factories import make_team


def test_email_is_lower_cased_and_checked() -> None:
    assert normalize_email("  Ann.Lee@Example.ORG ") == "ann.lee@example.org"
    with pytest.raises(InvalidInput) as err:
        normalize_email("not-an-address", ["contact", "email"])
    assert err.value.errors == [{"loc": ["contact", "email"], "msg": "not a valid e-mail address"}]


def test_phone_becomes_e164() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("030 901820", region="DE") == "+4930901820"
    for bad in ("12", "+1 555 0000 000 000", "call me"):
        with pytest.raises(InvalidInput) as err:
            normalize_phone(bad)
        assert err.value.errors and err.value.errors[0]["loc"] == ["phone"]


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+420 777 123 456", None, "+420777123456"),
        ("+420777123456", None, "+420777123456"),
        (" +420 (777) 123-456 ", None, "+420777123456"),
        ("777 123 456", "CZ", "+420777123456"),
        ("00420 777 123 456", "CZ", "+420777123456"),
        ("+421 905 123 456", None, "+421905123456"),
        ("0905 123 456", "SK", "+421905123456"),
        ("00421905123456", "SK", "+421905123456"),
        ("+421 905 123 456", "CZ", "+421905123456"),  # a + wins over the region
    ],
)
def test_czech_and_slovak_numbers_become_e164(raw: str, region: str | None, e164: str) -> None:
    assert normalize_phone(raw, region=region) == e164


@pytest.mark.parametrize(
    ("raw", "region", "msg"),
    [
        ("777 123 456", None, "not a phone number (use the international form, +...)"),
        ("00420 777 123 456", None, "not a phone number (use the international form, +...)"),
        ("0905 123 456", None, "not a phone number (use the international form, +...)"),
        ("", None, "not a phone number (use the international form, +...)"),
        ("zavolejte mi", "CZ", "not a phone number (use the international form, +...)"),
        ("+420 777 123", None, "not a valid phone number"),
        ("+420 777 123 4567", None, "not a valid phone number"),
        ("+421 12", None, "not a valid phone number"),
        ("0905 123 456", "CZ", "not a valid phone number"),  # a Slovak number dialled in CZ
    ],
)
def test_a_phone_that_is_not_one_is_a_field_error(raw: str, region: str | None, msg: str) -> None:
    with pytest.raises(InvalidInput) as err:
        normalize_phone(raw, ["customer", "phone"], region=region)
    assert err.value.errors == [{"loc": ["customer", "phone"], "msg": msg}]


def test_unknown_kind_and_empty_value_are_refused() -> None:
    with pytest.raises(InvalidInput):
        normalize_identity("fax", "123")
    with pytest.raises(InvalidInput):
        normalize_identity("external_id", "   ")
    with pytest.raises(InvalidInput):
        normalize_identity("telegram", "42")  # no channel declares it here
    # A kind a registered channel declares (GET /v1/channels) is accepted when named.
    kinds = ("visitor", "email", "phone", "external_id", "telegram")
    assert normalize_identity("telegram", " tg:42 ", None, kinds) == "tg:42"


@pytest.mark.storage
async def test_attribute_values_follow_the_declared_schema(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    async with db.transaction() as tx:
        await attributes.do_declare_attribute(
            tx, ws, name="tier", label="Tier", type_="enum", options=["gold", "silver"]
        )
        await attributes.do_declare_attribute(
            tx, ws, name="ltv", label="", type_="number", options=[]
        )
        await attributes.do_declare_attribute(
            tx, ws, name="vip", label="VIP", type_="boolean", options=[]
        )
        await attributes.do_declare_attribute(
            tx, ws, name="since", label="Since", type_="date", options=[]
        )
        contact = await service.do_get_or_create_by_identity(tx, ws, "visitor", "v_1", name="Ann")
    async with db.transaction() as tx:
        contact = await service.access_contact(tx.session, ws, contact.id)
        await service.do_update_contact(
            tx,
            contact,
            attributes={"tier": "gold", "ltv": 120.5, "vip": True, "since": "2024-02-29"},
        )
    assert contact.attributes == {"tier": "gold", "ltv": 120.5, "vip": True, "since": "2024-02-29"}
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as tx:
            contact = await service.access_contact(tx.session, ws, contact.id)
            await service.do_update_contact(
                tx,
                contact,
                attributes={
                    "tier": "bronze",
                    "ltv": "lots",
                    "vip": 1,
                    "since": "2024-02-30",
                    "x": 1,
                },
            )
    assert err.value.errors == [
        {"loc": ["attributes", "tier"], "msg": "must be one of gold, silver"},
        {"loc": ["attributes", "ltv"], "msg": "must be a number"},
        {"loc": ["attributes", "vip"], "msg": "must be true or false"},
        {"loc": ["attributes", "since"], "msg": "must be a date, YYYY-MM-DD"},
        {"loc": ["attributes", "x"], "msg": "no such attribute is declared"},
    ]
    async with db.transaction() as tx:
        contact = await service.access_contact(tx.session, ws, contact.id)
        await service.do_update_contact(tx, contact, attributes={"vip": None})
    assert "vip" not in contact.attributes
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await attributes.do_declare_attribute(
                tx, ws, name="tier", label="", type_="string", options=[]
            )
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as tx:
            await attributes.do_declare_attribute(
                tx, ws, name="Bad Name", label="", type_="enum", options=[]
            )
    assert [e["loc"] for e in err.value.errors or []] == [["name"], ["options"]]


@pytest.mark.storage
async def test_identities_are_normalised_and_owned_once(db: Database) -> None:
    team = await make_team(db)
    ws = team.workspace.id
    async with db.transaction() as tx:
        ann = await service.do_get_or_create_by_identity(tx, ws, "visitor", "v_1", name="Ann")
        bob = await service.do_get_or_create_by_identity(tx, ws, "visitor", "v_2", name="Bob")
        await service.do_add_identity(tx, ann, "email", "ANN@example.org", verified=False)
        await service.do_add_identity(tx, ann, "phone", "+44 20 7946 0958", verified=True)
    assert (ann.email, ann.phone) == ("ann@example.org", "+442079460958")
    with pytest.raises(Conflict, match="belongs to another contact"):
        async with db.transaction() as tx:
            bob = await service.access_contact(tx.session, ws, bob.id)
            await service.do_add_identity(tx, bob, "email", "ann@EXAMPLE.org", verified=False)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as tx:
            bob = await service.access_contact(tx.session, ws, bob.id)
            await service.do_add_identity(tx, bob, "phone", "+44 12345", verified=False)
    assert err.value.errors == [{"loc": ["value"], "msg": "not a valid phone number"}]
    async with db.read() as session:
        page, total = await service.search_contacts(session, ws, q="ann@", limit=10, offset=0)
        assert total == 1 and page[0].id == ann.id
        page, total = await service.search_contacts(session, ws, q="7946", limit=10, offset=0)
        assert [c.id for c in page] == [ann.id]
        page, total = await service.search_contacts(session, ws, q="bo", limit=10, offset=0)
        assert [c.id for c in page] == [bob.id]
        other = await make_team(db, "Other")
        _, total = await service.search_contacts(
            session, other.workspace.id, q="ann", limit=10, offset=0
        )
        assert total == 0
