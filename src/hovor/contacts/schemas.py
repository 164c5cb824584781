"""API shapes of contacts, identities, attributes, merges and the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hovor.contacts.models import IdentitySecret
from hovor.core import clock

# visitor, email, phone, external_id, and the kinds registered channels declare (GET /v1/channels)
IdentityKind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", examples=["email"])]
AttributeType = Literal["string", "number", "boolean", "date", "enum"]


class IdentityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: IdentityKind
    value: str
    verified: bool
    created_at: datetime


class IdentityIn(BaseModel):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=254)


class ContactSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    email: str | None
    phone: str | None
    created_at: datetime


class ContactPage(BaseModel):
    items: list[ContactSummary]
    total: int


class ContactOut(ContactSummary):
    attributes: dict[str, Any]
    claims: dict[str, Any] = Field(
        description="what the visitor said about themselves without a valid signature"
    )
    merged_into_id: str | None
    identities: list[IdentityOut]


class ContactPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] | None = Field(
        default=None, description="values to set; null removes an attribute"
    )


class AttributeIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    label: str = Field(default="", max_length=120)
    type: AttributeType
    options: list[str] = Field(default_factory=list, max_length=100)


class AttributeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    label: str
    type: AttributeType
    options: list[str]


class MergeIn(BaseModel):
    source_id: str = Field(min_length=1, max_length=26)


class MergeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    source_id: str
    target_id: str
    actor: str
    reason: str
    moved: dict[str, list[str]]
    created_at: datetime
    undone_at: datetime | None
    undone_by: str | None


class TimelineEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    occurred_at: datetime
    ref_type: str
    ref_id: str
    summary: str
    data: dict[str, Any]


class TimelinePage(BaseModel):
    items: list[TimelineEntryOut]
    next_cursor: str | None = Field(description="pass as ?before= for the next (older) page")


class IdentifyIn(BaseModel):
    """A signed identity ``token`` (its ``sub`` is the customer id), or the deprecated
    ``external_id`` with its HMAC ``signature``."""

    token: str | None = Field(
        default=None, min_length=1, max_length=4096, description="signed identity token (JWT)"
    )
    external_id: str | None = Field(default=None, min_length=1, max_length=254)
    signature: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="deprecated: hex(HMAC-SHA256(identity secret, external_id)); never expires",
    )
    email: str | None = Field(default=None, max_length=254)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)


class IdentifyOut(BaseModel):
    contact_id: str
    verified: bool


class IdentitySecretOut(BaseModel):
    site_key_id: str
    secret: str
    rotated_at: datetime
    previous_valid_until: datetime | None = Field(
        description="until when the secret before the last rotation still verifies; "
        "null: it no longer does"
    )

    @classmethod
    def of(cls, row: IdentitySecret) -> IdentitySecretOut:
        until = row.previous_until
        return cls(
            site_key_id=row.site_key_id,
            secret=row.secret,
            rotated_at=row.rotated_at,
            previous_valid_until=until if until is not None and until > clock.now() else None,
        )


class CustomerUpsertIn(BaseModel):
    """What the shop's back-end knows about its customer; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=64, description="international form, +…")
    name: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] | None = Field(
        default=None, description="declared attributes to set; null removes one"
    )


class CustomerOut(BaseModel):
    external_id: str
    contact: ContactOut
    merges: list[MergeOut] = Field(
        description="contacts this call merged into the customer's (empty when nothing changed)"
    )
